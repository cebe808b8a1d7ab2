#!/bin/sh
# The modules of src/ depend on each other one way: no include cycle
# (a module is NAME.c with NAME.h; store_*.c belong to the store but
# store_outbox.[ch], the outbox's private persistence; config_*.[ch] to
# the configuration), and
# no core module includes a command's header.
. "${srcdir:-.}/tests/lib.sh"

checks=$((checks + 1))
/usr/bin/python3 - "$srcdir/src" <<'PY' || fail "src/ has an include cycle or a core module includes cmd.h"
import os, re, sys
src = sys.argv[1]
def module(name):
    stem = os.path.splitext(name)[0]
    if stem == "store_outbox":
        return "outbox"     # the outbox's private persistence
    if stem.startswith("config"):
        return "config"
    return "store" if stem.startswith("store") else stem
graph = {}
for f in os.listdir(src):
    if not f.endswith((".c", ".h")):
        continue
    m = module(f)
    deps = graph.setdefault(m, set())
    for line in open(os.path.join(src, f), encoding="utf-8"):
        inc = re.match(r'#include "([a-z_]+)\.h"', line)
        if inc and module(inc.group(1)) != m:
            deps.add(module(inc.group(1)))
bad = [m for m in graph if not (m.startswith("cmd") or m == "main")
       and "cmd" in graph[m]]
for m in bad:
    print("core module %s includes cmd.h" % m, file=sys.stderr)
state = {}
def visit(m, path):
    state[m] = "open"
    for d in sorted(graph.get(m, ())):
        if state.get(d) == "open":
            print("cycle: " + " -> ".join(path[path.index(d):] + [d]), file=sys.stderr)
            return False
        if d not in state and not visit(d, path + [d]):
            return False
    state[m] = "done"
    return True
ok = all(visit(m, [m]) for m in sorted(graph) if m not in state)
sys.exit(0 if ok and not bad else 1)
PY

finish
