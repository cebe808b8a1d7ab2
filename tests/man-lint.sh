#!/bin/sh
# The man pages, as built from man/*.in with the configured paths, lint
# clean with mandoc.
: "${top_builddir:=.}"
mandoc=${MANDOC:-$(command -v mandoc)}
if [ -z "$mandoc" ]; then
	echo "mandoc is not installed (apt-get install mandoc)"
	exit 77
fi
status=0
for page in "$top_builddir"/man/*.[1-8]; do
	[ -f "$page" ] || { echo "no man page built in $top_builddir/man"; exit 1; }
	out=$("$mandoc" -Tlint -Wwarning "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
	# It renders, and every page has the sections a reader expects.
	"$mandoc" -Tutf8 "$page" >/dev/null || status=1
	for section in NAME DESCRIPTION "SEE ALSO"; do
		grep -q "^\.Sh $section" "$page" ||
			{ echo "$page: no $section section"; status=1; }
	done
done
exit $status
