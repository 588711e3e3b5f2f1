#!/usr/bin/env bash
# End-to-end test of `grader mutants` on what must fail: in a copy of the
# tree (the grader grades the tree it was built from), iface gets four
# mutants of its own: one its tests kill, one equivalent to the reference
# (it survives), one that no longer applies and one that does not build.
# The command must name each, exit 1, and leave no scratch folder behind.
# The real mutants are proven killed by the lab.<name>.mutants_are_killed
# tests.
#
# usage: mutants_test.sh <source-root>
set -u
. "$(dirname "$0")/../lib/check.sh"
root=$1
work=$(mktemp -d /tmp/ug-mutants-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

mkdir src
tar -C "$root" --exclude='./build*' --exclude=./.git -cf - . | tar -C src -xf -
if cmake -S src -B build -DUNDERGO_ONLY="iface;grader" >cfg.log 2>&1 &&
   cmake --build build -j2 >build.log 2>&1; then
  ok "a copy of the tree with iface and the grader builds"
else
  not_ok "the copy builds" "$(tail -20 cfg.log build.log)"
  check_finish
  exit
fi

m=src/labs/iface/tests/mutants
killed=$(ls "$m" | head -1)
find "$m" -name '*.patch' ! -name "$killed" -delete
mutant() {   # mutant <name> <comment> <sed expression on iface_value.c>
  cp src/labs/iface/iface_value.c orig.c
  sed "$3" orig.c > new.c
  { echo "# $2"
    diff -u --label a/labs/iface/iface_value.c --label b/labs/iface/iface_value.c orig.c new.c
  } > "$m/$1.patch"
}
mutant equivalent "a comment changes nothing" 's|/\* case nil \*/|/* case nil: no type */|'
mutant broken "a solution that does not compile" 's|return v.type == NULL;   /\* case nil \*/|return v.type == NULL   /* case nil */|'
mutant stale "a patch made against an older tree" 's|/\* case nil \*/|/* case nil */ /* one */|'
sed -i 's|^-\(.*case nil.*\)$|-\1 /* an older line */|' "$m/stale.patch"

TMPDIR=$work expect "mutants that survive or cannot be graded fail the run" 1 - \
  build/bin/grader mutants iface --jobs 2
grep -q "^KILLED .* iface/${killed%.patch} .*by test_" out.txt &&
  ok "a killed mutant names the test that killed it" || not_ok "killed line" "$(cat out.txt)"
grep -q "^SURVIVED .* iface/equivalent .*every test passed" out.txt &&
  grep -q "# a comment changes nothing" out.txt &&
  ok "a survivor is named with its misunderstanding" || not_ok "survivor line" "$(cat out.txt)"
grep -q "^ERROR .* iface/stale .*does not apply" out.txt &&
  ok "a mutant that no longer applies is an error" || not_ok "stale line" "$(cat out.txt)"
grep -q "^ERROR .* iface/broken .*build-error" out.txt &&
  ok "a mutant that does not build is an error" || not_ok "build-error line" "$(cat out.txt)"
grep -q "^4 mutant(s): 1 killed, 1 survived, 2 could not be graded" out.txt &&
  ok "the summary counts each outcome" || not_ok "summary" "$(tail -2 out.txt)"
[ -z "$(ls -d "$work"/ug-mutant-* 2>/dev/null)" ] &&
  ok "no scratch folder is left behind" || not_ok "scratch left" "$(ls "$work")"

find "$m" -name '*.patch' ! -name "$killed" -delete
mkdir kept
TMPDIR=$work expect "every mutant killed exits 0" 0 - \
  build/bin/grader mutants iface --jobs 2 --keep kept
[ -f "kept/iface-${killed%.patch}/result.json" ] && [ -f "kept/iface-${killed%.patch}/sub/labs/iface/iface_value.c" ] &&
  ok "--keep keeps the patched submission and its report" || not_ok "--keep" "$(find kept | head)"
expect "an unknown lab is a usage error" 2 "unknown lab 'nolab'" build/bin/grader mutants nolab
expect "an unknown option is a usage error" 2 "unknown option '--frob'" build/bin/grader mutants --frob
check_finish
