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
contains err.txt "--baseline today counts them as checked in today"
expect 0 partner list
lacks out.txt "riverside"

# --baseline today: nothing is late, nothing would be sent.
expect 0 import --dry-run --baseline today "$data/no-checkins.csv"
contains err.txt "would record 5 baseline check-ins"
contains err.txt "the next run would send nothing"
lacks err.txt "--baseline today counts"
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

# A large import (more partners than the book held, and 10,000 or more)
# makes the partners' indexes once at its end; its forecast counts,
# stores nothing, and is still what run plans.  Every seventh partner is
# an escalation (a sponsor, started 2020), the others far ahead.
rm -f big.db && expect 0 -d big.db init
awk 'BEGIN {
	print "key,name,owner_email,sponsor_email,cadence,start_date"
	for (i = 0; i < 10050; i++)
		if (i % 7 == 0)
			printf "k%05d,Partner %d,o%d@example.org,s@example.org,monthly,2020-01-06\n", i, i, i % 30
		else
			printf "k%05d,Partner %d,o%d@example.org,,yearly,2099-01-05\n", i, i, i % 30
}' >big.csv
expect 0 -d big.db import big.csv
contains err.txt "imported 10050 partners"
contains err.txt "the next run would send: 1436 escalations to 1 sponsor"
expect 0 -d big.db outbox
lacks out.txt "escalation"
expect 0 -d big.db run --dry-run
[ "$(grep -c ' escalation ' out.txt)" = 1436 ] ||
	fail "run --dry-run after a large import: not 1436 escalations"
checks=$((checks + 1))
/usr/bin/python3 - big.db <<'PY' || fail "big.db: the partners' indexes"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master"
    " WHERE type = 'index' AND tbl_name = 'partners' AND sql IS NOT NULL"))
assert names == ["partners_by_next_due", "partners_by_owner"], names
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
PY
checks=$((checks + 1))

# The baseline is a check-in marked as one, on the partner's local date.
expect 0 -d empty.db import --baseline 2026-01-05 "$data/no-checkins.csv"
contains err.txt "recorded 5 baseline check-ins"
expect 0 -d empty.db partner show riverside
contains out.txt "2026-01-05"
contains out.txt "baseline: no check-in on record at import"
expect 0 -d empty.db partner show future
lacks out.txt "baseline"

# Spreadsheet shapes, each accepted, saying what was ignored.
for shape in blank-rows extra-columns semicolon header-names header-email \
    header-aliases; do
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
# An office's own names for the book's columns.
expect 0 -d shape.db import "$data/header-aliases.csv"
contains err.txt "column 7 \"Region\" ignored"
lacks err.txt "Partner Name"
expect 0 -d shape.db partner show lakeside-family-practice
contains out.txt "America/Chicago"
contains out.txt "2026-02-10"

# export -> import reproduces the book.  A book with history: several
# check-ins with notes (commas, quotes, line breaks) and who, contacts,
# an archived partner.
rm -f book.db && expect 0 -d book.db init
expect 0 -d book.db import "$data/no-checkins.csv"
expect 0 -d book.db checkin riverside --date 2026-01-12 --note "kick-off" \
	--by dana@example.org
expect 0 -d book.db checkin riverside --date 2026-02-09 \
	--note "$(printf 'renewal, "soon"\nsecond line')"
expect 0 -d book.db checkin valley --date 2026-03-02
expect 0 -d book.db contact add riverside "Tom Baker" tom@riverside.example.com \
	--role "Referral coordinator"
expect 0 -d book.db partner archive northside
expect 0 -d book.db export
cp out.txt book.csv
expect 0 -d book.db export --checkins
cp out.txt checkins.csv
contains checkins.csv "riverside,2026-01-12,kick-off,dana@example.org"
expect 0 -d book.db export --format json
cp out.txt book.json
contains book.json '"note":"kick-off"'
contains book.json '"date":"2026-02-09"'
expect 64 -d book.db export --format json --checkins

rm -f copy.db && expect 0 -d copy.db init
expect 0 -d copy.db import --checkins checkins.csv book.csv
contains err.txt "imported 6 partners, 4 contacts, 3 check-ins"
expect 0 -d copy.db export
cmp -s out.txt book.csv || fail "export of the copy differs"
expect 0 -d copy.db export --checkins
cmp -s out.txt checkins.csv || fail "check-ins of the copy differ"
expect 0 -d copy.db export --format json
sed 's/"created_at":"[^"]*"//' out.txt >copy.nots
sed 's/"created_at":"[^"]*"//' book.json >book.nots
cmp -s copy.nots book.nots || fail "JSON export of the copy differs"
/usr/bin/python3 "$srcdir/tests/book_dump.py" book.db >book.dump
/usr/bin/python3 "$srcdir/tests/book_dump.py" copy.db >copy.dump
cmp -s book.dump copy.dump || { fail "the copy's tables differ";
	diff book.dump copy.dump >&2; }
checks=$((checks + 4))

# A baseline only where the history has no check-in (harbor, saojose;
# not riverside or valley, nor northside, archived, nor future, later).
rm -f calm.db && expect 0 -d calm.db init
expect 0 -d calm.db import --baseline today --checkins checkins.csv book.csv
contains err.txt "recorded 2 baseline check-ins"
expect 0 -d calm.db partner show riverside
lacks out.txt "baseline"
expect 0 -d calm.db partner show harbor
contains out.txt "baseline: no check-in on record at import"

# An export imported into its own book: refused without --update (every
# key exists); with it, accepted and nothing changes.
expect 65 -d book.db import book.csv
contains err.txt "exists already"
expect 0 -d book.db import --update book.csv
contains err.txt "updated 6 partners"
/usr/bin/python3 "$srcdir/tests/book_dump.py" book.db >again.dump
cmp -s book.dump again.dump || { fail "import --update of an export changed the book";
	diff book.dump again.dump >&2; }
checks=$((checks + 1))
# --update changes what the rows say, adds the new keys, and is all or
# nothing: with one bad row, nothing changes.
sed -e 's/Dana Lee/Dana Lee-Park/' book.csv >changed.csv
printf 'newkey,New Partner,new@example.org,,,,monthly,2099-01-05,UTC,,,no,,,,,\r\n' >>changed.csv
cp changed.csv bad.csv
printf 'badkey,Bad,not-an-address,,,,monthly,2099-01-05,UTC,,,no,,,,,\r\n' >>bad.csv
expect 65 -d book.db import --update bad.csv
contains err.txt "bad.csv:10: "
/usr/bin/python3 "$srcdir/tests/book_dump.py" book.db >again.dump
cmp -s book.dump again.dump || fail "a refused import --update changed the book"
checks=$((checks + 1))
expect 0 -d book.db import --update changed.csv
contains err.txt "imported 1 partner"
contains err.txt "updated 6 partners"
expect 0 -d book.db partner show riverside
contains out.txt "Dana Lee-Park"
expect 0 -d book.db partner show newkey
contains out.txt "New Partner"

finish
