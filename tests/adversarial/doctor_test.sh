#!/usr/bin/env bash
# `grader doctor` tells the truth about who runs it: as root it reports
# cgroups and the drop to nobody; as nobody (setpriv, no capabilities) it
# reports no cgroup, its own uid, and a user namespace exactly when the
# kernel lets nobody make one (checked here with unshare -U). Both exit 0
# and pass their self-test. Needs root.
#
# Interface: doctor_test.sh <grader> → "ok - ..." lines → exit 1 on a failure.
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1
check() {   # check <name> <file> <extended regex that must match a line>
  if grep -Eq -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no line matches: $3" "$(cat "$2")"; fi
}
check_not() {
  if grep -Eq -- "$3" "$2"; then not_ok "$1" "a line matches: $3" "$(cat "$2")"; else ok "$1"; fi
}
if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP needs root (CI runs as root)"
  exit 0
fi
work=$(mktemp -d /tmp/ug-doctor-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd / || exit 1
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

# The build tree may not be reachable by nobody: run a copy nobody can execute.
chmod 0755 "$work"
cp "$grader" "$work/grader" && chmod 0755 "$work/grader"

timeout 60 "$grader" doctor > "$work/root.txt" 2>&1
rc=$?
if [ $rc = 0 ]; then ok "doctor as root exits 0"
else not_ok "doctor as root exits 0" "exit $rc" "$(cat "$work/root.txt")"; fi
timeout 60 "${as_nobody[@]}" "$work/grader" doctor > "$work/nobody.txt" 2>&1
rc=$?
if [ $rc = 0 ]; then ok "doctor as nobody exits 0"
else not_ok "doctor as nobody exits 0" "exit $rc" "$(cat "$work/nobody.txt")"; fi

# ---- root ----------------------------------------------------------------------------------
check "root: says it runs as root" "$work/root.txt" '^sandbox on .*running as uid 0 \(root\)$'
check "root: targets drop to nobody" "$work/root.txt" '^  uid +yes +nobody \(65534\)'
check "root: namespaces without a user namespace" "$work/root.txt" '^  namespaces +yes +pid, mount'
check "root: user ns not needed" "$work/root.txt" '^  user ns +no +not needed'
if [ -d /sys/fs/cgroup ] && grep -q cgroup /proc/mounts; then
  check "root: a cgroup per run is active" "$work/root.txt" '^  cgroup +yes +v[12]'
  check "root: cgroup memory limit active" "$work/root.txt" '^    memory +yes'
  check "root: cgroup pids limit active" "$work/root.txt" '^    pids +yes'
  check "root: summary names the cgroup and uid nobody" "$work/root.txt" '^  summary .*uid nobody.*cgroup'
fi
check "root: self-test ok" "$work/root.txt" '^  self-test +ok '

# ---- nobody ----------------------------------------------------------------------------------
check "nobody: says it runs as 65534, not root" "$work/nobody.txt" '^sandbox on .*running as uid 65534$'
check "nobody: no cgroup, rlimits instead" "$work/nobody.txt" '^  cgroup +no +.*RLIMIT_AS'
check "nobody: keeps its own uid" "$work/nobody.txt" '^  uid +yes +our own'
check_not "nobody: summary claims neither a cgroup nor a uid drop" "$work/nobody.txt" '^  summary .*(cgroup|uid nobody)'
if "${as_nobody[@]}" unshare -U true 2>/dev/null; then
  check "nobody: user namespace used (the kernel allows it)" "$work/nobody.txt" '^  user ns +yes'
  check "nobody: namespaces through the user namespace" "$work/nobody.txt" '^  namespaces +yes +user, pid'
  check "nobody: summary names the user namespace" "$work/nobody.txt" '^  summary .*user/'
else
  check "nobody: no user namespace (the kernel refuses it)" "$work/nobody.txt" '^  user ns +no'
  check "nobody: no namespaces" "$work/nobody.txt" '^  namespaces +no'
fi
check "nobody: self-test ok" "$work/nobody.txt" '^  self-test +ok '

# ---- the two differ where they must, and only there ---------------------------------------
same() { sed -n '/^  \(seccomp\|io_uring\|rlimits\) /p' "$1"; }
if diff <(same "$work/root.txt") <(same "$work/nobody.txt") > "$work/same.diff"; then
  ok "seccomp, io_uring and rlimits rows are the same for both"
else
  not_ok "seccomp, io_uring and rlimits rows differ" "$(cat "$work/same.diff")"
fi
echo
check_finish
