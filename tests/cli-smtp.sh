#!/bin/sh
# touchbase run against a real SMTP server on 127.0.0.1 (aiosmtpd):
# STARTTLS and AUTH as an admin configures them, every message delivered
# once across crashes and concurrent runs, deferral and retry, exit codes.
. "${srcdir:-.}/tests/lib.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	{ echo "python3-aiosmtpd is not installed"; exit 77; }
command -v openssl >/dev/null || { echo "openssl is not installed"; exit 77; }

# start_server SPOOL ARGS...: an aiosmtpd server on a free port ($port).
start_server() {
	spool=$1
	shift
	rm -rf "$spool" port
	mkdir -p "$spool"
	/usr/bin/python3 "$srcdir/tests/smtp_server.py" --port-file port \
		--spool "$spool" "$@" 2>"$spool.log" &
	bg_pid=$!
	for _ in $(seq 100); do
		[ -s port ] && break
		sleep 0.1
	done
	port=$(cat port)
}

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem \
	2>/dev/null || fail "openssl could not make a certificate"
printf '#!/bin/sh\necho "s3cret-Pa55"\n' >pass.sh
chmod 700 pass.sh

# configure URL [EXTRA]: write touchbase.conf as an admin would ($timeout:
# smtp.timeout, 5 when unset).
configure() {
	cat >touchbase.conf <<CONF
[delivery]
transport = smtp
[smtp]
url = $1
from = Partnerships Office <partnerships@childrens.example.org>
timeout = ${timeout:-5}
$2
CONF
	chmod 600 touchbase.conf
}
export TOUCHBASE_CONFIG="$work/touchbase.conf"

# Thirty partners, all due: a reminder each, and an invitation for ten.
{
	echo "key,name,owner_email,cadence,start_date,contact_name,contact_email,contact_invite,sponsor_email"
	for i in $(seq 10 39); do
		inv=no
		[ "$i" -lt 20 ] && inv=yes
		echo "p$i,Partner $i,owner$i@example.org,monthly,2026-01-05,Contact $i,c$i@example.com,$inv,sponsor$i@example.org"
	done
} >partners.csv

# messages SPOOL: the Message-IDs the server stored, one per line.
message_ids() {
	cat "$1"/*.eml 2>/dev/null | grep -i '^Message-Id:' | sed 's/^[^<]*//' |
		sort
}

# STARTTLS + AUTH with password_command, certificate checked via ca_file.
start_server spool1 --starttls cert.pem key.pem --auth "tb:s3cret-Pa55"
configure "smtp://127.0.0.1:$port" "starttls = required
user = tb
password_command = $work/pass.sh"
expect 0 init
expect 0 import partners.csv
expect 69 -v run --now 2026-01-30
contains err.txt "could not be verified"
checks=$((checks + 1))
[ -z "$(message_ids spool1)" ] || fail "a message went out over unverified TLS"
expect 0 status --now 2026-01-30
contains out.txt "Undelivered mail:"
configure "smtp://127.0.0.1:$port" "starttls = required
user = tb
password_command = $work/pass.sh
ca_file = $work/cert.pem"
before=$(cat spool1/connections)
# Deferred rows wait for their next attempt: run as if an hour later.
expect 0 -v run --now 2026-01-30T13:00
lacks err.txt "s3cret"
lacks out.txt "s3cret"
checks=$((checks + 1))
[ "$(message_ids spool1 | wc -l)" = 40 ] ||
	fail "$(message_ids spool1 | wc -l) messages received, wanted 40"
checks=$((checks + 1))
[ $(($(cat spool1/connections) - before)) -le 2 ] ||
	fail "$(($(cat spool1/connections) - before)) connections for one run (connections = 2)"
grep -q s3cret spool1.log && fail "the password reached the server log"
# Overdue notices and escalations go out too; every stored message parses.
expect 0 run --now 2026-02-09T13:00
expect 0 run --now 2026-02-20T13:00
checks=$((checks + 1))
[ "$(message_ids spool1 | wc -l)" = 100 ] ||
	fail "$(message_ids spool1 | wc -l) messages after overdue and escalation, wanted 100"
checks=$((checks + 1))
/usr/bin/python3 - spool1 <<'PY' || fail "stored messages do not parse"
import email, email.policy, glob, json, sys
import outbox_index
index = outbox_index.load()
kinds = {}
for path in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    env = json.load(open(path[:-4] + ".json"))
    kind = outbox_index.of(index, m)["kind"]
    kinds[kind] = kinds.get(kind, 0) + 1
    rcpt = [a.addr_spec for a in m["To"].addresses]
    rcpt += [a.addr_spec for a in m["Cc"].addresses] if m["Cc"] else []
    assert sorted(rcpt) == sorted(env["rcpt_tos"]), (rcpt, env)
    assert env["mail_from"] == "partnerships@childrens.example.org", env
    assert m.get_body(("plain",)).get_content().strip(), path
    if kind == "escalation":
        assert m["Cc"].addresses[0].addr_spec.startswith("owner"), m["Cc"]
assert kinds == {"reminder": 30, "invitation": 10, "overdue": 30,
                 "escalation": 30}, kinds
PY
stop_bg

# one_partner DB SPOOL [SERVER-OPTION...]: a server without TLS, and DB
# with one partner due on 2026-01-30.
one_partner() {
	db=$1
	shift
	start_server "$@"
	configure "smtp://127.0.0.1:$port" "starttls = off"
	expect 0 -d "$db" init
	expect 0 -d "$db" partner add "Partner of $db" --owner d@example.org \
		--start 2026-01-05
}

# A 451 defers (exit 75, shown by status); a later run delivers.
one_partner two.db spool2 --fail-first 1
expect 75 -d two.db run --now 2026-01-30
expect 0 -d two.db status --now 2026-01-30
contains out.txt "deferred"
contains out.txt "451"
expect 0 -d two.db run --now 2026-01-30T18:00
checks=$((checks + 1))
[ "$(message_ids spool2 | wc -l)" = 1 ] || fail "the deferred message was not delivered once"
stop_bg

# A server that keeps answering 451: retried until retry_max_hours after
# the message was planned, then failed (exit 65), with the reason shown.
start_server spool5 --reply-data 451
configure "smtp://127.0.0.1:$port" "starttls = off
[schedule]
retry_max_hours = 24"
expect 0 -d five.db init
expect 0 -d five.db partner add "Never Accepted" --owner n@example.org \
	--start 2026-01-05
expect 75 -d five.db run --now 2026-01-30T12:00
expect 75 -d five.db run --now 2026-01-30T20:00
expect 65 -d five.db run --now 2026-01-31T12:30
expect 0 -d five.db status --now 2026-01-31T12:30
contains out.txt "failed"
contains out.txt "gave up after 24 hours"
stop_bg

# Ten partners without invitations, all due: ten messages.
{ head -1 partners.csv; sed -n 12,21p partners.csv; } >ten.csv

# A server that demands a login touchbase was not given: a configuration
# problem (69, every message deferred, none failed), and the words say
# what to set.
start_server spool6 --reply-mail 530
configure "smtp://127.0.0.1:$port" "starttls = off"
expect 0 -d six.db init
expect 0 -d six.db import ten.csv
expect 69 -d six.db run --now 2026-01-30
contains err.txt "530 5.7.0 Authentication required"
contains err.txt "set smtp.user and smtp.password_command or smtp.password_file"
contains err.txt "failed 0"
expect 0 -d six.db outbox --state failed
lacks out.txt "reminder"
checks=$((checks + 1))
[ "$(ls spool6/*.eml 2>/dev/null | wc -l)" = 0 ] || fail "mail went out without a login"
stop_bg

# A server that refuses the sender: its reply is kept, not QUIT's "221".
one_partner seven.db spool7 --reply-mail 550
expect 65 -d seven.db run --now 2026-01-30
expect 0 -d seven.db outbox
contains out.txt "550 5.1.8 Sender address rejected"
lacks out.txt "221"
stop_bg

# A server that accepts connections and then says nothing: after one
# timeout the run stops trying it, whatever is due (69, all deferred),
# and a later run delivers everything once the server answers.
start_server spool8 --stall
# One connection: one message at a time, the slowest case.
timeout=2 configure "smtp://127.0.0.1:$port" "starttls = off
connections = 1"
expect 0 -d eight.db init
expect 0 -d eight.db import ten.csv
started=$(date +%s)
expect 69 -d eight.db run --now 2026-01-30
took=$(($(date +%s) - started))
echo "stalled server: a run with 10 due messages took ${took}s"
checks=$((checks + 1))
[ "$took" -lt 12 ] || fail "a run against a stalled server took ${took}s"
contains err.txt "timed out"
contains err.txt "sent 0, deferred 10, failed 0"
stop_bg
start_server spool8
configure "smtp://127.0.0.1:$port" "starttls = off"
expect 0 -v -d eight.db run --now 2026-01-30T13:00
contains err.txt "sent 10, deferred 0, failed 0"
checks=$((checks + 1))
[ "$(message_ids spool8 | uniq | wc -l)" = 10 ] ||
	fail "$(message_ids spool8 | uniq | wc -l) messages after the stall, wanted 10"
stop_bg

# escalate DB CODE [SERVER-OPTION...]: an escalation (To the sponsor, Cc
# the owner) through a server started with the options, run exits CODE;
# out.txt is then the outbox.
escalate() {
	db=$1
	code=$2
	shift 2
	start_server "spool-$db" "$@"
	configure "smtp://127.0.0.1:$port" "starttls = off"
	expect 0 -d "$db" init
	expect 0 -d "$db" partner add "Escalated" --owner owner@example.org \
		--sponsor sponsor@example.org --start 2026-01-05
	expect "$code" -d "$db" run --now 2026-02-20T13:00
	expect 0 -d "$db" outbox
	stop_bg
}

# rcpt_tos SPOOL N: the envelope recipients of the server's message N.
rcpt_tos() {
	/usr/bin/python3 -c 'import json, sys
print(" ".join(json.load(open(sys.argv[1]))["rcpt_tos"]))' "$1/$2.json"
}

# cc_state DB: the Cc's state, attempts and reply in outbox --json.
cc_state() {
	"$TOUCHBASE" -d "$1" outbox --json | /usr/bin/python3 -c 'import json, sys
for m in json.load(sys.stdin)["messages"]:
    for r in m["recipients"]:
        if r["role"] == "cc":
            print(m["state"], r["address"], r["state"], r["attempts"],
                  r["reply"])'
}

# A Cc refused for good: sent to the sponsor, the refusal recorded and
# shown, exit 65.
escalate cc550.db 65 --reply-rcpt owner@example.org=550
contains out.txt "sent; Cc owner@example.org refused: 550 5.1.1"
checks=$((checks + 1))
[ "$(rcpt_tos spool-cc550.db 1)" = sponsor@example.org ] ||
	fail "the escalation did not reach the sponsor alone"
cc_state cc550.db >cc.txt
contains cc.txt "sent owner@example.org failed 1 550 5.1.1"
expect 0 -d cc550.db status --now 2026-02-20T13:00
contains out.txt "Undelivered mail:"
contains out.txt "sponsor@example.org (due 2026-02-05): Cc owner@example.org refused: 550 5.1.1"
# Retried by hand: the Cc alone goes again, and is refused again (65),
# the sponsor is not sent it twice; discarded, it is settled.
start_server spool-cc550b --reply-rcpt owner@example.org=550
configure "smtp://127.0.0.1:$port" "starttls = off"
expect 0 -d cc550.db retry 1
contains out.txt "retried 1: escalation escalated to sponsor@example.org (sent; Cc owner@example.org pending retry)"
expect 65 -d cc550.db run --now 2026-02-20T14:00
checks=$((checks + 1))
[ ! -e spool-cc550b/1.json ] || fail "a Cc retried alone reached the server"
expect 0 -d cc550.db run --now 2026-02-20T15:00
expect 0 -d cc550.db discard 1
contains out.txt "(sent; Cc owner@example.org discarded: discarded by hand)"
expect 0 -d cc550.db status --now 2026-02-20T15:00
lacks out.txt "Undelivered mail:"
expect 65 -d cc550.db discard 1
contains err.txt "message 1 is sent: only a message not yet sent can be discarded"
stop_bg

# A Cc refused for now (450, then taken): the message is sent to the
# sponsor, the Cc deferred (75) and sent alone by the next run after its
# back-off: one more message, to the Cc alone, with the same Message-ID.
start_server spool-cc450 --reply-rcpt-once owner@example.org=450
configure "smtp://127.0.0.1:$port" "starttls = off"
expect 0 -d cc450.db init
expect 0 -d cc450.db partner add "Escalated" --owner owner@example.org \
	--sponsor sponsor@example.org --start 2026-01-05
expect 75 -d cc450.db run --now 2026-02-20T13:00
contains err.txt "sent 1, deferred 1, failed 0"
expect 0 -d cc450.db outbox
contains out.txt "sent; Cc owner@example.org pending retry: 450 4.1.1"
expect 0 -d cc450.db status --now 2026-02-20T13:00
contains out.txt "Cc owner@example.org pending retry: 450 4.1.1"
cc_state cc450.db >cc.txt
contains cc.txt "sent owner@example.org deferred 1 450 4.1.1"
# Not before its next attempt.
expect 0 -d cc450.db run --now 2026-02-20T13:01
checks=$((checks + 1))
[ ! -e spool-cc450/2.json ] || fail "the Cc was retried before its time"
expect 0 -v -d cc450.db run --now 2026-02-20T14:00
contains err.txt "sent 1, deferred 0, failed 0"
checks=$((checks + 1))
[ "$(rcpt_tos spool-cc450 1)" = sponsor@example.org ] &&
	[ "$(rcpt_tos spool-cc450 2)" = owner@example.org ] &&
	[ ! -e spool-cc450/3.json ] ||
	fail "the retry did not go to the Cc alone, once"
checks=$((checks + 1))
[ "$(message_ids spool-cc450 | uniq | wc -l)" = 1 ] &&
	[ "$(message_ids spool-cc450 | wc -l)" = 2 ] ||
	fail "the Cc's retry did not keep the Message-ID"
cc_state cc450.db >cc.txt
contains cc.txt "sent owner@example.org sent 2 250"
expect 0 -d cc450.db outbox
contains out.txt "sent; Cc owner@example.org sent on retry"
expect 0 -d cc450.db status --now 2026-02-20T14:00
lacks out.txt "Undelivered mail:"
expect 0 -d cc450.db run --now 2026-02-21T14:00
checks=$((checks + 1))
[ ! -e spool-cc450/3.json ] || fail "a delivered Cc was sent again"
stop_bg

# A Cc refused for now every time: retried until retry_max_hours, then
# failed (65).
start_server spool-ccmax --reply-rcpt owner@example.org=450
configure "smtp://127.0.0.1:$port" "starttls = off
[schedule]
retry_max_hours = 2"
expect 0 -d ccmax.db init
expect 0 -d ccmax.db partner add "Escalated" --owner owner@example.org \
	--sponsor sponsor@example.org --start 2026-01-05
expect 75 -d ccmax.db run --now 2026-02-20T13:00
expect 75 -d ccmax.db run --now 2026-02-20T14:00
expect 65 -d ccmax.db run --now 2026-02-20T15:30
cc_state ccmax.db >cc.txt
contains cc.txt "sent owner@example.org failed 3 450 4.1.1"
contains cc.txt "(gave up after 2 hours)"
checks=$((checks + 1))
[ "$(ls spool-ccmax/*.json | wc -l)" = 1 ] || fail "a refused Cc reached the server"
stop_bg
# The To refused for good: the message failed, though the Cc took it.
escalate to550.db 65 --reply-rcpt sponsor@example.org=550
contains out.txt "failed"
contains out.txt "To sponsor@example.org refused: 550 5.1.1"

# Nothing listening: 69, nothing lost.
configure "smtp://127.0.0.1:9" "starttls = off"
expect 0 -d three.db init
expect 0 -d three.db import partners.csv
expect 69 -d three.db run --now 2026-01-30

# Four runs at once: one holds the lock, the others exit 75 at once; every
# message is delivered exactly once.
start_server spool3
configure "smtp://127.0.0.1:$port" "starttls = off"
for i in 1 2 3 4; do
	"$TOUCHBASE" -d three.db run --now 2026-01-30T13:00 >run$i.out 2>run$i.err &
	eval "run$i=\$!"
done
codes=
for i in 1 2 3 4; do
	eval "wait \$run$i"
	codes="$codes $?"
done
checks=$((checks + 1))
case "$codes" in *0*) ;; *) fail "no run succeeded:$codes" ;; esac
cat run*.err | grep -q "holds the lock" || [ "$codes" = " 0 0 0 0" ] ||
	fail "runs that did not deliver did not name the lock"
expect 0 -d three.db run --now 2026-01-30T13:00
checks=$((checks + 1))
[ "$(message_ids spool3 | uniq | wc -l)" = 40 ] && [ "$(message_ids spool3 | wc -l)" = 40 ] ||
	fail "four concurrent runs delivered $(message_ids spool3 | wc -l) messages, wanted 40 once each"

# SIGKILL in the middle of delivery, then run again until done: every
# message arrives, and a duplicate can only repeat a Message-ID.
stop_bg
start_server spool4
configure "smtp://127.0.0.1:$port" "starttls = off"
expect 0 -d four.db init
expect 0 -d four.db import partners.csv
run_killed four.db 2026-01-30 0.05 0.1 0.2
expect 0 -d four.db run --now 2026-01-30
checks=$((checks + 1))
[ "$(message_ids spool4 | uniq | wc -l)" = 40 ] ||
	fail "after kills, $(message_ids spool4 | uniq | wc -l) distinct messages arrived, wanted 40"
expect 0 -d four.db status --now 2026-01-30
lacks out.txt "Undelivered mail:"

finish
