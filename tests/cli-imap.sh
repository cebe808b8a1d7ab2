#!/bin/sh
# The IMAP inbox source against a real dovecot (tests/imap_server.sh),
# driven by tests/inbox_dump as `touchbase inbox` will drive it: unseen
# messages read without being marked, settled (Seen, moved to the
# processed folder, made on first use), one left unsettled returned again,
# a message over the cap never downloaded, folder names in UTF-8, one
# login per session, and what TLS and the login refuse.
. "${srcdir:-.}/tests/lib.sh"
. "$srcdir/tests/imap_server.sh"
: "${INBOX_DUMP:?run through make check}"

start_imap_server

printf '%s\n' "$imap_password" >password
chmod 600 password
printf '#!/bin/sh\necho "%s"\n' "$imap_password" >password.sh
chmod 700 password.sh

# conf URL [LINES]: touchbase.conf reading the IMAP server at URL with the
# test's certificate and password, and LINES more of [inbox].
conf() {
	cat >touchbase.conf <<CONF
[inbox]
source = imap
url = $1
user = $imap_user
ca_file = $imap_cert
timeout = 5
${2:-password_file = $work/password}
CONF
	chmod 600 touchbase.conf
}

# dump WANT [ARGS]: run inbox_dump on touchbase.conf into out.txt and
# err.txt, check its exit status; $ms is how long it took.
dump() {
	want=$1
	shift
	checks=$((checks + 1))
	start=$(date +%s%N)
	"$INBOX_DUMP" -c touchbase.conf "$@" >out.txt 2>err.txt
	got=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$got" != "$want" ]; then
		fail "inbox_dump $* exited $got, wanted $want"
		sed 's/^/  stderr: /' err.txt >&2
	fi
	# Whatever happens, the password is never said.
	lacks out.txt "$imap_password"
	lacks err.txt "$imap_password"
}

# message FILE SUBJECT [BYTES]: a message with BYTES of body lines.
message() {
	{
		printf 'From: Dana Lee <dana.lee@example.org>\r\n'
		printf 'To: partnerships@example.org\r\n'
		printf 'Subject: %s\r\n\r\n' "$2"
		printf 'done today\r\n'
	} >"$1"
	if [ -n "${3:-}" ]; then
		head -c "$3" /dev/zero | tr '\0' 'x' | fold -w 76 |
			sed 's/$/\r/' >>"$1"
	fi
}

# count DIR [S|unseen]: messages in a Maildir folder; with S only those
# flagged Seen, with unseen only those not.
count() {
	{ ls "$1/new"; ls "$1/cur"; } 2>/dev/null | {
		case ${2:-} in
		S) grep -c ':2,[A-Z]*S' ;;
		unseen) grep -vc ':2,[A-Z]*S' ;;
		*) wc -l ;;
		esac
	} | tr -d ' '
}

# same WHAT GOT WANT
same() {
	checks=$((checks + 1))
	[ "$2" = "$3" ] || fail "$1: $2, wanted $3"
}

logins() {
	grep -c "imap-login: Info: Login: user=<$imap_user>" "$imap_log"
}

processed=$imap_maildir/.touchbase.processed

# STARTTLS (required by default), the certificate checked against
# ca_file: the unseen messages by UID; a message over 10 MiB reported
# with its size and never downloaded; all but one settled.
message m1.eml "Re: Riverside check-in"
message m2.eml "keep: answer later"
message m3.eml "Big attachment" 11000000
message m4.eml "Re: Harbor Health check-in"
for m in m1 m2 m3 m4; do imap_deliver $m.eml; done
before=$(logins)
conf "imap://127.0.0.1:$imap_port/"
dump 0 -k keep
contains out.txt "source imap://127.0.0.1:$imap_port/INBOX"
contains out.txt "1 $(wc -c <m1.eml | tr -d ' ') Re: Riverside check-in"
contains out.txt "2 $(wc -c <m2.eml | tr -d ' ') keep: answer later"
contains out.txt "3 $(wc -c <m3.eml | tr -d ' ') too-big"
contains out.txt "4 $(wc -c <m4.eml | tr -d ' ') Re: Harbor Health check-in"
same "messages listed" "$(wc -l <out.txt | tr -d ' ')" 5
same "logins in one session" $(($(logins) - before)) 1
grep "imap(touchbase)" "$imap_log" | tail -1 >session.txt
contains session.txt "Logged out"
checks=$((checks + 1))
out=$(sed -n 's/.* out=\([0-9]*\).*/\1/p' session.txt)
[ "${out:-0}" -gt 0 ] && [ "$out" -lt 1000000 ] ||
	fail "the server sent $out bytes: the big message was downloaded"
same "processed folder" "$(count "$processed" S)" 3
same "left in INBOX" "$(count "$imap_maildir")" 1
same "left unseen in INBOX" "$(count "$imap_maildir" unseen)" 1
grep -q touchbase.processed "$imap_maildir/subscriptions" 2>/dev/null ||
	fail "the processed folder is not subscribed"

# The message left unsettled is the next session's, as often as it is
# left, and unseen all along.
dump 0 -n
same "second session" "$(sed 1d out.txt)" "2 $(wc -c <m2.eml | tr -d ' ') keep: answer later"
same "still unseen" "$(count "$imap_maildir" unseen)" 1
dump 0
same "third session" "$(sed 1d out.txt | cut -d' ' -f1)" 2
same "processed folder" "$(count "$processed" S)" 4
same "left in INBOX" "$(count "$imap_maildir")" 0
dump 0
same "nothing left" "$(wc -l <out.txt | tr -d ' ')" 1

# Folders with spaces and beyond ASCII; the processed folder made on
# first use, in modified UTF-7 with dovecot's "." between levels.
message m5.eml "Re: Clinic partnership"
imap_deliver m5.eml "Partner Replies"
conf "imap://127.0.0.1:$imap_port/" "password_file = $work/password
folder = Partner Replies
processed_folder = touchbase/Verarbeitet für Ärzte"
dump 0
contains out.txt "source imap://127.0.0.1:$imap_port/Partner Replies"
contains out.txt "Re: Clinic partnership"
same "UTF-8 processed folder" \
	"$(count "$imap_maildir/.touchbase.Verarbeitet f&APw-r &AMQ-rzte" S)" 1
same "left in Partner Replies" "$(count "$imap_maildir/.Partner Replies")" 0

# A folder that is not there is an error of the configuration.
conf "imap://127.0.0.1:$imap_port/" "password_file = $work/password
folder = Nowhere"
dump 1
contains err.txt "cannot open the folder"

# IMAPS, the password from a command, the certificate from ca_file.
message m6.eml "Re: over TLS"
imap_deliver m6.eml
conf "imaps://127.0.0.1:$imaps_port/" "password_command = $work/password.sh"
dump 0
contains out.txt "source imaps://127.0.0.1:$imaps_port/INBOX"
contains out.txt "Re: over TLS"
# Without ca_file the certificate is not trusted: unavailable.
sed -i '/^ca_file/d' touchbase.conf
dump 69
contains err.txt "could not be verified"
contains err.txt "inbox.ca_file"
# verify_peer = no connects, and says so loudly.
message m7.eml "Re: unverified"
imap_deliver m7.eml
echo "verify_peer = no" >>touchbase.conf
dump 0
contains err.txt "inbox.verify_peer: TLS certificate verification is off"
contains out.txt "Re: unverified"

# STARTTLS required, a server without it: no login is tried, nothing is
# sent in the clear.
refused() {
	grep "no auth attempts" "$imap_log" | grep -c "lip=127.0.0.2"
}
before=$(logins) refused_before=$(refused)
conf "imap://127.0.0.2:$plain_port/"
dump 69
contains err.txt "does not offer STARTTLS"
contains err.txt "inbox.starttls = required"
same "logins without STARTTLS" $(($(logins) - before)) 0
same "connections closed without a login" $(($(refused) - refused_before)) 1
checks=$((checks + 1))
[ "$ms" -lt 5000 ] || fail "refusing took $ms ms"

# starttls = off with a user: refused before connecting at all.
lines=$(wc -l <"$imap_log")
for mode in off optional; do
	conf "imap://127.0.0.2:$plain_port/" "password_file = $work/password
starttls = $mode"
	dump 1
	contains err.txt "could send the password without TLS"
done
same "connections made" "$(wc -l <"$imap_log")" "$lines"

# Allowed in the clear, on a server without MOVE: COPY, \Deleted and
# UID EXPUNGE of that message only; another client's deleted message
# stays.
message m8.eml "Re: no MOVE here"
imap_deliver m8.eml
message m9.eml "deleted by someone else"
imap_deliver m9.eml
mv "$imap_maildir/new/$name" "$imap_maildir/cur/$name:2,ST"
conf "imap://127.0.0.2:$plain_port/" "password_file = $work/password
starttls = off
allow_plaintext_auth = yes"
dump 0
same "messages without MOVE" "$(sed 1d out.txt | cut -d' ' -f3-)" "Re: no MOVE here"
same "processed without MOVE" "$(count "$processed" S)" 7
checks=$((checks + 1))
ls "$imap_maildir/cur" | grep -q "^$name:2,ST" ||
	fail "another client's deleted message was expunged"

# A wrong password, or nothing listening: unavailable, at once.
printf 'not the password\n' >wrong
chmod 600 wrong
conf "imap://127.0.0.1:$imap_port/" "password_file = $work/wrong"
dump 69
contains err.txt "authentication as $imap_user at 127.0.0.1 failed"
lacks err.txt "not the password"
checks=$((checks + 1))
[ "$ms" -lt 5000 ] || fail "a refused login took $ms ms"
conf "imap://127.0.0.1:$free_port/"
dump 69
contains err.txt "cannot connect to 127.0.0.1"
checks=$((checks + 1))
[ "$ms" -lt 5000 ] || fail "a refused connection took $ms ms"

finish
