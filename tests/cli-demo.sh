#!/bin/sh
# The README's demo (make demo: examples/demo.sh) runs through on the
# built-in defaults and leaves what it promises: messages in the Maildir,
# the answers read back, the report and the calendar feed.
. "${srcdir:-.}/tests/lib.sh"

checks=$((checks + 1))
sh "$srcdir/examples/demo.sh" "$TOUCHBASE" "$srcdir/examples" \
	>demo.txt 2>&1 || { fail "demo.sh failed"; sed 's/^/  | /' demo.txt >&2; }
contains demo.txt "touchbase run wrote"
contains demo.txt "touchbase inbox reads them"
checks=$((checks + 1))
n=$(find outbox/new outbox/cur -type f 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "the demo left no message in outbox"
contains report.html "</html>"
contains checkins.ics "END:VCALENDAR"
expect 0 outbox
contains out.txt "sent"
finish
