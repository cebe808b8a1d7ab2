/*
 * template.c: the Mustache subset of template.h.  A template is parsed
 * once into a flat array of nodes: a section's children follow it and its
 * `end` points past them, so rendering and checking are plain walks over
 * the array with the context stack kept in frames on the C stack.
 */
#include "template.h"
#include "template_impl.h"
#include "file.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Templates are small; anything bigger is a mistake, not a template. */
#define TEMPLATE_MAX_SIZE	(1024 * 1024)
/* Deeper nesting only risks the C stack while rendering. */
#define TEMPLATE_MAX_DEPTH	64
/*
 * Sections nested over lists multiply: ten levels over a list of four
 * visit a million nodes.  A render stops after this many node visits or
 * this much output, so that a template and a book cannot together hang
 * or exhaust a run; the message fails alone.
 */
#define TEMPLATE_MAX_STEPS	(10UL * 1000 * 1000)
#define TEMPLATE_MAX_OUTPUT	((size_t)128 * 1024 * 1024)

enum node_type { NODE_TEXT, NODE_VAR, NODE_RAW, NODE_SECTION, NODE_INVERTED };

struct node {
	enum node_type	  type;
	size_t		  off;		/* text: a slice of the source */
	size_t		  len;
	char		 *name;		/* as written, for messages */
	char		 *partbuf;	/* name with the dots made NULs */
	char		**parts;	/* none for "." */
	size_t		  nparts;
	size_t		  end;		/* sections: index past the children */
	unsigned	  line;
	unsigned	  column;
};

struct template {
	char			*name;
	char			*src;
	enum template_escape	 escape;
	struct node		*nodes;
	size_t			 nnodes;
	size_t			 cap;
};

/* A context stack entry; the innermost frame is searched first. */
struct frame {
	const struct tvalue	*v;
	const struct frame	*up;
};

/* Parsing. */

struct parser {
	struct template	*t;
	const char	*text;
	size_t		 len;
	size_t		 cur;		/* position cursor: offset, */
	unsigned	 line;		/* its line */
	unsigned	 column;	/* and column, in characters */
	size_t		 open[TEMPLATE_MAX_DEPTH];	/* open sections */
	size_t		 depth;
};

struct tag {
	char		 sigil;		/* 0 or one of { & # ^ / ! */
	size_t		 open;		/* offset of the "{{" */
	size_t		 end;		/* offset past the closing braces */
	const char	*name;		/* trimmed */
	size_t		 namelen;
};

/* Move the cursor to off, counting lines and UTF-8 characters. */
static void
locate(struct parser *ps, size_t off)
{
	if (off < ps->cur) {
		ps->cur = 0;
		ps->line = ps->column = 1;
	}
	for (; ps->cur < off; ps->cur++) {
		unsigned char c = ps->text[ps->cur];

		if (c == '\n') {
			ps->line++;
			ps->column = 1;
		} else if ((c & 0xc0) != 0x80)
			ps->column++;
	}
}

static int TB_PRINTF(4, 5)
parse_err(struct parser *ps, size_t off, char **err, const char *fmt, ...)
{
	va_list ap;
	char *why;

	locate(ps, off);
	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	set_err(err, "%s:%u:%u: %s", ps->t->name, ps->line, ps->column, why);
	free(why);
	return -1;
}

/* Mail parts are declared UTF-8: refuse anything else up front. */
static int
check_text(struct parser *ps, char **err)
{
	const unsigned char *s = (const unsigned char *)ps->text;
	size_t i = 0, n;

	while (i < ps->len) {
		if (s[i] == '\0')
			return parse_err(ps, i, err, "NUL byte in template");
		/* Of the controls only TAB and line breaks: an escape
		 * would reach a subject line or a terminal. */
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r') || s[i] == 0x7f)
			return parse_err(ps, i, err, "control character \\x%02x "
			    "in template", s[i]);
		if ((n = text_utf8_seq(s + i, ps->len - i)) == 0)
			return parse_err(ps, i, err, "invalid UTF-8");
		i += n;
	}
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
name_valid(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return true;
	if (name[0] == '.' || name[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c <= ' ' || c == 0x7f || c == '{' || c == '}')
			return false;
		if (c == '.' && name[i + 1] == '.')
			return false;
	}
	return true;
}

/* Tag kinds of full Mustache that touchbase does not support. */
static const char *
unsupported_why(char sigil)
{
	static const char *const kinds[] = { ">partial", "=delimiter change",
	    "<template inheritance", "$template inheritance", "%pragma" };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i][0] == sigil)
			return kinds[i] + 1;
	return NULL;
}

/* Read the tag whose "{{" is at open. */
static int
scan_tag(struct parser *ps, size_t open, struct tag *tag, char **err)
{
	const char *text = ps->text, *close, *start, *stop, *closing = "}}";
	const char *why;
	size_t i = open + 2;

	memset(tag, 0, sizeof *tag);
	tag->open = open;
	if (i < ps->len && text[i] != '\0' && strchr("{&#^/!>=<$%", text[i]))
		tag->sigil = text[i++];
	if ((why = unsupported_why(tag->sigil)) != NULL)
		return parse_err(ps, open, err, "unsupported tag kind "
		    "\"{{%c\" (%s)", tag->sigil, why);
	if (tag->sigil == '{')
		closing = "}}}";
	close = memmem(text + i, ps->len - i, closing, strlen(closing));
	if (close == NULL || (tag->sigil != '!' &&
	    memmem(text + i, close - (text + i), "{{", 2) != NULL))
		return parse_err(ps, open, err, "unclosed tag: \"%s\" without "
		    "\"%s\"", tag->sigil == '{' ? "{{{" : "{{", closing);
	tag->end = close - text + strlen(closing);
	if (tag->sigil == '!')
		return 0;
	for (start = text + i, stop = close; start < stop && is_blank(*start);)
		start++;
	while (stop > start && is_blank(stop[-1]))
		stop--;
	if (start == stop)
		return parse_err(ps, open, err, "empty tag");
	tag->name = start;
	tag->namelen = stop - start;
	if (!name_valid(tag->name, tag->namelen))
		return parse_err(ps, open, err, "invalid name \"%.*s\"",
		    (int)tag->namelen, tag->name);
	return 0;
}

/*
 * The spec's standalone rule: a section, inverted, close or comment tag
 * with only blanks around it on its line takes the whole line with it.
 * Sets [*from, *to) to the span to drop.
 */
static bool
standalone(const struct parser *ps, const struct tag *tag, size_t *from,
    size_t *to)
{
	const char *text = ps->text;
	size_t i = tag->open, j = tag->end;

	if (tag->sigil == 0 || strchr("#^/!", tag->sigil) == NULL)
		return false;
	while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
		i--;
	if (i > 0 && text[i - 1] != '\n')
		return false;
	while (j < ps->len && (text[j] == ' ' || text[j] == '\t'))
		j++;
	if (j < ps->len) {
		if (text[j] == '\n')
			j++;
		else if (text[j] == '\r' && j + 1 < ps->len &&
		    text[j + 1] == '\n')
			j += 2;
		else
			return false;
	}
	*from = i;
	*to = j;
	return true;
}

static struct node *
add_node(struct parser *ps, enum node_type type)
{
	struct template *t = ps->t;
	struct node *n;

	if (t->nnodes == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static void
add_text(struct parser *ps, size_t from, size_t to)
{
	struct node *n;

	if (to <= from)
		return;
	n = add_node(ps, NODE_TEXT);
	n->off = from;
	n->len = to - from;
}

static void
add_name(struct parser *ps, const struct tag *tag, enum node_type type)
{
	struct node *n = add_node(ps, type);
	char *rest, *part;

	locate(ps, tag->open);
	n->line = ps->line;
	n->column = ps->column;
	n->name = xstrndup(tag->name, tag->namelen);
	if (strcmp(n->name, ".") == 0)
		return;
	rest = n->partbuf = xstrdup(n->name);
	while ((part = strsep(&rest, ".")) != NULL) {
		n->parts = xreallocarray(n->parts, n->nparts + 1,
		    sizeof *n->parts);
		n->parts[n->nparts++] = part;
	}
}

static int
add_close(struct parser *ps, const struct tag *tag, char **err)
{
	struct node *n;

	if (ps->depth == 0)
		return parse_err(ps, tag->open, err, "mismatched close "
		    "\"{{/%.*s}}\": no section is open", (int)tag->namelen,
		    tag->name);
	n = &ps->t->nodes[ps->open[ps->depth - 1]];
	if (strlen(n->name) != tag->namelen ||
	    strncmp(n->name, tag->name, tag->namelen) != 0)
		return parse_err(ps, tag->open, err, "mismatched close "
		    "\"{{/%.*s}}\": expected \"{{/%s}}\"", (int)tag->namelen,
		    tag->name, n->name);
	n->end = ps->t->nnodes;
	ps->depth--;
	return 0;
}

static int
add_tag(struct parser *ps, const struct tag *tag, char **err)
{
	switch (tag->sigil) {
	case '!':
		return 0;
	case '/':
		return add_close(ps, tag, err);
	case '#':
	case '^':
		if (ps->depth == TEMPLATE_MAX_DEPTH)
			return parse_err(ps, tag->open, err, "sections nested "
			    "more than %d deep", TEMPLATE_MAX_DEPTH);
		ps->open[ps->depth++] = ps->t->nnodes;
		add_name(ps, tag, tag->sigil == '#' ? NODE_SECTION :
		    NODE_INVERTED);
		return 0;
	case '{':
	case '&':
		add_name(ps, tag, NODE_RAW);
		return 0;
	default:
		add_name(ps, tag, NODE_VAR);
		return 0;
	}
}

static int
parse_nodes(struct parser *ps, char **err)
{
	const char *text = ps->text, *open;
	size_t start = 0, from, to;
	struct tag tag;
	struct node *n;

	while ((open = memmem(text + start, ps->len - start, "{{", 2)) !=
	    NULL) {
		if (scan_tag(ps, open - text, &tag, err) != 0)
			return -1;
		if (standalone(ps, &tag, &from, &to)) {
			add_text(ps, start, from);
			start = to;
		} else {
			add_text(ps, start, tag.open);
			start = tag.end;
		}
		if (add_tag(ps, &tag, err) != 0)
			return -1;
	}
	add_text(ps, start, ps->len);
	if (ps->depth > 0) {
		n = &ps->t->nodes[ps->open[ps->depth - 1]];
		return set_err(err, "%s:%u:%u: unclosed section \"%s\"",
		    ps->t->name, n->line, n->column, n->name);
	}
	return 0;
}

struct template *
template_parse(const char *name, const char *text, size_t len,
    enum template_escape escape, char **err)
{
	struct template *t = xcalloc(1, sizeof *t);
	struct parser ps;

	t->name = xstrdup(name);
	t->escape = escape;
	t->src = xmalloc(len + 1);
	memcpy(t->src, text, len);
	t->src[len] = '\0';
	memset(&ps, 0, sizeof ps);
	ps.t = t;
	ps.text = t->src;
	ps.len = len;
	ps.line = ps.column = 1;
	if (check_text(&ps, err) != 0 || parse_nodes(&ps, err) != 0) {
		template_free(t);
		return NULL;
	}
	return t;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nnodes; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].partbuf);
		free(t->nodes[i].parts);
	}
	free(t->nodes);
	free(t->src);
	free(t->name);
	free(t);
}

const char *
template_name(const struct template *t)
{
	return t->name;
}

/* A template is a regular file (a FIFO in the templates directory must
 * not hang us) of at most 1 MiB. */
static char *
read_file(const char *path, size_t *len, bool *missing, char **err)
{
	return file_read(path, TEMPLATE_MAX_SIZE, FILE_REGULAR, len, missing,
	    err);
}

static bool
is_html_path(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcmp(path + n - 5, ".html") == 0;
}

/* Parse file text, skipping the byte order mark some editors write. */
static struct template *
parse_file_text(const char *path, const char *text, size_t len, char **err)
{
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	/* cppcheck-suppress CastIntegerToAddressAtReturn ; a pointer */
	return template_parse(path, text, len, is_html_path(path) ?
	    TEMPLATE_HTML : TEMPLATE_MAIL, err);
}

struct template *
template_load(const char *path, char **err)
{
	struct template *t;
	size_t len;
	char *text;

	if ((text = read_file(path, &len, NULL, err)) == NULL)
		return NULL;
	t = parse_file_text(path, text, len, err);
	free(text);
	return t;
}

/* Rendering and checking. */

static const struct tvalue *
resolve(const struct node *n, const struct frame *f)
{
	const struct tvalue *v = NULL;

	if (n->nparts == 0)
		return f != NULL ? f->v : NULL;
	/* Only the first part searches the stack; the rest must follow. */
	for (; f != NULL; f = f->up)
		if ((v = tvalue_get(f->v, n->parts[0])) != NULL)
			break;
	for (size_t i = 1; v != NULL && i < n->nparts; i++)
		v = tvalue_get(v, n->parts[i]);
	return v;
}

/* Falsey: missing, null, false, "" and the empty list. */
static bool
truthy(const struct tvalue *v)
{
	return v != NULL && (v->type == TV_MAP ||
	    (v->type == TV_BOOL && v->b) ||
	    (v->type == TV_STR && v->s[0] != '\0') ||
	    (v->type == TV_LIST && v->n > 0));
}

enum emit_mode { EMIT_PLAIN, EMIT_HTML, EMIT_HEADER };

static void
emit(struct buf *out, const struct tvalue *v, enum emit_mode mode)
{
	static const char controls[] = "\x01\x02\x03\x04\x05\x06\x07\x08"
	    "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
	    "\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f";
	const char *s;
	size_t n;

	if (v == NULL || (v->type != TV_STR && v->type != TV_BOOL))
		return;
	s = v->type == TV_STR ? v->s : v->b ? "true" : "false";
	if (mode == EMIT_HTML) {
		buf_add_html(out, s, strlen(s));
		return;
	}
	/* A header value stays on its line: controls become spaces. */
	while (*s != '\0') {
		n = mode == EMIT_HEADER ? strcspn(s, controls) : strlen(s);
		buf_add(out, s, n);
		if (*(s += n) == '\0')
			break;
		buf_addc(out, ' ');
		s++;
	}
}

/*
 * Where rendering stands.  A MAIL template is in its header block until
 * the output has an empty line, as message_split_template() reads it;
 * values there never hold a line break, so none can end the block or
 * start a header line.
 */
struct render {
	struct buf	*out;
	bool		 head;
	size_t		 line;		/* offset in out of the current line */
	size_t		 start;		/* out's length before rendering */
	unsigned long	 steps;		/* nodes visited */
	bool		 over;		/* a limit was reached */
};

static void
render_text(struct render *r, const char *text, size_t len)
{
	size_t from = r->out->len;

	buf_add(r->out, text, len);
	for (size_t i = from; r->head && i < r->out->len; i++) {
		if (r->out->data[i] != '\n')
			continue;
		if (i == r->line || (i == r->line + 1 &&
		    r->out->data[r->line] == '\r'))
			r->head = false;
		r->line = i + 1;
	}
}

static void
render_value(struct render *r, const struct template *t, const struct node *n,
    const struct tvalue *v)
{
	if (n->type == NODE_VAR && t->escape == TEMPLATE_HTML)
		emit(r->out, v, EMIT_HTML);
	else
		emit(r->out, v, r->head ? EMIT_HEADER : EMIT_PLAIN);
}

/* The index of the node after node i and, for a section, its children. */
static size_t
next_node(const struct template *t, size_t i)
{
	const struct node *n = &t->nodes[i];

	return n->type == NODE_SECTION || n->type == NODE_INVERTED ? n->end :
	    i + 1;
}

static void
render_nodes(const struct template *t, size_t from, size_t to,
    const struct frame *f, struct render *r)
{
	const struct node *n;
	const struct tvalue *v;
	struct frame sub;

	for (size_t i = from; i < to && !r->over; i = next_node(t, i)) {
		if (++r->steps > TEMPLATE_MAX_STEPS ||
		    r->out->len - r->start > TEMPLATE_MAX_OUTPUT) {
			r->over = true;
			break;
		}
		n = &t->nodes[i];
		switch (n->type) {
		case NODE_TEXT:
			render_text(r, t->src + n->off, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
			render_value(r, t, n, resolve(n, f));
			break;
		case NODE_SECTION:
			if (!truthy(v = resolve(n, f)))
				break;
			sub.up = f;
			if (v->type != TV_LIST) {
				sub.v = v;
				render_nodes(t, i + 1, n->end, &sub, r);
				break;
			}
			for (size_t k = 0; k < v->n && !r->over; k++) {
				sub.v = v->items[k];
				render_nodes(t, i + 1, n->end, &sub, r);
			}
			break;
		case NODE_INVERTED:
			if (!truthy(resolve(n, f)))
				render_nodes(t, i + 1, n->end, f, r);
			break;
		}
	}
}

int
template_render(const struct template *t, const struct tvalue *ctx,
    struct buf *out, char **err)
{
	struct frame root = { ctx, NULL };
	struct render r = { out, t->escape == TEMPLATE_MAIL, out->len,
	    out->len, 0, false };

	render_nodes(t, 0, t->nnodes, ctx != NULL ? &root : NULL, &r);
	if (!r.over)
		return 0;
	out->len = r.start;
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return set_err(err, "rendering stopped: more than %lu steps or "
	    "%zu MB of output (sections nested over long lists)",
	    TEMPLATE_MAX_STEPS, TEMPLATE_MAX_OUTPUT / (1024 * 1024));
}

static int
check_nodes(const struct template *t, size_t from, size_t to,
    const struct frame *f, char **err)
{
	const struct node *n;
	const struct tvalue *v;
	struct frame sub;

	for (size_t i = from; i < to; i = next_node(t, i)) {
		n = &t->nodes[i];
		if (n->type == NODE_TEXT)
			continue;
		if ((v = resolve(n, f)) == NULL)
			return set_err(err, "%s:%u:%u: unknown variable \"%s\"",
			    t->name, n->line, n->column, n->name);
		if (n->type == NODE_INVERTED &&
		    check_nodes(t, i + 1, n->end, f, err) != 0)
			return -1;
		if (n->type != NODE_SECTION)
			continue;
		/* As render would, with the schema's one list element. */
		sub.up = f;
		sub.v = v;
		if (v->type == TV_LIST)
			sub.v = v->n > 0 ? v->items[0] : NULL;
		if (check_nodes(t, i + 1, n->end, &sub, err) != 0)
			return -1;
	}
	return 0;
}

int
template_check(const struct template *t, const struct tvalue *schema,
    char **err)
{
	struct frame root = { schema, NULL };

	return check_nodes(t, 0, t->nnodes, &root, err);
}

/* Template sets. */

static const char *const set_names[] = { TEMPLATE_NAMES };
#define NSET_NAMES (sizeof set_names / sizeof set_names[0])

struct template_set {
	struct template	*t[NSET_NAMES][2];	/* [name][escape] */
	char		*path[NSET_NAMES][2];
};

/* Load FILE from the first directory that has it. */
static int
load_first(const char *const *dirs, size_t ndirs, const char *file,
    struct template **tp, char **pathp, char **err)
{
	struct buf tried;
	bool missing;
	size_t len;
	char *path, *text;

	buf_init(&tried);
	for (size_t i = 0; i < ndirs; i++) {
		if (dirs[i] == NULL)
			continue;
		path = xasprintf("%s/%s", dirs[i], file);
		missing = false;
		if ((text = read_file(path, &len, &missing, err)) == NULL) {
			free(path);
			if (!missing) {
				buf_reset(&tried);
				return -1;
			}
			buf_printf(&tried, "%s%s", tried.len ? ", " : "",
			    dirs[i]);
			continue;
		}
		*tp = parse_file_text(path, text, len, err);
		free(text);
		if (*tp == NULL) {
			free(path);
			buf_reset(&tried);
			return -1;
		}
		*pathp = path;
		buf_reset(&tried);
		return 0;
	}
	set_err(err, "template %s not found (looked in %s)", file,
	    tried.len ? buf_str(&tried) : "no directory");
	buf_reset(&tried);
	return -1;
}

struct template_set *
template_set_load(const char *const *dirs, size_t ndirs, char **err)
{
	struct template_set *set = xcalloc(1, sizeof *set);
	static const char *const ext[2] = { "txt", "html" };
	char *file;
	int rc;

	for (size_t i = 0; i < NSET_NAMES; i++)
		for (size_t e = 0; e < 2; e++) {
			file = xasprintf("%s.%s", set_names[i], ext[e]);
			rc = load_first(dirs, ndirs, file, &set->t[i][e],
			    &set->path[i][e], err);
			free(file);
			if (rc != 0) {
				template_set_free(set);
				return NULL;
			}
		}
	return set;
}

void
template_set_free(struct template_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < NSET_NAMES; i++)
		for (size_t e = 0; e < 2; e++) {
			template_free(set->t[i][e]);
			free(set->path[i][e]);
		}
	free(set);
}

static int
set_index(const struct template_set *set, const char *name,
    enum template_escape escape)
{
	(void)escape;
	if (set == NULL || name == NULL)
		return -1;
	for (size_t i = 0; i < NSET_NAMES; i++)
		if (strcmp(set_names[i], name) == 0)
			return (int)i;
	return -1;
}

const struct template *
template_set_get(const struct template_set *set, const char *name,
    enum template_escape escape)
{
	int i = set_index(set, name, escape);

	return i < 0 ? NULL : set->t[i][escape == TEMPLATE_HTML];
}

const char *
template_set_path(const struct template_set *set, const char *name,
    enum template_escape escape)
{
	int i = set_index(set, name, escape);

	return i < 0 ? NULL : set->path[i][escape == TEMPLATE_HTML];
}
