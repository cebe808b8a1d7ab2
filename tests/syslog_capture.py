"""Run a command with a syslog socket of its own; keep what it logged.

usage: syslog_capture.py LOGFILE COMMAND [ARGS...]

Binds a UNIX datagram socket (as syslogd's /dev/log) at a temporary
path, runs COMMAND with TOUCHBASE_SYSLOG_SOCKET naming it, and appends
each datagram received to LOGFILE, one per line (a newline inside one is
written as \\n).  Datagrams are queued on the socket as they are sent, so
after the command exits the rest are read without waiting.  Exits with
the command's status; its stdin, stdout and stderr are this process's.
"""

import os
import select
import socket
import subprocess
import sys
import tempfile


def main():
    logfile, command = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        env = dict(os.environ, TOUCHBASE_SYSLOG_SOCKET=path)
        received = []
        proc = subprocess.Popen(command, env=env)
        # Read while it runs (a full queue would block its sends), then
        # whatever is left.
        while proc.poll() is None:
            ready, _, _ = select.select([sock], [], [], 0.05)
            if ready:
                received.append(sock.recv(65536))
        sock.setblocking(False)
        while True:
            try:
                received.append(sock.recv(65536))
            except BlockingIOError:
                break
        sock.close()
    with open(logfile, "ab") as f:
        for d in received:
            f.write(d.replace(b"\n", b"\\n") + b"\n")
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


if __name__ == "__main__":
    sys.exit(main())
