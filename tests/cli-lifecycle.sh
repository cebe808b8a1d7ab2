#!/bin/sh
# The life of one check-in invite, as calendar clients receive it: the
# invite, an update when the cadence is edited, another when the holidays
# change, a cancel to a contact whose --invite is dropped, the invitation
# to a contact newly invited, and the cancel of an early check-in; then
# cancels for an archived and a removed partner, and none for a check-in
# logged after the meeting.  Each message is read back with
# python-icalendar (tests/itip_summary.py) and applied in turn in khal.
. "${srcdir:-.}/tests/lib.sh"

conf() {
	cat >touchbase.conf <<CONF
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Los_Angeles
$1
CONF
}
conf ""
export TOUCHBASE_CONFIG="$work/touchbase.conf"
uid=touchbase-riverside-20260205@childrens.example.org
zone=America/Los_Angeles

# step NAME NOW: run at NOW; the messages it delivers move to NAME/ and
# their summary to NAME.txt.
step() {
	expect 0 run --now "$2"
	mkdir -p "$1"
	find outbox/new -type f -exec mv {} "$1/" \; 2>/dev/null
	set -- "$1" "$1"/*
	if [ -e "$2" ]; then
		shift
		/usr/bin/python3 "$srcdir/tests/itip_summary.py" "$@" \
		    >"${1%%/*}.txt" || fail "itip_summary.py failed on $*"
	else
		: >"$1.txt"
	fi
}

# lines FILE N: FILE has N lines.
lines() {
	checks=$((checks + 1))
	n=$(wc -l <"$1")
	[ "$n" = "$2" ] || { fail "$1 has $n lines, wanted $2"; sed 's/^/  | /' "$1" >&2; }
}

# ics DIR RCPT: the calendar part of the message to RCPT in DIR, saved.
ics() {
	for m in "$1"/*; do
		case $m in *.txt) continue ;; esac
		grep -qi "^To:.*$2" "$m" || continue
		/usr/bin/python3 -c '
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_content_type() == "text/calendar":
        sys.stdout.buffer.write(p.get_payload(decode=True))
' "$m" >"$1-$2.ics"
		echo "$1-$2.ics"
		return
	done
	fail "$1 has no message to $2"
}

expect 0 init
expect 0 partner add "Riverside Pediatric Clinic" --key riverside \
    --owner "Dana Lee <dana@childrens.example.org>" --cadence monthly \
    --start 2026-01-05 --timezone $zone
expect 0 contact add riverside "María Gómez" maria@riverside.example.com \
    --invite
expect 0 contact add riverside "Tom Park" tom@riverside.example.com --invite
all=dana@childrens.example.org,maria@riverside.example.com,tom@riverside.example.com

# 1. The invite: one UID, SEQUENCE 0, to the owner and both contacts.
step s1 2026-01-29T08:00
lines s1.txt 3
for who in dana@childrens.example.org maria@riverside.example.com \
    tom@riverside.example.com; do
	contains s1.txt "REQUEST $who seq=0 status=CONFIRMED start=2026-02-05 10:00 $zone attendees=$all uid=$uid"
done
step s1b 2026-01-29T09:00
lines s1b.txt 0

# 2. The cadence is edited: the same UID moves, SEQUENCE 1, to everyone.
expect 0 partner edit riverside --cadence "every 5 weeks"
step s2 2026-01-30T08:00
lines s2.txt 3
for who in dana@childrens.example.org maria@riverside.example.com \
    tom@riverside.example.com; do
	contains s2.txt "REQUEST $who seq=1 status=CONFIRMED start=2026-02-09 10:00 $zone attendees=$all uid=$uid"
done
cat s2/*.txt >s2-bodies.txt
contains s2-bodies.txt "has moved"
step s2b 2026-01-30T09:00
lines s2b.txt 0

# 3. A holiday on the new date: moved to the next business day, SEQUENCE 2.
conf "holidays = 2026-02-09"
step s3 2026-01-31T08:00
lines s3.txt 3
contains s3.txt "REQUEST maria@riverside.example.com seq=2 status=CONFIRMED start=2026-02-10 10:00 $zone"
# The update names what it replaces, as the recipient last received it.
cat s3/*.txt >s3-bodies.txt
contains s3-bodies.txt "Was:  Monday, 9 February 2026 at 10:00"
contains s3-bodies.txt "Now:  Tuesday, 10 February 2026 at 10:00 ($zone)"

# 4. Tom's --invite is dropped: a cancel to him alone, SEQUENCE 3.
expect 0 contact edit riverside tom@riverside.example.com --no-invite
step s4 2026-02-01T08:00
lines s4.txt 1
contains s4.txt "CANCEL tom@riverside.example.com seq=3 status=CANCELLED start=2026-02-10 10:00 $zone attendees=tom@riverside.example.com uid=$uid"

# 5. A contact newly invited gets the invite as it stands.
expect 0 contact add riverside "Lee Wong" lee@riverside.example.com --invite
step s5 2026-02-02T08:00
lines s5.txt 1
now_all=dana@childrens.example.org,lee@riverside.example.com,maria@riverside.example.com
contains s5.txt "REQUEST lee@riverside.example.com seq=3 status=CONFIRMED start=2026-02-10 10:00 $zone attendees=$now_all uid=$uid"

# 6. An early check-in: a cancel to everyone who got the invite, the
# same attendees, SEQUENCE 4; then nothing more.
expect 0 checkin riverside --date 2026-02-03 --note "Met early"
step s6 2026-02-03T12:00
lines s6.txt 3
for who in dana@childrens.example.org maria@riverside.example.com \
    lee@riverside.example.com; do
	contains s6.txt "CANCEL $who seq=4 status=CANCELLED start=2026-02-10 10:00 $zone attendees=$now_all uid=$uid"
done
lacks s6.txt tom@riverside
step s6b 2026-02-04T08:00
lines s6b.txt 0

# Each recipient's calendar, applying what it received in turn (khal).
khal_day() {
	checks=$((checks + 1))
	/usr/bin/python3 "$srcdir/tests/ical_parse.py" --khal $zone "$@" \
	    >khal.txt 2>khal.err || { fail "khal failed on $*"; cat khal.err >&2; }
}
khal_day 2026-02-05 "$(ics s1 dana)"
contains khal.txt "2026-02-05 10:00 2026-02-05 10:30 Check-in: Riverside Pediatric Clinic"
khal_day 2026-02-05 "$(ics s1 dana)" "$(ics s2 dana)"
lacks khal.txt "Check-in"
khal_day 2026-02-09 "$(ics s1 dana)" "$(ics s2 dana)"
contains khal.txt "2026-02-09 10:00 2026-02-09 10:30 Check-in: Riverside Pediatric Clinic"
khal_day 2026-02-10 "$(ics s1 maria)" "$(ics s2 maria)" "$(ics s3 maria)"
contains khal.txt "2026-02-10 10:00 2026-02-10 10:30 Check-in: Riverside Pediatric Clinic"
khal_day 2026-02-10 "$(ics s1 tom)" "$(ics s2 tom)" "$(ics s3 tom)" \
    "$(ics s4 tom)"
contains khal.txt "CANCELLED 2026-02-10 10:00"
khal_day 2026-02-10 "$(ics s1 dana)" "$(ics s2 dana)" "$(ics s3 dana)" \
    "$(ics s6 dana)"
contains khal.txt "CANCELLED 2026-02-10 10:00"
# In Berlin, the same meeting is at 19:00.
checks=$((checks + 1))
/usr/bin/python3 "$srcdir/tests/ical_parse.py" --khal Europe/Berlin \
    2026-02-10 "$(ics s5 lee)" >khal.txt 2>&1 || fail "khal failed"
contains khal.txt "2026-02-10 19:00 2026-02-10 19:30 Check-in"

# The next occurrence is planned from the check-in: a new UID.
step s7 2026-03-05T08:00
contains s7.txt "REQUEST dana@childrens.example.org seq=0 status=CONFIRMED start=2026-03-10 10:00 $zone"
contains s7.txt "uid=touchbase-riverside-20260310@childrens.example.org"

# Archived before the meeting: cancelled for everyone.
expect 0 partner add "Hilltop Family Health" --key hilltop \
    --owner ops@childrens.example.org --cadence monthly --start 2026-02-16
step a1 2026-03-10T08:00
contains a1.txt "REQUEST ops@childrens.example.org seq=0"
expect 0 partner archive hilltop
step a2 2026-03-11T08:00
contains a2.txt "CANCEL ops@childrens.example.org seq=1 status=CANCELLED start=2026-03-16 10:00 $zone"

# Removed before the meeting: the cancel still names the partner.
expect 0 partner add "Bayview Health System" --key bayview \
    --owner ops@childrens.example.org --cadence monthly --start 2026-02-17
step r1 2026-03-12T08:00
contains r1.txt "uid=touchbase-bayview-20260317@childrens.example.org"
expect 0 partner remove --force bayview
step r2 2026-03-12T09:00
contains r2.txt "CANCEL ops@childrens.example.org seq=1 status=CANCELLED start=2026-03-17 10:00 $zone"
cat r2/*.txt >r2-bodies.txt
contains r2-bodies.txt "The check-in meeting with Bayview Health System planned for"

# Removed and added again under the same key before the meeting: the
# same UID, invited again one SEQUENCE past the cancel, which it replaces
# (skipped, and silent when not on a terminal).
expect 0 partner add "Crestview Clinic" --key crestview \
    --owner ops@childrens.example.org --cadence monthly --start 2026-02-17
step x1 2026-03-12T08:00
contains x1.txt "REQUEST ops@childrens.example.org seq=0 status=CONFIRMED start=2026-03-17"
expect 0 partner remove --force crestview
expect 0 partner add "Crestview Clinic" --key crestview \
    --owner ops@childrens.example.org --cadence monthly --start 2026-02-17
step x2 2026-03-12T09:00
lines x2.txt 1
contains x2.txt "REQUEST ops@childrens.example.org seq=2 status=CONFIRMED start=2026-03-17 10:00 $zone attendees=ops@childrens.example.org uid=touchbase-crestview-20260317@childrens.example.org"
checks=$((checks + 1))
[ -s err.txt ] && fail "run printed under cron: $(cat err.txt)"
step x3 2026-03-12T10:00
lines x3.txt 0

# A check-in logged after the meeting cancels nothing.
expect 0 partner add "Summit Clinic" --key summit \
    --owner ops@childrens.example.org --cadence monthly --start 2026-02-16
step c1 2026-03-10T08:00
contains c1.txt "uid=touchbase-summit-20260316@childrens.example.org"
expect 0 checkin summit --date 2026-03-17
step c2 2026-03-18T08:00
lacks c2.txt "CANCEL"

# A holiday added on a due date that is not yet invited moves it too.
expect 0 partner add "Lakeside Rehab" --key lakeside \
    --owner ops@childrens.example.org --cadence monthly --start 2026-03-01
expect 0 partner show lakeside
contains out.txt "Next due:      2026-04-01"
conf "holidays = 2026-04-01"
step h1 2026-03-18T09:00
expect 0 partner show lakeside
contains out.txt "Next due:      2026-04-02"

# With owners' digests, owners get no reminder or overdue message of their
# own; the partner's contacts are still invited.
conf "[digest]
owners = yes"
expect 0 partner add "Northside Clinic" --key northside \
    --owner nora@childrens.example.org --cadence monthly --start 2026-03-23
expect 0 contact add northside "Ravi Shah" ravi@northside.example.com --invite
step o1 2026-04-20T08:00
contains o1.txt "REQUEST ravi@northside.example.com seq=0 status=CONFIRMED start=2026-04-23 10:00 $zone attendees=nora@childrens.example.org,ravi@northside.example.com"
lacks o1.txt "REQUEST nora@"
step o2 2026-04-28T08:00
lacks o2.txt "Overdue: check-in with Northside"

finish
