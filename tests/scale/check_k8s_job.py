#!/usr/bin/env python3
"""Checks Kubernetes Job manifests against the batch/v1 Job fields they use.

Usage: check_k8s_job.py <job.yaml>...

No cluster is needed: each document must be a batch/v1 Job whose every key
is a field of the Kubernetes API at that place (a misspelt field is
silently dropped by a cluster, so here it is an error), with the field's
type and, where the API has one, its set of values. For an Indexed Job
also: completions is set, the container reads JOB_COMPLETION_INDEX, and a
SHARDS variable, when there is one, equals completions (the shard count
`grader batch --shard` is given). Prints one line per problem, naming the
file and the field's path; exit 0 when there is none, 1 otherwise.
"""
import sys

import yaml

STR, INT, BOOL = str, int, bool
QUANTITY = (str, int)   # "1", 1, "1Gi"


def obj(**fields):
    return ("object", fields)


def lst(item):
    return ("list", item)


def one_of(*values):
    return ("enum", values)


def str_map():
    return ("map", STR)


META = obj(name=STR, namespace=STR, labels=str_map(), annotations=str_map(), generateName=STR)
ENV = obj(name=STR, value=STR, valueFrom=("any",))
RESOURCES = obj(requests=("map", QUANTITY), limits=("map", QUANTITY))
SECURITY = obj(privileged=BOOL, runAsUser=INT, runAsGroup=INT, runAsNonRoot=BOOL,
               allowPrivilegeEscalation=BOOL, readOnlyRootFilesystem=BOOL,
               capabilities=obj(add=lst(STR), drop=lst(STR)),
               seccompProfile=obj(type=one_of("RuntimeDefault", "Unconfined", "Localhost"),
                                  localhostProfile=STR),
               procMount=one_of("Default", "Unmasked"))
CONTAINER = obj(name=STR, image=STR,
                imagePullPolicy=one_of("Always", "IfNotPresent", "Never"),
                command=lst(STR), args=lst(STR), env=lst(ENV), workingDir=STR,
                resources=RESOURCES, securityContext=SECURITY,
                volumeMounts=lst(obj(name=STR, mountPath=STR, readOnly=BOOL, subPath=STR)))
VOLUME = obj(name=STR, persistentVolumeClaim=obj(claimName=STR, readOnly=BOOL),
             emptyDir=obj(medium=STR, sizeLimit=QUANTITY), hostPath=obj(path=STR, type=STR),
             configMap=obj(name=STR), secret=obj(secretName=STR))
POD = obj(restartPolicy=one_of("Never", "OnFailure"), containers=lst(CONTAINER),
          initContainers=lst(CONTAINER), volumes=lst(VOLUME), serviceAccountName=STR,
          nodeSelector=str_map(), hostUsers=BOOL, terminationGracePeriodSeconds=INT,
          securityContext=obj(runAsUser=INT, runAsGroup=INT, fsGroup=INT, runAsNonRoot=BOOL,
                              seccompProfile=obj(type=STR, localhostProfile=STR)))
JOB = obj(apiVersion=one_of("batch/v1"), kind=one_of("Job"), metadata=META,
          spec=obj(completionMode=one_of("NonIndexed", "Indexed"), completions=INT,
                   parallelism=INT, backoffLimit=INT, activeDeadlineSeconds=INT,
                   ttlSecondsAfterFinished=INT, suspend=BOOL,
                   template=obj(metadata=META, spec=POD)))
REQUIRED = {"": ["apiVersion", "kind", "metadata", "spec"], "metadata": ["name"],
            "spec": ["template"], "spec.template": ["spec"],
            "spec.template.spec": ["containers", "restartPolicy"]}


def check(node, schema, path, problems):
    kind = schema[0] if isinstance(schema, tuple) else None
    if kind == "any":
        return
    if kind == "object":
        if not isinstance(node, dict):
            problems.append(f"{path or '.'}: an object, not {type(node).__name__}")
            return
        for k in REQUIRED.get(path, []):
            if k not in node:
                problems.append(f"{path or '.'}: '{k}' is missing")
        for k, v in node.items():
            sub = f"{path}.{k}" if path else k
            if k not in schema[1]:
                problems.append(f"{sub}: not a field here")
            else:
                check(v, schema[1][k], sub, problems)
    elif kind == "list":
        if not isinstance(node, list):
            problems.append(f"{path}: a list, not {type(node).__name__}")
            return
        for i, v in enumerate(node):
            check(v, schema[1], f"{path}[{i}]", problems)
    elif kind == "map":
        if not isinstance(node, dict):
            problems.append(f"{path}: a map")
            return
        for k, v in node.items():
            check(v, schema[1], f"{path}.{k}", problems)
    elif kind == "enum":
        if node not in schema[1]:
            problems.append(f"{path}: '{node}' is not one of {', '.join(schema[1])}")
    else:
        want = schema if isinstance(schema, tuple) else (schema,)
        if isinstance(node, bool) and bool not in want or not isinstance(node, want):
            names = " or ".join(t.__name__ for t in want)
            problems.append(f"{path}: {names}, not {type(node).__name__} ({node!r})")


def check_indexed(job, problems):
    spec = job.get("spec", {})
    if spec.get("completionMode") != "Indexed":
        return
    if not isinstance(spec.get("completions"), int):
        problems.append("spec.completions: an Indexed Job needs it")
    for i, c in enumerate(spec.get("template", {}).get("spec", {}).get("containers", [])):
        text = " ".join(c.get("command", []) + c.get("args", []))
        if "JOB_COMPLETION_INDEX" not in text:
            problems.append(f"spec.template.spec.containers[{i}]: never reads JOB_COMPLETION_INDEX")
        env = {e.get("name"): e.get("value") for e in c.get("env", [])}
        if "SHARDS" in env and env["SHARDS"] != str(spec.get("completions")):
            problems.append(f"spec.template.spec.containers[{i}].env.SHARDS: {env['SHARDS']}, "
                            f"but completions is {spec.get('completions')}")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: check_k8s_job.py <job.yaml>...")
    bad = 0
    for f in sys.argv[1:]:
        try:
            docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print(f"{f}: {e}".replace("\n", " "))
            bad += 1
            continue
        if not docs:
            print(f"{f}: no document")
            bad += 1
        for n, d in enumerate(docs):
            problems = []
            check(d, JOB, "", problems)
            if isinstance(d, dict):
                check_indexed(d, problems)
            for p in problems:
                print(f"{f}: document {n + 1}: {p}")
            bad += len(problems)
            if not problems:
                print(f"ok - {f}: document {n + 1}: a batch/v1 Job"
                      f"{' (Indexed)' if d.get('spec', {}).get('completionMode') == 'Indexed' else ''}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
