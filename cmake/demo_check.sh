#!/usr/bin/env bash
# demo_check.sh — that a demo program runs: on the reference it exits 0 within
# a bounded time and prints something; a demo the manifest says draws a
# picture writes, with --html, one self-contained page (no script, nothing
# fetched, no other file referenced). Built on the stub (<demo>_stub beside
# it), it must stop cleanly: exit 0, or 1 after naming the call that
# failed, never a crash. A demo is a program, not a test: what it shows is
# checked by the lab's tests.
#
# usage: demo_check.sh <demo-binary> <yes|no: takes --html>
set -u
bin=$1 html=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ug-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $(basename "$bin"): $*"; exit 1; }

run() {
  timeout 60 "$@" >"$work/out.txt" 2>"$work/err.txt" </dev/null
  local rc=$?
  [ $rc = 124 ] && fail "did not finish within 60 s"
  [ $rc = 0 ] || fail "exit $rc; stderr: $(head -c 1500 "$work/err.txt"); stdout: $(tail -c 1500 "$work/out.txt")"
  [ -s "$work/out.txt" ] || fail "printed nothing"
}

run "$bin"
grep -q $'\033\\[' "$work/out.txt" && fail "colours on a pipe"
run "$bin" --help
if [ "$html" = yes ]; then
  grep -q -- "--html" "$work/out.txt" || fail "the manifest says html: true, --help does not offer --html"
  run "$bin" --html "$work/page.html"
  [ -s "$work/page.html" ] || fail "--html wrote no page"
  # Self-contained: no script, no external resource, no link out of the page.
  if grep -Eqi '<script|<link|<iframe|<img|<object|<embed|@import|url\([^#]|(src|href|xlink:href) *= *"[^#"]' \
       "$work/page.html"; then
    fail "the page is not self-contained: $(grep -Eoi '<script|<link|<iframe|<img|<object|<embed|@import|url\([^#]|(src|href|xlink:href) *= *"[^#"][^"]*' "$work/page.html" | head -3)"
  fi
  grep -q '</html>' "$work/page.html" || fail "the page is not complete"
  ls "$work"/page.html.tmp-* >/dev/null 2>&1 && fail "a temporary file was left behind"
else
  grep -q -- "--html" "$work/out.txt" && fail "--help offers --html, the manifest does not say html: true"
fi
if [ -x "${bin}_stub" ]; then
  timeout 60 "${bin}_stub" >"$work/out.txt" 2>"$work/err.txt" </dev/null
  rc=$?
  [ $rc = 0 ] || { [ $rc = 1 ] && grep -q "failed" "$work/out.txt"; } \
    || fail "on the stub: exit $rc, not a clean stop; $(tail -c 1500 "$work/out.txt") $(head -c 1500 "$work/err.txt")"
fi
echo "ok: $(basename "$bin")"
