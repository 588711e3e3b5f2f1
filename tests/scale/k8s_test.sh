#!/usr/bin/env bash
# The Kubernetes manifests (scripts/kubernetes) against the batch/v1 Job
# fields they use (check_k8s_job.py), and the checker against manifests
# broken the ways a hand edit breaks them.
# usage: k8s_test.sh <source-root>
set -u
. "$(dirname "$0")/../lib/check.sh"
root=$1 here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/ug-k8s-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
job=$root/scripts/kubernetes/grade-job.yaml merge=$root/scripts/kubernetes/grade-merge.yaml
expect "the grading and merge Jobs use only batch/v1 Job fields" 0 - \
  python3 "$here/check_k8s_job.py" "$job" "$merge"
broken() {  # broken <name> <sed expression> <message the checker prints>
  sed "$2" "$job" >broken.yaml
  python3 "$here/check_k8s_job.py" broken.yaml >out.txt 2>&1
  local rc=$?
  [ $rc = 1 ] && grep -qF -- "$3" out.txt && ok "refused: $1" || not_ok "refused: $1" "exit $rc" "$(cat out.txt)"
}
broken "a misspelt field" 's/backoffLimit:/backofLimit:/' "spec.backofLimit: not a field here"
broken "SHARDS not equal to completions" 's/completions: 4/completions: 3/' "env.SHARDS: 4, but completions is 3"
broken "a restart policy a Job cannot have" 's/restartPolicy: OnFailure/restartPolicy: Always/' \
  "restartPolicy: 'Always' is not one of Never, OnFailure"
broken "a shard index never read" 's/\$JOB_COMPLETION_INDEX/0/g' "never reads JOB_COMPLETION_INDEX"
broken "a count given as text" 's/parallelism: 4/parallelism: "4"/' "spec.parallelism: int, not str"
check_finish
