#!/bin/sh
# status on a terminal: fitted to its width with an ellipsis, every
# column with --wide, the state coloured unless NO_COLOR, names in CJK
# aligned by display width; into a pipe, the whole table, no colour.
# The terminal is a pty from script(1).
. "${srcdir:-.}/tests/lib.sh"

have_pty || exit 77

expect 0 init
expect 0 partner add "Riverside Pediatric Clinic of the Greater Metropolitan Area" \
	--owner "Dana Whitfield-Montgomery <dana@example.org>" --start 2026-09-01 \
	--tier strategic
expect 0 partner add "東京大学医学部附属病院" --key tokyo \
	--owner "山田太郎 <yamada@example.org>" --start 2026-10-20
expect 0 partner add "Acme" --owner a@example.org --sponsor ceo@example.org \
	--start 2026-11-01
now="--now 2026-12-03"

# on_tty COLS ENV... -- ARGS: run touchbase ARGS on a pty COLS wide
# (0: the pty says no width), with ENV set; output in tty.txt, CR LF
# made LF.
on_tty() {
	cols=$1
	shift
	env=
	while [ "$1" != -- ]; do
		env="$env $1"
		shift
	done
	shift
	script -qec "stty cols $cols; env $env '$TOUCHBASE' $*" /dev/null \
		</dev/null | tr -d '\r' >tty.txt
}

# widths FILE MAX: no line of FILE is wider than MAX columns on screen
# (SGR sequences take none, East Asian wide characters two).
widest() {
	/usr/bin/python3 -c '
import re, sys, unicodedata
w = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line.rstrip("\n"))
    n = sum(2 if unicodedata.east_asian_width(c) in "WF" else
            0 if unicodedata.combining(c) else 1 for c in line)
    w = max(w, n)
print(w)' "$1"
}

# aligned FILE WORD: WORD (the column that follows the names) starts at
# the same screen column on every line that holds it.
aligned() {
	checks=$((checks + 1))
	/usr/bin/python3 -c '
import re, sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    i = line.find(sys.argv[2])
    if i >= 0:
        cols.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                     for c in line[:i]))
sys.exit(len(cols) != 1)' "$1" "$2" || { fail "$2 not aligned in $1";
		sed 's/^/  | /' "$1" >&2; }
}

# Into a pipe: everything, no colour, no ellipsis.
expect 0 status $now
contains out.txt "Riverside Pediatric Clinic of the Greater Metropolitan Area"
contains out.txt "LAST CHECK-IN"
contains out.txt "every month"
lacks out.txt "…"
lacks out.txt "$(printf '\033')"
aligned out.txt "every month"
aligned out.txt "never"

# An 80-column terminal: nothing wider, names cut with an ellipsis, the
# state coloured, the CJK name aligned.
on_tty 80 -- status $now
checks=$((checks + 1))
[ "$(widest tty.txt)" -le 80 ] ||
	{ fail "a status line is $(widest tty.txt) columns on 80"; cat tty.txt >&2; }
contains tty.txt "…"
contains tty.txt "東京大"
contains tty.txt "$(printf '\033[31moverdue\033[0m')"
lacks tty.txt "Metropolitan Area"
contains tty.txt "as of 2026-12-03 (UTC)"
grep -v '^as of' tty.txt >table.txt
aligned table.txt "never"
aligned table.txt "2026-"

# NO_COLOR: the same table without colour; an empty NO_COLOR is unset.
on_tty 80 NO_COLOR=1 -- status $now
lacks tty.txt "$(printf '\033')"
contains tty.txt "…"
on_tty 80 NO_COLOR= -- status $now
contains tty.txt "$(printf '\033[')"
on_tty 80 TERM=dumb -- status $now
lacks tty.txt "$(printf '\033')"

# --wide: every column whole on the terminal too.
on_tty 80 NO_COLOR=1 -- status --wide $now
contains tty.txt "Riverside Pediatric Clinic of the Greater Metropolitan Area"
contains tty.txt "LAST CHECK-IN"
lacks tty.txt "…"
aligned tty.txt "every month"

# A wider terminal cuts less; without a width from the pty, COLUMNS.
on_tty 120 NO_COLOR=1 -- status $now
checks=$((checks + 1))
w=$(widest tty.txt)
[ "$w" -le 120 ] && [ "$w" -gt 80 ] || fail "status on 120 columns is $w wide"
on_tty 0 NO_COLOR=1 COLUMNS=100 -- status $now
checks=$((checks + 1))
w=$(widest tty.txt)
[ "$w" -le 100 ] && [ "$w" -gt 80 ] || fail "status with COLUMNS=100 is $w wide"

# partner list fits the terminal the same way; --wide and a pipe do not.
on_tty 80 NO_COLOR=1 -- partner list
checks=$((checks + 1))
[ "$(widest tty.txt)" -le 80 ] ||
	{ fail "a partner list line is $(widest tty.txt) columns on 80"; cat tty.txt >&2; }
contains tty.txt "…"
aligned tty.txt "2026-"
on_tty 80 NO_COLOR=1 -- partner list --wide
contains tty.txt "Riverside Pediatric Clinic of the Greater Metropolitan Area"
lacks tty.txt "…"
expect 0 partner list
contains out.txt "Riverside Pediatric Clinic of the Greater Metropolitan Area"
lacks out.txt "…"

# Filters.
expect 0 status $now --owner yamada@example.org
contains out.txt "tokyo"
lacks out.txt "acme"
expect 0 status $now --tier strategic
contains out.txt "riverside"
lacks out.txt "tokyo"
expect 0 status $now --state due
contains out.txt "acme"
lacks out.txt "tokyo"
expect 0 status $now --state escalated
contains err.txt "no partner matches"
expect 64 status --state late
contains err.txt "--state: \"late\" is not ok, due, overdue"
expect 0 partner list --tier STRATEGIC
contains out.txt "riverside"
lacks out.txt "tokyo"
expect 0 partner list --owner a@example.org --json
contains out.txt "\"key\":\"acme\""
lacks out.txt "tokyo"
expect 0 partner archive acme
expect 0 partner list --state archived
contains out.txt "acme"
lacks out.txt "tokyo"

# partner search: names, keys, notes and contacts; % and _ are text.
expect 0 partner edit tokyo --notes "50% discount on_site"
expect 0 contact add riverside-pediatric-clinic-of-the-greater-metropolitan-area \
	"Maria Gómez" maria@riverside.example --role "Head of Outreach"
expect 0 partner search 東京
contains out.txt "tokyo"
expect 0 partner search "50%"
contains out.txt "tokyo"
expect 0 partner search "5%"
contains err.txt "no partner matches"
expect 0 partner search "0%_d"
contains err.txt "no partner matches"
expect 0 partner search "on_site"
contains out.txt "tokyo"
expect 0 partner search OUTREACH
contains out.txt "riverside"
expect 0 partner search maria@
contains out.txt "riverside"
lacks out.txt "tokyo"
expect 0 partner search acme
contains err.txt "no partner matches"
expect 0 partner search acme --all
contains out.txt "acme"
expect 0 partner search "'; DROP TABLE partners; --"
expect 0 partner list
contains out.txt "tokyo"

finish
