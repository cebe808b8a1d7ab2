#!/usr/bin/python3
"""cli-badinput.py: the bad-input matrix, one row per input and door.

Each row runs touchbase on a fresh copy of a small book and checks:
the exit status (sysexits, as touchbase(1) lists them), words the error
message must hold (the field, file or line at fault), that the message
echoes no control character or invalid UTF-8 and stays short, and what
became of the book: "same" (export and partner show byte-identical before
and after: nothing changed, nothing lost), "kept" (the input was accepted
and comes back whole through export, import into an empty book and export
again) or a named check of its own.

The table is ROWS below; rows for every text field and every kind of bad
text are made by text_rows().  Run with a row name (or a prefix) as
argument to run only those rows; failing rows are named on stderr.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

TB = os.environ["TOUCHBASE"]
SRCDIR = os.path.abspath(os.environ.get("srcdir", "."))
IS_ROOT = os.geteuid() == 0

# --- the kinds of bad text ---------------------------------------------

BIG = 1024 * 1024
# argv holds at most 128 KiB per argument on Linux (MAX_ARG_STRLEN): the
# command-line doors get the largest value that fits, CSV the full 1 MB.
ARGV_BIG = 128 * 1024 - 1

BAD_TEXT = [
    # name, bytes, what the message must say for a one-line field
    ("cr", b"Acme\rBcc: eve@example.org", "must be one line"),
    ("lf", b"Acme\nBcc: eve@example.org", "must be one line"),
    ("crlf", b"Acme\r\nBcc: eve@example.org", "must be one line"),
    ("esc", b"Acme \x1b[2J", "control character"),
    ("del", b"Acme \x7f", "control character"),
    ("overlong", b"Acme \xc0\xaf", "not valid UTF-8"),
    ("overlong3", b"Acme \xe0\x80\xaf", "not valid UTF-8"),
    ("surrogate", b"Acme \xed\xa0\x80", "not valid UTF-8"),
    ("beyond", b"Acme \xf4\x90\x80\x80", "not valid UTF-8"),
    ("truncated", b"Acme \xe2\x82", "not valid UTF-8"),
    ("latin1", b"Caf\xe9", "not valid UTF-8"),
]
# Every kind goes through the first command-line door and the first CSV
# column; the other doors share those checks and get these few.
ARGV_KINDS = ("cr", "lf", "crlf", "esc", "surrogate", "truncated", "big")
CSV_KINDS = ARGV_KINDS + ("overlong", "nul")
NUL_TEXT = ("nul", b"Acme\x00Bcc: eve@example.org", "control character")

# --- the book every row starts from -------------------------------------

BASE = [
    ["init"],
    ["partner", "add", "Acme Clinic", "--key", "acme", "--owner",
     "Dana Reyes <dana@example.org>", "--cadence", "monthly", "--start",
     "2026-01-05", "--sponsor", "sam@example.org", "--notes", "first\nsecond",
     "--tier", "gold", "--timezone", "America/New_York"],
    ["contact", "add", "acme", "Lee Park", "lee@acme.example", "--role",
     "director", "--invite"],
    ["checkin", "acme", "--date", "2026-02-02", "--note", "kick-off",
     "--by", "dana@example.org"],
]

CSV_HEADER = (b"key,name,owner_email,owner_name,sponsor_email,cadence,"
              b"start_date,timezone,tier,notes,archived,last_checkin,"
              b"contact_name,contact_email,contact_role,contact_invite\r\n")
CSV_COLUMNS = CSV_HEADER.decode().strip().split(",")
CSV_GOOD = {
    "key": b"bolt", "name": b"Bolt Works", "owner_email": b"jo@example.org",
    "owner_name": b"Jo Lin", "sponsor_email": b"", "cadence": b"quarterly",
    "start_date": b"2026-01-05", "timezone": b"", "tier": b"",
    "notes": b"", "archived": b"no", "last_checkin": b"",
    "contact_name": b"Ada Moss", "contact_email": b"ada@bolt.example",
    "contact_role": b"", "contact_invite": b"no",
}


def csv_field(v):
    if any(c in v for c in b',"\r\n'):
        return b'"' + v.replace(b'"', b'""') + b'"'
    return v


def csv_row(**over):
    vals = dict(CSV_GOOD)
    vals.update({k: v for k, v in over.items()})
    return b",".join(csv_field(vals[c]) for c in CSV_COLUMNS) + b"\r\n"


def csv_file(*rows):
    return CSV_HEADER + b"".join(rows)


# --- the rows ------------------------------------------------------------

class Row:
    def __init__(self, name, door, args, code, words=(), book="same",
                 files=None, setup=None, check=None, skip=None,
                 nobody=False, snap_first=False):
        self.name = name        # unique, short
        self.door = door        # where the input enters
        self.args = args        # touchbase's arguments (str or bytes)
        self.code = code        # the exit status wanted
        self.words = words      # what stderr must contain
        self.book = book        # "same", "kept" or "any"
        self.files = files or {}  # name -> bytes, written first
        self.setup = setup      # f(dir) before the run
        self.check = check      # f(dir, out, err) -> None or why it failed
        self.skip = skip        # f() -> None or why the row cannot run
        self.nobody = nobody    # run as nobody when root (mode bits)
        self.snap_first = snap_first  # "same" compares the book before
        # setup with the book after teardown (a lock, a mount)


# The one-line and multi-line text fields of each command-line door:
# (door, field as named in messages, argv with {} for the value, kind).
ARGV_TEXT = [
    ("partner add NAME", "name",
     ["partner", "add", "{}", "--key", "new", "--owner", "o@example.org"],
     "line"),
    ("partner add --owner-name", "owner-name",
     ["partner", "add", "New", "--owner", "o@example.org", "--owner-name",
      "{}"], "line"),
    ("partner add --tier", "tier",
     ["partner", "add", "New", "--owner", "o@example.org", "--tier", "{}"],
     "line"),
    ("partner add --notes", "notes",
     ["partner", "add", "New", "--owner", "o@example.org", "--notes", "{}"],
     "multi"),
    ("partner add --key", "key",
     ["partner", "add", "New", "--owner", "o@example.org", "--key", "{}"],
     "key"),
    ("partner add --owner", "owner",
     ["partner", "add", "New", "--owner", "{}"], "address"),
    ("partner add --sponsor", "sponsor",
     ["partner", "add", "New", "--owner", "o@example.org", "--sponsor",
      "{}"], "address"),
    ("partner edit --name", "name",
     ["partner", "edit", "acme", "--name", "{}"], "line"),
    ("partner edit --notes", "notes",
     ["partner", "edit", "acme", "--notes", "{}"], "multi"),
    ("partner edit --owner", "owner",
     ["partner", "edit", "acme", "--owner", "{}"], "address"),
    ("partner edit KEY", "key", ["partner", "edit", "{}", "--tier", "x"],
     "lookup"),
    ("contact add NAME", "contact name",
     ["contact", "add", "acme", "{}", "new@acme.example"], "line"),
    ("contact add EMAIL", "contact email",
     ["contact", "add", "acme", "New Person", "{}"], "address"),
    ("contact add --role", "role",
     ["contact", "add", "acme", "New Person", "new@acme.example", "--role",
      "{}"], "line"),
    ("checkin --note", "note",
     ["checkin", "acme", "--date", "2026-03-02", "--note", "{}"], "multi"),
    ("checkin --by", "by",
     ["checkin", "acme", "--date", "2026-03-02", "--by", "{}"], "address"),
]

# CSV columns and how their text is ruled.
# (column, the field as the book's messages name it, kind)
CSV_TEXT = [
    ("name", "name", "line"), ("owner_name", "owner-name", "line"),
    ("tier", "tier", "line"), ("notes", "notes", "multi"),
    ("key", "key", "key"), ("owner_email", "owner", "address"),
    ("sponsor_email", "sponsor", "address"),
    ("contact_name", "contact name", "line"),
    ("contact_email", "contact email", "address"),
    ("contact_role", "role", "line"),
]


def expect_text(kind, bad, why):
    """(code, words, book) for bad text `bad` in a field of kind."""
    if bad == "big":
        return {"key": (65, ("1 to 64 characters",), "same"),
                "lookup": (65, ("no partner",), "same"),
                "address": (65, ("longer than 254",), "same")}.get(
                    kind, (65, ("too long",), "same"))
    if kind == "multi" and bad in ("lf", "crlf"):
        return 0, (), "kept"
    if kind == "multi" and bad == "cr":
        return 65, ("control character",), "same"
    if kind == "lookup":
        return 65, ("no partner",), "same"
    if kind in ("key", "address"):
        return 65, (), "same"
    return 65, (why,), "same"


def note_kept(key, field, value):
    """The note is stored as given: partner show --json has it."""
    def check(d, out, err):
        code, o, e = run(d, ["partner", "show", key, "--json"])
        got = json.loads(o)["partner"] if code == 0 else {}
        if field == "note":
            got = (got.get("checkins") or [{}])[0]
        if got.get(field) != value:
            return "partner show %s: %s is %r, wanted %r" % (
                key, field, got.get(field), value)
        return None
    return check


def text_rows():
    rows = []
    for door, field, argv, kind in ARGV_TEXT:
        for bad, value, why in BAD_TEXT + [("big", b"x" * ARGV_BIG, "")]:
            if door != ARGV_TEXT[0][0] and bad not in ARGV_KINDS:
                continue
            code, words, book = expect_text(kind, bad, why)
            if code != 0:
                words = (field,) + words
            args = [value if a == "{}" else a for a in argv]
            check = None
            if code == 0:
                check = note_kept("new" if "add" in argv else "acme",
                                  "note" if field == "note" else "notes",
                                  value.decode())
            rows.append(Row("%s/%s" % (door.replace(" ", "-").replace(
                "--", ""), bad), door, args, code, words, book,
                            check=check))
    for column, field, kind in CSV_TEXT:
        for bad, value, why in BAD_TEXT + [NUL_TEXT, ("big", b"x" * BIG,
                                                      "")]:
            if column != CSV_TEXT[0][0] and bad not in CSV_KINDS:
                continue
            code, words, book = expect_text(kind, bad, why)
            if why == "not valid UTF-8" or bad == "nul":
                # The reader refuses the bytes before the book sees them.
                words = ("column %d (%s)" % (
                    CSV_COLUMNS.index(column) + 1, column),
                         "has a NUL byte" if bad == "nul" else why)
            elif code != 0:
                words = (field,) + words
            if code != 0:
                words = ("in.csv:2",) + words
            rows.append(Row("import-%s/%s" % (column, bad),
                            "CSV column " + column, ["import", "in.csv"],
                            code, words, book,
                            files={"in.csv": csv_file(csv_row(
                                **{column: value}))}))
    return rows


ROWS = text_rows()


# --- checks of accepted input --------------------------------------------


def conf(*lines):
    return ("\n".join(lines) + "\n").encode()


def sent(d, *want, config=None, now="2026-03-01"):
    """Run the cron job on the row's book and look at what it put in the
    Maildir ./outbox: every message well formed (maildir_summary.py), and
    each of want in some summary line."""
    opts = ["-c", config] if config else []
    code, out, err = run(d, opts + ["run", "--now", now])
    if code != 0:
        return "run exited %d: %s" % (code, show(err))
    p = subprocess.run(["/usr/bin/python3",
                        os.path.join(SRCDIR, "tests", "maildir_summary.py"),
                        "outbox"] + opts, cwd=d,
                       env=dict(os.environ, TOUCHBASE_CONFIG="", HOME=d,
                                XDG_CONFIG_HOME=os.path.join(d, "xdg")),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return "maildir_summary.py: %s" % show(p.stderr)
    for w in want:
        if w.encode() not in p.stdout:
            return "no message with %r in:\n%s" % (w, show(p.stdout))
    return None


def sends(*want):
    return lambda d, out, err: sent(d, *want)


def shows(key, **fields):
    """partner show KEY --json has these fields with these values."""
    def check(d, out, err):
        code, o, e = run(d, ["partner", "show", key, "--json"])
        if code != 0:
            return "partner show %s exited %d" % (key, code)
        got = json.loads(o)["partner"]
        for k, v in fields.items():
            if got.get(k) != v:
                return "partner show: %s is %r, wanted %r" % (
                    k, got.get(k), v)
        return None
    return check


def delivered_later(d, out, err):
    """Nothing lost: once the Maildir can be written, the same run
    delivers what the failed one could not."""
    for name in ("outbox", os.path.join("outbox", "new")):
        path = os.path.join(d, name)
        if os.path.isfile(path) or os.path.islink(path):
            os.unlink(path)
    subprocess.run(["chmod", "-R", "u+rwX", d])
    code, o, e = run(d, ["outbox", "--json"])
    if b'"sent"' in o:
        return "the outbox after the failed run: %s" % show(o)
    return sent(d, "reminder acme", now="2026-03-02")


def as_nobody():
    """setpriv arguments that run touchbase as nobody, or None."""
    if not IS_ROOT:
        return []
    argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        ok = subprocess.run(argv + ["true"]).returncode == 0
    except OSError:
        ok = False
    return argv if ok else None


def no_setpriv():
    if as_nobody() is None:
        return "setpriv cannot make root nobody here"
    return None


def read_only(d):
    """The book's directory and file read-only to whoever runs the row."""
    os.chmod(d, 0o755)
    os.chmod(os.path.join(d, "touchbase.db"), 0o444)
    os.chmod(d, 0o555)


def ro_bind_skip():
    if not IS_ROOT:
        return "a read-only bind mount needs root"
    if shutil.which("mount") is None:
        return "no mount(8)"
    return None


def ro_bind(d):
    """A read-only bind mount of the book's directory: refused even to
    root."""
    sub = os.path.join(d, "ro")
    os.mkdir(sub)
    shutil.copy(os.path.join(d, "touchbase.db"), sub)
    r = subprocess.run("mount --bind '%s' '%s' && mount -o remount,ro,bind "
                       "'%s'" % (sub, sub, sub), shell=True,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise Skip("cannot mount read-only here: %s" %
                   r.stderr.decode(errors="replace").strip())
    CLEANUP.append(["umount", sub])


def truncate_db(d):
    path = os.path.join(d, "touchbase.db")
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size // 2)


def not_sqlite(d):
    with open(os.path.join(d, "touchbase.db"), "wb") as f:
        f.write(b"key,name\r\nacme,Acme Clinic\r\n")


def outbox_is_a_file(d):
    with open(os.path.join(d, "outbox"), "w") as f:
        f.write("not a directory\n")


def outbox_new_is_a_file(d):
    for sub in ("tmp", "cur"):
        os.makedirs(os.path.join(d, "outbox", sub))
    with open(os.path.join(d, "outbox", "new"), "w") as f:
        f.write("not a directory\n")


class Skip(Exception):
    pass


CLEANUP = []

def refused_contact(name, address, why):
    return Row("addr/" + name, "contact add EMAIL",
               ["contact", "add", "acme", "Ann", address], 65,
               ("contact email", why))


def holidays_row(name, value, words, data=None):
    """schedule.holidays = value, with holidays.ics holding data."""
    files = {C: conf("[schedule]", "holidays = " + value)}
    if data is not None:
        files[value] = data
    return Row("holidays/" + name, "touchbase.conf [schedule] holidays",
               ["-c", C, "status"], 78, words, files=files)


def config_row(name, text, words, code=78):
    return Row("config/" + name, "touchbase.conf", ["-c", C, "status"],
               code, words, files={C: text})


def template_row(name, file, data, words, command=("check",)):
    """templates.dir holding file with data."""
    return Row("template/" + name, "templates dir " + file,
               ["-c", C] + list(command), 78, words,
               files={C: conf("[templates]", "dir = tpl"),
                      "tpl/" + file: data})


GOOD_CSV = csv_file(csv_row())
C = "touchbase.conf"

ROWS += [
    # --- addresses: address.c's rule at every door ---
    refused_contact("display-name-contact", "Ann Lee <ann@acme.example>",
                    "display names"),
    Row("addr/display-name-owner", "partner add --owner",
        ["partner", "add", "Bolt", "--owner", "Jo Lin <jo@bolt.example>",
         "--start", "2026-02-01"], 0, (), "kept",
        check=sends("to=jo@bolt.example")),
    Row("addr/display-name-long", "partner add --owner",
        ["partner", "add", "Bolt", "--owner",
         "x" * (ARGV_BIG - 20) + " <jo@bolt.example>"], 65,
        ("owner name", "too long")),
    Row("addr/display-name-csv", "CSV column contact_email",
        ["import", "in.csv"], 65, ("in.csv:2", "contact email",
                                   "display names"),
        files={"in.csv": csv_file(csv_row(
            contact_email=b"Ada <ada@bolt.example>"))}),
    refused_contact("comment", "ann(office)@acme.example", "comments"),
    Row("addr/two-at", "partner add --sponsor",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example",
         "--sponsor", "sam@office@bolt.example"], 65,
        ("sponsor", "more than one @")),
    Row("addr/no-domain", "checkin --by",
        ["checkin", "acme", "--by", "dana@"], 65, ("by", "no domain")),
    refused_contact("no-at", "ann.acme.example", "no @"),
    refused_contact("quoted-local", '"ann lee"@acme.example',
                    "quoted local parts"),
    refused_contact("ip-literal", "ann@[192.0.2.1]", "IP address literals"),
    Row("addr/ip-domain", "partner edit --owner",
        ["partner", "edit", "acme", "--owner", "dana@192.0.2.1"], 65,
        ("owner", "IP addresses")),
    Row("addr/ip-literal-csv", "CSV column owner_email",
        ["import", "in.csv"], 65, ("in.csv:2", "owner"),
        files={"in.csv": csv_file(csv_row(owner_email=b"jo@[192.0.2.1]"))}),
    refused_contact("non-ascii", "ann@bücher.example", "non-ASCII"),
    Row("addr/single-label", "contact add EMAIL",
        ["contact", "add", "acme", "Ann", "ann@intranet", "--invite"], 0,
        (), "kept", check=sends("ann@intranet")),
    Row("addr/atext", "contact add EMAIL",
        ["contact", "add", "acme", "Ann", "o'brien+cal/x=y@acme.example",
         "--invite"], 0, (), "kept",
        check=sends("o'brien+cal/x=y@acme.example")),
    Row("addr/idna", "contact add EMAIL",
        ["contact", "add", "acme", "Ann", "ann@xn--bcher-kva.example",
         "--invite"], 0, (), "kept",
        check=sends("ann@xn--bcher-kva.example")),

    # --- time zones and times ---
    Row("tz/unknown", "partner add --timezone",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example",
         "--timezone", "Mars/Olympus_Mons"], 65, ("timezone",
                                                  "Mars/Olympus_Mons")),
    Row("tz/path", "partner edit --timezone",
        ["partner", "edit", "acme", "--timezone", "../../../etc/passwd"], 65,
        ("timezone",)),
    Row("tz/control", "partner edit --timezone",
        ["partner", "edit", "acme", "--timezone", "America/New_York\x1b[2J"],
        65, ("timezone",)),
    Row("tz/csv", "CSV column timezone", ["import", "in.csv"], 65,
        ("in.csv:2", "timezone"),
        files={"in.csv": csv_file(csv_row(timezone=b"Europe/Atlantis"))}),
    Row("tz/config", "touchbase.conf [schedule] timezone",
        ["-c", C, "status"], 78, (C + ":2", "timezone", "Nowhere/Land"),
        files={C: conf("[schedule]", "timezone = Nowhere/Land")}),
    Row("time/dst-gap", "touchbase.conf [schedule] meeting_time",
        ["-c", C, "partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "--start", "2026-01-01"],
        0, (), "any",
        files={C: conf("[schedule]", "meeting_time = 02:30",
                       "skip_weekends = no")},
        check=lambda d, out, err: sent_with(d, C, "start=2026-03-08T07:30:00"
                                            "+00:00")),
    Row("time/not-a-time", "touchbase.conf [schedule] meeting_time",
        ["-c", C, "status"], 78, (C + ":2", "meeting_time"),
        files={C: conf("[schedule]", "meeting_time = 25:61")}),

    # --- dates and cadences ---
    Row("date/feb29-leap", "partner add --start",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example", "--start",
         "2028-02-29", "--cadence", "yearly"], 0, (), "kept",
        check=shows("bolt", next_due="2029-02-28")),
    Row("date/feb29-every-48-months", "partner add --cadence",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example", "--start",
         "2028-02-29", "--cadence", "every 12 months"], 0, (), "kept",
        check=shows("bolt", next_due="2029-02-28")),
    Row("date/feb29-non-leap", "partner add --start",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example", "--start",
         "2027-02-29"], 65, ("start", "2027-02-29")),
    Row("date/feb29-csv", "CSV column start_date", ["import", "in.csv"], 65,
        ("in.csv:2", "start", "2026-02-29"),
        files={"in.csv": csv_file(csv_row(start_date=b"2026-02-29"))}),
    Row("date/checkin-feb29-non-leap", "checkin --date",
        ["checkin", "acme", "--date", "2026-02-29"], 65, ("2026-02-29",)),
    Row("cadence/every-0-days", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence", "every 0 days"], 65,
        ("every 0 days", "1 to 1000")),
    Row("cadence/every-99999999-years", "partner add --cadence",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example",
         "--cadence", "every 99999999 years"], 65, ("cadence",)),
    Row("cadence/every-huge-days", "partner add --cadence",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example",
         "--cadence", "every 99999999999999999999 days"], 65,
        ("1 to 1000",)),
    Row("cadence/every-negative", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence", "every -3 weeks"], 65,
        ("cadence",)),
    Row("cadence/csv-every-0", "CSV column cadence", ["import", "in.csv"],
        65, ("in.csv:2", "cadence"),
        files={"in.csv": csv_file(csv_row(cadence=b"every 0 days"))}),
    Row("rrule/unknown-freq", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence", "RRULE:FREQ=SOMETIMES"], 65,
        ("cadence",)),
    Row("rrule/empty", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence", "RRULE:"], 65,
        ("cadence",)),
    Row("rrule/bad-byday", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=MONTHLY;BYDAY=9TU"], 65, ("cadence",)),
    Row("rrule/never", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"], 65, ("cadence",)),
    Row("rrule/bad-until", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=WEEKLY;UNTIL=someday"], 65, ("cadence",)),
    Row("rrule/ended", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=WEEKLY;COUNT=0"], 65, ("cadence",)),
    Row("rrule/secondly", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence", "RRULE:FREQ=SECONDLY"], 65,
        ("cadence",)),
    Row("rrule/injection", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=WEEKLY\r\nATTENDEE:mailto:eve@example.org"], 65,
        ("cadence",)),
    Row("rrule/csv", "CSV column cadence", ["import", "in.csv"], 65,
        ("in.csv:2", "cadence"),
        files={"in.csv": csv_file(csv_row(cadence=b"RRULE:FREQ=OFTEN"))}),
    Row("rrule/space-before-number", "partner edit --cadence",
        ["partner", "edit", "acme", "--cadence",
         "RRULE:FREQ=WEEKLY;COUNT=\v166663"], 65,
        ("cadence", "not printable ASCII")),
    # A partner refused for its check-in date still judges the contact
    # rows that continue it; their contacts have no partner to join.
    Row("csv/continuation-of-refused", "import FILE", ["import", "in.csv"],
        65, ("in.csv:2", "last_checkin"),
        files={"in.csv": csv_file(
            csv_row(last_checkin=b"2026-02-b?c01"),
            csv_row(name=b"", owner_email=b"", owner_name=b"", cadence=b"",
                    start_date=b"", archived=b"", contact_name=b"Tom",
                    contact_email=b"tom@bolt.example"))}),

    # --- the shape of a CSV file ---
    Row("csv/bom", "import FILE", ["import", "in.csv"], 0, (), "kept",
        files={"in.csv": b"\xef\xbb\xbf" + GOOD_CSV},
        check=shows("bolt", name="Bolt Works")),
    Row("csv/mixed-line-endings", "import FILE", ["import", "in.csv"], 0,
        (), "kept",
        files={"in.csv": CSV_HEADER.replace(b"\r\n", b"\n") +
               csv_row() + csv_row(key=b"cog", name=b"Cog Co").replace(
                   b"\r\n", b"\n")},
        check=shows("cog", name="Cog Co")),
    Row("csv/ragged-short", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:3",),
        files={"in.csv": GOOD_CSV + b"cog,Cog Co,jo@example.org\r\n"}),
    Row("csv/ragged-long", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:2",),
        files={"in.csv": CSV_HEADER + csv_row()[:-2] + b",extra\r\n"}),
    Row("csv/duplicate-key-differs", "import FILE", ["import", "in.csv"],
        65, ("in.csv:3", "name"),
        files={"in.csv": GOOD_CSV + csv_row(name=b"Bolt Two",
                                            contact_email=b"b@bolt.example")}),
    Row("csv/duplicate-row", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:3", "ada@bolt.example", "exists already"),
        files={"in.csv": GOOD_CSV + csv_row()}),
    Row("csv/duplicate-key-existing", "import FILE", ["import", "in.csv"],
        65, ("in.csv:2", "acme"),
        files={"in.csv": csv_file(csv_row(key=b"acme"))}),
    Row("csv/duplicate-column", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:1", "appears twice"),
        files={"in.csv": b"key,name,owner_email,name\r\n"
               b"b,B,b@b.example,C\r\n"}),
    # A spreadsheet's extra column is ignored, and said so.
    Row("csv/unknown-column", "import FILE", ["import", "in.csv"], 0,
        ("in.csv:1", "colour", "ignored"), "any",
        files={"in.csv": b"key,name,owner_email,colour\r\n"
               b"b,B,b@b.example,red\r\n"}),
    Row("csv/unterminated-quote", "import FILE", ["import", "in.csv"], 65,
        ("in.csv", "unterminated"),
        files={"in.csv": GOOD_CSV + b'cog,"Cog Co,jo@example.org\r\n'}),
    Row("csv/bad-row-after-good", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:3",),
        files={"in.csv": GOOD_CSV + csv_row(key=b"cog", name=b"Cog",
                                            owner_email=b"nobody")}),
    Row("csv/bad-bytes-after-good", "import FILE", ["import", "in.csv"], 65,
        ("in.csv:3", "column 2 (name)"),
        files={"in.csv": GOOD_CSV + csv_row(key=b"cog", name=b"C\xc0g")}),
    Row("csv/old-mac-line-endings", "import FILE", ["import", "in.csv"], 0,
        (), "kept", files={"in.csv": GOOD_CSV.replace(b"\r\n", b"\r")},
        check=shows("bolt", name="Bolt Works")),
    Row("csv/empty", "import FILE", ["import", "in.csv"], 65, ("in.csv",),
        files={"in.csv": b""}),
    Row("csv/binary", "import FILE", ["import", "in.csv"], 65, ("in.csv",),
        files={"in.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}),
    Row("csv/missing", "import FILE", ["import", "none.csv"], 66,
        ("none.csv",)),
    Row("csv/directory", "import FILE", ["import", "."], 66,
        ("directory",)),

    # --- files named by the configuration ---
    holidays_row("not-ical", "holidays.ics", ("holidays.ics",),
                 b"New Year: 2026-01-01\nLabour Day\n"),
    holidays_row("binary", "holidays.ics", ("holidays.ics",),
                 b"BEGIN:VCALENDAR\r\n\x00\xff\xfe\r\n"),
    holidays_row("bad-date", "2026-13-01", (C + ":2", "holidays")),
    holidays_row("missing", "none.ics", ("none.ics",)),
    config_row("duplicate-key", conf("[schedule]", "lead_days = 7",
                                     "lead_days = 3"),
               (C + ":3", "lead_days", "line 2")),
    config_row("duplicate-key-sections",
               conf("[schedule]", "grace_days = 3", "[digest]",
                    "[schedule]", "grace_days = 4"),
               (C + ":5", "grace_days", "line 2")),
    config_row("crlf", b"[schedule]\r\nlead_days = 5\r\n", (), code=0),
    config_row("nul", b"[schedule]\nlead_days = 5\x00\n", (C,)),
    config_row("bad-utf8", b"[smtp]\nfrom = Caf\xe9 <o@example.org>\n",
               (C + ":2",)),
    config_row("control",
               b"[smtp]\nfrom = Of\x1b[2Jfice <o@example.org>\n",
               (C + ":2",)),
    template_row("unknown-variable", "reminder.txt",
                 b"Subject: {{partner.nmae}}\n\nHi\n",
                 ("reminder.txt:", "partner.nmae")),
    template_row("unclosed", "reminder.txt",
                 b"Subject: x\n\n{{#contacts}}\n", ("reminder.txt:",)),
    template_row("bad-utf8", "reminder.txt", b"Subject: Caf\xe9\n\nHi\n",
                 ("reminder.txt",)),
    template_row("control-run", "reminder.txt",
                 b"Subject: Hi\x1b[2J\n\nHi\n",
                 ("reminder.txt:1:", "control character"),
                 command=("run", "--now", "2026-03-01")),
    template_row("control-check", "reminder.html",
                 b"<p>Hi</p>\n<p>\x08</p>\n",
                 ("reminder.html:2:", "control character")),

    # --- the database ---
    Row("db/read-only", "-d DBFILE (chmod 444, directory 555)",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example"], 77,
        ("touchbase.db", "read-only"), setup=read_only, skip=no_setpriv,
        nobody=True, snap_first=True),
    Row("db/read-only-mount", "-d DBFILE (read-only bind mount)",
        ["-d", "ro/touchbase.db", "partner", "add", "Bolt", "--owner",
         "jo@bolt.example"], 77, ("ro/touchbase.db", "read-only"),
        setup=ro_bind, skip=ro_bind_skip, snap_first=True),
    Row("db/locked", "-d DBFILE (locked by another process)",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example"], 75,
        ("touchbase.db", "locked"), setup=lambda d: hold(d),
        snap_first=True),
    Row("db/truncated", "-d DBFILE (cut in half)",
        ["partner", "list"], 65, ("touchbase.db",), setup=truncate_db),
    Row("db/truncated-write", "-d DBFILE (cut in half)",
        ["partner", "add", "Bolt", "--owner", "jo@bolt.example"], 65,
        ("touchbase.db",), setup=truncate_db),
    Row("db/not-sqlite", "-d DBFILE (a CSV file)", ["status"], 65,
        ("touchbase.db", "not a touchbase database"), setup=not_sqlite),
    Row("db/empty-file", "-d DBFILE (empty)", ["status"], 65,
        ("touchbase.db", "not a touchbase database"),
        setup=lambda d: open(os.path.join(d, "touchbase.db"), "w").close()),
    Row("db/directory", "-d DBFILE (a directory)", ["-d", "xdg", "status"],
        65, ("xdg",), setup=lambda d: os.mkdir(os.path.join(d, "xdg"))),

    # --- the Maildir a run delivers into ---
    # A configuration error (78), found before anything is planned.
    Row("maildir/is-a-file", "[delivery] maildir (a file)",
        ["run", "--now", "2026-03-01"], 78,
        ("delivery.maildir", "outbox", "not a directory"), "any",
        setup=outbox_is_a_file, check=delivered_later),
    # Refused as above; the mail goes by the next run once the Maildir
    # is mended.
    Row("maildir/new-is-a-file", "[delivery] maildir (new/ a file)",
        ["run", "--now", "2026-03-01"], 78,
        ("delivery.maildir", "outbox/new", "not a directory"), "any",
        setup=outbox_new_is_a_file, check=delivered_later),
]


def sent_with(d, config, *want):
    return sent(d, *want, config=config)


# Locked rows: a process holding the database, stopped after the row.
def hold(d):
    p = subprocess.Popen(["/usr/bin/python3", "-c", """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode = EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("PRAGMA user_version").fetchall()
print("held", flush=True)
time.sleep(300)
""", os.path.join(d, "touchbase.db")], stdout=subprocess.PIPE)
    p.stdout.readline()
    HELD.append(p)


HELD = []

# --- the runner ------------------------------------------------------------


def run(d, args, stdin=None, prefix=()):
    env = dict(os.environ, TOUCHBASE_CONFIG="", HOME=d,
               XDG_CONFIG_HOME=os.path.join(d, "xdg"))
    p = subprocess.run(list(prefix) + [TB] + list(args), cwd=d, env=env,
                       input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def snapshot(d):
    """What "nothing changed" compares: the export, and every row of every
    table (check-in notes and the outbox are not exported)."""
    code, out, err = run(d, ["export"])
    parts = [b"export -> %d\n" % code, out]
    path = os.path.join(d, "touchbase.db")
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        parts += [line.encode() for line in db.iterdump()]
        db.close()
    except sqlite3.Error as e:
        with open(path, "rb") as f:
            parts += [b"not readable as SQLite: %s\n" % str(e).encode(),
                      f.read()]
    return b"\n".join(parts)


def round_trip(d):
    """Export, import into an empty book, export again: the same?"""
    code, first, err = run(d, ["export"])
    if code != 0:
        return "export exited %d: %s" % (code, err[:300])
    e = os.path.join(d, "rt")
    os.mkdir(e)
    with open(os.path.join(e, "book.csv"), "wb") as f:
        f.write(first)
    for args in (["init"], ["import", "book.csv"]):
        code, out, err = run(e, args)
        if code != 0:
            return "round trip: %s exited %d: %s" % (
                " ".join(args), code, err[:300])
    code, second, err = run(e, ["export"])
    if second != first:
        return "round trip: the second export differs from the first"
    return None


def message_faults(err):
    """Why stderr is not fit for an office user's terminal, or None."""
    try:
        text = err.decode("utf-8")
    except UnicodeDecodeError as e:
        return "stderr is not valid UTF-8 (byte %d)" % e.start
    for i, c in enumerate(text):
        if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0:
            return "stderr echoes control character %r at %d" % (c, i)
    if len(err) > 4096:
        return "stderr is %d bytes long" % len(err)
    return None


def show(b):
    s = b.decode("utf-8", "backslashreplace")
    return s if len(s) < 600 else s[:600] + "..."


def teardown(d):
    while HELD:
        p = HELD.pop()
        p.kill()
        p.wait()
    while CLEANUP:
        subprocess.run(CLEANUP.pop())
    subprocess.run(["chmod", "-R", "u+rwX", d])


def run_row(row, base, base_snap):
    if row.skip is not None:
        why = row.skip()
        if why:
            return None, why
    d = tempfile.mkdtemp(prefix="row.", dir=base)
    os.chmod(d, 0o755)
    shutil.copytree(os.path.join(base, "book"), d, dirs_exist_ok=True)
    for name, data in row.files.items():
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    try:
        if row.snap_first:
            before = snapshot(d)
        try:
            if row.setup is not None:
                row.setup(d)
        except Skip as e:
            return None, str(e)
        if not row.snap_first:
            before = base_snap if row.setup is None else snapshot(d)
        code, out, err = run(d, row.args,
                             prefix=as_nobody() if row.nobody else ())
        problems = []
        if code != row.code:
            problems.append("exited %d, wanted %d" % (code, row.code))
        for w in row.words:
            if w.encode() not in err:
                problems.append("stderr lacks %r" % w)
        why = message_faults(err)
        if why:
            problems.append(why)
        if row.snap_first:
            teardown(d)
        if row.check is not None:
            why = row.check(d, out, err)
            if why:
                problems.append(why)
        if row.book == "same":
            after = snapshot(d)
            if after != before:
                problems.append("the book changed")
        elif row.book == "kept":
            why = round_trip(d)
            if why:
                problems.append(why)
        if problems:
            problems.append("stderr: " + show(err))
        return problems, None
    finally:
        teardown(d)
        shutil.rmtree(d, ignore_errors=True)


def main():
    only = sys.argv[1:]
    names = [r.name for r in ROWS]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        print("duplicate row names: %s" % sorted(dup), file=sys.stderr)
        return 99
    base = tempfile.mkdtemp(prefix="touchbase-badinput.")
    os.chmod(base, 0o711)
    try:
        book = os.path.join(base, "book")
        os.mkdir(book)
        for args in BASE:
            code, out, err = run(book, args)
            if code != 0:
                print("setting up the book: touchbase %s exited %d: %s" % (
                    " ".join(args), code, show(err)), file=sys.stderr)
                return 99
        # What every row that leaves the book alone compares with.
        base_snap = snapshot(book)
        failed = skipped = passed = 0
        for row in ROWS:
            if only and not any(row.name.startswith(o) for o in only):
                continue
            problems, why = run_row(row, base, base_snap)
            if why:
                skipped += 1
                print("SKIP: %s: %s" % (row.name, why))
            elif problems:
                failed += 1
                print("FAIL: %s (%s): %s" % (row.name, row.door,
                                             "; ".join(problems)),
                      file=sys.stderr)
            else:
                passed += 1
        print("%d rows passed, %d failed, %d skipped" % (passed, failed,
                                                          skipped))
        return 1 if failed else 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
