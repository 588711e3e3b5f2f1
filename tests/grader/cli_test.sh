#!/usr/bin/env bash
# End-to-end tests of the `grader` command: exit codes and messages for bad
# input, the reference scoring full marks with every report valid, the stub
# scoring zero, submissions (good, broken, absent), and the handout, built
# and graded on its own.
#
# usage: cli_test.sh <grader> <source-root> <build-dir>
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1 root=$2 bindir=$3
work=$(mktemp -d /tmp/ug-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# ---- usage errors: one line, exit 2 -------------------------------------------------------
expect "no command is a usage error" 2 "usage: grader" "$grader"
expect "unknown command is named" 2 "'frob' is not a grader command" "$grader" frob
expect "unknown lab is named with a hint" 2 "unknown lab 'nosuchlab'" "$grader" run nosuchlab
expect "unknown option is named" 2 "unknown option '--frobnicate'" "$grader" run --frobnicate
expect "jobs must be positive" 2 "'--jobs' takes a whole number" "$grader" run --jobs 0 iface
expect "option without value" 2 "grader: option '--json' of 'grader run' needs a value <file>" "$grader" run iface --json
expect "bad -run regex" 2 "is not a valid regular expression" "$grader" run -run '(' iface
expect "unwritable report is refused before grading" 2 "cannot write report '/nonexistent/r.json'" \
  "$grader" run --json /nonexistent/r.json iface
expect "missing submission folder" 2 "cannot open submission" "$grader" run --submission ./nope iface
expect "bad variant" 2 "--variant must be ref or stub" "$grader" run --variant gold iface
# ---- help: every command's options, from the table that parses them ----------------------
expect "grader help lists the commands" 0 - "$grader" help
commands=$(awk '/^   [a-z]/ { print $1 }' out.txt)
[ "$(echo $commands)" = "list run report bench compare handout doctor batch history leaderboard merge demo mutants help" ] \
  && ok "grader help lists every command" || not_ok "grader help's commands" "$(cat out.txt)"
for c in $commands; do
  "$grader" "$c" --help >h1.txt 2>h1.err; rc1=$?
  "$grader" help "$c" >h2.txt 2>h2.err; rc2=$?
  if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ ! -s h1.err ] && cmp -s h1.txt h2.txt &&
     grep -q "^usage: grader $c\b" h1.txt && grep -q "^example: grader $c\b" h1.txt; then
    ok "grader $c --help and grader help $c print its usage and an example"
  else
    not_ok "grader $c --help" "exit $rc1, $rc2" "$(cat h1.txt h1.err h2.err)"
  fi
  # Every option line is "    <name> [<arg>]  <help>": none without help.
  if grep '^    -' h1.txt | grep -qvE '^    [^ ].*[^ ]  +[^ ]'; then
    not_ok "grader $c: every option has a line of help" "$(grep '^    -' h1.txt)"
  else
    ok "grader $c: every option has a line of help"
  fi
done
"$grader" bench --help >h.txt
grep -qxF '    -o <dir>            also write reference.txt and candidate.txt there (made if missing)' h.txt \
  && grep -qxF '    --count <n>         interleaved rounds (default 6; 1 to 1000)' h.txt \
  && grep -qxF 'example: grader bench iface --count 2 --benchtime 20ms -o bench-out' h.txt \
  && ok "grader bench --help prints -o, --count with its default and range, and the example" \
  || not_ok "grader bench --help" "$(cat h.txt)"
"$grader" run -h >h.txt
grep -qxF '    -run, --run <regex>  only the tests whose name matches, as go test -run does' h.txt \
  && ok "grader run -h names -run and its other spelling" || not_ok "grader run -h" "$(cat h.txt)"
expect "an unknown option points at the command's help" 2 "hint: \`grader bench --help\` lists its options" \
  "$grader" bench iface --frob
expect "help of an unknown command is named" 2 "grader: 'frob' is not a grader command" "$grader" help frob
expect "a flag given a value is refused" 2 "grader: option '--no-bench' of 'grader run' takes no value" \
  "$grader" run --no-bench=yes iface
expect "a number out of range names the range" 2 "'--count' takes a whole number" \
  "$grader" bench iface --count 0
expect "-run matching no test is refused before building" 2 \
  "grader: -run 'zzz' matches no test of the lab" "$grader" run iface -run zzz
grep -qxE '  iface, [0-9]+ tests:' err.txt \
  && grep -qxF '    test_interface_holding_a_typed_nil_pointer_is_not_nil' err.txt \
  && [ "$(grep -c '^    test_' err.txt)" = "$(grep -oE '^  iface, [0-9]+' err.txt | grep -oE '[0-9]+$')" ] \
  && ok "-run matching no test names each of the lab's tests" || not_ok "-run zzz lists the tests" "$(cat err.txt)"
expect "-run matching no test of any lab counts each lab's tests" 2 \
  "hint: -run takes an extended regular expression, matched anywhere in a test's name; name a lab to see its tests" \
  "$grader" run -run zzz
grep -qxE '  iface, [0-9]+ tests' err.txt && ! grep -q '^    test_' err.txt \
  && ok "-run matching no test of any lab prints a count per lab" || not_ok "-run zzz, every lab" "$(cat err.txt)"

mkdir full && echo keep > full/precious
expect "handout refuses a non-empty folder" 2 "'full' is not empty" "$grader" handout --out full
[ "$(cat full/precious)" = keep ] && ok "nothing in the refused folder was touched" || not_ok "refused folder changed"

# ---- list and the README table -----------------------------------------------------------
expect "list succeeds" 0 - "$grader" list
grep -q "^1.1 *iface" out.txt && ok "list shows iface as 1.1" || not_ok "list lacks iface" "$(cat out.txt)"
"$grader" list --markdown > table.md
sed -n '/<!-- labs:begin/,/<!-- labs:end/p' "$root/README.md" | sed '1d;$d' > readme-table.md
if diff -u table.md readme-table.md > table.diff; then
  ok "README lab table matches the manifests"
else
  not_ok "README lab table is stale (paste 'grader list --markdown')" "$(cat table.diff)"
fi

# ---- a broken manifest stops the manifest tool with file:line ----------------------------
mkdir -p broken/labs/bad && printf 'name: bad\ntitle: t\nquestion: "1.1"\npoints: many\n' > broken/labs/bad/lab.yaml
(cd broken && "$bindir/labtool" cmake labs >/dev/null 2>../err.txt); rc=$?
if [ $rc = 1 ] && grep -qF "labs/bad/lab.yaml:4: 'points' must be a number" err.txt; then
  ok "broken manifest stops configure with file:line"
else
  not_ok "broken manifest" "exit $rc" "$(cat err.txt)"
fi

# ---- the reference: full marks, every report valid ---------------------------------------
expect "reference grades" 0 - "$grader" run iface --seed 1 --bench-rounds 3 --benchtime 50ms \
  --record hist.db --json ref.json --gradescope gs.json --junit ref.xml
# Speed is never asserted: the benchmark ratio of the reference against
# itself is noise, so only its presence is checked here.
json_check "reference passes every test and performance was measured" ref.json \
  'r["labs"][0]["correctness"] == 1 and r["labs"][0]["perf_ratio"] and r["labs"][0]["performance"] is not None'
json_check "reference has benchmark samples" ref.json \
  'all(len(b["reference"]) >= 3 and b["ratio"] for b in r["labs"][0]["benchmarks"]) and r["labs"][0]["benchmarks"]'
json_check "json report names schema, seed, isolation" ref.json \
  'r["schema_version"] == 2 and r["seed"] == 1 and r["isolation"] and r["labs"][0]["verdicts"]["pass"] > 0'
json_check "gradescope results add up" gs.json \
  'abs(sum(t["score"] for t in r["tests"]) - r["score"]) < 1e-6 and all(t["status"] in ("passed","failed") for t in r["tests"]) and "execution_time" in r'
xmllint --noout ref.xml 2>err.txt && ok "junit report is well-formed XML" || not_ok "junit xml" "$(cat err.txt)"
expect "reference grades without benchmarks" 0 - "$grader" run iface --no-bench --json nobench.json
# Without benchmarks the performance share is not measured: shown apart,
# never counted as correctness, and the run is partial (never ranked).
json_check "reference scores full correctness, performance not measured" nobench.json \
  'abs(r["score"] - 2.4) < 1e-9 and abs(r["unmeasured"] - 0.6) < 1e-9 and r["partial"] and r["labs"][0]["performance"] is None'
grep -q "^1.1 *iface *2.40/3 .*+ 0.60 not measured" out.txt && ok "table shows iface 2.40/3 + 0.60 not measured" \
  || not_ok "table" "$(cat out.txt)"
expect "a benchtime the bench would refuse is a usage error" 2 \
  "--benchtime takes a duration like 200ms or 1s, or a count like 100x, not '1parsec'" \
  "$grader" run iface --benchtime 1parsec

# ---- bench -> compare, the reviewer's workflow -------------------------------------------
expect "bench runs both sides interleaved, making -o's folder" 0 - \
  "$grader" bench iface --count 2 --benchtime 20ms -o benchout/iface
mv benchout/iface/* benchout/ && rmdir benchout/iface
# In a pipe, progress is one line per stage on stderr, never on stdout.
grep -qE '^iface +building +[0-9.]+s$' err.txt && grep -qE '^iface +round 1/2 done +[0-9.]+s$' err.txt \
  && grep -qE '^iface +round 2/2 done +[0-9.]+s$' err.txt && ! grep -q 'round' out.txt \
  && ok "bench shows its progress on stderr, a line per stage" || not_ok "bench progress" "$(cat err.txt)"
[ "$(grep -c '^variant: ' out.txt)" = 4 ] && ok "bench printed four runs, each with its variant" \
  || not_ok "bench runs" "$(head -20 out.txt)"
grep -q '^BenchmarkAssertCached-[0-9]* ' benchout/candidate.txt && grep -q '^BenchmarkAssertCached' benchout/reference.txt \
  && ok "bench wrote both series in Go's format" || not_ok "bench files" "$(ls -l benchout)"
touch afile
expect "bench -o on a file is refused before benchmarking" 2 "grader: -o: cannot make folder 'afile/x'" \
  "$grader" bench iface --count 2 --benchtime 20ms -o afile/x
expect "compare reads both series" 0 - "$grader" compare benchout/reference.txt benchout/candidate.txt
grep -q "AssertCached" out.txt && grep -q "need >= 6 samples" out.txt \
  && ok "compare prints the table and the small-sample warning" || not_ok "compare output" "$(cat out.txt)"
# A graded run's "iface/BenchmarkX" and a bench binary's "BenchmarkX-2" are one
# benchmark, as benchstat pairs them (docs/reviewers.md's commands).
expect "compare pairs a JSON report with bench text" 0 - "$grader" compare ref.json benchout/candidate.txt
grep -qE '^iface/AssertCached +│.* \(p=[0-9.]+ n=[0-9]+\+2\) +│$' out.txt \
  && ! grep -q 'BenchmarkAssertCached' out.txt && ! grep -qE '^AssertCached' out.txt \
  && ok "compare shows one row per benchmark, named iface/AssertCached" || not_ok "compare rows" "$(cat out.txt)"
expect "compare names why a run has no samples" 1 \
  "grader: 'nobench.json' has no benchmark samples: iface: it was graded with --no-bench" \
  "$grader" compare nobench.json benchout/candidate.txt
expect "compare names a missing file" 1 "cannot open 'nope.txt'" "$grader" compare nope.txt benchout/candidate.txt
expect "bench of an unknown lab is a usage error" 2 "unknown lab 'nolab'" "$grader" bench nolab
expect "doctor reports the isolation" 0 - "$grader" doctor
grep -q "summary" out.txt && grep -q "self-test *ok" out.txt && ok "doctor prints a summary and passes its self-test" \
  || not_ok "doctor output" "$(cat out.txt)"
expect "doctor refuses an option" 2 "grader: unknown option '--frob' for 'grader doctor'" "$grader" doctor --frob
expect "doctor refuses an operand" 2 "grader: doctor takes no arguments, not 'now'" "$grader" doctor now

# ---- the stub: zero, without crashing -----------------------------------------------------
expect "stub grades without crashing" 0 - "$grader" run iface --variant stub --seed 1 --record hist.db --json stub.json
json_check "stub scores zero and fails every test" stub.json \
  'r["score"] == 0 and all(t["verdict"] != "pass" for t in r["labs"][0]["tests"])'
grep -q "rerun: " out.txt && grep -q "seed: 1" out.txt && ok "failures print seed and rerun command" \
  || not_ok "failures lack seed/rerun" "$(head -40 out.txt)"
# docs/reviewers.md's commands: a recorded run against a local bench run,
# and a run whose tests failed, which says so.
expect "compare pairs a recorded run with bench text" 0 - "$grader" compare hist.db:1 benchout/candidate.txt
grep -qE '^iface/AssertCached +│.* \(p=[0-9.]+ n=[0-9]+\+2\) +│$' out.txt \
  && ok "compare pairs hist.db:1's iface/BenchmarkAssertCached with AssertCached-2" || not_ok "compare db" "$(cat out.txt)"
expect "compare says a failing run's benchmarks were not run" 1 \
  "grader: 'hist.db:2' has no benchmark samples: iface: 19 of 19 tests did not pass, so its benchmarks were not run" \
  "$grader" compare hist.db:2 hist.db:1
expect "-run selects tests" 0 - "$grader" run iface --variant stub --no-bench -run 'nil' --json sel.json
json_check "-run graded only matching tests" sel.json \
  'r["filter"] == "nil" and r["labs"][0]["tests"] and all("nil" in t["name"] for t in r["labs"][0]["tests"])'

# ---- submissions --------------------------------------------------------------------------
mkdir -p good/labs/iface bad/labs/iface empty
for f in $(python3 -c "import sys; print(' '.join(sys.argv[1:]))" $(sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/iface/lab.yaml" | tr ',' ' ')); do
  unifdef -DLAB_SOLUTION=1 -o "good/labs/iface/$f" "$root/labs/iface/$f"
  { cat "$root/labs/iface/$f"; echo "this is not C"; } > "bad/labs/iface/$f"
done
expect "a correct submission grades" 0 - "$grader" run iface --submission good --no-bench --json good.json
json_check "a correct submission earns full correctness" good.json \
  'r["labs"][0]["correctness"] == 1 and r["submission"].startswith("/") and r["submission"].endswith("/good") and r["variant"] == "candidate"'
# A lab one side has no samples of gets a note saying why, under the table;
# go test's text without a "lab:" line pairs by name with the report's lab.
expect "a submission of one lab of two grades with benchmarks" 0 - \
  "$grader" run iface gc --submission good --bench-rounds 2 --benchtime 20ms --json part.json
grep -v '^lab: ' benchout/candidate.txt > local.txt
expect "compare pairs a report with go test's text" 0 - "$grader" compare part.json local.txt
grep -qE '^iface/AssertCached +│.*n=[0-9]+\+2\)' out.txt \
  && grep -qxF "note: 'part.json' has no samples of gc: it was not submitted, so it was not benchmarked" out.txt \
  && ok "compare pairs the rows and says why gc has no samples" || not_ok "compare note" "$(cat out.txt)"
expect "a broken submission grades" 0 - "$grader" run --submission bad --no-bench --json bad.json
json_check "a broken submission is a build error with the compiler's message" bad.json \
  'r["labs"][0]["status"] == "build-error" and "error" in r["labs"][0]["build_output"]'
json_check "the other labs are still graded" bad.json \
  'all(l["status"] in ("graded", "not-submitted") for l in r["labs"][1:])'
expect "an empty submission grades" 0 - "$grader" run iface --submission empty --json empty.json
json_check "an empty submission is not-submitted" empty.json \
  'r["labs"][0]["status"] == "not-submitted" and r["score"] == 0'

# ---- every lab's reference, handed in as a submission, passes every test ------------------
# This proves the submission path (staging, the sandboxed compiler, the audit,
# linking against the pristine tests) accepts real solutions of every lab.
labs=$("$grader" list | awk 'NR > 1 && $2 != "total" && NF > 2 { print $2 }')
for lab in $labs; do
  mkdir -p "allref/labs/$lab"
  for f in $(sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/$lab/lab.yaml" | tr -d ' ' | tr ',' ' '); do
    unifdef -DLAB_SOLUTION=1 -o "allref/labs/$lab/$f" "$root/labs/$lab/$f"
  done
  # A candidate's own global helper is allowed when it carries the lab's prefix.
  prefix=$(sed -n 's/^prefix: *\([a-z0-9]*\).*/\1/p' "$root/labs/$lab/lab.yaml")
  echo "int ${prefix:-$lab}_candidate_helper(int x) { return x + 1; }" >>"allref/labs/$lab/$f"
done
expect "every reference grades as a submission" 0 - "$grader" run --submission allref --no-bench --json allref.json
before=$failed
json_check "every reference submission passes every test" allref.json \
  'all(l["status"] == "graded" and l["correctness"] == 1 for l in r["labs"]) and len(r["labs"]) >= 1'
# On failure, which tests did not pass, and why (the report itself is long).
[ "$failed" = "$before" ] || python3 - allref.json <<'PY'
import json, sys
for l in json.load(open(sys.argv[1]))["labs"]:
    bad = ["%s: %s %r" % (t.get("name"), t.get("verdict"), (t.get("why") or t.get("output") or "")[:300])
           for t in l.get("tests", []) if t.get("verdict") != "pass"]
    if l.get("status") != "graded" or bad:
        print("    %s: %s; %s" % (l["name"], l.get("status"), "; ".join(bad)[:1500]))
PY
mkdir -p noprefix/labs/pagecache && cp allref/labs/pagecache/* noprefix/labs/pagecache/
f=$(ls noprefix/labs/pagecache/*.c | head -1)
echo "int helper_without_prefix(int x) { return x; }" >>"$f"
expect "a global helper without the lab's prefix is refused" 0 - \
  "$grader" run pagecache --submission noprefix --no-bench --json noprefix.json
json_check "the refusal names the symbol and the prefix" noprefix.json \
  'r["labs"][0]["status"] == "build-error" and "helper_without_prefix" in r["labs"][0]["build_output"] and "name it pc_..." in r["labs"][0]["build_output"]'

# ---- every command's example, as its help prints it, works as written ---------------------
# In the order of grader/cli/commands.c, each in the folder the ones before
# it left; subs/ holds one candidate. The mutants example is the
# lab.iface.mutants_are_killed test.
mkdir -p ex/subs && cp -r good ex/subs/alice
for c in $commands; do
  example=$("$grader" help "$c" | sed -n 's/^example: //p')
  [ "$c" = mutants ] && continue
  # shellcheck disable=SC2086 # the example is split as a shell would
  (cd ex && set -- $example && shift && "$grader" "$@" >"../ex-$c.out" 2>&1)
  rc=$?
  [ $rc = 0 ] && ok "example of $c works: $example" \
    || not_ok "example of $c: $example" "exit $rc" "$(tail -20 "ex-$c.out")"
done
[ -f ex/iface.html ] && [ -f ex/bench-out/candidate.txt ] && [ -f ex/handout/README.md ] && [ -f ex/reviews.db ] \
  && grep -q alice ex-history.out && ok "the examples wrote what they say" || not_ok "the examples' files" "$(ls ex)"

# ---- the handout --------------------------------------------------------------------------
expect "handout is written" 0 - "$grader" handout --out ho iface
if grep -rl --include='*.c' --include='*.h' LAB_SOLUTION ho/labs; then
  not_ok "handout holds no reference code"
else
  ok "handout holds no reference code"
fi
[ ! -e ho/labs/iface/tests/hidden ] && ok "handout has no hidden tests" || not_ok "hidden tests shipped"
[ -x ho/reference/bin/iface_bench ] && ok "handout ships the reference benchmark" || not_ok "no reference bench"
[ -x ho/reference/bin/iface_demo_typed-nil ] && [ -f ho/labs/iface/demo/typed-nil.c ] \
  && [ -f ho/labs/iface/demo/typed-nil.go ] && ok "handout ships the demos and the reference's binaries" \
  || not_ok "handout demos"
[ -f ho/handout.json ] && grep -q "grader run" ho/README.md && ok "handout has its marker and README" \
  || not_ok "handout marker/README"
if cmake -S ho -B ho/build >ho-cfg.log 2>&1 && cmake --build ho/build -j2 >ho-build.log 2>&1; then
  ok "handout builds"
  expect "handout grades the stubs" 0 - ho/build/bin/grader run --json ho.json
  expect "handout runs a demo on the shipped reference" 0 - ho/build/bin/grader demo iface typed-nil
  grep -q "err == nil: false" out.txt && ok "the shipped reference demo ran" || not_ok "handout demo output"
  expect "handout runs a demo on the candidate's code" 1 "exited with status 1" \
    ho/build/bin/grader demo iface typed-nil --mine
  json_check "handout scores 0 without crashing" ho.json \
    'r["score"] == 0 and r["variant"] == "candidate" and all(l["status"] == "graded" for l in r["labs"])'
else
  not_ok "handout builds" "$(tail -20 ho-cfg.log ho-build.log)"
fi

check_finish
