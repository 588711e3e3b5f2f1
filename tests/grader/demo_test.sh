#!/usr/bin/env bash
# End-to-end tests of `grader demo`: every lab lists at least three demos,
# usage errors are one line and exit 2, a demo runs on the reference (and
# --mine on the stub fails cleanly, not by a crash), --html writes a page,
# --go runs every Go original beside its C demo where Go is installed, and
# without Go the C side still runs with one line saying how to get Go.
# What each demo shows is the labs' tests' business; here only that it runs.
#
# usage: demo_test.sh <grader> <source-root> <build-dir>
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1 root=$2 bindir=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/ug-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# ---- listing ------------------------------------------------------------------------------
expect "grader demo lists every lab's demos" 0 - "$grader" demo
cp out.txt all.txt
labs=$("$grader" list | awk 'NR > 1 && NF >= 3 && $2 != "total" {print $2}')
for lab in $labs; do
  n=$(awk -v lab="$lab" '$1 == lab {on = 1; next} /^[^ ]/ {on = 0} on && /^  [a-z]/ {n++} END {print n + 0}' all.txt)
  [ "$n" -ge 3 ] && ok "lab $lab has $n demos" || not_ok "lab $lab has $n demos, fewer than 3"
done
expect "grader demo <lab> lists that lab's" 0 - "$grader" demo iface
grep -q "^iface" out.txt && ! grep -q "^gc" out.txt && ok "only iface is listed" || not_ok "lab listing" "$(cat out.txt)"

# ---- usage errors ---------------------------------------------------------------------------
expect "unknown lab" 2 "unknown lab 'nosuch'" "$grader" demo nosuch
expect "unknown demo" 2 "lab 'iface' has no demo 'nosuch'" "$grader" demo iface nosuch
expect "--html on a demo that draws nothing" 2 "draws no picture" "$grader" demo iface itab-cache --html x.html
expect "--go on a demo without a Go original" 2 "has no Go original" "$grader" demo iface itab-cache --go
expect "--go without a demo" 2 "which demo?" "$grader" demo iface --go
expect "unknown option" 2 "unknown option '--frob'" "$grader" demo iface typed-nil --frob
expect "the demo's own usage error" 2 "refused its arguments" "$grader" demo iface typed-nil -- --frob

# ---- running --------------------------------------------------------------------------------
expect "a demo runs on the reference" 0 - "$grader" demo iface typed-nil
grep -q "err == nil: false" out.txt && ok "it printed what it shows" || not_ok "typed-nil output" "$(head -20 out.txt)"
grep -q $'\033\\[' out.txt && not_ok "no colours on a pipe" || ok "no colours on a pipe"
if command -v script >/dev/null; then
  # On a terminal (a pseudo-terminal from script(1)) a demo paints; NO_COLOR stops it.
  script -qec "$grader demo iface typed-nil" /dev/null >tty.txt 2>&1 </dev/null
  grep -q $'\033\\[' tty.txt && ok "colours on a terminal" || not_ok "colours on a terminal" "$(head -5 tty.txt)"
  script -qec "env NO_COLOR=1 $grader demo iface typed-nil" /dev/null >tty.txt 2>&1 </dev/null
  grep -q $'\033\\[' tty.txt && not_ok "NO_COLOR is honoured" "$(head -5 tty.txt | cat -v)" \
    || ok "NO_COLOR is honoured"
fi
expect "--mine runs the stub and stops cleanly" 1 "exited with status 1" "$grader" demo iface typed-nil --mine
grep -q "failed" out.txt && ok "--mine says which call failed" || not_ok "--mine output" "$(cat out.txt)"
expect "--html writes a page" 0 - "$grader" demo gc exam-graph --html graph.html
[ -s graph.html ] && grep -q "</html>" graph.html && ! grep -qi "<script" graph.html \
  && ok "the page is whole, without script" || not_ok "graph.html" "$(head -c 500 graph.html)"
expect "demo arguments after --" 0 - "$grader" demo gc lost-object -- --barrier hybrid --trace trace.html
[ -s trace.html ] && ok "the lab's own trace page was written" || not_ok "no trace.html"

# ---- Go -------------------------------------------------------------------------------------
if command -v go >/dev/null; then
  for pair in $(awk '/^[a-z]/ {lab = $1} /^  [a-z]/ && $2 == "go" {print lab ":" $1}' all.txt); do
    lab=${pair%%:*} name=${pair#*:}
    expect "--go $lab $name" 0 - env COLUMNS=160 "$grader" demo "$lab" "$name" --go
    # Both sides end with their exit status, on one row when the two are as long.
    if grep -q "│ Go: labs/$lab/demo/" out.txt && [ "$(grep -o "exit status" out.txt | wc -l)" -ge 2 ]; then
      ok "--go $lab $name shows both sides"
    else
      not_ok "--go $lab $name shows both sides" "$(head -c 1500 out.txt)"
    fi
  done
  expect "--go on a narrow terminal stacks the two" 0 - env COLUMNS=60 "$grader" demo iface typed-nil --go
  grep -q "^── Go" out.txt && ok "stacked layout" || not_ok "stacked layout" "$(head -c 800 out.txt)"
else
  echo "# go is not installed: the --go runs are skipped (scripts/setup installs golang-go)"
fi
mkdir nogo
for f in /usr/bin/*; do [ "$(basename "$f")" = go ] || ln -s "$f" nogo/; done
expect "without Go the C side runs and one line says how to get it" 0 "apt-get install golang-go" \
  env PATH="$work/nogo" "$grader" demo iface typed-nil --go
grep -q "err == nil: false" out.txt && ok "the C side ran without Go" || not_ok "C side without Go"

check_finish
