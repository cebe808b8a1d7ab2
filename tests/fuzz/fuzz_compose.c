/*
 * fuzz_compose.c: a message composed from arbitrary partner fields
 * (compose.c, message.c, invite.c).
 *
 * Input: NUL-separated fields: the kind (its first byte), then a
 * partner's name, owner, owner name, sponsor, notes, tier, time zone and
 * cadence, a contact's name, address and role, a check-in note and a
 * notice's text.  Each field the book accepts is applied, in a
 * transaction rolled back afterwards, and a message of that kind is
 * composed.  It must have exactly the header fields the template asked
 * for besides touchbase's own, each line a header line or its
 * continuation (no field added by a value), and its invite, when it
 * carries one, must parse with libical with the row's attendees.
 *
 * The book, the composer and its templates are made once and reused:
 * loading and checking the templates and creating the database cost
 * far more than composing a message.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <libical/ical.h>

#include "book.h"
#include "compose.h"
#include "fuzz.h"
#include "invite.h"
#include "message.h"
#include "outbox.h"
#include "plan.h"
#include "util.h"

enum {
	F_KIND, F_NAME, F_OWNER, F_OWNER_NAME, F_SPONSOR, F_NOTES, F_TIER,
	F_TIMEZONE, F_CADENCE, F_CONTACT_NAME, F_CONTACT_EMAIL, F_ROLE,
	F_CHECKIN_NOTE, F_DETAIL, NFIELDS
};

#define KEY "riverside"

/* What every input shares, made on the first. */
static struct {
	struct book		*book;
	struct composer		 composer;
	struct outbox_ids	 ids;
	char			**headers[OUTBOX_NKINDS];  /* the template's */
	size_t			 nheaders[OUTBOX_NKINDS];
} fx;

static void
must(int rc, const char *what, char *err)
{
	if (rc != 0)
		fuzz_fail("%s: %s", what, err ? err : "");
}

/* The header fields kind's template sets, besides Subject. */
static void
template_headers(enum outbox_kind kind)
{
	const struct template *t;
	struct message_header *h;
	struct tvalue *schema = compose_schema(kind == OUTBOX_DIGEST);
	struct buf text;
	char *body, *err = NULL;
	size_t n;

	t = template_set_get(fx.composer.templates, outbox_kind_name(kind),
	    TEMPLATE_PLAIN);
	buf_init(&text);
	must(template_render(t, schema, &text, &err), "template", err);
	must(message_split_template(buf_str(&text), &h, &n, &body, &err),
	    "template", err);
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(h[i].name, "Subject") != 0)
			strv_add(&fx.headers[kind], &fx.nheaders[kind],
			    xstrdup(h[i].name));
	message_headers_free(h, n);
	free(body);
	buf_reset(&text);
	tvalue_free(schema);
}

static void
teardown(void)
{
	for (int k = 0; k < OUTBOX_NKINDS; k++)
		strv_free(fx.headers[k], fx.nheaders[k]);
	outbox_ids_reset(&fx.ids);
	composer_reset(&fx.composer);
	memset(&fx, 0, sizeof fx);
}

static void
setup(void)
{
	struct partner_input in = {
		.name = "Riverside Pediatric Clinic", .key = KEY,
		.owner = "Dana Lee <dana.lee@example.org>",
		.sponsor = "cmo@example.org", .cadence = "monthly",
		.start = "2026-03-02", .timezone = "America/Los_Angeles",
	};
	char *err = NULL;

	fx.book = fuzz_book();
	must(book_partner_add(fx.book, &in, FUZZ_NOW, NULL, &err), "partner",
	    err);
	must(book_contact_add(fx.book, KEY, "Mar\xc3\xad" "a G\xc3\xb3mez",
	    "maria@riverside.example.com", "Clinic director", true, &err),
	    "contact", err);
	must(composer_init(&fx.composer, fx.book, &err), "composer", err);
	must(outbox_ids_load(fx.book->store, fx.book->cfg, &fx.ids, &err),
	    "ids", err);
	for (int k = 0; k < OUTBOX_NKINDS; k++)
		template_headers(k);
	g_mime_init();
	atexit(teardown);
}

/* Apply each field the book accepts, one at a time. */
static void
apply_fields(char **f)
{
	struct partner_input in;
	const char **set[] = { &in.name, &in.owner, &in.owner_name,
	    &in.sponsor, &in.notes, &in.tier, &in.timezone, &in.cadence };
	char *err = NULL;

	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		if (f[F_NAME + i][0] == '\0')
			continue;
		memset(&in, 0, sizeof in);
		*set[i] = f[F_NAME + i];
		book_partner_edit(fx.book, KEY, &in, FUZZ_NOW, &err);
	}
	if (f[F_CONTACT_EMAIL][0] != '\0')
		book_contact_add(fx.book, KEY, f[F_CONTACT_NAME],
		    f[F_CONTACT_EMAIL], f[F_ROLE][0] ? f[F_ROLE] : NULL, true,
		    &err);
	if (f[F_CHECKIN_NOTE][0] != '\0')
		book_checkin(fx.book, KEY, "2026-06-01", f[F_CHECKIN_NOTE],
		    NULL, FUZZ_NOW, &err);
	free(err);
}

/* The row of a kind that planning or the inbox would have queued. */
static int
make_row(const struct partner *p, enum outbox_kind kind, const char *detail,
    struct outbox_msg *row)
{
	struct outbox_meeting meeting = { true, { 2026, 6, 18 }, 14, 30,
	    (char *)"Europe/Berlin" };
	const char *attendees[] = { p->owner_email,
	    "maria@riverside.example.com" };
	char *uid, *err = NULL;
	int rc;

	switch (kind) {
	case OUTBOX_REMINDER:
	case OUTBOX_INVITATION:
	case OUTBOX_OVERDUE:
	case OUTBOX_ESCALATION:
		rc = plan_preview_row(fx.book, p, kind, FUZZ_NOW, row, &err);
		free(err);
		return rc;
	default:
		break;
	}
	outbox_msg_init(row, kind, p->id, p->key, p->next_due ? p->next_due :
	    "2026-06-18", p->owner_email, &fx.ids);
	if (kind == OUTBOX_CANCEL || kind == OUTBOX_UPDATE) {
		uid = invite_uid(p->key, meeting.date, fx.ids.domain);
		outbox_msg_set_invite(row, uid, 2, attendees, 2, &meeting);
		free(uid);
	}
	row->detail = xstrdup(detail);
	return 0;
}

/* Whether name is one of names[0..n), any case. */
static bool
among(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Every line of the header block a field or its continuation, with CRLF;
 * the fields touchbase's and the template's, each once. */
static void
check_headers(const struct buf *text, enum outbox_kind kind)
{
	static const char *const ours[] = { "From", "To", "Subject", "Date",
	    "Message-Id", "MIME-Version", "Content-Type", "Auto-Submitted" };
	static const char *const maybe[] = { "Reply-To", "Cc",
	    "Content-Transfer-Encoding" };
	const char *p = buf_str(text), *end = p + text->len, *eol, *colon;
	char **seen = NULL, *name;
	size_t nseen = 0;

	for (;; p = eol + 2) {
		eol = memmem(p, end - p, "\r\n", 2);
		fuzz_assert(eol != NULL, "no end of the header block");
		if (eol == p)
			break;
		fuzz_assert(memchr(p, '\n', eol - p) == NULL && memchr(p, '\r',
		    eol - p) == NULL, "a bare line break in the header block");
		if (*p == ' ' || *p == '\t') {
			fuzz_assert(nseen > 0, "a continuation first");
			continue;
		}
		colon = memchr(p, ':', eol - p);
		fuzz_assert(colon != NULL, "not a header line: %.*s",
		    (int)(eol - p), p);
		name = xstrndup(p, colon - p);
		fuzz_assert(!among(name, (const char *const *)seen, nseen),
		    "header %s twice", name);
		fuzz_assert(among(name, ours, sizeof ours / sizeof ours[0]) ||
		    (among(name, maybe, sizeof maybe / sizeof maybe[0]) &&
		    (strcasecmp(name, "Cc") != 0 ||
		    kind == OUTBOX_ESCALATION)) ||
		    among(name, (const char *const *)fx.headers[kind],
		    fx.nheaders[kind]), "header %s not asked for", name);
		strv_add(&seen, &nseen, name);
	}
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		fuzz_assert(among(ours[i], (const char *const *)seen, nseen),
		    "no %s header", ours[i]);
	for (size_t i = 0; i < fx.nheaders[kind]; i++)
		fuzz_assert(among(fx.headers[kind][i],
		    (const char *const *)seen, nseen), "no %s header",
		    fx.headers[kind][i]);
	strv_free(seen, nseen);
}

/* The decoded text/calendar parts of the message; their number in *n. */
static char *
calendar_part(const struct buf *text, int *n)
{
	GMimeStream *in, *out;
	GMimeParser *parser;
	GMimeMessage *m;
	GMimeObject *body, *part;
	GByteArray *bytes;
	char *ics = NULL;

	*n = 0;
	in = g_mime_stream_mem_new_with_buffer(buf_str(text), text->len);
	parser = g_mime_parser_new_with_stream(in);
	m = g_mime_parser_construct_message(parser, NULL);
	fuzz_assert(m != NULL, "the message does not parse");
	body = g_mime_message_get_mime_part(m);
	for (int i = 0; GMIME_IS_MULTIPART(body) &&
	    i < g_mime_multipart_get_count(GMIME_MULTIPART(body)); i++) {
		part = g_mime_multipart_get_part(GMIME_MULTIPART(body), i);
		if (!GMIME_IS_PART(part) || !g_mime_content_type_is_type(
		    g_mime_object_get_content_type(part), "text", "calendar"))
			continue;
		out = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(
		    GMIME_PART(part)), out);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
		free(ics);
		ics = xstrndup((const char *)bytes->data, bytes->len);
		g_object_unref(out);
		(*n)++;
	}
	g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(in);
	return ics;
}

/* The invite parses with libical: one VEVENT of the row's UID, its
 * organizer and exactly the row's attendees. */
static void
check_invite(const char *ics, const struct outbox_msg *row)
{
	icalcomponent *root, *ev;
	int attendees;

	root = icalparser_parse_string(ics);
	fuzz_assert(root != NULL && icalcomponent_isa(root) ==
	    ICAL_VCALENDAR_COMPONENT, "the invite does not parse:\n%s", ics);
	fuzz_assert(icalcomponent_count_errors(root) == 0,
	    "libical finds errors in the invite:\n%s", ics);
	ev = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	fuzz_assert(ev != NULL && icalcomponent_count_components(root,
	    ICAL_VEVENT_COMPONENT) == 1, "not one VEVENT:\n%s", ics);
	fuzz_assert(strcmp(icalcomponent_get_uid(ev), row->uid) == 0,
	    "UID %s", icalcomponent_get_uid(ev));
	fuzz_assert(icalcomponent_count_properties(ev,
	    ICAL_ORGANIZER_PROPERTY) == 1, "not one ORGANIZER:\n%s", ics);
	attendees = icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY);
	fuzz_assert(attendees == (int)row->nattendees, "%d ATTENDEEs for "
	    "%zu:\n%s", attendees, row->nattendees, ics);
	icalcomponent_free(root);
	icalerror_clear_errno();
}

static void
check_message(const struct composed *out, const struct outbox_msg *row,
    enum outbox_kind kind)
{
	char *ics;
	int ncal;

	check_headers(&out->text, kind);
	ics = calendar_part(&out->text, &ncal);
	fuzz_assert(ncal == (row != NULL && row->uid != NULL ? 1 : 0),
	    "%d calendar parts in a %s", ncal, outbox_kind_name(kind));
	if (ics != NULL)
		check_invite(ics, row);
	free(ics);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum outbox_kind kind;
	struct outbox_msg row;
	struct composed out;
	struct partner p;
	char *f[NFIELDS], *err = NULL;
	int rc;

	if (fx.book == NULL)
		setup();
	fuzz_fields(data, size, f, NFIELDS);
	kind = (unsigned char)f[F_KIND][0] % OUTBOX_NKINDS;
	must(book_begin(fx.book, &err), "begin", err);
	apply_fields(f);
	must(book_partner_get(fx.book, KEY, &p, &err), "partner", err);
	composed_init(&out);
	memset(&row, 0, sizeof row);
	if (kind == OUTBOX_DIGEST) {
		rc = compose_digest(&fx.composer, NULL, p.owner_email,
		    "fuzz@example.org", FUZZ_NOW, &out, &err);
		if (rc == 0)
			check_message(&out, NULL, kind);
	} else if (make_row(&p, kind, f[F_DETAIL], &row) == 0) {
		rc = compose_row(&fx.composer, &row, FUZZ_NOW, &out, &err);
		if (rc == 0)
			check_message(&out, &row, kind);
	} else
		rc = 0;
	fuzz_assert(rc == 0 || err != NULL, "composing failed silently");
	free(err);
	composed_reset(&out);
	outbox_msg_reset(&row);
	partner_reset(&p);
	book_rollback(fx.book);
	fuzz_fields_free(f, NFIELDS);
	fuzz_input_done();
	return 0;
}
