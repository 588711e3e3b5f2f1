# check.sh — what the shell-driven end-to-end tests share: TAP-like result
# lines, a command's exit status and message, a JSON report's content, and
# the closing "N passed, M failed" line.
#
# Interface: . tests/lib/check.sh → ok / not_ok / expect / json_check →
# check_finish (last command of the script: its status is the script's).
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }

# not_ok <name> [detail line...]
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }

# expect <name> <exit> <stderr-substring|-> <command...>: runs the command with
# stdout in out.txt and stderr in err.txt (in the current folder).
expect() {
  local name=$1 want=$2 msg=$3; shift 3
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" != "$want" ]; then
    not_ok "$name" "exit $got, want $want" "$(head -c 2000 err.txt)" "$(tail -c 2000 out.txt)"
  elif [ "$msg" != - ] && ! grep -qF -- "$msg" err.txt; then
    not_ok "$name" "stderr lacks: $msg" "$(head -c 2000 err.txt)"
  else
    ok "$name"
  fi
}

# json_check <name> <file> <python expression over r, the parsed file>
json_check() {
  if python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($3) else 1)" "$2"; then
    ok "$1"
  else
    not_ok "$1" "false: $3" "$(head -c 1500 "$2")"
  fi
}

check_finish() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
