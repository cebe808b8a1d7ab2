#!/bin/sh
# Run each fuzzing harness for a bounded time: tests/fuzz/run.sh SECONDS
# [HARNESS...] (default: all), from a build configured with CC=clang
# --enable-fuzzing after make fuzz (or with FUZZ_BUILDDIR naming it).
# Each starts from its corpus in tests/fuzz/corpus and writes what it
# finds under FUZZ_WORKDIR (default ./fuzz-work): new inputs in
# corpus/NAME, a crashing one as crash-NAME-*.  Prints each harness's
# executions, exec/s and final coverage; fails if any crashed.
set -u

usage() {
	echo "usage: tests/fuzz/run.sh SECONDS [HARNESS...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
case $1 in
''|*[!0-9]*) usage ;;
esac
seconds=$1
shift
srcdir=$(cd "$(dirname "$0")" && pwd)
builddir=${FUZZ_BUILDDIR:-.}
workdir=${FUZZ_WORKDIR:-fuzz-work}
[ $# -gt 0 ] || set -- template csv config cadence holidays compose inbound

failed=
for name in "$@"; do
	bin=$builddir/tests/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin: not built (configure CC=clang" \
		    "--enable-fuzzing, make fuzz)" >&2
		exit 2
	fi
	mkdir -p "$workdir/corpus/$name"
	log=$workdir/$name.log
	# -timeout: an input that takes this long is a hang, and fails.
	"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
	    -print_final_stats=1 -artifact_prefix="$workdir/crash-$name-" \
	    "$workdir/corpus/$name" "$srcdir/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
	    sed -n 's/.*\(cov: [0-9]*\) \(ft: [0-9]*\).*/\1 \2/p')
	printf '%-9s %s runs, %s exec/s, %s\n' "$name" "${runs:-?}" \
	    "${speed:-?}" "${cov:-cov: ? ft: ?}"
	if [ $rc -ne 0 ]; then
		failed="$failed $name"
		echo "run.sh: $name failed (exit $rc); its log, $log, ends:" >&2
		grep -E 'ERROR|SUMMARY|fuzz:|Test unit written|^Base64' \
		    "$log" | tail -n 8 >&2
	fi
done
if [ -n "$failed" ]; then
	echo "run.sh: failed:$failed (inputs: $workdir/crash-*)" >&2
	exit 1
fi
