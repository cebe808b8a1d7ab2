#!/bin/sh
# The full-disk row of the bad-input matrix (tests/cli-badinput.py has the
# others): on a small tmpfs filled to the last block, a change to the book
# exits 74 naming the disk, the book exports as before, and a run that
# cannot write its Maildir defers the mail and sends it once there is
# room.  Mounting needs root: otherwise the test is skipped (77).
. "${srcdir:-.}/tests/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "skipped: mounting a small tmpfs needs root"
	exit 77
fi
mkdir full
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs full 2>mount.txt; then
	echo "skipped: cannot mount a tmpfs here: $(cat mount.txt)"
	exit 77
fi
trap 'stop_bg; umount "$work/full"; rm -rf "$work"' EXIT

# fill: take the file system's last free block.
fill() {
	dd if=/dev/zero of=full/filler bs=4096 2>/dev/null
	dd if=/dev/zero of=full/filler2 bs=1 2>/dev/null
	[ "$(stat -f -c %a full)" = 0 ] || fail "full/ still has room"
}

db=full/touchbase.db
expect 0 -d $db init
expect 0 -d $db partner add "Acme Clinic" --key acme \
	--owner dana@example.org --cadence monthly --start 2026-01-05
expect 0 -d $db contact add acme "Lee Park" lee@acme.example --invite
expect 0 -d $db export
cp out.txt before.csv

fill
# A note larger than any room SQLite kept in its files.
note=$(head -c 60000 /dev/zero | tr '\0' n)
expect 74 -d $db partner edit acme --notes "$note"
contains err.txt "$db: the disk is full"
expect 74 -d $db partner add "Bolt Works" --owner jo@example.org \
	--notes "$note"
contains err.txt "the disk is full"
expect 74 -d $db checkin acme --date 2026-02-02 --note "$note"
contains err.txt "the disk is full"
rm -f full/filler full/filler2
expect 0 -d $db export
checks=$((checks + 1))
cmp -s out.txt before.csv || fail "the book changed on a full disk"

# The Maildir on the full disk, the database elsewhere: the run defers
# (75) and loses nothing.
mv $db book.db
rm -f $db-wal $db-shm
mkdir -p full/outbox/tmp full/outbox/new full/outbox/cur
cat >touchbase.conf <<CONF
[database]
path = $work/book.db
[delivery]
transport = maildir
maildir = $work/full/outbox
CONF
fill
expect 75 -c touchbase.conf run --now 2026-02-01
contains err.txt "deferred kind=reminder partner=acme"
contains err.txt "No space left on device"
expect 0 -c touchbase.conf outbox --state deferred
contains out.txt "dana@example.org"
contains out.txt "lee@acme.example"
checks=$((checks + 1))
[ -z "$(ls full/outbox/new)" ] || fail "a message reached full/outbox/new"
rm -f full/filler full/filler2
expect 0 -c touchbase.conf run --now 2026-02-02
expect 0 -c touchbase.conf outbox --state deferred
lacks out.txt "acme"
/usr/bin/python3 "$srcdir/tests/maildir_summary.py" full/outbox \
	-c touchbase.conf >summary.txt 2>&1 || fail "maildir_summary.py failed"
contains summary.txt "reminder acme 2026-02-05 to=dana@example.org"
contains summary.txt "invitation acme 2026-02-05 to=lee@acme.example"

finish
