#!/usr/bin/env bash
# A sharded batch on a real Slurm of one node (scripts/slurm/local-cluster):
# scripts/slurm/submit with 3 shards grades 8 iface submissions, the merge
# job combines the shard files, and the leaderboard equals the one a
# single-machine `grader batch` of the same folder gives. Then a second
# round: one array task is cancelled after its first candidate is
# recorded, resubmitted alone (--only), resumes, and the merged history
# holds exactly one run per candidate — nothing graded twice, none lost.
#
# usage: slurm_test.sh <grader> <source-root>
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1 root=$2
PATH=$PATH:/usr/sbin
if [ "$(id -u)" != 0 ]; then echo "skip: Slurm's slurmd needs root"; exit 77; fi
for b in sbatch slurmctld slurmd munged; do
  command -v $b >/dev/null || { echo "skip: $b is missing (Debian packages slurm-wlm and munge)"; exit 77; }
done
work=$(mktemp -d /tmp/ug-slurm-XXXXXX)
chmod 755 "$work"   # munged runs as user munge, below it
cleanup() {
  [ -n "${SLURM_CONF:-}" ] && squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null
  "$root/scripts/slurm/local-cluster" stop "$work/cluster"
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

if ! up=$("$root/scripts/slurm/local-cluster" start "$work/cluster" 2>cluster.err); then
  echo "skip: Slurm could not start here:"; sed 's/^/  /' cluster.err; exit 77
fi
eval "$up"
ok "a Slurm of one node is up ($(sinfo -h -o '%n %T %c CPUs'))"

# candidate <dir> good|stub
candidate() {
  mkdir -p "$1/labs/iface"
  for f in iface_value.c iface_itab.c; do
    if [ "$2" = good ]; then
      unifdef -DLAB_SOLUTION=1 "$root/labs/iface/$f" >"$1/labs/iface/$f"
    else
      cp "$root/labs/iface/$f" "$1/labs/iface/$f"
    fi
  done
  echo "/* $1 */" >>"$1/labs/iface/iface_value.c"
}
for i in 1 2 3 4 5 6 7 8; do
  candidate subs/c$i "$([ $((i % 3)) = 0 ] && echo stub || echo good)"
done
"$grader" batch subs --record whole.db --jobs 2 --no-bench iface >whole.out 2>&1 \
  && ok "one machine graded the folder" || not_ok "one machine graded the folder" "$(tail -5 whole.out)"
board() { "$grader" leaderboard "$1" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $1, $2, $3 }'; }
runs() { "$grader" history "$1" 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $2 }'; }

# wait_jobs <id>...: until squeue lists none of them (at most 10 minutes).
wait_jobs() {
  local ids; ids=$(IFS=,; echo "$*")
  for _ in $(seq 3000); do
    [ -z "$(squeue -h -j "$ids" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  return 1
}
job_ids() { sed -n 's/^submit: array job \([0-9]*\) .*merge job \([0-9]*\)$/\1 \2/p' "$1"; }

# ---- three shards, merged ----
"$root/scripts/slurm/submit" --shards 3 --grader "$grader" subs out1 -- --no-bench iface >submit1.out 2>&1
read -r array merge < <(job_ids submit1.out)
[ -n "${merge:-}" ] && ok "submit made an array of 3 and a dependent merge" \
  || not_ok "submit made an array of 3 and a dependent merge" "$(cat submit1.out)"
wait_jobs "${array:-0}" "${merge:-0}" && ok "the jobs ran to the end" || not_ok "the jobs ran to the end" "$(squeue)"
grep -q "merged 3 history file(s) into .*all.db: 8 run(s) added" out1/merge.log \
  && ok "the merge job combined the three shards" \
  || not_ok "the merge job combined the three shards" "$(cat out1/merge.log out1/shard-*.log 2>&1 | tail -20)"
[ -n "$(board whole.db)" ] && [ "$(board out1/all.db)" = "$(board whole.db)" ] \
  && ok "the merged leaderboard is the single machine's" \
  || not_ok "the merged leaderboard is the single machine's" "$(board out1/all.db | tr '\n' ' ')" "$(board whole.db | tr '\n' ' ')"

# ---- a task killed midway, resubmitted alone ----
# The largest shard, so the task has candidates left when its first is in.
big=$(for k in 0 1 2; do echo "$(runs out1/shard-$k.db | wc -l) $k"; done | sort -rn | head -1 | cut -d' ' -f2)
[ "$(runs "out1/shard-$big.db" | wc -l)" -ge 3 ] && ok "shard $big holds three candidates or more" \
  || not_ok "shard $big holds three candidates or more"
"$root/scripts/slurm/submit" --shards 3 --grader "$grader" subs out2 -- --no-bench iface >submit2.out 2>&1
read -r array merge < <(job_ids submit2.out)
killed=
for _ in $(seq 3000); do
  if [ -f "out2/shard-$big.db" ] && [ "$(runs "out2/shard-$big.db" | wc -l)" -ge 1 ]; then
    scancel "${array}_$big" && killed=1
    break
  fi
  sleep 0.1
done
wait_jobs "$array"
n=$(runs "out2/shard-$big.db" | wc -l)
[ -n "$killed" ] && [ "$n" -ge 1 ] && [ "$n" -lt "$(runs "out1/shard-$big.db" | wc -l)" ] \
  && ok "task $big was cancelled with $n candidate(s) recorded" \
  || not_ok "task $big was cancelled midway" "killed=$killed recorded=$n" "$(tail -5 "out2/shard-$big.log")"
# Its merge can never run now: Slurm ends it (kill_invalid_depend) or
# leaves it pending; either way it must not have merged.
state=$(squeue -h -j "$merge" -o '%T %r' 2>/dev/null)
[ ! -e out2/all.db ] && case $state in ''|PENDING*) true ;; *) false ;; esac \
  && ok "the merge did not run after a failed shard" \
  || not_ok "the merge did not run after a failed shard" "merge job: $state"
scancel "$merge" 2>/dev/null
"$root/scripts/slurm/submit" --shards 3 --only "$big" --grader "$grader" subs out2 -- --no-bench iface >submit3.out 2>&1
read -r array merge < <(job_ids submit3.out)
wait_jobs "${array:-0}" "${merge:-0}"
grep -q "resuming batch" "out2/shard-$big.log" && ok "the resubmitted task resumed its batch" \
  || not_ok "the resubmitted task resumed its batch" "$(tail -5 "out2/shard-$big.log")"
[ "$(runs out2/all.db | sort | tr '\n' ' ')" = "c1 c2 c3 c4 c5 c6 c7 c8 " ] \
  && ok "one run per candidate: nothing graded twice or lost" \
  || not_ok "one run per candidate: nothing graded twice or lost" "$(runs out2/all.db | sort | tr '\n' ' ')"
[ "$(board out2/all.db)" = "$(board whole.db)" ] && ok "and the leaderboard is the single machine's again" \
  || not_ok "and the leaderboard is the single machine's again" "$(board out2/all.db | tr '\n' ' ')"

check_finish
