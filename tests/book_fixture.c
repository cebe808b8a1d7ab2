/* book_fixture.c: a partner book in a temporary database per test. */
#include "book_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "tz.h"

struct config cfg;
struct store *store;
struct book book;
static char dir[64];

void
fixture_setup(void)
{
	char *path, *err = NULL;

	strcpy(dir, "/tmp/touchbase-check.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_init(&cfg);
	ck_assert_int_ge(asprintf(&path, "%s/tb.db", dir), 0);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &store, NULL, NULL,
	    NULL, &err), 0);
	free(path);
	ck_assert_int_eq(book_init(&book, store, &cfg, &err), 0);
}

void
fixture_teardown(void)
{
	char *cmd;

	book_reset(&book);
	store_close(store);
	config_reset(&cfg);
	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

char *
fixture_path(const char *name)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	return path;
}

time_t
at(const char *when)
{
	time_t t;
	char *err = NULL;

	ck_assert_msg(tz_parse_now(when, "UTC", &t, &err) == 0, "%s", err);
	return t;
}

static int
collect_msg(const struct outbox_msg *m, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%s:%s:%s:%s", b->len ? " " : "",
	    outbox_kind_name(m->kind), m->partner_key, m->occurrence,
	    m->recipient);
	if (m->kind != OUTBOX_DIGEST)
		return 0;
	ck_assert_int_eq(m->partner_id, 0);
	ck_assert_uint_eq(strcspn(m->message_id, ":()<>[]\\\", "),
	    strlen(m->message_id));
	return 0;
}

char *
fixture_outbox(void)
{
	static const struct outbox_filter f = { .any_state = true,
	    .undelivered = true };
	struct buf b;
	char *err = NULL;

	buf_init(&b);
	ck_assert_msg(outbox_foreach(store, &f, collect_msg, &b, &err) == 0,
	    "%s", err);
	return buf_steal(&b);
}
