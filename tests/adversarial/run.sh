#!/usr/bin/env bash
# The adversarial corpus: hostile submissions graded by the real `grader`,
# one case per folder of cases/, each checked for its expected verdict and
# for what must not happen to the machine around it.
#
# A case is cases/<NN-name>/labs/iface/iface_value.c, a hostile iface_type_seal
# (every iface test calls it first, through zoo_init), and cases/<NN-name>/
# expect. The submission graded is assembled here, at run time:
#   iface_value.c  the case's file, placeholders filled in (@PORT@ @CANARY@
#            @BUILD_CANARY@ @ROOT@ @BINDIR@), then the pristine reference
#            iface_value.c (unifdef -DLAB_SOLUTION=1) with its iface_type_seal
#            renamed iface_ref_type_seal: the hostile code calls it when its attack
#            was refused, so a probe that the sandbox stops passes its test,
#            and one that gets through prints ADVERSARIAL-BREACH and fails;
#   iface_itab.c   the pristine reference.
#
# expect holds one directive a line:
#   verdict V             every selected test got V
#   verdict-any V1,V2     every selected test got one of these
#   status S              the lab's status (build-error, graded...)
#   status-any S1,S2      the lab's status is one of these
#   run REGEX             tests to run (default: the first dispatch test)
#   also-lab L            also submit L's reference and check it scores full correctness
#   json-symlink          plant a symlink to a precious file at the --json path first
#   submission-hardlink   the submitted iface_value.c is a hard link to /etc/shadow
#   submission-symlink-dir  the submission's labs/iface is a symlink to the
#                         assembled case in a private (0700) folder: another
#                         candidate's submission, say
#   known-gap REASON      a known weakness of the grader: reported as TODO
#
# After every case: the grader exited 0 within the bound and its own peak
# RSS stayed small (sampled while it runs); no process of the run is left
# (nothing owned by nobody, nothing whose exe, cwd or command line is in our
# folder); the canary trees in /tmp and in the build dir are unchanged; the
# scratch dir (the grader's TMPDIR is ours) is gone; no line of /etc/shadow,
# no ADVERSARIAL-BREACH marker and no ESC byte is in the grader's stdout,
# stderr or JSON report; nothing reached the loopback listener (TCP on
# 127.0.0.1 and an abstract unix socket).
#
# Interface: run.sh <grader> <source-root> <build-dir> [case-name-regex]
#   → "ok - case" / "not ok - case" lines → "N passed, M failed, K todo",
#   exit 1 if any case failed (a known-gap case never fails the run).
#   ADV_KEEP=<dir> keeps each case's report, stdout and stderr there.
set -u
grader=$1 root=$2 bindir=$3 only=${4:-.}
here=$(cd "$(dirname "$0")" && pwd)
cd / || exit 1
work=$(mktemp -d /tmp/ug-adv-XXXXXX)
chmod 0711 "$work"   # the scratch dirs below it must be reachable by nobody
canary=$(mktemp -d /tmp/ug-adv-canary-XXXXXX)
bcanary=$(mktemp -d "$bindir/adv-canary-XXXXXX")
listener_pid=
cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  rm -rf "$work" "$canary" "$bcanary"
}
trap cleanup EXIT
passed=0 failed=0 todo=0
bound=200          # seconds a whole grader run may take (a compile bomb gets 120)
max_grader_mib=64  # the grader's own peak RSS, floods included (output is capped)
default_test=test_method_call_dispatches_through_the_itab_to_the_concrete_method
breach=ADVERSARIAL-BREACH

# ---- the reference pieces a case stands on ---------------------------------------------
ref() {   # ref <lab-file> <out>: the reference variant of a pristine lab file
  unifdef -DLAB_SOLUTION=1 -o "$2" "$1"
  [ $? -le 1 ] || { echo "Bail out! unifdef $1 failed"; exit 1; }
}
ref "$root/labs/iface/iface_value.c" "$work/ref-iface.c"
sed 's/\biface_type_seal\b/iface_ref_type_seal/g' "$work/ref-iface.c" > "$work/ref-iface-rest.c"
ref "$root/labs/iface/iface_itab.c" "$work/ref-itab.c"
editable() {   # the editable files of a lab, one a line
  sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/$1/lab.yaml" | tr ',' '\n' | tr -d ' '
}

# ---- canaries: trees nobody may change, world-writable so only isolation protects them --
plant() {
  mkdir -p "$1/open/deeper"
  head -c 4096 /dev/urandom | base64 > "$1/secret.txt"
  echo "precious: must stay as it is" > "$1/precious.txt"
  echo nested > "$1/open/deeper/nested.txt"
  chmod 0777 "$1" "$1/open" "$1/open/deeper"
  chmod 0666 "$1/precious.txt" "$1/open/deeper/nested.txt"
}
snapshot() {   # names, modes, sizes, link targets and contents of a tree
  (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort && find . -type f -print0 | sort -z |
     xargs -0 sha256sum)
}
plant "$canary"
plant "$bcanary"
snapshot "$canary" > "$work/canary.before"
snapshot "$bcanary" > "$work/bcanary.before"

# ---- the listener a hostile case tries to reach ------------------------------------------
export ADV_PORTFILE=$work/port ADV_HITS=$work/hits
python3 -c '
import os, socket, threading
hits = os.environ["ADV_HITS"]
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(16)
port = tcp.getsockname()[1]
ux = socket.socket(socket.AF_UNIX); ux.bind("\0undergo-adv-%d" % port); ux.listen(16)
def serve(s, what):
    while True:
        c, _ = s.accept()
        with open(hits, "a") as f: f.write(what + "\n")
        c.close()
threading.Thread(target=serve, args=(ux, "unix"), daemon=True).start()
with open(os.environ["ADV_PORTFILE"] + ".tmp", "w") as f: f.write(str(port))
os.rename(os.environ["ADV_PORTFILE"] + ".tmp", os.environ["ADV_PORTFILE"])
serve(tcp, "tcp")
' &
listener_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2>/dev/null) || { echo "Bail out! the listener did not start"; exit 1; }
: > "$work/hits"

# ---- processes of a run -------------------------------------------------------------------
nobody_pids() {   # processes of uid nobody (without procps: /proc is enough)
  local p
  for p in /proc/[0-9]*; do [ "$(stat -c %u "$p" 2>/dev/null)" = 65534 ] && echo "${p#/proc/}"; done
}
nobody_before=$(nobody_pids | tr '\n' ' ')
[ -n "$nobody_before" ] && echo "# processes of uid nobody before the corpus: $nobody_before;" \
  "only processes tied to this run's folder are checked"
run_procs() {   # pids of processes left by the run
  local p what
  for p in /proc/[0-9]*; do
    what=$( { readlink "$p/exe" "$p/cwd"; tr "\0" " " < "$p/cmdline"; } 2>/dev/null)
    case $what in
      *"$work/"*) echo "${p#/proc/}" ;;
      *"/undergo-"*) ;;   # another grader's run on a shared machine
      *) [ -z "$nobody_before" ] && [ "$(stat -c %u "$p" 2>/dev/null)" = 65534 ] && echo "${p#/proc/}" ;;
    esac
  done
}
left_over() {   # waits up to 5 s for the run's processes to go; prints what stays
  local left
  for _ in $(seq 50); do
    left=$(run_procs | sort -u | tr '\n' ' ')
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  for p in $left; do echo "pid $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"; done
}

# ---- one case -------------------------------------------------------------------------------
fill() {   # the case's source with its placeholders filled in
  sed -e "s|@PORT@|$port|g" -e "s|@CANARY@|$canary|g" -e "s|@BUILD_CANARY@|$bcanary|g" \
      -e "s|@ROOT@|$root|g" -e "s|@BINDIR@|$bindir|g" "$1"
}
directive() {   # directive <expect-file> <word>: the rest of the first line starting with word
  sed -n "s/^$2 \\+//p" "$1" | head -1
}
# check_json <json> <python expression over r, labs (by name)> : prints why not
check_json() {
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
labs = {l["name"]: l for l in r["labs"]}
if not eval(sys.argv[2]):
    for l in r["labs"]:
        print("%s: status %s, correctness %s" % (l["name"], l["status"], l["correctness"]))
        for t in l["tests"]:
            print("  %s: %s" % (t["name"], t["verdict"]))
        if l.get("build_output"): print("  build: " + l["build_output"][:600].replace("\n", "\n  "))
    sys.exit(1)
' "$1" "$2" 2>&1
}
# leaks <files...>: names each file holding a line (or a hash) of /etc/shadow
# or the breach marker, without repeating the secret itself
leaks() {
  python3 -c '
import sys
secrets = [(sys.argv[1], "the breach marker")]
try:
    lines = open("/etc/shadow", "rb").read().decode(errors="replace").splitlines()
except OSError as e:
    print("cannot read /etc/shadow: %s" % e); sys.exit(1)
for n, line in enumerate(lines, 1):
    if len(line) >= 8: secrets.append((line, "line %d of /etc/shadow" % n))
    f = line.split(":")
    if len(f) > 1 and len(f[1]) > 3: secrets.append((f[1], "the hash on line %d of /etc/shadow" % n))
for path in sys.argv[2:]:
    try: text = open(path, "rb").read().decode(errors="replace")
    except OSError: continue
    for s, what in secrets:
        if s in text: print("%s holds %s" % (path, what))
' "$breach" "$@"
}

run_case() {
  local dir=$1 name; name=$(basename "$dir")
  local expect=$dir/expect sub=$work/sub-$name
  local why=() gap filter labs="iface" v
  gap=$(directive "$expect" known-gap)
  filter=$(directive "$expect" run); [ -n "$filter" ] || filter="^$default_test\$"
  mkdir -p "$sub/labs/iface"
  { fill "$dir/labs/iface/iface_value.c"; echo
    echo "/* ---- the rest of iface_value.c: the pristine reference, added by run.sh ---- */"
    cat "$work/ref-iface-rest.c"; } > "$sub/labs/iface/iface_value.c"
  cp "$work/ref-itab.c" "$sub/labs/iface/iface_itab.c"
  if grep -q '^submission-hardlink' "$expect"; then   # iface_value.c is /etc/shadow itself
    rm -f "$sub/labs/iface/iface_value.c"
    if ! ln /etc/shadow "$sub/labs/iface/iface_value.c" 2>/dev/null; then
      echo "ok - $name # SKIP cannot hard-link /etc/shadow into $work"; passed=$((passed + 1))
      rm -rf "$sub"; return
    fi
  fi
  local graded=$sub
  if grep -q '^submission-symlink-dir' "$expect"; then   # someone else's private folder
    graded=$work/thief-$name
    mkdir -p "$graded/labs"
    chmod 0700 "$sub"
    ln -s "$sub/labs/iface" "$graded/labs/iface"
  fi
  local also; also=$(directive "$expect" also-lab)
  if [ -n "$also" ] && [ ! -f "$bindir/labs/$also/recipe.json" ]; then
    echo "ok - $name # SKIP lab $also is not in this build"; passed=$((passed + 1)); return
  fi
  if [ -n "$also" ]; then
    mkdir -p "$sub/labs/$also"
    for f in $(editable "$also"); do ref "$root/labs/$also/$f" "$sub/labs/$also/$f"; done
    labs="iface $also"
  fi
  local json=$work/$name.json out=$work/$name.out err=$work/$name.err
  local precious=$work/$name.precious
  if grep -q '^json-symlink' "$expect"; then
    echo "precious: the report must not land here" > "$precious"
    ln -s "$precious" "$json"
  fi
  local start=$SECONDS rc
  mkdir -m 0755 "$work/tmp"
  # shellcheck disable=SC2086
  TMPDIR=$work/tmp "$grader" run --submission "$graded" --no-bench --jobs 1 -run "$filter" \
    --json "$json" $labs > "$out" 2> "$err" &
  local gpid=$! hwm=0 kb
  while kill -0 "$gpid" 2>/dev/null; do   # the grader's peak memory, and our bound on its time
    kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$gpid/status" 2>/dev/null)
    [ -n "$kb" ] && [ "$kb" -gt "$hwm" ] && hwm=$kb
    [ $((SECONDS - start)) -gt "$bound" ] && kill -KILL "$gpid"
    sleep 0.2
  done
  wait "$gpid"
  rc=$?
  local took=$((SECONDS - start))
  [ "$rc" = 0 ] || why+=("grader exit $rc after ${took}s (want 0 within ${bound}s): $(tail -c 600 "$err")")
  [ "$hwm" -le $((max_grader_mib * 1024)) ] ||
    why+=("the grader's peak RSS was $((hwm / 1024)) MiB (at most $max_grader_mib MiB)")

  if [ -f "$json" ] && [ ! -L "$json" ]; then
    if v=$(directive "$expect" verdict) && [ -n "$v" ]; then
      check_json "$json" "labs['iface']['tests'] and all(t['verdict'] == '$v' for t in labs['iface']['tests'])" >"$work/why" ||
        why+=("want verdict $v" "$(cat "$work/why")")
    fi
    if v=$(directive "$expect" verdict-any) && [ -n "$v" ]; then
      check_json "$json" "labs['iface']['tests'] and all(t['verdict'] in '$v'.split(',') for t in labs['iface']['tests'])" >"$work/why" ||
        why+=("want a verdict among $v" "$(cat "$work/why")")
    fi
    if v=$(directive "$expect" status) && [ -n "$v" ]; then
      check_json "$json" "labs['iface']['status'] == '$v'" >"$work/why" ||
        why+=("want status $v" "$(cat "$work/why")")
    fi
    if v=$(directive "$expect" status-any) && [ -n "$v" ]; then
      check_json "$json" "labs['iface']['status'] in '$v'.split(',')" >"$work/why" ||
        why+=("want a status among $v" "$(cat "$work/why")")
    fi
    if [ -n "$also" ]; then
      check_json "$json" "labs['$also']['status'] == 'graded' and labs['$also']['correctness'] == 1 and labs['$also']['tests']" >"$work/why" ||
        why+=("want $also at full correctness" "$(cat "$work/why")")
    fi
  elif [ "$rc" = 0 ]; then
    why+=("no JSON report at $json")
  fi
  if [ -e "$precious" ]; then
    grep -qx "precious: the report must not land here" "$precious" ||
      why+=("the file the planted --json symlink pointed to was changed")
  fi

  local left; left=$(left_over)
  local stale; stale=$(ls -A "$work/tmp")
  [ -z "$stale" ] || why+=("the grader left its scratch behind: $stale")
  rm -rf "$work/tmp"
  [ -z "$left" ] || why+=("processes left after the grader exited:" "$left")
  snapshot "$canary" > "$work/canary.after"
  snapshot "$bcanary" > "$work/bcanary.after"
  cmp -s "$work/canary.before" "$work/canary.after" ||
    why+=("the canary tree in /tmp changed:" "$(diff "$work/canary.before" "$work/canary.after" | head -8)")
  cmp -s "$work/bcanary.before" "$work/bcanary.after" ||
    why+=("the canary tree in the build dir changed:" "$(diff "$work/bcanary.before" "$work/bcanary.after" | head -8)")
  if grep -q $'\x1b' "$out" "$err" "$json" 2>/dev/null; then
    why+=("an ESC byte reached the grader's output: $(grep -l $'\x1b' "$out" "$err" "$json" | tr '\n' ' ')")
  fi
  local leaked; leaked=$(leaks "$out" "$err" "$json")
  [ -z "$leaked" ] || why+=("secrets or breach markers in the output:" "$leaked")
  [ -s "$work/hits" ] && why+=("the loopback listener was reached: $(sort "$work/hits" | uniq -c | tr '\n' ' ')")
  : > "$work/hits"

  local label="$name (${took}s, grader ${hwm} kB)"
  if [ ${#why[@]} = 0 ]; then
    passed=$((passed + 1))
    if [ -n "$gap" ]; then echo "ok - $label # TODO $gap"; else echo "ok - $label"; fi
  elif [ -n "$gap" ]; then
    todo=$((todo + 1)); echo "not ok - $label # TODO $gap"
    for l in "${why[@]}"; do printf '%s\n' "$l" | sed 's/^/    /'; done
  else
    failed=$((failed + 1)); echo "not ok - $label"
    for l in "${why[@]}"; do printf '%s\n' "$l" | sed 's/^/    /'; done
  fi
  [ -n "${ADV_KEEP:-}" ] && cp "$json" "$out" "$err" "$ADV_KEEP"/ 2>/dev/null
  rm -rf "$sub" "$work/thief-$name"
}

for dir in "$here"/cases/*/; do
  dir=${dir%/}
  [[ $(basename "$dir") =~ $only ]] || continue
  run_case "$dir"
done

kill -0 "$listener_pid" 2>/dev/null || { failed=$((failed + 1)); echo "not ok - the listener survived the corpus"; }
echo
echo "$passed passed, $failed failed, $todo todo"
[ "$failed" = 0 ]
