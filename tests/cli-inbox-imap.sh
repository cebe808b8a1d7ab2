#!/bin/sh
# The loop closed through a real IMAP server (dovecot, tests/
# imap_server.sh): an invite goes out, the contact accepts, the answer
# waits in the IMAP inbox, and touchbase inbox (and run) read it over
# STARTTLS: status shows it, the message is Seen in the processed folder,
# and reading again changes nothing.
. "${srcdir:-.}/tests/lib.sh"
. "$srcdir/tests/imap_server.sh"

start_imap_server
printf '%s\n' "$imap_password" >password
chmod 600 password

cat >touchbase.conf <<CONF
[smtp]
from = Partnerships Office <partnerships@childrens.example.org>
[schedule]
timezone = America/Los_Angeles
skip_weekends = no
[inbox]
source = imap
url = imap://127.0.0.1:$imap_port/
user = $imap_user
password_file = $work/password
ca_file = $imap_cert
timeout = 5
CONF
chmod 600 touchbase.conf
export TOUCHBASE_CONFIG="$work/touchbase.conf"

expect 0 init
expect 0 partner add "Hilltop Family Health" --key hilltop \
	--owner "Dana Lee <dana@childrens.example.org>" --cadence monthly \
	--start 2026-01-05
expect 0 contact add hilltop "Lee Wong" lee@hilltop.example.com --invite
# The run reads the (empty) IMAP inbox, then sends the invite.
expect 0 run --now 2026-01-29T08:00
expect 0 outbox hilltop
contains out.txt "invitation  hilltop  lee@hilltop.example.com"

# Lee accepts; the answer arrives in the IMAP INBOX.
checks=$((checks + 1))
/usr/bin/python3 "$srcdir/tests/inbound_make.py" made reply \
    lee@hilltop.example.com ACCEPTED 0 2026-01-29T18:00:00+00:00 >made.txt ||
	fail "inbound_make.py failed"
imap_deliver "$(cat made.txt)"
expect 0 inbox --dry-run --now 2026-01-29T19:00
contains out.txt "Lee Wong accepted"
expect 0 status --now 2026-01-29T19:00
lacks out.txt "Lee Wong accepted"
expect 0 inbox --now 2026-01-29T19:00
contains out.txt "Lee Wong accepted"
expect 0 status --now 2026-01-29T19:00
contains out.txt "Lee Wong accepted"
checks=$((checks + 1))
ls "$imap_maildir/.touchbase.processed/cur/"* >/dev/null 2>&1 ||
	fail "the answer was not moved to touchbase/processed"
checks=$((checks + 1))
[ -z "$(ls "$imap_maildir/new")" ] || fail "the answer is still in INBOX"
expect 0 inbox --now 2026-01-29T20:00
lacks out.txt "accepted"

# The server down: the run reports it and still plans and delivers.
sed -i "s|^url = .*|url = imap://127.0.0.1:$free_port/|" touchbase.conf
expect 69 run --now 2026-02-28T08:00
contains err.txt "inbox:"
contains err.txt "the run goes on"
expect 0 outbox hilltop --state sent --json
contains out.txt '"kind":"overdue"'
expect 69 inbox --now 2026-02-28T08:00

finish
