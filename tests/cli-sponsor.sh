#!/bin/sh
# Sponsors have names: given as "Name <email>" or --sponsor-name, in a CSV
# sponsor_name column, kept by export, and every message greets people by
# name, or without one, never by a bare address.
. "${srcdir:-.}/tests/lib.sh"

printf '[smtp]\nfrom = Office <office@example.org>\n' >office.conf
export TOUCHBASE_CONFIG="$work/office.conf"
expect 0 init
expect 0 partner add "Chen Clinic" --key chen --owner "Ana Silva <a@example.org>" \
    --sponsor "Dr. Chen <cmo@example.org>" --cadence monthly --start 2026-01-05
expect 0 partner show chen
contains out.txt "Sponsor:       Dr. Chen <cmo@example.org>"
# A bare address for another sponsor leaves no stale name behind.
expect 0 partner edit chen --sponsor vp@example.org
expect 0 partner show chen
contains out.txt "Sponsor:       vp@example.org"
expect 0 partner edit chen --sponsor-name "Vera Park"
expect 0 partner show chen
contains out.txt "Sponsor:       Vera Park <vp@example.org>"
expect 65 partner add "Nobody" --owner n@example.org --sponsor-name "No One"
contains err.txt "sponsor-name"
# Names from a spreadsheet; a partner with no owner name.
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,sponsor_email,sponsor_name,cadence,start_date
bare,Bare Health,b@example.org,,cfo@example.org,,monthly,2026-01-05
named,Named Health,n@example.org,Nia Obi,ceo@example.org,Sam Reyes,monthly,2026-01-05
CSV
expect 0 import partners.csv
expect 0 export
contains out.txt "sponsor_email,sponsor_name,"
contains out.txt "ceo@example.org,Sam Reyes,"
expect 0 export
cp out.txt exported.csv
mkdir again && cd again || exit 99
expect 0 init
expect 0 import ../exported.csv
expect 0 partner show named
contains out.txt "Sponsor:       Sam Reyes <ceo@example.org>"
cd .. || exit 99

# Escalations (2026-02-05 + escalate_after_days 14) and overdue notices.
expect 0 run --now 2026-02-20
/usr/bin/python3 - outbox >greetings.txt <<'PY' || fail "reading the Maildir"
import email, email.policy, mailbox, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in box.keys():
    msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    text = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    html = next(p for p in msg.walk() if p.get_content_type() == "text/html")
    hello = next(l for l in text.get_content().splitlines() if l.startswith("Hello"))
    hello_html = "Hello" + html.get_content().split("Hello", 1)[1].split("</p>", 1)[0]
    to = msg["To"].addresses[0]
    print("%s | %s | %s | %s" % (to.addr_spec, to.display_name, hello, hello_html))
PY
LC_ALL=C sort greetings.txt >sorted.txt
cat >expected.txt <<'EOF2'
ceo@example.org | Sam Reyes | Hello Sam Reyes, | Hello Sam Reyes,
cfo@example.org |  | Hello, | Hello,
vp@example.org | Vera Park | Hello Vera Park, | Hello Vera Park,
EOF2
checks=$((checks + 1))
diff expected.txt sorted.txt || fail "the escalations' greetings"
finish
