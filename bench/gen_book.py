#!/usr/bin/python3
"""Write a reproducible book of partners as touchbase import CSV.

usage: gen_book.py N SEED OUT.csv [--all-due]

Every partner's next due date is chosen first, then the cadence, start
date and last check-in that produce it, so that the share of partners
due at the bench's two moments is exact:

  MOMENT_1 (2026-03-04 12:00 UTC): partners with i % 100 == 0 (1 %) are
      due in 1 to 3 days; every other partner is due 8 days or more later.
  MOMENT_10 (2026-03-07 12:00 UTC): those and partners with i % 100 in
      1..9 (9 %), due 5 to 7 days later, are within the 7 lead days: 10 %.
      The 1 % group is then 0 to 2 days past due, inside the 3 grace
      days, so it is still "due" (a reminder, never an overdue notice).

Everyone else is due 14 days or more after MOMENT_1, so "ok" at both.
With --all-due every partner is in the 1 % group's window (the delivery
book) and no contact is invited, so a run sends one reminder with an
invite per partner; its due dates go to OUT.csv.due (JSON lines, for
the Python peer).  Zones are within UTC-8..UTC+11 so that the local
date at 12:00 UTC is the UTC date.  A JSON summary goes to stdout.
"""
import calendar
import csv
import datetime as dt
import json
import random
import sys

MOMENT_1 = dt.date(2026, 3, 4)
MOMENT_10 = MOMENT_1 + dt.timedelta(days=3)
LAST_CHECKIN_MAX = MOMENT_1 - dt.timedelta(days=1)

# (spec, days, months): rolling cadences of touchbase(1).
ROLLING = [
    ("weekly", 7, 0), ("biweekly", 14, 0), ("every 3 weeks", 21, 0),
    ("monthly", 0, 1), ("every 6 weeks", 42, 0), ("every 45 days", 45, 0),
    ("every 2 months", 0, 2), ("every 10 weeks", 70, 0),
    ("quarterly", 0, 3), ("every 6 months", 0, 6), ("yearly", 0, 12),
]
ZONES = ["America/Los_Angeles", "America/Denver", "America/Chicago",
         "America/New_York", "America/Sao_Paulo", "UTC", "Europe/Dublin",
         "Europe/Berlin", "Africa/Nairobi", "Asia/Kolkata", "Asia/Tokyo",
         "Australia/Sydney", ""]
TIERS = ["strategic", "core", "community", ""]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
FIRST = ["Maria", "Tom", "Priya", "Luiz", "Aoife", "Kim", "Ben", "Rachel",
         "Sam", "Dana", "Jo", "Ana", "Zoë", "José", "Björn", "Chloé"]
LAST = ["Gómez", "Baker", "Shah", "Costa", "Murphy", "Ito", "Carter",
        "Stein", "Okafor", "Lee", "Park", "Silva", "Müller", "Núñez"]
KINDS = ["Clinic", "Health System", "Foundation", "School District",
         "Hospital", "Pharmacy", "Community Health Center", "EMS Agency"]
PLACES = ["Riverside", "Valley", "São José", "Northside", "Harbor",
          "St. Brigid's", "Mountain", "Lakeside", "Kinder", "Bayview",
          "Łódź", "Zürich"]


def add_months(d, n):
    """d + n months, the day clamped to the month's length (touchbase's
    rule: January 31 + 1 month is February 28 or 29)."""
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    last = calendar.monthrange(y, m + 1)[1]
    return dt.date(y, m + 1, min(d.day, last))


def nth_weekday(year, month, weekday, n):
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7
                                + 7 * (n - 1))


def rolling_for(rng, due):
    """A rolling cadence and last check-in giving next due `due`, or None."""
    spec, days, months = rng.choice(ROLLING)
    if months:
        last = add_months(due, -months)
        if add_months(last, months) != due:
            return None
    else:
        last = due - dt.timedelta(days=days)
    if last > LAST_CHECKIN_MAX:
        return None
    return spec, last, last - dt.timedelta(days=rng.randrange(0, 400))


def rrule_for(rng, due):
    """A fixed schedule whose occurrence after a checked-in one is `due`:
    anchored at the previous occurrence, with a check-in on that day."""
    kind = rng.randrange(3)
    wd = WEEKDAYS[due.weekday()]
    if kind == 0:
        if due.day > 28:
            return None
        spec = "RRULE:FREQ=MONTHLY;BYMONTHDAY=%d" % due.day
        prev = add_months(due, -1)
    elif kind == 1:
        n = (due.day - 1) // 7 + 1
        if n > 4:
            return None
        spec = "RRULE:FREQ=MONTHLY;BYDAY=%d%s" % (n, wd)
        pm = add_months(due.replace(day=1), -1)
        prev = nth_weekday(pm.year, pm.month, due.weekday(), n)
    else:
        spec = "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=%s" % wd
        prev = due - dt.timedelta(days=14)
    if prev > LAST_CHECKIN_MAX:
        return None
    return spec, prev, prev


def schedule(rng, group):
    """(cadence, last_checkin, start_date, due) for a partner of group."""
    while True:
        if group == 1:
            due = MOMENT_1 + dt.timedelta(days=rng.randint(1, 3))
        elif group == 10:
            due = MOMENT_10 + dt.timedelta(days=rng.randint(5, 7))
        else:
            due = MOMENT_1 + dt.timedelta(days=14 + rng.randrange(0, 300))
        made = (rrule_for if rng.random() < 0.25 else rolling_for)(rng, due)
        if made is not None:
            spec, last, start = made
            return spec, last, start, due


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    all_due = "--all-due" in sys.argv
    n, seed, out = int(args[0]), int(args[1]), args[2]
    rng = random.Random(seed)
    owners = max(20, n // 250)
    summary = {"partners": n, "rows": 0, "contacts": 0, "invited": 0,
               "due_1": 0, "due_10": 0, "messages_1": 0, "messages_10": 0,
               "moment_1": MOMENT_1.isoformat() + "T12:00:00Z",
               "moment_10": MOMENT_10.isoformat() + "T12:00:00Z"}
    duef = open(out + ".due", "w", encoding="utf-8") if all_due else None
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["key", "name", "owner_email", "owner_name",
                    "sponsor_email", "cadence", "start_date", "timezone",
                    "tier", "notes", "last_checkin", "contact_name",
                    "contact_email", "contact_role", "contact_invite"])
        for i in range(n):
            group = 1 if all_due or i % 100 == 0 else (
                10 if i % 100 < 10 else 0)
            spec, last, start, due = schedule(rng, group)
            o = rng.randrange(owners)
            key = "p%07d" % i
            if duef:
                duef.write('{"key": "%s", "due": "%s"}\n' % (key, due))
            name = "%s %s %d" % (rng.choice(PLACES), rng.choice(KINDS), i)
            sponsor = ("sponsor%d@hq.example.org" % (o % 7)
                       if rng.random() < 0.4 else "")
            base = [key, name, "owner%d@hq.example.org" % o,
                    "%s %s" % (FIRST[o % len(FIRST)], LAST[o % len(LAST)]),
                    sponsor, spec, start.isoformat(), rng.choice(ZONES),
                    rng.choice(TIERS),
                    "Partnership %d; referral programme" % i if i % 3 else "",
                    last.isoformat()]
            ncontacts = rng.choice([0, 1, 1, 2, 3])
            invited = 0
            if ncontacts == 0:
                w.writerow(base + ["", "", "", ""])
            for c in range(ncontacts):
                inv = not all_due and rng.random() < 0.4
                invited += inv
                # A partner's further contacts leave its columns empty
                # (touchbase(1), CSV FORMAT), which keeps the 1M book
                # small: about 250 MB.
                w.writerow((base if c == 0 else [key] + [""] * 10) + [
                    "%s %s" % (rng.choice(FIRST), rng.choice(LAST)),
                    "c%d.%d@partner%d.example.com" % (c, i, i),
                    rng.choice(["Director", "Coordinator", ""]),
                    "yes" if inv else "no"])
            summary["rows"] += max(1, ncontacts)
            summary["contacts"] += ncontacts
            summary["invited"] += invited
            if group == 1:
                summary["due_1"] += 1
                summary["messages_1"] += 1 + invited
            if group in (1, 10):
                summary["due_10"] += 1
                summary["messages_10"] += 1 + invited
    if duef:
        duef.close()
    json.dump(summary, sys.stdout)
    print()


if __name__ == "__main__":
    main()
