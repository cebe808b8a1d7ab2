#!/bin/sh
# touchbase report --html: options and errors, then the page of 5 and of
# 500 partners rendered by headless Chromium: no console messages (the
# page's Content-Security-Policy reports any script or outside resource
# there), one chart bar per active partner in the DOM, and screenshots
# left in the build tree for people to look at.
. "${srcdir:-.}/tests/lib.sh"

chromium=/usr/bin/chromium
[ -x "$chromium" ] || chromium=$(command -v chromium) ||
	{ echo "chromium is not installed (Debian package chromium)"; exit 77; }
shots="${top_builddir:-$work}/tests"
mkdir -p "$shots"

# A sendmail that defers mail to j.okafor and refuses mail to p.natarajan
# (or, once ./outage exists, defers everything), so that the outbox keeps
# undelivered rows with their errors.
cat >sendmail.sh <<EOF
#!/bin/sh
headers=\$(sed '/^\$/q')
cat >/dev/null
[ -e "$work/outage" ] && { echo "421 4.3.2 system not accepting mail" >&2; exit 75; }
EOF
cat >>sendmail.sh <<'EOF'
to() { printf '%s\n' "$headers" | grep -q "^To:.*$1"; }
if to 'j\.okafor@'; then
	echo "451 4.3.0 mailbox busy, try later" >&2
	exit 75
elif to 'p\.natarajan@'; then
	echo "550 5.1.1 <p.natarajan@childrens.example.org>: no such user & \"gone\"" >&2
	exit 67
fi
exit 0
EOF
chmod +x sendmail.sh
cat >touchbase.conf <<CONF
[delivery]
transport = sendmail
sendmail = $work/sendmail.sh -t -i
[smtp]
from = Children's Hospital of the Valley <partnerships@childrens.example.org>
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"
now=2026-06-15

# browse ARGS... URL: headless Chromium with a new empty profile and
# nothing fetched in the background; its log goes to browser.log.
browse() {
	rm -rf profile
	mkdir profile
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" 2>browser.log
}

# console PAGE: Chromium logged no console message for PAGE.
console() {
	checks=$((checks + 1))
	if grep -q ':CONSOLE' browser.log; then
		fail "console messages while showing $1"
		grep ':CONSOLE' browser.log | sed 's/^/  | /' >&2
	fi
}

# render PAGE PARTNERS: the DOM has one bar per partner, and no console
# message came while building it.
render() {
	checks=$((checks + 1))
	browse --dump-dom "file://$work/$1" >dom.html ||
		fail "chromium could not show $1"
	console "$1"
	checks=$((checks + 1))
	bars=$(grep -o 'class="bar"' dom.html | wc -l)
	[ "$bars" = "$2" ] || fail "$1: $bars bars in the DOM, wanted $2"
}

# screenshot PAGE NAME WIDTH,HEIGHT: $shots/NAME.png.
screenshot() {
	checks=$((checks + 1))
	rm -f "$shots/$2.png"
	browse --screenshot="$shots/$2.png" --window-size="$3" \
		"file://$work/$1" >/dev/null
	console "$1"
	[ -s "$shots/$2.png" ] || fail "no screenshot $shots/$2.png"
}

# First make sure a console message would be seen: a page with a script
# and an outside image under the report's policy.
cat >bad.html <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
</head><body><script>console.log("ran")</script>
<img src="http://192.0.2.1/x.png" alt=""></body></html>
EOF
checks=$((checks + 1))
browse --dump-dom "file://$work/bad.html" >/dev/null
grep -q ':CONSOLE' browser.log ||
	fail "chromium logs no console messages: the checks below would see nothing"

# Five partners, one archived, in every state on 2026-06-15 (weekends
# skipped, lead_days 7, grace_days 3, escalate_after_days 14).
cat >five.csv <<'CSV'
key,name,owner_email,owner_name,sponsor_email,cadence,start_date,tier,notes,archived
riverside,Riverside Pediatric Clinic,dana.lee@childrens.example.org,Dana Lee,cmo@childrens.example.org,monthly,2026-01-05,1,Referral pathway for NICU follow-up,no
mercy,"Mercy ""Hope"" <Foundation> & Co",j.okafor@childrens.example.org,Jamal Okafor,,monthly,2026-05-06,2,<script>alert(1)</script>,no
valley,Valley Health System,p.natarajan@childrens.example.org,Priya Natarajan,,quarterly,2026-03-20,1,,no
hope,Clínica São José,e.rossi@childrens.example.org,Elena Rossi,,weekly,2026-06-01,,,no
north,Northside Family Practice,dana.lee@childrens.example.org,Dana Lee,,every 2 months,2026-06-01,3,,no
closed,Closed Clinic,t.becker@childrens.example.org,Tom Becker,,monthly,2026-01-05,,,yes
CSV
expect 0 init
expect 0 import five.csv
expect 0 checkin hope --date 2026-06-12
"$TOUCHBASE" run --now "$now" >/dev/null 2>&1

# Options and errors.
# HTML is the default: --html may be left out.
expect 0 report
contains out.txt "<!DOCTYPE html>"
expect 0 report --help
contains out.txt "usage: touchbase report [--html] [--now DATETIME] [--output FILE]"
expect 64 report --html --bogus
expect 64 report --html extra
expect 64 report --html --now yesterday
contains err.txt "--now"
expect 73 report --html --output "$work/no/such/dir/r.html"
contains err.txt "$work/no/such/dir/r.html"
expect 66 -d missing.db report --html
contains err.txt "missing.db"
expect 0 report --html --now "$now"
contains out.txt "<!DOCTYPE html>"

# --output replaces the file whole, leaves no temporary file behind, and
# makes it as readable as the umask allows.
umask 022
echo old >report-5.html
expect 0 report --html --now "$now" --output report-5.html
checks=$((checks + 1))
[ -s out.txt ] && fail "report --output wrote to standard output"
checks=$((checks + 1))
[ "$(ls | grep -c '^report-5\.html')" = 1 ] ||
	fail "report --output left a temporary file: $(ls)"
checks=$((checks + 1))
[ "$(stat -c %a report-5.html)" = 644 ] ||
	fail "report-5.html has mode $(stat -c %a report-5.html)"
contains report-5.html "Children&#39;s Hospital of the Valley"
contains report-5.html "Mercy &quot;Hope&quot; &lt;Foundation&gt; &amp; Co"
contains report-5.html "&lt;script&gt;alert(1)&lt;/script&gt;"
contains report-5.html "Clínica São José"
contains report-5.html "no such user &amp; &quot;gone&quot;"
contains report-5.html "mailbox busy, try later"
contains report-5.html "<strong>4 of 5</strong> partnerships need attention"
lacks report-5.html "Closed Clinic"
lacks report-5.html "<script"
lacks report-5.html "<b>"
render report-5.html 5
screenshot report-5.html report-5 1280,1800
screenshot report-5.html report-5-phone 390,1600

# 500 partners, most on track, some due, overdue or escalated, spread
# over 12 owners, a tenth never checked in with.
/usr/bin/python3 - >five-hundred.csv <<'EOF'
import datetime
today = datetime.date(2026, 6, 15)
owners = ["Dana Lee", "Marcus Webb", "Priya Natarajan", "Jamal Okafor",
          "Elena Rossi", "Tom Becker", "Aisha Khan", "Luis Ortega",
          "Grace Kim", "Omar Haddad", "Sofia Lind", "Ben Carter"]
kinds = ["Pediatric Clinic", "Health System", "Family Medicine",
         "Children's Foundation", "Community Health Center", "Hospice",
         "Rehabilitation Center", "School Health Services"]
cadences = [("monthly", 30), ("quarterly", 91), ("every 6 weeks", 42)]
print("key,name,owner_email,owner_name,sponsor_email,cadence,start_date,"
      "last_checkin")
for i in range(500):
    owner = owners[i % len(owners)]
    email = owner.lower().replace(" ", ".") + "@childrens.example.org"
    cadence, days = cadences[i % 3]
    # days past due: half on track, then due, overdue and escalated
    late = [-int(days * 0.8), -int(days * 0.6), -max(8, days // 2),
            -max(9, days // 3), -max(10, days // 4), -3, 1, 6, 25,
            150][i % 10]
    last = today - datetime.timedelta(days=days + late)
    start = last - datetime.timedelta(days=90)
    checkin = "" if i % 10 == 7 else last.isoformat()
    if not checkin:
        start = last
    print(f"p{i:03d},{kinds[i % len(kinds)]} {i:03d},{email},{owner},"
          f"cmo@childrens.example.org,{cadence},{start},{checkin}")
EOF
rm -f touchbase.db
touch outage
expect 0 init
expect 0 import five-hundred.csv
"$TOUCHBASE" run --now "$now" >/dev/null 2>&1
expect 0 report --html --now "$now" --output report-500.html
contains report-500.html "<svg class=\"chart compact\""
contains report-500.html "The oldest 100 are shown"
render report-500.html 500
screenshot report-500.html report-500 1280,1800

finish
