#!/bin/sh
# touchbase run end to end: import partners, run at several --now dates and
# check exactly which messages land in the Maildir, each parsed back.
. "${srcdir:-.}/tests/lib.sh"

cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,sponsor_email,cadence,start_date,timezone,contact_name,contact_email,contact_invite
alpha,Clínica São José,a@example.org,Ana Silva,s@example.org,monthly,2026-01-05,America/New_York,Luiz Costa,c1@example.com,yes
alpha,Clínica São José,,,,,,,Tom Baker,c2@example.com,no
beta,Beta Health,b@example.org,,,weekly,2026-01-07,,,,
CSV
expect 0 init
expect 0 import partners.csv

summary() {
	checks=$((checks + 1))
	/usr/bin/python3 "$srcdir/tests/maildir_summary.py" outbox >summary.txt ||
		fail "maildir_summary.py found errors"
}

count() {
	checks=$((checks + 1))
	n=$(find outbox/new -type f 2>/dev/null | wc -l)
	[ "$n" = "$1" ] || fail "$n messages in outbox/new after $2, wanted $1"
}

# Beta's first due date (2026-01-14) passed long ago: one overdue notice,
# not a reminder, an overdue and a catch-up per missed day.
expect 0 run --now 2026-01-28
count 1 "2026-01-28"
expect 0 run --now 2026-01-28
count 1 "a second run the same day"
# Alpha is due 2026-02-05; lead_days 7: reminder and invitation on 01-29.
expect 0 run --dry-run --now 2026-01-29
contains out.txt "would-send  reminder   alpha"
contains out.txt "would-send  invitation alpha"
count 1 "a dry run"
# The day it took, in the office's zone (none set: UTC), said with -v.
expect 0 -v run --dry-run --now 2026-01-29
contains err.txt "run --dry-run: would send 2, as of 2026-01-29 (UTC)"
expect 0 run --now 2026-01-29
count 3 "2026-01-29"
expect 0 run --now 2026-01-30
count 3 "2026-01-30"
expect 0 run --now 2026-02-09
count 4 "2026-02-09 (overdue)"
expect 0 run --now 2026-02-25
count 5 "2026-02-25 (escalation)"
# A check-in moves the next due date a month on; its reminder comes 7 days
# before.
expect 0 checkin alpha --date 2026-02-25
expect 0 run --now 2026-03-17
count 5 "2026-03-17"
expect 0 run --now 2026-03-18
count 7 "2026-03-18"

summary
cat >expected.txt <<'EXP'
escalation alpha 2026-02-05 to=s@example.org cc=a@example.org
invitation alpha 2026-02-05 to=c1@example.com cc=- ical=REQUEST uid=touchbase-alpha-20260205@childrens.example.org seq=0 start=2026-02-05T10:00:00-05:00 attendees=a@example.org,c1@example.com
invitation alpha 2026-03-25 to=c1@example.com cc=- ical=REQUEST uid=touchbase-alpha-20260325@childrens.example.org seq=0 start=2026-03-25T10:00:00-04:00 attendees=a@example.org,c1@example.com
overdue alpha 2026-02-05 to=a@example.org cc=-
overdue beta 2026-01-14 to=b@example.org cc=-
reminder alpha 2026-02-05 to=a@example.org cc=- ical=REQUEST uid=touchbase-alpha-20260205@childrens.example.org seq=0 start=2026-02-05T10:00:00-05:00 attendees=a@example.org,c1@example.com
reminder alpha 2026-03-25 to=a@example.org cc=- ical=REQUEST uid=touchbase-alpha-20260325@childrens.example.org seq=0 start=2026-03-25T10:00:00-04:00 attendees=a@example.org,c1@example.com
EXP
checks=$((checks + 1))
diff expected.txt summary.txt || fail "the Maildir holds other messages than expected"

# preview prints the exact message; status shows the states.
expect 0 preview alpha --now 2026-03-18
# Message-IDs are opaque: they name neither the partner nor the kind.
checks=$((checks + 1))
grep -Eq '^Message-Id: <[0-9a-f]{16}\.[0-9a-f]{16}@childrens\.example\.org>' out.txt ||
	fail "preview's Message-ID is not opaque: $(grep -i '^Message-Id' out.txt)"
contains out.txt "Content-Type: text/calendar; charset=utf-8; method=REQUEST"
expect 0 preview alpha --kind escalation --now 2026-04-20
contains out.txt "To: s@example.org"
expect 65 preview beta --kind escalation
contains err.txt "no sponsor"
expect 0 check
contains out.txt "templates:     all valid"
expect 0 status --now 2026-03-18
contains out.txt "due"

# No partner field adds a header line, whatever a template does with it:
# notes (which may span lines) in the Subject and a header of their own.
mkdir -p inject/templates
sed -e 's/^Subject: .*/Subject: About {{partner.notes}}\nX-Partner-Note: {{{partner.notes}}}/' \
	"$srcdir/templates/reminder.txt" >inject/templates/reminder.txt
cat >inject/touchbase.conf <<CONF
[database]
path = $work/inject/tb.db
[delivery]
maildir = $work/inject/outbox
[templates]
dir = $work/inject/templates
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
CONF
TOUCHBASE_CONFIG="$work/inject/touchbase.conf"
expect 0 init
expect 0 partner add "Gamma Clinic" --key gamma --owner g@example.org \
	--cadence weekly --start 2026-01-07 \
	--notes "$(printf 'x\r\nBcc: evil@evil.example\r\nReply-To: evil@evil.example')"
expect 0 run --now 2026-01-08
checks=$((checks + 1))
/usr/bin/python3 - inject/outbox <<'PY' || fail "a note added a header line"
import email, email.policy, mailbox, sys
msgs = [m for m in mailbox.Maildir(sys.argv[1], factory=None)]
assert len(msgs) == 1, len(msgs)
raw = msgs[0].as_bytes()
msg = email.message_from_bytes(raw, policy=email.policy.default)
assert msg["Bcc"] is None and msg["Reply-To"] is None, raw[:600]
assert "evil@evil.example" in msg["Subject"], msg["Subject"]
assert "Bcc:" in msg["X-Partner-Note"], msg["X-Partner-Note"]
assert len(msg.get_all("To")) == 1
PY
TOUCHBASE_CONFIG="$work/touchbase.conf"

# run refuses exactly what check refuses, and check names every error of
# every template in one pass; a templates.dir that is not there is one.
mkdir -p bad-templates
printf 'Subject: Hi {{owner.nickname}}\n\nBody\n' >bad-templates/reminder.txt
printf 'No subject here\n' >bad-templates/overdue.txt
printf 'Subject: x\nFrom: ceo@example.org\n\nBody\n' >bad-templates/escalation.txt
cat >bad.conf <<CONF
[templates]
dir = $work/bad-templates
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
CONF
expect 78 -c bad.conf check
contains err.txt "reminder.txt:1:13: unknown variable \"owner.nickname\""
contains err.txt "overdue.txt: line 1:"
contains err.txt "escalation.txt: \"From\" cannot be set by a template"
expect 78 -c bad.conf run --dry-run
contains err.txt "owner.nickname"
sed -i "s|^dir = .*|dir = $work/no-such-dir|" bad.conf
expect 78 -c bad.conf check
contains err.txt "templates.dir: $work/no-such-dir is not a directory"

finish
