/*
 * lock.h: one run at a time per database: an flock(2) on DBFILE.lock held
 * for the run's whole life.  The kernel drops it when the process dies, so
 * a killed run never leaves a stale lock.
 */
#ifndef TB_LOCK_H
#define TB_LOCK_H

struct run_lock;

enum { LOCK_BUSY = 1 };

/*
 * Take the lock for db_path without waiting.  Returns 0 with *out set,
 * LOCK_BUSY with *err naming the process that holds it, or -1 with *err.
 */
int run_lock_take(const char *db_path, struct run_lock **out, char **err);
void run_lock_release(struct run_lock *l);	/* NULL ok */

#endif
