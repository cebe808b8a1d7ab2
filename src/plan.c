/* plan.c: due occurrences -> outbox rows. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "invite.h"
#include "message.h"
#include "state.h"
#include "tz.h"

struct plan_state {
	struct book		*book;
	time_t			 now;
	char			 now_ts[21];
	char			*domain;
	struct plan_stats	*stats;
	char			**err;
	/* the partner being planned */
	const struct partner	*partner;
	struct buf		 attendees;	/* JSON array of emails */
	char			**invitees;
	size_t			 ninvitees;
};

char *
plan_domain(const struct config *cfg)
{
	char *name = NULL, *email = NULL, *domain;

	if (message_address_parse(cfg->from, &name, &email, NULL) != 0)
		return xstrdup("localhost");
	domain = xstrdup(strrchr(email, '@') + 1);
	free(name);
	free(email);
	return domain;
}

char *
plan_message_id(const char *kind, const char *key, const char *occurrence,
    const char *domain)
{
	unsigned char rnd[8];
	char hex[17];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		fatal("getrandom failed");
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	return xasprintf("%s.%s.%s.%s@%s", occurrence, key, kind, hex, domain);
}

/* Fill r (allocated copies) as planning would for one recipient. */
static int
fill_row(struct plan_state *ps, const char *kind, const char *occurrence,
    const char *recipient, bool invite, struct outbox_row *r)
{
	struct tb_date d;

	memset(r, 0, sizeof *r);
	r->partner_id = ps->partner->id;
	r->partner_key = xstrdup(ps->partner->key);
	r->kind = xstrdup(kind);
	r->occurrence = xstrdup(occurrence);
	r->recipient = xstrdup(recipient);
	r->state = xstrdup("pending");
	r->message_id = plan_message_id(kind, ps->partner->key, occurrence,
	    ps->domain);
	if (invite) {
		if (date_parse(occurrence, &d, ps->err) != 0)
			return -1;
		r->uid = invite_uid(ps->partner->key, d, ps->domain);
		r->attendees = xstrdup(buf_str(&ps->attendees));
	}
	return 0;
}

static int
add_row(struct plan_state *ps, const char *kind, const char *occurrence,
    const char *recipient, bool invite)
{
	struct outbox_row r;
	bool inserted;
	int rc;

	rc = fill_row(ps, kind, occurrence, recipient, invite, &r);
	if (rc == 0)
		rc = store_outbox_insert(ps->book->store, &r, ps->now_ts,
		    &inserted, ps->err);
	outbox_row_reset(&r);
	if (rc == 0 && inserted)
		ps->stats->planned++;
	return rc;
}

static int
collect_invitee(const struct contact *c, void *arg)
{
	struct plan_state *ps = arg;

	if (!c->invite)
		return 0;
	ps->invitees = xreallocarray(ps->invitees, ps->ninvitees + 1,
	    sizeof *ps->invitees);
	ps->invitees[ps->ninvitees++] = xstrdup(c->email);
	return 0;
}

static void
clear_invitees(struct plan_state *ps)
{
	for (size_t i = 0; i < ps->ninvitees; i++)
		free(ps->invitees[i]);
	free(ps->invitees);
	ps->invitees = NULL;
	ps->ninvitees = 0;
	buf_reset(&ps->attendees);
}

/* Everyone on the invite: the owner, then the invited contacts, each
 * once; stored as a JSON array built by SQLite. */
static int
build_attendees(struct plan_state *ps)
{
	const char **emails;
	size_t n = 0;
	int rc;

	if (store_contact_foreach(ps->book->store, ps->partner->id,
	    collect_invitee, ps, ps->err) != 0)
		return -1;
	emails = xreallocarray(NULL, ps->ninvitees + 1, sizeof *emails);
	emails[n++] = ps->partner->owner_email;
	for (size_t i = 0; i < ps->ninvitees; i++)
		if (strcasecmp(ps->invitees[i], ps->partner->owner_email) != 0)
			emails[n++] = ps->invitees[i];
	buf_reset(&ps->attendees);
	rc = store_json_array(ps->book->store, emails, n, &ps->attendees,
	    ps->err);
	free(emails);
	return rc;
}

static int
plan_partner(const struct partner *p, void *arg)
{
	struct plan_state *ps = arg;
	const struct config *cfg = ps->book->cfg;
	struct tb_date today, due;
	long late;
	int rc = 0;

	ps->stats->partners++;
	if (book_today(ps->book, p, ps->now, &today, ps->err) != 0 ||
	    date_parse(p->next_due, &due, ps->err) != 0)
		return -1;
	late = date_diff(due, today);
	ps->partner = p;
	if (late < -(long)cfg->lead_days)
		return 0;
	if (late < cfg->grace_days) {
		if (build_attendees(ps) != 0)
			rc = -1;
		else
			rc = add_row(ps, "reminder", p->next_due,
			    p->owner_email, true);
		for (size_t i = 0; rc == 0 && late <= 0 &&
		    i < ps->ninvitees; i++)
			rc = add_row(ps, "invitation", p->next_due,
			    ps->invitees[i], true);
		clear_invitees(ps);
	} else if (late < cfg->escalate_after_days ||
	    str_empty(p->sponsor_email))
		rc = add_row(ps, "overdue", p->next_due, p->owner_email, false);
	else
		rc = add_row(ps, "escalation", p->next_due, p->sponsor_email,
		    false);
	return rc;
}

int
plan_run(struct book *b, time_t now, struct plan_stats *stats, char **err)
{
	struct plan_state ps;
	struct tb_date horizon;
	char text[DATE_STRLEN];
	int rc;

	memset(stats, 0, sizeof *stats);
	memset(&ps, 0, sizeof ps);
	ps.book = b;
	ps.now = now;
	ps.stats = stats;
	ps.err = err;
	buf_init(&ps.attendees);
	book_timestamp(now, ps.now_ts);
	/* Local dates differ from UTC by at most a day: look one further. */
	if (tz_local_date(now, "UTC", &horizon, err) != 0)
		return -1;
	horizon = date_add_days(horizon, b->cfg->lead_days + 1);
	ps.domain = plan_domain(b->cfg);
	if (store_begin(b->store, err) != 0) {
		free(ps.domain);
		return -1;
	}
	rc = store_partner_foreach_due(b->store, date_format(horizon, text),
	    plan_partner, &ps, err);
	clear_invitees(&ps);
	free(ps.domain);
	if (rc != 0) {
		store_rollback(b->store);
		return -1;
	}
	if (store_commit(b->store, err) != 0) {
		store_rollback(b->store);
		return -1;
	}
	return 0;
}

int
plan_preview_row(struct book *b, const struct partner *p, const char *kind,
    time_t now, struct outbox_row *row, char **err)
{
	struct plan_stats stats;
	struct plan_state ps;
	const char *recipient = p->owner_email;
	bool invite = false;
	int rc;

	memset(row, 0, sizeof *row);
	if (p->next_due == NULL)
		return set_err(err, "%s has nothing scheduled", p->key);
	memset(&ps, 0, sizeof ps);
	ps.book = b;
	ps.now = now;
	ps.partner = p;
	ps.stats = &stats;
	ps.err = err;
	buf_init(&ps.attendees);
	ps.domain = plan_domain(b->cfg);
	if (strcmp(kind, "reminder") == 0 || strcmp(kind, "invitation") == 0) {
		invite = true;
		if ((rc = build_attendees(&ps)) != 0)
			goto done;
		if (strcmp(kind, "invitation") == 0) {
			if (ps.ninvitees == 0) {
				rc = set_err(err, "%s has no contact invited to "
				    "check-ins (contact add --invite)", p->key);
				goto done;
			}
			recipient = ps.invitees[0];
		}
	} else if (strcmp(kind, "escalation") == 0) {
		if (str_empty(p->sponsor_email)) {
			rc = set_err(err, "%s has no sponsor to escalate to",
			    p->key);
			goto done;
		}
		recipient = p->sponsor_email;
	} else if (strcmp(kind, "overdue") != 0) {
		rc = set_err(err, "kind \"%s\": preview knows reminder, "
		    "invitation, overdue and escalation", kind);
		goto done;
	}
	rc = fill_row(&ps, kind, p->next_due, recipient, invite, row);
done:
	if (rc != 0)
		outbox_row_reset(row);
	clear_invitees(&ps);
	free(ps.domain);
	return rc;
}

const char *
plan_kind_now(struct book *b, const struct partner *p, time_t now)
{
	struct tb_date today, due;
	long late;

	if (p->next_due == NULL || book_today(b, p, now, &today, NULL) != 0 ||
	    date_parse(p->next_due, &due, NULL) != 0)
		return "reminder";
	late = date_diff(due, today);
	if (late < b->cfg->grace_days)
		return "reminder";
	if (late < b->cfg->escalate_after_days || str_empty(p->sponsor_email))
		return "overdue";
	return "escalation";
}
