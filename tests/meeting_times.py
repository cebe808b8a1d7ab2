#!/usr/bin/python3
"""Compare the meeting times a message's text tells with its invite's.

usage: meeting_times.py MAILDIR TZID

For every message with a text/calendar part: DTSTART and DTEND (parsed
with icalendar), told on TZID's wall clock, must be the "HH:MM-HH:MM" of
the text/plain part and the "HH:MM&ndash;HH:MM" of the text/html part.
Prints "DATE START-END" per message, sorted; exit 1 on a mismatch.
"""
import email
import email.policy
import mailbox
import re
import sys
import zoneinfo

import icalendar

zone = zoneinfo.ZoneInfo(sys.argv[2])
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
errors = []
lines = []
for key in box.keys():
    msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    parts = {p.get_content_type(): p for p in msg.walk() if not p.is_multipart()}
    if "text/calendar" not in parts:
        continue
    cal = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    ev = next(c for c in cal.walk("VEVENT"))
    start = ev.decoded("DTSTART").astimezone(zone)
    end = ev.decoded("DTEND").astimezone(zone)
    want = "%s-%s" % (start.strftime("%H:%M"), end.strftime("%H:%M"))
    text = parts["text/plain"].get_content()
    html = parts["text/html"].get_content()
    told = re.findall(r"\b(\d\d:\d\d-\d\d:\d\d)\b", text)
    told_html = [a + "-" + b for a, b in
                 re.findall(r"(\d\d:\d\d)&ndash;(\d\d:\d\d)", html)]
    if told != [want]:
        errors.append("%s: text says %s, the invite %s" % (msg["Subject"], told, want))
    if told_html != [want]:
        errors.append("%s: HTML says %s, the invite %s" % (msg["Subject"], told_html, want))
    lines.append("%s %s" % (start.date().isoformat(), want))
print("\n".join(sorted(lines)))
for e in errors:
    print("ERROR:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
