/* compose.c: outbox rows -> messages with invites. */
#include "compose.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cadence.h"
#include "digest.h"
#include "invite.h"
#include "message.h"
#include "outbox.h"
#include "tz.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/touchbase"
#endif
#ifndef SOURCE_TEMPLATES
#define SOURCE_TEMPLATES "templates"
#endif
#ifndef BINDIR
#define BINDIR "/usr/local/bin"
#endif

/* What a message is about, gathered from the database once per row. */
struct subject {
	struct partner	  p;
	struct contact	 *contacts;
	size_t		  ncontacts;
	struct checkin	  last;		/* id 0 when none */
	struct tb_date	  due;
	struct tb_date	  meeting;	/* the meeting's local date */
	struct tb_date	  today;
	const char	 *tz;
	int		  hour, minute;	/* the meeting's local time */
	bool		  late;		/* the meeting is after the due date:
					 * its invite went out late */
};

/* Whether this is the installed binary, which never reads the source
 * tree it was built from (the build tree's binary falls back to it). */
static bool
running_installed(void)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);

	if (len <= 0)
		return false;
	self[len] = '\0';
	return strcmp(self, BINDIR "/touchbase") == 0;
}

const char *const *
composer_template_dirs(const struct config *cfg, size_t *n)
{
	static const char *dirs[3];

	*n = 0;
	if (!str_empty(cfg->templates_dir))
		dirs[(*n)++] = cfg->templates_dir;
	dirs[(*n)++] = PKGDATADIR "/templates";
	if (!running_installed())
		dirs[(*n)++] = SOURCE_TEMPLATES;
	return dirs;
}

static bool
is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
composer_init(struct composer *c, struct book *b, char **err)
{
	const char *const *dirs;
	size_t n;

	memset(c, 0, sizeof *c);
	c->book = b;
	if (message_address_parse(b->cfg->from, &c->org_name, &c->org_email,
	    err) != 0)
		return prefix_err(err, "smtp.from");
	c->domain = outbox_domain(b->cfg);
	c->zones = invite_zones_new();
	if (!str_empty(b->cfg->templates_dir) &&
	    !is_directory(b->cfg->templates_dir)) {
		composer_reset(c);
		return set_err(err, "templates.dir: %s is not a directory",
		    b->cfg->templates_dir);
	}
	dirs = composer_template_dirs(b->cfg, &n);
	c->templates = template_set_load(dirs, n, err);
	/* run refuses exactly what check refuses, before sending anything. */
	if (c->templates == NULL || compose_check_templates(c, err) != 0) {
		composer_reset(c);
		return -1;
	}
	return 0;
}

void
composer_reset(struct composer *c)
{
	template_set_free(c->templates);
	invite_zones_free(c->zones);
	free(c->org_name);
	free(c->org_email);
	free(c->domain);
	memset(c, 0, sizeof *c);
}

void
composed_init(struct composed *m)
{
	memset(m, 0, sizeof *m);
	buf_init(&m->text);
}

void
composed_reset(struct composed *m)
{
	buf_reset(&m->text);
	strv_free(m->rcpt, m->nrcpt);
	free(m->subject);
	free(m->envelope_from);
	composed_init(m);
}

static int
keep_contact(const struct contact *c, void *arg)
{
	struct subject *s = arg;
	struct contact *copy;

	s->contacts = xreallocarray(s->contacts, s->ncontacts + 1,
	    sizeof *s->contacts);
	copy = &s->contacts[s->ncontacts++];
	contact_copy(copy, c);
	return 0;
}

static int
keep_checkin(const struct checkin *c, void *arg)
{
	struct checkin *last = arg;

	*last = *c;
	last->date = xstrdup(c->date);
	last->note = xstrdup(c->note);
	last->by_email = xstrdup(c->by_email);
	last->created_at = xstrdup(c->created_at);
	return 1;
}

static void
subject_reset(struct subject *s)
{
	partner_reset(&s->p);
	for (size_t i = 0; i < s->ncontacts; i++)
		contact_reset(&s->contacts[i]);
	free(s->contacts);
	checkin_reset(&s->last);
	memset(s, 0, sizeof *s);
}

/* The partner as the invite recorded it, for a cancel written after the
 * partner was removed. */
static void
subject_from_invite(struct subject *s, const struct invite_rec *inv)
{
	s->p.key = xstrdup(inv->partner_key);
	s->p.name = xstrdup(inv->partner_name);
	s->p.owner_name = xstrdup(inv->owner_name);
	s->p.owner_email = xstrdup(inv->owner_email);
	s->p.cadence = xstrdup("");
}

/* Whether a row that carries an invite is still worth sending: its
 * invite open (a cancel always is), and no later message about it
 * planned for the same recipient.  COMPOSE_STALE with *err when not. */
static int
invite_current(struct composer *c, const struct outbox_msg *row,
    const struct invite_rec *inv, char **err)
{
	int latest;

	if (outbox_invite_sequence(c->book->store, row->uid,
	    row->recipient, &latest, err) != 0)
		return -1;
	if (latest > row->sequence) {
		set_err(err, "superseded by a later message about the same "
		    "meeting (SEQUENCE %d)", latest);
		return COMPOSE_STALE;
	}
	if (inv != NULL && row->kind != OUTBOX_CANCEL &&
	    strcmp(inv->status, "open") != 0) {
		set_err(err, "the meeting of %s was cancelled or its check-in "
		    "logged", row->occurrence);
		return COMPOSE_STALE;
	}
	return 0;
}

/* Notices to an owner (a decline, a proposed time, a confirmation) are
 * not about the occurrence due: they stand while the partner does. */
static bool
compose_is_notice(enum outbox_kind kind)
{
	return kind == OUTBOX_DECLINED || kind == OUTBOX_COUNTER ||
	    kind == OUTBOX_CONFIRMATION;
}

/* The partner a row is about, as it is now; COMPOSE_STALE when the row
 * is no longer due. */
static int
subject_partner(struct composer *c, const struct outbox_msg *row,
    const struct invite_rec *inv, struct subject *s, char **err)
{
	bool cancel = row->kind == OUTBOX_CANCEL;
	int rc;

	rc = book_partner_get(c->book, row->partner_key, &s->p, err);
	if (rc == BOOK_NOT_FOUND || (rc == 0 && s->p.id != row->partner_id)) {
		partner_reset(&s->p);
		if (cancel && inv != NULL) {
			if (err != NULL) {
				free(*err);
				*err = NULL;
			}
			subject_from_invite(s, inv);
			return 0;
		}
		set_err(err, "partner %s was removed", row->partner_key);
		return COMPOSE_STALE;
	}
	if (rc != 0)
		return -1;
	if (s->p.archived && !cancel) {
		set_err(err, "partner %s was archived", row->partner_key);
		return COMPOSE_STALE;
	}
	/* Messages without an invite are about the occurrence now due;
	 * invites follow their own record; notices to owners stand. */
	if (row->uid == NULL && !compose_is_notice(row->kind) &&
	    (s->p.next_due == NULL ||
	    strcmp(s->p.next_due, row->occurrence) != 0)) {
		set_err(err, "the check-in due %s is no longer due (next due: "
		    "%s)", row->occurrence, s->p.next_due ? s->p.next_due :
		    "none");
		return COMPOSE_STALE;
	}
	return 0;
}

/* Load what the row is about; COMPOSE_STALE when it is no longer due. */
static int
subject_load(struct composer *c, const struct outbox_msg *row, time_t now,
    struct subject *s, char **err)
{
	struct book *b = c->book;
	struct invite_rec inv;
	bool have_inv = false;
	int rc;

	memset(s, 0, sizeof *s);
	memset(&inv, 0, sizeof inv);
	if (row->uid != NULL) {
		rc = store_invite_get(b->store, row->uid, &inv, err);
		if (rc != 0 && rc != STORE_NOT_FOUND)
			return -1;
		have_inv = rc == 0;	/* not yet stored for a preview */
		rc = invite_current(c, row, have_inv ? &inv : NULL, err);
	} else
		rc = 0;
	if (rc == 0)
		rc = subject_partner(c, row, have_inv ? &inv : NULL, s, err);
	invite_rec_reset(&inv);
	if (rc != 0)
		return rc;
	s->tz = row->meeting.set && !str_empty(row->meeting.tz) ?
	    row->meeting.tz : book_partner_tz(b, &s->p);
	if (row->meeting.set)
		s->due = row->meeting.date;
	else if (compose_is_notice(row->kind) && s->p.next_due != NULL) {
		if (date_parse(s->p.next_due, &s->due, err) != 0)
			return -1;
	} else if (compose_is_notice(row->kind)) {
		if (tz_local_date(now, s->tz, &s->due, err) != 0)
			return -1;
	} else if (date_parse(row->occurrence, &s->due, err) != 0)
		return -1;
	if (tz_local_date(now, s->tz, &s->today, err) != 0)
		return -1;
	/* A meeting planned after the due date (lifecycle.c moves a late
	 * invite to the next business day): due_date stays the due date. */
	s->meeting = s->due;
	if (row->meeting.set && s->p.next_due != NULL &&
	    strcmp(s->p.next_due, row->occurrence) == 0) {
		if (date_parse(s->p.next_due, &s->due, err) != 0)
			return -1;
		s->late = date_cmp(s->meeting, s->due) > 0;
		if (!s->late)
			s->due = s->meeting;
	}
	s->hour = b->cfg->meeting_hour;
	s->minute = b->cfg->meeting_minute;
	if (row->meeting.set && row->meeting.hour >= 0) {
		s->hour = row->meeting.hour;
		s->minute = row->meeting.minute;
	}
	if (s->p.id == 0)
		return 0;	/* removed: only the invite's record is left */
	if (store_contact_foreach(b->store, s->p.id, keep_contact, s, err) != 0)
		return -1;
	rc = store_checkin_foreach(b->store, s->p.id, 1, keep_checkin, &s->last,
	    err);
	return rc < 0 ? -1 : 0;
}

static const char *
name_of(const struct subject *s, const char *email)
{
	if (strcasecmp(email, s->p.owner_email) == 0)
		return s->p.owner_name;
	if (!str_empty(s->p.sponsor_email) &&
	    strcasecmp(email, s->p.sponsor_email) == 0)
		return s->p.sponsor_name;
	for (size_t i = 0; i < s->ncontacts; i++)
		if (strcasecmp(email, s->contacts[i].email) == 0)
			return s->contacts[i].name;
	return NULL;
}

static void
set_opt(struct tvalue *map, const char *name, const char *value)
{
	if (str_empty(value))
		tvalue_set_null(map, name);
	else
		tvalue_set_str(map, name, value);
}

static void
set_date(struct tvalue *map, const char *name, struct tb_date d)
{
	char text[DATE_STRLEN], lng[DATE_LONG_STRLEN], *key;

	tvalue_set_str(map, name, date_format(d, text));
	key = xasprintf("%s_long", name);
	tvalue_set_str(map, key, date_format_long(d, lng));
	free(key);
}

/* The meeting's times as its invite puts them on calendars: the instants
 * of its start and end (RFC 5545 moves a start in a DST gap forward),
 * told in the partner's zone. */
static int
set_meeting(struct tvalue *ctx, const struct config *cfg,
    const struct subject *s, char **err)
{
	struct tvalue *m = tvalue_set_map(ctx, "meeting");
	struct tb_date date, end_date;
	int hour, minute, end_hour, end_minute;
	time_t start;
	char t[DATE_HHMM_STRLEN];

	if (tz_local_to_utc(s->meeting, s->hour, s->minute, s->tz, &start,
	    NULL, err) != 0 ||
	    tz_local_time(start, s->tz, &date, &hour, &minute, err) != 0 ||
	    tz_local_time(start + (time_t)cfg->meeting_minutes * 60, s->tz,
	    &end_date, &end_hour, &end_minute, err) != 0)
		return -1;
	set_date(m, "date", date);
	tvalue_set_str(m, "time", date_hhmm_format(hour, minute, t));
	tvalue_set_str(m, "end_time", date_hhmm_format(end_hour, end_minute,
	    t));
	tvalue_set_str(m, "timezone", s->tz);
	tvalue_set_int(m, "minutes", cfg->meeting_minutes);
	return 0;
}

/* A person: name (the address when none is known, so that text always
 * reads), email, and has_name, for a greeting that falls back to no name
 * rather than to an address. */
static struct tvalue *
set_person(struct tvalue *ctx, const char *key, const char *name,
    const char *email)
{
	struct tvalue *m = tvalue_set_map(ctx, key);

	tvalue_set_str(m, "name", !str_empty(name) ? name : email);
	tvalue_set_str(m, "email", email);
	tvalue_set_bool(m, "has_name", !str_empty(name));
	return m;
}

/* The org and recipient every template may use. */
static void
set_org_recipient(struct composer *c, struct tvalue *ctx, const char *name,
    const char *email, bool is_owner)
{
	struct tvalue *m = tvalue_set_map(ctx, "org");

	tvalue_set_str(m, "name", c->org_name ? c->org_name : c->org_email);
	tvalue_set_str(m, "email", c->org_email);
	m = set_person(ctx, "recipient", name, email);
	tvalue_set_bool(m, "is_owner", is_owner);
}

static struct tvalue *
build_context(struct composer *c, const struct subject *s,
    const char *kind, const char *recipient)
{
	struct tvalue *ctx = tvalue_new_map(), *m, *list;
	long until = date_diff(s->today, s->due);
	struct tb_date last;
	char *phrase;

	tvalue_set_str(ctx, "kind", kind);
	m = tvalue_set_map(ctx, "partner");
	tvalue_set_str(m, "key", s->p.key);
	tvalue_set_str(m, "name", s->p.name);
	set_opt(m, "tier", s->p.tier);
	set_opt(m, "notes", s->p.notes);
	tvalue_set_str(m, "timezone", s->tz);
	set_person(ctx, "owner", s->p.owner_name, s->p.owner_email);
	if (str_empty(s->p.sponsor_email))
		tvalue_set_null(ctx, "sponsor");
	else
		set_person(ctx, "sponsor", s->p.sponsor_name,
		    s->p.sponsor_email);
	set_org_recipient(c, ctx, name_of(s, recipient), recipient,
	    strcasecmp(recipient, s->p.owner_email) == 0);
	list = tvalue_set_list(ctx, "contacts");
	for (size_t i = 0; i < s->ncontacts; i++) {
		m = tvalue_list_add_map(list);
		tvalue_set_str(m, "name", s->contacts[i].name);
		tvalue_set_str(m, "email", s->contacts[i].email);
		set_opt(m, "role", s->contacts[i].role);
		tvalue_set_bool(m, "invited", s->contacts[i].invite);
	}
	phrase = cadence_describe_spec(s->p.cadence);
	tvalue_set_str(ctx, "cadence", phrase);
	free(phrase);
	set_date(ctx, "due_date", s->due);
	tvalue_set_int(ctx, "days_until_due", until > 0 ? until : 0);
	tvalue_set_int(ctx, "days_overdue", until < 0 ? -until : 0);
	tvalue_set_bool(ctx, "late", s->late);
	tvalue_set_int(ctx, "days_late", s->late && until < 0 ? -until : 0);
	if (s->last.id != 0 && date_parse(s->last.date, &last, NULL) == 0) {
		set_date(ctx, "last_checkin", last);
		set_opt(ctx, "last_checkin_note", s->last.note);
		tvalue_set_int(ctx, "days_since_checkin",
		    date_diff(last, s->today));
	} else {
		tvalue_set_null(ctx, "last_checkin");
		tvalue_set_null(ctx, "last_checkin_long");
		tvalue_set_null(ctx, "last_checkin_note");
		tvalue_set_null(ctx, "days_since_checkin");
	}
	tvalue_set_null(ctx, "previous");
	phrase = xasprintf("touchbase checkin %s", s->p.key);
	tvalue_set_str(ctx, "checkin_command", phrase);
	free(phrase);
	return ctx;
}

/* The VCALENDAR for a reminder or invitation: everyone on row->attendees. */
static char *
build_invite(struct composer *c, const struct subject *s,
    const struct outbox_msg *row, time_t now, char **err)
{
	const struct config *cfg = c->book->cfg;
	struct invite_attendee *att;
	struct invite_event ev;
	char *const *emails = row->attendees, *ics, *summary, *desc;
	size_t n = row->nattendees;

	att = xcalloc(n ? n : 1, sizeof *att);
	for (size_t i = 0; i < n; i++) {
		att[i].email = emails[i];
		att[i].name = name_of(s, emails[i]);
	}
	summary = xasprintf("Check-in: %s", s->p.name);
	desc = xasprintf("Regular check-in with %s.\nOwner: %s <%s>\n\n"
	    "Scheduled by %s.", s->p.name, s->p.owner_name ? s->p.owner_name :
	    s->p.owner_email, s->p.owner_email, c->org_name ? c->org_name :
	    c->org_email);
	memset(&ev, 0, sizeof ev);
	ev.uid = row->uid;
	ev.sequence = row->sequence;
	ev.summary = summary;
	ev.description = desc;
	ev.tzid = s->tz;
	ev.date = s->meeting;
	ev.hour = s->hour;
	ev.minute = s->minute;
	ev.cancelled = row->kind == OUTBOX_CANCEL;
	ev.minutes = cfg->meeting_minutes;
	ev.organizer_name = c->org_name;
	ev.organizer_email = c->org_email;
	ev.attendees = att;
	ev.nattendees = n;
	ics = invite_build_with(c->zones, ev.cancelled ? "CANCEL" :
	    "REQUEST", &ev, 1, now, err);
	free(summary);
	free(desc);
	free(att);
	return ics;
}

static void
add_rcpt(struct composed *out, const char *email)
{
	strv_add(&out->rcpt, &out->nrcpt, xstrdup(email));
}

/* Who a message goes to, beyond what the template says. */
struct envelope {
	const char	*kind;		/* the template */
	struct message_address to;
	struct message_address cc;	/* cc.email NULL: none */
	struct message_address reply_to; /* reply_to.email NULL: none */
	char		*token_address;	/* with inbox.subaddress: ours with
					 * the message's token, else NULL */
	const char	*message_id;
	const char	*ics;		/* may be NULL */
	const char	*ics_method;
};

/* Render kind's plain template with ctx into its headers and body. */
static int
render_plain(struct composer *c, const char *kind, const struct tvalue *ctx,
    struct message_header **headers, size_t *nheaders, char **body,
    char **err)
{
	const struct template *txt;
	struct buf text;
	int rc;

	txt = template_set_get(c->templates, kind, TEMPLATE_PLAIN);
	if (txt == NULL)
		return set_err(err, "no template for %s", kind);
	buf_init(&text);
	rc = template_render(txt, ctx, &text, err);
	if (rc == 0)
		rc = message_split_template(buf_str(&text), headers, nheaders,
		    body, err);
	if (rc != 0)
		prefix_err(err, "%s", template_set_path(c->templates, kind,
		    TEMPLATE_PLAIN));
	buf_reset(&text);
	return rc;
}

/* Render the templates and assemble the MIME message. */
static int
assemble(struct composer *c, const struct envelope *env,
    const struct tvalue *ctx, time_t now, struct composed *out, char **err)
{
	const struct template *html;
	struct message_header *headers = NULL, *extra;
	struct message msg;
	struct buf htmlbuf;
	char *body = NULL;
	size_t nheaders = 0, nextra = 0;
	int rc;

	if (render_plain(c, env->kind, ctx, &headers, &nheaders, &body,
	    err) != 0)
		return -1;
	html = template_set_get(c->templates, env->kind, TEMPLATE_HTML);
	buf_init(&htmlbuf);
	if (html != NULL && template_render(html, ctx, &htmlbuf, err) != 0) {
		prefix_err(err, "%s", template_set_path(c->templates,
		    env->kind, TEMPLATE_HTML));
		message_headers_free(headers, nheaders);
		free(body);
		buf_reset(&htmlbuf);
		return -1;
	}
	extra = xcalloc(nheaders ? nheaders : 1, sizeof *extra);
	memset(&msg, 0, sizeof msg);
	msg.reply_to = env->reply_to.email != NULL ? &env->reply_to : NULL;
	for (size_t i = 0; i < nheaders; i++) {
		if (strcasecmp(headers[i].name, "Subject") == 0)
			msg.subject = headers[i].value;
		else
			extra[nextra++] = headers[i];
		/* The template's own Reply-To wins. */
		if (strcasecmp(headers[i].name, "Reply-To") == 0)
			msg.reply_to = NULL;
	}
	msg.from.name = c->org_name;
	msg.from.email = c->org_email;
	msg.to = &env->to;
	msg.nto = 1;
	if (env->cc.email != NULL) {
		msg.cc = &env->cc;
		msg.ncc = 1;
	}
	msg.message_id = env->message_id;
	msg.date = now;
	msg.text = body;
	msg.html = html != NULL ? buf_str(&htmlbuf) : NULL;
	msg.ics = env->ics;
	msg.ics_method = env->ics ? env->ics_method : NULL;
	msg.headers = extra;
	msg.nheaders = nextra;
	rc = message_compose(&msg, &out->text, err);
	if (rc == 0) {
		add_rcpt(out, env->to.email);
		if (msg.ncc)
			add_rcpt(out, env->cc.email);
		out->subject = xstrdup(msg.subject);
		out->envelope_from = xstrdup(env->token_address ?
		    env->token_address : c->org_email);
	}
	free(extra);
	message_headers_free(headers, nheaders);
	free(body);
	buf_reset(&htmlbuf);
	return rc;
}

/* The name of a digest's recipient: digest.to's, or the owner's. */
static char *
digest_recipient_name(struct composer *c, const char *owner,
    const char *recipient, char **err)
{
	char *name = NULL, *email = NULL;

	/* A digest row always has its recipient (NOT NULL in the outbox). */
	/* NOLINTBEGIN(clang-analyzer-core.NonNullParamChecker) */
	if (owner != NULL) {
		if (digest_owner(c->book, owner, &email, &name, err) != 0)
			return NULL;
	} else if (message_address_parse(c->book->cfg->digest_to, &name,
	    &email, NULL) == 0 && strcasecmp(email, recipient) != 0) {
		free(name);
		name = NULL;
	}
	/* NOLINTEND(clang-analyzer-core.NonNullParamChecker) */
	free(email);
	return name != NULL ? name : xstrdup(recipient);
}

/* The digest's context, addressed to recipient; *name (caller frees)
 * gets the recipient's name. */
static struct tvalue *
digest_ctx(struct composer *c, const char *owner, const char *recipient,
    time_t now, char **name, char **err)
{
	struct tvalue *ctx;

	if ((*name = digest_recipient_name(c, owner, recipient, err)) == NULL)
		return NULL;
	if (digest_context(c->book, now, owner, &ctx, err) != 0) {
		free(*name);
		*name = NULL;
		return NULL;
	}
	tvalue_set_str(ctx, "kind", outbox_kind_name(OUTBOX_DIGEST));
	set_org_recipient(c, ctx, strcmp(*name, recipient) != 0 ? *name : NULL,
	    recipient, false);
	return ctx;
}

int
compose_digest(struct composer *c, const char *owner, const char *recipient,
    const char *message_id, time_t now, struct composed *out, char **err)
{
	struct envelope env;
	struct tvalue *ctx;
	char *name;
	int rc;

	if ((ctx = digest_ctx(c, owner, recipient, now, &name, err)) == NULL)
		return -1;
	memset(&env, 0, sizeof env);
	env.kind = outbox_kind_name(OUTBOX_DIGEST);
	env.to.email = recipient;
	env.to.name = strcmp(name, recipient) != 0 ? name : NULL;
	env.message_id = message_id;
	rc = assemble(c, &env, ctx, now, out, err);
	tvalue_free(ctx);
	free(name);
	return rc;
}

int
compose_digest_text(struct composer *c, const char *owner,
    const char *recipient, time_t now, struct buf *text, char **err)
{
	const struct template *txt;
	struct tvalue *ctx;
	char *name;
	int rc;

	txt = template_set_get(c->templates, outbox_kind_name(OUTBOX_DIGEST),
	    TEMPLATE_PLAIN);
	if (txt == NULL)
		return set_err(err, "no template for digest");
	if ((ctx = digest_ctx(c, owner, recipient, now, &name, err)) == NULL)
		return -1;
	if ((rc = template_render(txt, ctx, text, err)) != 0)
		prefix_err(err, "%s", template_name(txt));
	tvalue_free(ctx);
	free(name);
	return rc;
}

/* What the recipient's calendar held before an update: the meeting of
 * the last message about it that reached them. */
static int
set_previous(struct composer *c, struct tvalue *ctx,
    const struct outbox_msg *row, char **err)
{
	struct outbox_msg was;
	struct tvalue *m;
	char time[DATE_HHMM_STRLEN] = "";
	int rc;

	rc = outbox_invite_sent(c->book->store, row->uid, row->recipient,
	    row->sequence, &was, err);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != 0)
		return -1;
	if (was.meeting.set) {
		m = tvalue_set_map(ctx, "previous");
		set_date(m, "due_date", was.meeting.date);
		if (was.meeting.hour >= 0)
			date_hhmm_format(was.meeting.hour, was.meeting.minute,
			    time);
		tvalue_set_str(m, "meeting_time", was.meeting.hour >= 0 ?
		    time : "");
	}
	outbox_msg_reset(&was);
	return 0;
}

/* A digest row: every partner, or the recipient's own while they still
 * own an active partner. */
static int
compose_digest_row(struct composer *c, const struct outbox_msg *row,
    time_t now, struct composed *out, char **err)
{
	bool own = strcmp(row->partner_key, "owner") == 0;
	char *email = NULL;

	if (own && digest_owner(c->book, row->recipient, &email, NULL,
	    err) != 0)
		return -1;
	if (own && email == NULL) {
		set_err(err, "%s owns no active partner any more",
		    row->recipient);
		return COMPOSE_STALE;
	}
	free(email);
	return compose_digest(c, own ? row->recipient : NULL, row->recipient,
	    row->message_id, now, out, err);
}

static const struct envelope *
envelope_of(const struct subject *s, const struct outbox_msg *row,
    const char *ics, struct envelope *env)
{
	memset(env, 0, sizeof *env);
	env->kind = outbox_kind_name(row->kind);
	env->to.email = row->recipient;
	env->to.name = name_of(s, row->recipient);
	if (row->kind == OUTBOX_ESCALATION) {
		env->cc.email = s->p.owner_email;
		env->cc.name = s->p.owner_name;
	}
	/* A partner contact who just replies reaches the owner, whom the
	 * text names as the person to write to. */
	if (strcasecmp(row->recipient, s->p.owner_email) != 0 &&
	    row->kind != OUTBOX_ESCALATION) {
		env->reply_to.email = s->p.owner_email;
		env->reply_to.name = s->p.owner_name;
	}
	env->message_id = row->message_id;
	env->ics = ics;
	env->ics_method = row->kind == OUTBOX_CANCEL ? "CANCEL" : "REQUEST";
	return env;
}

/*
 * With inbox.subaddress, our address with the message's reply token as a
 * subaddress (partnerships+TOKEN@domain): the envelope sender, for
 * bounces, and the Reply-To of what goes to the owner, for mail clients
 * that drop In-Reply-To.  NULL without it.  Caller frees.
 */
static char *
token_address(const struct composer *c, const struct outbox_msg *row)
{
	const char *at = strrchr(c->org_email, '@');
	size_t token = strcspn(row->message_id, "@");

	if (!c->book->cfg->inbox_subaddress || at == NULL)
		return NULL;
	return xasprintf("%.*s+%.*s%s", (int)(at - c->org_email),
	    c->org_email, (int)token, row->message_id, at);
}

int
compose_row(struct composer *c, const struct outbox_msg *row, time_t now,
    struct composed *out, char **err)
{
	struct envelope env;
	struct subject s;
	struct tvalue *ctx;
	char *ics = NULL;
	int rc;

	if (row->kind == OUTBOX_DIGEST)
		return compose_digest_row(c, row, now, out, err);
	if ((rc = subject_load(c, row, now, &s, err)) != 0) {
		subject_reset(&s);
		return rc;
	}
	ctx = build_context(c, &s, outbox_kind_name(row->kind),
	    row->recipient);
	set_opt(ctx, "detail", row->detail);
	rc = set_meeting(ctx, c->book->cfg, &s, err);
	if (rc == 0 && row->kind == OUTBOX_UPDATE)
		rc = set_previous(c, ctx, row, err);
	if (rc == 0 && row->uid != NULL &&
	    (ics = build_invite(c, &s, row, now, err)) == NULL)
		rc = -1;
	if (rc == 0) {
		envelope_of(&s, row, ics, &env);
		env.token_address = token_address(c, row);
		if (env.token_address != NULL && env.reply_to.email == NULL) {
			env.reply_to.email = env.token_address;
			env.reply_to.name = c->org_name;
		}
		rc = assemble(c, &env, ctx, now, out, err);
		free(env.token_address);
	}
	free(ics);
	tvalue_free(ctx);
	subject_reset(&s);
	return rc;
}
