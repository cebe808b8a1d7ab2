#!/bin/sh
# Every view that depends on today says which day it took and in which
# time zone, and so does an error that mentions today.
. "${srcdir:-.}/tests/lib.sh"

cat >tb.conf <<'CONF'
[schedule]
timezone = Pacific/Auckland
CONF
tb() {
	want=$1
	shift
	expect "$want" -c tb.conf "$@"
}

tb 0 init
tb 0 partner add "Harbour Trust" --owner ana@example.org --start 2026-10-01
tb 0 partner add "Bay Area Labs" --owner jo@example.org --start 2026-10-01 \
	--timezone America/Los_Angeles
# 20:00 UTC on 3 December is already 4 December in Auckland (UTC+13),
# still 3 December in Los Angeles.
now="--now 2026-12-03T20:00:00Z"

tb 0 status $now
contains out.txt "as of 2026-12-04 (Pacific/Auckland)"
tb 0 status --due --state ok $now
contains err.txt "no partner matches as of 2026-12-04 (Pacific/Auckland)"
tb 0 report $now
contains out.txt "As of Friday, 4 December 2026 (Pacific/Auckland)"
tb 0 digest $now
contains err.txt "as of 2026-12-04 (Pacific/Auckland)"
tb 0 preview harbour-trust $now
contains err.txt "for harbour-trust, as of 2026-12-04 (Pacific/Auckland)"
tb 0 preview bay-area-labs $now
contains err.txt "for bay-area-labs, as of 2026-12-03 (America/Los_Angeles)"

# Errors about today name the zone whose today it is.
tb 65 checkin bay-area-labs --date 2099-01-01
contains err.txt "in the future (today is "
contains err.txt " in America/Los_Angeles)"
tb 65 snooze harbour-trust until 2000-01-01
contains err.txt "that is not after today ("
contains err.txt "; dates are in Pacific/Auckland"

finish
