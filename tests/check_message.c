/* check_message.c: addresses, template headers and MIME composition. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "message.h"

static const struct {
	const char	*email;
	int		 ok;
} email_cases[] = {
	{ "dana@example.org", 1 }, { "dana.lee+partners@mail.example.org", 1 },
	{ "\"dana lee\"@example.org", 0 }, { "x@[192.0.2.1]", 0 },
	{ "partnerships@localhost", 1 }, { "o'brien@example.ie", 1 },
	{ "a@b.org\r\nBcc: x@y.org", 0 }, { "a@b.org, c@d.org", 0 },
	{ "Dana <dana@example.org>", 0 }, { "dana@", 0 }, { "@example.org", 0 },
	{ "dana..lee@example.org", 0 }, { ".dana@example.org", 0 },
	{ "dana@example..org", 0 }, { "dana lee@example.org", 0 },
	{ "", 0 }, { "dana@-example.org", 0 }, { "dana@exa_mple.org", 0 },
	{ "dana@example.org\n", 0 }, { "dána@example.org", 0 },
};

START_TEST(test_email_valid)
{
	ck_assert_msg(address_valid(email_cases[_i].email) ==
	    email_cases[_i].ok, "%s", email_cases[_i].email);
}
END_TEST

START_TEST(test_email_too_long)
{
	char addr[300];

	memset(addr, 'a', sizeof addr);
	strcpy(addr + 250, "@b.org");
	ck_assert(!address_valid(addr));
	/* 254 octets: a 64-octet local part and labels of 63, 63 and 61. */
	addr[64] = '@';
	memset(addr + 65, 'b', 189);
	addr[65 + 63] = '.';
	addr[65 + 127] = '.';
	addr[254] = '\0';
	ck_assert(address_valid(addr));
}
END_TEST

static const struct {
	const char *text, *name, *email;
} parse_cases[] = {
	{ "dana@example.org", NULL, "dana@example.org" },
	{ "Dana Lee <dana@example.org>", "Dana Lee", "dana@example.org" },
	{ "\"Lee, Dana\" <dana@example.org>", "Lee, Dana", "dana@example.org" },
	{ "Clínica São José <info@saojose.example.br>", "Clínica São José",
	    "info@saojose.example.br" },
	{ "a@example.org, b@example.org", NULL, NULL },
	{ "Team: a@example.org, b@example.org;", NULL, NULL },
	{ "Dana <dana@example.org>\r\nBcc: x@evil.example", NULL, NULL },
	/* Encoded words that decode to a line break or a control. */
	{ "=?utf-8?b?QW5uDQpSZXBseS1UbzogeEBldmlsLmV4YW1wbGU=?= "
	    "<ann@example.org>", NULL, NULL },
	{ "=?utf-8?b?QW5uG1sySg==?= <ann@example.org>", NULL, NULL },
	{ "=?utf-8?q?Ann_Lee?= <ann@example.org>", "Ann Lee",
	    "ann@example.org" },
	{ "Ann \xff <ann@example.org>", NULL, NULL },
	{ "not an address", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(test_address_parse)
{
	char *name = NULL, *email = NULL, *err = NULL;
	int rc = message_address_parse(parse_cases[_i].text, &name, &email,
	    &err);

	if (parse_cases[_i].email == NULL) {
		ck_assert_msg(rc == -1, "%s", parse_cases[_i].text);
		ck_assert_ptr_nonnull(err);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", parse_cases[_i].text, err);
		ck_assert_str_eq(email, parse_cases[_i].email);
		if (parse_cases[_i].name)
			ck_assert_str_eq(name, parse_cases[_i].name);
		else
			ck_assert_ptr_null(name);
	}
	free(name);
	free(email);
	free(err);
}
END_TEST

START_TEST(test_split_template)
{
	struct message_header *h;
	size_t n;
	char *body, *err = NULL;

	ck_assert_int_eq(message_split_template("Subject: Hello\r\nReply-To: "
	    "x@example.org\r\nX-Long: one\r\n  two\r\n\r\n\r\nBody\r\nline\r\n",
	    &h, &n, &body, &err), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(h[0].name, "Subject");
	ck_assert_str_eq(h[0].value, "Hello");
	ck_assert_str_eq(h[2].value, "one two");
	ck_assert_str_eq(body, "Body\r\nline\r\n");
	message_headers_free(h, n);
	free(body);
	ck_assert_int_eq(message_split_template("Reply-To: a@b.org\n\nBody",
	    &h, &n, &body, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Subject"));
	free(err);
	err = NULL;
	ck_assert_int_eq(message_split_template("Subject: x\nSubjct Hello\n\n"
	    "Body", &h, &n, &body, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "line 2: \"Subjct Hello\""));
	free(err);
}
END_TEST

static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    "PRODID:-//touchbase//touchbase//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:u@example.org\r\nSUMMARY:Check-in\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n";

/* Compose, write, and let Python's email package judge the result. */
static void
compose_and_parse(struct message *m, const char *expected_json)
{
	char dir[] = "/tmp/check_message.XXXXXX", *eml, *json, *cmd;
	const char *src = getenv("srcdir") ? getenv("srcdir") : ".";
	struct buf out;
	char *err = NULL;
	FILE *f;

	buf_init(&out);
	ck_assert_msg(message_compose(m, &out, &err) == 0, "%s", err);
	ck_assert_ptr_null(strstr(buf_str(&out), "\n\n"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_ge(asprintf(&eml, "%s/m.eml", dir), 0);
	ck_assert_int_ge(asprintf(&json, "%s/want.json", dir), 0);
	ck_assert_ptr_nonnull(f = fopen(eml, "wb"));
	fwrite(out.data, 1, out.len, f);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(json, "w"));
	fputs(expected_json, f);
	fclose(f);
	ck_assert_int_ge(asprintf(&cmd, "/usr/bin/python3 %s/tests/mime_parse.py"
	    " %s %s", src, eml, json), 0);
	ck_assert_int_eq(system(cmd), 0);
	unlink(eml);
	unlink(json);
	rmdir(dir);
	free(cmd);
	free(eml);
	free(json);
	buf_reset(&out);
}

/* A message from p@example.org to one address. */
static void
simple_message(struct message *m, const struct message_address *to,
    const char *subject, const char *message_id, const char *text)
{
	memset(m, 0, sizeof *m);
	m->from.email = "p@example.org";
	m->to = to;
	m->nto = 1;
	m->subject = subject;
	m->message_id = message_id;
	m->date = 1795000000;
	m->text = text;
}

START_TEST(test_compose_invite)
{
	struct message_address to = { "Ana Silva", "ana@example.org" };
	struct message_address cc[] = { { "Lee, Dana", "dana@example.org" } };
	struct message_header extra[] = { { "Reply-To", "dana@example.org" } };
	struct message m;

	memset(&m, 0, sizeof m);
	m.from.name = "Partnerships Office – Children’s";
	m.from.email = "partnerships@example.org";
	m.to = &to;
	m.nto = 1;
	m.cc = cc;
	m.ncc = 1;
	m.subject = "Check-in with Clínica São José due Tuesday, 8 December "
	    "2026 — please confirm";
	m.message_id = "2026-12-08.clinica.reminder.1@example.org";
	m.date = 1795000000;
	m.text = "Olá Ana,\nsee you on Tuesday.\n";
	m.html = "<p>Olá Ana</p>\n";
	m.ics = ics;
	m.ics_method = "REQUEST";
	m.headers = extra;
	m.nheaders = 1;
	compose_and_parse(&m, "{\"subject\": \"Check-in with Clínica São José "
	    "due Tuesday, 8 December 2026 — please confirm\", \"from\": "
	    "\"Partnerships Office – Children’s <partnerships@example.org>\", "
	    "\"to\": [\"Ana Silva <ana@example.org>\"], \"cc\": [\"\\\"Lee, "
	    "Dana\\\" <dana@example.org>\"], \"message_id\": \"2026-12-08."
	    "clinica.reminder.1@example.org\", \"parts\": [\"text/plain\", "
	    "\"text/html\", \"text/calendar\"], \"text\": \"Olá Ana,\\nsee you "
	    "on Tuesday.\\n\", \"method\": \"REQUEST\"}");
}
END_TEST

START_TEST(test_compose_plain_and_refusals)
{
	struct message_address to = { NULL, "dana@example.org" };
	struct message_header bad[] = { { "X-Note", "a\r\nBcc: x@evil.org" } };
	struct message_header ours[] = { { "From", "x@evil.org" } };
	struct message m;
	struct buf out;
	char *err = NULL;

	simple_message(&m, &to, "Overdue", "id.1@example.org", "Plain only.\n");
	compose_and_parse(&m, "{\"subject\": \"Overdue\", \"from\": "
	    "\"p@example.org\", \"to\": [\"dana@example.org\"], \"cc\": [], "
	    "\"message_id\": \"id.1@example.org\", \"parts\": [\"text/plain\"],"
	    " \"text\": \"Plain only.\\n\", \"method\": null}");
	buf_init(&out);
	m.ics = ics;
	m.ics_method = "CANCEL";
	ck_assert_int_eq(message_compose(&m, &out, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "METHOD"));
	m.ics = NULL;
	m.headers = bad;
	m.nheaders = 1;
	ck_assert_int_eq(message_compose(&m, &out, &err), -1);
	m.headers = ours;
	ck_assert_int_eq(message_compose(&m, &out, &err), -1);
	m.nheaders = 0;
	to.email = "dana@example.org\r\nBcc: x@evil.org";
	ck_assert_int_eq(message_compose(&m, &out, &err), -1);
	ck_assert_int_eq(out.len, 0);
	free(err);
	buf_reset(&out);
}
END_TEST

/* The same message composes to the same bytes (the boundary comes from
 * the Message-ID), another Message-ID to another boundary; a METHOD that
 * is not a token and a bad From are refused with nothing written. */
START_TEST(test_compose_repeatable)
{
	struct message_address to = { "Ana Silva", "ana@example.org" };
	static const char bad_ics[] = "BEGIN:VCALENDAR\r\nMETHOD:RE\"QUEST"
	    "\r\nEND:VCALENDAR\r\n";
	struct message m;
	struct buf a, b;
	char *err = NULL, *bound_a, *bound_b;

	simple_message(&m, &to, "Check-in", "r.1@example.org", "Hello\n");
	m.from.name = "Partnerships Office";
	m.ics = ics;
	m.ics_method = "REQUEST";
	buf_init(&a);
	buf_init(&b);
	ck_assert_int_eq(message_compose(&m, &a, &err), 0);
	ck_assert_int_eq(message_compose(&m, &b, &err), 0);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_int_eq(memcmp(a.data, b.data, a.len), 0);
	buf_reset(&b);
	m.message_id = "r.2@example.org";
	ck_assert_int_eq(message_compose(&m, &b, &err), 0);
	bound_a = strstr(a.data, "boundary=\"");
	bound_b = strstr(b.data, "boundary=\"");
	ck_assert_ptr_nonnull(bound_a);
	ck_assert_ptr_nonnull(bound_b);
	ck_assert_int_ne(strncmp(bound_a, bound_b, 40), 0);
	buf_reset(&b);
	m.ics = bad_ics;
	m.ics_method = "RE\"QUEST";
	ck_assert_int_eq(message_compose(&m, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "token"));
	m.ics = NULL;
	m.from.email = "not an address";
	ck_assert_int_eq(message_compose(&m, &b, &err), -1);
	ck_assert_uint_eq(b.len, 0);
	free(err);
	buf_reset(&a);
	buf_reset(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("addresses");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_email_valid, 0,
	    sizeof email_cases / sizeof email_cases[0]);
	tcase_add_test(tc, test_email_too_long);
	tcase_add_loop_test(tc, test_address_parse, 0,
	    sizeof parse_cases / sizeof parse_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("compose");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_split_template);
	tcase_add_test(tc, test_compose_invite);
	tcase_add_test(tc, test_compose_plain_and_refusals);
	tcase_add_test(tc, test_compose_repeatable);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
