"""Summarize the iTIP messages (email with a text/calendar part) that a
calendar client would receive, one line each, as python-icalendar and the
email package read them.

Usage: /usr/bin/python3 itip_summary.py FILE...

Each FILE is an RFC 5322 message.  Prints, sorted by recipient and
SEQUENCE:

  METHOD TO seq=N status=STATUS start=YYYY-MM-DD HH:MM TZID
      attendees=A,B uid=UID

(on one line), where start is DTSTART in its own time zone as
python-icalendar resolves it, or "MAIL TO subject=SUBJECT" for a message
without a calendar part.  The decoded text/plain part of each message is
written to FILE.txt, for the test to read.  Exits 1 when a message has
more than one calendar part, when its METHOD header parameter and the
VCALENDAR's METHOD differ, or when anything fails to parse.
"""

import email
import email.policy
import sys

import icalendar


def summarize(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    to = msg["To"].addresses[0].addr_spec.lower()
    text = msg.get_body(preferencelist=("plain",))
    with open(path + ".txt", "w", encoding="utf-8") as f:
        f.write(text.get_content() if text is not None else "")
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return (to, -1, "MAIL %s subject=%s" % (to, msg["Subject"]))
    if len(parts) != 1:
        raise ValueError("%s: %d text/calendar parts" % (path, len(parts)))
    part = parts[0]
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    method = str(cal.get("METHOD"))
    if part.get_param("method") != method:
        raise ValueError("%s: Content-Type method=%s, METHOD:%s" %
                         (path, part.get_param("method"), method))
    events = [c for c in cal.walk("VEVENT")]
    if len(events) != 1:
        raise ValueError("%s: %d VEVENTs" % (path, len(events)))
    ev = events[0]
    start = ev.decoded("DTSTART")
    tzid = ev["DTSTART"].params.get("TZID", "UTC")
    att = ev.get("ATTENDEE", [])
    if not isinstance(att, list):
        att = [att]
    attendees = ",".join(sorted(str(a).lower().replace("mailto:", "")
                                for a in att))
    return (to, int(ev.get("SEQUENCE", 0)),
            "%s %s seq=%d status=%s start=%s %s attendees=%s uid=%s" % (
                method, to, int(ev.get("SEQUENCE", 0)),
                ev.get("STATUS", "-"), start.strftime("%Y-%m-%d %H:%M"),
                tzid, attendees, ev["UID"]))


def main():
    lines = []
    try:
        for path in sys.argv[1:]:
            lines.append(summarize(path))
    except Exception as e:  # any parse failure fails the test
        sys.stderr.write("itip_summary.py: %s: %s\n" % (type(e).__name__, e))
        return 1
    for _, _, line in sorted(lines):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
