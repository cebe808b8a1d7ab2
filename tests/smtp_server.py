"""A test SMTP server for check_transport, on aiosmtpd without Controller.

Binds 127.0.0.1 port 0, writes the chosen port to --port-file, stores each
message as SPOOL/N.eml with the envelope in SPOOL/N.json (mail_from,
rcpt_tos, connection) and keeps the number of connections accepted so far
in SPOOL/connections.  Runs until killed; logs to stderr.

Options make it misbehave as real servers do: refuse at MAIL FROM (530 is
"authentication required"), at the DATA command, a recipient (always, or
only the first time it is given), or the message after its data; stall
before the greeting or after the data.
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

log = logging.getLogger("smtp_server")


def write_atomic(path, data):
    """Write via a temporary name so that readers never see half a file."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class State:
    def __init__(self, args):
        self.args = args
        self.connections = 0
        self.data_commands = 0
        self.stored = 0

    def new_connection(self):
        self.connections += 1
        write_atomic(os.path.join(self.args.spool, "connections"),
                     b"%d\n" % self.connections)
        log.info("connection %d", self.connections)
        return self.connections

    def store(self, envelope, conn, dropped=False):
        self.stored += 1
        base = os.path.join(self.args.spool, "%d" % self.stored)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "connection": conn,
            "dropped": dropped,
        }
        write_atomic(base + ".json", json.dumps(meta).encode())
        write_atomic(base + ".eml", bytes(envelope.original_content))
        log.info("stored message %d from %s to %s", self.stored,
                 envelope.mail_from, ",".join(envelope.rcpt_tos))


def enhanced(code):
    return "%s.0.0" % str(code)[0]


class Handler:
    def __init__(self, state):
        self.state = state

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        args = self.state.args
        code = args.reply_rcpt.get(address.lower())
        if code is None:
            # Refused once, then taken like any other.
            code = args.reply_rcpt_once.pop(address.lower(), None)
        if code is not None:
            log.info("refusing recipient %s with %d", address, code)
            return "%d %s <%s>: Recipient address rejected" % (
                code, "%s.1.1" % str(code)[0], address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        st = self.state
        args = st.args
        st.data_commands += 1
        if args.stall_after_data:
            log.info("stalling instead of replying to the data")
            await asyncio.sleep(3600)
        if args.drop_after_data:
            st.store(envelope, server.conn_no, dropped=True)
            log.info("dropping the connection instead of replying")
            server.transport.abort()
            # connection_lost() cancels this coroutine.
            await asyncio.sleep(3600)
        if st.data_commands <= args.fail_first:
            return "451 4.3.0 Temporary failure %d of %d, try again" % (
                st.data_commands, args.fail_first)
        if args.reply_data is not None:
            return "%d %s Message refused by test server" % (
                args.reply_data, enhanced(args.reply_data))
        st.store(envelope, server.conn_no)
        return "250 2.0.0 Ok: queued as TEST%d" % st.stored


class TestSMTP(SMTP):
    """aiosmtpd's SMTP, refusing MAIL FROM or the DATA command on demand."""

    def __init__(self, handler, state, **kwargs):
        super().__init__(handler, **kwargs)
        self.state = state

    async def smtp_MAIL(self, arg):
        code = self.state.args.reply_mail
        if code is not None and self.session.host_name:
            log.info("refusing MAIL FROM with %d", code)
            if code == 530:
                return await self.push(
                    "530 5.7.0 Authentication required")
            return await self.push("%d %s.1.8 Sender address rejected" % (
                code, str(code)[0]))
        return await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg):
        code = self.state.args.reply_data_command
        if code is not None and self.envelope.rcpt_tos:
            log.info("refusing the DATA command with %d", code)
            return await self.push("%d %s DATA refused by test server" % (
                code, enhanced(code)))
        return await super().smtp_DATA(arg)


def make_tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def make_authenticator(userpass):
    user, _, password = userpass.partition(":")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        log.info("AUTH %s %s", mechanism, "accepted" if ok else "refused")
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=ok)
    return authenticator


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port-file", required=True)
    p.add_argument("--spool", required=True)
    p.add_argument("--reply-rcpt", action="append", default=[],
                   metavar="ADDR=CODE")
    p.add_argument("--reply-rcpt-once", action="append", default=[],
                   metavar="ADDR=CODE")
    p.add_argument("--reply-data", type=int, metavar="CODE")
    p.add_argument("--reply-mail", type=int, metavar="CODE")
    p.add_argument("--reply-data-command", type=int, metavar="CODE")
    p.add_argument("--fail-first", type=int, default=0, metavar="N")
    p.add_argument("--stall", action="store_true")
    p.add_argument("--stall-after-data", action="store_true")
    p.add_argument("--drop-after-data", action="store_true")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", metavar="USER:PASS")
    args = p.parse_args(argv)
    for opt in ("reply_rcpt", "reply_rcpt_once"):
        rcpt = {}
        for item in getattr(args, opt):
            addr, sep, code = item.rpartition("=")
            if not sep or not code.isdigit():
                p.error("--%s wants ADDR=CODE, not %r" % (
                    opt.replace("_", "-"), item))
            rcpt[addr.lower()] = int(code)
        setattr(args, opt, rcpt)
    return args


async def stall_client(state, reader, writer):
    state.new_connection()
    # Accept and say nothing, not even a greeting.
    await asyncio.sleep(3600)


async def serve(args):
    loop = asyncio.get_running_loop()
    state = State(args)
    os.makedirs(args.spool, exist_ok=True)
    write_atomic(os.path.join(args.spool, "connections"), b"0\n")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]

    if args.stall:
        server = await asyncio.start_server(
            lambda r, w: stall_client(state, r, w), sock=sock)
    else:
        handler = Handler(state)
        starttls = (make_tls_context(*args.starttls)
                    if args.starttls else None)
        implicit = (make_tls_context(*args.implicit_tls)
                    if args.implicit_tls else None)
        kwargs = {}
        if args.auth:
            kwargs["auth_required"] = True
            kwargs["authenticator"] = make_authenticator(args.auth)
            # Implicit TLS is TLS too, though aiosmtpd only counts STARTTLS.
            kwargs["auth_require_tls"] = implicit is None

        def factory():
            smtp = TestSMTP(handler, state, hostname="test.invalid",
                        tls_context=starttls,
                        require_starttls=starttls is not None,
                        loop=loop, **kwargs)
            smtp.conn_no = state.new_connection()
            return smtp

        server = await loop.create_server(factory, sock=sock, ssl=implicit)

    write_atomic(args.port_file, b"%d\n" % port)
    log.info("listening on 127.0.0.1:%d", port)
    async with server:
        await server.serve_forever()


def main(argv):
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="smtp_server: %(name)s: %(message)s")
    args = parse_args(argv)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main(sys.argv[1:])
