#!/usr/bin/env bash
# What a candidate reads is what a candidate has: a handout of every lab is
# made and built, and every path its READMEs name (build/bin/, reference/bin/,
# labs/, docs/, scripts/, benchmarks/) exists in it, and every `grader <cmd>`
# they show is a command of its grader (docs/lab-format.md, "The handout's
# README").
# Interface: handout_readme_test.sh <grader> <source-root>
set -u
grader=$1 root=$2
. "$root/tests/lib/check.sh"
work=$(mktemp -d /tmp/ug-handout-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

expect "handout of every lab is written" 0 - "$grader" handout --out ho
if ! { cmake -S ho -B ho/build >cfg.log 2>&1 && cmake --build ho/build -j2 >build.log 2>&1; }; then
  not_ok "handout builds" "$(tail -n 20 cfg.log build.log)"
  check_finish
  exit
fi
ok "handout builds"

# Paths: a word starting with one of the handout's folders, up to the first
# character no file name of ours has; trailing punctuation is prose. A path
# with a placeholder (<lab>, *, ...) names no one file.
paths() {
  grep -oE '(build/bin|reference/bin|labs|docs|scripts|benchmarks)/[A-Za-z0-9_.+/<>*-]+' "$1" \
    | sed -E 's/[.,:;)]+$//' | grep -v '[<>*]' | grep -v '\.\.\.$' | sort -u
}

for readme in ho/README.md ho/labs/*/README.md; do
  rel=${readme#ho/}
  missing=
  for p in $(paths "$readme"); do
    p=${p%/}
    [ -e "ho/$p" ] || missing="$missing $p"
  done
  [ -z "$missing" ] && ok "$rel names only what the handout has" \
    || not_ok "$rel names only what the handout has" "missing:$missing"
  bad=
  # A command is shown as `grader <cmd>`, bin/grader <cmd>, or at the start
  # of a line of a code block; "the grader builds" is prose.
  for c in $(grep -oE '(`|bin/|^ *(\$ )?)grader [a-z]+' "$readme" | awk '{print $NF}' | sort -u); do
    ho/build/bin/grader "$c" --help >/dev/null 2>help.err
    grep -q "is not a grader command" help.err && bad="$bad $c"
  done
  [ -z "$bad" ] && ok "$rel shows only commands the grader has" \
    || not_ok "$rel shows only commands the grader has" "unknown:$bad"
  grep -q 'tree-only' "$readme" && not_ok "$rel keeps no tree-only markers" || ok "$rel keeps no tree-only markers"
done

check_finish
