#!/usr/bin/python3
"""Write messages that come back to touchbase into a Maildir, as the
people it wrote to would send them, answering the real messages in its
outbox ("$TOUCHBASE outbox --json").

usage: inbound_make.py MAILDIR KIND ARGS...
  reply ATTENDEE PARTSTAT [SEQ [DTSTAMP]]   a calendar answer to the invite
                                           sent to ATTENDEE (iTIP REPLY,
                                           no ORGANIZER, as outlook.com)
  counter ATTENDEE WHEN                    a proposed new time (COUNTER)
  text FROM KIND-ANSWERED LINE             FROM answers its latest message
                                           of that kind with LINE first,
                                           the original quoted below
  forged FROM LINE                         FROM's reply naming no message
  dsn RECIPIENT KIND-RETURNED              a Postfix bounce (RFC 3464) of
                                           the latest such message
  auto FROM KIND-ANSWERED                  an out-of-office reply
  junk                                     not a mail message at all
Prints the file it wrote.
"""
import datetime
import email.message
import email.policy
import email.utils
import os
import sys
import time

import icalendar

import outbox_index

maildir, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = list(outbox_index.load().values())
DOMAIN = "childrens.example.org"


def latest(recipient, kinds):
    found = [r for r in rows if r["recipient"].lower() == recipient.lower()
             and r["kind"] in kinds]
    assert found, "no %s to %s in the outbox" % (kinds, recipient)
    return max(found, key=lambda r: r["id"])


def base(sender, subject, answering=None):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = sender
    m["To"] = "Partnerships Office <partnerships@%s>" % DOMAIN
    m["Subject"] = subject
    m["Date"] = email.utils.formatdate(localtime=False)
    m["Message-ID"] = email.utils.make_msgid(domain="mail.example.net")
    if answering is not None:
        m["In-Reply-To"] = "<%s>" % answering
        m["References"] = "<%s>" % answering
    return m


def write(m):
    os.makedirs(os.path.join(maildir, "tmp"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "new"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
    name = "%d.%d_%d.test" % (time.time(), os.getpid(), time.perf_counter_ns())
    data = m if isinstance(m, bytes) else m.as_bytes()
    with open(os.path.join(maildir, "tmp", name), "wb") as f:
        f.write(data)
    os.rename(os.path.join(maildir, "tmp", name), os.path.join(maildir, "new", name))
    print(os.path.join(maildir, "new", name))


def calendar_answer(method, attendee, partstat, seq, dtstamp, when=None):
    row = latest(attendee, ("invitation", "reminder", "update"))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    ev = icalendar.Event()
    ev.add("uid", row["uid"])
    ev.add("sequence", seq)
    ev.add("dtstamp", dtstamp)
    att = icalendar.vCalAddress("mailto:" + attendee.upper())
    att.params["PARTSTAT"] = icalendar.vText(partstat)
    ev.add("attendee", att)
    if when is not None:
        ev.add("dtstart", when)
        ev.add("dtend", when + datetime.timedelta(minutes=30))
        ev.add("comment", "Could we meet in the afternoon instead?")
    cal.add_component(ev)
    m = base(attendee, "%s: Check-in" % partstat.capitalize(), row["message_id"])
    m.set_content("%s the meeting." % partstat.capitalize())
    m.add_alternative(cal.to_ical(), maintype="text", subtype="calendar",
                      params={"method": method})
    return m


if kind == "reply":
    seq = int(args[2]) if len(args) > 2 else 0
    stamp = (datetime.datetime.fromisoformat(args[3]) if len(args) > 3
             else datetime.datetime.now(datetime.timezone.utc))
    write(calendar_answer("REPLY", args[0], args[1], seq, stamp))
elif kind == "counter":
    when = datetime.datetime.fromisoformat(args[1])
    write(calendar_answer("COUNTER", args[0], "NEEDS-ACTION", 0,
                          datetime.datetime.now(datetime.timezone.utc), when))
elif kind == "text":
    row = latest(args[0], (args[1],))
    m = base(args[0], "Re: check-in", row["message_id"])
    m.set_content("%s\n\nThanks,\nDana\n\nOn Mon, 2 Feb 2026 at 08:00, "
                  "Partnerships Office wrote:\n> Hello Dana,\n> done\n"
                  "> snooze 9 weeks\n" % args[2])
    write(m)
elif kind == "forged":
    m = base(args[0], "Re: check-in",
             "0123456789abcdef.0123456789abcdef@" + DOMAIN)
    m.set_content(args[1] + "\n")
    write(m)
elif kind == "dsn":
    row = latest(args[0], (args[1],))
    rcpt = args[0]
    write(("From: MAILER-DAEMON@mail.example.net (Mail Delivery System)\r\n"
           "To: partnerships@%(d)s\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\n"
           "Date: %(date)s\r\n"
           "Message-ID: <%(n)d.bounce@mail.example.net>\r\n"
           "Auto-Submitted: auto-replied\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status;\r\n"
           " boundary=\"B0UND\"\r\n\r\n"
           "--B0UND\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
           "I'm sorry to have to inform you that your message could not\r\n"
           "be delivered to one or more recipients.\r\n\r\n"
           "--B0UND\r\nContent-Type: message/delivery-status\r\n\r\n"
           "Reporting-MTA: dns; mail.example.net\r\n\r\n"
           "Final-Recipient: rfc822; %(r)s\r\nOriginal-Recipient: rfc822;%(r)s\r\n"
           "Action: failed\r\nStatus: 5.1.1\r\n"
           "Diagnostic-Code: smtp; 550 5.1.1 <%(r)s>: Recipient address rejected:\r\n"
           " User unknown\r\n\r\n"
           "--B0UND\r\nContent-Type: text/rfc822-headers\r\n\r\n"
           "From: partnerships@%(d)s\r\nTo: %(r)s\r\nMessage-ID: <%(id)s>\r\n"
           "Subject: Check-in\r\n\r\n--B0UND--\r\n"
           % {"d": DOMAIN, "r": rcpt, "id": row["message_id"], "n": time.time_ns(),
              "date": email.utils.formatdate()}).encode())
elif kind == "auto":
    row = latest(args[0], (args[1],))
    m = base(args[0], "Automatic reply: check-in", row["message_id"])
    m["Auto-Submitted"] = "auto-replied"
    m["X-Auto-Response-Suppress"] = "All"
    m.set_content("done\nI am out of the office until Monday.\n")
    write(m)
elif kind == "junk":
    write(b"\x00\x01 this is not a mail message at all \xff\xfe")
else:
    sys.exit("unknown kind " + kind)
