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

# The object cache: the trusted runs above filled it; damaged entries are
# removed, never used; a candidate's run and UNDERGO_OBJCACHE=0 write none.
cache=build/objcache
[ -n "$(ls "$cache"/*.o 2>/dev/null)" ] && [ -n "$(ls "$cache"/*.m 2>/dev/null)" ] &&
  ok "the mutants' builds fill the object cache" || not_ok "objcache" "$(ls -la "$cache" 2>&1)"
rm -rf "$cache"
TMPDIR=$work expect "a cold cache is filled" 0 - build/bin/grader mutants iface --jobs 2
for e in "$cache"/*.o; do printf 'ugoc1 %064d 4\njunk' 0 > "$e"; done
TMPDIR=$work expect "damaged cache entries are compiled again" 0 - \
  build/bin/grader mutants iface --jobs 2
! grep -lq junk "$cache"/*.o 2>/dev/null && [ -n "$(ls "$cache"/*.o 2>/dev/null)" ] &&
  ok "a damaged entry is removed and written anew" || not_ok "damaged entry" "$(head -c 80 "$cache"/*.o)"
for e in "$cache"/*.m; do : > "$e"; done
rm -f "$cache"/*.o
TMPDIR=$work expect "an empty manifest is a miss" 0 - build/bin/grader mutants iface --jobs 2
rm -rf "$cache"
sub=kept/iface-${killed%.patch}/sub
TMPDIR=$work build/bin/grader run iface --submission "$sub" --no-bench --jobs 2 \
  --json cand.json >/dev/null 2>&1
json_check "a candidate's run builds" cand.json 'r["labs"][0]["status"] == "graded"'
[ -z "$(ls "$cache" 2>/dev/null)" ] &&
  ok "a candidate's build writes nothing to the cache" || not_ok "candidate wrote" "$(ls "$cache")"
TMPDIR=$work UNDERGO_OBJCACHE=0 expect "the cache can be turned off" 0 - \
  build/bin/grader mutants iface --jobs 2
[ -z "$(ls "$cache" 2>/dev/null)" ] &&
  ok "UNDERGO_OBJCACHE=0 writes nothing" || not_ok "off wrote" "$(ls "$cache")"

# killed-by: the named test runs alone and kills; a stale line falls back
# to every test; scripts/mutants-killed-by writes the line.
p=$m/$killed
killer=$(sed -n "s|^KILLED .* iface/${killed%.patch} .*by \(test_[a-z0-9_]*\).*|\1|p" out.txt)
cp out.txt all.txt
other=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["labs"][0]["tests"]
print([x["name"] for x in t if x["verdict"] == "pass"][0])' "kept/iface-${killed%.patch}/result.json")
sed -i 1a"# killed-by: $killer" "$p"
rm -rf kept && mkdir kept
TMPDIR=$work expect "a mutant with a killed-by line is killed" 0 - \
  build/bin/grader mutants iface --jobs 2 --keep kept
grep -q "^KILLED .* iface/${killed%.patch} .*by $killer (fail)\$" out.txt &&
  ok "the killed-by test kills it" || not_ok "killed-by run" "$(cat out.txt)"
json_check "the killed-by test alone ran" "kept/iface-${killed%.patch}/result.json" \
  '[t["name"] for t in r["labs"][0]["tests"] if t["verdict"] != "skipped"] == ["'"$killer"'"]'
sed -i "s|^# killed-by: .*|# killed-by: $other|" "$p"
TMPDIR=$work expect "a stale killed-by line still kills" 0 - build/bin/grader mutants iface --jobs 2
grep -q "^KILLED .* iface/${killed%.patch} .*by $killer (fail); killed-by $other passed" out.txt &&
  ok "a stale killed-by line falls back to every test and says so" || not_ok "stale" "$(cat out.txt)"
TMPDIR=$work expect "--all-tests ignores the line" 0 - \
  build/bin/grader mutants iface --jobs 2 --all-tests
grep -q "^KILLED .* iface/${killed%.patch} .*by $killer (fail)\$" out.txt &&
  ok "--all-tests grades every test" || not_ok "--all-tests" "$(cat out.txt)"
bash src/scripts/mutants-killed-by --from all.txt >kb.txt 2>&1 &&
  [ "$(grep -c '^# killed-by:' "$p")" = 1 ] && sed -n 2p "$p" | grep -qx "# killed-by: $killer" &&
  ok "scripts/mutants-killed-by writes the line, replacing an old one" ||
  not_ok "mutants-killed-by" "$(cat kb.txt; head -3 "$p")"
build/bin/grader list --check iface >chk.txt 2>&1
grep -q "labs/iface/" chk.txt && ! grep -q "killed-by" chk.txt &&
  ok "grader list --check takes the written line" || not_ok "list --check" "$(cat chk.txt)"

expect "an unknown lab is a usage error" 2 "unknown lab 'nolab'" build/bin/grader mutants nolab
expect "an unknown option is a usage error" 2 "unknown option '--frob'" build/bin/grader mutants --frob
check_finish
