#!/usr/bin/python3
"""Turn a bench run's records into bench/RESULTS.md and print its tables.

usage: report.py WORKDIR RESULTS.md

WORKDIR holds machine.tsv, records.tsv (section, size or round, label,
wall s, peak RSS KiB, exit, count, note), the books' summaries and the
callgrind output of bench.sh.
"""
import glob
import json
import os
import re
import statistics
import sys

SIZES = {"k": 1000, "K": 1000, "M": 1000000}
RSS_TARGET_KIB = 32 * 1024
TB1 = "touchbase smtp, connections = 1"
TB4 = "touchbase smtp, connections = 4"
TBM = "touchbase maildir"
SOURCE = "smtp-source, one session"
PYTHON = "Python peer, one connection"


def size_number(s):
    return int(s[:-1]) * SIZES[s[-1]] if s[-1] in SIZES else int(s)


def load(work):
    machine = {}
    with open(os.path.join(work, "machine.tsv"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            machine[k] = v
    records = []
    with open(os.path.join(work, "records.tsv"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            sec, size, label, wall, rss, rc, count, note = fields[:8]
            cpu = fields[8] if len(fields) > 8 else ""
            records.append({
                "cpu": float(cpu) if cpu else None,
                "section": sec, "size": size, "label": label,
                "wall": float(wall) if wall else None,
                "rss": int(rss) if rss else None, "rc": int(rc),
                "count": int(count) if count.strip().isdigit() else None,
                "note": note})
    return machine, records


def fmt_s(x):
    if x is None:
        return "?"
    return "%.2f" % x if x < 100 else "%.0f" % x


def fmt_mib(kib):
    return "?" if kib is None else "%.1f" % (kib / 1024)


def book_tables(records, out):
    sizes = []
    for r in records:
        if r["section"] == "book" and r["size"] not in sizes:
            sizes.append(r["size"])
    for size in sizes:
        out.append("\n### %s partners\n" % size)
        out.append("| command | wall (s) | CPU (s) | peak RSS (MiB) | exit "
                   "| count | note |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for r in records:
            if r["section"] == "book" and r["size"] == size:
                out.append("| `%s` | %s | %s | %s | %d | %s | %s |" % (
                    r["label"], fmt_s(r["wall"]),
                    "-" if r["cpu"] is None else fmt_s(r["cpu"]),
                    fmt_mib(r["rss"]), r["rc"],
                    "" if r["count"] is None else r["count"],
                    r["note"].replace("|", "\\|")))
    return sizes


def rate(r):
    if r is None or not r["wall"] or r["count"] is None:
        return None
    return r["count"] / r["wall"]


def delivery_table(records, out):
    rounds = {}
    msg_size = None
    for r in records:
        if r["section"] != "delivery":
            continue
        if r["label"] == "message size":
            msg_size, n = r["count"], r["size"]
            continue
        rounds.setdefault(r["size"], {})[r["label"]] = r
    if not rounds:
        return None
    out.append("%s reminders with invites per run; `touchbase preview`'s "
               "message, sent by smtp-source, is %s bytes.  Messages per "
               "second (wall time of the whole command, composition "
               "included); a run that did not send them all shows its "
               "count in the notes.\n" % (n, msg_size))
    cols = [TB1, SOURCE, TB4, PYTHON, TBM]
    out.append("| round | " + " | ".join(cols) +
               " | tb(1) / smtp-source | tb(1) / Python |")
    out.append("| --- |" + " ---: |" * (len(cols) + 2))
    per = {c: [] for c in cols}
    ratio_src, ratio_py, notes = [], [], []
    for rd in sorted(rounds, key=int):
        row = rounds[rd]
        cells = []
        for c in cols:
            v = rate(row.get(c))
            if v is not None:
                per[c].append(v)
            cells.append("%.0f" % v if v is not None else "-")
            rr = row.get(c)
            if rr is not None and (rr["rc"] != 0 or rr["note"]):
                notes.append("round %s, %s: exit %d, %s messages, %s" % (
                    rd, c, rr["rc"],
                    "no" if rr["count"] is None else rr["count"],
                    rr["note"]))
        a, s, p = rate(row.get(TB1)), rate(row.get(SOURCE)), \
            rate(row.get(PYTHON))
        rs = a / s if a and s else None
        rp = a / p if a and p else None
        if rs is not None:
            ratio_src.append(rs)
        if rp is not None:
            ratio_py.append(rp)
        out.append("| %s | %s | %s | %s |" % (
            rd, " | ".join(cells),
            "%.3f" % rs if rs is not None else "-",
            "%.2f" % rp if rp is not None else "-"))
    med = {c: statistics.median(v) if v else None for c, v in per.items()}
    mrs = statistics.median(ratio_src) if ratio_src else None
    mrp = statistics.median(ratio_py) if ratio_py else None
    out.append("| **median** | " + " | ".join(
        "**%.0f**" % med[c] if med[c] else "-" for c in cols) +
        " | **%s** | **%s** |" % (
            "%.3f" % mrs if mrs is not None else "-",
            "%.2f" % mrp if mrp is not None else "-"))
    cpu = {c: [r["cpu"] / r["count"] * 1000 for r in
               (row.get(c) for row in rounds.values())
               if r is not None and r["cpu"] is not None and r["count"]]
           for c in cols}
    if any(cpu.values()):
        med_cpu = {c: statistics.median(v) if v else None
                   for c, v in cpu.items()}
        out.append("| CPU ms per message (median, user + system) | " +
                   " | ".join("%.2f" % med_cpu[c] if med_cpu[c] else "-"
                              for c in cols) + " | | |")
        if med_cpu[TB1] and med_cpu[SOURCE] and med_cpu[PYTHON]:
            out.append("\nBy CPU time per message instead of wall time, "
                       "touchbase (one connection) is %.3f × smtp-source "
                       "and %.2f × the Python peer: where these differ from "
                       "the wall-time ratios, touchbase waits (fsync, the "
                       "server) or the machine is busy." % (
                           med_cpu[SOURCE] / med_cpu[TB1],
                           med_cpu[PYTHON] / med_cpu[TB1]))
    for line in notes:
        out.append("\n- " + line)
    peaks = [r["rss"] for row in rounds.values() for c, r in row.items()
             if c.startswith("touchbase") and r["rss"]]
    if peaks:
        out.append("\nPeak RSS of touchbase's delivery runs: %s MiB at most."
                   % fmt_mib(max(peaks)))
    return {"ratio_source": mrs, "ratio_python": mrp, "median": med}


def profile(work, records, out):
    path = os.path.join(work, "profile.txt")
    if not os.path.exists(path):
        return
    prof = [r for r in records if r["section"] == "profile"]
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    total = re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text)
    n = prof[0]["count"] if prof else None
    out.append("`valgrind --tool=callgrind` on `touchbase run` delivering "
               "%s reminders to smtp-sink (connections = 1)." % (
                   prof[0]["size"] if prof else "?"))
    if total and n:
        ir = int(total.group(1).replace(",", ""))
        out.append("Instructions: %s in all, %.2f M per message sent "
                   "(%d sent)." % (total.group(1), ir / n / 1e6, n))
    out.append("\nTop entries by own instructions (`callgrind_annotate`):\n")
    out.append("```")
    keep = False
    for line in text.splitlines():
        if "PROGRAM TOTALS" in line:
            keep = True
        if keep:
            out.append(line.rstrip())
    out.append("```")
    ipath = os.path.join(work, "profile-inclusive.txt")
    if os.path.exists(ipath):
        with open(ipath, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        start = next((i for i, l in enumerate(lines)
                      if "file:function" in l), None)
        if start is not None:
            out.append("\nTop entries by inclusive instructions:\n")
            out.append("```")
            out += [l.rstrip() for l in lines[start:start + 32]]
            out.append("```")


def find(records, size, label):
    for r in records:
        if r["section"] == "book" and r["size"] == size \
                and r["label"] == label:
            return r
    return None


def verdict(ok):
    return "**yes**" if ok else "**no**"


def targets(records, sizes, dl, out):
    out.append("| target | measured | holds |")
    out.append("| --- | --- | --- |")
    if dl and dl["ratio_source"] is not None:
        r = dl["ratio_source"]
        def gap(goal):
            # how far the ratio is from goal, in words
            if r >= goal:
                return "%.2f × %s" % (r / goal, goal)
            return "%.2f × short of %s" % (goal / r, goal)
        out.append("| delivery over one SMTP session ≥ 0.3 × smtp-source "
                   "(and the gap to 0.6) | %.3f × (median of rounds); "
                   "%s, %s | %s |" % (
                       r, gap(0.3), gap(0.6), verdict(r >= 0.3)))
    else:
        out.append("| delivery ≥ 0.3 × smtp-source | not measured | - |")
    if dl and dl["ratio_python"] is not None:
        r = dl["ratio_python"]
        out.append("| delivery ≥ 10 × the Python peer | %.2f × | %s |" % (
            r, verdict(r >= 10)))
    else:
        out.append("| delivery ≥ 10 × the Python peer | not measured | - |")
    big = find(records, "1M", "run --dry-run, 1 % due")
    mid = find(records, "100k", "run --dry-run, 10 % due")
    if big and big["rc"] == 0:
        out.append("| planning 1M, 1 %% due, < 1 s | %s s | %s |" % (
            fmt_s(big["wall"]), verdict(big["wall"] < 1)))
    else:
        out.append("| planning 1M, 1 %% due, < 1 s | %s | %s |" % (
            "not measured" if big is None else
            "exit %d after %s s" % (big["rc"], fmt_s(big["wall"])),
            "-" if big is None else verdict(False)))
    if big and mid and big["rc"] == 0 and mid["rc"] == 0:
        q = big["wall"] / mid["wall"]
        out.append("| planning 1M 1 %% ≤ 2 × 100k 10 %% | %s s / %s s = "
                   "%.2f × | %s |" % (fmt_s(big["wall"]), fmt_s(mid["wall"]),
                                      q, verdict(q <= 2)))
    else:
        out.append("| planning 1M 1 %% ≤ 2 × 100k 10 %% | %s | - |" % (
            "not measured" if big is None or mid is None else
            "a run failed"))
    at1m = [r for r in records if r["section"] == "book" and r["size"] == "1M"]
    if at1m:
        worst = max(at1m, key=lambda r: r["rss"] or 0)
        over = [r["label"] for r in at1m
                if (r["rss"] or 0) >= RSS_TARGET_KIB or r["rc"] != 0]
        out.append("| peak RSS < 32 MiB for every command at 1M | largest "
                   "%s MiB (`%s`); over or failed: %s | %s |" % (
                       fmt_mib(worst["rss"]), worst["label"],
                       ", ".join("`%s`" % l for l in over) or "none",
                       verdict(not over)))
    else:
        out.append("| peak RSS < 32 MiB for every command at 1M | not "
                   "measured | - |")
    imp = find(records, "1M", "import")
    if imp:
        out.append("| import of 1M partners < 15 s | %s s, exit %d | %s |" % (
            fmt_s(imp["wall"]), imp["rc"],
            verdict(imp["rc"] == 0 and imp["wall"] < 15)))
    else:
        out.append("| import of 1M partners < 15 s | not measured | - |")
    # What the sizes measured say on the way to the 1M targets.
    if "1M" not in sizes and sizes:
        top = sizes[-1]
        rows = [r for r in records if r["section"] == "book"
                and r["size"] == top]
        worst = max(rows, key=lambda r: r["rss"] or 0)
        imp = find(records, top, "import")
        dry = find(records, top, "run --dry-run, 1 % due")
        out.append("\n1M was not part of this run.  At %s partners: import "
                   "%s s (linear: %s s at 1M), planning with 1 %% due %s s, "
                   "largest peak RSS %s MiB (`%s`)." % (
                       top, fmt_s(imp["wall"]) if imp else "?",
                       fmt_s(imp["wall"] * 1e6 / size_number(top))
                       if imp and imp["wall"] else "?",
                       fmt_s(dry["wall"]) if dry else "?",
                       fmt_mib(worst["rss"]), worst["label"]))


def summaries(work):
    out = {}
    for path in glob.glob(os.path.join(work, "books", "*.csv.json")):
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        out[os.path.basename(path)[:-len(".csv.json")]] = s
    return out


def main():
    work, results = sys.argv[1], sys.argv[2]
    machine, records = load(work)
    out = ["# touchbase benchmark results", "",
           "Written by `make bench` (bench/bench.sh; see bench/README.md) "
           "from %s to %s." % (machine.get("started"),
                               machine.get("finished"))]
    if machine.get("note"):
        out += ["", machine["note"]]
    out += ["", "## Machine", "", "| | |", "| --- | --- |"]
    for k, name in [("cpu", "CPU"), ("cores", "cores"),
                    ("memory", "memory"), ("kernel", "kernel"),
                    ("debian", "Debian"), ("compiler", "compiler"),
                    ("cflags", "CFLAGS"), ("commit", "touchbase commit"),
                    ("postfix", "Postfix (smtp-sink, smtp-source)"),
                    ("load_start", "load average at start"),
                    ("load_end", "load average at end")]:
        out.append("| %s | %s |" % (name, machine.get(k, "")))
    out.append("\nGuards: virtual memory %s MiB (`ulimit -v`), %s s per "
               "command (`timeout`); a command that fails or hits one is "
               "listed with its exit status and its figures so far." % (
                   machine.get("mem_guard"), machine.get("time_guard")))
    out += ["", "## Targets", ""]
    pos_targets = len(out)
    out += ["", "## Books", "",
            "Each book is generated (bench/gen_book.py, seed %s) and "
            "imported with `touchbase import`.  The 1 %% moment is "
            "2026-03-04T12:00:00Z, the 10 %% moment 2026-03-07T12:00:00Z "
            "(`--now`); each is run on its own copy of the imported "
            "database, with smtp-sink as the server (connections = 1).  "
            "The count is the rows read (import), the messages planned "
            "(dry run) or sent (runs), and the bytes written (views, "
            "which run on the 10 %% copy after its runs)." % (
                machine.get("seed", "2026"))]
    sums = summaries(work)
    if sums:
        out += ["", "| book | partners | CSV rows | contacts | invited "
                "| due at 1 % | due at 10 % |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name in sorted(sums, key=lambda k: sums[k]["partners"]):
            s = sums[name]
            out.append("| %s | %d | %d | %d | %d | %d | %d |" % (
                name, s["partners"], s["rows"], s["contacts"], s["invited"],
                s["due_1"], s["due_10"]))
    sizes = book_tables(records, out)
    out += ["", "## Delivery", ""]
    dl = delivery_table(records, out)
    out += ["", "## Profile", ""]
    profile(work, records, out)
    tgt = []
    targets(records, sizes, dl, tgt)
    out[pos_targets:pos_targets] = tgt
    text = "\n".join(out) + "\n"
    with open(results, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
