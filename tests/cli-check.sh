#!/bin/sh
# touchbase check: every setting with where it came from, every mistake
# of a file in one pass, what delivery needs refused by check and by run
# (78), and check --connect against real servers (aiosmtpd, dovecot).
. "${srcdir:-.}/tests/lib.sh"

expect 0 init

# Built-in defaults: every key, each from "default".
expect 0 check
contains out.txt "configuration: built-in defaults"
checks=$((checks + 1))
keys=$(grep -c '^[a-z]*\.[a-z_]* ' out.txt)
defaults=$(grep -c '^[a-z]*\.[a-z_]* .* default$' out.txt)
[ "$keys" -gt 40 ] && [ "$keys" = "$defaults" ] ||
	fail "check shows $keys keys, $defaults from the defaults"
checks=$((checks + 1))
grep -q '^smtp\.from  *Partnerships Office <partnerships@localhost>  *default$' \
	out.txt || fail "smtp.from is not shown with its default"

# A long holidays list (no line limit) and keys from a file: FILE:LINE.
holidays=$(for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	printf '2027-%s-01, 2027-%s-15, ' "$m" "$m"; done)2028-01-01
cat >good.conf <<CONF
[database]
path = touchbase.db

[schedule]
lead_days = 5
holidays = $holidays
[smtp]
password_command = pass show mail/office
user = office
CONF
checks=$((checks + 1))
[ "$(sed -n 6p good.conf | wc -c)" -gt 300 ] || fail "the holidays line is short"
expect 0 -c good.conf check
checks=$((checks + 1))
grep -q '^schedule\.lead_days  *5  *good\.conf:5$' out.txt ||
	fail "lead_days is not shown from good.conf:5"
contains out.txt "2028-01-01"
contains out.txt "good.conf:6"
# A command line may hold a password: only the program is shown.
contains out.txt "pass ********"
lacks out.txt "mail/office"

# Four mistakes (and a fifth) reported in one pass, with suggestions.
cat >bad.conf <<CONF
[schedule]
leaddays = 5
grace_days = soon
holidays = $holidays, 2028-02-30
[SMTP]
timeout = 5
[smtp]
password = hunter2
CONF
expect 78 -c bad.conf check
contains err.txt "touchbase: bad.conf:2: schedule.leaddays: unknown key; did you mean lead_days?"
contains err.txt "touchbase: bad.conf:3: schedule.grace_days: \"soon\" is not a number from 0 to 365"
contains err.txt "touchbase: bad.conf:4: schedule.holidays: holiday 2028-02-30 is not a day of the calendar"
contains err.txt "touchbase: bad.conf:5: [SMTP]: unknown section; section names are lower case: [smtp]"
contains err.txt "touchbase: bad.conf:8: smtp.password: unknown key; use password_command or password_file"
lacks err.txt "hunter2"
checks=$((checks + 1))
[ "$(wc -l <err.txt)" = 5 ] || fail "check printed $(wc -l <err.txt) errors, wanted 5"
expect 78 -c bad.conf run
checks=$((checks + 1))
[ "$(wc -l <err.txt)" = 5 ] || fail "run printed $(wc -l <err.txt) errors, wanted 5"

# The delivery settings against the world: check and run refuse with 78,
# naming the key and its line; run sends nothing.
expect 0 partner add "Harbor Health" --key harbor --owner dana@example.org \
	--cadence monthly --start 2026-01-05
# refused CONF TEXT: check and run on CONF exit 78, both saying TEXT.
refused() {
	expect 78 -c "$1" check
	contains err.txt "$2"
	expect 78 -c "$1" run --now 2026-01-30
	contains err.txt "$2"
}
printf '[delivery]\ntransport = sendmail\nsendmail = "/usr/sbin/sendmail -t\n' \
	>sendmail1.conf
refused sendmail1.conf "sendmail1.conf:3: delivery.sendmail: unterminated \" quote"
printf '[delivery]\ntransport = sendmail\nsendmail = no-such-mta -t -i\n' \
	>sendmail2.conf
refused sendmail2.conf "sendmail2.conf:3: delivery.sendmail: no-such-mta: not found in PATH"
printf '[delivery]\ntransport = sendmail\nsendmail = %s/no/sendmail\n' \
	"$work" >sendmail3.conf
refused sendmail3.conf "delivery.sendmail: $work/no/sendmail: No such file or directory"
: >afile
printf '[delivery]\nmaildir = afile/outbox\n' >maildir1.conf
refused maildir1.conf "maildir1.conf:2: delivery.maildir: "
contains err.txt "afile/outbox"
mkdir notdirs
: >notdirs/new
printf '[delivery]\nmaildir = notdirs\n' >maildir2.conf
refused maildir2.conf "maildir2.conf:2: delivery.maildir: notdirs/new: not a directory"
checks=$((checks + 1))
[ ! -e outbox ] || fail "a refused run wrote into ./outbox"

# SMTP: no from, credentials in the URL, a login that could go out in
# the clear, a password command that fails.  The server (a free port
# nobody listens on) is never asked.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
smtp_conf() {
	name=$1
	shift
	{
		printf '[delivery]\ntransport = smtp\n[smtp]\n'
		printf '%s\n' "$@"
	} >"$name"
}
smtp_conf nofrom.conf "url = smtp://127.0.0.1:$port"
refused nofrom.conf "nofrom.conf: smtp.from is not set: mail would go out from Partnerships Office <partnerships@localhost>"
smtp_conf creds.conf "url = smtp://office:pw@127.0.0.1:$port" \
	"from = Office <office@example.org>"
refused creds.conf "creds.conf:4: smtp.url: put the user name in smtp.user"
lacks out.txt ":pw@"
for mode in off optional; do
	smtp_conf clear.conf "url = smtp://127.0.0.1:$port" \
		"from = Office <office@example.org>" "starttls = $mode" \
		"user = office" "password_command = true"
	refused clear.conf "clear.conf:6: smtp.starttls: with smtp.user set"
done
printf '#!/bin/sh\nexit 3\n' >nopass.sh
chmod 700 nopass.sh
smtp_conf nopass.conf "url = smtp://127.0.0.1:$port" \
	"from = Office <office@example.org>" "user = office" \
	"password_command = $work/nopass.sh"
refused nopass.conf "nopass.conf:7: smtp.password_command \"$work/nopass.sh\" exited with status 3"
expect 0 outbox
lacks out.txt "sent"

# The built-in defaults deliver into ./outbox (the demo): nothing to say.
expect 0 run --now 2026-01-30
checks=$((checks + 1))
[ -n "$(ls outbox/new)" ] || fail "the default run wrote nothing into ./outbox"

# A search candidate that cannot be read is skipped (noted under -v);
# one named with -c cannot.
other=
[ "$(id -u)" = 0 ] &&
	other="setpriv --reuid=65534 --regid=65534 --clear-groups"
mkdir -p xdg/touchbase perm
cp nofrom.conf xdg/touchbase/touchbase.conf
chmod 000 xdg/touchbase/touchbase.conf
chmod 711 "$work" xdg xdg/touchbase
chmod 777 perm
if [ -n "$other" ] && ! $other true 2>/dev/null; then
	echo "skipped the permission case: setpriv cannot make root nobody here"
elif $other test -r xdg/touchbase/touchbase.conf; then
	echo "skipped the permission case: mode bits do not apply here"
else
	run_as=$other
	expect 0 -v -d perm/t.db init
	contains err.txt "xdg/touchbase/touchbase.conf: skipped: Permission denied"
	expect 0 -d perm/t.db init
	lacks err.txt "skipped"
	expect 78 -c xdg/touchbase/touchbase.conf -d perm/t.db init
	contains err.txt "Permission denied"
	run_as=
fi
rm -rf xdg

# check --connect against aiosmtpd: STARTTLS, AUTH, what it offers, QUIT;
# no mail.
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	! command -v openssl >/dev/null; then
	echo "skipped check --connect on SMTP: aiosmtpd or openssl missing"
	finish
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem \
	2>/dev/null || fail "openssl could not make a certificate"
printf '#!/bin/sh\necho "s3cret-Pa55"\n' >pass.sh
chmod 700 pass.sh
mkdir spool
/usr/bin/python3 "$srcdir/tests/smtp_server.py" --port-file port \
	--spool spool --starttls cert.pem key.pem --auth "tb:s3cret-Pa55" \
	2>smtp.log &
bg_pid=$!
for _ in $(seq 100); do
	[ -s port ] && break
	sleep 0.1
done
port=$(cat port)
smtp_conf smtp.conf "url = smtp://127.0.0.1:$port" \
	"from = Office <office@example.org>" "user = tb" \
	"password_command = $work/pass.sh" "ca_file = $work/cert.pem" \
	"timeout = 10"
expect 0 -c smtp.conf check --connect
contains out.txt "SMTP server:   127.0.0.1 (smtp://127.0.0.1:$port)"
contains out.txt "greeting:    220 "
contains out.txt "TLS:         yes; certificate verified"
contains out.txt "certificate: Subject:CN = 127.0.0.1"
contains out.txt "AUTH LOGIN PLAIN"
contains out.txt "login:       accepted for tb"
contains out.txt "session:     ended, nothing sent (221 "
lacks out.txt "s3cret"
checks=$((checks + 1))
[ -z "$(ls spool | grep -v connections)" ] || fail "check --connect stored a message"
contains smtp.log ">> b'STARTTLS'"
contains smtp.log ">> b'QUIT'"
lacks smtp.log "MAIL FROM"
lacks smtp.log "RCPT"
# Without ca_file the self-signed certificate does not verify: 69.
smtp_conf smtp.conf "url = smtp://127.0.0.1:$port" \
	"from = Office <office@example.org>" "user = tb" \
	"password_command = $work/pass.sh" "timeout = 10"
expect 69 -c smtp.conf check --connect
contains err.txt "TLS certificate of 127.0.0.1 could not be verified"
contains out.txt "greeting:    220 "
# A wrong password: the server says no, and check says so.
printf '#!/bin/sh\necho wrong\n' >wrong.sh
chmod 700 wrong.sh
smtp_conf smtp.conf "url = smtp://127.0.0.1:$port" \
	"from = Office <office@example.org>" "user = tb" \
	"password_command = $work/wrong.sh" "ca_file = $work/cert.pem" \
	"timeout = 10"
expect 69 -c smtp.conf check --connect
contains err.txt "authentication as tb at 127.0.0.1 failed"
stop_bg
# Nothing listens: 69.
expect 69 -c smtp.conf check --connect
contains err.txt "cannot connect to 127.0.0.1"

# check --connect against dovecot: STARTTLS, LOGIN, CAPABILITY, LOGOUT.
dovecot=$(command -v dovecot || echo /usr/sbin/dovecot)
if [ ! -x "$dovecot" ]; then
	echo "skipped check --connect on IMAP: dovecot is not installed"
	finish
fi
. "$srcdir/tests/imap_server.sh"
start_imap_server
printf '%s\n' "$imap_password" >imap-password
chmod 600 imap-password
cat >imap.conf <<CONF
[inbox]
source = imap
url = imap://127.0.0.1:$imap_port/
user = $imap_user
password_file = $work/imap-password
ca_file = $imap_cert
timeout = 10
CONF
expect 0 -c imap.conf check --connect
contains out.txt "IMAP server:   127.0.0.1 (imap://127.0.0.1:$imap_port/)"
contains out.txt "TLS:         yes; certificate verified"
contains out.txt "IMAP4rev1"
contains out.txt "login:       accepted for $imap_user"
contains out.txt "session:     ended, nothing sent (Z OK"
lacks out.txt "$imap_password"

finish
