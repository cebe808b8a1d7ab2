/*
 * store_outbox.h: the outbox's rows in SQLite, private to outbox.c (no
 * other module includes it).  Every function turns the table's text
 * into the typed struct outbox_msg or back; a row whose text does not
 * convert is an error naming its id.
 */
#ifndef TB_STORE_OUTBOX_H
#define TB_STORE_OUTBOX_H

#include "outbox.h"
#include "store.h"

/* INSERT OR IGNORE on the unique key; *inserted, and m->id when so. */
int store_outbox_insert(struct store *s, struct outbox_msg *m, time_t now,
    bool *inserted, char **err);
/* Whether a row with m's unique key (partner, kind, occurrence,
 * recipient, sequence) exists. */
int store_outbox_exists(struct store *s, const struct outbox_msg *m,
    bool *exists, char **err);
/* Where outbox_add's rows go while counting (outbox_count_begin): fn,
 * or NULL to store them again.  store_outbox_tap: fn, and its arg when
 * arg is not NULL. */
void store_outbox_set_tap(struct store *s, outbox_fn fn, void *arg);
outbox_fn store_outbox_tap(struct store *s, void **arg);
/* Write m's delivery fields (state, attempts, next_attempt, last_error,
 * reply, sent_at, queued_at) to its row, provided the row is still in
 * state `from` (another process may have moved it meanwhile: an error). */
int store_outbox_save(struct store *s, const struct outbox_msg *m,
    enum outbox_state from, char **err);
int store_outbox_get(struct store *s, long id, struct outbox_msg *out,
    char **err);
int store_outbox_find(struct store *s, const char *message_id,
    struct outbox_msg *out, char **err);
int store_outbox_foreach_ready(struct store *s, time_t now, long after,
    long limit, outbox_fn fn, void *arg, char **err);
int store_outbox_foreach(struct store *s, const struct outbox_filter *f,
    outbox_fn fn, void *arg, char **err);
int store_outbox_undelivered(struct store *s, long partner_id, long *count,
    char **err);
int store_outbox_invite_recipients(struct store *s, const char *uid,
    bool pending, char ***emails, size_t *n, char **err);
int store_outbox_invite_sequence(struct store *s, const char *uid,
    const char *recipient, int *sequence, char **err);
int store_outbox_invite_sent(struct store *s, const char *uid,
    const char *recipient, int below, struct outbox_msg *out, char **err);

/* The recipients of a message (outbox.h's struct outbox_rcpt).  Insert
 * or replace r's row; save r's state, attempts, next_attempt, reply and
 * queued_at provided its row is still in state `from`. */
int store_outbox_rcpt_put(struct store *s, const struct outbox_rcpt *r,
    time_t now, char **err);
int store_outbox_rcpt_save(struct store *s, const struct outbox_rcpt *r,
    enum outbox_state from, time_t now, char **err);
int store_outbox_rcpt_list(struct store *s, long outbox_id,
    struct outbox_rcpt **v, size_t *n, char **err);
int store_outbox_rcpt_foreach_ready(struct store *s, time_t now,
    outbox_rcpt_fn fn, void *arg, char **err);

#endif
