#!/bin/sh
# The partner book end to end through the touchbase command.
. "${srcdir:-.}/tests/lib.sh"

# Help everywhere, usage errors as 64, no database as 66.
expect 0 --help
contains out.txt "Commands:"
for cmd in init partner contact checkin import export status; do
	expect 0 "$cmd" --help
	contains out.txt "usage: touchbase $cmd"
done
expect 64 nosuchcommand
expect 64 partner
expect 66 partner list
contains err.txt "touchbase init"

expect 0 init
contains err.txt "created ./touchbase.db"
expect 0 init
contains err.txt "up to date"
# The database takes the umask, as any file: a service with umask 007
# shares it with its group (SQLite alone would make it 0644).
for mask in 007 022; do
	checks=$((checks + 1))
	(umask $mask && "$TOUCHBASE" -d "umask$mask.db" init 2>/dev/null)
	mode=$(stat -c %a "umask$mask.db")
	want=$(printf '%o' $((0666 & ~0$mask)))
	[ "$mode" = "$want" ] || fail "init under umask $mask made mode $mode, wanted $want"
done

# Adding, with validation at the door.
expect 0 partner add "Clínica São José" --owner "Ana Silva <ana@example.org>" \
	--cadence "every 6 weeks" --start 2026-01-10 --timezone America/Sao_Paulo
contains err.txt "clinica-sao-jose"
expect 65 partner add "Clínica São José" --owner ana@example.org
contains err.txt "exists already"
expect 65 partner add "Bad Owner" --owner "a@example.org, b@example.org"
expect 65 partner add "Bad Owner" --owner "$(printf 'a@example.org\r\nBcc: x@evil.example')"
# One address rule: what is accepted here can be mailed and invited.
expect 65 partner add "Ann" --owner '"ann smith"@example.org'
contains err.txt 'owner: "ann smith"@example.org: quoted local parts are not accepted (they cannot be put in a calendar invite)'
expect 65 partner add "Ann" --owner 'Ann Smith <"ann smith"@example.org>'
contains err.txt "quoted local parts are not accepted"
expect 65 partner add "Literal" --owner 'ann@[192.0.2.1]'
contains err.txt "owner: ann@[192.0.2.1]: IP address literals are not accepted"
expect 65 partner add "Two Ats" --owner 'ann@smith@example.org'
contains err.txt "has more than one @"
expect 65 partner add "Bad Cadence" --owner a@example.org --cadence fortnightly
contains err.txt "fortnightly"
expect 65 partner add "Bad Date" --owner a@example.org --start 2024-02-30
contains err.txt "2024-02-30"
expect 65 partner add "Bad Zone" --owner a@example.org --timezone Mars/Base
contains err.txt "Mars/Base"
expect 65 partner add "Bad Key" --owner a@example.org --key "Bad Key!"
expect 0 partner add "Riverside Pediatric Clinic" --key riverside \
	--owner dana@example.org --owner-name "Dana Lee" --cadence monthly \
	--start 2026-01-31 --sponsor cmo@example.org --tier strategic
expect 0 partner add "Northside Schools" --owner jo@example.org \
	--cadence "RRULE:FREQ=MONTHLY;BYDAY=2TU" --start 2026-01-13

expect 0 partner list
contains out.txt "clinica-sao-jose"
contains out.txt "Dana Lee"
contains out.txt "every 6 weeks"
expect 0 partner show riverside
contains out.txt "Riverside Pediatric Clinic (riverside)"
contains out.txt "cmo@example.org"
expect 65 partner show nosuch
contains err.txt "nosuch"

# Edit, contacts, check-ins.
expect 0 partner edit riverside --cadence quarterly --sponsor ""
expect 0 partner show riverside --json
/usr/bin/python3 -c '
import json, sys
p = json.load(open("out.txt"))["partner"]
assert p["cadence"] == "quarterly", p
assert p["sponsor"] is None, p
assert p["owner"] == {"name": "Dana Lee", "email": "dana@example.org"}, p
' || fail "partner show --json"
expect 64 partner edit riverside
expect 0 contact add riverside "Maria Gómez" maria@riverside.example.com \
	--role "Clinic director" --invite
expect 65 contact add riverside "Maria" maria@riverside.example.com
expect 65 contact add riverside "Evil" "m@x.example.com>, other@y.example"
expect 65 contact add riverside "John" '"john doe"@x.example'
contains err.txt 'contact email: "john doe"@x.example: quoted local parts are not accepted'
expect 65 contact add riverside "IP" 'user@[1.2.3.4]'
contains err.txt "contact email: user@[1.2.3.4]: IP address literals are not accepted"
expect 65 partner edit riverside --sponsor 'cmo@example.org (CMO)'
contains err.txt "sponsor: cmo@example.org (CMO): comments in parentheses are not accepted"
expect 0 contact list riverside
contains out.txt "Maria Gómez"
contains out.txt "Clinic director"
expect 0 checkin riverside --date 2026-03-02 --note "Referral review" \
	--by dana@example.org
contains err.txt "next check-in due 2026-06-02"
expect 65 checkin riverside --date 2999-01-01
contains err.txt "future"
expect 65 checkin riverside --by '"dana lee"@example.org'
contains err.txt 'by: "dana lee"@example.org: quoted local parts'
expect 0 partner show riverside
contains out.txt "2026-03-02 by dana@example.org: Referral review"
expect 0 contact remove riverside maria@riverside.example.com
expect 65 contact remove riverside maria@riverside.example.com

# Status on a given day.
expect 0 status --now 2026-06-01
contains out.txt "riverside"
expect 0 status --json --now 2026-06-10
cp out.txt status.json
expect 0 partner list --json
/usr/bin/python3 -c '
import json
rows = {r["key"]: r for r in json.load(open("status.json"))["partners"]}
assert rows["riverside"]["state"] == "overdue", rows["riverside"]
assert rows["riverside"]["days_overdue"] == 8, rows["riverside"]
assert rows["riverside"]["undelivered"] == 0, rows["riverside"]
# The partner part is partner list --json'"'"'s object, state added.
listed = {p["key"]: p for p in json.load(open("out.txt"))["partners"]}
for key, row in rows.items():
    for k in ("state", "days_overdue", "days_until_due", "undelivered"):
        del row[k]
    assert row == listed[key], (row, listed[key])
assert rows["riverside"]["owner"] == {"name": "Dana Lee",
    "email": "dana@example.org"}, rows["riverside"]
' || fail "status --json states"
expect 64 status --now 2026-02-30

# Archive and remove.
expect 0 partner archive northside-schools
expect 0 partner list
lacks out.txt "northside-schools"
expect 0 partner list --all
contains out.txt "northside-schools"
expect 0 partner remove northside-schools
expect 0 partner list --all
lacks out.txt "northside-schools"

# Export, and import what export wrote into a new database.
expect 0 contact add riverside "Tom Baker" tom@riverside.example.com
expect 0 contact add riverside "Maria, Gómez" maria@riverside.example.com --invite
expect 0 partner edit riverside --notes "Two lines,
with \"quotes\""
expect 0 export
cp out.txt export1.csv
expect 0 export --format json
/usr/bin/python3 -c '
import json
data = json.load(open("out.txt"))
assert [p["key"] for p in data] == ["clinica-sao-jose", "riverside"], data
r = data[1]
assert r["notes"] == "Two lines,\nwith \"quotes\"", r
assert sorted(c["email"] for c in r["contacts"]) == ["maria@riverside.example.com", "tom@riverside.example.com"]
' || fail "export --format json"
expect 0 -d copy.db init
expect 0 -d copy.db import export1.csv
contains err.txt "imported 2 partners, 2 contacts, 1 check-in from"
expect 0 -d copy.db export
cmp -s export1.csv out.txt || fail "export of the imported copy differs"

# A bad import names every bad line and changes nothing.
printf 'name,owner_email,cadence,start_date,notes\nGood One,good@example.org,monthly,2026-01-01,\nBad Two,not-an-address,monthly,2026-01-01,\nThree,ok@example.org,weekly,2026-02-30,"multi\nline"\n' >bad.csv
expect 65 -d copy.db import bad.csv
contains err.txt "bad.csv:3: owner"
contains err.txt "bad.csv:4: start"
contains err.txt "nothing was imported"
expect 0 -d copy.db partner list
lacks out.txt "good-one"
printf 'key,name,owner_email,contact_name,contact_email\ngood,Good One,good@example.org,,\ngood,Good One,good@example.org,IP,user@[1.2.3.4]\nann,Ann,"""ann smith""@example.org",,\n' >quoted.csv
expect 65 -d copy.db import quoted.csv
contains err.txt "quoted.csv:3: contact email: user@[1.2.3.4]: IP address literals are not accepted"
contains err.txt 'quoted.csv:4: owner: "ann smith"@example.org: quoted local parts are not accepted'
contains err.txt "nothing was imported"
expect 66 import no-such-file.csv

# Untrusted text at the door: an encoded word that decodes to a line
# break or a control character, invalid UTF-8, terminal escapes.
crlf_owner='=?utf-8?b?QW5uDQpSZXBseS1UbzogeEBldmlsLmV4YW1wbGU=?= <ann@example.org>'
expect 65 partner add "Encoded" --owner "$crlf_owner"
contains err.txt "owner: display name: must be one line"
expect 65 partner add "Escape" --owner '=?utf-8?b?QW5uG10wO3gH?= <ann@example.org>'
contains err.txt "control character"
expect 65 partner add "$(printf 'Bad \377 Name')" --owner ann@example.org
contains err.txt "name: is not valid UTF-8"
expect 65 partner add "$(printf 'Bell\a')" --owner ann@example.org
expect 65 partner edit riverside --notes "$(printf 'bad \355\240\200')"
contains err.txt "notes: is not valid UTF-8"
expect 65 partner edit riverside --owner-name "$(printf 'Dana\033[31m')"
expect 65 contact add riverside "$(printf 'Maria\033[2J')" m2@example.org
expect 65 checkin riverside --note "$(printf '\300\257')"
contains err.txt "note: is not valid UTF-8"
printf 'name,owner_email\nEncoded,"%s"\n' "$crlf_owner" >encoded.csv
expect 65 -d copy.db import encoded.csv
contains err.txt "encoded.csv:2: owner"
expect 0 export
lacks out.txt "evil.example"

# CSV files that lose data without a word are refused, naming the line:
# a NUL byte, a row with more or fewer fields than the header, two rows
# of one key with different owners (it was an internal error, exit 70).
# A trailing row of empty cells, as spreadsheets write, is no record.
printf 'key,name,owner_email\nk2,Two,a@exa\000mple.org\n' >nul.csv
expect 65 -d copy.db import nul.csv
contains err.txt "nul.csv:2: column 3 (owner_email): has a NUL byte"
printf 'key,name,owner_email\nk3,Three,a@example.org,extra\nk4,Four\n,,\n' >ragged.csv
expect 65 -d copy.db import ragged.csv
contains err.txt "ragged.csv:2: 4 fields, but the header has 3"
contains err.txt "ragged.csv:3: 2 fields, but the header has 3"
printf 'key,name,owner_email\nk1,One,a@example.org\nk1,One,b@example.org\n' >dupkey.csv
expect 65 -d copy.db import dupkey.csv
contains err.txt "dupkey.csv:3: owner_email \"b@example.org\" differs"
printf 'key,name,owner_email\nk5,Five,f@example.org\n,,\n,,\n' >blank.csv
expect 0 -d copy.db import blank.csv
contains err.txt "imported 1 partner"

finish
