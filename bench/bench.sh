#!/bin/sh
# touchbase's benchmark: books of many partners, delivery against Postfix's
# smtp-sink beside smtp-source and a Python peer, a callgrind profile, and
# bench/RESULTS.md.  See bench/README.md.  Run from the build directory
# (make bench does), with a build without sanitizers.
set -u

bench_dir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$bench_dir")
TOUCHBASE=${TOUCHBASE:-$(pwd)/src/touchbase}
BENCH_SIZES=${BENCH_SIZES:-10k 100k 1M}
BENCH_DELIVERY=${BENCH_DELIVERY:-20000}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_PROFILE=${BENCH_PROFILE:-2000}
BENCH_MEM_MB=${BENCH_MEM_MB:-4096}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-1200}
BENCH_SEED=${BENCH_SEED:-2026}
BENCH_WORK=${BENCH_WORK:-$(pwd)/bench-work}
BENCH_RESULTS=${BENCH_RESULTS:-$bench_dir/RESULTS.md}
BENCH_NOTE=${BENCH_NOTE:-}
PY=/usr/bin/python3

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$TOUCHBASE" ] || die "no touchbase at $TOUCHBASE (build it first)"
if ldd "$TOUCHBASE" | grep -q -e libasan -e libubsan; then
	die "$TOUCHBASE is built with sanitizers; configure without them"
fi

# --- what the bench needs beyond the build -----------------------------

need_pkg() { # package command
	command -v "$2" >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || die "$2 is missing: apt-get install $1 (as root)"
	echo "bench: installing $1" >&2
	apt-get install -y -q "$1" >/dev/null || die "apt-get install $1 failed"
}
[ -x /usr/bin/time ] || need_pkg time /usr/bin/time
need_pkg valgrind valgrind
need_pkg valgrind callgrind_annotate
[ -x $PY ] || die "$PY is missing: apt-get install python3"

mkdir -p "$BENCH_WORK" || die "cannot create $BENCH_WORK"
work=$(cd "$BENCH_WORK" && pwd)
pf=$work/postfix
if [ ! -x "$pf/usr/sbin/smtp-sink" ]; then
	echo "bench: fetching Postfix's smtp-sink and smtp-source" >&2
	rm -rf "$pf" "$work"/postfix_*.deb
	(cd "$work" && apt-get download postfix >/dev/null 2>&1) ||
		die "apt-get download postfix failed"
	dpkg -x "$work"/postfix_*.deb "$pf" || die "dpkg -x failed"
fi

# --- records -----------------------------------------------------------

records=$work/records.tsv
: >"$records"
run_dir=$work/run
rm -rf "$run_dir"
mkdir -p "$run_dir" "$work/books"

record() { # section size label wall rss exit count note: and m_cpu
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "${m_cpu:-}" \
		>>"$records"
}

# measure SECTION SIZE LABEL OUTFILE COMMAND...: run the command under the
# memory and time guards with /usr/bin/time -v; sets m_wall, m_rss (KiB),
# m_cpu (user + system s), m_rc and m_note (the first line of standard
# error when it failed).
measure() {
	m_sec=$1 m_size=$2 m_label=$3 m_out=$4
	shift 4
	(
		ulimit -v $((BENCH_MEM_MB * 1024))
		exec /usr/bin/time -v -o "$work/time.txt" \
			timeout -s KILL "$BENCH_TIMEOUT" "$@"
	) >"$m_out" 2>"$work/err.txt"
	m_rc=$?
	m_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		print s }' "$work/time.txt")
	m_rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' \
		"$work/time.txt")
	m_cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 }
		END { printf "%.2f", s }' "$work/time.txt")
	m_note=
	if [ "$m_rc" -ne 0 ]; then
		if [ "$m_rc" -eq 124 ] || [ "$m_rc" -eq 137 ]; then
			m_note="killed at the time guard (${BENCH_TIMEOUT} s)"
		else
			m_note=$(grep -v '^Command exited' "$work/err.txt" |
				head -n 1 | tr '\t' ' ' | cut -c 1-160)
		fi
	fi
	printf '  %-34s %8s s %8s KiB  exit %s %s\n' "$m_label" "${m_wall:-?}" \
		"${m_rss:-?}" "$m_rc" "$m_note" >&2
}

write_conf() { # file db transport connections
	cat >"$1" <<EOF
[database]
path = $2

[delivery]
transport = $3
maildir = $(dirname "$1")/outbox

[smtp]
url = smtp://127.0.0.1:$sink_port
starttls = off
connections = $4
from = Partnerships Office <partnerships@hq.example.org>

[schedule]
timezone = America/New_York
lead_days = 7
grace_days = 3
escalate_after_days = 14
meeting_time = 10:00
skip_weekends = no

[inbox]
source = none
EOF
}

sent_count() { # config: messages in state sent
	TOUCHBASE_CONFIG=$1 "$TOUCHBASE" outbox --state sent --json 2>/dev/null |
		grep -c '"state":"sent"'
}

size_number() {
	case $1 in
	*[kK]) echo $((${1%?} * 1000)) ;;
	*M) echo $((${1%?} * 1000000)) ;;
	*) echo "$1" ;;
	esac
}

book() { # N [--all-due]: the cached CSV of N partners; its summary as .json
	b=$work/books/book-$1-$BENCH_SEED${2:+-due}.csv
	if [ ! -s "$b.json" ] || [ ! -s "$b" ] ||
		[ "$bench_dir/gen_book.py" -nt "$b.json" ]; then
		echo "bench: generating $b" >&2
		$PY "$bench_dir/gen_book.py" "$1" "$BENCH_SEED" "$b" ${2:-} \
			>"$b.json" || die "gen_book.py failed"
	fi
	echo "$b"
}

due_book() { # DIR N: DIR/db.conf, its database holding the book of N
	# partners all due (the delivery book); sets csv and now
	mkdir -p "$1"
	csv=$(book "$2" --all-due)
	now=$(json_field "$csv.json" moment_1)
	write_conf "$1/db.conf" "$1/db.db" smtp 1
	TOUCHBASE_CONFIG=$1/db.conf "$TOUCHBASE" -q init &&
		TOUCHBASE_CONFIG=$1/db.conf "$TOUCHBASE" -q import "$csv" ||
		die "import of $csv failed"
}

json_field() { # file field
	$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# --- the machine -------------------------------------------------------

{
	echo "cpu	$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "cores	$(nproc)"
	echo "memory	$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel	$(uname -sr)"
	echo "debian	$(cat /etc/debian_version 2>/dev/null || echo unknown)"
	echo "compiler	$(${BENCH_CC:-cc} --version 2>/dev/null | head -n 1)"
	echo "cflags	${BENCH_CFLAGS:-unknown}"
	echo "commit	$(git -C "$srcdir" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "postfix	$(ls "$work"/postfix_*.deb 2>/dev/null | sed 's|.*/||')"
	echo "load_start	$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "started	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "note	$BENCH_NOTE"
	echo "mem_guard	$BENCH_MEM_MB"
	echo "time_guard	$BENCH_TIMEOUT"
	echo "seed	$BENCH_SEED"
	echo "sizes	$BENCH_SIZES"
	echo "delivery	$BENCH_DELIVERY"
	echo "rounds	$BENCH_ROUNDS"
	echo "profile	$BENCH_PROFILE"
} >"$work/machine.tsv"

# --- the sink ----------------------------------------------------------

sink_port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_user=
[ "$(id -u)" -eq 0 ] && sink_user="-u nobody"
# Started directly (env execs it), so that $! is the sink itself.
# shellcheck disable=SC2086
env LD_LIBRARY_PATH="$pf/usr/lib/postfix" "$pf/usr/sbin/smtp-sink" \
	$sink_user 127.0.0.1:"$sink_port" 256 >"$work/sink.log" 2>&1 &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
i=0
until $PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$sink_port" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || die "smtp-sink did not start: $(cat "$work/sink.log")"
	sleep 0.1
done
echo "bench: smtp-sink on 127.0.0.1:$sink_port" >&2

# --- books of many partners --------------------------------------------

for size in $BENCH_SIZES; do
	n=$(size_number "$size")
	csv=$(book "$n")
	sum=$csv.json
	d=$run_dir/$size
	mkdir -p "$d"
	echo "bench: $size partners" >&2
	write_conf "$d/import.conf" "$d/book.db" smtp 1
	TOUCHBASE_CONFIG=$d/import.conf "$TOUCHBASE" -q init ||
		die "touchbase init failed"
	measure book "$size" import "$d/import.out" \
		env TOUCHBASE_CONFIG="$d/import.conf" "$TOUCHBASE" import "$csv"
	record book "$size" import "$m_wall" "$m_rss" "$m_rc" \
		"$(json_field "$sum" rows)" "$m_note"
	for pct in 1 10; do
		now=$(json_field "$sum" "moment_$pct")
		expect=$(json_field "$sum" "due_$pct")
		cp "$d/book.db" "$d/due$pct.db"
		write_conf "$d/due$pct.conf" "$d/due$pct.db" smtp 1
		measure book "$size" "run --dry-run, $pct % due" "$d/dry$pct.out" \
			env TOUCHBASE_CONFIG="$d/due$pct.conf" "$TOUCHBASE" \
			run --dry-run --now "$now"
		due=$(awk '$2 == "reminder"' "$d/dry$pct.out" | wc -l)
		would=$(wc -l <"$d/dry$pct.out")
		note=$m_note
		[ "$m_rc" -eq 0 ] && [ "$due" -ne "$expect" ] &&
			note="expected $expect partners due, planned $due"
		record book "$size" "run --dry-run, $pct % due" "$m_wall" \
			"$m_rss" "$m_rc" "$would" "$note"
		measure book "$size" "run, $pct % due" "$d/run$pct.out" \
			env TOUCHBASE_CONFIG="$d/due$pct.conf" "$TOUCHBASE" \
			run --now "$now"
		record book "$size" "run, $pct % due" "$m_wall" "$m_rss" \
			"$m_rc" "$(sent_count "$d/due$pct.conf")" "$m_note"
		before=$(sent_count "$d/due$pct.conf")
		measure book "$size" "second run, $pct % due" "$d/again$pct.out" \
			env TOUCHBASE_CONFIG="$d/due$pct.conf" "$TOUCHBASE" \
			run --now "$now"
		record book "$size" "second run, $pct % due" "$m_wall" "$m_rss" \
			"$m_rc" $(($(sent_count "$d/due$pct.conf") - before)) "$m_note"
	done
	# The views, over the whole book at the 10 % moment after its run.
	now=$(json_field "$sum" moment_10)
	for view in "status --json" "export" "ics" "digest" "report --html"; do
		out=$d/view.out
		# shellcheck disable=SC2086
		case $view in
		export) set -- $view ;;
		*) set -- $view --now "$now" ;;
		esac
		measure book "$size" "$view" "$out" \
			env TOUCHBASE_CONFIG="$d/due10.conf" "$TOUCHBASE" "$@"
		record book "$size" "$view" "$m_wall" "$m_rss" "$m_rc" \
			"$(wc -c <"$out")" "$m_note"
		rm -f "$out"
	done
	rm -rf "$d"
done

# --- delivery ----------------------------------------------------------

n=$BENCH_DELIVERY
d=$run_dir/delivery
echo "bench: delivery of $n reminders" >&2
due_book "$d" "$n"
TOUCHBASE_CONFIG=$d/db.conf "$TOUCHBASE" preview p0000001 --now "$now" \
	>"$d/message.eml" || die "touchbase preview failed"
m_cpu=
record delivery "$n" "message size" 0 0 0 "$(wc -c <"$d/message.eml")" ""

tb_delivery() { # round label transport connections
	rm -rf "$d/outbox" "$d/r.db"
	cp "$d/db.db" "$d/r.db"
	write_conf "$d/r.conf" "$d/r.db" "$3" "$4"
	measure delivery "$n" "$2" "$d/r.out" \
		env TOUCHBASE_CONFIG="$d/r.conf" "$TOUCHBASE" run --now "$now"
	record delivery "$1" "$2" "$m_wall" "$m_rss" "$m_rc" \
		"$(sent_count "$d/r.conf")" "$m_note"
}

r=1
while [ $r -le "$BENCH_ROUNDS" ]; do
	echo "bench: round $r" >&2
	tb_delivery $r "touchbase smtp, connections = 1" smtp 1
	measure delivery "$n" "smtp-source, one session" "$d/src.out" \
		env LD_LIBRARY_PATH="$pf/usr/lib/postfix" \
		"$pf/usr/sbin/smtp-source" -s 1 -d -m "$n" \
		-f partnerships@hq.example.org -t owner2@hq.example.org \
		-F "$d/message.eml" 127.0.0.1:"$sink_port"
	record delivery $r "smtp-source, one session" "$m_wall" "$m_rss" \
		"$m_rc" "$n" "$m_note"
	tb_delivery $r "touchbase smtp, connections = 4" smtp 4
	measure delivery "$n" "Python peer, one connection" "$d/py.out" \
		$PY "$bench_dir/python_peer.py" "$csv" "$csv.due" \
		"$srcdir/templates" 127.0.0.1 "$sink_port"
	record delivery $r "Python peer, one connection" "$m_wall" "$m_rss" \
		"$m_rc" "$(cat "$d/py.out")" "$m_note"
	tb_delivery $r "touchbase maildir" maildir 1
	r=$((r + 1))
done
rm -rf "$d"

# --- profile -----------------------------------------------------------

n=$BENCH_PROFILE
d=$run_dir/profile
echo "bench: callgrind profile of a delivery of $n reminders" >&2
due_book "$d" "$n"
rm -f "$work"/callgrind.out*
TOUCHBASE_CONFIG=$d/db.conf valgrind -q --tool=callgrind \
	--callgrind-out-file="$work/callgrind.out" \
	"$TOUCHBASE" run --now "$now" \
	>/dev/null 2>"$d/valgrind.err"
rc=$?
m_cpu=
record profile "$n" "callgrind run" 0 0 $rc "$(sent_count "$d/db.conf")" ""
callgrind_annotate --threshold=100 "$work/callgrind.out" 2>/dev/null |
	head -n 60 >"$work/profile.txt"
callgrind_annotate --inclusive=yes "$work/callgrind.out" 2>/dev/null |
	head -n 60 >"$work/profile-inclusive.txt"
rm -rf "$d"

echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/machine.tsv"
echo "finished	$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$work/machine.tsv"

$PY "$bench_dir/report.py" "$work" "$BENCH_RESULTS" ||
	die "report.py failed"
echo "bench: wrote $BENCH_RESULTS" >&2
