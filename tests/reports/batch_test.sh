#!/usr/bin/env bash
# Batches and the history end to end, on the iface lab with tiny
# submissions (two solutions, two stubs): bad input gets one line and its
# exit code and loses nothing; a batch killed with SIGKILL after its first
# candidate is recorded resumes and ends with exactly one run per
# candidate; a reused candidate id is refused; recorded runs report again.
#
# usage: batch_test.sh <grader> <source-root>
set -u
. "$(dirname "$0")/../lib/check.sh"
grader=$1 root=$2
work=$(mktemp -d /tmp/ug-batch-XXXXXX)
trap 'kill -9 $bpid 2>/dev/null; rm -rf "$work"' EXIT
bpid=
cd "$work" || exit 1
export TMPDIR=$work   # a killed batch leaves its work folder behind
# runs <db>: the recorded runs, one "candidate" per line (empty if none).
runs() { "$grader" history "$1" 2>/dev/null | awk 'NR > 1 { print $2 }'; }

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
}
candidate subs/c1 good
candidate subs/c2 stub
candidate subs/c3 good
echo "/* c3's own comment */" >>subs/c3/labs/iface/iface_value.c
candidate subs/c4 stub
mkdir -p empty

# ---- bad input ----
expect "a missing folder is a usage error" 2 "grader: cannot open batch folder 'nope'" \
  "$grader" batch nope --record h.db --no-bench iface
expect "a folder without submissions is a usage error" 2 "no submissions in 'empty'" \
  "$grader" batch empty --record h.db --no-bench iface
expect "a batch needs --record" 2 "--record <db> is required" "$grader" batch subs --no-bench
expect "an unknown lab is a usage error" 2 "unknown lab 'nolab'" \
  "$grader" batch subs --record h.db nolab
printf 'not a database, but precious\n' >corrupt.db
cp corrupt.db corrupt.orig
expect "a corrupt database cannot be used" 1 "grader: history 'corrupt.db': file is not a database" \
  "$grader" batch subs --record corrupt.db --no-bench iface
if cmp -s corrupt.db corrupt.orig; then ok "the corrupt database is left as it was"; else
  not_ok "the corrupt database is left as it was"; fi
expect "history of a corrupt database fails" 1 "file is not a database" "$grader" history corrupt.db
expect "history of a missing database is a usage error" 2 "cannot open history 'none.db'" \
  "$grader" history none.db
[ -e h.db ] && not_ok "refused batches create no database" || ok "refused batches create no database"

# ---- kill a batch after its first run, then resume ----
"$grader" batch subs --record h.db --jobs 1 --no-bench iface >batch1.out 2>&1 &
bpid=$!
for _ in $(seq 1 3000); do
  [ -n "$(runs h.db)" ] && break
  kill -0 $bpid 2>/dev/null || break
  sleep 0.1
done
kill -9 $bpid 2>/dev/null
wait $bpid 2>/dev/null
bpid=
before=$(runs h.db | wc -l)
if [ "$before" -ge 1 ] && [ "$before" -lt 4 ]; then
  ok "the batch was killed midway ($before of 4 recorded)"
else
  not_ok "the batch was killed midway" "$before of 4 recorded" "$(cat batch1.out)"
fi
expect "the restarted batch resumes and finishes" 0 "4 of 4 candidates recorded" \
  "$grader" batch subs --record h.db --jobs 2 --no-bench iface
grep -qF "resuming batch 1" err.txt && ok "the restart says it resumes" ||
  not_ok "the restart says it resumes" "$(cat err.txt)"
got=$(runs h.db | sort | tr '\n' ' ')
[ "$got" = "c1 c2 c3 c4 " ] && ok "exactly one run per candidate" ||
  not_ok "exactly one run per candidate" "runs: $got"
# --no-bench: full correctness is 2.40 of 3, the performance share not measured
if "$grader" history h.db --candidate c1 | grep -qF "2.40 /   3.00"; then
  ok "a solution scores full correctness"
else
  not_ok "a solution scores full correctness" "$("$grader" report h.db:1 2>&1 | tail -3)"
fi
"$grader" leaderboard h.db > board.txt
grep -q "^Partial runs" board.txt && ok "runs graded with --no-bench are ranked as partial" ||
  not_ok "runs graded with --no-bench are ranked as partial" "$(cat board.txt)"
board=$(awk '$1 ~ /^[0-9]+$/ { print $2 }' board.txt | tr '\n' ' ')
case "$board" in
  "c1 c3 c2 c4 ") ok "the leaderboard puts the solutions first" ;;
  *) not_ok "the leaderboard puts the solutions first" "$board" ;;
esac
expect "a finished batch, started again, grades everyone anew" 0 "batch 2: 4 of 4 candidates recorded (4 this time)" \
  "$grader" batch subs --record h.db --jobs 2 --no-bench iface
grep -qF "resuming" err.txt && not_ok "a finished batch is not resumed" "$(cat err.txt)" ||
  ok "a finished batch is not resumed"
[ "$(runs h.db | wc -l)" = 8 ] && ok "the second batch added one run per candidate" ||
  not_ok "the second batch added one run per candidate" "$(runs h.db | tr '\n' ' ')"

# ---- candidate ids ----
candidate other/c1 stub
expect "a reused candidate id fails the batch" 1 "candidate 'c1' is already recorded with another submission" \
  "$grader" batch other --record h.db --no-bench iface
expect "grader run refuses a reused id before grading" 2 "give this submission its own --candidate id" \
  "$grader" run --submission other/c1 --record h.db --no-bench iface
expect "--candidate without --record is a usage error" 2 "option '--candidate' needs --record <db>" \
  "$grader" run --submission other/c1 --candidate c1-second --no-bench iface
expect "grader run records under a new id" 0 "recorded run 9 of 'c1-second'" \
  "$grader" run --submission other/c1 --record h.db --candidate c1-second --html c1.html \
  --no-bench iface
grep -qF 'id="sections"' c1.html && ok "grader run --html writes the page" ||
  not_ok "grader run --html writes the page"
[ "$(runs h.db | wc -l)" = 9 ] && ok "refused runs recorded nothing" ||
  not_ok "refused runs recorded nothing" "$(runs h.db | tr '\n' ' ')"

# ---- shards and merging ----
# The leaderboard of one unsharded batch (a history of its own) is the one
# three shards merged give.
lb() { "$grader" leaderboard "$1" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $1, $2, $3 }'; }
expect "--shard 3/3 is a usage error" 2 "--shard takes <k>/<n> with 0 <= k < n" \
  "$grader" batch subs --shard 3/3 --record bad.db --no-bench iface
"$grader" batch subs --record whole.db --jobs 2 --no-bench iface >/dev/null 2>&1
for k in 0 1 2; do
  expect "shard $k/3 grades its slice" 0 "shard $k/3:" \
    "$grader" batch subs --shard $k/3 --record s$k.db --jobs 2 --no-bench iface
done
[ "$( (runs s0.db; runs s1.db; runs s2.db) | sort | tr '\n' ' ')" = "c1 c2 c3 c4 " ] \
  && ok "every candidate was graded in exactly one shard" \
  || not_ok "every candidate was graded in exactly one shard" "$( (runs s0.db; runs s1.db; runs s2.db) | tr '\n' ' ')"
expect "the shards merge" 0 "merged 3 history file(s) into all.db: 4 run(s) added, 0 already there" \
  "$grader" merge all.db s0.db s1.db s2.db
expect "merging the shards again adds nothing" 0 "0 run(s) added, 4 already there" \
  "$grader" merge all.db s2.db s1.db s0.db
[ "$(lb all.db)" = "$(lb whole.db)" ] && [ -n "$(lb all.db)" ] \
  && ok "the merged leaderboard is the unsharded batch's" \
  || not_ok "the merged leaderboard is the unsharded batch's" "$(lb all.db | tr '\n' ' ')" "$(lb whole.db | tr '\n' ' ')"
before=$(sha256sum all.db)
echo "not a history" >notes.db
python3 -c 'import sqlite3; sqlite3.connect("foreign.db").execute("CREATE TABLE runs(x)")'
expect "a corrupt shard is refused by name" 1 "cannot merge 'notes.db'" \
  "$grader" merge all.db s0.db notes.db
expect "a foreign shard is refused by name" 1 "not a grader history" \
  "$grader" merge all.db s0.db foreign.db
[ "$(sha256sum all.db)" = "$before" ] && ok "a refused merge leaves the output as it was" \
  || not_ok "a refused merge leaves the output as it was"
expect "a refused merge into a new file makes none" 1 "new.db not made" \
  "$grader" merge new.db s0.db nope.db
[ -e new.db ] && not_ok "no output is left behind" || ok "no output is left behind"
expect "merge needs inputs" 2 "merge what?" "$grader" merge all.db

# ---- recorded runs report again ----
expect "a recorded run renders as HTML" 0 - "$grader" report h.db:1 --html r1.html
grep -qF '<svg' r1.html && not_ok "a --no-bench run draws no chart" || ok "a --no-bench run draws no chart"
grep -qF 'id="sections"' r1.html && ok "the recorded run's report has its sections" ||
  not_ok "the recorded run's report has its sections"
expect "an unknown run is an error" 1 "history 'h.db' has no run 99" "$grader" report h.db:99
printf '{"schema_version": 1, "labs": [' >bad.json
expect "a corrupt JSON report is an error with its line" 1 "grader: bad.json:1:" \
  "$grader" report bad.json --html bad.html
[ -e bad.html ] && not_ok "nothing is written from a corrupt report" || ok "nothing is written from a corrupt report"
expect "a missing JSON report is a usage error" 2 "cannot open report 'missing.json'" \
  "$grader" report missing.json
expect "compare refuses a run without samples" 1 "has no benchmark samples" \
  "$grader" compare h.db:1 h.db:2

check_finish
