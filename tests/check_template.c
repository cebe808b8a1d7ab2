/*
 * check_template.c: the Mustache subset against the official spec (read
 * with SQLite's JSON functions), its own rules and errors, template sets,
 * and the default templates in templates/.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "file.h"
#include "template.h"

struct tvalue *test_schema(void);
struct tvalue *test_digest_schema(void);

static const char *srcdir = ".";

/* The spec's test cases, loaded by main() before any test runs. */
struct spec_case {
	char	*file;
	char	*name;
	char	*tmpl;
	char	*expected;
	char	*data;		/* JSON */
};
static struct spec_case *spec_cases;
static size_t nspec;

static char *
slurp(const char *path, size_t *len)
{
	return file_read(path, BUF_MAX, 0, len, NULL, NULL);
}

/* Text with control characters made visible, for failure messages. */
static const char *
show(const char *s, char *dst, size_t size)
{
	size_t o = 0;

	for (; *s != '\0' && o + 8 < size; s++) {
		if (*s == '\n')
			o += snprintf(dst + o, size - o, "\\n");
		else if (*s == '\r')
			o += snprintf(dst + o, size - o, "\\r");
		else if (*s == '\t')
			o += snprintf(dst + o, size - o, "\\t");
		else
			dst[o++] = *s;
	}
	dst[o] = '\0';
	return dst;
}

static void json_fill(sqlite3 *, const char *, struct tvalue *, bool);

/* Add one json_each row to a map (under key) or a list. */
static void
json_add(sqlite3 *db, struct tvalue *into, bool map, const char *key,
    const char *type, const char *atom, const char *json)
{
	struct tvalue *child;
	bool obj = strcmp(type, "object") == 0;

	if (obj || strcmp(type, "array") == 0) {
		if (map)
			child = obj ? tvalue_set_map(into, key) :
			    tvalue_set_list(into, key);
		else
			child = obj ? tvalue_list_add_map(into) :
			    tvalue_list_add_list(into);
		json_fill(db, json, child, obj);
	} else if (strcmp(type, "null") == 0) {
		if (map)
			tvalue_set_null(into, key);
		else
			tvalue_list_add_null(into);
	} else if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0) {
		if (map)
			tvalue_set_bool(into, key, type[0] == 't');
		else
			tvalue_list_add_bool(into, type[0] == 't');
	} else if (map)		/* text and numbers, as the spec writes them */
		tvalue_set_str(into, key, atom);
	else
		tvalue_list_add_str(into, atom);
}

static void
json_fill(sqlite3 *db, const char *json, struct tvalue *into, bool map)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT key, type, "
	    "CAST(atom AS TEXT), value FROM json_each(?1)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_add(db, into, map,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3));
	ck_assert_int_eq(sqlite3_finalize(st), SQLITE_OK);
}

/* A render context from JSON text (a map, a list or a scalar). */
static struct tvalue *
from_json(const char *json)
{
	struct tvalue *v = NULL;
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *type;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT json_type(?1), "
	    "CAST(json_extract(?1, '$') AS TEXT)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "bad JSON: %s", json);
	type = (const char *)sqlite3_column_text(st, 0);
	if (strcmp(type, "object") == 0 || strcmp(type, "array") == 0) {
		v = type[0] == 'o' ? tvalue_new_map() : tvalue_new_list();
		json_fill(db, json, v, type[0] == 'o');
	} else if (strcmp(type, "text") == 0 || strcmp(type, "integer") == 0 ||
	    strcmp(type, "real") == 0)
		v = tvalue_new_str((const char *)sqlite3_column_text(st, 1));
	else
		ck_abort_msg("unsupported JSON root %s", type);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Append the tests of one spec file; returns how many. */
static size_t
load_spec(sqlite3 *db, const char *file)
{
	sqlite3_stmt *st;
	size_t n = 0;
	char *path, *text;

	path = xasprintf("%s/tests/data/mustache/%s", srcdir, file);
	if ((text = slurp(path, NULL)) == NULL) {
		fprintf(stderr, "check_template: %s: cannot read\n", path);
		exit(EXIT_FAILURE);
	}
	if (sqlite3_prepare_v2(db, "SELECT value ->> '$.name', "
	    "value ->> '$.template', value ->> '$.expected', value -> '$.data' "
	    "FROM json_each(?1, '$.tests')", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "check_template: %s\n", sqlite3_errmsg(db));
		exit(EXIT_FAILURE);
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct spec_case *c;

		spec_cases = xreallocarray(spec_cases, nspec + 1,
		    sizeof *spec_cases);
		c = &spec_cases[nspec++];
		c->file = xstrdup(file);
		c->name = xstrdup((const char *)sqlite3_column_text(st, 0));
		c->tmpl = xstrdup((const char *)sqlite3_column_text(st, 1));
		c->expected = xstrdup((const char *)sqlite3_column_text(st, 2));
		c->data = xstrdup((const char *)sqlite3_column_text(st, 3));
		n++;
	}
	sqlite3_finalize(st);
	free(text);
	free(path);
	return n;
}

START_TEST(test_spec)
{
	const struct spec_case *c = &spec_cases[_i];
	struct tvalue *ctx = from_json(c->data);
	struct template *t;
	struct buf out;
	char *err = NULL, a[2048], b[2048];

	t = template_parse(c->name, c->tmpl, strlen(c->tmpl), TEMPLATE_HTML,
	    &err);
	ck_assert_msg(t != NULL, "%s: \"%s\": %s", c->file, c->name, err);
	buf_init(&out);
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);
	ck_assert_msg(strcmp(buf_str(&out), c->expected) == 0,
	    "%s: \"%s\": expected \"%s\", got \"%s\"", c->file, c->name,
	    show(c->expected, a, sizeof a), show(buf_str(&out), b, sizeof b));
	buf_reset(&out);
	template_free(t);
	tvalue_free(ctx);
}
END_TEST

static const struct {
	const char		*tmpl;
	const char		*json;
	enum template_escape	 escape;
	const char		*expected;
} render_cases[] = {
	/* Escaping: all five characters in HTML, none in plain text. */
	{ "{{a}}", "{\"a\":\"& < > \\\" '\"}", TEMPLATE_HTML,
	    "&amp; &lt; &gt; &quot; &#39;" },
	{ "{{a}}", "{\"a\":\"& < > \\\" '\"}", TEMPLATE_PLAIN, "& < > \" '" },
	{ "{{{a}}}|{{&a}}|{{& a }}", "{\"a\":\"<b>\"}", TEMPLATE_HTML,
	    "<b>|<b>|<b>" },
	{ "é {{a}} ü", "{\"a\":\"Zoë & Chloé\"}", TEMPLATE_HTML,
	    "é Zoë &amp; Chloé ü" },
	/* Falsey values: missing, null, false, "", []; the rest truthy. */
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":\"\"}", TEMPLATE_PLAIN, "n" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":null}", TEMPLATE_PLAIN, "n" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":false}", TEMPLATE_PLAIN, "n" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":[]}", TEMPLATE_PLAIN, "n" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{}", TEMPLATE_PLAIN, "n" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":{}}", TEMPLATE_PLAIN, "y" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":0}", TEMPLATE_PLAIN, "y" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":\"0\"}", TEMPLATE_PLAIN, "y" },
	{ "{{#s}}y{{/s}}{{^s}}n{{/s}}", "{\"s\":\" \"}", TEMPLATE_PLAIN, "y" },
	/* Sections: lists iterate, maps push, scalars render once. */
	{ "{{#l}}{{.}},{{/l}}", "{\"l\":[\"a\",\"b\",3]}", TEMPLATE_PLAIN,
	    "a,b,3," },
	{ "{{#l}}{{n}}{{x}};{{/l}}", "{\"x\":\"!\",\"l\":[{\"n\":1},"
	    "{\"n\":2,\"x\":\"?\"}]}", TEMPLATE_PLAIN, "1!;2?;" },
	{ "{{#m}}{{a}}{{b}}{{/m}}", "{\"m\":{\"a\":\"1\"},\"b\":\"2\"}",
	    TEMPLATE_PLAIN, "12" },
	{ "{{#s}}[{{.}}]{{/s}}", "{\"s\":\"one\"}", TEMPLATE_PLAIN, "[one]" },
	{ "{{#m}}{{#n}}{{a}}{{/n}}{{/m}}", "{\"a\":\"root\",\"m\":{\"n\":"
	    "{\"b\":1}}}", TEMPLATE_PLAIN, "root" },
	/* A null nearer in the stack hides an outer value of that name. */
	{ "{{#m}}[{{a}}]{{/m}}", "{\"a\":\"outer\",\"m\":{\"a\":null}}",
	    TEMPLATE_PLAIN, "[]" },
	/* Dotted names, booleans, maps and lists interpolated. */
	{ "{{a.b.c}}|{{a.x.c}}|{{a.b}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}",
	    TEMPLATE_PLAIN, "deep||" },
	{ "{{t}} {{f}} [{{l}}]", "{\"t\":true,\"f\":false,\"l\":[1]}",
	    TEMPLATE_PLAIN, "true false []" },
	{ "{{.}}", "\"root & string\"", TEMPLATE_HTML, "root &amp; string" },
	/* Comments and standalone lines, as a .txt template begins. */
	{ "{{! what this is\n    for }}\nSubject: {{s}}\n\nBody\n",
	    "{\"s\":\"Hi\"}", TEMPLATE_PLAIN, "Subject: Hi\n\nBody\n" },
	{ "a{{! inline }}b\n", "{}", TEMPLATE_PLAIN, "ab\n" },
	{ "List:\n{{#l}}\n  - {{.}}\n{{/l}}\n{{^l}}\n  none\n{{/l}}\nEnd\n",
	    "{\"l\":[\"x\",\"y\"]}", TEMPLATE_PLAIN,
	    "List:\n  - x\n  - y\nEnd\n" },
	{ "List:\n{{#l}}\n  - {{.}}\n{{/l}}\n{{^l}}\n  none\n{{/l}}\nEnd\n",
	    "{\"l\":[]}", TEMPLATE_PLAIN, "List:\n  none\nEnd\n" },
	{ "\t{{#a}} \r\nx\r\n  {{/a}}\t\r\ny", "{\"a\":true}", TEMPLATE_PLAIN,
	    "x\r\ny" },
	{ "{{#a}}x{{/a}}\n", "{\"a\":true}", TEMPLATE_PLAIN, "x\n" },
	{ "  {{a}}\n", "{\"a\":\"v\"}", TEMPLATE_PLAIN, "  v\n" },
	/* Braces that are not tags are text. */
	{ "{a} } { {{a}}}", "{\"a\":\"v\"}", TEMPLATE_PLAIN, "{a} } { v}" },
	/* A message template: no value adds a header line, in the header
	 * block however it is written; the body keeps line breaks. */
	{ "Subject: {{n}}\nX-A: {{{n}}}\n\n{{n}}\n",
	    "{\"n\":\"a\\r\\nBcc: x@evil.example\\u001b\"}", TEMPLATE_MAIL,
	    "Subject: a  Bcc: x@evil.example \nX-A: a  Bcc: x@evil.example "
	    "\n\na\r\nBcc: x@evil.example\x1b\n" },
	{ "{{#l}}\nX-L: {{.}}\n{{/l}}\nSubject: s\n\n{{#l}}{{.}}{{/l}}",
	    "{\"l\":[\"1\\n\\nBcc: e@x\"]}", TEMPLATE_MAIL,
	    "X-L: 1  Bcc: e@x\nSubject: s\n\n1\n\nBcc: e@x" },
	{ "Subject: {{e}}\r\n\r\nBody {{n}}", "{\"e\":\"\",\"n\":\"a\\nb\"}",
	    TEMPLATE_MAIL, "Subject: \r\n\r\nBody a\nb" },
	{ "Subject: {{n}}", "{\"n\":\"a\\nb\"}", TEMPLATE_PLAIN,
	    "Subject: a\nb" },
};

START_TEST(test_render)
{
	struct tvalue *ctx = from_json(render_cases[_i].json);
	struct template *t;
	struct buf out;
	char *err = NULL, a[1024], b[1024];

	t = template_parse("t", render_cases[_i].tmpl,
	    strlen(render_cases[_i].tmpl), render_cases[_i].escape, &err);
	ck_assert_msg(t != NULL, "%s", err);
	buf_init(&out);
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);
	ck_assert_msg(strcmp(buf_str(&out), render_cases[_i].expected) == 0,
	    "\"%s\": expected \"%s\", got \"%s\"", render_cases[_i].tmpl,
	    show(render_cases[_i].expected, a, sizeof a),
	    show(buf_str(&out), b, sizeof b));
	buf_reset(&out);
	template_free(t);
	tvalue_free(ctx);
}
END_TEST

static const struct {
	const char	*tmpl;
	const char	*err;
} error_cases[] = {
	{ "Hi\n  {{#contacts}}\n{{name}}\n",
	    "t.txt:2:3: unclosed section \"contacts\"" },
	{ "{{#a}}{{#b}}{{/b}}", "t.txt:1:1: unclosed section \"a\"" },
	{ "{{#a}}\n{{^b}}x{{/a}}",
	    "t.txt:2:8: mismatched close \"{{/a}}\": expected \"{{/b}}\"" },
	{ "x\n {{/a}}",
	    "t.txt:2:2: mismatched close \"{{/a}}\": no section is open" },
	{ "{{#a.b}}{{/a}}",
	    "t.txt:1:9: mismatched close \"{{/a}}\": expected \"{{/a.b}}\"" },
	{ "ab\ncd {{name", "t.txt:2:4: unclosed tag: \"{{\" without \"}}\"" },
	{ "{{{name}}", "t.txt:1:1: unclosed tag: \"{{{\" without \"}}}\"" },
	{ "{{a {{b}}", "t.txt:1:1: unclosed tag: \"{{\" without \"}}\"" },
	{ "{{! never closed",
	    "t.txt:1:1: unclosed tag: \"{{\" without \"}}\"" },
	{ "x {{ }}", "t.txt:1:3: empty tag" },
	{ "{{}}", "t.txt:1:1: empty tag" },
	{ "\n\n   {{# }}", "t.txt:3:4: empty tag" },
	{ "{{&}}", "t.txt:1:1: empty tag" },
	{ "{{> footer}}", "t.txt:1:1: unsupported tag kind \"{{>\" (partial)" },
	{ "a {{=<% %>=}}",
	    "t.txt:1:3: unsupported tag kind \"{{=\" (delimiter change)" },
	{ "{{$block}}{{/block}}",
	    "t.txt:1:1: unsupported tag kind \"{{$\" (template inheritance)" },
	{ "{{<parent}}{{/parent}}",
	    "t.txt:1:1: unsupported tag kind \"{{<\" (template inheritance)" },
	{ "{{a b}}", "t.txt:1:1: invalid name \"a b\"" },
	{ "{{a..b}}", "t.txt:1:1: invalid name \"a..b\"" },
	{ "{{#.a}}{{/.a}}", "t.txt:1:1: invalid name \".a\"" },
	{ "{{a.}}", "t.txt:1:1: invalid name \"a.\"" },
	/* Columns count characters, not bytes. */
	{ "Chloé {{#x}}", "t.txt:1:7: unclosed section \"x\"" },
	{ "ok\nbad \xff byte", "t.txt:2:5: invalid UTF-8" },
	{ "\xc0\xaf", "t.txt:1:1: invalid UTF-8" },
	{ "\xed\xa0\x80", "t.txt:1:1: invalid UTF-8" },
	{ "abc\xe2\x82", "t.txt:1:4: invalid UTF-8" },
};

START_TEST(test_parse_error)
{
	char *err = NULL;
	struct template *t = template_parse("t.txt", error_cases[_i].tmpl,
	    strlen(error_cases[_i].tmpl), TEMPLATE_PLAIN, &err);

	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, error_cases[_i].err);
	free(err);
}
END_TEST

START_TEST(test_nul_byte)
{
	char *err = NULL;

	ck_assert_ptr_null(template_parse("t.txt", "a\n\0b", 4, TEMPLATE_PLAIN,
	    &err));
	ck_assert_str_eq(err, "t.txt:2:1: NUL byte in template");
	free(err);
}
END_TEST

START_TEST(test_depth)
{
	struct buf text;
	char *err = NULL;
	struct template *t;

	buf_init(&text);
	for (int i = 0; i < 64; i++)
		buf_adds(&text, "{{#a}}");
	for (int i = 0; i < 64; i++)
		buf_adds(&text, "{{/a}}");
	t = template_parse("t.txt", text.data, text.len, TEMPLATE_PLAIN, &err);
	ck_assert_msg(t != NULL, "%s", err);
	template_free(t);
	buf_reset(&text);
	for (int i = 0; i < 65; i++)
		buf_adds(&text, "{{#a}}\n");
	ck_assert_ptr_null(template_parse("t.txt", text.data, text.len,
	    TEMPLATE_PLAIN, &err));
	ck_assert_str_eq(err, "t.txt:65:1: sections nested more than 64 deep");
	free(err);
	buf_reset(&text);
}
END_TEST

/* Sections nested over a list multiply: 16 levels over 4 items would
 * visit 4^16 nodes.  The render stops, leaves out as it was, and says
 * why; a small render of the same template still works. */
START_TEST(test_render_limit)
{
	struct tvalue *ctx = tvalue_new_map(), *small = tvalue_new_map();
	struct tvalue *l = tvalue_set_list(ctx, "l");
	struct template *t;
	struct buf src, out;
	char *err = NULL;

	buf_init(&src);
	for (int i = 0; i < 16; i++)
		buf_printf(&src, "{{#l}}");
	buf_printf(&src, "x");
	for (int i = 0; i < 16; i++)
		buf_printf(&src, "{{/l}}");
	t = template_parse("t.txt", buf_str(&src), src.len, TEMPLATE_PLAIN,
	    &err);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 4; i++)
		tvalue_list_add_str(l, "a");
	tvalue_list_add_str(tvalue_set_list(small, "l"), "a");
	buf_init(&out);
	buf_printf(&out, "kept");
	ck_assert_int_eq(template_render(t, ctx, &out, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "rendering stopped"));
	ck_assert_str_eq(buf_str(&out), "kept");
	ck_assert_int_eq(template_render(t, small, &out, NULL), 0);
	ck_assert_str_eq(buf_str(&out), "keptx");
	free(err);
	buf_reset(&out);
	buf_reset(&src);
	template_free(t);
	tvalue_free(ctx);
	tvalue_free(small);
}
END_TEST

static const struct {
	const char	*tmpl;
	const char	*err;		/* NULL: passes */
} check_cases[] = {
	{ "{{partner.name}} {{{owner.email}}} {{&kind}} {{.}}", NULL },
	{ "{{#sponsor}}{{name}} {{email}}{{/sponsor}}", NULL },
	{ "{{#contacts}}{{name}}{{#role}}{{.}}{{/role}}{{partner.key}}"
	    "{{/contacts}}", NULL },
	{ "{{#contacts}}{{#invited}}{{email}}{{/invited}}{{/contacts}}", NULL },
	{ "{{#previous}}{{due_date_long}}{{/previous}}", NULL },
	{ "{{^last_checkin}}never{{/last_checkin}}", NULL },
	{ "{{! {{nonsense}} }}", NULL },
	{ "{{owner.phone}}", "t.txt:1:1: unknown variable \"owner.phone\"" },
	{ "a\n{{^sponsor}}\n  {{nobody}}\n{{/sponsor}}\n",
	    "t.txt:3:3: unknown variable \"nobody\"" },
	{ "{{^contacts}}{{email}}{{/contacts}}",
	    "t.txt:1:14: unknown variable \"email\"" },
	{ "{{#contacts}}{{phone}}{{/contacts}}",
	    "t.txt:1:14: unknown variable \"phone\"" },
	{ "{{#nothing}}{{/nothing}}",
	    "t.txt:1:1: unknown variable \"nothing\"" },
	{ "{{^meeting.room}}{{/meeting.room}}",
	    "t.txt:1:1: unknown variable \"meeting.room\"" },
	{ "{{#meeting}}{{time}}{{^previous}}{{zone}}{{/previous}}{{/meeting}}",
	    "t.txt:1:34: unknown variable \"zone\"" },
	{ "{{#meeting}}{{due_date}}{{/meeting}}", NULL },
	{ "{{#meeting}}{{meeting.nope}}{{/meeting}}",
	    "t.txt:1:13: unknown variable \"meeting.nope\"" },
};

START_TEST(test_check)
{
	struct tvalue *schema = test_schema();
	struct template *t;
	char *err = NULL;

	t = template_parse("t.txt", check_cases[_i].tmpl,
	    strlen(check_cases[_i].tmpl), TEMPLATE_PLAIN, &err);
	ck_assert_msg(t != NULL, "%s", err);
	if (check_cases[_i].err == NULL)
		ck_assert_msg(template_check(t, schema, &err) == 0, "%s", err);
	else {
		ck_assert_int_eq(template_check(t, schema, &err), -1);
		ck_assert_str_eq(err, check_cases[_i].err);
	}
	free(err);
	template_free(t);
	tvalue_free(schema);
}
END_TEST

static char *
render_text(const char *tmpl, const struct tvalue *ctx)
{
	struct template *t;
	struct buf out;
	char *err = NULL;

	t = template_parse("t", tmpl, strlen(tmpl), TEMPLATE_PLAIN, &err);
	ck_assert_msg(t != NULL, "%s", err);
	buf_init(&out);
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);
	template_free(t);
	return buf_steal(&out);
}

START_TEST(test_tvalue)
{
	struct tvalue *m = tvalue_new_map(), *l, *sub;
	char *s;

	tvalue_free(NULL);
	tvalue_set_str(m, "a", "1");
	tvalue_set_str(m, "a", "2");		/* replaces */
	tvalue_set_int(m, "n", -42);
	tvalue_set_bool(m, "b", false);
	tvalue_set_null(m, "z");
	tvalue_set_str(m, "opt", NULL);		/* stored as null */
	sub = tvalue_new_map();
	tvalue_set_str(sub, "k", "attached");
	tvalue_set(m, "x", sub);
	l = tvalue_set_list(m, "l");
	tvalue_list_add_str(l, "s");
	tvalue_list_add_int(l, 7);
	tvalue_list_add_bool(l, true);
	tvalue_list_add_null(l);
	tvalue_set_str(tvalue_list_add_map(l), "k", "in map");
	tvalue_list_add_str(tvalue_list_add_list(l), "nested");
	tvalue_list_add(l, tvalue_new_str("own"));
	s = render_text("{{a}} {{n}} {{b}} [{{z}}{{opt}}] {{x.k}} "
	    "{{#l}}<{{.}}{{k}}{{#.}}{{.}}{{/.}}>{{/l}} "
	    "{{^opt}}none{{/opt}}", m);
	ck_assert_str_eq(s, "2 -42 false [] attached <ss><77><truetrue><>"
	    "<in map><nested><ownown> none");
	free(s);
	tvalue_set_map(m, "a");		/* a string replaced by a map */
	s = render_text("[{{a}}]{{#a}}map{{/a}}", m);
	ck_assert_str_eq(s, "[]map");
	free(s);
	tvalue_free(m);
}
END_TEST

START_TEST(test_render_many)
{
	struct tvalue *one = tvalue_new_map(), *two = tvalue_new_map();
	struct template *t;
	struct buf out;
	char *err = NULL;

	t = template_parse("greeting.txt", "Hi {{n}}{{#l}}, {{.}}{{/l}}\n", 28,
	    TEMPLATE_PLAIN, &err);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(template_name(t), "greeting.txt");
	tvalue_set_str(one, "n", "Ana");
	tvalue_set_str(two, "n", "Ben");
	tvalue_list_add_str(tvalue_set_list(two, "l"), "Cy");
	buf_init(&out);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(template_render(t, i == 1 ? two : one, &out, NULL), 0);
		ck_assert_int_eq(template_render(t, NULL, &out, NULL), 0);
	}
	ck_assert_str_eq(buf_str(&out), "Hi Ana\nHi \nHi Ben, Cy\nHi \n"
	    "Hi Ana\nHi \n");
	buf_reset(&out);
	template_free(t);
	tvalue_free(one);
	tvalue_free(two);
}
END_TEST

static char tmpdir[64];

static void
tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/check_template.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *
tmp_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(test_load)
{
	struct tvalue *ctx = tvalue_new_map();
	struct template *t;
	struct buf out;
	char *html = tmp_file("x.html", "<p>{{a}}</p>\n");
	char *txt = tmp_file("x.txt", "\xef\xbb\xbfSubject: {{a}}\n");
	char *bad = tmp_file("bad.txt", "ok\n{{#a}}\n");
	char *missing = xasprintf("%s/none.txt", tmpdir), *err = NULL, *want;

	tvalue_set_str(ctx, "a", "<&>");
	buf_init(&out);
	ck_assert_ptr_nonnull(t = template_load(html, &err));
	ck_assert_str_eq(template_name(t), html);
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);
	template_free(t);
	ck_assert_ptr_nonnull(t = template_load(txt, &err));
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);	/* plain, and the BOM is gone */
	template_free(t);
	ck_assert_str_eq(buf_str(&out), "<p>&lt;&amp;&gt;</p>\nSubject: <&>\n");
	ck_assert_ptr_null(template_load(bad, &err));
	want = xasprintf("%s:2:1: unclosed section \"a\"", bad);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_ptr_null(template_load(missing, &err));
	want = xasprintf("%s: No such file or directory", missing);
	ck_assert_str_eq(err, want);
	free(want);
	free(bad);
	bad = tmp_file("big.txt", "");
	ck_assert_int_eq(truncate(bad, 1024 * 1024 + 1), 0);
	ck_assert_ptr_null(template_load(bad, &err));
	want = xasprintf("%s: larger than 1 MiB", bad);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_ptr_null(template_load(tmpdir, &err));
	want = xasprintf("%s: not a regular file", tmpdir);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	buf_reset(&out);
	free(html);
	free(txt);
	free(bad);
	free(missing);
	tvalue_free(ctx);
}
END_TEST

static char *
templates_dir(void)
{
	return xasprintf("%s/templates", srcdir);
}

START_TEST(test_set_override)
{
	char *defaults = templates_dir(), *over, *want, *err = NULL;
	const char *dirs[] = { tmpdir, NULL, defaults };
	struct template_set *set;

	over = tmp_file("reminder.txt", "Subject: mine\n\n{{owner.name}}\n");
	set = template_set_load(dirs, 3, &err);
	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_str_eq(template_set_path(set, "reminder", TEMPLATE_PLAIN),
	    over);
	ck_assert_str_eq(template_name(template_set_get(set, "reminder",
	    TEMPLATE_PLAIN)), over);
	want = xasprintf("%s/reminder.html", defaults);
	ck_assert_str_eq(template_set_path(set, "reminder", TEMPLATE_HTML),
	    want);
	free(want);
	ck_assert_ptr_null(template_set_get(set, "nonesuch", TEMPLATE_PLAIN));
	ck_assert_ptr_null(template_set_path(set, "nonesuch", TEMPLATE_HTML));
	template_set_free(set);
	free(over);

	/* An override that does not parse is an error, not skipped. */
	over = tmp_file("digest.html", "<p>{{#counts}}</p>\n");
	ck_assert_ptr_null(template_set_load(dirs, 3, &err));
	want = xasprintf("%s:1:4: unclosed section \"counts\"", over);
	ck_assert_str_eq(err, want);
	free(want);
	free(over);

	/* Found in no directory. */
	want = xasprintf("template reminder.html not found (looked in %s)",
	    tmpdir);
	ck_assert_ptr_null(template_set_load(dirs, 2, &err));
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_ptr_null(template_set_load(dirs + 1, 1, &err));
	ck_assert_str_eq(err, "template reminder.txt not found (looked in no "
	    "directory)");
	template_set_free(NULL);
	free(err);
	free(defaults);
}
END_TEST

/* The schema of touchbase-templates(5): every variable, lists of one. */
struct tvalue *
test_schema(void)
{
	struct tvalue *s = tvalue_new_map(), *m;
	static const char *const top[] = { "kind", "cadence", "due_date",
	    "due_date_long", "days_until_due", "days_overdue", "last_checkin",
	    "last_checkin_long", "last_checkin_note", "days_since_checkin",
	    "checkin_command", "detail", "late", "days_late" };
	static const char *const meeting[] = { "date", "date_long", "time",
	    "end_time", "timezone", "minutes" };

	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		tvalue_set_str(s, top[i], "x");
	m = tvalue_set_map(s, "partner");
	tvalue_set_str(m, "key", "x");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "tier", "x");
	tvalue_set_str(m, "notes", "x");
	tvalue_set_str(m, "timezone", "x");
	for (size_t i = 0; i < 4; i++) {
		static const char *const who[] = { "owner", "sponsor",
		    "recipient", "org" };

		m = tvalue_set_map(s, who[i]);
		tvalue_set_str(m, "name", "x");
		tvalue_set_str(m, "email", "x");
		if (i < 3)
			tvalue_set_bool(m, "has_name", true);
		if (i == 2)
			tvalue_set_bool(m, "is_owner", true);
	}
	m = tvalue_list_add_map(tvalue_set_list(s, "contacts"));
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_str(m, "role", "x");
	tvalue_set_bool(m, "invited", true);
	m = tvalue_set_map(s, "meeting");
	for (size_t i = 0; i < sizeof meeting / sizeof meeting[0]; i++)
		tvalue_set_str(m, meeting[i], "x");
	m = tvalue_set_map(s, "previous");
	tvalue_set_str(m, "due_date", "x");
	tvalue_set_str(m, "due_date_long", "x");
	tvalue_set_str(m, "meeting_time", "x");
	return s;
}

/* The digest's schema: its own variables plus org.*, recipient.*, kind. */
struct tvalue *
test_digest_schema(void)
{
	struct tvalue *s = tvalue_new_map(), *m;
	static const char *const groups[] = { "escalated", "overdue", "due",
	    "healthy" };
	static const char *const item[] = { "key", "name", "cadence",
	    "last_checkin", "days_since", "next_due", "days_overdue",
	    "days_until_due", "answers", "snoozed_until" };

	tvalue_set_str(s, "kind", "digest");
	tvalue_set_str(s, "today", "x");
	tvalue_set_str(s, "today_long", "x");
	tvalue_set_str(s, "week", "x");
	tvalue_set_str(s, "scope", "x");
	for (size_t i = 0; i < 2; i++) {
		m = tvalue_set_map(s, i == 0 ? "org" : "recipient");
		tvalue_set_str(m, "name", "x");
		tvalue_set_str(m, "email", "x");
		if (i == 1)
			tvalue_set_bool(m, "has_name", true);
	}
	m = tvalue_set_map(s, "counts");
	tvalue_set_int(m, "total", 1);
	for (size_t g = 0; g < 4; g++)
		tvalue_set_int(m, groups[g], 1);
	tvalue_set_bool(s, "summarized", true);
	tvalue_set_int(s, "listed", 1);
	m = tvalue_list_add_map(tvalue_set_list(s, "owners"));
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_int(m, "total", 1);
	for (size_t g = 0; g < 4; g++)
		tvalue_set_int(m, groups[g], 1);
	for (size_t g = 0; g < 4; g++) {
		m = tvalue_list_add_map(tvalue_set_list(s, groups[g]));
		for (size_t i = 0; i < sizeof item / sizeof item[0]; i++)
			tvalue_set_str(m, item[i], "x");
		m = tvalue_set_map(m, "owner");
		tvalue_set_str(m, "name", "x");
		tvalue_set_str(m, "email", "x");
	}
	return s;
}

static const char *const names[] = { TEMPLATE_NAMES };
#define NNAMES (sizeof names / sizeof names[0])

static void
set_person(struct tvalue *ctx, const char *key, const char *name,
    const char *email)
{
	struct tvalue *m = tvalue_set_map(ctx, key);

	tvalue_set_str(m, "name", name);
	tvalue_set_str(m, "email", email);
	tvalue_set_bool(m, "has_name", true);
}

/* A message context as touchbase builds it; sparse has the nulls. */
static struct tvalue *
sample_message(const char *kind, bool sparse)
{
	struct tvalue *ctx = tvalue_new_map(), *m, *l;

	tvalue_set_str(ctx, "kind", kind);
	m = tvalue_set_map(ctx, "partner");
	tvalue_set_str(m, "key", "riverside-peds");
	tvalue_set_str(m, "name", "Riverside Pediatric Clinic");
	tvalue_set_str(m, "tier", sparse ? NULL : "Strategic");
	tvalue_set_str(m, "notes", sparse ? NULL : "Shared NICU follow-up");
	tvalue_set_str(m, "timezone", "America/New_York");
	set_person(ctx, "owner", "Dana Lee", "dana.lee@example.org");
	if (sparse)
		tvalue_set_null(ctx, "sponsor");
	else
		set_person(ctx, "sponsor", "Dr. Maya Ortiz",
		    "maya.ortiz@example.org");
	if (strcmp(kind, "invitation") == 0)
		set_person(ctx, "recipient", "Priya Shah",
		    "priya.shah@riverside.example");
	else if (strcmp(kind, "escalation") == 0)
		set_person(ctx, "recipient", "Dr. Maya Ortiz",
		    "maya.ortiz@example.org");
	else
		set_person(ctx, "recipient", "Dana Lee",
		    "dana.lee@example.org");
	l = tvalue_set_list(ctx, "contacts");
	for (int i = 0; !sparse && i < 2; i++) {
		m = tvalue_list_add_map(l);
		tvalue_set_str(m, "name", i ? "Tom Baker" : "Priya Shah");
		tvalue_set_str(m, "email", i ? "tom@riverside.example" :
		    "priya.shah@riverside.example");
		tvalue_set_str(m, "role", i ? NULL : "Director of Community "
		    "Programs");
		tvalue_set_bool(m, "invited", i == 0);
	}
	tvalue_set_str(ctx, "cadence", "every 3 months");
	tvalue_set_str(ctx, "due_date", "2026-12-08");
	tvalue_set_str(ctx, "due_date_long", "Tuesday, 8 December 2026");
	tvalue_set_int(ctx, "days_until_due", 7);
	tvalue_set_int(ctx, "days_overdue", 16);
	tvalue_set_str(ctx, "last_checkin", sparse ? NULL : "2026-09-01");
	tvalue_set_str(ctx, "last_checkin_long", sparse ? NULL :
	    "Tuesday, 1 September 2026");
	tvalue_set_str(ctx, "last_checkin_note", sparse ? NULL :
	    "Agreed to co-host the spring family day.");
	if (sparse)
		tvalue_set_null(ctx, "days_since_checkin");
	else
		tvalue_set_int(ctx, "days_since_checkin", 91);
	m = tvalue_set_map(ctx, "meeting");
	tvalue_set_str(m, "date", "2026-12-08");
	tvalue_set_str(m, "date_long", "Tuesday, 8 December 2026");
	tvalue_set_str(m, "time", "10:00");
	tvalue_set_str(m, "end_time", "10:30");
	tvalue_set_str(m, "timezone", "America/New_York");
	tvalue_set_int(m, "minutes", 30);
	if (strcmp(kind, "update") == 0) {
		m = tvalue_set_map(ctx, "previous");
		tvalue_set_str(m, "due_date", "2026-12-01");
		tvalue_set_str(m, "due_date_long", "Tuesday, 1 December 2026");
		tvalue_set_str(m, "meeting_time", "10:00");
	} else
		tvalue_set_null(ctx, "previous");
	set_person(ctx, "org", "Partnerships Office",
	    "partnerships@example.org");
	tvalue_set_str(ctx, "checkin_command",
	    "touchbase checkin riverside-peds");
	return ctx;
}

static struct tvalue *
sample_digest(bool sparse)
{
	struct tvalue *ctx = tvalue_new_map(), *m, *l;
	static const char *const groups[] = { "escalated", "overdue", "due",
	    "healthy" };

	tvalue_set_str(ctx, "kind", "digest");
	set_person(ctx, "org", "Partnerships Office",
	    "partnerships@example.org");
	set_person(ctx, "recipient", "Leadership", "leadership@example.org");
	tvalue_set_str(ctx, "today", "2026-11-23");
	tvalue_set_str(ctx, "today_long", "Monday, 23 November 2026");
	tvalue_set_str(ctx, "week", "2026-W48");
	tvalue_set_str(ctx, "scope", "all partnerships");
	m = tvalue_set_map(ctx, "counts");
	tvalue_set_int(m, "total", sparse ? 0 : 4);
	for (size_t g = 0; g < 4; g++)
		tvalue_set_int(m, groups[g], sparse ? 0 : 1);
	for (size_t g = 0; g < 4; g++) {
		l = tvalue_set_list(ctx, groups[g]);
		if (sparse)
			continue;
		m = tvalue_list_add_map(l);
		tvalue_set_str(m, "key", "harbor-foods");
		tvalue_set_str(m, "name", "Harbor Foods & Co <Kids' Fund>");
		tvalue_set_str(m, "cadence", "monthly");
		tvalue_set_str(m, "last_checkin", g == 0 ? NULL : "2026-09-01");
		if (g == 0)
			tvalue_set_null(m, "days_since");
		else
			tvalue_set_int(m, "days_since", 83);
		tvalue_set_str(m, "next_due", "2026-11-02");
		tvalue_set_int(m, "days_overdue", g < 2 ? 21 : 0);
		tvalue_set_int(m, "days_until_due", g < 2 ? 0 : 4);
		set_person(m, "owner", "Sam Ortiz", "sam@example.org");
	}
	return ctx;
}

static struct template_set *
load_defaults(void)
{
	char *dir = templates_dir(), *err = NULL;
	const char *dirs[] = { dir };
	struct template_set *set = template_set_load(dirs, 1, &err);

	ck_assert_msg(set != NULL, "%s", err);
	free(dir);
	return set;
}

/* Every default template parses and uses only documented variables. */
START_TEST(test_default_check)
{
	struct template_set *set = load_defaults();
	bool digest = strcmp(names[_i / 2], "digest") == 0;
	struct tvalue *schema = digest ? test_digest_schema() : test_schema();
	enum template_escape e = _i % 2 ? TEMPLATE_HTML : TEMPLATE_PLAIN;
	const struct template *t = template_set_get(set, names[_i / 2], e);
	char *err = NULL, *want;

	ck_assert_ptr_nonnull(t);
	want = xasprintf("%s/templates/%s.%s", srcdir, names[_i / 2],
	    e == TEMPLATE_HTML ? "html" : "txt");
	ck_assert_str_eq(template_set_path(set, names[_i / 2], e), want);
	ck_assert_msg(template_check(t, schema, &err) == 0, "%s", err);
	free(want);
	tvalue_free(schema);
	template_set_free(set);
}
END_TEST

static size_t
columns(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

/* Header lines, a blank line, a body; body lines fit in 78 columns. */
static void
check_rendered_text(const char *name, const char *text)
{
	const char *p = text, *nl, *colon;
	bool subject = false;

	for (; *p != '\n'; p = nl + 1) {
		ck_assert_msg((nl = strchr(p, '\n')) != NULL,
		    "%s: no blank line after the headers", name);
		colon = memchr(p, ':', nl - p);
		ck_assert_msg(colon != NULL && colon > p && colon[1] == ' ' &&
		    colon + 2 < nl && strcspn(p, " :") == (size_t)(colon - p),
		    "%s: bad header line \"%.*s\"", name, (int)(nl - p), p);
		subject |= strncmp(p, "Subject: ", 9) == 0;
	}
	ck_assert_msg(subject, "%s: no Subject", name);
	ck_assert_msg(strlen(p + 1) > 40, "%s: body too short", name);
	for (p++; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		ck_assert_msg(columns(p, nl - p) <= 78, "%s: line too long: "
		    "\"%.*s\"", name, (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
}

static void
check_rendered_html(const char *name, const char *html)
{
	static const char *const banned[] = { "<script", "src=", "http:",
	    "https:", "<link", "url(", "@import", "{{", "}}" };

	ck_assert_msg(strncmp(html, "<!DOCTYPE html>\n<html", 21) == 0,
	    "%s: not an HTML document", name);
	ck_assert_msg(strstr(html, "</body>\n</html>\n") != NULL,
	    "%s: unterminated document", name);
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		ck_assert_msg(strcasestr(html, banned[i]) == NULL,
		    "%s: contains \"%s\"", name, banned[i]);
}

/* Render each default with full and sparse data and look at the result. */
START_TEST(test_default_render)
{
	struct template_set *set = load_defaults();
	const char *name = names[_i / 2];
	bool sparse = _i % 2, digest = strcmp(name, "digest") == 0;
	struct tvalue *ctx = digest ? sample_digest(sparse) :
	    sample_message(name, sparse);
	struct buf txt, html;

	buf_init(&txt);
	buf_init(&html);
	ck_assert_int_eq(template_render(template_set_get(set, name, TEMPLATE_PLAIN), ctx, &txt, NULL), 0);
	ck_assert_int_eq(template_render(template_set_get(set, name, TEMPLATE_HTML), ctx, &html, NULL), 0);
	check_rendered_text(name, buf_str(&txt));
	check_rendered_html(name, buf_str(&html));
	ck_assert_ptr_null(strstr(buf_str(&txt), "{{"));
	if (digest) {
		/* Untrusted names are escaped in HTML, not in text. */
		ck_assert(sparse || strstr(buf_str(&html),
		    "Harbor Foods &amp; Co &lt;Kids&#39; Fund&gt;") != NULL);
		ck_assert(sparse || strstr(buf_str(&txt),
		    "Harbor Foods & Co <Kids' Fund>") != NULL);
		ck_assert(!sparse || strstr(buf_str(&txt), "None.") != NULL);
	} else if (strcmp(name, "invitation") == 0 ||
	    strcmp(name, "cancel") == 0 || strcmp(name, "update") == 0) {
		/* Read by partner contacts: no commands, no internal states. */
		ck_assert_ptr_null(strcasestr(buf_str(&txt), "touchbase"));
		ck_assert_ptr_null(strcasestr(buf_str(&html), "touchbase"));
		ck_assert_ptr_null(strcasestr(buf_str(&txt), "overdue"));
		ck_assert_ptr_null(strcasestr(buf_str(&html), "escalat"));
		ck_assert_ptr_nonnull(strstr(buf_str(&txt), "Dear "));
	} else if (strcmp(name, "declined") == 0 ||
	    strcmp(name, "counter") == 0 ||
	    strcmp(name, "confirmation") == 0) {
		/* Notices to the owner: what happened, and the partner. */
		ck_assert_ptr_nonnull(strstr(buf_str(&txt), "Riverside"));
		ck_assert_ptr_nonnull(strstr(buf_str(&html), "Riverside"));
	} else {
		/* Owners have no shell: they reply "done" by email. */
		ck_assert_ptr_nonnull(strstr(buf_str(&txt), "done"));
		ck_assert_ptr_nonnull(strstr(buf_str(&html), "done"));
		ck_assert_ptr_null(strstr(buf_str(&txt), "touchbase checkin"));
		ck_assert_ptr_nonnull(strstr(buf_str(&txt), sparse ?
		    "none on record" : "Tuesday, 1 September 2026"));
	}
	if (strcmp(name, "update") == 0)
		ck_assert_ptr_nonnull(strstr(buf_str(&txt),
		    "Tuesday, 1 December 2026"));
	buf_reset(&txt);
	buf_reset(&html);
	tvalue_free(ctx);
	template_set_free(set);
}
END_TEST

/* The sources: a .txt starts with a comment for the admin, fits in 78
 * columns; a .html has no header lines. */
START_TEST(test_default_source)
{
	char *dir = templates_dir(), *path, *text, *p, *nl;
	size_t line = 1;

	path = xasprintf("%s/%s.txt", dir, names[_i]);
	ck_assert_ptr_nonnull(text = slurp(path, NULL));
	ck_assert_msg(strncmp(text, "{{! ", 4) == 0, "%s: no comment", path);
	p = strstr(text, "}}");
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(memmem(text, p - text, "touchbase-templates(5)", 22),
	    "%s: comment does not point to touchbase-templates(5)", path);
	for (p = text; *p != '\0'; p = nl + 1, line++) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		ck_assert_msg(columns(p, nl - p) < 78, "%s:%zu: line too long",
		    path, line);
		if (*nl == '\0')
			break;
	}
	free(text);
	free(path);
	path = xasprintf("%s/%s.html", dir, names[_i]);
	ck_assert_ptr_nonnull(text = slurp(path, NULL));
	ck_assert_msg(strncmp(text, "<!DOCTYPE html>", 15) == 0, "%s", path);
	free(text);
	free(path);
	free(dir);
}
END_TEST

int
main(void)
{
	static const char *const spec_files[] = { "comments.json",
	    "interpolation.json", "inverted.json", "sections.json" };
	Suite *s = suite_create("template");
	SRunner *sr;
	TCase *tc;
	sqlite3 *db;
	int failed;

	if (getenv("srcdir") != NULL)
		srcdir = getenv("srcdir");
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return EXIT_FAILURE;
	for (size_t i = 0; i < 4; i++)
		if (load_spec(db, spec_files[i]) == 0) {
			fprintf(stderr, "check_template: %s: no tests\n",
			    spec_files[i]);
			return EXIT_FAILURE;
		}
	sqlite3_close(db);

	tc = tcase_create("spec");
	tcase_add_loop_test(tc, test_spec, 0, nspec);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_render, 0,
	    sizeof render_cases / sizeof render_cases[0]);
	tcase_add_test(tc, test_tvalue);
	tcase_add_test(tc, test_render_many);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_parse_error, 0,
	    sizeof error_cases / sizeof error_cases[0]);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_render_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_loop_test(tc, test_check, 0,
	    sizeof check_cases / sizeof check_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_set_override);
	suite_add_tcase(s, tc);
	tc = tcase_create("defaults");
	tcase_add_loop_test(tc, test_default_check, 0, NNAMES * 2);
	tcase_add_loop_test(tc, test_default_render, 0, NNAMES * 2);
	tcase_add_loop_test(tc, test_default_source, 0, NNAMES);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (size_t i = 0; i < nspec; i++) {
		free(spec_cases[i].file);
		free(spec_cases[i].name);
		free(spec_cases[i].tmpl);
		free(spec_cases[i].expected);
		free(spec_cases[i].data);
	}
	free(spec_cases);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
