/*
 * fuzz_template.c: the Mustache parser and renderer (template.c).
 *
 * Input: one byte choosing the escaping (PLAIN, HTML, MAIL), then the
 * template.  It is parsed, rendered with a context whose values hold
 * markup, control characters and line breaks, and checked against the
 * message variables.  A MAIL template must keep every value on its
 * header line: no value may end the header block or start a line in it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "fuzz.h"
#include "template.h"
#include "util.h"

/* More nested sections over a list of two items render 2^depth times:
 * templates are the operator's, so the harness only bounds them. */
#define MAX_SECTIONS 8

/* s, or with clean its control characters as spaces. */
static char *
value(const char *s, bool clean)
{
	char *v = xstrdup(s);

	for (char *p = v; clean && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return v;
}

static void
set(struct tvalue *map, const char *name, const char *s, bool clean)
{
	char *v = value(s, clean);

	tvalue_set_str(map, name, v);
	free(v);
}

static void
add(struct tvalue *list, const char *s, bool clean)
{
	char *v = value(s, clean);

	tvalue_list_add_str(list, v);
	free(v);
}

/* Values with markup, control characters and line breaks (with clean,
 * the same with spaces for the controls). */
static struct tvalue *
context(bool clean)
{
	struct tvalue *ctx = tvalue_new_map(), *m, *list, *item;

	set(ctx, "name", "Ana <b>&amp;</b> \"q\" 'x'", clean);
	set(ctx, "evil", "x\r\nInjected: 1\n\nbody", clean);
	set(ctx, "ctl", "a\tb\x01" "c\x7f" "d\x1b[0m", clean);
	set(ctx, "utf", "G\xc3\xb3mez \xe6\x97\xa5\xe6\x9c\xac", clean);
	set(ctx, "empty", "", clean);
	tvalue_set_bool(ctx, "yes", true);
	tvalue_set_bool(ctx, "no", false);
	tvalue_set_null(ctx, "nul");
	tvalue_set_int(ctx, "n", 42);
	m = tvalue_set_map(ctx, "person");
	set(m, "name", "Dana Lee", clean);
	set(m, "evil", "y\nInjected: 2", clean);
	tvalue_set_map(m, "deep");
	list = tvalue_set_list(ctx, "items");
	for (int i = 0; i < 2; i++) {
		item = tvalue_list_add_map(list);
		set(item, "name", i ? "second" : "first", clean);
		set(item, "evil", "z\rInjected: 3", clean);
		tvalue_set_bool(item, "flag", i == 1);
	}
	list = tvalue_set_list(ctx, "tags");
	add(list, "a", clean);
	add(list, "b\nInjected: 4", clean);
	tvalue_list_add_null(list);
	tvalue_set_list(ctx, "none");
	list = tvalue_list_add_list(tvalue_set_list(ctx, "nested"));
	tvalue_list_add_int(list, 7);
	return ctx;
}

/* How often what occurs in s[0..len). */
static size_t
count(const char *s, size_t len, const char *what)
{
	const char *end = s + len;
	size_t n = 0, wl = strlen(what);

	for (; (s = memmem(s, end - s, what, wl)) != NULL; s += wl)
		n++;
	return n;
}

/*
 * A MAIL rendering's header block (up to its first empty line) is what
 * the same template renders when the values hold spaces for their
 * control characters: no value can end the block or start a line in it.
 */
static void
check_header_block(const struct buf *out, const struct buf *clean)
{
	const char *s = buf_str(out), *line = s, *nl;
	size_t end = out->len;

	while ((nl = memchr(line, '\n', s + out->len - line)) != NULL) {
		if (nl == line || (nl == line + 1 && line[0] == '\r')) {
			end = nl + 1 - s;
			break;
		}
		line = nl + 1;
	}
	fuzz_assert(clean->len >= end && memcmp(s, buf_str(clean), end) == 0,
	    "a value broke the header block:\n%s", s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tvalue *ctx, *clean, *schema;
	static const enum template_escape modes[] = { TEMPLATE_PLAIN,
	    TEMPLATE_HTML, TEMPLATE_MAIL };
	enum template_escape escape;
	struct template *t;
	struct buf out, out_clean;
	const char *text;
	size_t len;
	char *err = NULL;

	if (size == 0)
		return 0;
	if (ctx == NULL) {
		ctx = context(false);
		clean = context(true);
		schema = compose_schema(false);
	}
	escape = modes[data[0] % 3];
	text = (const char *)data + 1;
	len = size - 1;
	if (count(text, len, "{{#") + count(text, len, "{{^") > MAX_SECTIONS)
		return 0;
	if ((t = template_parse("fuzz.txt", text, len, escape, &err)) == NULL) {
		fuzz_assert(err != NULL && *err != '\0', "no error message");
		free(err);
		return 0;
	}
	buf_init(&out);
	buf_init(&out_clean);
	/* Both stop at the same limit, or neither. */
	fuzz_assert((template_render(t, ctx, &out, NULL) == 0) ==
	    (template_render(t, clean, &out_clean, NULL) == 0),
	    "one rendering stopped, the other did not");
	if (escape == TEMPLATE_MAIL)
		check_header_block(&out, &out_clean);
	buf_reset(&out);
	buf_reset(&out_clean);
	(void)template_render(t, NULL, &out, NULL);
	buf_reset(&out);
	if (template_check(t, schema, &err) != 0) {
		fuzz_assert(err != NULL, "template_check: no error message");
		free(err);
	}
	template_free(t);
	return 0;
}
