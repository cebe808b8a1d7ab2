#!/usr/bin/python3
"""Summarise and verify the messages in a Maildir, one line each.

usage: maildir_summary.py MAILDIR [TOUCHBASE-OPTION...]

What each message is (kind, partner, occurrence) comes from the outbox,
by its Message-ID: "$TOUCHBASE [TOUCHBASE-OPTION...] outbox --json".

Every message is parsed with the email package; every text/calendar part
with icalendar.  Structural problems (bare LF, a method parameter that
differs from the METHOD line, a missing part) are errors: exit 1.
The summary line is "KIND PARTNER OCCURRENCE to=ADDR[,ADDR] cc=ADDR
[ical=METHOD uid=UID seq=N start=ISO attendees=A,B]", sorted.
"""
import email
import email.policy
import mailbox
import sys

import outbox_index

import icalendar

errors = []
outbox = {}


def load_outbox(args):
    outbox.update(outbox_index.load(*args))


def check(cond, what):
    if not cond:
        errors.append(what)


def summarise(raw):
    check(b"\n" not in raw.replace(b"\r\n", b""), "bare LF in message")
    check(all(len(line) <= 998 for line in raw.split(b"\r\n")), "line over 998 octets")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    mid = msg["Message-ID"].strip("<>")
    row = outbox.get(mid)
    check(row is not None, mid + ": not in the outbox")
    if row is None:
        return mid + " unknown"
    occurrence, partner, kind = row["occurrence"], row["partner"], row["kind"]
    to = ",".join(a.addr_spec for a in msg["To"].addresses)
    cc = ",".join(a.addr_spec for a in msg["Cc"].addresses) if msg["Cc"] else "-"
    check(msg["Subject"] and msg["Date"] and msg["From"], mid + ": missing header")
    line = "%s %s %s to=%s cc=%s" % (kind, partner, occurrence, to, cc)
    types = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
    check("text/plain" in types, mid + ": no text/plain part")
    text = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    check(len(text.get_content().strip()) > 40, mid + ": empty text body")
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        check(msg.get_content_type() == "multipart/alternative", mid + ": not alternative")
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        method = str(cal["METHOD"])
        check(part.get_param("method") == method, mid + ": method parameter differs")
        ev = next(c for c in cal.walk("VEVENT"))
        att = sorted(str(a).replace("mailto:", "").replace("MAILTO:", "")
                     for a in (ev.get("ATTENDEE") if isinstance(ev.get("ATTENDEE"), list)
                               else [ev.get("ATTENDEE")]) if a)
        start = ev.decoded("DTSTART")
        line += " ical=%s uid=%s seq=%s start=%s attendees=%s" % (
            method, ev["UID"], int(ev.get("SEQUENCE", 0)), start.isoformat(), ",".join(att))
    return line


load_outbox(sys.argv[2:])
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
lines = sorted(summarise(box.get_bytes(key)) for key in box.keys())
print("\n".join(lines))
for e in errors:
    print("ERROR:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
