#!/bin/sh
# touchbase listens: a contact's Accept and Decline, an owner's "done",
# "snooze" and "note" by email, a bounce, an auto-reply, forged and
# replayed messages, through the Maildir inbox and an MTA pipe; each
# case run twice changes nothing the second time.
. "${srcdir:-.}/tests/lib.sh"

cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Los_Angeles
skip_weekends = no
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# make KIND ARGS...: a message that comes back, into ./inbox.
make() {
	checks=$((checks + 1))
	/usr/bin/python3 "$srcdir/tests/inbound_make.py" inbox "$@" >made.txt ||
		fail "inbound_make.py $* failed"
}

# kinds KEY: the kinds of KEY's messages in the outbox, in order.
kinds() {
	"$TOUCHBASE" outbox "$1" --json | /usr/bin/python3 -c '
import json, sys
print(" ".join("%s:%s:%s" % (r["kind"], r["recipient"], r["state"]) for r in json.load(sys.stdin)["messages"]))'
}

expect 0 init
expect 0 partner add "Riverside Pediatric Clinic" --key riverside \
	--owner "Dana Lee <dana@childrens.example.org>" --cadence monthly \
	--start 2026-01-05
expect 0 contact add riverside "María Gómez" maria@riverside.example.com \
	--invite
expect 0 contact add riverside "Tom Park" tom@riverside.example.com --invite
expect 0 run --now 2026-01-29T08:00
kinds riverside >k.txt
contains k.txt "reminder:dana@childrens.example.org:sent"
contains k.txt "invitation:maria@riverside.example.com:sent"

# An empty inbox, or none at all, is nothing to read.
expect 0 inbox --now 2026-01-29T09:00

# Every message to a contact says to reply to the owner, and every
# message is marked as generated.
checks=$((checks + 1))
/usr/bin/python3 - outbox <<'PY' || fail "headers of sent messages"
import email, email.policy, glob, sys
for path in glob.glob(sys.argv[1] + "/new/*"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    assert m["Auto-Submitted"] == "auto-generated", path
    to = m["To"].addresses[0].addr_spec
    if to != "dana@childrens.example.org":
        assert m["Reply-To"].addresses[0].addr_spec == "dana@childrens.example.org", path
PY

# María accepts (outlook.com style: no ORGANIZER, her address in capitals).
make reply maria@riverside.example.com ACCEPTED 0 2026-01-29T17:00:00+00:00
expect 0 inbox --now 2026-01-29T18:00
contains out.txt "calendar answer"
contains out.txt "María Gómez accepted"
checks=$((checks + 1))
[ -z "$(ls inbox/new)" ] && [ -n "$(ls inbox/cur)" ] ||
	fail "the processed message did not move to cur/"
ls inbox/cur | grep -q ':2,S$' || fail "no Seen flag on the processed message"
expect 0 status --now 2026-01-29T18:00
contains out.txt "María Gómez accepted"
expect 0 partner show riverside
contains out.txt "Invite:        María Gómez accepted"

# The same message again (replayed): nothing changes.
cp inbox/cur/* inbox/new/x.replayed
expect 0 inbox --now 2026-01-29T18:30
contains out.txt "already processed"

# An older answer never overwrites a newer one.
make reply maria@riverside.example.com DECLINED 0 2026-01-29T10:00:00+00:00
expect 0 inbox --now 2026-01-29T19:00
contains out.txt "newer is stored"
expect 0 partner show riverside
contains out.txt "María Gómez accepted"

# Tom declines: stored, and Dana is told once.
make reply tom@riverside.example.com DECLINED 0 2026-01-30T08:00:00+00:00
expect 0 run --now 2026-01-30T09:00
kinds riverside >k.txt
contains k.txt "declined:dana@childrens.example.org:sent"
expect 0 run --now 2026-01-30T10:00
kinds riverside >k2.txt
cmp -s k.txt k2.txt || fail "a second run changed the outbox"
grep -l "^Subject: Declined: check-in with Riverside" outbox/new/* >/dev/null ||
	fail "no decline notice in the Maildir"

# A proposed new time reaches Dana.
make counter maria@riverside.example.com 2026-02-05T14:00:00-08:00
expect 0 inbox --now 2026-01-30T11:00
contains out.txt "proposes another time"

# Forged: Dana's address, but it answers no message of ours.
make forged dana@childrens.example.org "done"
expect 0 inbox --now 2026-01-30T12:00
contains out.txt "ignored: it answers no message of ours"
# A token for another recipient: Tom's invitation, "answered" by Dana.
checks=$((checks + 1))
/usr/bin/python3 - <<'PY' || fail "could not forge a reply with Tom's token"
import email.message, email.policy, os, time, outbox_index
rows = outbox_index.load().values()
tom = max((r for r in rows if r["recipient"] == "tom@riverside.example.com"), key=lambda r: r["id"])
m = email.message.EmailMessage(policy=email.policy.SMTP)
m["From"] = "dana@childrens.example.org"
m["To"] = "partnerships@childrens.example.org"
m["Subject"] = "Re: check-in"
m["Message-ID"] = "<forged-%d@mail.example.net>" % time.time_ns()
m["In-Reply-To"] = "<%s>" % tom["message_id"]
m.set_content("done\n")
open("inbox/new/forged.token", "wb").write(m.as_bytes())
PY
expect 0 inbox --now 2026-01-30T12:30
contains out.txt "ignored: it answers no message of ours"
kinds riverside >k.txt
lacks k.txt "confirmation"

# An out-of-office reply is never acted on, even with "done" in it.
make auto dana@childrens.example.org reminder
expect 0 inbox --now 2026-01-30T13:00
contains out.txt "auto-reply"
kinds riverside >k.txt
lacks k.txt "confirmation"

# Dana replies "done yesterday" above the quoted reminder: the check-in
# is logged, the invite cancelled for everyone, and Dana is told.
make text dana@childrens.example.org reminder "done yesterday Great call about referrals"
expect 0 run --now 2026-01-31T08:00
kinds riverside >k.txt
contains k.txt "confirmation:dana@childrens.example.org:sent"
contains k.txt "cancel:maria@riverside.example.com:sent"
contains k.txt "cancel:tom@riverside.example.com:sent"
expect 0 partner show riverside
contains out.txt "2026-01-30 by dana@childrens.example.org: Great call about referrals"
grep -l "^Subject: Re: check-in with Riverside" outbox/new/* >conf.txt ||
	fail "no confirmation in the Maildir"
checks=$((checks + 1))
grep -q "Logged your check-in with Riverside Pediatric Clinic" $(cat conf.txt) ||
	fail "the confirmation does not say what was logged"

# A line that is not a command gets one reply saying what is understood.
make text dana@childrens.example.org confirmation "Thanks so much!"
expect 0 inbox --now 2026-01-31T09:00
contains out.txt "not done: unknown command"

# Snooze by email: held, shown, and nothing is sent until then.
make text dana@childrens.example.org confirmation "snooze 3 weeks"
expect 0 inbox --now 2026-01-31T10:00
contains out.txt "held until"
expect 0 status --now 2026-02-10T10:00
contains out.txt "snoozed until 2026-02-21"
expect 0 snooze riverside --clear
expect 0 snooze riverside until 2026-03-10 --now 2026-03-01
contains err.txt "held until Tuesday, 10 March 2026"
expect 0 status --now 2026-03-05T10:00
contains out.txt "snoozed until 2026-03-10"
expect 0 run --dry-run --now 2026-03-05T10:00
lacks out.txt "overdue"
expect 65 snooze riverside until 2025-01-01
contains err.txt "not after today"
expect 64 snooze riverside

# A note by email lands in the partner's notes.
make text dana@childrens.example.org confirmation "note Their new director starts in March"
expect 0 inbox --now 2026-01-31T11:00
expect 0 partner show riverside
contains out.txt "Their new director starts in March"

# A bounce of Tom's cancel: marked bounced, and Tom is left off invites.
make dsn tom@riverside.example.com cancel
expect 0 inbox --now 2026-01-31T12:00
contains out.txt "bounced"
kinds riverside >k.txt
contains k.txt "cancel:tom@riverside.example.com:bounced"
expect 0 partner show riverside
contains out.txt "address bounced on"
expect 0 outbox riverside --state bounced
contains out.txt "5.1.1"

# Not mail at all: left in the inbox, reported, exit 65.
make junk
expect 65 inbox --now 2026-01-31T13:00
checks=$((checks + 1))
[ -n "$(ls inbox/new)" ] || fail "the unreadable message was moved"
rm -f inbox/new/*

# receive from an MTA pipe: a locked database is 75 (the MTA retries),
# and the retry succeeds; the same message again changes nothing.
make reply tom@riverside.example.com ACCEPTED 0 2026-01-31T20:00:00+00:00
msg=$(cat made.txt)
hold touchbase.db all
checks=$((checks + 1))
"$TOUCHBASE" receive --now 2026-01-31T21:00 <"$msg" >out.txt 2>err.txt
[ $? = 75 ] || fail "receive with a locked database did not exit 75"
stop_bg
checks=$((checks + 1))
"$TOUCHBASE" receive --now 2026-01-31T21:05 <"$msg" >out.txt 2>err.txt ||
	fail "receive did not succeed once the lock was gone"
checks=$((checks + 1))
"$TOUCHBASE" -v receive --now 2026-01-31T21:10 <"$msg" >out.txt 2>err.txt ||
	fail "receive of the same message again failed"
contains out.txt "already processed"
checks=$((checks + 1))
printf 'not mail\0at all' | "$TOUCHBASE" receive >out.txt 2>err.txt ||
	fail "receive of junk must exit 0, not bounce it to a stranger"

# inbox.subaddress: the owner's Reply-To and the envelope sender carry the
# token, so a reply from a client that drops In-Reply-To still counts.
printf '[inbox]\nsubaddress = yes\n' >>touchbase.conf
expect 0 partner add "Bayview Health" --key bayview \
	--owner "Dana Lee <dana@childrens.example.org>" --cadence weekly \
	--start 2026-02-02
rm -rf outbox
expect 0 run --now 2026-02-05T08:00
checks=$((checks + 1))
/usr/bin/python3 - outbox <<'PY' >token.txt || fail "no subaddressed Reply-To"
import email, email.policy, glob, sys
for path in glob.glob(sys.argv[1] + "/new/*"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    if "Bayview" in str(m["Subject"]):
        addr = m["Reply-To"].addresses[0].addr_spec
        assert addr.startswith("partnerships+") and addr.endswith("@childrens.example.org"), addr
        assert m["Message-ID"].strip("<>").split("@")[0] == addr.split("+")[1].split("@")[0]
        print(addr)
        break
else:
    sys.exit("no message about Bayview")
PY
checks=$((checks + 1))
/usr/bin/python3 - "$(cat token.txt)" <<'PY' || fail "could not write the reply"
import email.message, email.policy, sys, time
m = email.message.EmailMessage(policy=email.policy.SMTP)
m["From"] = "Dana Lee <dana@childrens.example.org>"
m["To"] = sys.argv[1]
m["Subject"] = "done"
m["Message-ID"] = "<%d.noreply@mail.example.net>" % time.time_ns()
m.set_content("done\n")
open("inbox/new/subaddressed", "wb").write(m.as_bytes())
PY
expect 0 inbox --now 2026-02-05T09:00
contains out.txt "Logged your check-in with Bayview Health"

finish
