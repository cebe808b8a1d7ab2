#!/bin/sh
# Build a demo database on the built-in defaults in the current directory
# (./touchbase.db, mail into ./outbox) from examples/partners.csv, with
# check-ins dated relative to today so that the partners are in a mix of
# states whenever the demo runs, then run the main job: reminders with
# calendar invites, overdue notices and escalations land in ./outbox.
# Then answers come back into ./inbox (an Accept, an owner's "done", a
# bounce) and touchbase reads them.  Then the leaders' views: the HTML
# report (./report.html), the digest and the calendar feed
# (./checkins.ics).
# usage: demo.sh TOUCHBASE EXAMPLES_DIR
set -eu
tb=$1
examples=$2
ago() { date -d "-$1 days" +%Y-%m-%d; }

rm -rf touchbase.db touchbase.db-wal touchbase.db-shm outbox inbox
"$tb" init
"$tb" import "$examples/partners.csv"
# A few histories: recent, on time, slipping and long neglected.
"$tb" checkin riverside-peds --date "$(ago 30)" --by dana.lee@childrens.example.org --note "Reviewed referral turnaround times"
"$tb" checkin valley-health --date "$(ago 95)" --by sam.okafor@childrens.example.org --note "NICU transfer agreement review"
"$tb" checkin clinica-sao-jose --date "$(ago 12)" --note "Telehealth schedule for December"
"$tb" checkin harbor-fqhc --date "$(ago 20)" --note "Asthma programme enrolment numbers"
"$tb" checkin st-brigid --date "$(ago 70)" --note "Grant application timeline"
"$tb" checkin mountain-rural --date "$(ago 60)"
"$tb" checkin lakeside-rehab --date "$(ago 58)" --note "Placement backlog"
"$tb" checkin kinder-foundation --date "$(ago 3)" --by dana.lee@childrens.example.org --note "Housing programme site visit"
"$tb" checkin bayview-pharmacy --date "$(ago 40)"
echo
"$tb" status
echo
"$tb" run
n=$(find outbox/new -type f | wc -l)
echo
echo "touchbase run wrote $n messages into the Maildir $(pwd)/outbox:"
/usr/bin/python3 - outbox <<'PY'
import email, email.policy, mailbox, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in sorted(box.keys()):
    m = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    print("  %-34s %s" % (m["To"].addresses[0].addr_spec, m["Subject"]))
PY
# The loop closes: a partner contact accepts an invite, an owner replies
# "done" to a reminder, and one message bounces; the answers land in the
# Maildir ./inbox, where touchbase reads them (run does it first too).
rm -rf inbox
"$tb" outbox --json | /usr/bin/python3 -c '
import email.message, email.policy, email.utils, json, os, sys, time
rows = json.load(sys.stdin)["messages"]
for d in ("tmp", "new", "cur"):
    os.makedirs(os.path.join("inbox", d), exist_ok=True)
def put(name, m):
    open(os.path.join("inbox", "new", "%d.%s.demo" % (time.time(), name)), "wb").write(m.as_bytes())
def answer(row, sender, subject):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"], m["Subject"] = sender, "partnerships@childrens.example.org", subject
    m["Date"] = email.utils.formatdate()
    m["Message-ID"] = email.utils.make_msgid(domain="mail.example.net")
    m["In-Reply-To"] = m["References"] = "<%s>" % row["message_id"]
    return m
inv = [r for r in rows if r["kind"] == "invitation"]
if inv:
    r = inv[0]
    m = answer(r, r["recipient"], "Accepted: Check-in")
    m.set_content("Accepted.")
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//demo//EN\r\nMETHOD:REPLY\r\n"
           "BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%d\r\nDTSTAMP:%s\r\n"
           "ATTENDEE;PARTSTAT=ACCEPTED:mailto:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
           % (r["uid"], r["sequence"], time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()), r["recipient"]))
    m.add_alternative(cal, subtype="calendar", params={"method": "REPLY"})
    put("accept", m)
own = [r for r in rows if r["kind"] in ("reminder", "overdue")]
if own:
    r = own[-1]
    m = answer(r, r["recipient"], "Re: check-in")
    m.set_content("done yesterday Good call, they want to expand the programme\n\n"
                  "On Monday, Partnerships Office wrote:\n> Hello,\n")
    put("done", m)
if len(inv) > 1 or own:
    r = inv[1] if len(inv) > 1 else own[0]
    dsn = ("From: MAILER-DAEMON@mail.example.net\r\nTo: partnerships@childrens.example.org\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\nDate: %s\r\n"
           "Message-ID: <%d.bounce@mail.example.net>\r\nAuto-Submitted: auto-replied\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
           "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
           "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.net\r\n\r\n"
           "Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n"
           "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
           "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nTo: %s\r\n\r\n--B--\r\n"
           % (email.utils.formatdate(), time.time_ns(), r["recipient"], r["message_id"], r["recipient"]))
    open(os.path.join("inbox", "new", "%d.bounce.demo" % time.time()), "wb").write(dsn.encode())
'
echo
echo "Answers came back into $(pwd)/inbox; touchbase inbox reads them:"
"$tb" inbox
"$tb" run
echo
"$tb" status
"$tb" report --html --output report.html
"$tb" ics >checkins.ics
echo
echo "The messages and their states:      touchbase outbox"
echo "See one message exactly:            touchbase preview riverside-peds"
echo "Any mail client reads the Maildir:  mutt -f $(pwd)/outbox (if installed)"
echo "Leaders' report, one page:          $(pwd)/report.html"
echo "Calendar feed of check-ins:         $(pwd)/checkins.ics"
echo "The weekly digest:                  touchbase digest"
