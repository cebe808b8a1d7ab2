#!/bin/sh
# --json: one document shape (version first), one shape for a person
# (owner and sponsor alike), days_until_due beside days_overdue, and the
# day and zone of the views of today.
. "${srcdir:-.}/tests/lib.sh"

expect 0 init
expect 0 partner add "Harbour Trust" --owner "Ana Silva <ana@example.org>" \
	--sponsor ceo@example.org --start 2026-11-01
expect 0 partner add "Bay Labs" --owner jo@example.org --start 2026-11-25
now="--now 2026-12-03"

# json_check FILE EXPR: EXPR holds of the JSON document j in FILE.
json_check() {
	checks=$((checks + 1))
	/usr/bin/python3 -c "import json, sys; j = json.load(open('$1')); assert $2, j" ||
		fail "$1: $2"
}

expect 0 status --json $now
json_check out.txt 'list(j) == ["version", "today", "timezone", "partners"]'
json_check out.txt 'j["version"] == 1 and j["today"] == "2026-12-03" and j["timezone"] == "UTC"'
json_check out.txt '{p["key"]: (p["state"], p["days_overdue"], p["days_until_due"]) for p in j["partners"]} == {"harbour-trust": ("due", 2, 0), "bay-labs": ("ok", 0, 22)}'
json_check out.txt 'all(type(p[k]) is int for p in j["partners"] for k in ("days_overdue", "days_until_due", "undelivered"))'
# The same person shape for owner and sponsor.
json_check out.txt '[(p["owner"], p["sponsor"]) for p in j["partners"] if p["key"] == "harbour-trust"] == [({"name": "Ana Silva", "email": "ana@example.org"}, {"name": None, "email": "ceo@example.org"})]'
json_check out.txt '[p["sponsor"] for p in j["partners"] if p["key"] == "bay-labs"] == [None]'

expect 0 partner list --json
json_check out.txt 'list(j) == ["version", "partners"] and len(j["partners"]) == 2'
json_check out.txt 'set(j["partners"][0]) == {"key", "name", "owner", "sponsor", "cadence", "start_date", "timezone", "tier", "notes", "archived", "created_at", "next_due", "last_checkin"}'
expect 0 partner list --json --owner nobody@example.org
json_check out.txt 'j == {"version": 1, "partners": []}'
expect 0 partner show harbour-trust --json
json_check out.txt 'list(j) == ["version", "partner"] and j["partner"]["sponsor"]["email"] == "ceo@example.org"'
json_check out.txt 'j["partner"]["contacts"] == [] and j["partner"]["checkins"] == []'
expect 0 outbox --json
json_check out.txt 'j == {"version": 1, "messages": []}'
expect 0 status --json --state escalated $now
json_check out.txt 'j["partners"] == []'

finish
