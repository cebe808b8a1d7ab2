#!/bin/sh
# touchbase digest end to end: the printed digest, the weekly one that run
# sends once per ISO week, one per owner with digest.owners, digest --send,
# and the digest over a real SMTP server on 127.0.0.1.  Every message is
# parsed back with Python's email package.
. "${srcdir:-.}/tests/lib.sh"

# configure [EXTRA]: the [digest] section gets EXTRA lines.
configure() {
	cat >touchbase.conf <<CONF
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[digest]
$1
CONF
}
configure "to = Leadership <leadership@childrens.example.org>
weekday = wednesday"
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# On Wednesday 2026-11-25 (2026-W48), with the default windows: one
# partner escalated, one overdue, one due, one healthy; Ana owns two,
# Bob two.
cat >partners.csv <<'CSV'
key,name,owner_email,owner_name,sponsor_email,cadence,start_date,last_checkin
esc,Clínica São José,ana@example.org,Ana Silva,cmo@example.org,monthly,2026-10-01,
over,Riverside Pediatric Clinic,bob@example.org,Bob Ray,,weekly,2026-11-13,
due,Hope Foundation,ana@example.org,Ana Silva,,weekly,2026-11-06,2026-11-20
ok,Lakeview Health System,bob@example.org,Bob Ray,,quarterly,2026-11-02,2026-11-02
CSV
expect 0 init
expect 0 import partners.csv

# section FILE HEADING: the lines of the text digest under HEADING.
section() {
	sed -n "/^$2 (/,/^\$/p" "$1" >section.txt
}

# The printed digest: groups, owners, last check-ins, counts.
expect 0 digest --now 2026-11-25
cp out.txt printed.txt
contains printed.txt "Subject: Partnership digest 2026-W48: 1 escalated, 1 overdue, 1 due this week"
contains printed.txt "Covering all partnerships: 4 in all."
section printed.txt ESCALATED
contains section.txt "* Clínica São José (Ana Silva)"
contains section.txt "23 days overdue, due 2026-11-02"
contains section.txt "no check-in on record"
section printed.txt OVERDUE
contains section.txt "* Riverside Pediatric Clinic (Bob Ray)"
contains section.txt "5 days overdue, due 2026-11-20"
lacks section.txt "Hope Foundation"
section printed.txt "DUE THIS WEEK"
contains section.txt "* Hope Foundation (Ana Silva), due 2026-11-27"
contains section.txt "last check-in 2026-11-20, 5 days ago"
section printed.txt HEALTHY
contains section.txt "* Lakeview Health System (Bob Ray), next due 2027-02-02"
contains section.txt "last check-in 2026-11-02, 23 days ago"
lacks section.txt "Riverside"
# Only one owner's partners, whatever the case of the address.
expect 0 digest --owner BOB@example.org --now 2026-11-25
contains out.txt "Covering partnerships owned by Bob Ray: 2 in all."
contains out.txt "Riverside Pediatric Clinic"
lacks out.txt "Clínica"
expect 65 digest --owner nobody@example.org
contains err.txt "nobody@example.org owns no active partner"
expect 64 digest extra
expect 0 digest --help
contains out.txt "--send"
contains out.txt "also delivers any other mail"
expect 0 check
contains out.txt "templates:     all valid"

# digests [MAILDIR]: "OCCURRENCE SCOPE TO" for each digest, sorted.
digests() {
	/usr/bin/python3 - "${1:-outbox}" <<'PY'
import email, email.policy, glob, sys
import outbox_index
index = outbox_index.load()
lines = []
for path in glob.glob(sys.argv[1] + "/new/*"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    row = outbox_index.of(index, m)
    occurrence, scope, kind = row["occurrence"], row["partner"], row["kind"]
    if kind == "digest":
        lines.append("%s %s %s" % (occurrence, scope, m["To"].addresses[0].addr_spec))
print("\n".join(sorted(lines)))
PY
}

# count_digests N WHEN: the Maildir holds N digests after WHEN.
count_digests() {
	checks=$((checks + 1))
	n=$(digests | grep -c .)
	[ "$n" = "$1" ] || { fail "$n digests after $2, wanted $1"; digests >&2; }
}

# run: only on or after the weekday, once per ISO week.
expect 0 run --now 2026-11-24
count_digests 0 "Tuesday"
expect 0 run --now 2026-11-25
count_digests 1 "Wednesday"
expect 0 run --now 2026-11-25T18:00
count_digests 1 "a second run on Wednesday"
expect 0 run --now 2026-11-26
count_digests 1 "Thursday of the same week"
expect 0 run --now 2026-11-30
count_digests 1 "Monday of the next week"
# The next Wednesday was missed: Thursday sends that week's digest.
expect 0 run --now 2026-12-03
count_digests 2 "Thursday after a missed Wednesday"
expect 0 run --now 2026-12-04
count_digests 2 "Friday"
checks=$((checks + 1))
[ "$(digests)" = "2026-W48 all leadership@childrens.example.org
2026-W49 all leadership@childrens.example.org" ] ||
	fail "digests: $(digests)"

# The Wednesday digest, parsed: headers, parts, and each partner under
# its group with its owner, in both parts.
checks=$((checks + 1))
/usr/bin/python3 - outbox <<'PY' || fail "the digest of 2026-W48 is not as expected"
import email, email.policy, glob, re, sys
import outbox_index
index = outbox_index.load()
msg = None
for path in glob.glob(sys.argv[1] + "/new/*"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    if outbox_index.names(index, m) == ("2026-W48", "all", "digest"):
        msg = m
assert msg is not None, "no digest for 2026-W48"
assert str(msg["Subject"]) == \
    "Partnership digest 2026-W48: 1 escalated, 1 overdue, 1 due this week", msg["Subject"]
assert [a.addr_spec for a in msg["To"].addresses] == ["leadership@childrens.example.org"]
assert msg["From"].addresses[0].addr_spec == "partnerships@childrens.example.org"
assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
parts = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
assert parts == ["text/plain", "text/html"], parts
text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
html = msg.get_body(("html",)).get_content()
# Text: the block under each heading.
groups = dict(re.findall(r"^([A-Z ]+) \(\d+\)\n(.*?)\n\n", text, re.M | re.S))
assert "Riverside Pediatric Clinic (Bob Ray)" in groups["OVERDUE"], groups
assert "Clínica São José (Ana Silva)" in groups["ESCALATED"], groups
assert "Riverside" not in groups["ESCALATED"] + groups["HEALTHY"], groups
# HTML: what follows each <h2> up to the next one.
sections = {}
for chunk in re.split(r"<h2\b", html)[1:]:
    title = re.sub(r"<[^>]+>", "", chunk.split(">", 1)[1]).split("(")[0].strip()
    sections[title] = chunk
assert set(sections) == {"Escalated", "Overdue", "Due this week", "Healthy"}, list(sections)
assert "Riverside Pediatric Clinic" in sections["Overdue"]
assert "Bob Ray" in sections["Overdue"]
assert "mailto:bob@example.org" in sections["Overdue"]
assert "5 days" in sections["Overdue"]
assert "Clínica São José" in sections["Escalated"]
assert "Riverside" not in sections["Escalated"] + sections["Healthy"]
assert "No check-in on record" in sections["Escalated"]
PY

# digest --send: now, whatever the day; the same --now again is the same
# digest and sends nothing new.
expect 0 digest --send --now 2026-12-04T10:00
count_digests 3 "digest --send"
expect 0 digest --send --now 2026-12-04T10:00
count_digests 3 "digest --send again at the same moment"
contains_digest() {
	checks=$((checks + 1))
	digests >digests.txt
	grep -qxF "$1" digests.txt || { fail "no digest \"$1\""; cat digests.txt >&2; }
}
contains_digest "2026-12-04T10:00:00Z all leadership@childrens.example.org"
expect 0 digest --send --owner bob@example.org --now 2026-12-04T11:00
contains_digest "2026-12-04T11:00:00Z owner bob@example.org"
count_digests 4 "digest --send --owner"

# digest.owners = yes: the leadership's digest and one per owner, each
# with only that owner's partners, instead of a reminder for each: Ana's
# new partner comes due on Monday 2026-12-14 (Saturday the 12th moves).
configure "to = Leadership <leadership@childrens.example.org>
weekday = wednesday
owners = yes"
expect 0 partner add "Northside Clinic" --owner "Ana Silva <ana@example.org>" \
	--cadence monthly --start 2026-11-12
expect 0 run --now 2026-12-09
count_digests 7 "run with owners = yes"
expect 0 outbox northside-clinic --json
lacks out.txt '"kind":"reminder"'
contains_digest "2026-W50 owner ana@example.org"
contains_digest "2026-W50 owner bob@example.org"
contains_digest "2026-W50 all leadership@childrens.example.org"
expect 0 run --now 2026-12-10
count_digests 7 "the day after, with owners = yes"
checks=$((checks + 1))
/usr/bin/python3 - outbox <<'PY' || fail "owners' digests hold other partners"
import email, email.policy, glob, sys
import outbox_index
index = outbox_index.load()
want = {
    "ana@example.org": ({"Clínica São José", "Hope Foundation",
                         "Northside Clinic"}, "Ana Silva"),
    "bob@example.org": ({"Riverside Pediatric Clinic", "Lakeview Health System"}, "Bob Ray"),
}
everyone = set().union(*(names for names, _ in want.values()))
seen = set()
for path in glob.glob(sys.argv[1] + "/new/*"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    if outbox_index.names(index, m) != ("2026-W50", "owner", "digest"):
        continue
    to = m["To"].addresses[0].addr_spec
    names, owner = want[to]
    for part in ("plain", "html"):
        body = m.get_body((part,)).get_content()
        for name in everyone:
            assert (name in body) == (name in names), (to, part, name)
    assert "partnerships owned by " + owner in m.get_body(("plain",)).get_content()
    seen.add(to)
assert seen == set(want), seen
PY

# Nowhere to send: a configuration error naming the key; printing still
# works, addressed to nobody in particular.
configure "weekday = wednesday"
expect 78 digest --send --now 2026-12-11
contains err.txt "[digest]"
contains err.txt "\"to\""
expect 0 digest --now 2026-12-11
contains out.txt "Partnership digest 2026-W50"

# Over SMTP: the weekly digest reaches a real server, addressed to
# digest.to in the envelope too.
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	rm -f port
	mkdir -p spool
	/usr/bin/python3 "$srcdir/tests/smtp_server.py" --port-file port \
		--spool spool 2>spool.log &
	bg_pid=$!
	for _ in $(seq 100); do
		[ -s port ] && break
		sleep 0.1
	done
	cat >touchbase.conf <<CONF
[delivery]
transport = smtp
[smtp]
url = smtp://127.0.0.1:$(cat port)
starttls = off
timeout = 5
from = Partnerships Office <partnerships@childrens.example.org>
[digest]
to = Leadership <leadership@childrens.example.org>
weekday = wednesday
CONF
	before=$(digests | grep -c .)
	expect 0 run --now 2026-12-16
	checks=$((checks + 1))
	[ "$(digests | grep -c .)" = "$before" ] ||
		fail "a digest went to the Maildir with transport = smtp"
	checks=$((checks + 1))
	/usr/bin/python3 - spool <<'PY' || fail "no digest arrived over SMTP"
import email, email.policy, glob, json, sys
import outbox_index
index = outbox_index.load()
found = []
for path in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    if outbox_index.names(index, m) == ("2026-W51", "all", "digest"):
        env = json.load(open(path[:-4] + ".json"))
        assert env["rcpt_tos"] == ["leadership@childrens.example.org"], env
        assert env["mail_from"] == "partnerships@childrens.example.org", env
        assert str(m["Subject"]).startswith("Partnership digest 2026-W51:"), m["Subject"]
        assert "Riverside Pediatric Clinic" in m.get_body(("html",)).get_content()
        found.append(path)
assert len(found) == 1, found
PY
	stop_bg
else
	echo "python3-aiosmtpd is not installed: the SMTP case is skipped"
fi

finish
