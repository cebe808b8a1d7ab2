#!/bin/bash
# CI's warning and analysis steps, each in its own out-of-tree build of a
# copy of this tree (the README's command configures the tree in place,
# and automake will not build out of a configured tree):
#   gcc-werror      gcc, -Wall -Wextra -Werror, the build and the tests'
#                   programs (make distcheck ran make check on such a
#                   build already)
#   valgrind        make check-valgrind in that build (no sanitizers)
#   clang-werror    clang, -Wall -Wextra -Werror, the build, its compile
#                   commands recorded by bear for clang-tidy
#   analyze         make analyze there: cppcheck and clang-tidy
# Says how long each step took; fails as soon as one fails.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/touchbase-analysis.XXXXXX")
trap 'rm -rf "$work"' EXIT
werror="-g -O2 -Wall -Wextra -Werror"

# The logs of the tests that failed in build directory $1.
failed_logs() {
	for log in "$1"/tests/*.log; do
		[ -f "$log" ] || continue
		grep -q '^:test-result: \(FAIL\|ERROR\)' "${log%.log}.trs" \
			2>/dev/null || continue
		echo "===== $log"
		cat "$log"
	done
}

# step NAME COMMAND...: run it, timed; on failure, stop.
step() {
	local name=$1 t0=$SECONDS
	shift
	echo "+ analysis: $name"
	if ! "$@"; then
		echo "analysis: $name failed after $((SECONDS - t0)) s" >&2
		exit 1
	fi
	echo "analysis: $name passed in $((SECONDS - t0)) s"
}

# quietly LOG COMMAND...: output to LOG, shown only when it fails.
quietly() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	tail -n 100 "$log"
	return 1
}

copy_tree() {
	mkdir "$work/src" &&
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do
			[ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$work/src" &&
	quietly "$work/autogen.log" "$work/src/autogen.sh"
}

gcc_werror() {
	mkdir "$work/gcc" && cd "$work/gcc" &&
	quietly configure.log "$work/src/configure" CC=gcc CFLAGS="$werror" &&
	quietly build.log make -j2 &&
	quietly build-tests.log make -j2 check TESTS=
}

valgrind_check() {
	cd "$work/gcc" &&
	{ make -j2 check-valgrind || { failed_logs .; false; }; }
}

clang_werror() {
	mkdir "$work/clang" && cd "$work/clang" &&
	quietly configure.log "$work/src/configure" CC=clang CFLAGS="$werror" &&
	quietly build.log bear --output compile_commands.json -- make -j2 &&
	quietly build-tests.log make -j2 check TESTS=
}

analyze() {
	cd "$work/clang" && make analyze
}

step copy-tree copy_tree
step gcc-werror gcc_werror
step valgrind valgrind_check
step clang-werror clang_werror
step analyze analyze
