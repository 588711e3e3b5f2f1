#!/usr/bin/env bash
# An interrupted grader leaves nothing behind: Ctrl-C (SIGINT), SIGTERM and
# a stopped batch remove every scratch folder of the run.
# Interface: signal_test.sh <grader> <source-root>
set -u
grader=$1 root=$2
. "$root/tests/lib/check.sh"
work=$(mktemp -d /tmp/ug-signal-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# Waits (at most 60 s) until the grader of pid $1 has a scratch folder in $2.
wait_scratch() {
  for _ in $(seq 600); do
    ls "$2" 2>/dev/null | grep -q 'undergo-' && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

for sig in INT TERM; do
  mkdir -p "t-$sig"
  TMPDIR=$work/t-$sig "$grader" run gc leak --no-bench --jobs 1 > "out-$sig" 2>&1 &
  pid=$!
  if wait_scratch "$pid" "t-$sig"; then
    kill -"$sig" "$pid"
    wait "$pid"
    left=$(ls -A "t-$sig")
    [ -z "$left" ] && ok "SIG$sig removes the run's scratch" || not_ok "SIG$sig removes the run's scratch" "left: $left"
  else
    wait "$pid"
    not_ok "SIG$sig: the grader made no scratch folder" "$(tail -5 "out-$sig")"
  fi
done

# A batch stopped with SIGTERM: its graders, too, clean up.
mkdir -p subs/a/labs/gc subs/b/labs/gc t-batch
for c in a b; do
  for f in $(sed -n 's/^editable: *\[\(.*\)\]/\1/p' "$root/labs/gc/lab.yaml" | tr ',' ' '); do
    unifdef -DLAB_SOLUTION=1 -o "subs/$c/labs/gc/$f" "$root/labs/gc/$f"
  done
done
TMPDIR=$work/t-batch "$grader" batch subs --record h.db --no-bench gc > out-batch 2>&1 &
pid=$!
if wait_scratch "$pid" t-batch || ls t-batch | grep -q 'grader-batch'; then
  sleep 0.5
  kill -TERM "$pid"
  wait "$pid"
  for _ in $(seq 50); do [ -z "$(ls -A t-batch)" ] && break; sleep 0.1; done
  left=$(find t-batch -mindepth 1 -maxdepth 2)
  [ -z "$left" ] && ok "a stopped batch leaves no scratch" || not_ok "a stopped batch leaves no scratch" "left: $left"
else
  wait "$pid"
  not_ok "the batch made no scratch folder" "$(tail -5 out-batch)"
fi
check_finish
