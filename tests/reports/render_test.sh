#!/usr/bin/env bash
# The HTML report in a real browser: `grader report` renders a hostile
# sample run (tests/reports/sample-run.json), headless Chromium loads it at
# a laptop and a phone width, and we check the DOM for the key parts, that
# nothing in the candidate's output became markup, and that the page never
# scrolls sideways. Screenshots are kept in the build folder.
#
# usage: render_test.sh <grader> <tests/reports source dir> <build dir>
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1 src=$2 out=$3
work=$(mktemp -d /tmp/ug-render-XXXXXX)
trap 'rm -rf "$work"' EXIT
check() { if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "missing: $3"; fi; }
absent() { if grep -qF -- "$3" "$2"; then not_ok "$1" "present: $3"; else ok "$1"; fi; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "not ok - chromium is not installed: this test needs Debian's 'chromium' package"
  echo "    hint: run scripts/setup (it installs scripts/debian-packages.txt)"
  exit 1
fi

# chrome <log> <flags...>: one headless run with a fresh profile, no network.
chrome() {
  local log=$1; shift
  local profile
  profile=$(mktemp -d "$work/profile-XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>"$log"
}

if "$grader" report "$src/sample-run.json" --html "$work/report.html" 2>"$work/err.txt"; then
  ok "grader report writes the HTML report of a saved run"
else
  not_ok "grader report writes the HTML report of a saved run" "$(cat "$work/err.txt")"
  exit 1
fi

# frame <width>: the report in an iframe exactly <width> px wide (headless
# windows have a minimum width, iframes do not), with a probe that writes
# into the DOM whether the report's page is wider than its viewport.
frame() {
  python3 - "$work/report.html" "$1" <<'PY'
import html, sys
src = open(sys.argv[1], encoding="utf-8").read()
print('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;overflow:hidden">'
      '<iframe id="f" style="width:%spx;height:2000px;border:0" srcdoc="%s"></iframe>'
      '<script>addEventListener("load",function(){var f=document.getElementById("f"),'
      'd=f.contentDocument.documentElement,w=f.contentWindow,p=document.createElement("p");'
      'p.id="ug-probe";p.textContent="fits="+(d.scrollWidth<=w.innerWidth)+" scroll="+'
      'd.scrollWidth+" inner="+w.innerWidth;document.body.appendChild(p);'
      'document.body.appendChild(f.contentDocument.body.cloneNode(true));});</script>'
      '</body></html>' % (sys.argv[2], html.escape(src, quote=True)))
PY
}

for width in 1280 390; do
  dom=$work/dom-$width.html
  frame $width >"$work/frame-$width.html"
  chrome "$work/dump-$width.log" --window-size=$width,2000 --dump-dom "file://$work/frame-$width.html" >"$dom"
  if ! grep -q 'id="ug-probe"' "$dom"; then
    not_ok "chromium renders the report at width $width" "$(tail -5 "$work/dump-$width.log")"
    continue
  fi
  ok "chromium renders the report at width $width"
  if grep -q 'id="ug-probe">fits=true' "$dom"; then
    ok "nothing overflows sideways at width $width"
  else
    not_ok "nothing overflows sideways at width $width" "$(grep -o 'id="ug-probe">[^<]*' "$dom")"
  fi
  png=$out/report-$width.png
  rm -f "$png"
  chrome "$work/shot-$width.log" --window-size=$width,2000 --screenshot="$png" "file://$work/frame-$width.html" >/dev/null
  if [ "$(head -c 4 "$png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG' ] &&
     [ "$(stat -c %s "$png")" -gt 20000 ]; then
    ok "screenshot at width $width saved: $png"
  else
    not_ok "screenshot at width $width saved" "$(tail -5 "$work/shot-$width.log")"
  fi
done

dom=$work/dom-1280.html
check "the total is shown" "$dom" 'id="total"'
for s in "1 Foundations" "2 gRPC" "3 Storage" "4 Systems"; do
  check "section '$s' is scored" "$dom" "$s"
done
check "a failure is open" "$dom" '<details class="test failure" open="">'
check "passes are folded" "$dom" '<details class="passes">'
check "the rerun command is shown" "$dom" "grader run iface -run"
check "benchmarks are inline SVG" "$dom" '<svg viewBox='
check "benchmarks have confidence whiskers" "$dom" 'class="whisker"'
check "the build error is shown" "$dom" "expected ';' before"
check "isolation, machine and times are shown" "$dom" 'id="environment"'
absent "hostile output made no element" "$dom" '<img'
absent "hostile output ran no script" "$dom" 'data-pwned'
absent "hostile output did not retitle the page" "$dom" '<title>pwned'
check "hostile output is shown as text" "$dom" '&lt;script&gt;document.title'
absent "the report loads nothing from the network" "$work/report.html" 'http'

check_finish
