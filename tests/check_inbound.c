/*
 * check_inbound.c: inbound mail parsed into facts.  Every sample in
 * tests/data/inbound/ gives the kind and fields its README promises;
 * the edge cases are messages written here; and every sample, cut short
 * and with bits flipped, still parses to clean text or is refused.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "date.h"
#include "inbound.h"
#include "text.h"
#include "util.h"

#define OUR_ID	"0123456789abcdef0123456789abcdef@childrens.example.org"
#define OLD_ID	"fedcba9876543210fedcba9876543210@childrens.example.org"
#define UID	"touchbase-riverside-20260205@childrens.example.org"
#define MARIA	"maria@riverside.example.com"
#define DANA	"dana@childrens.example.org"
#define DAEMON	"mailer-daemon@mail.childrens.example.org"
#define TOKEN	"a1b2c3d4e5f6a7b8"
#define SUBJECT	"Check-in due: Riverside Pediatric Clinic"

static const char *
srcdir(void)
{
	const char *s = getenv("srcdir");

	return str_empty(s) ? "." : s;
}

/* The bytes of tests/data/inbound/NAME.  Caller frees with buf_reset. */
static void
load_sample(const char *name, struct buf *b)
{
	char *path = xasprintf("%s/tests/data/inbound/%s", srcdir(), name);
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	buf_init(b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	free(path);
}

static void
check_id(const char *what, const char *id)
{
	ck_assert_msg(id != NULL && *id != '\0', "%s: empty", what);
	ck_assert_msg(strpbrk(id, "<> ") == NULL, "%s: \"%s\"", what, id);
	ck_assert_msg(text_check(what, id, TEXT_LINE, NULL) == 0, "%s", what);
}

static void
check_address(const char *what, const char *a)
{
	if (a == NULL)
		return;
	ck_assert_msg(address_valid(a), "%s: \"%s\" is no address", what, a);
	for (const char *c = a; *c != '\0'; c++)
		ck_assert_msg(*c < 'A' || *c > 'Z', "%s: \"%s\" not lower-cased",
		    what, a);
}

/* What inbound.h promises of every message: clean text everywhere. */
static void
check_clean(const struct inbound_msg *m)
{
	const char *lines[] = {
		m->subject, m->to_token, m->uid, m->partstat, m->comment,
		m->proposed_text, m->status, m->diagnostic, m->first_line,
	};
	char *err = NULL;

	ck_assert_int_le(m->kind, INBOUND_TEXT);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		ck_assert_msg(text_check("field", lines[i], TEXT_LINE, &err) ==
		    0, "field %zu: %s", i, err);
		ck_assert_msg(lines[i] == NULL || *lines[i] != '\0',
		    "field %zu is empty, not NULL", i);
	}
	ck_assert_msg(text_check("body", m->body_text, TEXT_MULTILINE, &err) ==
	    0, "%s", err);
	ck_assert(m->body_text == NULL || strchr(m->body_text, '\r') == NULL);
	ck_assert(m->body_text == NULL ||
	    strlen(m->body_text) <= INBOUND_BODY_MAX);
	if (m->message_id != NULL)
		check_id("message_id", m->message_id);
	check_address("from", m->from);
	check_address("attendee", m->attendee);
	check_address("bounced_rcpt", m->bounced_rcpt);
	ck_assert_uint_le(m->nrefs, INBOUND_REFS_MAX);
	ck_assert_uint_le(m->nbounced_ids, INBOUND_REFS_MAX);
	ck_assert((m->nrefs == 0) == (m->refs == NULL));
	for (size_t i = 0; i < m->nrefs; i++) {
		check_id("ref", m->refs[i]);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(m->refs[i], m->refs[j]);
	}
	for (size_t i = 0; i < m->nbounced_ids; i++)
		check_id("bounced id", m->bounced_ids[i]);
	free(err);
}

static void
parse_ok(const char *raw, size_t len, struct inbound_msg *m)
{
	char *err = NULL;

	ck_assert_msg(inbound_parse(raw, len, m, &err) == 0, "%s", err);
	check_clean(m);
}

static void
parse_str(const char *raw, struct inbound_msg *m)
{
	parse_ok(raw, strlen(raw), m);
}

#define DONE_LINE "Done yesterday Great call with Maria, they want to " \
	"expand the referral program."
#define DONE_GMAIL .kind = INBOUND_TEXT,				\
	.message_id = "CAJ7d3mXownerDoneReply0123456789abcdefQ@"	\
	    "mail.gmail.com",						\
	.from = DANA, .subject = "Re: " SUBJECT,			\
	.refs = { OUR_ID, OLD_ID }, .to_token = TOKEN,			\
	.first_line = DONE_LINE, .body_text = DONE_LINE

/* What each sample must give; unnamed fields must be empty. */
static const struct sample {
	const char		*file;
	enum inbound_kind	 kind;
	const char		*message_id, *from, *subject;
	const char		*refs[3];
	const char		*to_token;
	const char		*uid;
	int			 sequence;
	const char		*dtstamp;	/* YYYY-MM-DDTHH:MM:SSZ */
	const char		*attendee, *partstat, *comment;
	const char		*proposed_start, *proposed_text;
	const char		*bounced_id, *bounced_rcpt, *status;
	const char		*diagnostic;
	bool			 permanent;
	const char		*first_line, *body_text;
} samples[] = {
	{ .file = "reply-rfc5546.eml", .kind = INBOUND_REPLY,
	  .message_id = "20260203171244.reply-rfc5546@riverside.example.com",
	  .from = MARIA,
	  .subject = "Accepted: Check-in: Riverside Pediatric Clinic",
	  .refs = { OUR_ID }, .uid = UID, .dtstamp = "2026-02-03T17:12:44Z",
	  .attendee = MARIA, .partstat = "ACCEPTED" },
	{ .file = "reply-gmail.eml", .kind = INBOUND_REPLY,
	  .message_id = "calendar-9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b@"
	      "google.com",
	  .from = MARIA,
	  .subject = "Accepted: Check-in: Riverside Pediatric Clinic @ Thu "
	      "Feb 5, 2026 10am - 10:30am (PST) "
	      "(partnerships@childrens.example.org)",
	  .uid = UID, .dtstamp = "2026-02-03T17:15:30Z", .attendee = MARIA,
	  .partstat = "ACCEPTED" },
	{ .file = "reply-outlook.eml", .kind = INBOUND_REPLY,
	  .message_id = "BY5PR11MB40180F1E2D3C4B5A69788796A5B4C3D2E1F0A@"
	      "BY5PR11MB4018.namprd11.prod.outlook.com",
	  .from = MARIA,
	  .subject = "Accepted: Check-in: Riverside Pediatric Clinic",
	  .refs = { OUR_ID }, .uid = UID, .dtstamp = "2026-02-03T17:20:11Z",
	  .attendee = MARIA, .partstat = "ACCEPTED" },
	{ .file = "reply-apple.eml", .kind = INBOUND_REPLY,
	  .message_id = "6E1B2C3D-4F5A-4B6C-8D7E-9F0A1B2C3D4E@"
	      "riverside.example.com",
	  .from = MARIA,
	  .subject = "Invitation: Check-in: Riverside Pediatric Clinic @ "
	      "Thu, 5 Feb 2026 10:00 AM - 10:30 AM (PST) (declined)",
	  .uid = UID, .sequence = 1, .dtstamp = "2026-02-03T17:31:02Z",
	  .attendee = MARIA, .partstat = "DECLINED" },
	{ .file = "reply-thunderbird.eml", .kind = INBOUND_REPLY,
	  .message_id = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b@"
	      "riverside.example.com",
	  .from = MARIA,
	  .subject = "Tentatively accepted: Check-in: Riverside Pediatric "
	      "Clinic",
	  .uid = UID, .sequence = 2, .dtstamp = "2026-02-03T17:40:12Z",
	  .attendee = MARIA, .partstat = "TENTATIVE",
	  .comment = "I may be a few minutes late; Thursday clinic often runs "
	      "over." },
	{ .file = "counter-outlook.eml", .kind = INBOUND_COUNTER,
	  .message_id = "BY5PR11MB4018A1B2C3D4E5F60718293A4B5C6D7E8F90@"
	      "BY5PR11MB4018.namprd11.prod.outlook.com",
	  .from = MARIA,
	  .subject = "New Time Proposed: Check-in: Riverside Pediatric Clinic",
	  .refs = { OUR_ID }, .uid = UID, .dtstamp = "2026-02-03T18:02:33Z",
	  .attendee = MARIA, .partstat = "TENTATIVE",
	  .proposed_start = "2026-02-10T20:00:00Z",
	  .proposed_text = "2026-02-10 14:00 Central Standard Time" },
	{ .file = "counter-rfc5546.eml", .kind = INBOUND_COUNTER,
	  .message_id = "20260203180000.counter-rfc5546@riverside.example.com",
	  .from = MARIA,
	  .subject = "Counter proposal: Check-in: Riverside Pediatric Clinic",
	  .refs = { OUR_ID }, .uid = UID, .dtstamp = "2026-02-03T18:00:00Z",
	  .attendee = MARIA, .partstat = "TENTATIVE",
	  .comment = "Could we meet Tuesday afternoon instead?",
	  .proposed_start = "2026-02-10T20:00:00Z",
	  .proposed_text = "2026-02-10 14:00 America/Chicago" },
	{ .file = "dsn-postfix.eml", .kind = INBOUND_BOUNCE,
	  .message_id = "20260202160007.5A6B7C8D9E@mail.childrens.example.org",
	  .from = DAEMON, .subject = "Undelivered Mail Returned to Sender",
	  .bounced_id = OUR_ID, .bounced_rcpt = MARIA, .status = "5.1.1",
	  .diagnostic = "550 5.1.1 <maria@riverside.example.com>: Recipient "
	      "address rejected: User unknown in virtual mailbox table",
	  .permanent = true },
	{ .file = "dsn-postfix-delayed.eml", .kind = INBOUND_BOUNCE,
	  .message_id = "20260202200011.7E8F9A0B1C@mail.childrens.example.org",
	  .from = DAEMON, .subject = "Delayed Mail (still being retried)",
	  .bounced_id = OUR_ID, .bounced_rcpt = MARIA, .status = "4.4.1",
	  .diagnostic = "connect to mx.riverside.example.com[192.0.2.25]:25: "
	      "Connection timed out" },
	{ .file = "dsn-postfix-noreport.eml", .kind = INBOUND_BOUNCE,
	  .message_id = "20260202160008.3C4D5E6F7A@mail.childrens.example.org",
	  .from = DAEMON, .subject = "Undelivered Mail Returned to Sender",
	  .bounced_id = OUR_ID, .bounced_rcpt = MARIA, .status = "5.1.1",
	  .diagnostic = "host mx.riverside.example.com[192.0.2.25] said: 550 "
	      "5.1.1 <maria@riverside.example.com>: Recipient address "
	      "rejected: User unknown in virtual mailbox table (in reply to "
	      "RCPT TO command)",
	  .permanent = true },
	{ .file = "dsn-qmail.eml", .kind = INBOUND_BOUNCE,
	  .from = "mailer-daemon@mail.riverside-relay.example.net",
	  .subject = "failure notice", .bounced_id = OUR_ID,
	  .bounced_rcpt = MARIA, .status = "5.1.1",
	  .diagnostic = "192.0.2.25 does not like recipient. Remote host said: "
	      "550 5.1.1 <maria@riverside.example.com>... User unknown Giving "
	      "up on 192.0.2.25.",
	  .permanent = true },
	{ .file = "dsn-gmail.eml", .kind = INBOUND_BOUNCE,
	  .message_id = "65c0f1e9.050a0220.1a2b3.c4d5.GMR@mx.google.com",
	  .from = "mailer-daemon@googlemail.com",
	  .subject = "Delivery Status Notification (Failure)",
	  .refs = { OUR_ID }, .bounced_id = OUR_ID, .bounced_rcpt = MARIA,
	  .status = "5.1.1",
	  .diagnostic = "550-5.1.1 The email account that you tried to reach "
	      "does not exist. Please try double-checking the recipient's "
	      "email address for typos or unnecessary spaces.",
	  .permanent = true },
	{ .file = "ndr-exchange.eml", .kind = INBOUND_BOUNCE,
	  .message_id = "2f5a1c3e-7b9d-4e60-8a1f-0c2d3e4f5a6b@"
	      "BN8PR11MB3665.namprd11.prod.outlook.com",
	  .from = "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@"
	      "riverside.example.com",
	  .subject = "Undeliverable: " SUBJECT, .refs = { OUR_ID },
	  .bounced_id = OUR_ID, .bounced_rcpt = MARIA, .status = "5.1.10",
	  .diagnostic = "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient "
	      "maria@riverside.example.com not found by SMTP address lookup",
	  .permanent = true },
	{ .file = "autoreply-outlook.eml", .kind = INBOUND_AUTOREPLY,
	  .message_id = "BY5PR11MB4018FEDCBA98765432100123456789ABCDEF@"
	      "BY5PR11MB4018.namprd11.prod.outlook.com",
	  .from = MARIA, .subject = "Automatic reply: " SUBJECT,
	  .refs = { OUR_ID } },
	{ .file = "autoreply-subject-only.eml", .kind = INBOUND_AUTOREPLY,
	  .message_id = "D3A1B2C4E5F6A7B8C9D0E1F2A3B4C5D6@"
	      "mail.riverside.example.com",
	  .from = MARIA, .subject = "Abwesenheitsnotiz: " SUBJECT },
	{ .file = "owner-done-gmail.eml", DONE_GMAIL },
	/* A replay reads as the message replayed: same Message-ID. */
	{ .file = "owner-done-replayed.eml", DONE_GMAIL },
	{ .file = "owner-snooze-outlook.eml", .kind = INBOUND_TEXT,
	  .message_id = "SA1PR11MB8912D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F@"
	      "SA1PR11MB8912.namprd11.prod.outlook.com",
	  .from = DANA, .subject = "RE: " SUBJECT, .refs = { OUR_ID },
	  .to_token = TOKEN, .first_line = "Snooze 2 weeks",
	  .body_text = "Snooze 2 weeks\n\nDana" },
	{ .file = "owner-note-html.eml", .kind = INBOUND_TEXT,
	  .message_id = "PH0PR11MB5642E1F2A3B4C5D6E7F8091A2B3C4D5E6F70@"
	      "PH0PR11MB5642.namprd11.prod.outlook.com",
	  .from = DANA, .subject = "Re: " SUBJECT, .refs = { OUR_ID },
	  .to_token = TOKEN,
	  .first_line = "note They are hiring a new director for the clinic; "
	      "María says interviews start in March.",
	  .body_text = "note They are hiring a new director for the clinic; "
	      "María says interviews start in March." },
	{ .file = "owner-met-thunderbird.eml", .kind = INBOUND_TEXT,
	  .message_id = "8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a@"
	      "childrens.example.org",
	  .from = DANA, .subject = "Re: " SUBJECT, .refs = { OUR_ID },
	  .to_token = TOKEN,
	  .first_line = "met 2026-02-02 quarterly review with Maria and the new "
	      "clinic director, budget approved for the spring referral pilot",
	  .body_text = "met 2026-02-02 quarterly review with Maria and the new "
	      "clinic director, budget approved for the spring referral "
	      "pilot" },
	{ .file = "owner-done-forged.eml", .kind = INBOUND_TEXT,
	  .message_id = "forged.20260204021107.1@mailer.attacker.example",
	  .from = DANA, .subject = "Re: " SUBJECT, .first_line = "done",
	  .body_text = "done" },
};

static time_t
timestamp(const char *s)
{
	time_t t = 0;

	if (s != NULL)
		ck_assert_int_eq(date_timestamp_parse(s, &t), 0);
	return t;
}

START_TEST(test_sample)
{
	const struct sample *x = &samples[_i];
	struct inbound_msg m;
	struct buf raw;
	size_t nrefs = 0;

	load_sample(x->file, &raw);
	parse_ok(raw.data, raw.len, &m);
	ck_assert_msg(m.kind == x->kind, "%s: %s, not %s", x->file,
	    inbound_kind_name(m.kind), inbound_kind_name(x->kind));
	ck_assert_pstr_eq(m.message_id, x->message_id);
	ck_assert_pstr_eq(m.from, x->from);
	ck_assert_pstr_eq(m.subject, x->subject);
	while (nrefs < 3 && x->refs[nrefs] != NULL)
		nrefs++;
	ck_assert_uint_eq(m.nrefs, nrefs);
	for (size_t i = 0; i < nrefs; i++)
		ck_assert_str_eq(m.refs[i], x->refs[i]);
	ck_assert_pstr_eq(m.to_token, x->to_token);
	ck_assert_pstr_eq(m.uid, x->uid);
	ck_assert_int_eq(m.sequence, x->sequence);
	ck_assert_int_eq(m.dtstamp, timestamp(x->dtstamp));
	ck_assert_pstr_eq(m.attendee, x->attendee);
	ck_assert_pstr_eq(m.partstat, x->partstat);
	ck_assert_pstr_eq(m.comment, x->comment);
	ck_assert_int_eq(m.proposed_start, timestamp(x->proposed_start));
	ck_assert_pstr_eq(m.proposed_text, x->proposed_text);
	ck_assert_uint_eq(m.nbounced_ids, x->bounced_id != NULL);
	if (x->bounced_id != NULL)
		ck_assert_str_eq(m.bounced_ids[0], x->bounced_id);
	ck_assert_pstr_eq(m.bounced_rcpt, x->bounced_rcpt);
	ck_assert_pstr_eq(m.status, x->status);
	ck_assert_pstr_eq(m.diagnostic, x->diagnostic);
	ck_assert_int_eq(m.permanent, x->permanent);
	ck_assert_pstr_eq(m.first_line, x->first_line);
	ck_assert_pstr_eq(m.body_text, x->body_text);
	inbound_msg_reset(&m);
	buf_reset(&raw);
}
END_TEST


/* A person's message: HEAD (fields, each ending in \n) then BODY. */
static char *
message(const char *head, const char *body)
{
	return xasprintf("From: Dana Lee <" DANA ">\n"
	    "To: partnerships@childrens.example.org\n"
	    "Message-ID: <edge@childrens.example.org>\n%s\n%s", head, body);
}

static const struct {
	const char	*field;		/* the From field(s) */
	const char	*from;		/* what from must be */
} froms[] = {
	{ "From: dana@childrens.example.org\n", DANA },
	{ "From: =?UTF-8?Q?Dana_L=C3=A9e?= <Dana@Childrens.Example.ORG>\n",
	  DANA },
	{ "From: \"Lee, Dana\" <dana@childrens.example.org> (owner)\n", DANA },
	{ "From: dana@childrens.example.org, maria@riverside.example.com\n",
	  NULL },
	{ "From: dana@childrens.example.org\nFrom: maria@riverside.example.com"
	  "\n", NULL },
	{ "From: owners: dana@childrens.example.org;\n", NULL },
	{ "From: dana\n", NULL },
	{ "From: \"dana lee\"@childrens.example.org\n", NULL },
	{ "From: <>\n", NULL },
	{ "From:\n", NULL },
	{ "Sender: dana@childrens.example.org\n", NULL },
};

START_TEST(test_from)
{
	char *raw = xasprintf("%sSubject: Re: x\n\ndone\n", froms[_i].field);
	struct inbound_msg m;

	parse_str(raw, &m);
	ck_assert_pstr_eq(m.from, froms[_i].from);
	ck_assert_int_eq(m.kind, INBOUND_TEXT);
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_folded_encoded)
{
	struct inbound_msg m;

	parse_str("From: Dana <dana@childrens.example.org>\r\n"
	    "Subject: =?ISO-8859-1?Q?R=E9union?= de\r\n"
	    " =?UTF-8?B?cGFydGVuYWlyZXMg4pyT?=\r\n"
	    "Message-ID:\r\n <folded.id@childrens.example.org>\r\n"
	    "In-Reply-To: <a@x.example>\r\n"
	    "References: <c@x.example>\r\n\t<b@x.example> <a@x.example>\r\n"
	    "\t<b@x.example>\r\n"
	    "\r\n"
	    "done\r\n", &m);
	ck_assert_str_eq(m.subject, "Réunion de partenaires ✓");
	ck_assert_str_eq(m.message_id, "folded.id@childrens.example.org");
	ck_assert_uint_eq(m.nrefs, 3);
	ck_assert_str_eq(m.refs[0], "a@x.example");
	ck_assert_str_eq(m.refs[1], "b@x.example");
	ck_assert_str_eq(m.refs[2], "c@x.example");
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_8bit_headers)
{
	struct inbound_msg m;

	/* Raw Latin-1, bytes that are nothing, an escape and a bell. */
	parse_str("From: D\xe9na \xff\xfe <dana@childrens.example.org>\n"
	    "Subject: Caf\xe9 \xff\xfe\x1b[2J ok\a\n"
	    "Message-ID: <\xff@x.example>\n"
	    "\n"
	    "done\n", &m);
	ck_assert_str_eq(m.from, DANA);
	ck_assert_ptr_nonnull(strstr(m.subject, "Caf"));
	ck_assert_ptr_nonnull(strstr(m.subject, "[2J ok"));
	ck_assert_ptr_null(strchr(m.subject, '\x1b'));
	inbound_msg_reset(&m);
	parse_str("From: dana@childrens.example.org\n"
	    "Subject: tab\there\n\ndone\n", &m);
	ck_assert_str_eq(m.subject, "tab here");
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_message_ids)
{
	struct inbound_msg m;
	char *raw;

	parse_str("From: dana@childrens.example.org\n"
	    "Message-ID: bare.id@x.example\n"
	    "In-Reply-To: Your message of Tuesday <a@x.example>\n"
	    "References: <a@x.example> <> <with space@x.example> <b@x.example\n"
	    "\n"
	    "done\n", &m);
	ck_assert_str_eq(m.message_id, "bare.id@x.example");
	ck_assert_uint_eq(m.nrefs, 2);
	ck_assert_str_eq(m.refs[0], "a@x.example");
	ck_assert_str_eq(m.refs[1], "withspace@x.example");
	inbound_msg_reset(&m);
	raw = message("Subject: x\nReferences: not an id\n", "done\n");
	parse_str(raw, &m);
	ck_assert_uint_eq(m.nrefs, 0);
	ck_assert_ptr_null(m.refs);
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_to_token)
{
	struct inbound_msg m;

	parse_str("Delivered-To: partnerships+Delivered1@childrens.example.org\n"
	    "From: dana@childrens.example.org\n"
	    "To: Partnerships <partnerships+ToTok@childrens.example.org>\n"
	    "\ndone\n", &m);
	ck_assert_str_eq(m.to_token, "Delivered1");
	inbound_msg_reset(&m);
	parse_str("From: dana@childrens.example.org\n"
	    "To: maria@riverside.example.com, Partnerships\n"
	    " <partnerships+ToTok@childrens.example.org>\n"
	    "\ndone\n", &m);
	ck_assert_str_eq(m.to_token, "ToTok");
	inbound_msg_reset(&m);
	parse_str("From: dana@childrens.example.org\n"
	    "To: partnerships+@childrens.example.org, undisclosed:;\n"
	    "Cc: partnerships+cc@childrens.example.org\n"
	    "\ndone\n", &m);
	ck_assert_ptr_null(m.to_token);
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_nested_multiparts)
{
	struct inbound_msg m;
	struct buf deep;

	parse_str("From: dana@childrens.example.org\n"
	    "Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\nContent-Type: multipart/related; boundary=r\n\n"
	    "--r\nContent-Type: multipart/alternative; boundary=a\n\n"
	    "--a\nContent-Type: text/html\n\n<p>not this</p>\n"
	    "--a\nContent-Type: text/plain; charset=utf-8\n\ndone today\n"
	    "--a--\n--r\nContent-Type: image/png\n\nxx\n--r--\n"
	    "--m\nContent-Type: text/plain\nContent-Disposition: attachment;"
	    " filename=notes.txt\n\nnot this either\n--m--\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_TEXT);
	ck_assert_str_eq(m.first_line, "done today");
	inbound_msg_reset(&m);

	/* Deeper than any client nests: not walked, not a crash. */
	buf_init(&deep);
	buf_adds(&deep, "From: dana@childrens.example.org\n");
	for (int i = 0; i < 2000; i++)
		buf_printf(&deep, "Content-Type: multipart/mixed; boundary=b%d"
		    "\n\n--b%d\n", i, i);
	buf_adds(&deep, "Content-Type: text/plain\n\ndone\n");
	parse_ok(deep.data, deep.len, &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
	buf_reset(&deep);
}
END_TEST

START_TEST(test_attached_message)
{
	struct inbound_msg m;

	/* A forwarded message's text is not the sender's reply. */
	parse_str("From: dana@childrens.example.org\n"
	    "Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\nContent-Type: message/rfc822\n\n"
	    "From: x@y.example\nSubject: inner\n\ndone\n"
	    "--m--\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	ck_assert_ptr_null(m.first_line);
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_body_encodings)
{
	struct inbound_msg m;
	struct buf b;
	char *raw;

	raw = message("Content-Type: text/plain; charset=utf-8\n",
	    "done \xff\xfe caf\xc3\n");
	parse_str(raw, &m);
	ck_assert_str_eq(m.first_line, "done \xef\xbf\xbd\xef\xbf\xbd caf"
	    "\xef\xbf\xbd");
	inbound_msg_reset(&m);
	free(raw);

	raw = message("Content-Type: text/plain; charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: quoted-printable\n", "caf=E9 =\nok\n");
	parse_str(raw, &m);
	ck_assert_str_eq(m.first_line, "café ok");
	inbound_msg_reset(&m);
	free(raw);

	/* No charset, or one nobody knows: guessed, never refused. */
	raw = message("", "done caf\xe9\n");
	parse_str(raw, &m);
	ck_assert(strncmp(m.first_line, "done caf", 8) == 0);
	inbound_msg_reset(&m);
	free(raw);
	raw = message("Content-Type: text/plain; charset=x-klingon\n",
	    "done \xe9\xff\n");
	parse_str(raw, &m);
	ck_assert(strncmp(m.first_line, "done ", 5) == 0);
	inbound_msg_reset(&m);
	free(raw);

	raw = message("Content-Transfer-Encoding: base64\n", "!!!*** ZG9u\n");
	parse_str(raw, &m);
	inbound_msg_reset(&m);
	free(raw);

	/* Control characters go, a NUL among them. */
	raw = message("", "done\x1b[2J\a now\r\nsecond\tline");
	buf_init(&b);
	buf_adds(&b, raw);
	buf_add(&b, "\0!\n", 3);
	parse_ok(b.data, b.len, &m);
	ck_assert_str_eq(m.first_line, "done[2J now");
	ck_assert_str_eq(m.body_text, "done[2J now\nsecond line!");
	inbound_msg_reset(&m);
	buf_reset(&b);
	free(raw);
}
END_TEST

START_TEST(test_line_endings)
{
	static const char *const raws[] = {
		"From: dana@childrens.example.org\r\nSubject: s\r\n\r\n"
		"> q\r\ndone\r\n",
		"From: dana@childrens.example.org\nSubject: s\n\n> q\ndone\n",
		"From: dana@childrens.example.org\rSubject: s\r\r> q\rdone\r",
		"From MAILER-DAEMON Thu Feb  5 19:02:19 2026\n"
		"From: dana@childrens.example.org\nSubject: s\n\n> q\ndone\n",
	};
	struct inbound_msg m;

	for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		parse_str(raws[i], &m);
		ck_assert_str_eq(m.from, DANA);
		ck_assert_str_eq(m.subject, "s");
		ck_assert_str_eq(m.first_line, "done");
		inbound_msg_reset(&m);
	}
	parse_str("From: dana@childrens.example.org\nSubject: only headers\n",
	    &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	ck_assert_str_eq(m.subject, "only headers");
	inbound_msg_reset(&m);
}
END_TEST

/* A REPLY from Maria carrying the calendar body ics, with extra fields. */
static void
parse_reply(const char *fields, const char *ics, struct inbound_msg *m)
{
	char *raw = xasprintf("From: Maria <" MARIA ">\n"
	    "Subject: Accepted\n%s\n%s", fields, ics);

	parse_str(raw, m);
	free(raw);
}

#define CAL_HEAD	"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n"
#define CAL_TYPE	"Content-Type: text/calendar; method=REPLY\n"

START_TEST(test_two_vevents)
{
	struct inbound_msg m;

	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\n"
	    "BEGIN:VEVENT\nUID:" UID "\nRECURRENCE-ID:20260305T180000Z\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:" MARIA "\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:" UID "\nSEQUENCE:3\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:" MARIA "\nEND:VEVENT\n"
	    "END:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	ck_assert_str_eq(m.partstat, "ACCEPTED");
	ck_assert_int_eq(m.sequence, 3);
	inbound_msg_reset(&m);

	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\n"
	    "BEGIN:VEVENT\nUID:first@x.example\n"
	    "ATTENDEE;PARTSTAT=TENTATIVE:mailto:" MARIA "\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:second@x.example\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:" MARIA "\nEND:VEVENT\n"
	    "END:VCALENDAR\n", &m);
	ck_assert_str_eq(m.uid, "first@x.example");
	ck_assert_str_eq(m.partstat, "TENTATIVE");
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_reply_fields)
{
	struct inbound_msg m;

	/* No ATTENDEE: still the REPLY it says it is, for the caller to
	 * refuse for what it lacks. */
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\n"
	    "UID:" UID "\nSEQUENCE:-4\nEND:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	ck_assert_str_eq(m.uid, UID);
	ck_assert_int_eq(m.sequence, 0);
	ck_assert_int_eq(m.dtstamp, 0);
	ck_assert_ptr_null(m.attendee);
	ck_assert_ptr_null(m.partstat);
	inbound_msg_reset(&m);

	/* The method only in the Content-Type; From's ATTENDEE chosen. */
	parse_reply(CAL_TYPE, CAL_HEAD "BEGIN:VEVENT\nUID:" UID "\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:other@riverside.example.com\n"
	    "ATTENDEE;PARTSTAT=DELEGATED:MAILTO:" MARIA "\n"
	    "END:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	ck_assert_str_eq(m.attendee, MARIA);
	ck_assert_str_eq(m.partstat, "DELEGATED");
	inbound_msg_reset(&m);

	/* No PARTSTAT is NEEDS-ACTION; an odd one is none; a bad address
	 * is none. */
	parse_reply("Content-Type: application/octet-stream; name=reply.ics\n",
	    CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:" UID "\n"
	    "ATTENDEE:mailto:" MARIA "\nEND:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	ck_assert_str_eq(m.partstat, "NEEDS-ACTION");
	inbound_msg_reset(&m);
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:" UID
	    "\nATTENDEE;PARTSTAT=X-MAYBE:mailto:not an address\n"
	    "END:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_ptr_null(m.partstat);
	ck_assert_ptr_null(m.attendee);
	inbound_msg_reset(&m);
}
END_TEST

START_TEST(test_not_itip)
{
	struct inbound_msg m;

	/* A forwarded invitation is no answer; the text around it is. */
	parse_str("From: dana@childrens.example.org\n"
	    "Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\nContent-Type: text/plain\n\nnote see the invite below\n"
	    "--m\nContent-Type: text/calendar; method=REQUEST\n\n"
	    CAL_HEAD "METHOD:REQUEST\nBEGIN:VEVENT\nUID:" UID "\n"
	    "END:VEVENT\nEND:VCALENDAR\n--m--\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_TEXT);
	ck_assert_str_eq(m.first_line, "note see the invite below");
	inbound_msg_reset(&m);

	/* Calendars cut short or badly nested never reach libical (which
	 * would print to stderr about some). */
	parse_reply(CAL_TYPE, "BEGIN:VCALENDAR\nMETHOD:REPLY\nGARBAGE\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:u\n"
	    "END:\nEND:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:u\n"
	    "END;X=1:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:u\n"
	    "END:VTODO\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
	/* Folded lines, lower-case names and text before the calendar. */
	parse_reply(CAL_TYPE, "junk\nbegin:vcalendar\nmethod:reply\nBEGIN:V\n"
	    " EVENT\nUID:" UID "\nATTENDEE;PARTSTAT=ACC\n\tEPTED:mailto:" MARIA
	    "\nend:vevent\nEND:VCALENDAR\ntrailing\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	ck_assert_str_eq(m.partstat, "ACCEPTED");
	inbound_msg_reset(&m);
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VTODO\nUID:t\n"
	    "END:VTODO\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_OTHER);
	inbound_msg_reset(&m);
}
END_TEST

static const struct {
	const char	*dtstart;
	const char	*start;		/* NULL: 0 */
	const char	*text;
} counters[] = {
	{ "DTSTART:20260210T200000Z", "2026-02-10T20:00:00Z",
	  "2026-02-10 20:00 UTC" },
	{ "DTSTART;TZID=America/Chicago:20260210T140000",
	  "2026-02-10T20:00:00Z", "2026-02-10 14:00 America/Chicago" },
	{ "DTSTART;VALUE=DATE:20260210", NULL, "2026-02-10" },
	{ "DTSTART;TZID=Mars/Olympus_Mons:20260210T140000", NULL,
	  "2026-02-10 14:00 Mars/Olympus_Mons" },
	{ "DTSTART:20260210T140000", NULL, "2026-02-10 14:00" },
	{ "DTSTART:18000210T140000Z", NULL, "1800-02-10 14:00 UTC" },
	{ "DTEND:20260210T140000Z", NULL, NULL },
};

START_TEST(test_counter)
{
	char *ics = xasprintf(CAL_HEAD "METHOD:COUNTER\nBEGIN:VEVENT\n"
	    "UID:" UID "\n%s\nATTENDEE;PARTSTAT=TENTATIVE:mailto:" MARIA "\n"
	    "END:VEVENT\nEND:VCALENDAR\n", counters[_i].dtstart);
	struct inbound_msg m;

	parse_reply("Content-Type: text/calendar; method=COUNTER\n", ics, &m);
	ck_assert_int_eq(m.kind, INBOUND_COUNTER);
	ck_assert_int_eq(m.proposed_start, timestamp(counters[_i].start));
	ck_assert_pstr_eq(m.proposed_text, counters[_i].text);
	inbound_msg_reset(&m);
	free(ics);
}
END_TEST

/* Outlook's Central time: rules from 1601, a Windows name. */
#define OUTLOOK_CST							\
	"BEGIN:VTIMEZONE\nTZID:Central Standard Time\n"		\
	"BEGIN:STANDARD\nDTSTART:16010101T020000\nTZOFFSETFROM:-0500\n"	\
	"TZOFFSETTO:-0600\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;"	\
	"BYMONTH=11\nEND:STANDARD\n"					\
	"BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:-0600\n"	\
	"TZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;"	\
	"BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"

static const struct {
	const char	*local;
	const char	*utc;
} central[] = {
	{ "20260308T013000", "2026-03-08T07:30:00Z" },	/* CST */
	{ "20260308T030000", "2026-03-08T08:00:00Z" },	/* CDT */
	{ "20260714T140000", "2026-07-14T19:00:00Z" },
	{ "20261031T235900", "2026-11-01T04:59:00Z" },
	{ "20261101T030000", "2026-11-01T09:00:00Z" },	/* CST again */
	{ "20281231T120000", "2028-12-31T18:00:00Z" },
};

/* Outlook's zone, its rules moved to start near the time (they are
 * expanded from 1601 otherwise), still gives each side of a change. */
START_TEST(test_counter_outlook_zone)
{
	char *ics = xasprintf(CAL_HEAD "METHOD:COUNTER\n" OUTLOOK_CST
	    "BEGIN:VEVENT\nUID:" UID "\n"
	    "DTSTART;TZID=Central Standard Time:%s\nEND:VEVENT\n"
	    "END:VCALENDAR\n", central[_i].local);
	struct inbound_msg m;

	parse_reply("Content-Type: text/calendar; method=COUNTER\n", ics, &m);
	ck_assert_int_eq(m.kind, INBOUND_COUNTER);
	ck_assert_int_eq(m.proposed_start, timestamp(central[_i].utc));
	inbound_msg_reset(&m);
	free(ics);
}
END_TEST

/* libical's own zones are shared by every message: one message's time
 * must not change what the next one reads. */
START_TEST(test_counter_builtin_zone_shared)
{
	static const char *const times[][2] = {
		{ "20260210T140000", "2026-02-10T20:00:00Z" },
		{ "20190714T140000", "2019-07-14T19:00:00Z" },
		{ "19800114T140000", "1980-01-14T20:00:00Z" },
	};
	struct inbound_msg m;
	char *ics;

	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		ics = xasprintf(CAL_HEAD "METHOD:COUNTER\nBEGIN:VEVENT\n"
		    "UID:" UID "\nDTSTART;TZID=America/Chicago:%s\n"
		    "END:VEVENT\nEND:VCALENDAR\n", times[i][0]);
		parse_reply("Content-Type: text/calendar\n", ics, &m);
		ck_assert_int_eq(m.proposed_start, timestamp(times[i][1]));
		inbound_msg_reset(&m);
		free(ics);
	}
}
END_TEST

START_TEST(test_counter_hostile_zone)
{
	static const char *const escapes[] = {
		"DTSTART;TZID=../../../../../../../../etc/localtime:"
		    "20260210T140000",
		"DTSTART;VALUE=DATE-TIME;TZID=\"/freeassociation.sourceforge."
		    "net/../../../../../../dev/tty\":20260210T140000",
		"DTSTART;tzid=..:20260210T140000",
	};
	struct inbound_msg m;
	char *ics;

	/* libical would open ZONEINFO/TZID: any file, or a terminal or FIFO
	 * that blocks.  No such calendar reaches it. */
	for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
		ics = xasprintf(CAL_HEAD "METHOD:COUNTER\nBEGIN:VEVENT\n"
		    "UID:" UID "\n%s\nEND:VEVENT\nEND:VCALENDAR\n",
		    escapes[i]);
		parse_reply("Content-Type: text/calendar\n", ics, &m);
		ck_assert_int_eq(m.kind, INBOUND_OTHER);
		inbound_msg_reset(&m);
		free(ics);
	}
	/* ".." elsewhere is only text. */
	parse_reply(CAL_TYPE, CAL_HEAD "METHOD:REPLY\nBEGIN:VEVENT\nUID:" UID
	    "\nDESCRIPTION;X-TZID=a:wait... TZID=..\n"
	    "DTSTART;TZID=\"America/Chicago\";X-NOTE=\"..\":20260210T140000\n"
	    "END:VEVENT\nEND:VCALENDAR\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_REPLY);
	inbound_msg_reset(&m);

	/* Expanded from 1601 every second, this zone would take hours. */
	parse_reply("Content-Type: text/calendar; method=COUNTER\n",
	    CAL_HEAD "METHOD:COUNTER\nBEGIN:VTIMEZONE\nTZID:Slow\n"
	    "BEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+0000\n"
	    "TZOFFSETTO:+0100\nRRULE:FREQ=SECONDLY\nEND:STANDARD\n"
	    "END:VTIMEZONE\nBEGIN:VEVENT\nUID:" UID "\n"
	    "DTSTART;TZID=Slow:20260210T140000\nEND:VEVENT\nEND:VCALENDAR\n",
	    &m);
	ck_assert_int_eq(m.kind, INBOUND_COUNTER);
	ck_assert_int_eq(m.proposed_start, 0);
	ck_assert_str_eq(m.proposed_text, "2026-02-10 14:00 Slow");
	inbound_msg_reset(&m);
}
END_TEST

/* A delivery report for two recipients: Postfix lists each. */
#define TWO_RCPTS							\
	"From: MAILER-DAEMON@mail.childrens.example.org\n"		\
	"Subject: Successful Mail Delivery Report\n"			\
	"Content-Type: multipart/report; report-type=delivery-status;"	\
	" boundary=b\n\n"						\
	"--b\nContent-Type: message/delivery-status\n\n"		\
	"Reporting-MTA: dns; mail.childrens.example.org\n\n"		\
	"Final-Recipient: rfc822; ok@riverside.example.com\n"		\
	"Action: %s\nStatus: 2.0.0\n\n"					\
	"Final-Recipient: rfc822; <Gone@Riverside.example.com>\n"	\
	"Action: %s\nStatus: %s\n"					\
	"--b--\n"

START_TEST(test_dsn_recipients)
{
	struct inbound_msg m;
	char *raw;

	raw = xasprintf(TWO_RCPTS, "delivered", "failed", "5.2.2");
	parse_str(raw, &m);
	ck_assert_int_eq(m.kind, INBOUND_BOUNCE);
	ck_assert_str_eq(m.bounced_rcpt, "gone@riverside.example.com");
	ck_assert_str_eq(m.status, "5.2.2");
	ck_assert(m.permanent);
	ck_assert_uint_eq(m.nbounced_ids, 0);
	inbound_msg_reset(&m);
	free(raw);

	/* Success reports are delivery reports too: never permanent. */
	raw = xasprintf(TWO_RCPTS, "delivered", "relayed", "2.0.0");
	parse_str(raw, &m);
	ck_assert_int_eq(m.kind, INBOUND_BOUNCE);
	ck_assert_str_eq(m.bounced_rcpt, "ok@riverside.example.com");
	ck_assert(!m.permanent);
	inbound_msg_reset(&m);
	free(raw);

	raw = xasprintf(TWO_RCPTS, "delivered", "failed", "five");
	parse_str(raw, &m);
	ck_assert_ptr_null(m.status);
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_bounce_shapes)
{
	struct inbound_msg m;

	/* A report part inside multipart/mixed still makes a bounce. */
	parse_str("From: postmaster@riverside.example.com\n"
	    "Subject: Returned\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822;maria@riverside.example.com\n"
	    "Status: 5.7.1\n--b--\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_BOUNCE);
	ck_assert_str_eq(m.status, "5.7.1");
	ck_assert(m.permanent);
	inbound_msg_reset(&m);

	/* A bounce's subject from a person is a person's mail. */
	parse_str("From: dana@childrens.example.org\n"
	    "Subject: failure notice\n\ndone, the failure is fixed\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_TEXT);
	inbound_msg_reset(&m);

	/* Exim: a daemon with X-Failed-Recipients, the address indented. */
	parse_str("Return-Path: <>\n"
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
	    "X-Failed-Recipients: maria@riverside.example.com\n"
	    "Subject: Mail delivery failed: returning message to sender\n\n"
	    "This message was created automatically by mail delivery "
	    "software.\n\nA message that you sent could not be delivered to "
	    "one or more of its\nrecipients. This is a permanent error. The "
	    "following address(es) failed:\n\n"
	    "  maria@riverside.example.com\n"
	    "    host mx.riverside.example.com [192.0.2.25]\n"
	    "    SMTP error from remote mail server after RCPT TO:<maria@"
	    "riverside.example.com>:\n    550 5.1.1 User unknown\n\n"
	    "------ This is a copy of the message, including all the headers."
	    " ------\n\nMessage-ID: <" OUR_ID ">\nSubject: 4.4.4 no\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_BOUNCE);
	ck_assert_str_eq(m.bounced_rcpt, MARIA);
	ck_assert_str_eq(m.status, "5.1.1");
	ck_assert_str_eq(m.bounced_ids[0], OUR_ID);
	ck_assert_str_eq(m.diagnostic, "host mx.riverside.example.com "
	    "[192.0.2.25] SMTP error from remote mail server after RCPT TO:"
	    "<maria@riverside.example.com>: 550 5.1.1 User unknown");
	inbound_msg_reset(&m);
}
END_TEST

static const struct {
	const char		*fields;
	enum inbound_kind	 kind;
} autos[] = {
	{ "Auto-Submitted: auto-replied\n", INBOUND_AUTOREPLY },
	{ "Auto-Submitted: auto-generated; owner-email=x@y.example\n",
	  INBOUND_AUTOREPLY },
	{ "Auto-Submitted: No\n", INBOUND_TEXT },
	{ "Auto-Submitted: no (a person)\n", INBOUND_TEXT },
	{ "X-Autoreply: yes\n", INBOUND_AUTOREPLY },
	{ "X-Autorespond: Vacation\n", INBOUND_AUTOREPLY },
	{ "Precedence: bulk\n", INBOUND_AUTOREPLY },
	{ "Precedence: list\n", INBOUND_AUTOREPLY },
	{ "Precedence: junk\n", INBOUND_AUTOREPLY },
	{ "Precedence: auto_reply\n", INBOUND_AUTOREPLY },
	{ "Precedence: first-class\n", INBOUND_TEXT },
	{ "List-Id: Partners <partners.lists.example.org>\n",
	  INBOUND_AUTOREPLY },
	{ "List-Unsubscribe: <mailto:leave@lists.example.org>\n",
	  INBOUND_AUTOREPLY },
	{ "X-MS-Exchange-Inbox-Rules-Loop: dana@childrens.example.org\n",
	  INBOUND_AUTOREPLY },
	{ "X-Auto-Response-Suppress: All\n", INBOUND_TEXT },
	{ "Return-Path: <>\n", INBOUND_TEXT },
	{ "X-Auto-Response-Suppress: OOF\nReturn-Path: <>\n",
	  INBOUND_AUTOREPLY },
	{ "Subject: Out of Office: Check-in\n", INBOUND_AUTOREPLY },
	{ "Subject: AUTOMATIC REPLY: Check-in\n", INBOUND_AUTOREPLY },
	{ "Subject: Réponse automatique : Check-in\n", INBOUND_AUTOREPLY },
	{ "Subject: Re: out of office next week?\n", INBOUND_TEXT },
	{ "Content-Type: multipart/report; report-type=disposition-"
	  "notification; boundary=b\n", INBOUND_AUTOREPLY },
};

START_TEST(test_autoreply)
{
	char *raw = message(autos[_i].fields, "--b\nContent-Type: "
	    "text/plain\n\ndone\n--b--\ndone\n");
	struct inbound_msg m;

	parse_str(raw, &m);
	ck_assert_msg(m.kind == autos[_i].kind, "%s: %s", autos[_i].fields,
	    inbound_kind_name(m.kind));
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_autoreply_noreply_sender)
{
	struct inbound_msg m;

	parse_str("From: no-reply@riverside.example.com\n"
	    "X-Auto-Response-Suppress: All\n\nThanks for your message\n", &m);
	ck_assert_int_eq(m.kind, INBOUND_AUTOREPLY);
	inbound_msg_reset(&m);
}
END_TEST

static const struct {
	const char	*body;
	const char	*first_line;	/* NULL: INBOUND_OTHER */
	const char	*body_text;	/* NULL: as first_line */
} replies[] = {
	{ "done\n", "done", NULL },
	{ "\n \n  done  \n", "done", NULL },
	{ "> quoted\n>more\n\ndone\n", "done", NULL },
	{ "On Mon, Feb 2, 2026 at 9:00 AM X <x@y.example> wrote:\n> a\n"
	  "done\n", "done", NULL },
	{ "Am 02.02.2026 um 09:00 schrieb Partnerships <p@x.example>:\n> a\n"
	  "erledigt\n", "erledigt", NULL },
	{ "Op 2 feb 2026, om 09:00 heeft Partnerships <p@x.example> het "
	  "volgende\ngeschreven:\n> a\nklaar\n", "klaar", NULL },
	{ "Le mar. 3 févr. 2026 à 08:00, P <p@x.example> a écrit :\n> a\n\n"
	  "fait\n", "fait", NULL },
	{ "Partnerships wrote:\n> a\ndone\n", "done", NULL },
	{ "I wrote:\nthat it is done\n", "I wrote:", "I wrote:\nthat it is "
	  "done" },
	{ "done\n\n-----Original Message-----\nFrom: x\nnote y\n", "done",
	  NULL },
	{ "done\n----- Original Message -----\nold\n", "done", NULL },
	{ "done\n-- \nDana\n", "done", NULL },
	{ "done\n--\nDana\n", "done", NULL },
	{ "-- \nDana\n", NULL, NULL },
	{ "> all quoted\n> here\n", NULL, NULL },
	{ "\n\n", NULL, NULL },
	{ "Snooze 2 weeks\n\nFrom: A <a@b.example>\nSent: Tuesday\nTo: x\n"
	  "Subject: y\n\nold\n", "Snooze 2 weeks", NULL },
	{ "done\nVon: A\nGesendet: Dienstag\n\nalt\n", "done", NULL },
	{ "done\nFrom: Mac <a@b.example>\nDate: Tuesday\n\nold\n", "done",
	  NULL },
	{ "From: here I write\nplans\n", "From: here I write",
	  "From: here I write\nplans" },
	{ "done\n________________________________\nFrom: a\n", "done", NULL },
	{ "done\n\n\n\n  more\n", "done", "done\n\n  more" },
	{ "note a\n> q\nb\n", "note a", "note a\nb" },
};

START_TEST(test_reply_text)
{
	char *raw = message("Subject: Re: x\n", replies[_i].body);
	const char *want = replies[_i].body_text;
	struct inbound_msg m;

	parse_str(raw, &m);
	ck_assert_pstr_eq(m.first_line, replies[_i].first_line);
	ck_assert_pstr_eq(m.body_text, want ? want : replies[_i].first_line);
	ck_assert_int_eq(m.kind, replies[_i].first_line ? INBOUND_TEXT :
	    INBOUND_OTHER);
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_html)
{
	struct inbound_msg m;
	char *raw;

	raw = message("Content-Type: text/html; charset=utf-8\n",
	    "<html><head><title>t</title><style>p{x:1}</style></head><body>"
	    "<script>alert(1)</script><!-- hidden -->"
	    "<p>done &amp; dusted&nbsp;&#8212; &#27;x&#x1F600;&bogus; &#0;</p>"
	    "<blockquote type=\"cite\">quoted <b>text</b></blockquote>"
	    "<div>after<br>line</div><p a='>'>&lt;tag&gt;</p><b");
	parse_str(raw, &m);
	ck_assert_int_eq(m.kind, INBOUND_TEXT);
	ck_assert_str_eq(m.first_line, "done & dusted — x😀&bogus;");
	ck_assert_str_eq(m.body_text, "done & dusted — x😀&bogus;\nafter\n"
	    "line\n<tag>");
	inbound_msg_reset(&m);
	free(raw);

	/* Plain text wins when both are there. */
	raw = message("Content-Type: multipart/alternative; boundary=a\n",
	    "--a\nContent-Type: text/html\n\n<p>html</p>\n"
	    "--a\nContent-Type: text/plain\n\nplain\n--a--\n");
	parse_str(raw, &m);
	ck_assert_str_eq(m.first_line, "plain");
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_flowed)
{
	struct inbound_msg m;
	char *raw;

	raw = message("Content-Type: text/plain; format=flowed; delsp=yes\n",
	    "done yester \nday with Ma \nria\n> quo \n> ted\n");
	parse_str(raw, &m);
	ck_assert_str_eq(m.first_line, "done yesterday with Maria");
	inbound_msg_reset(&m);
	free(raw);
	raw = message("Content-Type: text/plain; format=Flowed\n",
	    " done \nnow\n-- \nsig\n");
	parse_str(raw, &m);
	ck_assert_str_eq(m.body_text, "done now");
	inbound_msg_reset(&m);
	free(raw);
}
END_TEST

START_TEST(test_huge)
{
	struct inbound_msg m;
	struct buf b;

	/* A subject of a megabyte, 20000 References, a line of 100 kB. */
	buf_init(&b);
	buf_adds(&b, "From: dana@childrens.example.org\nSubject: ");
	for (int i = 0; i < 1 << 20; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\nReferences:");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, " <r%d@x.example>", i);
	buf_adds(&b, "\n\n");
	for (int i = 0; i < 100000; i++)
		buf_adds(&b, i % 2 ? "é" : "a");
	buf_adds(&b, "\n");
	parse_ok(b.data, b.len, &m);
	ck_assert_uint_le(strlen(m.subject), 1000);
	ck_assert_uint_eq(m.nrefs, INBOUND_REFS_MAX);
	ck_assert_str_eq(m.refs[0], "r19999@x.example");
	ck_assert_str_eq(m.refs[INBOUND_REFS_MAX - 1], "r19936@x.example");
	ck_assert_uint_le(strlen(m.first_line), INBOUND_BODY_MAX);
	ck_assert_uint_le(strlen(m.body_text), INBOUND_BODY_MAX);
	inbound_msg_reset(&m);
	buf_reset(&b);
}
END_TEST

static const struct {
	const char	*raw;
	size_t		 len;
} not_mail[] = {
	{ "", 0 },
	{ "hello world\n", 12 },
	{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16 },
	{ "{\"From\": \"dana@childrens.example.org\"}\n", 40 },
	{ "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>", 50 },
	{ " From: a folded first line\n", 27 },
	{ "\r\n\r\nFrom: dana@childrens.example.org\r\n", 38 },
	{ "X-Custom: 1\nX-Other: 2\n\nbody\n", 29 },
	{ "From dana Thu Feb  5 19:02:19 2026", 34 },
	{ "\0\0\0\0From: a@b.example\n", 22 },
};

START_TEST(test_not_mail)
{
	struct inbound_msg m, zero;
	char *err = NULL;

	memset(&zero, 0, sizeof zero);
	memset(&m, 0xa5, sizeof m);
	ck_assert_int_eq(inbound_parse(not_mail[_i].raw, not_mail[_i].len, &m,
	    &err), -1);
	ck_assert_msg(strncmp(err, "not a mail message", 18) == 0, "%s", err);
	ck_assert(memcmp(&m, &zero, sizeof m) == 0);
	inbound_msg_reset(&m);
	free(err);
}
END_TEST

START_TEST(test_null)
{
	struct inbound_msg m;
	char *err = NULL;

	ck_assert_int_eq(inbound_parse(NULL, 5, &m, &err), -1);
	ck_assert_str_eq(err, "not a mail message: it is empty");
	free(err);
	ck_assert_int_eq(inbound_parse("", 0, &m, NULL), -1);
	inbound_msg_reset(&m);
	ck_assert_str_eq(inbound_kind_name(INBOUND_COUNTER), "counter");
}
END_TEST

/* xorshift32: the same mutations on every run. */
static uint32_t
next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static void
parse_any(const char *raw, size_t len)
{
	struct inbound_msg m;
	char *err = NULL;

	if (inbound_parse(raw, len, &m, &err) == 0)
		check_clean(&m);
	else
		ck_assert_ptr_nonnull(err);
	inbound_msg_reset(&m);
	free(err);
}

/*
 * What a fuzzer would do first, bounded to stay quick under ASan: each
 * sample cut at 30 places, and 70 copies with a few bits flipped or
 * bytes that mean something to a parser put in.
 */
START_TEST(test_stress)
{
	static const char specials[] = "\0\r\n<>:;=-\"\\ \t\xff\xc3=?";
	uint32_t state = 2463534242u + (uint32_t)_i;
	struct buf raw;
	char *copy;

	load_sample(samples[_i].file, &raw);
	copy = xmalloc(raw.len);
	for (size_t k = 1; k <= 30; k++)
		parse_any(raw.data, raw.len * k / 31);
	for (int k = 0; k < 70; k++) {
		memcpy(copy, raw.data, raw.len);
		for (int f = 1 + next_random(&state) % 4; f > 0; f--) {
			size_t at = next_random(&state) % raw.len;

			if (next_random(&state) % 3 == 0)
				copy[at] = specials[next_random(&state) %
				    (sizeof specials - 1)];
			else
				copy[at] ^= (char)(1u << next_random(&state) % 8);
		}
		parse_any(copy, raw.len);
	}
	free(copy);
	buf_reset(&raw);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("inbound");
	TCase *tc = tcase_create("samples");
	TCase *th = tcase_create("headers");
	TCase *tm = tcase_create("mime");
	TCase *ti = tcase_create("itip");
	TCase *tb = tcase_create("bounces and auto-replies");
	TCase *tt = tcase_create("text");
	TCase *tr = tcase_create("refused");
	TCase *tf = tcase_create("stress");
	SRunner *sr;
	int failed;
	size_t nsamples = sizeof samples / sizeof samples[0];

	tcase_add_loop_test(tc, test_sample, 0, nsamples);
	tcase_add_loop_test(th, test_from, 0, sizeof froms / sizeof froms[0]);
	tcase_add_test(th, test_folded_encoded);
	tcase_add_test(th, test_8bit_headers);
	tcase_add_test(th, test_message_ids);
	tcase_add_test(th, test_to_token);
	tcase_add_test(tm, test_nested_multiparts);
	tcase_add_test(tm, test_attached_message);
	tcase_add_test(tm, test_body_encodings);
	tcase_add_test(tm, test_line_endings);
	tcase_add_test(tm, test_huge);
	tcase_add_test(ti, test_two_vevents);
	tcase_add_test(ti, test_reply_fields);
	tcase_add_test(ti, test_not_itip);
	tcase_add_loop_test(ti, test_counter, 0,
	    sizeof counters / sizeof counters[0]);
	tcase_add_loop_test(ti, test_counter_outlook_zone, 0,
	    sizeof central / sizeof central[0]);
	tcase_add_test(ti, test_counter_builtin_zone_shared);
	tcase_add_test(ti, test_counter_hostile_zone);
	tcase_add_test(tb, test_dsn_recipients);
	tcase_add_test(tb, test_bounce_shapes);
	tcase_add_loop_test(tb, test_autoreply, 0,
	    sizeof autos / sizeof autos[0]);
	tcase_add_test(tb, test_autoreply_noreply_sender);
	tcase_add_loop_test(tt, test_reply_text, 0,
	    sizeof replies / sizeof replies[0]);
	tcase_add_test(tt, test_html);
	tcase_add_test(tt, test_flowed);
	tcase_add_loop_test(tr, test_not_mail, 0,
	    sizeof not_mail / sizeof not_mail[0]);
	tcase_add_test(tr, test_null);
	tcase_add_loop_test(tf, test_stress, 0, nsamples);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, th);
	suite_add_tcase(s, tm);
	suite_add_tcase(s, ti);
	suite_add_tcase(s, tb);
	suite_add_tcase(s, tt);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, tf);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
