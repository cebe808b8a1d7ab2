/* exchange_forecast.c: what the next run would send, planned and undone. */
#include "exchange_forecast.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

struct tally {
	struct forecast	*f;
	char		**keys;		/* "KIND RECIPIENT" of each message */
	size_t		  nkeys;
};

static int
tally_msg(const struct outbox_msg *m, void *arg)
{
	struct tally *t = arg;

	t->f->kind[m->kind].messages++;
	strv_add(&t->keys, &t->nkeys, xasprintf("%02d %s", (int)m->kind,
	    m->recipient));
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
exchange_forecast(struct book *b, time_t now, struct forecast *f, char **err)
{
	struct tally t = { f, NULL, 0 };
	struct plan_stats stats;
	int rc;

	memset(f, 0, sizeof *f);
	if (store_begin(b->store, err) != 0)
		return -1;
	rc = plan_run(b, now, &stats, err);
	if (rc == 0)
		rc = outbox_foreach_ready(b->store, now, tally_msg, &t, err);
	store_rollback(b->store);
	if (t.nkeys > 0)
		qsort(t.keys, t.nkeys, sizeof *t.keys, cmp_str);
	for (size_t i = 0; i < t.nkeys; i++)
		if (i == 0 || strcmp(t.keys[i], t.keys[i - 1]) != 0)
			f->kind[atoi(t.keys[i])].recipients++;
	strv_free(t.keys, t.nkeys);
	return rc == 0 ? 0 : -1;
}
