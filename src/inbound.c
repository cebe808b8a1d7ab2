/*
 * inbound.c: inbound mail read with GMime (headers, MIME, transfer
 * encodings, charsets), classified by the tables of inbound_rules.c, its
 * parts handed as clean text to inbound_itip.c (calendars),
 * inbound_dsn.c (bounces), inbound_html.c and inbound_text.c (replies).  GMime is
 * included here only; every string it hands out is copied and cleaned
 * before it leaves.
 */
#include "inbound.h"
#include "inbound_dsn.h"
#include "inbound_html.h"
#include "inbound_itip.h"
#include "inbound_rules.h"
#include "inbound_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "address.h"
#include "text.h"
#include "util.h"

#define WALK_DEPTH	32	/* MIME nesting followed (GMime stops at 1024) */
#define WALK_KEPT	8	/* parts of each sort kept from one walk */

/* The header fields, borrowed from the message. */
struct hdrs {
	struct inbound_header	*v;
	const char		**raw;	/* as written, folded */
	size_t			 n;
};

/* What the MIME tree holds, found in one walk; borrowed from the
 * message.  Attached messages are not walked into: their text and
 * calendars are not this message's. */
struct parts {
	const char	*report_type;	/* of the first multipart/report */
	GMimePart	*plain, *html;	/* the body: first inline of each */
	GMimePart	*status;	/* message/delivery-status */
	GMimeObject	*returned[WALK_KEPT];	/* message/rfc822, headers */
	size_t		 nreturned;
	GMimePart	*cals[WALK_KEPT];	/* text/calendar, .ics */
	size_t		 ncals;
	GMimePart	*texts[WALK_KEPT];	/* every text/plain */
	size_t		 ntexts;
};

static const char *const kind_names[] = {
	[INBOUND_OTHER] = "other", [INBOUND_REPLY] = "reply",
	[INBOUND_COUNTER] = "counter", [INBOUND_BOUNCE] = "bounce",
	[INBOUND_AUTOREPLY] = "autoreply", [INBOUND_TEXT] = "text",
};

const char *
inbound_kind_name(enum inbound_kind kind)
{
	if ((size_t)kind >= sizeof kind_names / sizeof kind_names[0])
		return "?";
	return kind_names[kind];
}

void
inbound_msg_reset(struct inbound_msg *m)
{
	free(m->message_id);
	free(m->from);
	free(m->subject);
	strv_free(m->refs, m->nrefs);
	free(m->to_token);
	free(m->uid);
	free(m->attendee);
	free(m->partstat);
	free(m->comment);
	free(m->proposed_text);
	strv_free(m->bounced_ids, m->nbounced_ids);
	free(m->bounced_rcpt);
	free(m->status);
	free(m->diagnostic);
	free(m->first_line);
	free(m->body_text);
	memset(m, 0, sizeof *m);
}

/*
 * raw with every line ending made LF (GMime reads CR LF and LF, not a
 * lone CR), parsed from start; NULL when GMime makes no message of it.
 * Content-Length is not trusted (GMime's default, made explicit).
 */
static GMimeMessage *
load(const char *raw, size_t len, size_t start)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GByteArray *bytes = g_byte_array_sized_new((guint)(len - start));
	static bool ready;

	if (!ready) {
		g_mime_init();
		ready = true;
	}
	for (size_t i = start, run = start; i <= len; i++) {
		if (i < len && raw[i] != '\r')
			continue;
		g_byte_array_append(bytes, (const guint8 *)raw + run,
		    (guint)(i - run));
		if (i < len && (i + 1 == len || raw[i + 1] != '\n'))
			g_byte_array_append(bytes, (const guint8 *)"\n", 1);
		run = i + 1;	/* of CR LF, the LF starts the next run */
	}
	stream = g_mime_stream_mem_new_with_byte_array(bytes);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_respect_content_length(parser, FALSE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

static void
headers_read(GMimeObject *obj, struct hdrs *h)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int count = list != NULL ? g_mime_header_list_get_count(list) : 0;
	GMimeHeader *hd;
	const char *v;

	h->n = 0;
	h->v = xcalloc(count > 0 ? (size_t)count : 1, sizeof *h->v);
	h->raw = xcalloc(count > 0 ? (size_t)count : 1, sizeof *h->raw);
	for (int i = 0; i < count; i++) {
		hd = g_mime_header_list_get_header_at(list, i);
		if (hd == NULL || g_mime_header_get_name(hd) == NULL)
			continue;
		h->v[h->n].name = g_mime_header_get_name(hd);
		v = g_mime_header_get_value(hd);
		h->v[h->n].value = v != NULL ? v : "";
		v = g_mime_header_get_raw_value(hd);
		h->raw[h->n++] = v != NULL ? v : "";
	}
}

/* The raw value of the index-th field called name, or NULL. */
static const char *
raw_field(const struct hdrs *h, const char *name, size_t index)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0 && index-- == 0)
			return h->raw[i];
	return NULL;
}

/* The addr-specs of the mailboxes in an address field that
 * address_valid() accepts, as written, each passed to fn until it
 * returns true. */
static bool
each_address(const char *raw, bool (*fn)(const char *, void *), void *arg)
{
	InternetAddressList *list = address_literal_open_comment(raw) ? NULL :
	    internet_address_list_parse(NULL, raw);
	InternetAddress *ia;
	const char *a;
	bool done = false;

	for (int i = 0; list != NULL && !done &&
	    i < internet_address_list_length(list); i++) {
		ia = internet_address_list_get_address(list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_idn_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		done = address_valid(a) && fn(a, arg);
	}
	if (list != NULL)
		g_object_unref(list);
	return done;
}

static bool
keep_address(const char *a, void *arg)
{
	*(char **)arg = inbound_text_lower(xstrdup(a));
	return true;
}

/* From's address when there is one From field with one mailbox. */
static char *
from_address(const struct hdrs *h)
{
	const char *raw = raw_field(h, "From", 0);
	InternetAddressList *list;
	char *a = NULL;
	int n;

	if (raw == NULL || raw_field(h, "From", 1) != NULL)
		return NULL;
	list = address_literal_open_comment(raw) ? NULL :
	    internet_address_list_parse(NULL, raw);
	n = list != NULL ? internet_address_list_length(list) : 0;
	if (list != NULL)
		g_object_unref(list);
	if (n == 1)
		each_address(raw, keep_address, &a);
	return a;
}

/* The TOKEN of user+TOKEN@domain, kept in *arg. */
static bool
keep_token(const char *a, void *arg)
{
	const char *plus = strchr(a, '+'), *at = strrchr(a, '@');

	if (plus == NULL || plus + 1 >= at)
		return false;
	*(char **)arg = xstrndup(plus + 1, (size_t)(at - plus - 1));
	return true;
}

/* The token of the first subaddressed recipient, looked for first where
 * the MTA wrote the address it delivered to. */
static char *
to_token(const struct hdrs *h)
{
	static const char *const fields[] = {
		"Delivered-To", "X-Original-To", "To",
	};
	const char *raw;
	char *token = NULL;

	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
		for (size_t i = 0; (raw = raw_field(h, fields[f], i)); i++)
			if (each_address(raw, keep_token, &token))
				return token;
	return NULL;
}

static void
read_common(struct inbound_msg *m, GMimeMessage *msg, const struct hdrs *h)
{
	const char *raw;
	char **ids = NULL;
	size_t nids = 0;

	if ((raw = raw_field(h, "Message-ID", 0)) != NULL) {
		inbound_text_msgids(raw, false, &ids, &nids, 1);
		if (nids == 1)
			m->message_id = ids[0];
		free(ids);
	}
	m->from = from_address(h);
	m->subject = inbound_text_line(g_mime_message_get_subject(msg));
	for (size_t i = 0; (raw = raw_field(h, "In-Reply-To", i)); i++)
		inbound_text_msgids(raw, false, &m->refs, &m->nrefs,
		    INBOUND_REFS_MAX);
	for (size_t i = h->n; i > 0; i--)
		if (strcasecmp(h->v[i - 1].name, "References") == 0)
			inbound_text_msgids(h->raw[i - 1], true, &m->refs,
			    &m->nrefs, INBOUND_REFS_MAX);
	m->to_token = to_token(h);
}

static bool
is_type(GMimeObject *o, const char *type, const char *subtype)
{
	return g_mime_content_type_is_type(g_mime_object_get_content_type(o),
	    type, subtype);
}

/* Is part a calendar: text/calendar, application/ics or a .ics file? */
static bool
is_calendar(GMimePart *part)
{
	GMimeObject *o = GMIME_OBJECT(part);
	const char *name = g_mime_part_get_filename(part);
	size_t n = name != NULL ? strlen(name) : 0;

	return is_type(o, "text", "calendar") ||
	    is_type(o, "application", "ics") ||
	    (n > 4 && strcasecmp(name + n - 4, ".ics") == 0);
}

static void
keep(void **v, size_t *n, void *part)
{
	if (*n < WALK_KEPT)
		v[(*n)++] = part;
}

static void
walk_leaf(GMimePart *part, struct parts *ps)
{
	GMimeObject *o = GMIME_OBJECT(part);
	bool inline_ = !g_mime_part_is_attachment(part);

	if (is_type(o, "message", "delivery-status") ||
	    is_type(o, "message", "global-delivery-status")) {
		if (ps->status == NULL)
			ps->status = part;
	} else if (is_type(o, "text", "rfc822-headers") ||
	    is_type(o, "message", "global-headers"))
		keep((void **)ps->returned, &ps->nreturned, o);
	else if (is_calendar(part))
		keep((void **)ps->cals, &ps->ncals, part);
	else if (is_type(o, "text", "plain")) {
		keep((void **)ps->texts, &ps->ntexts, part);
		if (ps->plain == NULL && inline_)
			ps->plain = part;
	} else if (is_type(o, "text", "html") && ps->html == NULL && inline_)
		ps->html = part;
}

static void
walk(GMimeObject *o, int depth, struct parts *ps)
{
	GMimeMultipart *mp;

	if (o == NULL || depth > WALK_DEPTH)
		return;
	if (GMIME_IS_MESSAGE_PART(o))
		keep((void **)ps->returned, &ps->nreturned, o);
	else if (GMIME_IS_PART(o))
		walk_leaf(GMIME_PART(o), ps);
	if (!GMIME_IS_MULTIPART(o))
		return;
	mp = GMIME_MULTIPART(o);
	if (is_type(o, "multipart", "report") && ps->report_type == NULL) {
		ps->report_type = g_mime_object_get_content_type_parameter(o,
		    "report-type");
		if (ps->report_type == NULL)
			ps->report_type = "";
	}
	for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
		walk(g_mime_multipart_get_part(mp, i), depth + 1, ps);
}

/* n bytes of text in charset as UTF-8 (g_free it), or NULL to take them
 * as they are.  An unknown charset, or text that does not convert, is
 * guessed by GMime as it does 8-bit headers. */
static char *
to_utf8(const char *text, size_t n, const char *charset)
{
	iconv_t cd;
	char *utf8 = NULL;

	if (n == 0)
		return NULL;
	if (charset == NULL || strcasecmp(charset, "us-ascii") == 0)
		return text_utf8_valid(text, n) ? NULL :
		    g_mime_utils_decode_8bit(NULL, text, n);
	if (strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0)
		return NULL;
	if ((cd = g_mime_iconv_open("UTF-8", charset)) != (iconv_t)-1) {
		utf8 = g_mime_iconv_strndup(cd, text, n);
		g_mime_iconv_close(cd);
	}
	return utf8 != NULL ? utf8 : g_mime_utils_decode_8bit(NULL, text, n);
}

/* The decoded content of part as clean LF text of at most cap bytes
 * (cap being the message's size, no part can claim more), or NULL when
 * it has none. */
static char *
part_text(GMimePart *part, size_t cap)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *bytes;
	const char *data;
	char *utf8, *text;
	size_t n;

	if (content == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	n = bytes->len < cap ? bytes->len : cap;
	data = (const char *)bytes->data;
	utf8 = to_utf8(data, n, g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "charset"));
	text = inbound_text_clean(utf8 != NULL ? utf8 : data,
	    utf8 != NULL ? strlen(utf8) : n, true, cap);
	g_free(utf8);
	g_object_unref(mem);
	return text;
}

/* The readable text of a body part: format=flowed unwrapped, HTML
 * converted.  NULL when part is NULL or empty. */
static char *
body_text(GMimePart *part, size_t cap)
{
	GMimeObject *o = GMIME_OBJECT(part);
	const char *format, *delsp;
	char *text, *t;

	if (part == NULL || (text = part_text(part, cap)) == NULL)
		return NULL;
	format = g_mime_object_get_content_type_parameter(o, "format");
	delsp = g_mime_object_get_content_type_parameter(o, "delsp");
	if (is_type(o, "text", "html"))
		t = inbound_html_text(text);
	else if (format != NULL && strcasecmp(format, "flowed") == 0)
		t = inbound_text_unflow(text, delsp != NULL &&
		    strcasecmp(delsp, "yes") == 0);
	else
		return text;
	free(text);
	return t;
}

/* The first REPLY or COUNTER among the calendar parts, into m. */
static bool
read_calendar(struct inbound_msg *m, const struct parts *ps, size_t cap)
{
	struct inbound_itip it;
	char *text;
	bool found = false;

	for (size_t i = 0; i < ps->ncals && !found; i++) {
		if ((text = part_text(ps->cals[i], cap)) == NULL)
			continue;
		found = inbound_itip_read(text,
		    g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(ps->cals[i]), "method"), m->from, &it);
		free(text);
	}
	if (!found)
		return false;
	m->kind = it.method == ITIP_COUNTER ? INBOUND_COUNTER : INBOUND_REPLY;
	m->uid = it.uid;
	m->sequence = it.sequence;
	m->dtstamp = it.dtstamp;
	m->attendee = it.attendee;
	m->partstat = it.partstat;
	m->comment = it.comment;
	m->proposed_start = it.proposed_start;
	m->proposed_text = it.proposed_text;
	return true;
}

/* The Message-IDs of the returned messages: message/rfc822 parts' own,
 * text/rfc822-headers' Message-ID field. */
static void
returned_ids(struct inbound_msg *m, const struct parts *ps, size_t cap)
{
	GMimeMessage *orig;
	const char *raw;
	char *text, *id;

	for (size_t i = 0; i < ps->nreturned; i++) {
		if (GMIME_IS_MESSAGE_PART(ps->returned[i])) {
			orig = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(ps->returned[i]));
			raw = orig != NULL ? g_mime_object_get_header(
			    GMIME_OBJECT(orig), "Message-ID") : NULL;
			if (raw != NULL)
				inbound_text_msgids(raw, false, &m->bounced_ids,
				    &m->nbounced_ids, INBOUND_REFS_MAX);
			continue;
		}
		if ((text = part_text(GMIME_PART(ps->returned[i]), cap)) ==
		    NULL)
			continue;
		if ((id = inbound_dsn_field(text, "Message-ID")) != NULL)
			inbound_text_msgids(id, false, &m->bounced_ids,
			    &m->nbounced_ids, INBOUND_REFS_MAX);
		free(id);
		free(text);
	}
}

/* What the words of a bounce say: its text parts, or its HTML when it
 * has none (Exchange); and the copy of the message they may hold. */
static void
read_bounce_words(struct inbound_msg *m, const struct parts *ps,
    struct inbound_dsn *d, size_t cap)
{
	char *text;

	for (size_t i = 0; i <= ps->ntexts; i++) {
		if (i == ps->ntexts && (i > 0 || ps->html == NULL))
			break;
		text = body_text(i < ps->ntexts ? ps->texts[i] : ps->html, cap);
		if (text == NULL)
			continue;
		inbound_dsn_text(text, d);
		if (m->nbounced_ids == 0)
			inbound_dsn_text_ids(text, &m->bounced_ids,
			    &m->nbounced_ids, INBOUND_REFS_MAX);
		free(text);
	}
}

static void
read_bounce(struct inbound_msg *m, const struct parts *ps, size_t cap)
{
	struct inbound_dsn d = { 0 };
	char *text;

	m->kind = INBOUND_BOUNCE;
	if (ps->status != NULL && (text = part_text(ps->status, cap))) {
		inbound_dsn_report(text, &d);
		free(text);
	}
	returned_ids(m, ps, cap);
	read_bounce_words(m, ps, &d, cap);
	/* Gmail and others name the original in References too. */
	if (m->nbounced_ids == 0) {
		m->bounced_ids = strv_copy((const char *const *)m->refs,
		    m->nrefs);
		m->nbounced_ids = m->nrefs;
	}
	m->bounced_rcpt = d.rcpt;
	m->status = d.status;
	m->diagnostic = d.diagnostic;
	m->permanent = inbound_dsn_permanent(&d, m->subject);
}

static void
read_text(struct inbound_msg *m, const struct parts *ps, size_t cap)
{
	char *text = body_text(ps->plain != NULL ? ps->plain : ps->html, cap);

	if (text == NULL)
		return;
	inbound_text_reply(text, INBOUND_BODY_MAX, &m->first_line,
	    &m->body_text);
	free(text);
	if (m->first_line != NULL)
		m->kind = INBOUND_TEXT;
}

static bool
is_dsn_report(const char *report_type)
{
	return report_type != NULL &&
	    (strcasecmp(report_type, "delivery-status") == 0 ||
	    strcasecmp(report_type, "global-delivery-status") == 0);
}

int
inbound_parse(const char *raw, size_t len, struct inbound_msg *out,
    char **err)
{
	struct parts ps = { 0 };
	struct hdrs h;
	GMimeMessage *msg;
	size_t start;

	memset(out, 0, sizeof *out);
	if (raw == NULL || len == 0)
		return set_err(err, "not a mail message: it is empty");
	if (!inbound_rules_is_mail(raw, len, &start))
		return set_err(err, "not a mail message: it does not start "
		    "with header fields");
	if ((msg = load(raw, len, start)) == NULL)
		return set_err(err, "not a mail message: it has no header");
	headers_read(GMIME_OBJECT(msg), &h);
	read_common(out, msg, &h);
	walk(g_mime_message_get_mime_part(msg), 0, &ps);
	out->kind = INBOUND_OTHER;
	if (is_dsn_report(ps.report_type) || ps.status != NULL ||
	    inbound_rules_bounce(h.v, h.n, out->subject, out->from))
		read_bounce(out, &ps, len);
	else if (ps.report_type != NULL)
		out->kind = INBOUND_AUTOREPLY;		/* a read receipt */
	/* A calendar answer counts even from a service that accepts on its
	 * own and says so (Auto-Submitted): it is stored, never answered. */
	else if (!read_calendar(out, &ps, len)) {
		if (inbound_rules_autoreply(h.v, h.n, out->subject, out->from))
			out->kind = INBOUND_AUTOREPLY;
		else
			read_text(out, &ps, len);
	}
	free(h.v);
	free(h.raw);
	g_object_unref(msg);
	return 0;
}
