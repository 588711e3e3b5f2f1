#!/usr/bin/env bash
# lab_needs_http.sh — the lib tier end to end: a lab that names a shared
# lib in `needs:` builds in CMake and, handed in as a submission, compiles
# in the grader's sandbox, which sees only include/ and libs/<name>/include/
# of the source tree. The fixture lab (fixture/httpcount: a handler for
# libs/http, tested over simulated hosts) lives here, never in labs/, so
# it is not part of the catalogue: this script copies the tree's build
# inputs and the fixture into a scratch tree, builds the grader and the
# lab there, and grades the reference and the stub as submissions.
#
# usage: lab_needs_http.sh <source-root>
set -u
. "$(dirname "$0")/../lib/check.sh"
src=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/ug-libs-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/tree
mkdir -p "$root/labs" "$root/tests" "$root/benchmarks"
for part in CMakeLists.txt CMakePresets.json cmake include runtime harness libs grader; do
  cp -r "$src/$part" "$root/"
done
cp "$src/tests/CMakeLists.txt" "$root/tests/"
cp "$src/benchmarks/CMakeLists.txt" "$root/benchmarks/"
cp -r "$src/tests/libs/fixture/httpcount" "$root/labs/httpcount"
cd "$work" || exit 1

if cmake -S "$root" -B "$root/build" -DUNDERGO_ONLY="httpcount;grader" \
     -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNDERGO_WERROR=ON >configure.log 2>&1; then
  ok "a lab with needs: [runtime, http] configures"
else
  not_ok "configure" "$(tail -20 configure.log)"
  check_finish; exit
fi
if cmake --build "$root/build" -j2 >build.log 2>&1; then
  ok "the grader and the lab build against libs/http"
else
  not_ok "build" "$(grep -E 'error|Error' build.log | head -20)"
  check_finish; exit
fi
grep -q 'libs/http/include' "$root/build/labs/httpcount/recipe.json" \
  && grep -q 'libhttp_parser' "$root/build/labs/httpcount/recipe.json" \
  && ok "the recipe names the lib's headers and its http-parser archive" \
  || not_ok "recipe" "$(cat "$root/build/labs/httpcount/recipe.json")"

grader=$root/build/bin/grader
submit() {   # submit <dir> <LAB_SOLUTION value>
  mkdir -p "$1/labs/httpcount"
  unifdef -DLAB_SOLUTION="$2" "$root/labs/httpcount/httpcount.c" > "$1/labs/httpcount/httpcount.c"
}
submit ref 1
submit stub 0
expect "the reference, submitted, is graded" 0 - "$grader" run httpcount --submission ref \
  --no-bench --seed 3 --json ref.json
json_check "the sandboxed build of the submission passes every test" ref.json \
  'r["labs"][0]["correctness"] == 1'
expect "the stub, submitted, is graded" 0 - "$grader" run httpcount --submission stub \
  --no-bench --seed 3 --json stub.json
json_check "the stub compiles in the sandbox and fails every test" stub.json \
  'r["labs"][0]["correctness"] == 0 and r["labs"][0]["verdicts"].get("build-error", 0) == 0'
check_finish
