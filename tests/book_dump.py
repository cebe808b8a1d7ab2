"""book_dump.py DB: the partner book's tables (partners, contacts,
check-ins) as text, rows joined by partner key, without what a copy
cannot keep the same: row ids and the times rows were written."""
import sqlite3
import sys

SKIP = {"id", "partner_id", "created_at", "updated_at"}

db = sqlite3.connect(sys.argv[1])
for table in ("partners", "contacts", "checkins"):
    cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)
            if r[1] not in SKIP]
    sel = ", ".join("t." + c for c in cols)
    if table == "partners":
        sql = "SELECT %s FROM partners t ORDER BY t.key" % sel
    else:
        sql = ("SELECT p.key, %s FROM %s t JOIN partners p "
               "ON p.id = t.partner_id ORDER BY p.key, %s"
               % (sel, table, ", ".join("t." + c for c in cols)))
    print("== %s: %s" % (table, ", ".join(cols)))
    for row in db.execute(sql):
        print(repr(row))
