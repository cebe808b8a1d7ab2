#!/bin/sh
# Benchmarks (not part of make check; figures, not assertions):
# import, status, run, digest, ics and report over N partners, with wall
# time and peak memory.
# usage: tests/bench.sh [N]   (from the build directory, after make)
set -eu
n=${1:-20000}
tb=$(pwd)/src/touchbase
work=$(mktemp -d "${TMPDIR:-/tmp}/touchbase-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export TOUCHBASE_CONFIG= XDG_CONFIG_HOME="$work/xdg"

/usr/bin/python3 - "$n" >partners.csv <<'PY'
import sys
n = int(sys.argv[1])
cad = ["monthly", "quarterly", "every 6 weeks", "biweekly", "yearly"]
print("key,name,owner_email,owner_name,cadence,start_date,last_checkin,"
      "contact_name,contact_email,contact_invite")
for i in range(n):
    day = 1 + i % 28
    print("p%06d,Partner %d,owner%d@example.org,Owner %d,%s,2025-%02d-%02d,"
          "2026-%02d-%02d,Contact %d,c%d@example.com,yes"
          % (i, i, i % 50, i % 50, cad[i % 5], 1 + i % 12, day,
             8 + i % 3, day, i, i))
PY

measure() { # label command...
	label=$1
	shift
	/usr/bin/time -f "%e s, %M KiB peak" -o time.txt "$@" >/dev/null 2>err.txt ||
		{ echo "$label failed:"; cat err.txt; exit 1; }
	printf '%-34s %s\n' "$label" "$(cat time.txt)"
}

echo "touchbase benchmarks, $n partners"
"$tb" init 2>/dev/null
measure "import" "$tb" import partners.csv
measure "status" "$tb" status
measure "run --dry-run (2026-11-22)" "$tb" run --dry-run --now 2026-11-22
measure "run (2026-11-22, maildir)" "$tb" run --now 2026-11-22
measure "run again, nothing new" "$tb" run --now 2026-11-22
echo "messages delivered: $(find outbox/new -type f | wc -l)"
echo "open invites: $(sqlite3 touchbase.db "SELECT count(*) FROM invites WHERE status = 'open'")"
measure "run next day (reconciles invites)" "$tb" run --now 2026-11-23
measure "digest (printed)" "$tb" digest --now 2026-11-23
measure "ics (60 days)" "$tb" ics --now 2026-11-23
measure "report --html" "$tb" report --html --now 2026-11-23
