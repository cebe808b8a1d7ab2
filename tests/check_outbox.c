/*
 * check_outbox.c: the typed queue: names, the state machine, creation,
 * idempotency, crash recovery, retry and discard, and the invite
 * recipients a cancel and a re-invite leave.
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
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 1, collect_ids,
	    &ready, &err), 0);
	ck_assert_uint_eq(ready.n, 1);
	ck_assert_int_eq(ready.v[0], m.id);
	ck_assert_str_eq(ready.mid[0], m.message_id);
	ready.n = 0;
	ck_assert_int_eq(outbox_foreach_ready(store, t0 + 600, collect_ids,
	    &ready, &err), 0);
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
