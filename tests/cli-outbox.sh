#!/bin/sh
# The outbox as an admin sees it: outbox, retry and discard; one stage
# rule for status and run (a partner without a sponsor); a contact
# invited again after a cancel stays on the invite; and the exit code
# when one message fails for good while another is deferred.
. "${srcdir:-.}/tests/lib.sh"

cat >touchbase.conf <<'CONF'
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Chicago
skip_weekends = no
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# json_field FILE EXPR: evaluate EXPR over the JSON in FILE (as j).
json_check() {
	checks=$((checks + 1))
	/usr/bin/python3 -c "import json, sys; j = json.load(open('$1'))['messages']; assert $2, j" ||
		fail "$1: $2"
}

expect 0 init
expect 0 partner add "Riverside Pediatric Clinic" --key riverside \
	--owner "Dana Lee <dana@example.org>" --cadence monthly \
	--start 2026-01-05
expect 0 contact add riverside "Tom Park" tom@riverside.example.com --invite
# Due 2026-01-05 + 1 week = 01-12; 23 days late on 02-04, no sponsor.
expect 0 partner add "Lone Star Clinic" --key lonestar \
	--owner sam@example.org --cadence weekly --start 2026-01-05

# One rule: without a sponsor, status says overdue and run sends the
# overdue notice, never an escalation.
expect 0 status --now 2026-02-04T12:00
contains out.txt "overdue  lonestar"
lacks out.txt "escalated"
expect 0 run --dry-run --now 2026-02-04T12:00
contains out.txt "would-send  overdue    lonestar"
lacks out.txt "escalation"

# The invite goes out; the outbox lists it.
expect 0 run --now 2026-01-29T12:00
expect 0 outbox
contains out.txt "REPLY OR ERROR"
checks=$((checks + 1))
grep -Eq '^[0-9]+ +sent +invitation +riverside +tom@riverside.example.com ' out.txt ||
	fail "outbox does not list the invitation to Tom"
expect 0 outbox riverside --json
json_check out.txt 'len(j) == 2 and {r["kind"] for r in j} == {"reminder", "invitation"}'
json_check out.txt 'all(r["state"] == "sent" and r["sent_at"] and r["uid"] and r["attempts"] == 1 for r in j)'
json_check out.txt 'all(r["message_id"].endswith("@childrens.example.org") and "riverside" not in r["message_id"] for r in j)'
expect 0 outbox --state failed
contains err.txt "no such message"
expect 64 outbox --state nonsense
contains err.txt "pending, sending, sent"
expect 0 outbox --since 2026-01-30
contains err.txt "no such message"

# Tom is dropped (a cancel), then invited again: his invitation comes
# with a SEQUENCE above the cancel's, and the next update reaches him.
expect 0 contact edit riverside tom@riverside.example.com --no-invite
expect 0 run --now 2026-01-30T12:00
expect 0 contact edit riverside tom@riverside.example.com --invite
expect 0 run --now 2026-01-31T12:00
expect 0 outbox riverside --json
json_check out.txt '[(r["kind"], r["sequence"]) for r in j if r["recipient"] == "tom@riverside.example.com"] == [("invitation", 0), ("cancel", 1), ("invitation", 2)]'
expect 0 partner edit riverside --cadence "every 5 weeks"
expect 0 run --now 2026-02-01T12:00
expect 0 outbox riverside --json
json_check out.txt '[r["sequence"] for r in j if r["kind"] == "update" and r["recipient"] == "tom@riverside.example.com"] == [3]'
json_check out.txt '[r["sequence"] for r in j if r["kind"] == "update" and r["recipient"] == "dana@example.org"] == [3]'

# A sendmail that refuses everything: an overdue notice fails for good.
expect 0 partner add "Crestview" --key crestview --owner sam@example.org \
	--cadence weekly --start 2026-01-19
cat >refuse.sh <<'SH'
#!/bin/sh
cat >/dev/null
echo "550 5.1.1 mailbox unavailable" >&2
exit 1
SH
chmod +x refuse.sh
cat >>touchbase.conf <<CONF
[delivery]
transport = sendmail
sendmail = $work/refuse.sh
CONF
expect 65 run --now 2026-02-04T12:00
expect 0 outbox crestview --state failed --json
json_check out.txt 'len(j) == 1 and j[0]["kind"] == "overdue"'
failed_id=$(/usr/bin/python3 -c 'import json; print(json.load(open("out.txt"))["messages"][0]["id"])')
failed_mid=$(/usr/bin/python3 -c 'import json; print(json.load(open("out.txt"))["messages"][0]["message_id"])')
# A later run does not send it again by itself.
expect 0 run --now 2026-02-04T13:00
expect 0 outbox crestview --state failed
contains out.txt "overdue"

# The admin fixes delivery and retries: the same message is sent.
sed -i '/^\[delivery\]/,$d' touchbase.conf
expect 0 retry --failed
contains out.txt "retried $failed_id: overdue crestview to sam@example.org (failed, now pending)"
expect 0 outbox crestview --state pending
contains out.txt "$failed_id"
expect 0 run --now 2026-02-04T14:00
checks=$((checks + 1))
grep -l "^Message-Id: <$failed_mid>" outbox/new/* >/dev/null 2>&1 ||
	fail "the retried message did not go out with its Message-ID"
expect 65 retry "$failed_id"
contains err.txt "is sent: only a failed or deferred message can be retried"
expect 65 discard "$failed_id"
contains err.txt "only a message not yet sent can be discarded"
expect 64 retry
expect 64 retry --failed riverside
expect 64 discard
expect 64 discard seven
contains err.txt "\"seven\" is not a message id"
expect 65 discard 99999
contains err.txt "no message 99999"
expect 0 retry crestview
contains err.txt "nothing to retry"

# Discard: a pending message is settled and never sent.
expect 0 partner add "Hilltop" --key hilltop --owner hill@example.org \
	--cadence weekly --start 2026-01-19
expect 0 run --dry-run --now 2026-02-04T15:00
expect 0 -q outbox hilltop
checks=$((checks + 1))
[ ! -s out.txt ] || fail "hilltop has messages before planning"

# A permanent failure wins the exit code over a deferral (65, not 75).
cat >mixed.sh <<'SH'
#!/bin/sh
msg=$(cat)
case $msg in
*"To: sam@example.org"*) echo "451 try later" >&2; exit 75 ;;
esac
echo "550 no such user" >&2
exit 1
SH
chmod +x mixed.sh
cat >>touchbase.conf <<CONF
[delivery]
transport = sendmail
sendmail = $work/mixed.sh
CONF
expect 0 partner add "Bayview" --key bayview --owner sam@example.org \
	--cadence weekly --start 2026-01-19
expect 65 run --now 2026-02-04T16:00
contains err.txt "deferred 1"
contains err.txt "failed 1"
expect 0 outbox hilltop --state failed
contains out.txt "hilltop"
hill_id=$(/usr/bin/python3 -c 'import json, subprocess, os
j = json.loads(subprocess.run([os.environ["TOUCHBASE"], "outbox", "hilltop", "--json"], capture_output=True).stdout)["messages"]
print(j[0]["id"])')
expect 0 discard "$hill_id"
contains out.txt "discarded $hill_id: overdue hilltop to hill@example.org (failed, now skipped)"
expect 0 outbox hilltop --json
json_check out.txt 'j[0]["state"] == "skipped" and j[0]["last_error"] == "discarded by hand"'

finish
