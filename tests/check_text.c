/* check_text.c: the one rule for untrusted text (UTF-8, controls). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static const struct {
	const char	*s;
	enum text_kind	 kind;
	const char	*err;	/* NULL: accepted */
} cases[] = {
	{ "Riverside Pediatric Clinic", TEXT_LINE, NULL },
	{ "Clínica São José 日本 🙂", TEXT_LINE, NULL },
	{ "Tab\there", TEXT_LINE, NULL },
	{ "", TEXT_LINE, NULL },
	{ "two\nlines", TEXT_LINE, "must be one line" },
	{ "two\r\nlines", TEXT_LINE, "must be one line" },
	{ "two\r\nlines\nthree", TEXT_MULTILINE, NULL },
	{ "lone\rcarriage", TEXT_MULTILINE, "control character (\\x0d" },
	{ "esc\x1b[2J", TEXT_LINE, "control character (\\x1b at byte 4)" },
	{ "bell\a", TEXT_MULTILINE, "control character (\\x07" },
	{ "del\x7f", TEXT_LINE, "control character (\\x7f" },
	{ "bad \xff", TEXT_LINE, "not valid UTF-8 (byte 5)" },
	{ "overlong \xc0\xaf", TEXT_LINE, "not valid UTF-8" },
	{ "overlong \xe0\x80\xaf", TEXT_LINE, "not valid UTF-8" },
	{ "surrogate \xed\xa0\x80", TEXT_LINE, "not valid UTF-8" },
	{ "past max \xf4\x90\x80\x80", TEXT_LINE, "not valid UTF-8" },
	{ "cut \xc3", TEXT_LINE, "not valid UTF-8" },
	{ "max \xf4\x8f\xbf\xbf", TEXT_LINE, NULL },
};

START_TEST(test_check)
{
	char *err = NULL;
	int rc = text_check("name", cases[_i].s, cases[_i].kind, &err);

	if (cases[_i].err == NULL) {
		ck_assert_msg(rc == 0, "\"%s\": %s", cases[_i].s, err);
	} else {
		ck_assert_msg(rc == -1, "\"%s\" accepted", cases[_i].s);
		ck_assert_msg(strncmp(err, "name: ", 6) == 0, "%s", err);
		ck_assert_msg(strstr(err, cases[_i].err) != NULL, "%s", err);
	}
	free(err);
}
END_TEST

/* The longest field of each kind is accepted, one byte more is not. */
START_TEST(test_length)
{
	char *s = xmalloc(TEXT_MULTILINE_MAX + 2), *err = NULL;

	memset(s, 'x', TEXT_MULTILINE_MAX + 1);
	s[TEXT_LINE_MAX] = '\0';
	ck_assert_int_eq(text_check_field("name", s, TEXT_LINE, NULL), 0);
	s[TEXT_LINE_MAX] = 'x';
	s[TEXT_LINE_MAX + 1] = '\0';
	ck_assert_int_eq(text_check_field("name", s, TEXT_LINE, &err), -1);
	ck_assert_str_eq(err, "name: is too long (1001 bytes; at most 1000)");
	free(err);
	s[TEXT_LINE_MAX + 1] = 'x';
	s[TEXT_MULTILINE_MAX] = '\0';
	ck_assert_int_eq(text_check_field("notes", s, TEXT_MULTILINE, NULL), 0);
	s[TEXT_MULTILINE_MAX] = 'x';
	s[TEXT_MULTILINE_MAX + 1] = '\0';
	ck_assert_int_eq(text_check_field("notes", s, TEXT_MULTILINE, NULL), -1);
	free(s);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(text_utf8_valid("a\0b", 3));
	ck_assert(text_utf8_valid("\xc3\xa9", 2));
	ck_assert(!text_utf8_valid("\xc3\xa9", 1));
	ck_assert(!text_utf8_valid("\xed\xbf\xbf", 3));
	ck_assert(text_check("x", NULL, TEXT_LINE, NULL) == 0);
}
END_TEST

/* Display width: wide CJK and emoji two, combining marks none. */
START_TEST(test_width)
{
	ck_assert_uint_eq(text_width(""), 0);
	ck_assert_uint_eq(text_width("Acme"), 4);
	ck_assert_uint_eq(text_width("Clínica São José"), 16);
	/* "e" + COMBINING ACUTE ACCENT is one column. */
	ck_assert_uint_eq(text_width("Jose\xcc\x81"), 4);
	ck_assert_uint_eq(text_width("東京大学"), 8);
	ck_assert_uint_eq(text_width("서울대"), 6);
	ck_assert_uint_eq(text_width("ｔｏｋｙｏ"), 10);
	ck_assert_uint_eq(text_width("\xf0\x9f\x98\x80"), 2);
	ck_assert_uint_eq(text_width("\xff"), 1);
}
END_TEST

/* Fitting: whole characters and an ellipsis, never past the width. */
START_TEST(test_fit)
{
	static const struct {
		const char	*s;
		size_t		 width;
		const char	*want;
	} fits[] = {
		{ "Acme", 4, "Acme" },
		{ "Acme", 10, "Acme" },
		{ "Acme Corp", 5, "Acme…" },
		{ "東京大学", 5, "東京…" },
		{ "東京大学", 6, "東京…" },
		{ "東京大学", 8, "東京大学" },
		{ "São Paulo", 3, "Sã…" },
		{ "Acme", 1, "…" },
		{ "Acme", 0, "" },
	};

	for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
		char *got = text_fit(fits[i].s, fits[i].width);

		ck_assert_str_eq(got, fits[i].want);
		ck_assert_uint_le(text_width(got), fits[i].width);
		free(got);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_check, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_fit);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
