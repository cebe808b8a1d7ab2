#!/bin/sh
# Build a demo database on the built-in defaults in the current directory
# (./touchbase.db, mail into ./outbox) from examples/partners.csv, with
# check-ins dated relative to today so that the partners are in a mix of
# states whenever the demo runs, then run the main job: reminders with
# calendar invites, overdue notices and escalations land in ./outbox.
# Then the leaders' views: the HTML report (./report.html), the digest
# and the calendar feed (./checkins.ics).
# usage: demo.sh TOUCHBASE EXAMPLES_DIR
set -eu
tb=$1
examples=$2
ago() { date -d "-$1 days" +%Y-%m-%d; }

rm -rf touchbase.db touchbase.db-wal touchbase.db-shm outbox
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
"$tb" report --html --output report.html
"$tb" ics >checkins.ics
echo
echo "Read them with a mail client, e.g.  mutt -f $(pwd)/outbox"
echo "or see one message exactly:         touchbase preview riverside-peds"
echo "Leaders' report, one page:          $(pwd)/report.html"
echo "Calendar feed of check-ins:         $(pwd)/checkins.ics"
echo "The weekly digest:                  touchbase digest"
