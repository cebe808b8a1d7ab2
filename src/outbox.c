/* outbox.c: the typed message queue: names, creation, transitions. */
#include "outbox.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "store_outbox.h"

static const char *const kind_names[OUTBOX_NKINDS] = {
	[OUTBOX_REMINDER] = "reminder",
	[OUTBOX_INVITATION] = "invitation",
	[OUTBOX_OVERDUE] = "overdue",
	[OUTBOX_ESCALATION] = "escalation",
	[OUTBOX_CANCEL] = "cancel",
	[OUTBOX_UPDATE] = "update",
	[OUTBOX_DIGEST] = "digest",
	[OUTBOX_DECLINED] = "declined",
	[OUTBOX_COUNTER] = "counter",
	[OUTBOX_CONFIRMATION] = "confirmation",
};

static const char *const state_names[OUTBOX_NSTATES] = {
	[OUTBOX_PENDING] = "pending",
	[OUTBOX_SENDING] = "sending",
	[OUTBOX_SENT] = "sent",
	[OUTBOX_DEFERRED] = "deferred",
	[OUTBOX_FAILED] = "failed",
	[OUTBOX_SKIPPED] = "skipped",
	[OUTBOX_BOUNCED] = "bounced",
};

static const char *const role_names[] = {
	[OUTBOX_ROLE_TO] = "to",
	[OUTBOX_ROLE_CC] = "cc",
};

/* moves[from] has bit `to` set when from -> to is allowed. */
#define TO(s) (1u << (s))
static const unsigned moves[OUTBOX_NSTATES] = {
	[OUTBOX_PENDING] = TO(OUTBOX_SENDING) | TO(OUTBOX_FAILED) |
	    TO(OUTBOX_SKIPPED),
	[OUTBOX_SENDING] = TO(OUTBOX_SENT) | TO(OUTBOX_DEFERRED) |
	    TO(OUTBOX_FAILED) | TO(OUTBOX_SKIPPED) | TO(OUTBOX_SENDING) |
	    TO(OUTBOX_BOUNCED),
	[OUTBOX_DEFERRED] = TO(OUTBOX_SENDING) | TO(OUTBOX_FAILED) |
	    TO(OUTBOX_SKIPPED) | TO(OUTBOX_PENDING),
	[OUTBOX_FAILED] = TO(OUTBOX_PENDING) | TO(OUTBOX_SKIPPED),
	[OUTBOX_SENT] = TO(OUTBOX_BOUNCED),
	[OUTBOX_SKIPPED] = 0,
	[OUTBOX_BOUNCED] = 0,
};
#undef TO

const char *
outbox_kind_name(enum outbox_kind kind)
{
	return (unsigned)kind < OUTBOX_NKINDS ? kind_names[kind] : "?";
}

const char *
outbox_state_name(enum outbox_state state)
{
	return (unsigned)state < OUTBOX_NSTATES ? state_names[state] : "?";
}

/* The index of name in names[0..n), or -1; *err lists the choices. */
static int
name_index(const char *what, const char *name, const char *const *names,
    size_t n, char **err)
{
	struct buf choices;

	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	buf_init(&choices);
	for (size_t i = 0; i < n; i++)
		buf_printf(&choices, "%s%s", i ? ", " : "", names[i]);
	set_err(err, "%s \"%s\" is not one of %s", what, name ? name : "",
	    buf_str(&choices));
	buf_reset(&choices);
	return -1;
}

int
outbox_kind_parse(const char *name, enum outbox_kind *kind, char **err)
{
	int i = name_index("kind", name, kind_names, OUTBOX_NKINDS, err);

	if (i < 0)
		return -1;
	*kind = (enum outbox_kind)i;
	return 0;
}

int
outbox_state_parse(const char *name, enum outbox_state *state, char **err)
{
	int i = name_index("state", name, state_names, OUTBOX_NSTATES, err);

	if (i < 0)
		return -1;
	*state = (enum outbox_state)i;
	return 0;
}

const char *
outbox_role_name(enum outbox_role role)
{
	return (unsigned)role <= OUTBOX_ROLE_CC ? role_names[role] : "?";
}

int
outbox_role_parse(const char *name, enum outbox_role *role, char **err)
{
	int i = name_index("role", name, role_names, OUTBOX_ROLE_CC + 1, err);

	if (i < 0)
		return -1;
	*role = (enum outbox_role)i;
	return 0;
}

bool
outbox_kind_has_invite(enum outbox_kind kind)
{
	return kind == OUTBOX_REMINDER || kind == OUTBOX_INVITATION ||
	    kind == OUTBOX_CANCEL || kind == OUTBOX_UPDATE;
}

bool
outbox_can_move(enum outbox_state from, enum outbox_state to)
{
	return (unsigned)from < OUTBOX_NSTATES && (unsigned)to <
	    OUTBOX_NSTATES && (moves[from] & (1u << to)) != 0;
}

char *
outbox_domain(const struct config *cfg)
{
	char *name = NULL, *email = NULL, *domain;

	if (message_address_parse(cfg->from, &name, &email, NULL) != 0)
		return xstrdup("localhost");
	domain = xstrdup(strrchr(email, '@') + 1);
	/* Lower case, as Message-IDs are looked up. */
	for (char *p = domain; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	free(name);
	free(email);
	return domain;
}

int
outbox_ids_load(struct store *s, const struct config *cfg,
    struct outbox_ids *ids, char **err)
{
	char *hex = NULL;
	int rc;

	memset(ids, 0, sizeof *ids);
	rc = store_setting_get(s, "reply_key", &hex, err);
	if (rc == STORE_NOT_FOUND)
		return set_err(err, "the database has no reply key; run "
		    "touchbase init");
	if (rc != 0)
		return -1;
	rc = token_key_parse(hex, &ids->key, err);
	free(hex);
	if (rc != 0)
		return -1;
	ids->domain = outbox_domain(cfg);
	ids->counting = store_outbox_tap(s, NULL) != NULL;
	return 0;
}

void
outbox_ids_reset(struct outbox_ids *ids)
{
	free(ids->domain);
	memset(ids, 0, sizeof *ids);
}

void
outbox_msg_init(struct outbox_msg *m, enum outbox_kind kind, long partner_id,
    const char *partner_key, const char *occurrence, const char *recipient,
    const struct outbox_ids *ids)
{
	char *token;

	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->partner_id = partner_id;
	m->partner_key = xstrdup(partner_key);
	m->occurrence = xstrdup(occurrence);
	m->recipient = xstrdup(recipient);
	m->state = OUTBOX_PENDING;
	/* A token: names neither the partner nor the kind.  A message only
	 * counted is never sent: minting would cost more than the rest. */
	token = ids->counting ? xstrdup("counted") :
	    token_mint(&ids->key, recipient);
	m->message_id = xasprintf("%s@%s", token, ids->domain);
	free(token);
}

void
outbox_meeting_copy(struct outbox_meeting *dst,
    const struct outbox_meeting *src)
{
	*dst = *src;
	dst->tz = xstrdup(src->tz);
}

void
outbox_meeting_reset(struct outbox_meeting *m)
{
	free(m->tz);
	memset(m, 0, sizeof *m);
}

void
outbox_msg_set_invite(struct outbox_msg *m, const char *uid, int sequence,
    const char *const *attendees, size_t nattendees,
    const struct outbox_meeting *meeting)
{
	free(m->uid);
	m->uid = xstrdup(uid);
	m->sequence = sequence;
	strv_free(m->attendees, m->nattendees);
	m->attendees = strv_copy(attendees, nattendees);
	m->nattendees = nattendees;
	outbox_meeting_reset(&m->meeting);
	if (meeting != NULL)
		outbox_meeting_copy(&m->meeting, meeting);
}

void
outbox_msg_reset(struct outbox_msg *m)
{
	free(m->partner_key);
	free(m->occurrence);
	free(m->recipient);
	free(m->message_id);
	free(m->uid);
	strv_free(m->attendees, m->nattendees);
	outbox_meeting_reset(&m->meeting);
	free(m->last_error);
	free(m->reply);
	free(m->detail);
	memset(m, 0, sizeof *m);
}

void
outbox_msg_copy(struct outbox_msg *dst, const struct outbox_msg *src)
{
	*dst = *src;
	dst->partner_key = xstrdup(src->partner_key);
	dst->occurrence = xstrdup(src->occurrence);
	dst->recipient = xstrdup(src->recipient);
	dst->message_id = xstrdup(src->message_id);
	dst->uid = xstrdup(src->uid);
	dst->attendees = strv_copy((const char *const *)src->attendees,
	    src->nattendees);
	outbox_meeting_copy(&dst->meeting, &src->meeting);
	dst->last_error = xstrdup(src->last_error);
	dst->reply = xstrdup(src->reply);
	dst->detail = xstrdup(src->detail);
}

int
outbox_add(struct store *s, struct outbox_msg *m, time_t now, bool *added,
    char **err)
{
	void *arg;
	outbox_fn tap = store_outbox_tap(s, &arg);
	bool exists;

	m->state = OUTBOX_PENDING;
	if (tap == NULL)
		return store_outbox_insert(s, m, now, added, err);
	if (store_outbox_exists(s, m, &exists, err) != 0)
		return -1;
	*added = !exists;
	return exists ? 0 : tap(m, arg);
}

void
outbox_count_begin(struct store *s, outbox_fn fn, void *arg)
{
	store_outbox_set_tap(s, fn, arg);
}

void
outbox_count_end(struct store *s)
{
	store_outbox_set_tap(s, NULL, NULL);
}

/* Replace *field with a copy of value, when value is not NULL. */
static void
replace(char **field, const char *value)
{
	if (value == NULL)
		return;
	free(*field);
	*field = xstrdup(value);
}

int
outbox_move(struct store *s, struct outbox_msg *m, enum outbox_state to,
    const char *error, const char *reply, time_t now, char **err)
{
	struct outbox_msg was;

	if (!outbox_can_move(m->state, to))
		return set_err(err, "outbox message %ld: %s cannot become %s",
		    m->id, outbox_state_name(m->state), outbox_state_name(to));
	outbox_msg_copy(&was, m);
	m->state = to;
	replace(&m->last_error, error);
	replace(&m->reply, reply);
	switch (to) {
	case OUTBOX_SENDING:
		m->attempts++;
		break;
	case OUTBOX_SENT:
		free(m->last_error);
		m->last_error = NULL;
		m->next_attempt = 0;
		m->sent_at = now;
		break;
	case OUTBOX_PENDING:
		m->attempts = 0;
		m->queued_at = now;
		m->next_attempt = 0;
		break;
	case OUTBOX_FAILED:
	case OUTBOX_SKIPPED:
	case OUTBOX_BOUNCED:
		m->next_attempt = 0;
		break;
	case OUTBOX_DEFERRED:
		break;
	}
	if (store_outbox_save(s, m, was.state, err) != 0) {
		outbox_msg_reset(m);
		*m = was;
		return -1;
	}
	outbox_msg_reset(&was);
	return 0;
}

void
outbox_rcpt_reset(struct outbox_rcpt *r)
{
	free(r->address);
	free(r->reply);
	memset(r, 0, sizeof *r);
}

void
outbox_rcpt_copy(struct outbox_rcpt *dst, const struct outbox_rcpt *src)
{
	*dst = *src;
	dst->address = xstrdup(src->address);
	dst->reply = xstrdup(src->reply);
}

void
outbox_rcpts_free(struct outbox_rcpt *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_rcpt_reset(&v[i]);
	free(v);
}

int
outbox_rcpt_record(struct store *s, const struct outbox_msg *m,
    struct outbox_rcpt *r, time_t now, char **err)
{
	/* The message was being sent: the recipient's first state is where
	 * a message goes from sending. */
	if (r->state != OUTBOX_SENT && r->state != OUTBOX_DEFERRED &&
	    r->state != OUTBOX_FAILED)
		return set_err(err, "outbox message %ld: a recipient cannot be "
		    "recorded as %s", m->id, outbox_state_name(r->state));
	r->outbox_id = m->id;
	r->attempts = m->attempts;
	r->queued_at = m->queued_at;
	if (r->state != OUTBOX_DEFERRED)
		r->next_attempt = 0;
	return store_outbox_rcpt_put(s, r, now, err);
}

int
outbox_rcpt_move(struct store *s, struct outbox_rcpt *r, enum outbox_state to,
    const char *reply, time_t now, char **err)
{
	struct outbox_rcpt was;

	if (!outbox_can_move(r->state, to))
		return set_err(err, "outbox message %ld, recipient %s: %s cannot "
		    "become %s", r->outbox_id, r->address,
		    outbox_state_name(r->state), outbox_state_name(to));
	outbox_rcpt_copy(&was, r);
	r->state = to;
	replace(&r->reply, reply);
	if (to == OUTBOX_SENDING)
		r->attempts++;
	else if (to == OUTBOX_PENDING) {
		r->attempts = 0;
		r->queued_at = now;
	}
	/* Deferred: the caller sets next_attempt first. */
	if (to != OUTBOX_DEFERRED)
		r->next_attempt = 0;
	if (store_outbox_rcpt_save(s, r, was.state, now, err) != 0) {
		outbox_rcpt_reset(r);
		*r = was;
		return -1;
	}
	outbox_rcpt_reset(&was);
	return 0;
}

int
outbox_rcpt_list(struct store *s, long outbox_id, struct outbox_rcpt **v,
    size_t *n, char **err)
{
	return store_outbox_rcpt_list(s, outbox_id, v, n, err);
}

int
outbox_rcpt_foreach_ready(struct store *s, time_t now, outbox_rcpt_fn fn,
    void *arg, char **err)
{
	return store_outbox_rcpt_foreach_ready(s, now, fn, arg, err);
}

/* What became of one Cc, appended to b ("; " between two). */
static void
rcpt_note(const struct outbox_msg *m, const struct outbox_rcpt *r,
    struct buf *b)
{
	const char *what, *sep = r->reply != NULL ? ": " : "";

	switch (r->state) {
	case OUTBOX_FAILED:
	case OUTBOX_BOUNCED:
		what = "refused";
		break;
	case OUTBOX_PENDING:
	case OUTBOX_SENDING:
		/* Queued again: the last refusal is no longer the news. */
		sep = "";
		/* FALLTHROUGH */
	case OUTBOX_DEFERRED:
		what = "pending retry";
		break;
	case OUTBOX_SKIPPED:
		what = "discarded";
		break;
	case OUTBOX_SENT:
	default:
		/* Sent with the message, or alone by a later run (after
		 * more attempts, or queued again by hand). */
		if (r->attempts <= m->attempts && r->queued_at <= m->queued_at)
			return;
		what = "sent on retry";
		sep = "";
		break;
	}
	buf_printf(b, "%sCc %s %s%s%s", b->len ? "; " : "", r->address, what,
	    sep, *sep ? r->reply : "");
}

int
outbox_rcpt_note(struct store *s, const struct outbox_msg *m, char **note,
    char **err)
{
	struct outbox_rcpt *v;
	struct buf b;
	size_t n;

	*note = NULL;
	if (outbox_rcpt_list(s, m->id, &v, &n, err) != 0)
		return -1;
	buf_init(&b);
	for (size_t i = 0; i < n; i++)
		if (v[i].role == OUTBOX_ROLE_CC)
			rcpt_note(m, &v[i], &b);
	if (b.len > 0)
		*note = xstrdup(buf_str(&b));
	buf_reset(&b);
	outbox_rcpts_free(v, n);
	return 0;
}

/* Apply `to` to m's Cc recipients in one of the states of `from` (a bit
 * set): 0, 1 when there is none, or -1 with *err. */
static int
move_rcpts(struct store *s, const struct outbox_msg *m, unsigned from,
    enum outbox_state to, const char *reply, time_t now, char **err)
{
	struct outbox_rcpt *v;
	size_t n, moved = 0;
	int rc = 0;

	if (outbox_rcpt_list(s, m->id, &v, &n, err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (v[i].role == OUTBOX_ROLE_CC &&
		    (from & (1u << v[i].state)) != 0) {
			rc = outbox_rcpt_move(s, &v[i], to, reply, now, err);
			moved++;
		}
	outbox_rcpts_free(v, n);
	return rc == 0 && moved == 0 ? 1 : rc;
}

int
outbox_retry(struct store *s, struct outbox_msg *m, time_t now, char **err)
{
	int rc;

	if (m->state == OUTBOX_SENT && (rc = move_rcpts(s, m,
	    1u << OUTBOX_FAILED | 1u << OUTBOX_DEFERRED, OUTBOX_PENDING, NULL,
	    now, err)) <= 0)
		return rc;
	if (m->state != OUTBOX_FAILED && m->state != OUTBOX_DEFERRED)
		return set_err(err, "message %ld is %s: only a failed or "
		    "deferred message can be retried", m->id,
		    outbox_state_name(m->state));
	return outbox_move(s, m, OUTBOX_PENDING, NULL, NULL, now, err);
}

int
outbox_discard(struct store *s, struct outbox_msg *m, time_t now, char **err)
{
	int rc;

	if (m->state == OUTBOX_SENT && (rc = move_rcpts(s, m,
	    1u << OUTBOX_PENDING | 1u << OUTBOX_DEFERRED | 1u << OUTBOX_FAILED,
	    OUTBOX_SKIPPED, "discarded by hand", now, err)) <= 0)
		return rc;
	if (m->state != OUTBOX_PENDING && m->state != OUTBOX_DEFERRED &&
	    m->state != OUTBOX_FAILED)
		return set_err(err, "message %ld is %s: only a message not yet "
		    "sent can be discarded", m->id, outbox_state_name(m->state));
	return outbox_move(s, m, OUTBOX_SKIPPED, "discarded by hand", NULL,
	    now, err);
}

/* A time as JSON text, or NULL (null) for 0. */
static const char *
json_time(time_t t, char buf[DATE_TIMESTAMP_STRLEN])
{
	return t == 0 ? NULL : date_timestamp(t, buf);
}

/* m's recorded recipients as a JSON array appended to out. */
static int
rcpts_json(struct store *s, const struct outbox_msg *m, struct buf *out,
    char **err)
{
	char next[DATE_TIMESTAMP_STRLEN];
	struct outbox_rcpt *v;
	size_t n;
	int rc = 0;

	if (outbox_rcpt_list(s, m->id, &v, &n, err) != 0)
		return -1;
	buf_addc(out, '[');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct json_field f[] = {
			{ "address", JSON_TEXT, v[i].address, 0 },
			{ "role", JSON_TEXT, outbox_role_name(v[i].role), 0 },
			{ "state", JSON_TEXT, outbox_state_name(v[i].state), 0 },
			{ "attempts", JSON_INT, NULL, v[i].attempts },
			{ "next_attempt", JSON_TEXT, json_time(v[i].next_attempt,
			    next), 0 },
			{ "reply", JSON_TEXT, v[i].reply, 0 },
		};

		if (i > 0)
			buf_adds(out, ", ");
		rc = store_json_object(s, f, sizeof f / sizeof f[0], out, err);
	}
	buf_addc(out, ']');
	outbox_rcpts_free(v, n);
	return rc;
}

int
outbox_json(struct store *s, const struct outbox_msg *m, struct buf *out,
    char **err)
{
	char created[DATE_TIMESTAMP_STRLEN], queued[DATE_TIMESTAMP_STRLEN];
	char sent[DATE_TIMESTAMP_STRLEN], next[DATE_TIMESTAMP_STRLEN];
	struct buf attendees, rcpts;
	int rc;

	buf_init(&attendees);
	buf_init(&rcpts);
	if (store_json_array(s, (const char *const *)m->attendees,
	    m->nattendees, &attendees, err) != 0 ||
	    rcpts_json(s, m, &rcpts, err) != 0) {
		buf_reset(&attendees);
		buf_reset(&rcpts);
		return -1;
	}
	{
		struct json_field f[] = {
			{ "id", JSON_INT, NULL, m->id },
			{ "partner", JSON_TEXT, m->partner_key, 0 },
			{ "kind", JSON_TEXT, outbox_kind_name(m->kind), 0 },
			{ "occurrence", JSON_TEXT, m->occurrence, 0 },
			{ "recipient", JSON_TEXT, m->recipient, 0 },
			{ "state", JSON_TEXT, outbox_state_name(m->state), 0 },
			{ "message_id", JSON_TEXT, m->message_id, 0 },
			{ "uid", JSON_TEXT, m->uid, 0 },
			{ "sequence", JSON_INT, NULL, m->sequence },
			{ "attendees", JSON_RAW, buf_str(&attendees), 0 },
			{ "attempts", JSON_INT, NULL, m->attempts },
			{ "created_at", JSON_TEXT, json_time(m->created_at,
			    created), 0 },
			{ "queued_at", JSON_TEXT, json_time(m->queued_at,
			    queued), 0 },
			{ "sent_at", JSON_TEXT, json_time(m->sent_at, sent), 0 },
			{ "next_attempt", JSON_TEXT, json_time(m->next_attempt,
			    next), 0 },
			{ "last_error", JSON_TEXT, m->last_error, 0 },
			{ "reply", JSON_TEXT, m->reply, 0 },
			{ "detail", JSON_TEXT, m->detail, 0 },
			{ "recipients", JSON_RAW, buf_str(&rcpts), 0 },
		};

		rc = store_json_object(s, f, sizeof f / sizeof f[0], out, err);
	}
	buf_reset(&attendees);
	buf_reset(&rcpts);
	return rc;
}

int
outbox_get(struct store *s, long id, struct outbox_msg *out, char **err)
{
	return store_outbox_get(s, id, out, err);
}

int
outbox_find(struct store *s, const char *message_id, struct outbox_msg *out,
    char **err)
{
	return store_outbox_find(s, message_id, out, err);
}

int
outbox_foreach_ready(struct store *s, time_t now, long after, long limit,
    outbox_fn fn, void *arg, char **err)
{
	return store_outbox_foreach_ready(s, now, after, limit, fn, arg, err);
}

int
outbox_foreach(struct store *s, const struct outbox_filter *f, outbox_fn fn,
    void *arg, char **err)
{
	return store_outbox_foreach(s, f, fn, arg, err);
}

int
outbox_undelivered_count(struct store *s, long partner_id, long *count,
    char **err)
{
	return store_outbox_undelivered(s, partner_id, count, err);
}

int
outbox_invite_recipients(struct store *s, const char *uid, bool pending,
    char ***emails, size_t *n, char **err)
{
	return store_outbox_invite_recipients(s, uid, pending, emails, n, err);
}

int
outbox_invite_sequence(struct store *s, const char *uid,
    const char *recipient, int *sequence, char **err)
{
	return store_outbox_invite_sequence(s, uid, recipient, sequence, err);
}

int
outbox_invite_sent(struct store *s, const char *uid, const char *recipient,
    int below, struct outbox_msg *out, char **err)
{
	return store_outbox_invite_sent(s, uid, recipient, below, out, err);
}
