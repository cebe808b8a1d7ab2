#!/bin/sh
# A run reads the outbox's ready messages and the open invites a chunk at
# a time (1,024 of each), so that its memory does not grow with what is
# due.  Here there are more than a chunk of each: every message is
# delivered once, and the invites of the last chunk are reconciled too.
. "${srcdir:-.}/tests/lib.sh"

now=2026-03-02T15:00:00Z
expect 0 init
# 1,100 partners due on 2026-03-06, inside the 7 lead days: a reminder
# with an invite to each owner.
awk 'BEGIN {
	print "key,name,owner_email,cadence,start_date,last_checkin"
	for (i = 0; i < 1100; i++)
		printf "k%04d,Partner %d,o%d@example.org,monthly,2025-01-06,2026-02-06\n", i, i, i
}' >book.csv
expect 0 import book.csv
contains err.txt "imported 1100 partners"

expect 0 run --dry-run --now "$now"
[ "$(grep -c ' reminder ' out.txt)" = 1100 ] ||
	fail "run --dry-run: not 1100 reminders"
checks=$((checks + 1))

expect 0 run --now "$now"
[ "$(find outbox/new -type f | wc -l)" = 1100 ] ||
	fail "run: not 1100 messages in outbox/new"
checks=$((checks + 1))
expect 0 outbox --state sent
[ "$(grep -c ' reminder ' out.txt)" = 1100 ] ||
	fail "outbox: not 1100 reminders sent"
checks=$((checks + 1))

# Again: 1,100 open invites reconciled, nothing changed, nothing sent.
expect 0 run --now "$now"
[ "$(find outbox/new -type f | wc -l)" = 1100 ] ||
	fail "a second run sent again"
checks=$((checks + 1))

# An early check-in on the last partner, in the second chunk of open
# invites: the next run cancels its invite, and only its.
expect 0 checkin k1099 --date 2026-03-02
expect 0 run --now "$now"
[ "$(find outbox/new -type f | wc -l)" = 1101 ] ||
	fail "the check-in on k1099 did not cancel its invite"
checks=$((checks + 1))
expect 0 outbox k1099
contains out.txt "cancel"

finish
