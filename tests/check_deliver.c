/*
 * check_deliver.c: the outbox through real transports (a Maildir, and a
 * sendmail command that defers or refuses): sent, deferred with backoff,
 * given up after retry_max_hours, failed alone, skipped when no longer
 * due, a message left sending sent again with its Message-ID, a dry
 * run that changes nothing, and a Cc refused for now sent alone later.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "book.h"
#include "book_fixture.h"
#include "compose.h"
#include "deliver.h"
#include "file.h"
#include "outbox.h"
#include "plan.h"
#include "transport.h"

static struct composer composer;
static char *maildir;

static void
setup(void)
{
	char *err = NULL;

	fixture_setup();
	maildir = fixture_path("outbox");
	free(cfg.maildir);
	cfg.maildir = strdup(maildir);
	cfg.transport = TRANSPORT_MAILDIR;
	ck_assert_msg(composer_init(&composer, &book, &err) == 0, "%s", err);
}

static void
teardown(void)
{
	composer_reset(&composer);
	free(maildir);
	fixture_teardown();
}

/* Riverside, weekly from 2026-06-01 (due 06-08), owner and sponsor. */
static void
add_partner(const char *key)
{
	struct partner_input in;
	char *err = NULL;

	memset(&in, 0, sizeof in);
	in.name = key;
	in.key = key;
	in.owner = "dana@example.org";
	in.sponsor = "cmo@example.org";
	in.cadence = "weekly";
	in.start = "2026-06-01";
	ck_assert_msg(book_partner_add(&book, &in, at("2026-01-01"), NULL,
	    &err) == 0, "%s", err);
}

static long
plan_at(const char *when)
{
	struct plan_stats ps;
	char *err = NULL;

	ck_assert_msg(plan_run(&book, at(when), &ps, &err) == 0, "%s", err);
	return ps.planned;
}

/* Events as "outcome:kind:partner" joined by spaces. */
static void
record(const struct deliver_event *ev, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%s:%s:%s", b->len ? " " : "", deliver_event_name(ev),
	    outbox_kind_name(ev->row->kind), ev->row->partner_key);
}

/* Deliver at when through t; the events, allocated. */
static char *
deliver_at(struct transport *t, const char *when, struct deliver_stats *ds)
{
	struct buf events;
	char *err = NULL;

	buf_init(&events);
	buf_adds(&events, "");
	ck_assert_msg(deliver_run(&composer, t, at(when), record, &events, ds,
	    &err) == 0, "%s", err);
	return buf_steal(&events);
}

static struct transport *
open_transport(void)
{
	struct transport *t;
	char *err = NULL;

	t = transport_open(&cfg, &err);
	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* Files in the Maildir's new/. */
static int
delivered(void)
{
	char *path = fixture_path("outbox/new");
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	free(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Files in the Maildir's new/ that contain text. */
static int
delivered_with(const char *text)
{
	char *path = fixture_path("outbox/new"), *file, *data, *err = NULL;
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		ck_assert_int_ge(asprintf(&file, "%s/%s", path, e->d_name), 0);
		data = file_read(file, 1 << 20, 0, NULL, NULL, &err);
		ck_assert_msg(data != NULL, "%s", err);
		n += strstr(data, text) != NULL;
		free(data);
		free(file);
	}
	closedir(d);
	free(path);
	return n;
}

/* The only message's state, id and attempts. */
static int
only_msg(const struct outbox_msg *m, void *arg)
{
	outbox_msg_reset(arg);
	outbox_msg_copy(arg, m);
	return 0;
}

static void
last_msg(struct outbox_msg *m)
{
	static const struct outbox_filter all = { .any_state = true };
	char *err = NULL;

	memset(m, 0, sizeof *m);
	ck_assert_int_eq(outbox_foreach(store, &all, only_msg, m, &err), 0);
}

START_TEST(test_sent_once)
{
	struct deliver_stats ds;
	struct transport *t = open_transport();
	char *ev;

	add_partner("riverside");
	ck_assert_int_eq(plan_at("2026-06-02T12:00"), 1);
	ev = deliver_at(t, "2026-06-02T12:00", &ds);
	ck_assert_str_eq(ev, "sent:reminder:riverside");
	free(ev);
	ck_assert_int_eq(ds.sent, 1);
	ck_assert_int_eq(delivered(), 1);
	ev = deliver_at(t, "2026-06-02T13:00", &ds);
	ck_assert_str_eq(ev, "");
	free(ev);
	ck_assert_int_eq(delivered(), 1);
	transport_close(t);
}
END_TEST

/* A dry run composes each message and changes nothing. */
START_TEST(test_dry_run)
{
	struct deliver_stats ds;
	struct outbox_msg m;
	char *ev;

	add_partner("riverside");
	plan_at("2026-06-02T12:00");
	ev = deliver_at(NULL, "2026-06-02T12:00", &ds);
	ck_assert_str_eq(ev, "would-send:reminder:riverside");
	free(ev);
	last_msg(&m);
	ck_assert_int_eq(m.state, OUTBOX_PENDING);
	ck_assert_int_eq(m.attempts, 0);
	outbox_msg_reset(&m);
	ck_assert_int_eq(delivered(), 0);
}
END_TEST

/* A run that died after committing "sending": the next one sends the
 * same message again, Message-ID and all. */
START_TEST(test_left_sending)
{
	struct deliver_stats ds;
	struct transport *t = open_transport();
	struct outbox_msg m, after;
	char *ev, *err = NULL;

	add_partner("riverside");
	plan_at("2026-06-02T12:00");
	last_msg(&m);
	ck_assert_int_eq(outbox_move(store, &m, OUTBOX_SENDING, NULL, NULL,
	    at("2026-06-02T12:00"), &err), 0);
	ev = deliver_at(t, "2026-06-02T12:05", &ds);
	ck_assert_str_eq(ev, "sent:reminder:riverside");
	free(ev);
	last_msg(&after);
	ck_assert_str_eq(after.message_id, m.message_id);
	ck_assert_int_eq(after.attempts, 2);
	ck_assert_int_eq(after.state, OUTBOX_SENT);
	outbox_msg_reset(&m);
	outbox_msg_reset(&after);
	transport_close(t);
}
END_TEST

/* A sendmail that exits with code: 75 defers, anything else fails. */
static void
use_sendmail(int code)
{
	char *path = fixture_path("sendmail.sh");
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\ncat >/dev/null\necho 'no thanks' >&2\n"
	    "exit %d\n", code);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	free(cfg.sendmail);
	cfg.sendmail = path;
	cfg.transport = TRANSPORT_SENDMAIL;
}

/* Count the messages in state whose attempts are `attempts`. */
struct tally {
	enum outbox_state	 state;
	int			 attempts;
	int			 n;
};

static int
tally_msg(const struct outbox_msg *m, void *arg)
{
	struct tally *t = arg;

	t->n += m->state == t->state && m->attempts == t->attempts;
	return 0;
}

static int
count_msgs(enum outbox_state state, int attempts)
{
	static const struct outbox_filter all = { .any_state = true };
	struct tally t = { state, attempts, 0 };
	char *err = NULL;

	ck_assert_int_eq(outbox_foreach(store, &all, tally_msg, &t, &err), 0);
	return t.n;
}

/*
 * The server goes away in the middle of a batch (a sendmail that cannot
 * be run after its third message): the message that met it is deferred
 * with backoff, the one marked sending that never reached it is deferred
 * ready for the next run, its attempt not counted, and goes then.
 */
START_TEST(test_unavailable_mid_batch)
{
	char *path = fixture_path("sendmail.sh"), *count, *ev;
	struct deliver_stats ds;
	struct transport *t;
	FILE *f;

	/* A program gone missing is seen through posix_spawn's report, which
	 * valgrind's emulation of vfork loses (make check-valgrind says so;
	 * the sanitizers' run has this test). */
	if (getenv("TOUCHBASE_UNDER_VALGRIND") != NULL) {
		free(path);
		return;
	}
	count = fixture_path("count");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\ncat >/dev/null\necho x >>'%s'\n"
	    "[ $(wc -l <'%s') -lt 3 ] || rm \"$0\"\n", count, count);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	free(cfg.sendmail);
	cfg.sendmail = strdup(path);
	cfg.transport = TRANSPORT_SENDMAIL;
	t = open_transport();
	add_partner("p1");
	add_partner("p2");
	add_partner("p3");
	add_partner("p4");
	add_partner("p5");
	ck_assert_int_eq(plan_at("2026-06-02T12:00"), 5);
	free(deliver_at(t, "2026-06-02T12:00", &ds));
	ck_assert_int_eq(ds.sent, 3);
	ck_assert_int_eq(ds.deferred, 2);
	ck_assert(ds.unavailable);
	ck_assert_int_eq(count_msgs(OUTBOX_DEFERRED, 1), 1);
	ck_assert_int_eq(count_msgs(OUTBOX_DEFERRED, 0), 1);
	ck_assert_int_eq(count_msgs(OUTBOX_SENDING, 1), 0);
	/* The sendmail is back: the untried message goes at once, the other
	 * after its backoff. */
	use_sendmail(0);
	transport_close(t);
	t = open_transport();
	ev = deliver_at(t, "2026-06-02T12:00", &ds);
	ck_assert_int_eq(ds.sent, 1);
	ck_assert_ptr_null(strchr(ev, ' '));
	free(ev);
	ck_assert_int_eq(count_msgs(OUTBOX_SENT, 1), 4);
	transport_close(t);
	free(count);
	free(path);
}
END_TEST

START_TEST(test_deferred_then_given_up)
{
	struct deliver_stats ds;
	struct transport *t;
	struct outbox_msg m;
	char *ev;

	use_sendmail(75);
	t = open_transport();
	cfg.retry_max_hours = 2;
	add_partner("riverside");
	plan_at("2026-06-02T12:00");
	ev = deliver_at(t, "2026-06-02T12:00", &ds);
	ck_assert_str_eq(ev, "deferred:reminder:riverside");
	free(ev);
	ck_assert_int_eq(ds.deferred, 1);
	last_msg(&m);
	ck_assert_int_eq(m.state, OUTBOX_DEFERRED);
	/* Backoff: at least five minutes, at most a quarter more. */
	ck_assert_int_ge(m.next_attempt - at("2026-06-02T12:00"), 300);
	ck_assert_int_le(m.next_attempt - at("2026-06-02T12:00"), 375);
	outbox_msg_reset(&m);
	/* Not yet due again: nothing tried. */
	ev = deliver_at(t, "2026-06-02T12:01", &ds);
	ck_assert_str_eq(ev, "");
	free(ev);
	/* Past retry_max_hours since it was queued: failed for good. */
	ev = deliver_at(t, "2026-06-02T14:30", &ds);
	ck_assert_str_eq(ev, "failed:reminder:riverside");
	free(ev);
	last_msg(&m);
	ck_assert_ptr_nonnull(strstr(m.last_error, "gave up after 2 hours"));
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

/* A refused message fails alone; the others are still sent. */
START_TEST(test_failed_alone_and_retried)
{
	struct deliver_stats ds;
	struct transport *t;
	struct outbox_msg m;
	char *ev, *err = NULL;

	use_sendmail(1);
	t = open_transport();
	add_partner("riverside");
	plan_at("2026-06-02T12:00");
	ev = deliver_at(t, "2026-06-02T12:00", &ds);
	ck_assert_str_eq(ev, "failed:reminder:riverside");
	free(ev);
	ck_assert_int_eq(ds.failed, 1);
	transport_close(t);
	/* The admin fixes the cause and retries: the same message goes. */
	cfg.transport = TRANSPORT_MAILDIR;
	t = open_transport();
	last_msg(&m);
	ck_assert_int_eq(outbox_retry(store, &m, at("2026-06-02T13:00"), &err),
	    0);
	ev = deliver_at(t, "2026-06-02T13:00", &ds);
	ck_assert_str_eq(ev, "sent:reminder:riverside");
	free(ev);
	ck_assert_int_eq(delivered(), 1);
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

/* A message about an occurrence no longer due is skipped, and does not
 * stop the next one. */
START_TEST(test_stale_skipped)
{
	struct deliver_stats ds;
	struct transport *t = open_transport();
	char *ev, *err = NULL;

	add_partner("alpha");
	add_partner("beta");
	/* Both a week past due: overdue notices. */
	ck_assert_int_eq(plan_at("2026-06-15T12:00"), 2);
	ck_assert_int_eq(book_checkin(&book, "alpha", "2026-06-15", NULL,
	    NULL, at("2026-06-15T12:00"), &err), 0);
	ev = deliver_at(t, "2026-06-15T12:00", &ds);
	ck_assert_str_eq(ev, "skipped:overdue:alpha sent:overdue:beta");
	free(ev);
	ck_assert_int_eq(ds.skipped, 1);
	ck_assert_int_eq(ds.sent, 1);
	transport_close(t);
}
END_TEST

static int
keep_escalation(const struct outbox_msg *m, void *arg)
{
	if (m->kind == OUTBOX_ESCALATION)
		only_msg(m, arg);
	return 0;
}

/*
 * An escalation (To the sponsor, Cc the owner) delivered, then recorded
 * as the SMTP transport's answers record it: the To took it, the Cc was
 * refused for now and is due at `due`.  *m is the message.
 */
static void
escalation_cc_deferred(struct transport *t, const char *due,
    struct outbox_msg *m)
{
	static const struct outbox_filter all = { .any_state = true };
	struct outbox_rcpt to = { .address = (char *)"cmo@example.org",
	    .role = OUTBOX_ROLE_TO, .state = OUTBOX_SENT,
	    .reply = (char *)"250 2.1.5 Ok" };
	struct outbox_rcpt cc = { .address = (char *)"dana@example.org",
	    .role = OUTBOX_ROLE_CC, .state = OUTBOX_DEFERRED,
	    .reply = (char *)"450 4.2.0 Mailbox busy",
	    .next_attempt = at(due) };
	struct deliver_stats ds;
	char *err = NULL;

	add_partner("riverside");
	plan_at("2026-06-23T12:00");
	free(deliver_at(t, "2026-06-23T12:00", &ds));
	memset(m, 0, sizeof *m);
	ck_assert_int_eq(outbox_foreach(store, &all, keep_escalation, m,
	    &err), 0);
	ck_assert_int_eq(m->state, OUTBOX_SENT);
	ck_assert_msg(outbox_rcpt_record(store, m, &to, at("2026-06-23T12:00"),
	    &err) == 0, "%s", err);
	ck_assert_msg(outbox_rcpt_record(store, m, &cc, at("2026-06-23T12:00"),
	    &err) == 0, "%s", err);
}

/* m's recipient number i (0: the To), as stored. */
static void
rcpt_of(const struct outbox_msg *m, size_t i, struct outbox_rcpt *r)
{
	struct outbox_rcpt *v;
	size_t n;
	char *err = NULL;

	ck_assert_msg(outbox_rcpt_list(store, m->id, &v, &n, &err) == 0, "%s",
	    err);
	ck_assert_uint_gt(n, i);
	outbox_rcpt_copy(r, &v[i]);
	outbox_rcpts_free(v, n);
}

/* The state of m's Cc, as stored. */
static enum outbox_state
cc_state(const struct outbox_msg *m)
{
	struct outbox_rcpt r;
	enum outbox_state st;

	rcpt_of(m, 1, &r);
	st = r.state;
	outbox_rcpt_reset(&r);
	return st;
}

/* A Cc refused for now is sent alone when its time comes: one more
 * message with the same Message-ID, the To not sent again. */
START_TEST(test_cc_sent_alone)
{
	struct deliver_stats ds;
	struct transport *t = open_transport();
	struct outbox_msg m, after;
	struct outbox_rcpt r;
	int before;
	char *ev, *mid, *err = NULL;

	escalation_cc_deferred(t, "2026-06-23T12:10", &m);
	before = delivered();
	ev = deliver_at(t, "2026-06-23T12:05", &ds);
	ck_assert_str_eq(ev, "");
	free(ev);
	ev = deliver_at(t, "2026-06-23T12:10", &ds);
	ck_assert_str_eq(ev, "sent:escalation:riverside");
	free(ev);
	ck_assert_int_eq(ds.sent, 1);
	ck_assert_int_eq(delivered(), before + 1);
	rcpt_of(&m, 1, &r);
	ck_assert_str_eq(r.address, "dana@example.org");
	ck_assert_int_eq(r.state, OUTBOX_SENT);
	ck_assert_int_eq(r.attempts, m.attempts + 1);
	outbox_rcpt_reset(&r);
	rcpt_of(&m, 0, &r);
	ck_assert_int_eq(r.state, OUTBOX_SENT);
	ck_assert_int_eq(r.attempts, m.attempts);
	outbox_rcpt_reset(&r);
	/* The message itself is as it was. */
	ck_assert_msg(outbox_get(store, m.id, &after, &err) == 0, "%s", err);
	ck_assert_int_eq(after.state, OUTBOX_SENT);
	ck_assert_int_eq(after.attempts, m.attempts);
	ck_assert_int_eq(after.sent_at, m.sent_at);
	outbox_msg_reset(&after);
	/* Nothing more to send. */
	ev = deliver_at(t, "2026-06-24T12:00", &ds);
	ck_assert_str_eq(ev, "");
	free(ev);
	ck_assert_int_eq(delivered(), before + 1);
	/* The Cc's copy carries the message's Message-ID. */
	ck_assert_int_ge(asprintf(&mid, "<%s>", m.message_id), 0);
	ck_assert_int_eq(delivered_with(mid), 2);
	free(mid);
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

/* The Cc of escalation_cc_deferred, due at 12:10, sent then through a
 * sendmail that exits with code (use_sendmail); *t is that transport. */
static char *
cc_through_sendmail(int code, struct outbox_msg *m, struct transport **t,
    struct deliver_stats *ds)
{
	*t = open_transport();
	escalation_cc_deferred(*t, "2026-06-23T12:10", m);
	transport_close(*t);
	use_sendmail(code);
	*t = open_transport();
	return deliver_at(*t, "2026-06-23T12:10", ds);
}

/* A Cc refused again for now is deferred with the messages' back-off,
 * and failed once retried for retry_max_hours; refused for good, failed
 * at once. */
START_TEST(test_cc_deferred_then_given_up)
{
	struct deliver_stats ds;
	struct transport *t;
	struct outbox_msg m;
	struct outbox_rcpt r;
	char *ev;

	cfg.retry_max_hours = 2;
	ev = cc_through_sendmail(75, &m, &t, &ds);
	ck_assert_str_eq(ev, "deferred:escalation:riverside");
	free(ev);
	ck_assert_int_eq(ds.deferred, 1);
	rcpt_of(&m, 1, &r);
	ck_assert_int_eq(r.state, OUTBOX_DEFERRED);
	ck_assert_int_eq(r.attempts, m.attempts + 1);
	/* Backoff after the second attempt: ten minutes, a quarter more. */
	ck_assert_int_ge(r.next_attempt - at("2026-06-23T12:10"), 600);
	ck_assert_int_le(r.next_attempt - at("2026-06-23T12:10"), 750);
	outbox_rcpt_reset(&r);
	ev = deliver_at(t, "2026-06-23T14:30", &ds);
	ck_assert_str_eq(ev, "failed:escalation:riverside");
	free(ev);
	ck_assert_int_eq(ds.failed, 1);
	rcpt_of(&m, 1, &r);
	ck_assert_int_eq(r.state, OUTBOX_FAILED);
	ck_assert_ptr_nonnull(strstr(r.reply, "gave up after 2 hours"));
	outbox_rcpt_reset(&r);
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

START_TEST(test_cc_refused_for_good)
{
	struct deliver_stats ds;
	struct transport *t;
	struct outbox_msg m;
	char *ev;

	ev = cc_through_sendmail(1, &m, &t, &ds);
	ck_assert_str_eq(ev, "failed:escalation:riverside");
	free(ev);
	ck_assert_int_eq(ds.failed, 1);
	ck_assert_int_eq(ds.sent, 0);
	ck_assert_int_eq(cc_state(&m), OUTBOX_FAILED);
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

/* A Cc whose message is no longer due (the partner checked in) is
 * settled as skipped, not sent. */
START_TEST(test_cc_stale_skipped)
{
	struct deliver_stats ds;
	struct transport *t = open_transport();
	struct outbox_msg m;
	int before;
	char *ev, *err = NULL;

	escalation_cc_deferred(t, "2026-06-23T12:10", &m);
	before = delivered();
	ck_assert_int_eq(book_checkin(&book, "riverside", "2026-06-23", NULL,
	    NULL, at("2026-06-23T12:05"), &err), 0);
	ev = deliver_at(t, "2026-06-23T12:10", &ds);
	ck_assert_str_eq(ev, "skipped:escalation:riverside");
	free(ev);
	ck_assert_int_eq(ds.skipped, 1);
	ck_assert_int_eq(delivered(), before);
	ck_assert_int_eq(cc_state(&m), OUTBOX_SKIPPED);
	outbox_msg_reset(&m);
	transport_close(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("deliver");
	TCase *tc = tcase_create("deliver");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sent_once);
	tcase_add_test(tc, test_dry_run);
	tcase_add_test(tc, test_left_sending);
	tcase_add_test(tc, test_deferred_then_given_up);
	tcase_add_test(tc, test_failed_alone_and_retried);
	tcase_add_test(tc, test_stale_skipped);
	tcase_add_test(tc, test_cc_sent_alone);
	tcase_add_test(tc, test_cc_deferred_then_given_up);
	tcase_add_test(tc, test_cc_refused_for_good);
	tcase_add_test(tc, test_cc_stale_skipped);
	tcase_add_test(tc, test_unavailable_mid_batch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
