#!/bin/sh
# touchbase ics end to end: partners in several zones (one overdue, one
# escalated, one archived, one a year away), a run that sends invites into
# the Maildir, then the feed: read back with python-icalendar, its UIDs
# and meetings compared with the invites in the Maildir, loaded into khal,
# and filtered by KEY, --owner and --days.
. "${srcdir:-.}/tests/lib.sh"

/usr/bin/python3 -c 'import icalendar' 2>/dev/null || {
	echo "SKIP: /usr/bin/python3 with icalendar (python3-icalendar) is" \
	    "needed" >&2
	exit 77
}

cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Los_Angeles
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"
# At --now 2026-01-31 (noon in Los Angeles):
#   delta      due 01-14, 17 days late: escalated (escalation sent)
#   beta       due 01-28, 3 days late: overdue (overdue notice sent)
#   riverside  due 02-05 in New York: due (reminder and invitation sent)
#   kappa      due 02-03 in Sydney: due (reminder sent)
#   gamma      due 02-10 in Kolkata, an invite from before schema 3
#   saojose    due 03-02 in Berlin (30 days), an invite moved by updates
#   far        checked in 01-20, due 2027-01-20: beyond 60 days
#   old        archived
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,sponsor_email,cadence,start_date,timezone,contact_name,contact_email,contact_invite
riverside,Riverside Pediatric Clinic,ana@example.org,Ana Silva,s@example.org,monthly,2026-01-05,America/New_York,Luiz Costa,c1@example.com,yes
kappa,Harbour Trust,ana@example.org,Ana Silva,,monthly,2026-01-03,Australia/Sydney,,,
beta,Beta Health,ana@example.org,,,weekly,2026-01-21,,,,
delta,Delta Foundation,carol@example.org,,s@example.org,weekly,2026-01-07,,,,
gamma,Gamma Labs,bob@example.org,Bob Wu,,monthly,2026-01-10,Asia/Kolkata,,,
saojose,Clínica São José,bob@example.org,Bob Wu,,monthly,2026-02-02,Europe/Berlin,,,
far,Far Away Institute,ana@example.org,,,yearly,2026-01-10,,,,
old,Old Friends Trust,ana@example.org,,,monthly,2026-01-10,,,,
CSV
expect 0 init
expect 0 import partners.csv
expect 0 partner archive old
expect 0 checkin far --date 2026-01-20
expect 0 run --now 2026-01-31
now=2026-01-31

# Open invites as run leaves them once the meeting has moved on: saojose's
# was first planned for 02-27 and moved by two updates to 03-02 15:30;
# gamma's dates from before schema 3, which recorded no time or zone.
/usr/bin/python3 - <<'PY' || fail "could not add the test invites"
import sqlite3
db = sqlite3.connect("touchbase.db")
def add(key, uid, occ, date, time, tz, seq):
    pid = db.execute("SELECT id FROM partners WHERE key = ?", (key,)).fetchone()[0]
    db.execute("INSERT INTO invites (uid, partner_id, partner_key,"
               " partner_name, owner_email, occurrence, meeting_date,"
               " meeting_time, meeting_tz, sequence, attendees, status,"
               " created_at, updated_at) SELECT ?, id, key, name,"
               " owner_email, ?, ?, ?, ?, ?, json_array(owner_email),"
               " 'open', '2026-01-20T00:00:00Z', '2026-01-30T00:00:00Z'"
               " FROM partners WHERE id = ?",
               (uid, occ, date, time, tz, seq, pid))
add("saojose", "touchbase-saojose-20260227@childrens.example.org",
    "2026-02-27", "2026-03-02", "15:30", "Europe/Berlin", 2)
add("gamma", "touchbase-gamma-20260210@childrens.example.org",
    "2026-02-10", "2026-02-10", "", "", 1)
db.commit()
PY

# One line per event as python-icalendar reads it, and its description's
# State, Owner, Due and Last check-in lines.
cat >feed_summary.py <<'PY'
import sys
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print("method=%s" % cal.get("METHOD"))
for ev in cal.walk("VEVENT"):
    start = ev["DTSTART"]
    desc = dict(l.split(": ", 1) for l in
                str(ev.get("DESCRIPTION", "")).split("\n") if ": " in l)
    alarms = [a["TRIGGER"].to_ical().decode() for a in ev.walk("VALARM")]
    print("%s seq=%d start=%s tzid=%s alarm=%s summary=%s" % (
        ev["UID"], int(ev.get("SEQUENCE", 0)), start.dt.isoformat(),
        start.params.get("TZID", "-"), ",".join(alarms) or "-",
        ev["SUMMARY"]))
    print("  state=%s owner=%s due=%s last=%s as-of=%s" % (
        desc.get("State"), desc.get("Owner"), desc.get("Due"),
        desc.get("Last check-in"), desc.get("As of")))
PY
# "KEY UID SEQUENCE START" of each invite in the Maildir.
cat >maildir_uids.py <<'PY'
import email
import email.policy
import mailbox
import sys
import icalendar
import outbox_index
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
index = outbox_index.load()
out = set()
for k in box.keys():
    msg = email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
    key = outbox_index.of(index, msg)["partner"]
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        for ev in cal.walk("VEVENT"):
            out.add("%s %s %d %s" % (key, ev["UID"], int(ev.get("SEQUENCE", 0)),
                                     ev.decoded("DTSTART").isoformat()))
print("\n".join(sorted(out)))
PY

# feed FILE ARGS...: touchbase ics ARGS into FILE (exit 0) and its summary
# into FILE.txt.
feed() {
	f=$1
	shift
	expect 0 ics "$@"
	cp out.txt "$f"
	checks=$((checks + 1))
	/usr/bin/python3 feed_summary.py "$f" >"$f.txt" ||
		fail "python-icalendar cannot read the feed of ics $*"
}

# The whole feed: who is in it, in order, and how each reads.
feed all.ics --now $now
cat >expected.txt <<'EXP'
method=PUBLISH
touchbase-delta-20260114@childrens.example.org seq=0 start=2026-01-14T10:00:00-08:00 tzid=America/Los_Angeles alarm=-P7D summary=Escalated: Check-in: Delta Foundation
  state=escalated owner=carol@example.org due=2026-01-14 (17 days late) last=none yet (start 2026-01-07, 24 days ago) as-of=2026-01-31 (America/Los_Angeles)
touchbase-beta-20260128@childrens.example.org seq=0 start=2026-01-28T10:00:00-08:00 tzid=America/Los_Angeles alarm=-P7D summary=Overdue: Check-in: Beta Health
  state=overdue owner=ana@example.org due=2026-01-28 (3 days late) last=none yet (start 2026-01-21, 10 days ago) as-of=2026-01-31 (America/Los_Angeles)
touchbase-kappa-20260203@childrens.example.org seq=0 start=2026-02-03T10:00:00+11:00 tzid=Australia/Sydney alarm=-P7D summary=Check-in: Harbour Trust
  state=due owner=Ana Silva <ana@example.org> due=2026-02-03 (in 2 days) last=none yet (start 2026-01-03, 29 days ago) as-of=2026-02-01 (Australia/Sydney)
touchbase-riverside-20260205@childrens.example.org seq=0 start=2026-02-05T10:00:00-05:00 tzid=America/New_York alarm=-P7D summary=Check-in: Riverside Pediatric Clinic
  state=due owner=Ana Silva <ana@example.org> due=2026-02-05 (in 5 days) last=none yet (start 2026-01-05, 26 days ago) as-of=2026-01-31 (America/New_York)
touchbase-gamma-20260210@childrens.example.org seq=1 start=2026-02-10T10:00:00+05:30 tzid=Asia/Kolkata alarm=-P7D summary=Check-in: Gamma Labs
  state=ok owner=Bob Wu <bob@example.org> due=2026-02-10 (in 9 days) last=none yet (start 2026-01-10, 22 days ago) as-of=2026-02-01 (Asia/Kolkata)
touchbase-saojose-20260227@childrens.example.org seq=2 start=2026-03-02T15:30:00+01:00 tzid=Europe/Berlin alarm=-P7D summary=Check-in: Clínica São José
  state=ok owner=Bob Wu <bob@example.org> due=2026-03-02 (in 30 days) last=none yet (start 2026-02-02, in 2 days) as-of=2026-01-31 (Europe/Berlin)
EXP
checks=$((checks + 1))
diff expected.txt all.ics.txt || fail "the feed holds other events than expected"
# DTSTAMP is --now (noon in Los Angeles); a PUBLISH invites nobody.
contains all.ics "DTSTAMP:20260131T200000Z"
contains all.ics "ORGANIZER;CN=Partnerships Office:mailto:"
lacks all.ics "ATTENDEE"
lacks all.ics "RSVP"
lacks all.ics "far-away"
lacks all.ics "Old Friends"
/usr/bin/python3 -c 'import sys; print(open(sys.argv[1], encoding="utf-8", newline="").read().replace("\r\n ", ""))' \
    all.ics >unfolded.txt
contains unfolded.txt "Cadence: every month"
contains unfolded.txt "Sponsor: s@example.org"
contains unfolded.txt "Once it has happened: touchbase checkin riverside"
expect 0 ics --now $now
checks=$((checks + 1))
cmp -s all.ics out.txt || fail "two feeds at the same --now differ"

# Each VTIMEZONE agrees with the zone data (ical_parse.py resolves the
# local times through both).
checks=$((checks + 1))
/usr/bin/python3 "$srcdir/tests/ical_parse.py" all.ics >parsed.json &&
	/usr/bin/python3 - parsed.json <<'PY' || fail "a VTIMEZONE disagrees"
import json, sys
for ev in json.load(open(sys.argv[1]))["events"]:
    assert ev["dtstart"] == ev["dtstart_vtz"], ev["uid"]
    assert ev["dtend"] == ev["dtend_vtz"], ev["uid"]
PY

# The same UID and meeting as the invite run sent for each partner.
checks=$((checks + 1))
/usr/bin/python3 maildir_uids.py outbox >invites.txt ||
	fail "the Maildir's invites cannot be read"
for key in riverside kappa; do
	checks=$((checks + 1))
	grep -q "^$key " invites.txt || fail "no invite for $key in the Maildir"
done
while read -r key uid seq start; do
	contains all.ics.txt "$uid seq=$seq start=$start "
	checks=$((checks + 1))
	[ "$(grep -c "^touchbase-$key-" all.ics.txt)" = 1 ] ||
		fail "$key has not exactly one event in the feed"
done <invites.txt

# khal shows the events at the local time of the calendar's zone.
khal_day() {
	checks=$((checks + 1))
	/usr/bin/python3 "$srcdir/tests/ical_parse.py" --khal "$1" "$2" \
	    all.ics >khal.txt
	rc=$?
	if [ "$rc" = 77 ]; then
		echo "SKIP: khal is not installed" >&2
		return
	fi
	[ "$rc" = 0 ] || fail "khal cannot import the feed"
	contains khal.txt "$3"
}
khal_day America/New_York 2026-02-05 \
    "2026-02-05 10:00 2026-02-05 10:30 Check-in: Riverside Pediatric Clinic"
khal_day America/Los_Angeles 2026-02-05 \
    "2026-02-05 07:00 2026-02-05 07:30 Check-in: Riverside Pediatric Clinic"
khal_day Europe/Berlin 2026-03-02 \
    "2026-03-02 15:30 2026-03-02 16:00 Check-in: Clínica São José"
khal_day Asia/Kolkata 2026-02-10 \
    "2026-02-10 10:00 2026-02-10 10:30 Check-in: Gamma Labs"
khal_day America/Los_Angeles 2026-02-02 \
    "2026-02-02 15:00 2026-02-02 15:30 Check-in: Harbour Trust"

# KEY: one partner; an archived one gives an empty feed.
feed one.ics riverside --now $now
contains one.ics.txt "touchbase-riverside-20260205@"
checks=$((checks + 1))
[ "$(grep -c '^touchbase-' one.ics.txt)" = 1 ] || fail "ics riverside: not one event"
feed archived.ics old --now $now
contains archived.ics "METHOD:PUBLISH"
lacks archived.ics "BEGIN:VEVENT"
expect 65 ics nosuch --now $now
contains err.txt "nosuch"
lacks out.txt "BEGIN:VCALENDAR"

# --owner: one person's partners, whatever the case of the address.
feed bob.ics --owner BOB@example.org --now $now
checks=$((checks + 1))
[ "$(grep '^touchbase-' bob.ics.txt | cut -d- -f2 | tr '\n' ' ')" = \
    "gamma saojose " ] || fail "ics --owner bob: $(cat bob.ics.txt)"
feed ana.ics --owner ana@example.org --now $now
checks=$((checks + 1))
[ "$(grep '^touchbase-' ana.ics.txt | cut -d- -f2 | tr '\n' ' ')" = \
    "beta kappa riverside " ] || fail "ics --owner ana: $(cat ana.ics.txt)"
feed none.ics gamma --owner ana@example.org --now $now
lacks none.ics "BEGIN:VEVENT"
expect 65 ics --owner "not an address" --now $now

# --days: due within N days of the partner's own today; overdue always.
feed d29.ics --days 29 --now $now
lacks d29.ics "saojose"
contains d29.ics "touchbase-delta-20260114@"
feed d30.ics --days 30 --now $now
contains d30.ics "saojose"
feed d400.ics --days 400 --now $now
contains d400.ics.txt "touchbase-far-20270120@childrens.example.org seq=0 start=2027-01-20T10:00:00-08:00"
contains d400.ics.txt "state=ok owner=ana@example.org due=2027-01-20 (in 354 days) last=2026-01-20 (11 days ago)"
lacks d400.ics "Old Friends"
feed d1.ics --days 1 --now $now
checks=$((checks + 1))
[ "$(grep '^touchbase-' d1.ics.txt | cut -d- -f2 | tr '\n' ' ')" = \
    "delta beta " ] || fail "ics --days 1: $(cat d1.ics.txt)"
expect 64 ics --days 0
expect 64 ics --days soon
expect 64 ics --days 99999
expect 64 ics riverside beta
expect 64 ics --now yesterday

# lead_days = 0: no alarm (no notice ahead was asked for).
cat >nolead.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Los_Angeles
lead_days = 0
CONF
expect 0 -c nolead.conf ics --now $now
contains out.txt "BEGIN:VEVENT"
lacks out.txt "BEGIN:VALARM"

# A meeting moved by an update: the feed follows the invite's SEQUENCE and
# new time, never looking older than what the attendees hold.
expect 0 partner edit riverside --timezone America/Chicago
expect 0 run --now 2026-02-01
checks=$((checks + 1))
/usr/bin/python3 maildir_uids.py outbox | grep '^riverside ' |
	sort -k3,3n | tail -n 1 >latest.txt
read -r key uid seq start <latest.txt
[ "${seq:-0}" -ge 1 ] || fail "no update of riverside's invite in the Maildir"
feed moved.ics riverside --now 2026-02-01
contains moved.ics.txt "$uid seq=$seq start=$start tzid=America/Chicago "

# A check-in satisfies the invited occurrence: before the run that
# cancels that invite, and after it, the feed shows the next check-in
# (03-01 is a Sunday: 03-02) under the UID its reminder will carry.
expect 0 checkin riverside --date 2026-02-01
feed done.ics riverside --now 2026-02-01
contains done.ics.txt "touchbase-riverside-20260302@childrens.example.org seq=0 start=2026-03-02T10:00:00-06:00 "
contains done.ics.txt "last=2026-02-01 (today)"
expect 0 run --now 2026-02-01
feed done2.ics riverside --now 2026-02-01
checks=$((checks + 1))
cmp -s done.ics done2.ics || fail "the run that cancelled the invite changed the feed"

expect 0 ics --help
contains out.txt "usage: touchbase ics"
contains out.txt "--owner EMAIL"

finish
