#!/usr/bin/python3
"""The bench's reference client: Python's standard library alone (email,
smtplib, zoneinfo) building and sending the reminders of the delivery
book over one SMTP connection.

usage: python_peer.py BOOK.csv DUE.jsonl TEMPLATES_DIR HOST PORT

Each message is what touchbase's reminder is: the reminder templates
(text and HTML, rendered with a small Mustache subset), and an iTIP
REQUEST with a VTIMEZONE for the partner's zone, as multipart/alternative.
Prints the number of messages sent.
"""
import csv
import datetime as dt
import email.policy
import email.utils
import functools
import html
import json
import re
import secrets
import smtplib
import sys
import zoneinfo
from email.message import EmailMessage

FROM_NAME, FROM_ADDR = "Partnerships Office", "partnerships@hq.example.org"
MEETING = (10, 0, 30)  # hour, minute, minutes
DEFAULT_ZONE = "America/New_York"
TAG = re.compile(r"\{\{(\{?)([#^/!]?)\s*([^}]*?)\s*\}?\}\}", re.S)


def lookup(stack, name):
    for ctx in reversed(stack):
        cur = ctx
        for part in name.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            else:
                cur = None
                break
        if cur is not None:
            return cur
    return None


def render(tpl, stack, escape):
    """A Mustache subset: variables, sections, inverted sections and
    comments (enough for touchbase's templates)."""
    out, pos = [], 0
    while True:
        m = TAG.search(tpl, pos)
        if not m:
            out.append(tpl[pos:])
            return "".join(out)
        out.append(tpl[pos:m.start()])
        triple, sigil, name = m.group(1), m.group(2), m.group(3)
        pos = m.end()
        if sigil == "!":
            continue
        if sigil in ("#", "^"):
            close = re.compile(r"\{\{/\s*%s\s*\}\}" % re.escape(name))
            end = close.search(tpl, pos)
            inner, pos = tpl[pos:end.start()], end.end()
            val = lookup(stack, name)
            if sigil == "^":
                if not val:
                    out.append(render(inner, stack, escape))
            elif isinstance(val, list):
                for item in val:
                    out.append(render(inner, stack + [item], escape))
            elif val:
                out.append(render(inner, stack + [val], escape))
            continue
        val = lookup(stack, name)
        text = "" if val is None else str(val)
        out.append(html.escape(text) if escape and not triple else text)


STANDALONE = re.compile(r"^[ \t]*(\{\{[#^/!][^}]*\}\})[ \t]*\n", re.M)


def load_template(path):
    """The template with standalone tag lines reduced to their tag."""
    with open(path, encoding="utf-8") as f:
        return STANDALONE.sub(r"\1", f.read())


@functools.lru_cache(maxsize=None)
def vtimezone(zone, year):
    """A VTIMEZONE for zone in year, from the system's tz database."""
    tz = zoneinfo.ZoneInfo(zone)
    lines = ["BEGIN:VTIMEZONE", "TZID:" + zone]
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    prev = start.astimezone(tz).utcoffset()
    t, parts = start, []
    while t.year == year:
        nxt = t + dt.timedelta(hours=1)
        off = nxt.astimezone(tz).utcoffset()
        if off != prev:
            parts.append((nxt, prev, off, nxt.astimezone(tz).dst()))
            prev = off
        t = nxt
    if not parts:
        parts.append((start, prev, prev, dt.timedelta(0)))

    def fmt(o):
        s = int(o.total_seconds())
        sign = "+" if s >= 0 else "-"
        s = abs(s)
        return "%s%02d%02d" % (sign, s // 3600, s % 3600 // 60)

    for when, before, after, dst in parts:
        kind = "DAYLIGHT" if dst else "STANDARD"
        local = (when + before).replace(tzinfo=None)
        lines += ["BEGIN:" + kind,
                  "TZOFFSETFROM:" + fmt(before), "TZOFFSETTO:" + fmt(after),
                  "DTSTART:" + local.strftime("%Y%m%dT%H%M%S"),
                  "END:" + kind]
    lines.append("END:VTIMEZONE")
    return lines


def fold(line):
    data = line.encode("utf-8")
    out = []
    while len(data) > 75:
        cut = 75 if not out else 74
        while cut > 0 and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
    out.append(data)
    return b"\r\n ".join(out).decode("utf-8")


def ical_text(s):
    return (s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def invite(p, due, now, zone):
    h, m, minutes = MEETING
    start = dt.datetime(due.year, due.month, due.day, h, m)
    end = start + dt.timedelta(minutes=minutes)
    lines = ["BEGIN:VCALENDAR", "PRODID:-//bench//python peer//EN",
             "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:REQUEST"]
    if zone != "UTC":
        lines += vtimezone(zone, due.year)
        dtstart = "DTSTART;TZID=%s:%s" % (zone, start.strftime("%Y%m%dT%H%M%S"))
        dtend = "DTEND;TZID=%s:%s" % (zone, end.strftime("%Y%m%dT%H%M%S"))
    else:
        dtstart = "DTSTART:" + start.strftime("%Y%m%dT%H%M%SZ")
        dtend = "DTEND:" + end.strftime("%Y%m%dT%H%M%SZ")
    lines += ["BEGIN:VEVENT",
              "UID:touchbase-%s-%s@hq.example.org" % (
                  p["key"], due.strftime("%Y%m%d")),
              "DTSTAMP:" + now.strftime("%Y%m%dT%H%M%SZ"), dtstart, dtend,
              "SEQUENCE:0", "STATUS:CONFIRMED", "TRANSP:OPAQUE",
              "SUMMARY:" + ical_text("Check-in: " + p["name"]),
              "DESCRIPTION:" + ical_text(
                  "Regular check-in with %s.\nOwner: %s <%s>\n\n"
                  "Scheduled by %s." % (p["name"], p["owner_name"],
                                        p["owner_email"], FROM_NAME)),
              "ORGANIZER;CN=%s:mailto:%s" % (FROM_NAME, FROM_ADDR),
              "ATTENDEE;CN=%s;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
              "PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s" % (
                  p["owner_name"], p["owner_email"]),
              "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def split_template(text):
    """(headers, body) of a text template: header lines, a blank line,
    then the body (an HTML template is a body alone)."""
    head, _, body = text.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip()] = v.strip()
    return headers, body


def message(p, due, now, tpl_txt, tpl_html):
    zone = p["timezone"] or DEFAULT_ZONE
    last = dt.date.fromisoformat(p["last_checkin"])
    h, m, minutes = MEETING
    ctx = {
        "partner": {"name": p["name"], "tier": p["tier"],
                    "notes": p["notes"], "key": p["key"]},
        "owner": {"name": p["owner_name"], "email": p["owner_email"]},
        "org": {"name": FROM_NAME, "email": FROM_ADDR},
        "cadence": p["cadence"],
        "due_date_long": due.strftime("%A, %-d %B %Y"),
        "last_checkin": True,
        "last_checkin_long": last.strftime("%A, %-d %B %Y"),
        "days_since_checkin": (now.date() - last).days,
        "meeting": {"time": "%02d:%02d" % (h, m),
                    "end_time": "%02d:%02d" % (h, m + minutes),
                    "timezone": zone},
        "contacts": [{"name": c[0], "email": c[1], "role": c[2],
                      "invited": False} for c in p["contacts"]],
    }
    headers, text = split_template(render(tpl_txt, [ctx], False))
    body_html = render(tpl_html, [ctx], True)
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Date"] = email.utils.format_datetime(now)
    msg["From"] = email.utils.formataddr((FROM_NAME, FROM_ADDR))
    msg["Subject"] = headers.get("Subject", "Check-in")
    msg["To"] = email.utils.formataddr((p["owner_name"], p["owner_email"]))
    msg["Message-ID"] = "<%s.%s@hq.example.org>" % (
        secrets.token_hex(8), secrets.token_hex(8))
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(body_html, subtype="html", cte="quoted-printable")
    msg.add_alternative(invite(p, due, now, zone).encode("utf-8"),
                        maintype="text", subtype="calendar",
                        params={"method": "REQUEST", "charset": "utf-8"},
                        cte="base64")
    return msg


def main():
    book, due_file, tdir, host, port = sys.argv[1:6]
    now = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.timezone.utc)
    with open(due_file, encoding="utf-8") as f:
        dues = {d["key"]: dt.date.fromisoformat(d["due"])
                for d in map(json.loads, f)}
    partners = {}
    with open(book, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p = partners.setdefault(row["key"], dict(row, contacts=[]))
            if row["contact_email"]:
                p["contacts"].append((row["contact_name"],
                                      row["contact_email"],
                                      row["contact_role"]))
    tpl_txt = load_template(tdir + "/reminder.txt")
    tpl_html = load_template(tdir + "/reminder.html")
    sent = 0
    with smtplib.SMTP(host, int(port)) as smtp:
        for key, p in partners.items():
            msg = message(p, dues[key], now, tpl_txt, tpl_html)
            smtp.send_message(msg, from_addr=FROM_ADDR,
                              to_addrs=[p["owner_email"]])
            sent += 1
    print(sent)


if __name__ == "__main__":
    main()
