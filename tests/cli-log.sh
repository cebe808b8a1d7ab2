#!/bin/sh
# Logging as mail programs do: with standard error not a terminal (or
# --log=syslog), errors and one line per delivered message go to syslog
# (facility mail, ident touchbase), read here from a real datagram socket
# (tests/syslog_capture.py); errors are copied to stderr unless it is the
# journal; on a terminal -v prints as before and syslog hears nothing.
. "${srcdir:-.}/tests/lib.sh"

export TOUCHBASE_CONFIG="$work/touchbase.conf"
printf '[smtp]\nfrom = %s\n' "Partnerships <partnerships@childrens.example.org>" \
	>touchbase.conf
cat >partners.csv <<'CSV'
key,name,owner_email,cadence,start_date,contact_name,contact_email,contact_invite
alpha,Alpha Clinic,a@example.org,monthly,2026-01-05,Luiz Costa,c1@example.com,yes
beta,Beta Health,b@example.org,weekly,2026-01-07,,,
CSV
expect 0 init
expect 0 import partners.csv
capture="/usr/bin/python3 $srcdir/tests/syslog_capture.py $work/syslog.txt"

# logged PATTERN: the lines of syslog.txt matching an extended regex.
logged() {
	grep -E -- "$1" syslog.txt
}

# The run's mail log: one line per message delivered, at mail.info (22),
# each naming the Message-ID of a message in the Maildir; nothing on
# stderr (the lines are not errors, and there was no -v).
export TOUCHBASE_LOG=syslog
run_as=$capture
rm -f syslog.txt
expect 0 run --now 2026-01-29
checks=$((checks + 1))
[ ! -s err.txt ] || { fail "run wrote to stderr"; cat err.txt >&2; }
n=$(find outbox/new -type f | wc -l)
checks=$((checks + 1))
[ "$n" = 3 ] || fail "$n messages in the Maildir, wanted 3"
head='^<22>[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] touchbase\[[0-9]+\]: '
checks=$((checks + 1))
[ "$(logged "${head}sent kind=[a-z]+ partner=[a-z]+ occurrence=[0-9-]+ to=[a-z0-9]+@example\.(org|com) message-id=<[^>]+> reply=\"delivered to (\./)?outbox/new/[^\"]+\"$" | wc -l)" = 3 ] ||
	{ fail "syslog does not hold one sent line per message"; cat syslog.txt >&2; }
contains syslog.txt "sent kind=invitation partner=alpha occurrence=2026-02-05 to=c1@example.com"
checks=$((checks + 1))
sed -n 's/^Message-I[Dd]: *//p' outbox/new/* | tr -d '\r' | sort >sent-ids.txt
sed -n 's/.* message-id=\(<[^>]*>\) .*/\1/p' syslog.txt | sort >logged-ids.txt
cmp -s sent-ids.txt logged-ids.txt ||
	{ fail "the logged Message-IDs are not the Maildir's"; diff sent-ids.txt logged-ids.txt >&2; }

# -q quiets the terminal, not the mail log.
rm -f syslog.txt
expect 0 -q run --now 2026-02-09
checks=$((checks + 1))
[ "$(logged "${head}sent kind=" | wc -l)" = \
    $(($(find outbox/new -type f | wc -l) - n)) ] && [ -s syslog.txt ] ||
	{ fail "-q dropped the mail log's lines"; cat syslog.txt >&2; }

# An error goes to syslog at mail.err (19) and, for cron's mail and
# scripts, to stderr too.
rm -f syslog.txt
expect 66 -d "$work/missing.db" status
checks=$((checks + 1))
logged "^<19>.* touchbase\[[0-9]+\]: .*missing\.db" >/dev/null ||
	{ fail "the error is not in syslog"; cat syslog.txt >&2; }
contains err.txt "touchbase: "
contains err.txt "missing.db"
checks=$((checks + 1))
[ "$(wc -l <err.txt)" = 1 ] || fail "the error is on stderr more than once"

# When stderr is the journal (JOURNAL_STREAM names it), syslog is enough.
rm -f syslog.txt
: >err.txt
JOURNAL_STREAM=$(stat -c %d:%i err.txt)
export JOURNAL_STREAM
expect 66 -d "$work/missing.db" status
unset JOURNAL_STREAM
checks=$((checks + 1))
[ ! -s err.txt ] || { fail "an error was written to the journal twice"; cat err.txt >&2; }
logged "^<19>.*missing\.db" >/dev/null || fail "the error is not in syslog"

# The reply is text from outside (a server's, a path): a quote or a
# backslash in it cannot end the reply="..." value early or forge a field.
cat >>touchbase.conf <<'CONF'
[delivery]
maildir = out\" kind=forged
CONF
run_as=
expect 0 checkin beta --date 2026-02-20
run_as=$capture
rm -f syslog.txt
expect 0 run --now 2026-02-21
checks=$((checks + 1))
logged "${head}sent kind=[a-z]+ .* reply=\"delivered to [^\"]*out\\\\x5c\\\\x22 kind=forged/new/[^\"]+\"$" >/dev/null ||
	{ fail "a quote in the reply is not escaped"; cat syslog.txt err.txt >&2; }
lacks syslog.txt '" kind=forged'

# Automatic: stderr a file (as under cron) means syslog; --log=stderr and
# TOUCHBASE_LOG=stderr keep everything on stderr, syslog hears nothing.
unset TOUCHBASE_LOG
rm -f syslog.txt
expect 66 -d "$work/missing.db" status
logged "^<19>.*missing\.db" >/dev/null || fail "auto with stderr a file did not log"
rm -f syslog.txt
expect 66 --log=stderr -d "$work/missing.db" status
contains err.txt "missing.db"
checks=$((checks + 1))
[ ! -s syslog.txt ] || fail "--log=stderr logged to syslog"
export TOUCHBASE_LOG=stderr
expect 66 -d "$work/missing.db" status
checks=$((checks + 1))
[ ! -s syslog.txt ] || fail "TOUCHBASE_LOG=stderr logged to syslog"
expect 64 --log=console status
contains err.txt 'touchbase: --log: "console" is not auto, stderr or syslog'
export TOUCHBASE_LOG=journal
expect 64 status
contains err.txt 'touchbase: TOUCHBASE_LOG: "journal" is not auto, stderr'
export TOUCHBASE_LOG=stderr

# Syslog that cannot be reached (no /dev/log in a chroot): stderr, once.
run_as=
export TOUCHBASE_LOG=syslog TOUCHBASE_SYSLOG_SOCKET="$work/nobody-listens"
expect 66 -d "$work/missing.db" status
checks=$((checks + 1))
[ "$(grep -c missing.db err.txt)" = 1 ] ||
	{ fail "without syslog the error is not on stderr once"; cat err.txt >&2; }
unset TOUCHBASE_SYSLOG_SOCKET

# On a terminal, -v shows each message sent as before; syslog hears
# nothing.
if have_pty; then
	unset TOUCHBASE_LOG
	expect 0 checkin alpha --date 2026-02-20
	rm -f syslog.txt
	checks=$((checks + 1))
	$capture script -qec "$TOUCHBASE -v run --now 2026-03-14" /dev/null \
		>tty.txt 2>&1 </dev/null || fail "run on a terminal failed"
	contains tty.txt "touchbase: sent kind=reminder partner=alpha"
	checks=$((checks + 1))
	[ ! -s syslog.txt ] || { fail "a run on a terminal logged to syslog"; cat syslog.txt >&2; }
else
	echo "SKIP: the terminal case (above)"
fi

finish
