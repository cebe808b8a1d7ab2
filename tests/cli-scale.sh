#!/bin/sh
# What a run's cost follows: the calendar next_due was computed under is
# stored by import, so a run after it rewrites no due date; a change of
# holidays moves only the dates it touches; reconciling leaves an invite
# nothing changed unwritten.  Writes are counted by triggers.
. "${srcdir:-.}/tests/lib.sh"

conf() {
	cat >touchbase.conf <<CONF
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = UTC
$1
CONF
}
conf ""
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# sql SQL: the rows of a SELECT, or other statements run as a script.
sql() {
	/usr/bin/python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if not sys.argv[2].startswith("SELECT"):
    db.executescript(sys.argv[2])
else:
    for row in db.execute(sys.argv[2]):
        print("|".join("" if v is None else str(v) for v in row))
' touchbase.db "$1" || fail "sql: $1"
}

# same FILE TEXT: FILE holds exactly TEXT (nothing when TEXT is "").
same() {
	checks=$((checks + 1))
	if [ -z "$2" ]; then
		[ ! -s "$1" ] || { fail "$1 is not empty"; sed 's/^/  | /' "$1" >&2; }
		return
	fi
	printf '%s\n' "$2" | cmp -s - "$1" ||
	    { fail "$1 differs"; printf '%s\n' "$2" | diff - "$1" | sed 's/^/  | /' >&2; }
}

cat >book.csv <<'CSV'
key,name,owner_email,cadence,start_date,last_checkin,contact_name,contact_email,contact_invite
alpha,Alpha Clinic,ana@example.org,monthly,2026-01-01,2026-01-26,Al Contact,al@example.com,yes
beta,Beta Center,ana@example.org,monthly,2026-01-01,2026-01-27,,,
gamma,Gamma Health,bo@example.org,every 2 weeks,2026-01-01,2026-02-10,,,
delta,Delta Care,bo@example.org,quarterly,2026-01-01,,,,
CSV
expect 0 init
expect 0 import book.csv
sql "SELECT value FROM settings WHERE name = 'calendar'" >calendar.txt
contains calendar.txt "skip_weekends=1 lead_days=7 holidays="
sql "SELECT key, next_due FROM partners ORDER BY key" >due.txt
same due.txt "alpha|2026-02-26
beta|2026-02-27
delta|2026-04-01
gamma|2026-02-24"

# Count every write of a due date and of an invite from here on.
sql "CREATE TABLE writes (what TEXT, key TEXT);
CREATE TRIGGER due_written AFTER UPDATE OF next_due ON partners
BEGIN INSERT INTO writes VALUES ('due', new.key); END;
CREATE TRIGGER invite_written AFTER UPDATE ON invites
BEGIN INSERT INTO writes VALUES ('invite', new.partner_key); END;"

# A run after the import finds the calendar as stored: no due date is
# computed again.
expect 0 run --now 2026-02-20T09:00:00Z
sql "SELECT what, key FROM writes" >writes.txt
same writes.txt ""
sql "SELECT partner_key, status FROM invites ORDER BY partner_key" >inv.txt
same inv.txt "alpha|open
beta|open
gamma|open"

# The next run, with nothing changed, writes no invite again.
expect 0 run --now 2026-02-21T09:00:00Z
sql "SELECT what, key FROM writes" >writes.txt
same writes.txt ""

# A new holiday on alpha's due date moves alpha alone (to the next
# business day), and the invite whose meeting moved is the one written.
conf "holidays = 2026-02-26, 2026-12-25"
expect 0 run --now 2026-02-22T09:00:00Z
sql "SELECT what, key FROM writes ORDER BY what, key" >writes.txt
same writes.txt "due|alpha
invite|alpha"
sql "SELECT key, next_due FROM partners ORDER BY key" >due.txt
same due.txt "alpha|2026-02-27
beta|2026-02-27
delta|2026-04-01
gamma|2026-02-24"

# Dropping it again moves alpha back; the dates a full computation gives
# are the same as those the change of holidays left.
conf "holidays = 2026-12-25"
expect 0 run --dry-run --now 2026-02-22T10:00:00Z
sql "SELECT key, next_due FROM partners ORDER BY key" >due.txt
contains due.txt "alpha|2026-02-27"
expect 0 run --now 2026-02-22T10:00:00Z
sql "SELECT key, next_due FROM partners ORDER BY key" >due.txt
same due.txt "alpha|2026-02-26
beta|2026-02-27
delta|2026-04-01
gamma|2026-02-24"
conf "skip_weekends = no
holidays = 2026-12-25"
expect 0 run --now 2026-02-22T11:00:00Z
conf "holidays = 2026-12-25"
expect 0 run --now 2026-02-22T12:00:00Z
sql "SELECT key, next_due FROM partners ORDER BY key" >due2.txt
cmp -s due.txt due2.txt || fail "a full computation gives other dates"

# A leadership digest (and the report) lists the most urgent
# digest.list_max partners and counts the rest by state and owner; an
# owner's digest lists them all.
conf "holidays = 2026-12-25
[digest]
to = Head <head@example.org>
list_max = 2"
expect 0 digest --now 2026-02-23T09:00:00Z
contains out.txt "Covering all partnerships: 4 in all."
contains out.txt "Only the 2 most urgent of 4 are listed below"
contains out.txt "ana@example.org <ana@example.org>: 0 escalated, 0 overdue, 2 due, 0 healthy"
contains out.txt "bo@example.org <bo@example.org>: 0 escalated, 0 overdue, 1 due, 1 healthy"
checks=$((checks + 1))
[ "$(grep -c '^  \* ' out.txt)" = 2 ] || fail "the digest lists other than 2 partners"
contains out.txt "Gamma Health"
lacks out.txt "Delta Care"
expect 0 digest --owner bo@example.org --now 2026-02-23T09:00:00Z
lacks out.txt "most urgent"
contains out.txt "Gamma Health"
contains out.txt "Delta Care"
expect 0 report --html --now 2026-02-23T09:00:00Z --output report.html
contains report.html "Only the 2 most urgent are listed (digest.list_max); the counts and the owners cover all 4."
contains report.html "Gamma Health"
lacks report.html "Delta Care"

# A digest that cannot be composed (a partner's zone is no longer one)
# fails alone (exit 65, a message failed): the run goes on, and so does
# the next one.
sql "UPDATE partners SET timezone = 'Nowhere/Atlantis' WHERE key = 'delta'"
expect 65 run --now 2026-02-23T09:00:00Z
sql "SELECT kind, state FROM outbox WHERE kind = 'digest'" >digest.txt
same digest.txt "digest|failed"
sql "UPDATE partners SET timezone = NULL WHERE key = 'delta';
DELETE FROM checkins WHERE partner_id = (SELECT id FROM partners WHERE key = 'beta');"
expect 0 checkin beta --date 2026-02-23
expect 0 run --now 2026-02-24T09:00:00Z
sql "SELECT kind, state FROM outbox WHERE partner_key = 'beta' ORDER BY id" >beta.txt
contains beta.txt "cancel|sent"

# Export is written a chunk at a time: a book of many chunks goes out
# whole, and reads back into the same export.
/usr/bin/python3 -c '
print("key,name,owner_email,cadence,start_date,contact_name,contact_email")
for i in range(1500):
    print("k%04d,Partner %d,o%d@example.org,monthly,2026-01-01,C %d,c%d@example.com" % (i, i, i % 9, i, i))
' >many.csv
expect 0 -d many.db init
expect 0 -d many.db import many.csv
expect 0 -d many.db export
mv out.txt many-1.csv
checks=$((checks + 1))
[ "$(wc -c <many-1.csv)" -gt 131072 ] || fail "the export is smaller than two chunks"
expect 0 -d again.db init
expect 0 -d again.db import many-1.csv
expect 0 -d again.db export
checks=$((checks + 1))
cmp -s many-1.csv out.txt || fail "the export read back differs"
expect 0 -d many.db export --format json
/usr/bin/python3 -c '
import json, sys
print(len(json.load(open(sys.argv[1]))))' out.txt >count.txt || fail "JSON export"
same count.txt 1500
finish
