/*
 * store_db.h: what the store's files (store.c, store_book.c,
 * store_outbox.c) share: the connection and small SQLite helpers.  No
 * other module includes it.
 */
#ifndef TB_STORE_DB_H
#define TB_STORE_DB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store.h"

/* A statement kept prepared for the connection's life (sdb_cached). */
struct outbox_msg;

struct sdb_stmt {
	char		*sql;
	const char	*given;		/* the caller's text, where it was */
	unsigned long	 hash;
	sqlite3_stmt	*st;
	bool		 in_use;	/* handed out, not yet finished */
};
#define SDB_CACHE_MAX	64

struct store {
	sqlite3		*db;
	char		*path;
	int		 depth;	/* open transactions; >1 are savepoints */
	enum fault	 fault;	/* the cause of the last failure */
	bool		 unsynced; /* store_begin_unsynced's, until it ends */
	/* store_bulk_begin's: the indexes to make again, and the depth of
	 * the transaction that dropped them (0: no bulk load) */
	char		**bulk;
	size_t		 nbulk;
	int		 bulk_depth;
	/* outbox_count_begin's: rows counted instead of inserted */
	int		(*outbox_tap)(const struct outbox_msg *, void *);
	void		*outbox_tap_arg;
	struct sdb_stmt	 cache[SDB_CACHE_MAX];
	size_t		 ncache;
};

/* Forget a bulk load's indexes (its transaction was rolled back, and
 * with it their drop). */
void store_bulk_forget(struct store *s);

/* Record the cause of the connection's last error in s->fault and say it
 * in *err, naming the path ("PATH is locked by another process ..."; for
 * a cause the user cannot act on "PATH: what: SQLite's message");
 * returns -1. */
int sdb_err(struct store *s, char **err, const char *what);
/* Prepare sql into *st; -1 with *err. */
int sdb_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    char **err);
/*
 * Like sdb_prepare, for a statement run again and again (per row, per
 * message): prepared once per connection and reused.  Give it back with
 * sdb_finish (never sqlite3_finalize), which resets it and clears its
 * bindings.  A statement already handed out and not finished (a nested
 * use), or one beyond the cache's size, is prepared afresh and finalized
 * by sdb_finish.  The cache is finalized by store_close.
 */
int sdb_cached(struct store *s, const char *sql, sqlite3_stmt **st,
    char **err);
void sdb_finish(struct store *s, sqlite3_stmt *st);
/* Bind v (NULL binds NULL). */
void sdb_bind_text(sqlite3_stmt *st, int i, const char *v);
/* The same for a text that stays as it is until sdb_finish (a field of
 * the record being written): SQLite reads it in place, uncopied. */
void sdb_bind_held(sqlite3_stmt *st, int i, const char *v);
/* A copy of column i (NULL for NULL); caller frees. */
char *sdb_column_text(sqlite3_stmt *st, int i);
/* Step a statement that returns no rows: 0, STORE_EXISTS for a unique
 * key taken, or -1, each failure with *err. */
int sdb_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    char **err);
/* Run sql (several statements); -1 with *err naming what. */
int sdb_exec(struct store *s, const char *sql, const char *what, char **err);

#endif
