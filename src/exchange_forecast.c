/* exchange_forecast.c: what the next run would send, planned and undone. */
#include "exchange_forecast.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* The messages counted by kind, and each kind's distinct recipients in
 * a set of "KIND RECIPIENT" (open addressing): a book of a million
 * partners plans about as many messages, to a few thousand people. */
struct tally {
	struct forecast	*f;
	char		**slots;
	size_t		  nslots, n;
};

static size_t
key_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Where key is in slots, or the empty slot it would take. */
static size_t
key_slot(char **slots, size_t nslots, const char *key)
{
	size_t i = key_hash(key) & (nslots - 1);

	while (slots[i] != NULL && strcmp(slots[i], key) != 0)
		i = (i + 1) & (nslots - 1);
	return i;
}

/* Add key (taken) to the set; false when it was there. */
static bool
tally_add(struct tally *t, char *key)
{
	size_t i;

	if (2 * (t->n + 1) > t->nslots) {
		size_t n = t->nslots ? 2 * t->nslots : 64;
		char **bigger = xcalloc(n, sizeof *bigger);

		for (size_t k = 0; k < t->nslots; k++)
			if (t->slots[k] != NULL)
				bigger[key_slot(bigger, n, t->slots[k])] =
				    t->slots[k];
		free(t->slots);
		t->slots = bigger;
		t->nslots = n;
	}
	i = key_slot(t->slots, t->nslots, key);
	if (t->slots[i] != NULL) {
		free(key);
		return false;
	}
	t->slots[i] = key;
	t->n++;
	return true;
}

static int
tally_msg(const struct outbox_msg *m, void *arg)
{
	struct tally *t = arg;

	t->f->kind[m->kind].messages++;
	if (tally_add(t, xasprintf("%02d %s", (int)m->kind, m->recipient)))
		t->f->kind[m->kind].recipients++;
	return 0;
}

int
exchange_forecast(struct book *b, time_t now, struct forecast *f, char **err)
{
	struct tally t = { f, NULL, 0, 0 };
	struct plan_stats stats;
	int rc;

	memset(f, 0, sizeof *f);
	if (store_begin(b->store, err) != 0)
		return -1;
	/* Planned messages are counted, not stored (nor their Message-IDs
	 * minted); then those already waiting, as planning left them. */
	outbox_count_begin(b->store, tally_msg, &t);
	rc = plan_run(b, now, &stats, err);
	outbox_count_end(b->store);
	if (rc == 0)
		rc = outbox_foreach_ready(b->store, now, 0, -1, tally_msg,
		    &t, err);
	store_rollback(b->store);
	for (size_t i = 0; i < t.nslots; i++)
		free(t.slots[i]);
	free(t.slots);
	return rc == 0 ? 0 : -1;
}
