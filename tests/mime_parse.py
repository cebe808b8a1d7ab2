#!/usr/bin/python3
"""Check a composed message with Python's email package.

usage: mime_parse.py MESSAGE EXPECTED.json
EXPECTED holds: subject, from, to, cc (lists of "Name <addr>" as decoded),
message_id, parts (content types in order), text (the plain body), and
method (the calendar method, or null).  Exit 1 with a message on mismatch.
"""
import email
import email.policy
import json
import sys

raw = open(sys.argv[1], "rb").read()
want = json.load(open(sys.argv[2], encoding="utf-8"))
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


check(b"\n" not in raw.replace(b"\r\n", b""), "bare LF")
check(all(len(l) <= 998 for l in raw.split(b"\r\n")), "line over 998 octets")
msg = email.message_from_bytes(raw, policy=email.policy.default)
check(str(msg["Subject"]) == want["subject"], "subject %r" % str(msg["Subject"]))
check(str(msg["From"]) == want["from"], "from %r" % str(msg["From"]))
for field in ("to", "cc"):
    got = [str(a) for a in msg[field].addresses] if msg[field] else []
    check(got == want[field], "%s %r" % (field, got))
check(msg["Message-ID"] == "<%s>" % want["message_id"], "message-id")
parts = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
check(parts == want["parts"], "parts %r" % parts)
if len(parts) > 1:
    check(msg.get_content_type() == "multipart/alternative", "not alternative")
text = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
check(text.get_content_charset() == "utf-8", "text charset")
check(text.get_content().replace("\r\n", "\n") == want["text"], "text %r" % text.get_content())
for p in msg.walk():
    if p.get_content_type() == "text/calendar":
        body = p.get_payload(decode=True).decode("utf-8")
        line = [l for l in body.split("\r\n") if l.startswith("METHOD:")][0]
        check(p.get_param("method") == want["method"] == line[7:], "method")
for p in problems:
    print("mime_parse.py:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
