#!/usr/bin/env bash
# No harness plumbing reaches a person: submissions that fail, crash half
# way through a test's checks, print to stdout and stderr, warn and do not
# compile are graded into every format (the terminal, JSON, HTML, JUnit,
# Gradescope, and `grader report` of the saved run), and none of them may
# hold a line of the harness's own: "T <test>" / "R <status>" framing, a
# transcript record ("i labs/...:12 3", "E"), "ug-end", a TAP "ok"/"not ok"
# or plan line, cmocka's "[ RUN ]"/"[ FAILED ]" lines, or a path of the run's
# scratch folders ($TMPDIR/undergo-...).
# Each format must still show what the candidate's code printed, so the
# test cannot pass on empty reports.
#
# usage: plumbing_test.sh <grader> <source-root>
set -u -o pipefail
grader=$(realpath "$1") root=$(realpath "$2")
. "$root/tests/lib/check.sh"
work=$(mktemp -d /tmp/ug-plumbing-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir tmp
export TMPDIR=$work/tmp
lab=iface
editable=$(sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/$lab/lab.yaml" | tr -d ' ' | tr ',' ' ')

# stub: every test fails, some crash after their first check.
# crash: the reference, but a method call prints and then crashes, after
#        checks that passed (a transcript cut half way).
# broken: a warning and an error from the compiler.
for s in stub crash broken; do mkdir -p "$s/labs/$lab"; done
for f in $editable; do
  unifdef -DLAB_SOLUTION=0 -o "stub/labs/$lab/$f" "$root/labs/$lab/$f"
  unifdef -DLAB_SOLUTION=1 -o "crash/labs/$lab/$f" "$root/labs/$lab/$f"
  { cat "stub/labs/$lab/$f"; echo 'int iface_unused_helper(void) { int x; return 0; }'
    echo 'this is not C'; } > "broken/labs/$lab/$f"
done
python3 - "crash/labs/$lab/iface_value.c" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
head = "int iface_call(iface_t v, size_t i, intptr_t arg, intptr_t *ret)\n{\n"
assert head in s
s = s.replace(head, head + '    printf("candidate stdout: calling method %zu\\n", i);\n'
              '    fprintf(stderr, "candidate stderr: about to crash\\n");\n'
              '    fflush(NULL);\n    *(volatile int *)0 = 1;\n', 1)
open(p, "w").write(s)
EOF

for s in stub crash broken; do
  "$grader" run "$lab" --submission "$s" --no-bench --seed 1 --json "$s.json" --html "$s.html" \
    --junit "$s.xml" --gradescope "$s.gs.json" >"$s.term" 2>&1
  rc=$?
  [ $rc = 0 ] && ok "$s: graded" || not_ok "$s: graded" "exit $rc" "$(tail -20 "$s.term")"
  "$grader" report "$s.json" >"$s.report" 2>&1 || not_ok "$s: grader report" "$(tail "$s.report")"
done

# What each format says, line by line, as a person reads it.
cat > lines.py <<'EOF'
import html.parser, json, sys, xml.etree.ElementTree as ET

def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
    def handle_starttag(self, tag, attrs):
        self.out += [v for _, v in attrs if v]
    def handle_data(self, d):
        self.out.append(d)

kind, path = sys.argv[1], sys.argv[2]
if kind == "json":
    texts = list(strings(json.load(open(path))))
elif kind == "xml":
    texts = []
    for e in ET.parse(path).iter():
        texts += [e.text or "", e.tail or ""] + list(e.attrib.values())
elif kind == "html":
    p = Text()
    p.feed(open(path, encoding="utf-8").read())
    texts = p.out
else:
    texts = [open(path, encoding="utf-8", errors="replace").read()]
for t in texts:
    for line in t.split("\n"):
        print(line)
EOF

# The plumbing, as extended regular expressions over a line without its indent.
cat > plumbing.txt <<EOF
^T [^ ]+$
^R -?[0-9]+$
^[iusmdbFS] [^ ]+:[0-9]+( |$)
^E$
ug-end
^(not )?ok [0-9]+( |$)
^(not )?ok - 
^1\.\.[0-9]+$
^\[ +(RUN|OK|ok|FAILED|PASSED|SKIPPED|ERROR|=+) +\]
undergo-$lab-[A-Za-z0-9]{6}
$TMPDIR
EOF

for s in stub crash broken; do
  for f in "term $s.term" "report $s.report" "json $s.json" "html $s.html" "xml $s.xml" \
           "gradescope $s.gs.json"; do
    set -- $f
    kind=$1 file=$2
    [ "$kind" = gradescope ] && kind=json
    [ "$kind" = report ] && kind=term
    python3 lines.py "$kind" "$file" | sed 's/^[[:space:]]*//' > "$file.lines" \
      || { not_ok "$s: $1 is readable" "$(head -5 "$file")"; continue; }
    if grep -E -f plumbing.txt "$file.lines" > "$file.plumbing"; then
      not_ok "$s: no plumbing in $1" "$(head -10 "$file.plumbing")"
    else
      ok "$s: no plumbing in $1"
    fi
  done
done

# Not vacuous: what the candidate's code printed, and why it failed, is there.
for f in crash.term crash.json crash.html crash.xml crash.gs.json; do
  grep -q "candidate stderr: about to crash" "$f.lines" && grep -q "candidate stdout: calling method" "$f.lines" \
    && ok "crash: $f shows what the code printed" || not_ok "crash: $f shows what the code printed"
done
json_check "crash: the crashing tests crashed, the others passed" crash.json \
  'any(t["verdict"] == "crash" for t in r["labs"][0]["tests"]) and any(t["verdict"] == "pass" for t in r["labs"][0]["tests"])'
json_check "stub: every test failed, with why" stub.json \
  'all(t["verdict"] != "pass" and t["why"] for t in r["labs"][0]["tests"])'
json_check "broken: the compiler's warning and error name the candidate's file" broken.json \
  'r["labs"][0]["status"] == "build-error" and "labs/iface/iface_value.c" in r["labs"][0]["build_output"] and "error" in r["labs"][0]["build_output"]'
check_finish
