"""Summarize an iCalendar file as python-icalendar reads it, as JSON.

Usage: /usr/bin/python3 ical_parse.py FILE
       /usr/bin/python3 ical_parse.py --khal ZONE DAY FILE [FILE...]

Prints JSON (keys sorted, indented by two, UTF-8) that check_invite.c
compares with a golden file under tests/data/invite/:

  {"events": [{"alarms": [...], "attendees": [...], "dtend": ...,
    "dtend_vtz": ..., "dtstart": ..., "dtstart_tzid": ..., "dtstart_vtz": ...,
    "organizer": ..., "sequence": N, "status": ..., "summary": ..., "uid": ...}],
   "method": ..., "tzids": [...]}

"dtstart"/"dtend" are the instants as python-icalendar resolves them (UTC,
ISO 8601 with Z).  "dtstart_vtz"/"dtend_vtz" resolve the same local times
through the file's own VTIMEZONE (Timezone.to_tz()), so that a VTIMEZONE
that python-icalendar cannot read, or that disagrees with the zone data,
shows up.  Exits 1 on any parse error.

With --khal, each FILE in turn is imported with `khal import --batch`
into one new calendar in a temporary directory (khal shows times in
ZONE), as a calendar client applies invites, updates and cancels as they
arrive, and the `khal list` lines "{cancelled}{start} {end} {title}"
for DAY are printed (CANCELLED before the start of a cancelled event).
Exits 77 when khal is not installed, 1 when khal fails.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

import icalendar

KHAL_CONF = """[calendars]
[[test]]
path = {dir}/cal
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = {zone}
default_timezone = {zone}
[sqlite]
path = {dir}/khal.db
"""


def iso(dt):
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        raise ValueError("not a zoned date-time: %r" % (dt,))
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def via_vtimezone(prop, zones):
    """The instant of a DTSTART/DTEND resolved through the file's VTIMEZONE."""
    tzid = prop.params.get("TZID")
    if tzid is None:
        return iso(prop.dt)
    naive = prop.dt.replace(tzinfo=None)
    return iso(zones[str(tzid)].localize(naive))


def address(prop):
    out = {"value": str(prop)}
    for key in ("CN", "CUTYPE", "ROLE", "PARTSTAT", "RSVP"):
        if key in prop.params:
            out[key.lower()] = str(prop.params[key])
    return out


def addresses(event, name):
    value = event.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [address(v) for v in value]


def alarms(event):
    out = []
    for alarm in event.walk("VALARM"):
        out.append({
            "action": str(alarm["ACTION"]),
            "trigger": alarm["TRIGGER"].to_ical().decode("ascii"),
            "description": str(alarm.get("DESCRIPTION", "")),
        })
    return out


def summarize(cal):
    zones = {}
    tzids = []
    for vtz in cal.walk("VTIMEZONE"):
        tzid = str(vtz["TZID"])
        tzids.append(tzid)
        zones[tzid] = vtz.to_tz()
    events = []
    for ev in cal.walk("VEVENT"):
        start, end = ev["DTSTART"], ev["DTEND"]
        organizers = addresses(ev, "ORGANIZER")
        events.append({
            "uid": str(ev["UID"]),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
            "dtstamp": iso(ev["DTSTAMP"].dt),
            "dtstart": iso(start.dt),
            "dtend": iso(end.dt),
            "dtstart_tzid": str(start.params.get("TZID", "")),
            "dtstart_vtz": via_vtimezone(start, zones),
            "dtend_vtz": via_vtimezone(end, zones),
            "organizer": organizers[0] if organizers else None,
            "attendees": addresses(ev, "ATTENDEE"),
            "alarms": alarms(ev),
        })
    return {
        "method": str(cal.get("METHOD", "")),
        "tzids": tzids,
        "events": events,
    }


def khal_list(zone, day, *paths):
    khal = shutil.which("khal")
    if khal is None:
        sys.stderr.write("ical_parse.py: khal is not installed\n")
        return 77
    with tempfile.TemporaryDirectory(prefix="ical_parse.") as tmp:
        conf = os.path.join(tmp, "khal.conf")
        with open(conf, "w") as f:
            f.write(KHAL_CONF.format(dir=tmp, zone=zone))
        os.mkdir(os.path.join(tmp, "cal"))
        env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp,
                   XDG_DATA_HOME=tmp, XDG_CACHE_HOME=tmp)
        steps = [["import", "--batch", path] for path in paths]
        steps.append(["list", "--format", "{cancelled}{start} {end} {title}",
                  "--day-format", "", day, "1d"])
        for step in steps:
            r = subprocess.run([khal, "-c", conf] + step, env=env,
                               stdout=subprocess.PIPE, timeout=60)
            if r.returncode != 0:
                sys.stderr.write("ical_parse.py: khal %s failed\n" % step[0])
                return 1
    sys.stdout.buffer.write(r.stdout)
    return 0


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "--khal":
        return khal_list(*sys.argv[2:])
    if len(sys.argv) != 2:
        sys.stderr.write("usage: ical_parse.py FILE\n"
                         "       ical_parse.py --khal ZONE DAY FILE...\n")
        return 2
    try:
        with open(sys.argv[1], "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        out = summarize(cal)
    except Exception as e:  # any failure to read the file is the finding
        sys.stderr.write("ical_parse.py: %s: %s: %s\n" %
                         (sys.argv[1], type(e).__name__, e))
        return 1
    sys.stdout.buffer.write(json.dumps(out, sort_keys=True, indent=2,
                                       ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
