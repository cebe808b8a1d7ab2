/* inbox.c: calendar answers, owners' replies and bounces, acted on once. */
#include "inbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health.h"
#include "inbound.h"
#include "inbox_source.h"
#include "owner_cmd.h"
#include "token.h"

int
inbox_init(struct inbox *in, struct book *b, time_t now, char **err)
{
	memset(in, 0, sizeof *in);
	in->book = b;
	in->now = now;
	return outbox_ids_load(b->store, b->cfg, &in->ids, err);
}

void
inbox_reset(struct inbox *in)
{
	outbox_ids_reset(&in->ids);
	memset(in, 0, sizeof *in);
}

void
inbox_report_reset(struct inbox_report *r)
{
	free(r->kind);
	free(r->sender);
	free(r->partner_key);
	free(r->outcome);
	memset(r, 0, sizeof *r);
}

/* What one message is being handled with. */
struct handling {
	struct inbox		*in;
	const struct inbound_msg *msg;
	const char		*key;		/* the message, as remembered */
	struct inbox_report	*res;
	char			**err;
};

static void TB_PRINTF(2, 3)
outcome(struct handling *h, const char *fmt, ...)
{
	va_list ap;

	free(h->res->outcome);
	va_start(ap, fmt);
	h->res->outcome = xvasprintf(fmt, ap);
	va_end(ap);
}

static void
set_partner(struct handling *h, const char *key)
{
	free(h->res->partner_key);
	h->res->partner_key = xstrdup(key);
}

/* A message to recipient about partner (key, id): kind with detail,
 * named by occurrence, planned once. */
static int
queue(struct handling *h, enum outbox_kind kind, long partner_id,
    const char *partner_key, const char *occurrence, int sequence,
    const char *recipient, const char *detail)
{
	struct outbox_msg m;
	bool added;
	int rc;

	outbox_msg_init(&m, kind, partner_id, partner_key, occurrence,
	    recipient, &h->in->ids);
	m.sequence = sequence;
	m.detail = xstrdup(detail);
	rc = outbox_add(h->in->book->store, &m, h->in->now, &added, h->err);
	outbox_msg_reset(&m);
	if (rc == 0 && added)
		h->in->planned++;
	return rc;
}

/*
 * The message of ours that h's message answers, proved by a reply token
 * minted for its sender: 1 with *out, 0 when there is none.
 */
static int
find_ours(struct handling *h, struct outbox_msg *out, char **err)
{
	const struct inbound_msg *msg = h->msg;
	const char *domain = h->in->ids.domain;
	char *id, *at;
	int rc;

	if (msg->from == NULL)
		return 0;
	for (size_t i = 0; i <= msg->nrefs; i++) {
		if (i < msg->nrefs)
			id = xstrdup(msg->refs[i]);
		else if (msg->to_token != NULL)
			id = xasprintf("%s@%s", msg->to_token, domain);
		else
			break;
		at = strrchr(id, '@');
		if (at == NULL || strcasecmp(at + 1, domain) != 0) {
			free(id);
			continue;
		}
		*at = '\0';
		if (!token_valid(&h->in->ids.key, id, msg->from)) {
			free(id);
			continue;
		}
		*at = '@';
		rc = outbox_find(h->in->book->store, id, out, err);
		free(id);
		if (rc == 0)
			return 1;
		if (rc != STORE_NOT_FOUND)
			return -1;
	}
	return 0;
}

/* Whether email is among the recipients invite uid went to. */
static int
invitee(struct handling *h, const char *uid, const char *email, bool *yes)
{
	char **v;
	size_t n;

	*yes = false;
	if (outbox_invite_recipients(h->in->book->store, uid, false, &v, &n,
	    h->err) != 0)
		return -1;
	for (size_t i = 0; i < n && !*yes; i++)
		*yes = strcasecmp(v[i], email) == 0;
	strv_free(v, n);
	return 0;
}

/* "Maria Gómez" for a contact's or the owner's address, else the
 * address itself.  Caller frees. */
static char *
who(struct handling *h, const struct invite_rec *inv, const char *email)
{
	struct partner p;
	char *name = NULL;

	if (strcasecmp(email, inv->owner_email) == 0 && inv->owner_name)
		return xstrdup(inv->owner_name);
	if (book_partner_get(h->in->book, inv->partner_key, &p, NULL) == 0) {
		if (book_contact_name(h->in->book, &p, email, &name,
		    NULL) != 0)
			name = NULL;
		partner_reset(&p);
	}
	return name != NULL ? name : xstrdup(email);
}

static int
handle_answer(struct handling *h)
{
	const struct inbound_msg *msg = h->msg;
	bool counter = msg->kind == INBOUND_COUNTER, from_invitee;
	struct reply_rec was, now;
	struct outbox_msg ours;
	const char *verb;
	struct invite_rec inv;
	char *name, *detail, ts[21], occurrence[320];
	int rc, proven;

	h->res->kind = xstrdup(counter ? "proposed time" : "calendar answer");
	if (msg->uid == NULL || msg->from == NULL) {
		outcome(h, "ignored: no UID or no sender");
		return 0;
	}
	rc = store_invite_get(h->in->book->store, msg->uid, &inv, h->err);
	if (rc == STORE_NOT_FOUND) {
		outcome(h, "ignored: no invite of ours has this UID");
		return 0;
	}
	if (rc != 0)
		return -1;
	set_partner(h, inv.partner_key);
	rc = -1;
	if (msg->attendee != NULL && strcasecmp(msg->attendee, msg->from)
	    != 0) {
		outcome(h, "ignored: the answer is %s's, but it came from %s",
		    msg->attendee, msg->from);
		rc = 0;
		goto done;
	}
	if (invitee(h, inv.uid, msg->from, &from_invitee) != 0 ||
	    (proven = find_ours(h, &ours, h->err)) < 0)
		goto done;
	if (proven > 0)
		outbox_msg_reset(&ours);
	if (!from_invitee && !proven) {
		outcome(h, "ignored: %s was not invited", msg->from);
		rc = 0;
		goto done;
	}
	name = who(h, &inv, msg->from);
	snprintf(occurrence, sizeof occurrence, "%s %s", inv.occurrence,
	    msg->from);
	if (counter) {
		detail = xasprintf("%s proposes another time%s%s%s%s", name,
		    msg->proposed_text ? ": " : "",
		    msg->proposed_text ? msg->proposed_text : "",
		    msg->comment ? ". " : "", msg->comment ? msg->comment : "");
		rc = strcasecmp(msg->from, inv.owner_email) == 0 ? 0 :
		    queue(h, OUTBOX_COUNTER, inv.partner_id, inv.partner_key,
		    occurrence, msg->sequence, inv.owner_email, detail);
		if (rc == 0) {
			outcome(h, "%s; the owner is told", detail);
			h->res->acted = true;
		}
		free(detail);
		free(name);
		goto done;
	}
	rc = store_reply_get(h->in->book->store, inv.uid, msg->from, &was,
	    h->err);
	if (rc != 0 && rc != STORE_NOT_FOUND) {
		free(name);
		rc = -1;
		goto done;
	}
	/* A stale answer never overwrites a newer one. */
	if (rc == 0 && (was.sequence > msg->sequence ||
	    (was.sequence == msg->sequence && was.dtstamp != NULL &&
	    msg->dtstamp != 0 && strcmp(was.dtstamp,
	    book_timestamp(msg->dtstamp, ts)) > 0))) {
		outcome(h, "ignored: an answer of %s's that is newer is "
		    "stored (%s)", msg->from, was.partstat);
		reply_rec_reset(&was);
		free(name);
		rc = 0;
		goto done;
	}
	reply_rec_reset(&was);
	memset(&now, 0, sizeof now);
	now.uid = inv.uid;
	now.attendee = msg->from;
	now.partstat = msg->partstat ? msg->partstat : "NEEDS-ACTION";
	now.sequence = msg->sequence;
	now.dtstamp = msg->dtstamp ? book_timestamp(msg->dtstamp, ts) : NULL;
	now.comment = msg->comment;
	{
		char received[21];

		now.received_at = book_timestamp(h->in->now, received);
		rc = store_reply_put(h->in->book->store, &now, h->err);
	}
	verb = health_partstat_verb(now.partstat);
	detail = xasprintf("%s %s", name, verb ? verb : "has not decided");
	if (rc == 0 && strcasecmp(now.partstat, "DECLINED") == 0 &&
	    strcasecmp(msg->from, inv.owner_email) != 0) {
		char *note = xasprintf("%s%s%s", detail,
		    msg->comment ? ": " : "", msg->comment ? msg->comment : "");

		rc = queue(h, OUTBOX_DECLINED, inv.partner_id, inv.partner_key,
		    occurrence, msg->sequence, inv.owner_email, note);
		free(note);
		if (rc == 0)
			outcome(h, "%s; the owner is told", detail);
	} else if (rc == 0)
		outcome(h, "%s", detail);
	h->res->acted = rc == 0;
	free(detail);
	free(name);
done:
	invite_rec_reset(&inv);
	return rc;
}

/* Whether email is one of the partner's contacts (not its owner). */
static int
is_contact(struct handling *h, const char *key, const char *email,
    bool *yes)
{
	struct partner p;
	char *name = NULL;
	int rc;

	*yes = false;
	rc = book_partner_get(h->in->book, key, &p, NULL);
	if (rc == BOOK_NOT_FOUND)
		return 0;
	if (rc != 0)
		return set_err(h->err, "%s: cannot read the partner", key);
	rc = book_contact_name(h->in->book, &p, email, &name, h->err);
	*yes = name != NULL;
	free(name);
	partner_reset(&p);
	return rc;
}

/* One returned message of ours: bounced for good, or delayed. */
static int
bounce_one(struct handling *h, struct outbox_msg *m, const char *rcpt)
{
	const struct inbound_msg *msg = h->msg;
	char *reason;
	bool contact;
	int rc;

	set_partner(h, m->partner_key);
	if (!msg->permanent) {
		outcome(h, "delayed, not bounced: message %ld to %s: nothing to "
		    "do", m->id, rcpt);
		return 0;
	}
	reason = xasprintf("%s%s%s", msg->status ? msg->status : "bounced",
	    msg->diagnostic ? " " : "", msg->diagnostic ? msg->diagnostic : "");
	if (outbox_can_move(m->state, OUTBOX_BOUNCED))
		rc = outbox_move(h->in->book->store, m, OUTBOX_BOUNCED, reason,
		    NULL, h->in->now, h->err);
	else
		rc = 0;
	if (rc == 0)
		rc = is_contact(h, m->partner_key, rcpt, &contact);
	if (rc == 0 && contact)
		rc = book_contact_bounced(h->in->book, m->partner_id, rcpt,
		    reason, h->in->now, h->err) == 0 ? 0 : -1;
	if (rc == 0) {
		outcome(h, "message %ld (%s) to %s bounced: %s%s", m->id,
		    outbox_kind_name(m->kind), rcpt, reason, contact ?
		    "; left off new invites until the address is edited" : "");
		h->res->acted = true;
	}
	free(reason);
	return rc;
}

static int
handle_bounce(struct handling *h)
{
	const struct inbound_msg *msg = h->msg;
	struct outbox_msg m;
	int rc;

	h->res->kind = xstrdup("bounce");
	/* The returned message's Message-ID, else the token of the
	 * subaddressed envelope sender the bounce came back to. */
	for (size_t i = 0; i <= msg->nbounced_ids; i++) {
		char *id;

		if (i < msg->nbounced_ids)
			id = xstrdup(msg->bounced_ids[i]);
		else if (msg->to_token != NULL)
			id = xasprintf("%s@%s", msg->to_token,
			    h->in->ids.domain);
		else
			break;
		rc = outbox_find(h->in->book->store, id, &m, h->err);
		free(id);
		if (rc == STORE_NOT_FOUND)
			continue;
		if (rc != 0)
			return -1;
		rc = bounce_one(h, &m, msg->bounced_rcpt ? msg->bounced_rcpt :
		    m.recipient);
		outbox_msg_reset(&m);
		return rc;
	}
	outcome(h, "ignored: it reports on no message of ours");
	return 0;
}

/* Carry out an owner's command about p; *said is the confirmation. */
static int
carry_out(struct handling *h, const struct partner *p,
    const struct owner_cmd *cmd, char **said)
{
	char date[DATE_LONG_STRLEN], nextlong[DATE_LONG_STRLEN];
	char text[DATE_STRLEN], *why = NULL;
	struct tb_date next;
	struct partner now;
	int rc;

	switch (cmd->verb) {
	case OWNER_DONE:
		rc = book_checkin(h->in->book, p->key, date_format(cmd->date,
		    text), cmd->note, h->msg->from, h->in->now, &why);
		if (rc == 0 && book_partner_get(h->in->book, p->key, &now,
		    &why) == 0) {
			if (now.next_due != NULL &&
			    date_parse(now.next_due, &next, NULL) == 0)
				*said = xasprintf("Logged your check-in with %s on "
				    "%s; the next one is due %s.", p->name,
				    date_format_long(cmd->date, date),
				    date_format_long(next, nextlong));
			else
				*said = xasprintf("Logged your check-in with %s "
				    "on %s.", p->name, text);
			partner_reset(&now);
		}
		break;
	case OWNER_SNOOZE:
		rc = book_snooze(h->in->book, p->key, date_format(cmd->date,
		    text), h->in->now, &why);
		if (rc == 0)
			*said = xasprintf("Reminders about %s are held until %s.",
			    p->name, date_format_long(cmd->date, date));
		break;
	default:
		rc = book_note_add(h->in->book, p->key, cmd->note, h->msg->from,
		    h->in->now, &why);
		if (rc == 0)
			*said = xasprintf("Added your note to %s.", p->name);
		break;
	}
	if (rc == BOOK_ERROR) {
		set_err(h->err, "%s", why);
		free(why);
		return -1;
	}
	if (rc != 0)
		*said = xasprintf("Could not do that for %s: %s", p->name, why);
	h->res->acted = rc == 0;
	free(why);
	return 0;
}

static int
handle_text(struct handling *h)
{
	const struct inbound_msg *msg = h->msg;
	struct owner_cmd cmd;
	struct outbox_msg ours;
	struct tb_date today;
	struct partner p;
	char *said = NULL, *why = NULL, *occurrence;
	int rc;

	h->res->kind = xstrdup("reply");
	if ((rc = find_ours(h, &ours, h->err)) <= 0) {
		if (rc == 0)
			outcome(h, "ignored: it answers no message of ours to "
			    "%s", msg->from ? msg->from : "its sender");
		return rc;
	}
	rc = book_partner_get(h->in->book, ours.partner_key, &p, NULL);
	if (rc != 0 || strcasecmp(p.owner_email, msg->from) != 0) {
		outcome(h, "ignored: %s does not own a partner it is about",
		    msg->from);
		if (rc == 0)
			partner_reset(&p);
		outbox_msg_reset(&ours);
		return 0;
	}
	set_partner(h, p.key);
	free(h->res->kind);
	h->res->kind = xstrdup("owner's reply");
	rc = 0;
	if (book_today(h->in->book, &p, h->in->now, &today, h->err) != 0)
		rc = -1;
	else if (msg->first_line == NULL)
		said = xstrdup("Your reply had no command that touchbase could "
		    "read. Reply with one line: done [DATE] [NOTE], snooze N "
		    "days|weeks, snooze until DATE, or note TEXT.");
	else if (owner_cmd_parse(msg->first_line, today, &cmd, &why) != 0)
		said = xasprintf("%s", why);
	else {
		rc = carry_out(h, &p, &cmd, &said);
		owner_cmd_reset(&cmd);
	}
	free(why);
	if (rc == 0) {
		/* One confirmation per message answered: named by the
		 * day and a digest of the message's key. */
		char date[DATE_STRLEN], *digest = token_digest(h->key,
		    strlen(h->key));

		occurrence = xasprintf("%s reply %.12s", date_format(today,
		    date), digest);
		free(digest);
		rc = queue(h, OUTBOX_CONFIRMATION, p.id, p.key, occurrence, 0,
		    msg->from, said);
		free(occurrence);
		outcome(h, "%s%s", h->res->acted ? "" : "not done: ", said);
	}
	free(said);
	partner_reset(&p);
	outbox_msg_reset(&ours);
	return rc;
}

/* The key a message is remembered by: its Message-ID, else a digest. */
static char *
message_key(const struct inbound_msg *msg, const char *raw, size_t len)
{
	char *digest, *key;

	if (msg->message_id != NULL)
		return xasprintf("id:%s", msg->message_id);
	digest = token_digest(raw, len);
	key = xasprintf("sha256:%s", digest);
	free(digest);
	return key;
}

static int
dispatch(struct handling *h)
{
	switch (h->msg->kind) {
	case INBOUND_REPLY:
	case INBOUND_COUNTER:
		return handle_answer(h);
	case INBOUND_BOUNCE:
		return handle_bounce(h);
	case INBOUND_TEXT:
		return handle_text(h);
	case INBOUND_AUTOREPLY:
		h->res->kind = xstrdup("auto-reply");
		outcome(h, "ignored: automatic replies are never acted on");
		return 0;
	default:
		h->res->kind = xstrdup("other");
		outcome(h, "ignored: nothing touchbase acts on");
		return 0;
	}
}

int
inbox_process(struct inbox *in, const char *raw, size_t len,
    struct inbox_report *res, char **err)
{
	struct store *s = in->book->store;
	struct inbound_msg msg;
	struct inbound_rec rec;
	struct handling h;
	char ts[21], *why = NULL, *key;
	bool seen;
	int rc;

	memset(res, 0, sizeof *res);
	if (inbound_parse(raw, len, &msg, &why) != 0) {
		res->status = INBOX_UNREADABLE;
		res->kind = xstrdup("unreadable");
		res->outcome = why;
		return 0;
	}
	key = message_key(&msg, raw, len);
	res->sender = xstrdup(msg.from);
	if (store_begin(s, err) != 0) {
		free(key);
		inbound_msg_reset(&msg);
		return -1;
	}
	rc = store_inbound_seen(s, key, &seen, err);
	if (rc == 0 && seen) {
		res->status = INBOX_SEEN;
		res->kind = xstrdup("already processed");
		res->outcome = xstrdup("nothing done");
	} else if (rc == 0) {
		h = (struct handling){ in, &msg, key, res, err };
		rc = dispatch(&h);
	}
	if (rc == 0 && !seen) {
		memset(&rec, 0, sizeof rec);
		rec.key = key;
		rec.received_at = book_timestamp(in->now, ts);
		rec.kind = res->kind;
		rec.sender = msg.from;
		rec.partner_key = res->partner_key;
		rec.outcome = res->outcome ? res->outcome : "";
		rc = store_inbound_add(s, &rec, err);
	}
	if (rc == 0 && store_commit(s, err) != 0)
		rc = -1;
	if (rc != 0) {
		store_rollback(s);
		inbox_report_reset(res);
	}
	free(key);
	inbound_msg_reset(&msg);
	return rc == 0 ? 0 : -1;
}

/* A message too big to load is not read: it is recorded as ignored. */
static void
too_big(const struct inbox_item *item, struct inbox_report *res)
{
	memset(res, 0, sizeof *res);
	res->status = INBOX_HANDLED;
	res->kind = xstrdup("too big");
	res->outcome = xasprintf("ignored: %zu bytes, more than touchbase "
	    "reads", item->size);
}

int
inbox_drain(struct inbox *in, struct inbox_source *src, bool dry_run,
    inbox_event_fn fn, void *arg, struct inbox_stats *stats, char **err)
{
	struct inbox_report res;
	struct inbox_item item;
	int rc;

	memset(stats, 0, sizeof *stats);
	memset(&item, 0, sizeof item);
	while ((rc = inbox_source_next(src, &item, err)) == 1) {
		stats->read++;
		if (item.too_big)
			too_big(&item, &res);
		else if (inbox_process(in, item.data, item.len, &res,
		    err) != 0) {
			inbox_item_reset(&item);
			return INBOX_DATABASE;
		}
		if (fn != NULL)
			fn(item.id, &res, arg);
		stats->acted += res.acted;
		if (res.status == INBOX_UNREADABLE)
			stats->unreadable++;
		else if (!dry_run && (rc = inbox_source_done(src, &item,
		    err)) != INBOX_OK) {
			inbox_report_reset(&res);
			inbox_item_reset(&item);
			return rc;
		}
		inbox_report_reset(&res);
		inbox_item_reset(&item);
	}
	return rc == 0 ? 0 : rc;
}
