#!/bin/sh
# A database touchbase cannot use: what it says, and the exit code for
# each cause (locked 75, not a touchbase database 65, missing 66,
# permission denied or read-only 77).
. "${srcdir:-.}/tests/lib.sh"

expect 0 init
expect 0 partner add "Riverside Pediatric Clinic" --owner dana@example.org

# Locked past the busy timeout: try again later.
hold touchbase.db all
expect 75 status
contains err.txt "touchbase.db is locked by another process (try again later)"
stop_bg
hold touchbase.db
expect 75 partner add "Northside Schools" --owner jo@example.org
contains err.txt "touchbase.db is locked by another process"
expect 75 run
contains err.txt "locked by another process"
stop_bg
expect 0 partner add "Northside Schools" --owner jo@example.org

# Not a touchbase database.
echo "key,name" >partners.txt
expect 65 -d partners.txt status
contains err.txt "partners.txt is not a touchbase database"
lacks err.txt "enabling WAL"
expect 65 -d partners.txt init
contains err.txt "partners.txt is not a touchbase database"
/usr/bin/python3 -c 'import sqlite3; sqlite3.connect("other.db").execute("CREATE TABLE notes (x)")'
expect 65 -d other.db partner list
contains err.txt "other.db is not a touchbase database"
expect 65 -d other.db init

# Missing.
expect 66 -d missing.db status
contains err.txt "missing.db: no such database; run \"touchbase init\""
expect 73 -d no/such/dir.db init
contains err.txt "no such directory"

# Permissions.  Root ignores mode bits, so as root touchbase runs as
# nobody on files root owns.
other=
[ "$(id -u)" = 0 ] &&
	other="setpriv --reuid=65534 --regid=65534 --clear-groups"
chmod 711 "$work"
mkdir ro hidden open
for d in ro hidden open; do
	cp touchbase.db "$d/"
done
chmod 444 ro/touchbase.db open/touchbase.db
chmod 555 ro
chmod 000 hidden
chmod 1777 open
if [ -n "$other" ] && ! $other true 2>/dev/null; then
	echo "skipped the permission cases: setpriv cannot make root nobody here"
elif $other test -w ro/touchbase.db || $other test -r hidden/touchbase.db; then
	echo "skipped the permission cases: mode bits do not apply here"
else
	run_as=$other
	expect 77 -d ro/touchbase.db status
	contains err.txt "ro/touchbase.db is read-only"
	lacks err.txt "attempt to write"
	expect 77 -d hidden/touchbase.db status
	contains err.txt "hidden/touchbase.db: permission denied"
	expect 77 -d ro/new.db init
	contains err.txt "ro/new.db: permission denied"
	# Readable, so status works; a change is refused.
	expect 0 -d open/touchbase.db status
	expect 77 -d open/touchbase.db partner add "Harbor Health" \
		--owner h@example.org
	contains err.txt "open/touchbase.db is read-only"
	chmod 755 hidden
	chmod 000 hidden/touchbase.db
	expect 77 -d hidden/touchbase.db partner list
	contains err.txt "hidden/touchbase.db: permission denied"
	run_as=
fi
chmod 755 ro hidden open

finish
