/* check_util.c: string vectors and buffers shared by every module. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "run_suite.h"
#include "util.h"

START_TEST(test_strv)
{
	const char *words[] = { "alpha", "beta", "gamma" };
	char **v = NULL, **copy;
	size_t n = 0;

	ck_assert_uint_eq(strv_len(NULL), 0);
	for (size_t i = 0; i < 3; i++) {
		strv_add(&v, &n, xstrdup(words[i]));
		ck_assert_uint_eq(n, i + 1);
		/* Always NULL-terminated, so strv_len agrees with n. */
		ck_assert_ptr_null(v[n]);
		ck_assert_uint_eq(strv_len(v), n);
	}
	copy = strv_copy((const char *const *)v, n);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(copy[i], words[i]);
		ck_assert_ptr_ne(copy[i], v[i]);
	}
	ck_assert_ptr_null(strv_copy(words, 0));
	strv_free(copy, n);
	strv_free(v, strv_len(v));
	strv_free(NULL, 0);
}
END_TEST

static const struct {
	const char	*text;
	const char	*html;
} html_cases[] = {
	{ "", "" },
	{ "Riverside Pediatric Clinic", "Riverside Pediatric Clinic" },
	{ "Smith & Sons <b>", "Smith &amp; Sons &lt;b&gt;" },
	{ "\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;" },
	{ "&amp;", "&amp;amp;" },
	{ "Clínica São José <ok>", "Clínica São José &lt;ok&gt;" },
	{ "<<>>", "&lt;&lt;&gt;&gt;" },
};

START_TEST(test_html)
{
	struct buf b;
	const char *text = html_cases[_i].text;

	buf_init(&b);
	buf_adds(&b, "x");
	buf_add_html(&b, text, strlen(text));
	ck_assert_str_eq(buf_str(&b) + 1, html_cases[_i].html);
	buf_reset(&b);
	/* Exactly len bytes: a NUL inside is copied, not an end. */
	buf_add_html(&b, "a<\0>", 4);
	ck_assert_uint_eq(b.len, 10);
	ck_assert(memcmp(b.data, "a&lt;\0&gt;", 11) == 0);
	buf_reset(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("strv");

	tcase_add_test(tc, test_strv);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_loop_test(tc, test_html, 0, NCASES(html_cases));
	suite_add_tcase(s, tc);
	return check_run(s);
}
