/* store_bulk.c: bulk loads, with a table's plain indexes made once at
 * the end. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_db.h"

void
store_bulk_forget(struct store *s)
{
	for (size_t i = 0; i < s->nbulk; i++)
		free(s->bulk[i]);
	free(s->bulk);
	s->bulk = NULL;
	s->nbulk = 0;
	s->bulk_depth = 0;
}

int
store_bulk_begin(struct store *s, const char *table, char **err)
{
	sqlite3_stmt *st;
	struct buf drop;
	int rc;

	if (s->depth == 0) {
		s->fault = FAULT_INTERNAL;
		return set_err(err, "a bulk load outside a transaction");
	}
	if (s->bulk_depth != 0)
		return 0;
	/* Indexes that enforce a constraint have no SQL of their own and
	 * stay: they answer the load's lookups. */
	if (sdb_prepare(s, "SELECT name, sql FROM sqlite_master"
	    " WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL"
	    " ORDER BY name", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, table);
	buf_init(&drop);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);

		s->bulk = xreallocarray(s->bulk, s->nbulk + 1, sizeof *s->bulk);
		s->bulk[s->nbulk++] = xstrdup(sql);
		buf_printf(&drop, "DROP INDEX \"%s\";", name);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = sdb_err(s, err, "reading the schema");
	else if (s->nbulk > 0)
		rc = sdb_exec(s, buf_str(&drop), "starting a bulk load", err);
	else
		rc = 0;
	buf_reset(&drop);
	if (rc != 0) {
		store_bulk_forget(s);
		return -1;
	}
	s->bulk_depth = s->depth;
	return 0;
}

int
store_bulk_end(struct store *s, char **err)
{
	for (size_t i = 0; i < s->nbulk; i++)
		if (sdb_exec(s, s->bulk[i], "indexing after a bulk load",
		    err) != 0)
			return -1;
	store_bulk_forget(s);
	return 0;
}
