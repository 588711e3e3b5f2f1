#!/usr/bin/env bash
# undergo_lab_perf.sh GRADER LAB ref|stub zero|full — grades this tree's
# variant of LAB with its benchmarks and checks what its performance
# earned. For a lab whose stub passes (`stub: passes`): the stub, correct
# but slow, must pass every test and earn no performance; the reference,
# timed against itself, must earn all of it.
set -u
grader=$1 lab=$2 variant=$3 want=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$grader" run "$lab" --variant "$variant" --seed 1 --json "$out/r.json" >"$out/run.txt" 2>&1
rc=$?
cat "$out/run.txt"
[ $rc = 0 ] || { echo "grader run exited $rc"; exit 1; }
python3 - "$out/r.json" "$want" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lab, want = r["labs"][0], sys.argv[2]
perf, ratio = lab["performance"], lab["perf_ratio"]
print(f"{lab['name']}: correctness {lab['correctness']}, performance {perf}, ratio {ratio}")
for b in lab.get("benchmarks", []):
    print(f"  {b.get('name')}: ratio {b.get('ratio')}")
if lab["correctness"] != 1:
    sys.exit("not every test passed")
if perf is None:
    sys.exit("performance was not measured")
if want == "zero" and perf != 0:
    sys.exit(f"expected no performance, got {perf}")
if want == "full" and perf < 1:
    sys.exit(f"expected full performance, got {perf}")
PY
