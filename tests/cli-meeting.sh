#!/bin/sh
# Where an invite's meeting is and what the text says of it: a reminder
# that goes out after the due date proposes the next business day, and on
# the day clocks go forward the text tells the times the invite holds.
. "${srcdir:-.}/tests/lib.sh"

cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@example.org>
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# same_summary WHAT: the Maildir holds what expected.txt says.
same_summary() {
	checks=$((checks + 2))
	/usr/bin/python3 "$srcdir/tests/maildir_summary.py" outbox \
	    >summary.txt || fail "maildir_summary.py found errors"
	diff expected.txt summary.txt || fail "$1"
}

# A partner imported without a check-in, due Thursday 2026-02-05, first
# run on Friday 02-06 (inside grace_days): the reminder is late.  The
# invite moves to the next business day, Monday 02-09, at meeting_time.
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,cadence,start_date,timezone
late,Late Clinic,o@example.org,Olu Ade,monthly,2026-01-05,America/New_York
CSV
expect 0 init
expect 0 import partners.csv
expect 0 run --now 2026-02-06
cat >expected.txt <<'EXP'
reminder late 2026-02-05 to=o@example.org cc=- ical=REQUEST uid=touchbase-late-20260205@example.org seq=0 start=2026-02-09T10:00:00-05:00 attendees=o@example.org
EXP
same_summary "the late reminder's invite"
mail=$(find outbox/new -type f | head -n 1)
/usr/bin/python3 -c '
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in msg.walk():
    if p.get_content_type() in ("text/plain", "text/html"):
        print(p.get_content())
' "$mail" >body.txt
contains body.txt "was due on Thursday, 5 February 2026: it is late"
contains body.txt "(1 days past due)"
contains body.txt "proposes
Monday, 9 February 2026 instead"
contains body.txt "Proposed:      Monday, 9 February 2026"
contains body.txt "proposes <strong>Monday, 9 February 2026</strong> instead"
lacks body.txt "holds a time on your calendar"
# The next days move nothing: no update, the meeting stays on Monday
# (grace_days on, the overdue notice goes as usual).
expect 0 run --now 2026-02-07
expect 0 run --now 2026-02-08
echo "overdue late 2026-02-05 to=o@example.org cc=-" >>expected.txt
LC_ALL=C sort -o expected.txt expected.txt
same_summary "a run after the late reminder moved its meeting"
# The preview of that reminder is the same meeting, told the same.
mkdir -p preview/new preview/cur preview/tmp
expect 0 preview late --kind reminder --now 2026-02-07
cp out.txt preview/new/1
checks=$((checks + 1))
/usr/bin/python3 "$srcdir/tests/meeting_times.py" preview America/New_York \
    >times.txt || fail "the preview's text and invite disagree"
echo "2026-02-09 10:00-10:30" >expected-times.txt
checks=$((checks + 1))
diff expected-times.txt times.txt || fail "the preview's meeting"
# A reminder that goes out in time is not late.
rm -rf outbox
expect 0 checkin late --date 2026-02-09
expect 0 run --now 2026-03-02
cat >expected.txt <<'EXP'
reminder late 2026-03-09 to=o@example.org cc=- ical=REQUEST uid=touchbase-late-20260309@example.org seq=0 start=2026-03-09T10:00:00-04:00 attendees=o@example.org
EXP
same_summary "the reminder in time"
find outbox/new -type f -exec cat {} + >mail.txt
contains mail.txt "holds a time on your calendar"
lacks mail.txt "is late"

# Spring forward: America/New_York 2026-03-08, meeting_time 02:30 does not
# exist that day; the invite starts at 03:30 EDT and so must the text.
mkdir dst && cd dst || exit 99
cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@example.org>
[schedule]
meeting_time = 02:30
meeting_minutes = 60
skip_weekends = no
CONF
export TOUCHBASE_CONFIG="$work/dst/touchbase.conf"
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,cadence,start_date,timezone,contact_name,contact_email,contact_invite
dst,Spring Clinic,o@example.org,Olu Ade,weekly,2026-03-01,America/New_York,Cy Lee,c@example.com,yes
CSV
expect 0 init
expect 0 import partners.csv
expect 0 run --now 2026-03-02
checks=$((checks + 1))
/usr/bin/python3 "$srcdir/tests/meeting_times.py" outbox America/New_York \
    >times.txt || fail "the text and the invite disagree on the DST day"
cat >expected.txt <<'EXP'
2026-03-08 03:30-04:30
2026-03-08 03:30-04:30
EXP
checks=$((checks + 1))
diff expected.txt times.txt || fail "the meeting on the DST day"
finish
