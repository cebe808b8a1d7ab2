#!/bin/sh
# Importing spreadsheets: what the next run would send, a calm start with
# --baseline, and the shapes spreadsheets save CSV in.
. "${srcdir:-.}/tests/lib.sh"
data="$srcdir/tests/data/import"

expect 0 init

# A migration without last_checkin: every partner is late, which import
# says before a run sends it (start dates in 2020: escalated whatever the
# day; the 2099 partner sends nothing).
expect 0 import --dry-run "$data/no-checkins.csv"
contains err.txt "would import 6 partners, 3 contacts, 0 check-ins"
contains err.txt "the next run would send: 2 overdue notices to 2 owners, 3 escalations to 2 sponsors"
expect 0 partner list
lacks out.txt "riverside"

# --baseline today: nothing is late, nothing would be sent.
expect 0 import --dry-run --baseline today "$data/no-checkins.csv"
contains err.txt "would record 5 baseline check-ins"
contains err.txt "the next run would send nothing"
# A baseline 25 days ago: the monthly partners are inside the reminder
# window (lead_days 7), their invited contact too.
expect 0 import --dry-run --baseline "$(date -u -d '-25 days' +%F)" \
	"$data/no-checkins.csv"
contains err.txt "the next run would send: 3 reminders to 3 owners, 1 invitation to 1 contact"
expect 64 import --baseline yesterday "$data/no-checkins.csv"
contains err.txt "--baseline: \"yesterday\" is not YYYY-MM-DD or today"

# The forecast is what run plans: import for real, then run --dry-run
# lists the same messages.
cp touchbase.db empty.db
expect 0 import "$data/no-checkins.csv"
contains err.txt "imported 6 partners"
contains err.txt "the next run would send: 2 overdue notices to 2 owners, 3 escalations to 2 sponsors"
expect 0 run --dry-run
[ "$(grep -c ' overdue ' out.txt)" = 2 ] || fail "run --dry-run: not 2 overdue"
[ "$(grep -c ' escalation ' out.txt)" = 3 ] || fail "run --dry-run: not 3 escalations"
checks=$((checks + 2))

# The baseline is a check-in marked as one, on the partner's local date.
expect 0 -d empty.db import --baseline 2026-01-05 "$data/no-checkins.csv"
contains err.txt "recorded 5 baseline check-ins"
expect 0 -d empty.db partner show riverside
contains out.txt "2026-01-05"
contains out.txt "baseline: no check-in on record at import"
expect 0 -d empty.db partner show future
lacks out.txt "baseline"

# Spreadsheet shapes, each accepted, saying what was ignored.
for shape in blank-rows extra-columns semicolon header-names header-email; do
	rm -f shape.db
	expect 0 -d shape.db init
	expect 0 -d shape.db import "$data/$shape.csv"
done
rm -f shape.db && expect 0 -d shape.db init
expect 0 -d shape.db import "$data/blank-rows.csv"
contains err.txt "imported 2 partners"
lacks err.txt "warning"
rm -f shape.db && expect 0 -d shape.db init
expect 0 -d shape.db import "$data/extra-columns.csv"
contains err.txt "extra-columns.csv:1: column 4 \"Region\" ignored"
contains err.txt "extra-columns.csv:1: column 8 \"Account manager notes\" ignored"
contains err.txt "extra-columns.csv:1: column 9 \"\" ignored"
contains err.txt "imported 2 partners"
rm -f shape.db && expect 0 -d shape.db init
expect 0 -d shape.db import "$data/semicolon.csv"
contains err.txt "fields separated by ';'"
expect 0 -d shape.db partner show k1
contains out.txt "One, Inc."
contains out.txt "a; b"
# Told otherwise, the header is one column and no file.
rm -f shape.db && expect 0 -d shape.db init
expect 65 -d shape.db import --delimiter , "$data/semicolon.csv"
expect 64 -d shape.db import --delimiter x "$data/semicolon.csv"
expect 0 -d shape.db import --delimiter ';' "$data/semicolon.csv"
lacks err.txt "separated"
rm -f shape.db && expect 0 -d shape.db init
expect 0 -d shape.db import "$data/header-names.csv"
expect 0 -d shape.db partner show k1
contains out.txt "Ann One"
contains out.txt "cmo@example.org"
expect 0 -d shape.db import "$data/header-email.csv"
contains err.txt "column 4 \"owner-e-mail-x\" ignored"
expect 0 -d shape.db partner show k2
contains out.txt "two@example.org"

finish
