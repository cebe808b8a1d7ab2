# imap_server.sh: a real dovecot on 127.0.0.1 for the IMAP tests (sourced
# after lib.sh).  start_imap_server writes a dovecot configuration, a
# self-signed certificate and a password file into $work/imap, and starts
# dovecot in the foreground as the test's background process ($bg_pid,
# stopped by that PID at exit; dovecot's own PID file is
# $work/imap/run/master.pid).  Everything dovecot keeps or logs stays in
# $work/imap.  It exits 77 when dovecot is not installed, and sets:
#
#   imap_port     IMAP with STARTTLS on 127.0.0.1
#   imaps_port    IMAP over TLS on 127.0.0.1
#   plain_port    IMAP on 127.0.0.2 without TLS (no STARTTLS), logins in
#                 the clear allowed, and no MOVE capability
#   free_port     a port nothing listens on
#   imap_user, imap_password   the one login (a passwd-file passdb)
#   imap_cert     the server's certificate, for ca_file
#   imap_maildir  the user's Maildir (Maildir++ folders: .NAME)
#   imap_log      dovecot's log
#
# imap_deliver FILE [FOLDER] puts a message into INBOX, or into the
# Maildir++ folder FOLDER (as named on disk, e.g. "touchbase.processed").
#
# Tests run as root in CI; dovecot's login processes refuse root and run
# as its own dovenull user, and the mail processes run as nobody, who owns
# the Maildir.  As another user, dovecot runs everything as that user,
# without chroot.

imap_user=touchbase
imap_password='Imap-s3cret pa55'
imap_dir=$work/imap
imap_cert=$imap_dir/cert.pem
imap_log=$imap_dir/dovecot.log
imap_maildir=$imap_dir/home/$imap_user/Maildir

# Four free ports: three to listen on, one for nobody.
imap_free_ports() {
	/usr/bin/python3 - <<'PY'
import socket
socks = []
for addr in ("127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.1"):
    s = socket.socket()
    s.bind((addr, 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# imap_wait_ready: until every listener accepts connections (10 s).
imap_wait_ready() {
	/usr/bin/python3 - "$imap_port" "$imaps_port" "$plain_port" <<'PY'
import socket, sys, time
ports = [("127.0.0.1", int(sys.argv[1])), ("127.0.0.1", int(sys.argv[2])),
         ("127.0.0.2", int(sys.argv[3]))]
deadline = time.time() + 10
for addr in ports:
    while True:
        try:
            socket.create_connection(addr, timeout=1).close()
            break
        except OSError:
            if time.time() > deadline:
                sys.exit("dovecot does not listen on %s:%d" % addr)
            time.sleep(0.05)
PY
}

start_imap_server() {
	dovecot=$(command -v dovecot || echo /usr/sbin/dovecot)
	[ -x "$dovecot" ] ||
		{ echo "dovecot is not installed (dovecot-imapd)"; exit 77; }
	command -v openssl >/dev/null ||
		{ echo "openssl is not installed"; exit 77; }
	set -- $(imap_free_ports) || exit 99
	imap_port=$1 imaps_port=$2 plain_port=$3 free_port=$4
	mkdir -p "$imap_dir" "$imap_maildir/new" "$imap_maildir/cur" \
		"$imap_maildir/tmp"
	# dovecot's processes reach the Maildir and their sockets through
	# the test's directory, which mktemp made private.
	chmod 711 "$work" "$imap_dir"
	if [ "$(id -u)" = 0 ]; then
		mail_owner=nobody:nogroup
		users=
		login_chroot=login anvil_chroot=empty
	else
		mail_owner=$(id -un):$(id -gn)
		users="default_login_user = $(id -un)
default_internal_user = $(id -un)
default_internal_group = $(id -gn)"
		login_chroot= anvil_chroot=	# chroot needs root
	fi
	chown -R "$mail_owner" "$imap_dir/home"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$imap_dir/key.pem" \
		-out "$imap_cert" 2>/dev/null ||
		{ echo "openssl could not make a certificate" >&2; exit 99; }
	printf '%s:{PLAIN}%s\n' "$imap_user" "$imap_password" \
		>"$imap_dir/passwd"
	dh=
	[ -r /usr/share/dovecot/dh.pem ] &&
		dh="ssl_dh = </usr/share/dovecot/dh.pem"
	cat >"$imap_dir/dovecot.conf" <<CONF
base_dir = $imap_dir/run
state_dir = $imap_dir/state
instance_name = touchbase-test-$$
log_path = $imap_log
auth_verbose = yes
auth_failure_delay = 0
$users
protocols = imap
listen = 127.0.0.1, 127.0.0.2
ssl = yes
ssl_cert = <$imap_cert
ssl_key = <$imap_dir/key.pem
$dh
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $imap_dir/passwd
}
userdb {
  driver = static
  args = uid=${mail_owner%:*} gid=${mail_owner#*:} home=$imap_dir/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
}
service anvil {
  chroot = $anvil_chroot
}
service imap-login {
  chroot = $login_chroot
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
    ssl = yes
  }
  inet_listener plain {
    address = 127.0.0.2
    port = $plain_port
  }
}
# A server of the old kind: no TLS, logins in the clear, no MOVE.
local 127.0.0.2 {
  ssl = no
  disable_plaintext_auth = no
  imap_capability = IMAP4rev1 LITERAL+ UIDPLUS
}
CONF
	"$dovecot" -F -c "$imap_dir/dovecot.conf" 2>>"$imap_log" &
	bg_pid=$!
	imap_wait_ready || {
		echo "dovecot did not start:" >&2
		sed 's/^/  | /' "$imap_log" >&2
		exit 99
	}
}

imap_delivered=0
imap_deliver() {
	dir=$imap_maildir
	[ -n "${2:-}" ] && dir=$imap_maildir/.$2
	mkdir -p "$dir/tmp" "$dir/new" "$dir/cur"
	imap_delivered=$((imap_delivered + 1))
	name=$(date +%s).M$imap_delivered.P$$.test
	cp "$1" "$dir/tmp/$name" && mv "$dir/tmp/$name" "$dir/new/$name"
	chown -R "$mail_owner" "$dir"
}
