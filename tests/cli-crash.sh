#!/bin/sh
# touchbase run killed (SIGKILL) in the middle of a delivery batch, then
# run again until done: every message arrives, and a message that
# arrives twice repeats its Message-ID.  A batch is marked sending in one
# commit and settled in another, so the kills land between the two.
. "${srcdir:-.}/tests/lib.sh"

# Eighty partners, all due: a reminder and an invitation each.
{
	echo "key,name,owner_email,cadence,start_date,timezone,contact_name,contact_email,contact_invite"
	for i in $(seq 100 179); do
		echo "p$i,Partner $i,owner$i@example.org,monthly,2026-01-05,Europe/Berlin,Contact $i,c$i@example.com,yes"
	done
} >partners.csv
total=160

# count_state DB STATE: how many messages of DB are in STATE.
count_state() {
	"$TOUCHBASE" -d "$1" outbox --state "$2" --json >state.json 2>&1 ||
		fail "outbox --state $2 failed"
	/usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["messages"]))' state.json
}

# ids FILES...: the Message-IDs in FILES, one per line, sorted.
ids() {
	cat "$@" 2>/dev/null | grep -i '^Message-Id:' | sed 's/^[^<]*//' | sort
}

# check_delivered DB WHAT FILES...: every message of DB sent, each
# Message-ID in FILES once at least, nothing else.
check_delivered() {
	db=$1 what=$2
	shift 2
	checks=$((checks + 1))
	distinct=$(ids "$@" | uniq | wc -l)
	[ "$distinct" = "$total" ] ||
		fail "$what: $distinct distinct messages arrived, wanted $total"
	checks=$((checks + 1))
	[ "$(count_state "$db" sent)" = "$total" ] ||
		fail "$what: $(count_state "$db" sent) messages sent, wanted $total"
}

# A sendmail that keeps each message, and kills touchbase (its parent)
# right after taking message number N of kill_at: deterministic points
# inside a batch, after the server said yes, before the batch settled.
mkdir spool
cat >sendmail.sh <<SH
#!/bin/sh
n=\$(( \$(ls $work/spool | wc -l) + 1 ))
cat >$work/spool/\$n.eml
if grep -qx "\$n" $work/kill_at && ! [ -e $work/killed.\$n ]; then
	: >$work/killed.\$n
	kill -9 \$PPID
fi
exit 0
SH
chmod +x sendmail.sh
cat >touchbase.conf <<CONF
[delivery]
transport = sendmail
sendmail = $work/sendmail.sh
[inbox]
source = none
CONF
export TOUCHBASE_CONFIG="$work/touchbase.conf"
printf '1\n5\n70\n' >kill_at
expect 0 -d one.db init
expect 0 -d one.db import partners.csv
# The first kill comes with the first message, the second inside the
# first full batch, the third in a later one.
for n in 1 5 70; do
	expect 137 -d one.db run --now 2026-01-30
	checks=$((checks + 1))
	[ -e "killed.$n" ] || fail "the run was not killed at message $n"
	checks=$((checks + 1))
	[ "$(count_state one.db sending)" -gt 0 ] ||
		fail "killed at message $n, no message was left sending"
done
expect 0 -d one.db run --now 2026-01-30
check_delivered one.db "sendmail, killed at 1, 5, 70" spool/*.eml
checks=$((checks + 1))
[ "$(ls spool | wc -l)" -gt "$total" ] ||
	fail "no message was sent twice: the kills missed the batches"

# The same into a Maildir, killed at times (no assertion on time: the
# counts hold wherever the kills land).
cat >touchbase.conf <<CONF
[delivery]
transport = maildir
maildir = $work/md
[inbox]
source = none
CONF
expect 0 -d two.db init
expect 0 -d two.db import partners.csv
run_killed two.db 2026-01-30 0.05 0.1 0.2 0.4
expect 0 -d two.db run --now 2026-01-30
check_delivered two.db "maildir, killed at times" md/new/*
expect 0 -d two.db status --now 2026-01-30
lacks out.txt "Undelivered mail:"

finish
