# lib.sh: helpers for the command-line tests (sourced).
# Each test runs in its own temporary directory, removed at exit.
set -u
: "${TOUCHBASE:?run through make check}"
: "${srcdir:=.}"
srcdir=$(cd "$srcdir" && pwd)
# For Python helpers: tests/outbox_index.py is importable.
PYTHONPATH="$srcdir/tests${PYTHONPATH:+:$PYTHONPATH}"
export srcdir PYTHONPATH
work=$(mktemp -d "${TMPDIR:-/tmp}/touchbase-test.XXXXXX")
# bg_pid: a process the test started in the background (a server, a lock
# holder); stop_bg kills it by that PID, and so does the exit trap.
bg_pid=
stop_bg() {
	[ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null &&
		wait "$bg_pid" 2>/dev/null
	bg_pid=
}
trap 'stop_bg; rm -rf "$work"' EXIT
cd "$work" || exit 99
# No configuration from the machine or the user: built-in defaults.
export TOUCHBASE_CONFIG= XDG_CONFIG_HOME="$work/xdg" HOME="$work"
failures=0
checks=0

# have_pty: true when script(1) is here and can open a pseudo-terminal
# (a chroot without /dev/pts mounted cannot); else says why, false.
have_pty() {
	if ! command -v script >/dev/null; then
		echo "no pseudo-terminal: script(1) (util-linux) is missing"
		return 1
	fi
	if ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
		echo "no pseudo-terminal: script(1) cannot open one" \
			"(is /dev/pts mounted?)"
		return 1
	fi
}

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect CODE COMMAND...: run touchbase (through $run_as when set, such
# as setpriv to run it as another user), compare the exit status.
run_as=
expect() {
	want=$1
	shift
	checks=$((checks + 1))
	$run_as "$TOUCHBASE" "$@" >out.txt 2>err.txt
	got=$?
	if [ "$got" != "$want" ]; then
		fail "touchbase $* exited $got, wanted $want"
		sed 's/^/  stderr: /' err.txt >&2
	fi
}

# contains FILE TEXT: FILE holds TEXT (a fixed string).
contains() {
	checks=$((checks + 1))
	grep -qF -- "$2" "$1" || { fail "$1 lacks \"$2\""; sed 's/^/  | /' "$1" >&2; }
}

lacks() {
	checks=$((checks + 1))
	! grep -qF -- "$2" "$1" || fail "$1 has \"$2\""
}

# run_killed DB NOW DELAY...: touchbase -d DB run --now NOW, killed with
# SIGKILL after each DELAY (seconds), one run per delay.  Nothing is
# asserted on time: the caller checks what arrived.
run_killed() {
	db=$1 now=$2
	shift 2
	for delay in "$@"; do
		"$TOUCHBASE" -d "$db" run --now "$now" >/dev/null 2>&1 &
		victim=$!
		sleep "$delay"
		kill -9 "$victim" 2>/dev/null
		wait "$victim" 2>/dev/null
	done
}

finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" = 0 ]
	exit $?
}

# hold DB [all]: another process holding BEGIN EXCLUSIVE on DB until
# stop_bg; WAL lets readers through unless "all" (locking_mode =
# EXCLUSIVE) keeps them out too.
hold() {
	rm -f held
	/usr/bin/python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "all":
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("PRAGMA user_version").fetchall()
open("held", "w").close()
time.sleep(300)
' "$1" "${2:-writers}" &
	bg_pid=$!
	for _ in $(seq 100); do
		[ -e held ] && return
		sleep 0.1
	done
	fail "the process holding $1 did not start"
}
