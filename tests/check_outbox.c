/*
 * check_outbox.c: the typed queue: names, the state machine, creation,
 * idempotency, crash recovery, retry and discard, the invite
 * recipients a cancel and a re-invite leave, and each recipient's
 * outcome of a message with a Cc.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "book_fixture.h"
#include "outbox.h"

static const time_t t0 = 1796000000;	/* 2026-11-30 */
static struct outbox_ids ids;

static void
setup(void)
{
	char *err = NULL;

	fixture_setup();
	ck_assert_msg(outbox_ids_load(store, &cfg, &ids, &err) == 0, "%s",
	    err);
}

static void
teardown(void)
{
	outbox_ids_reset(&ids);
	fixture_teardown();
}

/* A stored message of kind to recipient (partner 0, occurrence day). */
static void
add_msg(struct outbox_msg *m, enum outbox_kind kind, const char *occurrence,
    const char *recipient)
{
	bool added;
	char *err = NULL;

	outbox_msg_init(m, kind, 0, "alpha", occurrence, recipient,
	    &ids);
	ck_assert_msg(outbox_add(store, m, t0, &added, &err) == 0, "%s", err);
	ck_assert(added);
	ck_assert_int_gt(m->id, 0);
}

static void
get(long id, struct outbox_msg *m)
{
	char *err = NULL;

	ck_assert_msg(outbox_get(store, id, m, &err) == 0, "%s", err);
}

START_TEST(test_names)
{
	enum outbox_kind k;
	enum outbox_state s;
	char *err = NULL;

	for (int i = 0; i < OUTBOX_NKINDS; i++) {
		ck_assert_int_eq(outbox_kind_parse(outbox_kind_name(i), &k,
		    &err), 0);
		ck_assert_int_eq(k, i);
	}
	for (int i = 0; i < OUTBOX_NSTATES; i++) {
		ck_assert_int_eq(outbox_state_parse(outbox_state_name(i), &s,
		    &err), 0);
		ck_assert_int_eq(s, i);
	}
	ck_assert_int_eq(outbox_state_parse("bounced?", &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "pending, sending, sent"));
	free(err);
	err = NULL;
	ck_assert_int_eq(outbox_kind_parse(NULL, &k, &err), -1);
	free(err);
}
END_TEST

/* The state machine of outbox.h, every pair. */
static const char *const allowed[OUTBOX_NSTATES] = {
	[OUTBOX_PENDING] = "sending failed skipped",
	[OUTBOX_SENDING] = "sending sent deferred failed skipped bounced",
	[OUTBOX_SENT] = "bounced",
	[OUTBOX_DEFERRED] = "pending sending failed skipped",
	[OUTBOX_FAILED] = "pending skipped",
	[OUTBOX_SKIPPED] = "",
	[OUTBOX_BOUNCED] = "",
};

static bool
listed(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

START_TEST(test_transitions)
{
	for (int from = 0; from < OUTBOX_NSTATES; from++)
		for (int to = 0; to < OUTBOX_NSTATES; to++)
			ck_assert_msg(outbox_can_move(from, to) ==
			    listed(allowed[from], outbox_state_name(to)),
			    "%s -> %s", outbox_state_name(from),
			    outbox_state_name(to));
}
END_TEST

/* Every transition through the store: the allowed ones change the row,
 * a refused one changes neither the row nor the struct. */
START_TEST(test_move_each)
{
	struct outbox_msg m, got;
	char *err = NULL;
	int rc;

	for (int from = 0; from < OUTBOX_NSTATES; from++)
		for (int to = 0; to < OUTBOX_NSTATES; to++) {
			char occ[16];

			snprintf(occ, sizeof occ, "2026-%02d-%02d", from + 1,
			    to + 1);
			add_msg(&m, OUTBOX_OVERDUE, occ, "a@example.org");
			/* Bring it to `from` along allowed moves. */
			if (from == OUTBOX_SENT || from == OUTBOX_DEFERRED ||
			    from == OUTBOX_BOUNCED)
				ck_assert_int_eq(outbox_move(store, &m,
				    OUTBOX_SENDING, NULL, NULL, t0, &err), 0);
			if (from != OUTBOX_PENDING)
				ck_assert_msg(outbox_move(store, &m, from, "why",
				    NULL, t0, &err) == 0, "%s", err);
			rc = outbox_move(store, &m, to, "e", "250 ok", t0 + 60,
			    &err);
			get(m.id, &got);
			if (outbox_can_move(from, to)) {
				ck_assert_int_eq(rc, 0);
				ck_assert_int_eq(got.state, to);
			} else {
				ck_assert_int_eq(rc, -1);
				ck_assert_ptr_nonnull(strstr(err,
				    "cannot become"));
				free(err);
				err = NULL;
				ck_assert_int_eq(m.state, from);
				ck_assert_int_eq(got.state, from);
			}
			outbox_msg_reset(&got);
			outbox_msg_reset(&m);
		}
}
END_TEST

START_TEST(test_create)
{
	struct outbox_msg a, b, again, got;
	bool added;
	char *err = NULL;
	const char *meeting_tz = "America/Chicago";
	const char *att[] = { "owner@example.org", "c@partner.example" };
	struct outbox_meeting mt = { true, { 2026, 12, 7 }, 10, 30,
	    (char *)meeting_tz };

	add_msg(&a, OUTBOX_REMINDER, "2026-12-07", "owner@example.org");
	outbox_msg_init(&b, OUTBOX_INVITATION, 0, "alpha", "2026-12-07",
	    "c@partner.example", &ids);
	outbox_msg_set_invite(&b, "uid-1@example.org", 2, att, 2, &mt);
	ck_assert_int_eq(outbox_add(store, &b, t0, &added, &err), 0);
	/* Opaque, unique Message-IDs at the domain. */
	/* Reply tokens: NONCE.MAC@domain, the MAC bound to the recipient. */
	ck_assert_uint_eq(strlen(a.message_id), 33 + 1 + strlen(ids.domain));
	ck_assert_uint_eq(strspn(a.message_id, "0123456789abcdef"), 16);
	ck_assert_str_eq(a.message_id + 34, ids.domain);
	{
		char *local = strndup(a.message_id, 33);

		ck_assert(token_valid(&ids.key, local, "OWNER@example.org"));
		ck_assert(!token_valid(&ids.key, local, "c@partner.example"));
		free(local);
	}
	ck_assert_ptr_null(strstr(a.message_id, "alpha"));
	ck_assert_ptr_null(strstr(a.message_id, "reminder"));
	ck_assert_str_ne(a.message_id, b.message_id);
	/* The same message planned again is not added. */
	outbox_msg_init(&again, OUTBOX_REMINDER, 0, "alpha", "2026-12-07",
	    "owner@example.org", &ids);
	ck_assert_int_eq(outbox_add(store, &again, t0 + 3600, &added, &err),
	    0);
	ck_assert(!added);
	outbox_msg_reset(&again);
	/* What was stored reads back as it was made. */
	get(b.id, &got);
	ck_assert_str_eq(got.message_id, b.message_id);
	ck_assert_int_eq(got.kind, OUTBOX_INVITATION);
	ck_assert_int_eq(got.state, OUTBOX_PENDING);
	ck_assert_str_eq(got.uid, "uid-1@example.org");
	ck_assert_int_eq(got.sequence, 2);
	ck_assert_uint_eq(got.nattendees, 2);
	ck_assert_str_eq(got.attendees[1], "c@partner.example");
	ck_assert(got.meeting.set);
	ck_assert_int_eq(got.meeting.date.day, 7);
	ck_assert_int_eq(got.meeting.hour, 10);
	ck_assert_int_eq(got.meeting.minute, 30);
	ck_assert_str_eq(got.meeting.tz, "America/Chicago");
	ck_assert_int_eq(got.created_at, t0);
	ck_assert_int_eq(got.queued_at, t0);
	outbox_msg_reset(&got);
	outbox_msg_reset(&a);
	outbox_msg_reset(&b);
}
END_TEST

struct seen {
	long	v[8];
	size_t	n;
	char	mid[8][64];
};

static int
collect_ids(const struct outbox_msg *m, void *arg)
{
	struct seen *seen = arg;

	ck_assert_uint_lt(seen->n, 8);
	snprintf(seen->mid[seen->n], sizeof seen->mid[0], "%s",
	    m->message_id);
	seen->v[seen->n++] = m->id;
	return 0;
}

/* A run that died after marking a message sending: the next run finds
 * it ready and sends it again with the same Message-ID. */
START_TEST(test_crash_recovery)
{
	struct outbox_msg m, deferred, sent;
	struct seen ready = { .n = 0 };
	char *err = NULL;

	add_msg(&m, OUTBOX_OVERDUE, "2026-12-01", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL, t0,
	    &err), 0);
	ck_assert_int_eq(m.attempts, 1);
	add_msg(&deferred, OUTBOX_OVERDUE, "2026-12-02", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &deferred, OUTBOX_SENDING, NULL,
	    NULL, t0, &err), 0);
	deferred.next_attempt = t0 + 600;
	ck_assert_int_eq(outbox_move(store, &deferred, OUTBOX_DEFERRED,
	    "451 later", NULL, t0, &err), 0);
	add_msg(&sent, OUTBOX_OVERDUE, "2026-12-03", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &sent, OUTBOX_SENDING, NULL, NULL,
	    t0, &err), 0);
	ck_assert_int_eq(outbox_move(store, &sent, OUTBOX_SENT, NULL,
	    "250 2.0.0 queued", t0, &err), 0);
	/* Only the one left sending is ready now; the deferred one after its
	 * next attempt. */
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 1, 0, -1,
	    collect_ids, &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 1);
	ck_assert_int_eq(ready.v[0], m.id);
	ck_assert_str_eq(ready.mid[0], m.message_id);
	ready.n = 0;
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 600, 0, -1,
	    collect_ids, &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 2);
	/* A chunk at a time, past the last id handed out. */
	ready.n = 0;
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 600, 0, 1,
	    collect_ids, &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 1);
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 600, ready.v[0], 5,
	    collect_ids, &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 2);
	ck_assert_int_gt(ready.v[1], ready.v[0]);
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 600, ready.v[1], 5,
	    collect_ids, &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 2);
	/* Sent again: sending -> sending, the attempt counted. */
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL,
	    t0 + 60, &err), 0);
	ck_assert_int_eq(m.attempts, 2);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENT, NULL, "250 ok",
	    t0 + 60, &err), 0);
	ck_assert_int_eq(m.sent_at, t0 + 60);
	outbox_msg_reset(&m);
	outbox_msg_reset(&deferred);
	outbox_msg_reset(&sent);
}
END_TEST

/* A copy of a message that another process moved meanwhile cannot be
 * moved: nothing is sent twice through a stale copy. */
START_TEST(test_stale_copy)
{
	struct outbox_msg m, copy;
	char *err = NULL;

	add_msg(&m, OUTBOX_OVERDUE, "2026-12-01", "a@example.org");
	outbox_msg_copy(&copy, &m);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL, t0,
	    &err), 0);
	ck_assert_int_eq(outbox_move(store, &copy, OUTBOX_SENDING, NULL, NULL,
	    t0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "another touchbase"));
	ck_assert_int_eq(copy.state, OUTBOX_PENDING);
	free(err);
	outbox_msg_reset(&m);
	outbox_msg_reset(&copy);
}
END_TEST

START_TEST(test_retry_discard)
{
	struct outbox_msg failed, deferred, sent, pending, got;
	char *err = NULL;

	add_msg(&failed, OUTBOX_OVERDUE, "2026-12-01", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &failed, OUTBOX_SENDING, NULL,
	    NULL, t0, &err), 0);
	ck_assert_int_eq(outbox_move(store, &failed, OUTBOX_FAILED,
	    "530 5.7.0 Authentication required", NULL, t0, &err), 0);
	ck_assert_int_eq(outbox_retry(store, &failed, t0 + 7200, &err), 0);
	get(failed.id, &got);
	ck_assert_int_eq(got.state, OUTBOX_PENDING);
	ck_assert_str_eq(got.message_id, failed.message_id);
	ck_assert_int_eq(got.attempts, 0);
	ck_assert_int_eq(got.queued_at, t0 + 7200);
	ck_assert_int_eq(got.created_at, t0);
	ck_assert_int_eq(got.next_attempt, 0);
	outbox_msg_reset(&got);

	add_msg(&deferred, OUTBOX_OVERDUE, "2026-12-02", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &deferred, OUTBOX_SENDING, NULL,
	    NULL, t0, &err), 0);
	deferred.next_attempt = t0 + 3600;
	ck_assert_int_eq(outbox_move(store, &deferred, OUTBOX_DEFERRED, "451",
	    NULL, t0, &err), 0);
	ck_assert_int_eq(outbox_retry(store, &deferred, t0 + 60, &err), 0);
	ck_assert_int_eq(deferred.state, OUTBOX_PENDING);

	add_msg(&sent, OUTBOX_OVERDUE, "2026-12-03", "a@example.org");
	ck_assert_int_eq(outbox_move(store, &sent, OUTBOX_SENDING, NULL, NULL,
	    t0, &err), 0);
	ck_assert_int_eq(outbox_move(store, &sent, OUTBOX_SENT, NULL, "250",
	    t0, &err), 0);
	ck_assert_int_eq(outbox_retry(store, &sent, t0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is sent"));
	free(err);
	err = NULL;
	ck_assert_int_eq(outbox_discard(store, &sent, t0, &err), -1);
	free(err);
	err = NULL;

	add_msg(&pending, OUTBOX_OVERDUE, "2026-12-04", "a@example.org");
	ck_assert_int_eq(outbox_retry(store, &pending, t0, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(outbox_discard(store, &pending, t0, &err), 0);
	get(pending.id, &got);
	ck_assert_int_eq(got.state, OUTBOX_SKIPPED);
	ck_assert_str_eq(got.last_error, "discarded by hand");
	outbox_msg_reset(&got);
	outbox_msg_reset(&failed);
	outbox_msg_reset(&deferred);
	outbox_msg_reset(&sent);
	outbox_msg_reset(&pending);
}
END_TEST

static int
count_msg(const struct outbox_msg *m, void *arg)
{
	(void)m;
	++*(int *)arg;
	return 0;
}

/* Messages f lists. */
static int
nlisted(const struct outbox_filter *f)
{
	char *err = NULL;
	int n = 0;

	ck_assert_msg(outbox_foreach(store, f, count_msg, &n, &err) == 0, "%s",
	    err);
	return n;
}

static int
count_rcpt(const struct outbox_msg *m, const struct outbox_rcpt *r,
    void *arg)
{
	(void)m;
	(void)r;
	++*(int *)arg;
	return 0;
}

/* Recipients due to go alone at now. */
static int
ready_rcpts(time_t now)
{
	char *err = NULL;
	int n = 0;

	ck_assert_msg(outbox_rcpt_foreach_ready(store, now, count_rcpt, &n,
	    &err) == 0, "%s", err);
	return n;
}

/* m's note, "" for none; allocated. */
static char *
note_of(const struct outbox_msg *m)
{
	char *note, *err = NULL;

	ck_assert_msg(outbox_rcpt_note(store, m, &note, &err) == 0, "%s", err);
	return note ? note : strdup("");
}

/* Each recipient's outcome of a message with a Cc: recorded, listed To
 * first, shown, due alone after its back-off, retried and discarded by
 * hand, and replaced when the message is sent again as a whole. */
START_TEST(test_rcpt_outcomes)
{
	static const struct outbox_filter undelivered = { .any_state = true,
	    .undelivered = true };
	static const struct outbox_filter cc_failed = { .any_state = true,
	    .cc_failed = true };
	static const struct outbox_filter cc_deferred = { .any_state = true,
	    .cc_deferred = true };
	struct outbox_msg m;
	struct outbox_rcpt to = { .address = (char *)"s@example.org",
	    .role = OUTBOX_ROLE_TO, .state = OUTBOX_SENT,
	    .reply = (char *)"250 ok" };
	struct outbox_rcpt cc = { .address = (char *)"o@example.org",
	    .role = OUTBOX_ROLE_CC, .state = OUTBOX_DEFERRED,
	    .reply = (char *)"450 4.2.0 busy", .next_attempt = t0 + 300 };
	struct outbox_rcpt bad = { .address = (char *)"x@example.org",
	    .role = OUTBOX_ROLE_CC, .state = OUTBOX_PENDING };
	struct outbox_rcpt *v;
	struct buf json;
	size_t n;
	char *note, *err = NULL;

	add_msg(&m, OUTBOX_ESCALATION, "2026-12-01", "s@example.org");
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL, t0,
	    &err), 0);
	ck_assert_int_eq(nlisted(&undelivered), 1);
	/* Recorded before the message is marked sent. */
	ck_assert_msg(outbox_rcpt_record(store, &m, &cc, t0, &err) == 0, "%s",
	    err);
	ck_assert_msg(outbox_rcpt_record(store, &m, &to, t0, &err) == 0, "%s",
	    err);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENT, NULL, "sent; Cc "
	    "o@example.org refused: 450 4.2.0 busy", t0, &err), 0);
	/* A first record is where sending may lead, nothing else. */
	ck_assert_int_eq(outbox_rcpt_record(store, &m, &bad, t0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot be recorded as pending"));
	free(err);
	err = NULL;

	ck_assert_int_eq(outbox_rcpt_list(store, m.id, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].address, "s@example.org");
	ck_assert_int_eq(v[0].role, OUTBOX_ROLE_TO);
	ck_assert_int_eq(v[0].state, OUTBOX_SENT);
	ck_assert_str_eq(v[1].address, "o@example.org");
	ck_assert_int_eq(v[1].role, OUTBOX_ROLE_CC);
	ck_assert_int_eq(v[1].state, OUTBOX_DEFERRED);
	ck_assert_int_eq(v[1].attempts, 1);
	ck_assert_int_eq(v[1].next_attempt, t0 + 300);
	ck_assert_int_eq(v[1].queued_at, t0);
	ck_assert_str_eq(v[1].reply, "450 4.2.0 busy");
	outbox_rcpts_free(v, n);

	note = note_of(&m);
	ck_assert_str_eq(note, "Cc o@example.org pending retry: 450 4.2.0 busy");
	free(note);
	/* The sent message is still undelivered, for its Cc. */
	ck_assert_int_eq(nlisted(&undelivered), 1);
	ck_assert_int_eq(nlisted(&cc_deferred), 1);
	ck_assert_int_eq(nlisted(&cc_failed), 0);
	buf_init(&json);
	ck_assert_int_eq(outbox_json(store, &m, &json, &err), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&json), "\"recipients\":[{"
	    "\"address\":\"s@example.org\",\"role\":\"to\",\"state\":\"sent\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&json), "{\"address\":"
	    "\"o@example.org\",\"role\":\"cc\",\"state\":\"deferred\","
	    "\"attempts\":1,\"next_attempt\":\"2026-11-30T"));
	buf_reset(&json);

	/* Due alone after its back-off, not before. */
	ck_assert_int_eq(ready_rcpts(t0 + 299), 0);
	ck_assert_int_eq(ready_rcpts(t0 + 300), 1);
	ck_assert_int_eq(outbox_rcpt_list(store, m.id, &v, &n, &err), 0);
	ck_assert_int_eq(outbox_rcpt_move(store, &v[1], OUTBOX_SENDING, NULL,
	    t0 + 300, &err), 0);
	ck_assert_int_eq(v[1].attempts, 2);
	ck_assert_int_eq(outbox_rcpt_move(store, &v[1], OUTBOX_FAILED,
	    "550 5.1.1 no such user", t0 + 300, &err), 0);
	ck_assert_int_eq(v[1].next_attempt, 0);
	/* As a message's: failed cannot become sent. */
	ck_assert_int_eq(outbox_rcpt_move(store, &v[1], OUTBOX_SENT, NULL,
	    t0 + 300, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "failed cannot become sent"));
	free(err);
	err = NULL;
	outbox_rcpts_free(v, n);
	note = note_of(&m);
	ck_assert_str_eq(note, "Cc o@example.org refused: 550 5.1.1 no such "
	    "user");
	free(note);
	ck_assert_int_eq(nlisted(&cc_failed), 1);
	ck_assert_int_eq(ready_rcpts(t0 + 86400), 0);

	/* Retried by hand: the Cc alone, queued anew; the message stays. */
	ck_assert_int_eq(outbox_retry(store, &m, t0 + 3600, &err), 0);
	ck_assert_int_eq(m.state, OUTBOX_SENT);
	ck_assert_int_eq(outbox_rcpt_list(store, m.id, &v, &n, &err), 0);
	ck_assert_int_eq(v[0].state, OUTBOX_SENT);
	ck_assert_int_eq(v[1].state, OUTBOX_PENDING);
	ck_assert_int_eq(v[1].attempts, 0);
	ck_assert_int_eq(v[1].queued_at, t0 + 3600);
	outbox_rcpts_free(v, n);
	note = note_of(&m);
	ck_assert_str_eq(note, "Cc o@example.org pending retry");
	free(note);
	ck_assert_int_eq(ready_rcpts(t0 + 3600), 1);
	/* Nothing left to retry; discarded, it is settled. */
	ck_assert_int_eq(outbox_retry(store, &m, t0 + 3600, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "only a failed or deferred message "
	    "can be retried"));
	free(err);
	err = NULL;
	ck_assert_int_eq(outbox_discard(store, &m, t0 + 3600, &err), 0);
	note = note_of(&m);
	ck_assert_str_eq(note, "Cc o@example.org discarded: discarded by hand");
	free(note);
	ck_assert_int_eq(ready_rcpts(t0 + 86400), 0);
	ck_assert_int_eq(nlisted(&undelivered), 0);
	ck_assert_int_eq(outbox_discard(store, &m, t0 + 3600, &err), -1);
	free(err);
	err = NULL;

	/* Recorded again (a send of the whole message): replaced. */
	cc.state = OUTBOX_SENT;
	cc.reply = (char *)"250 ok";
	ck_assert_int_eq(outbox_rcpt_record(store, &m, &cc, t0 + 7200, &err),
	    0);
	ck_assert_int_eq(outbox_rcpt_list(store, m.id, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[1].state, OUTBOX_SENT);
	ck_assert_int_eq(v[1].next_attempt, 0);
	outbox_rcpts_free(v, n);
	note = note_of(&m);
	ck_assert_str_eq(note, "");
	free(note);
	outbox_msg_reset(&m);
}
END_TEST

/* A message of kind about uid to recipient at seq, sent. */
static void
sent_invite(enum outbox_kind kind, const char *recipient, int seq)
{
	struct outbox_msg m;
	const char *att[] = { "o@example.org", "c@partner.example" };
	struct outbox_meeting mt = { true, { 2026, 12, 7 }, 10, 0,
	    (char *)"UTC" };
	char *err = NULL;
	bool added;

	outbox_msg_init(&m, kind, 0, "alpha", "2026-12-07", recipient,
	    &ids);
	outbox_msg_set_invite(&m, "uid-2@example.org", seq, att, 2, &mt);
	ck_assert_int_eq(outbox_add(store, &m, t0, &added, &err), 0);
	ck_assert(added);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL, t0,
	    &err), 0);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENT, NULL, "250", t0,
	    &err), 0);
	outbox_msg_reset(&m);
}

static size_t
recipients(char ***v)
{
	size_t n;
	char *err = NULL;

	ck_assert_int_eq(outbox_invite_recipients(store, "uid-2@example.org",
	    false, v, &n, &err), 0);
	return n;
}

/* A contact dropped (cancel) and invited again is back on the invite,
 * and the sequence they last got is known. */
START_TEST(test_reinvited_recipient)
{
	char **v;
	size_t n;
	int seq;
	char *err = NULL;

	sent_invite(OUTBOX_REMINDER, "o@example.org", 0);
	sent_invite(OUTBOX_INVITATION, "c@partner.example", 0);
	ck_assert_uint_eq(n = recipients(&v), 2);
	strv_free(v, n);
	sent_invite(OUTBOX_CANCEL, "c@partner.example", 1);
	ck_assert_uint_eq(n = recipients(&v), 1);
	ck_assert_str_eq(v[0], "o@example.org");
	strv_free(v, n);
	/* Invited again at the cancel's own SEQUENCE: what came last counts. */
	sent_invite(OUTBOX_INVITATION, "c@partner.example", 1);
	ck_assert_uint_eq(n = recipients(&v), 2);
	strv_free(v, n);
	ck_assert_int_eq(outbox_invite_sequence(store, "uid-2@example.org",
	    "C@PARTNER.example", &seq, &err), 0);
	ck_assert_int_eq(seq, 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_transitions);
	tcase_add_test(tc, test_move_each);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_crash_recovery);
	tcase_add_test(tc, test_stale_copy);
	tcase_add_test(tc, test_retry_discard);
	tcase_add_test(tc, test_reinvited_recipient);
	tcase_add_test(tc, test_rcpt_outcomes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
