#!/bin/sh
# The command line as git users expect it: help for every command and
# subcommand, suggestions for a mistyped word, global options after the
# command, usage errors (64) for what is missing, one error prefix, a
# closed pipe that ends quietly, and commands that refuse to lose history.
. "${srcdir:-.}/tests/lib.sh"

# Every line of err.txt is ours: "touchbase: ...", or the usage under it.
one_prefix() {
	checks=$((checks + 1))
	if grep -v '^touchbase: \|^usage: touchbase \|^  *\[\|^Run "touchbase ' err.txt |
	    grep -q .; then
		fail "a line of stderr without the touchbase: prefix"
		sed 's/^/  | /' err.txt >&2
	fi
}

expect 0 help
contains out.txt "Commands:"
contains out.txt "  partner   "
expect 0 help partner
contains out.txt "partner search TEXT"
expect 0 help partner add
contains out.txt "usage: touchbase partner add NAME --owner EMAIL"
lacks out.txt "partner archive KEY"
expect 0 partner add --help
contains out.txt "usage: touchbase partner add NAME --owner EMAIL"
expect 0 partner remove --help
contains out.txt "--force"
contains out.txt "partner
archive\" keeps the history"
expect 0 contact edit --help
contains out.txt "usage: touchbase contact edit KEY EMAIL"
contains out.txt "--no-invite"
lacks out.txt "contact add"
expect 0 help status
contains out.txt "usage: touchbase status"
expect 64 help nosuch
contains err.txt "unknown command \"nosuch\""

# A mistyped command or subcommand: the nearest, and a usage error.
expect 64 statsu
contains err.txt "touchbase: unknown command \"statsu\"; did you mean status?"
expect 64 partnr list
contains err.txt "did you mean partner?"
expect 64 xyzzy
contains err.txt "\"touchbase help\" lists them"
expect 64 partner ad NAME
contains err.txt "unknown partner subcommand \"ad\"; did you mean add?"
expect 64 contact lst KEY
contains err.txt "did you mean list?"

# Global options after the command.
expect 0 init -d book.db
test -f book.db || fail "init -d book.db after the command made no book.db"
cat >tb.conf <<'CONF'
[database]
path = other.db
CONF
expect 0 init -c tb.conf
test -f other.db || fail "init -c tb.conf after the command used no tb.conf"
expect 0 partner add "Acme Corp" --owner dana@example.org -d book.db -q
lacks err.txt "added"
expect 0 partner list -d book.db
contains out.txt "acme-corp"
expect 0 -d book.db partner list -v --json
contains out.txt "acme-corp"

# A missing required option is a usage error, like any other.
expect 64 -d book.db partner add "Beta Labs"
contains err.txt "touchbase: partner add needs --owner EMAIL"
contains err.txt "usage: touchbase partner add"

# One prefix, for getopt's complaints too.
expect 64 -d book.db status --frobnicate
contains err.txt "touchbase: unrecognized option '--frobnicate'"
one_prefix
expect 64 -d book.db partner list --owner
one_prefix
expect 64 -d book.db ics --days x
one_prefix

# An unknown key names the close ones.
expect 65 -d book.db partner show acme
contains err.txt "no partner with key \"acme\"; did you mean acme-corp?"
expect 65 -d book.db checkin acme-crop
contains err.txt "did you mean acme-corp?"
expect 65 -d book.db partner show zzzzzz
lacks err.txt "did you mean"

# report writes HTML without being told.
expect 0 -d book.db report --now 2026-12-03
contains out.txt "<!DOCTYPE html>"
expect 0 -d book.db report --html --now 2026-12-03
contains out.txt "<!DOCTYPE html>"

# ics --owner for an owner of nothing: the empty feed comes with a
# warning.
expect 0 -d book.db ics --owner nobody@example.org
contains err.txt "warning: nobody@example.org owns no active partner"
contains out.txt "BEGIN:VCALENDAR"
expect 0 -d book.db ics --owner dana@example.org
lacks err.txt "owns no"

# A closed pipe ends quietly: the reader is gone before the first write,
# SIGPIPE ignored (as some parents leave it), so the write fails EPIPE.
checks=$((checks + 1))
/usr/bin/python3 - "$TOUCHBASE" <<'PY' || fail "a closed pipe was not quiet"
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "-q", "-d", "book.db", "preview", "acme-corp"],
                   stdout=w, stderr=subprocess.PIPE, restore_signals=False)
os.close(w)
if p.returncode != 0 or p.stderr:
    print("exit %d, stderr %r" % (p.returncode, p.stderr), file=sys.stderr)
    sys.exit(1)
PY
checks=$((checks + 1))
"$TOUCHBASE" -d book.db status 2>err.txt | head -c1 >/dev/null
[ -s err.txt ] && fail "status | head: $(cat err.txt)"

# partner remove keeps a history unless forced.
expect 0 -d book.db partner add "Beta Labs" --owner jo@example.org
expect 0 -d book.db partner remove beta-labs
expect 0 -d book.db checkin acme-corp --date 2026-11-20
expect 65 -d book.db partner remove acme-corp
contains err.txt "acme-corp has a history (1 check-in, 0 messages sent)"
contains err.txt "\"touchbase partner archive acme-corp\""
expect 0 -d book.db partner show acme-corp
expect 64 -d book.db partner archive acme-corp --force
expect 0 -d book.db partner remove --force acme-corp
expect 65 -d book.db partner show acme-corp

finish
