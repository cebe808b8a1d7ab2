#!/bin/sh
# An install to its own prefix and sysconfdir (configure --prefix
# --sysconfdir, make install DESTDIR=...): the installed man pages,
# example configuration and systemd units name the configured paths and
# never /usr/local, every crontab line calls touchbase by its installed
# path, systemd-analyze verify passes on the units, and make uninstall
# leaves no file or directory behind but the empty prefix.
. "${srcdir:-.}/tests/lib.sh"

prefix=/opt/touchbase-test
etc=/etc/touchbase-test
bin=$prefix/bin
docs=$prefix/share/doc/touchbase/examples
dest=$work/dest

# A copy of what configure and the data install read, timestamps kept so
# that nothing looks out of date: configure refuses a source directory
# configured in place, as the README's quick start leaves it.
mkdir -p src/src src/man src/examples src/m4 src/tests/fuzz
(cd "$srcdir" && cp -pR configure configure.ac Makefile.am Makefile.in \
	aclocal.m4 build-aux templates "$work/src" &&
	cp -p src/main.c "$work/src/src" &&
	cp -p tests/fuzz/fuzz.mk "$work/src/tests/fuzz" &&
	cp -p man/*.in "$work/src/man" &&
	cp -p examples/*.in examples/partners.csv examples/demo.sh \
		examples/touchbase.timer "$work/src/examples") ||
	{ echo "cannot copy the source tree"; exit 99; }
mkdir build
(cd build && ../src/configure --prefix="$prefix" --sysconfdir="$etc") \
	>configure.txt 2>&1 || { cat configure.txt; exit 99; }
# The configure summary shows the paths in full.
contains configure.txt "binary:       $bin/touchbase"
contains configure.txt "sysconfdir:   $etc (touchbase.conf)"
lacks configure.txt '${'

# The data, then the binary built by this tree (install-exec would build
# it again): the pages and units are what this test is about.
make -C build install-data DESTDIR="$dest" >install.txt 2>&1 ||
	{ cat install.txt; exit 99; }
mkdir -p "$dest$bin" && cp "$TOUCHBASE" "$dest$bin/touchbase" || exit 99

man1=$dest$prefix/share/man/man1/touchbase.1
conf5=$dest$prefix/share/man/man5/touchbase.conf.5
tmpl5=$dest$prefix/share/man/man5/touchbase-templates.5
for f in "$man1" "$conf5" "$tmpl5" "$dest$docs/touchbase.conf" \
    "$dest$docs/touchbase.service" "$dest$docs/touchbase.timer"; do
	checks=$((checks + 1))
	[ -f "$f" ] || { fail "$f is not installed"; continue; }
	lacks "$f" /usr/local
	checks=$((checks + 1))
	! grep -n '@[a-z]*@' "$f" || fail "$f keeps a placeholder"
done
contains "$man1" "0 7 * * * $bin/touchbase -c $etc/touchbase.conf run"
contains "$man1" "\"|$bin/touchbase -c $etc/touchbase.conf receive\""
contains "$man1" "Pa $etc/touchbase.conf"
contains "$man1" "Pa $docs/"
contains "$conf5" "Pa $etc/touchbase.conf"
contains "$conf5" "Pa $docs/touchbase.conf"
contains "$tmpl5" "Pa $prefix/share/touchbase/templates"
contains "$dest$docs/touchbase.conf" "# $etc/touchbase.conf."
contains "$dest$docs/touchbase.service" \
	"ExecStart=$bin/touchbase -c $etc/touchbase.conf run"
contains "$dest$docs/touchbase.service" \
	"ReadWritePaths=-/var/lib/touchbase -/var/spool/touchbase"

# Every crontab line, in every page, calls touchbase by its path: cron's
# PATH is /usr/bin:/bin.
for page in "$man1" "$conf5" "$tmpl5"; do
	sed -n 's/^\(\.Ql \)\{0,1\}\([0-9*][0-9*,/-]* [0-9*][0-9*,/-]* [0-9*][0-9*,/-]* [0-9*][0-9*,/-]* [0-9*][0-9*,/-]*\) //p' \
		"$page" >cron.txt
	while read -r command rest; do
		checks=$((checks + 1))
		# /etc/cron.d's lines name the user first.
		[ "$command" = touchbase ] && command=${rest%% *}
		case $command in
		"$bin/touchbase" | '$HOME/'*) ;;
		*) fail "$page: a crontab line runs \"$command $rest\"" ;;
		esac
	done <cron.txt
done
checks=$((checks + 1))
[ "$(grep -c "^[0-9].* \* \* .*$bin/touchbase " "$man1")" -ge 3 ] ||
	fail "touchbase(1) shows fewer than three crontab lines with $bin"

# systemd checks the units as installed; ExecStart must exist, so it
# names the staged binary in the verified copy, the only change.
if command -v systemd-analyze >/dev/null; then
	mkdir units
	sed "s|^ExecStart=$bin/|ExecStart=$dest$bin/|" \
		"$dest$docs/touchbase.service" >units/touchbase.service
	cp "$dest$docs/touchbase.timer" units/
	# Documentation=man: pages are looked up in the staged tree.
	man_check=--man=yes
	command -v man >/dev/null || man_check=--man=no
	checks=$((checks + 1))
	MANPATH=$dest$prefix/share/man systemd-analyze verify $man_check \
		units/touchbase.service units/touchbase.timer >verify.txt 2>&1 ||
		{ fail "systemd-analyze verify"; sed 's/^/  | /' verify.txt >&2; }
else
	echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"
fi

# make uninstall removes every file and every directory install made
# under the prefix; only the prefix, empty, stays (and its parent).
make -C build uninstall DESTDIR="$dest" >uninstall.txt 2>&1 ||
	{ fail "make uninstall"; cat uninstall.txt; }
checks=$((checks + 1))
left=$(cd "$dest" && find . -mindepth 1 ! -path ./opt ! -path ".$prefix")
[ -z "$left" ] || fail "make uninstall left: $(echo $left)"

finish
