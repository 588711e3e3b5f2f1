#!/usr/bin/env bash
# The forgery corpus: tricks that try to pass tests without solving them,
# each applied to the stub of every lab and graded by the real grader. A
# trick may be refused (the audit: build-error) or may run; either way the
# lab must score 0 correctness, and no ADVERSARIAL-BREACH marker (a trick
# telling us it got through a wall) may reach any output.
#
# A case is forgeries/<NN-name>.c: C code defining `static void
# forge_hook(void)` (and whatever else the trick needs). Into every
# editable .c file of a lab's stub (unifdef -DLAB_SOLUTION=0) go a
# declaration of forge_hook at the top, the case's code at the end, and a
# call before each `return -ENOSYS;`, so the trick runs the first time a
# test calls into the lab. One more case is made here: replay, whose
# forge_hook writes back, for the test it is asked to run, the reference's
# transcript of that test saved from a run with seed 1, then ends the
# process; the grader's seed is another one.
#
# The grader's seed is fixed (FORGE_SEED, default 20261202) so that a run is
# reproducible: a test whose transcript at that seed equals its transcript
# at seed 1 fails the replay case every time, not once in a while, and the
# fix is to draw more of its checked values from the seed.
#
# Labs whose stub passes by design (`stub: passes`) are left out, and the
# run says so. FORGE_LABS="a b" narrows the run to those labs.
#
# Interface: forge.sh <grader> <source-root> <build-dir> [case-regex]
#   → "ok - case/lab" / "not ok - case/lab" lines → "N passed, M failed";
#   exit 1 if any failed.
set -u
grader=$1 root=$2 bindir=$3 only=${4:-.} seed=${FORGE_SEED:-20261202}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/ug-forge-XXXXXX)
chmod 0711 "$work"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
breach=ADVERSARIAL-BREACH

labs=
for lab in ${FORGE_LABS:-$("$grader" list | awk 'NR > 1 && $2 != "total" && NF > 2 { print $2 }')}; do
  # A lab whose stub is the correct, slow handout (`stub: passes`, tune)
  # scores full correctness unforged: a forgery of correctness has nothing
  # to win there, and its performance is another matter (not graded here).
  if grep -q '^stub: *passes' "$root/labs/$lab/lab.yaml"; then
    echo "# $lab: its stub passes by design (stub: passes); correctness forgeries do not apply"
    continue
  fi
  labs="$labs $lab"
done
editable() {   # the editable files of a lab, one a line
  sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/$1/lab.yaml" | tr ',' '\n' | tr -d ' '
}

# The replay case of lab: every test's reference transcript at seed 1, as a
# C table, and a hook that finds its test in the command line.
make_replay() {
  local lab=$1 out=$2 t
  {
    echo "/* Generated: the reference's transcripts of $lab at seed 1. */"
    echo '#include <fcntl.h>'
    echo '#include <string.h>'
    echo '#include <sys/syscall.h>'
    echo '#include <unistd.h>'
    echo 'static const char *const saved[][2] = {'
    for t in $("$bindir/bin/${lab}_test_ref" --list); do
      "$bindir/bin/${lab}_test_ref" --transcript --run "$t" --seed 1 3>"$work/t.txt" >/dev/null 2>&1
      printf '    {"%s", "' "$t"
      cut -f1 "$work/t.txt" | sed 's/\\/\\\\/g; s/"/\\"/g' | sed ':a;N;$!ba;s/\n/\\n/g' | tr -d '\n'
      printf '\\n"},\n'
    done
    cat <<'EOF'
};
static void forge_hook(void)
{
    char cmd[8192];
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : -1;
    if (fd >= 0)
        close(fd);
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(cmd + i) + 1) {
        if (strcmp(cmd + i, "--run") || i + 6 >= n)
            continue;
        for (size_t k = 0; k < sizeof saved / sizeof *saved; k++)
            if (!strcmp(saved[k][0], cmd + i + 6))
                (void)!write(3, saved[k][1], strlen(saved[k][1]));
        __asm__ volatile("syscall" : : "a"((long)__NR_exit_group), "D"(0L) : "rcx", "r11", "memory");
    }
}
EOF
  } > "$out"
}

# Builds the forged submission of lab from case file code into dir.
assemble() {
  local lab=$1 code=$2 dir=$3 f
  mkdir -p "$dir/labs/$lab"
  for f in $(editable "$lab"); do
    unifdef -DLAB_SOLUTION=0 -o "$dir/labs/$lab/$f" "$root/labs/$lab/$f"
    [ $? -le 1 ] || { echo "Bail out! unifdef $f"; exit 1; }
    case $f in
      *.c) { echo "static void forge_hook(void);"
             sed 's/return -ENOSYS;/return forge_hook(), -ENOSYS;/' "$dir/labs/$lab/$f"
             echo; cat "$code"; } > "$dir/labs/$lab/$f.new"
           mv "$dir/labs/$lab/$f.new" "$dir/labs/$lab/$f" ;;
    esac
  done
}

check() {   # check <case> <lab> <dir>
  local name=$1 lab=$2 dir=$3 json=$work/$1-$2.json why=()
  TMPDIR=$work "$grader" run "$lab" --submission "$dir" --no-bench --jobs 2 --seed "$seed" --json "$json" \
    > "$work/out" 2> "$work/err"
  local rc=$?
  [ "$rc" = 0 ] || why+=("grader exit $rc: $(tail -c 400 "$work/err")")
  if [ -f "$json" ]; then
    python3 - "$json" "$lab" > "$work/why" <<'EOF' || why+=("$(cat "$work/why")")
import json, sys
r = json.load(open(sys.argv[1]))
lab = [l for l in r["labs"] if l["name"] == sys.argv[2]][0]
passed = [t["name"] for t in lab["tests"] if t["verdict"] == "pass"]
if lab["correctness"] != 0 or passed or not lab["tests"]:
    print("correctness %s, status %s, passing: %s" % (lab["correctness"], lab["status"], passed[:5]))
    sys.exit(1)
EOF
  elif [ "$rc" = 0 ]; then
    why+=("no JSON report")
  fi
  if grep -l "$breach" "$work/out" "$work/err" "$json" >/dev/null 2>&1; then
    why+=("a wall was breached: $(grep -h "$breach" "$work/out" "$work/err" "$json" | head -3)")
  fi
  local status; status=$(python3 -c "import json,sys; print([l for l in json.load(open(sys.argv[1]))['labs'] if l['name']==sys.argv[2]][0]['status'])" "$json" "$lab" 2>/dev/null)
  if [ ${#why[@]} = 0 ]; then
    passed=$((passed + 1)); echo "ok - $name/$lab ($status)"
  else
    failed=$((failed + 1)); echo "not ok - $name/$lab (seed $seed; rerun: FORGE_SEED=$seed FORGE_LABS=$lab $0 $grader $root $bindir '^$name\$')"
    for l in "${why[@]}"; do printf '%s\n' "$l" | sed 's/^/    /'; done
  fi
}

cases=()
for f in "$here"/forgeries/*.c; do cases+=("$f"); done
cases+=(replay)
for c in "${cases[@]}"; do
  name=$(basename "$c" .c)
  [[ $name =~ $only ]] || continue
  for lab in $labs; do
    code=$c
    if [ "$c" = replay ]; then
      code=$work/replay-$lab.c
      make_replay "$lab" "$code"
    fi
    rm -rf "$work/sub"
    assemble "$lab" "$code" "$work/sub"
    check "$name" "$lab" "$work/sub"
  done
done
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
