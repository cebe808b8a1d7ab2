/* cmd.c: helpers shared by the command files. */
#include "cmd.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "suggest.h"
#include "text.h"
#include "tz.h"

/* Longest message shown, in bytes: past it, "..." */
#define SHOWN_MAX 2000

/* Report "touchbase: MESSAGE" with what the message quotes of people's
 * input made fit for a terminal: controls and bytes that are not UTF-8
 * shown as \xNN, a value of a megabyte cut short. */
static void TB_PRINTF(1, 0)
print_error(const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap), *shown = log_escape(msg);
	size_t n = strlen(shown);

	if (n > SHOWN_MAX) {
		n = SHOWN_MAX;
		while (n > 0 && ((unsigned char)shown[n] & 0xc0) == 0x80)
			n--;
	}
	/* To standard error or syslog, as the log module sends errors. */
	log_error("%.*s%s", (int)n, shown, shown[n] != '\0' ? "..." : "");
	free(shown);
	free(msg);
}

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
}

void
cmd_error_lines(const char *text)
{
	size_t n;

	for (const char *p = text; *p != '\0'; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		cmd_error("%.*s", (int)n, p);
	}
}

/* The length of the command's name at the start of a synopsis: its
 * lower-case words ("partner add" of "partner add NAME --owner ..."). */
static size_t
usage_name_len(const char *synopsis)
{
	size_t n = 0, w;

	while ((w = strspn(synopsis + n, "abcdefghijklmnopqrstuvwxyz")) > 0 &&
	    (synopsis[n + w] == ' ' || synopsis[n + w] == '\0')) {
		n += w;
		if (synopsis[n] == '\0' || strchr("abcdefghijklmnopqrstuvwxyz",
		    synopsis[n + 1]) == NULL || synopsis[n + 1] == '\0')
			break;
		n++;
	}
	while (n > 0 && synopsis[n - 1] == ' ')
		n--;
	return n;
}

enum cmd_status
cmd_print_usage(const struct cmd_usage *u, bool help)
{
	FILE *f = help ? stdout : stderr;

	fprintf(f, "usage: touchbase %s\n", u->synopsis);
	if (help && u->help != NULL)
		fprintf(f, "\n%s", u->help);
	else if (!help)
		fprintf(f, "Run \"touchbase %.*s --help\" for details.\n",
		    (int)usage_name_len(u->synopsis), u->synopsis);
	return help ? CMD_OK : CMD_USAGE;
}

enum cmd_status
cmd_usage_error(const struct cmd_usage *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	return cmd_print_usage(u, false);
}

const struct cmd_usage *
cmd_find_sub(const struct cmd_usage *group, const struct cmd_usage *subs,
    size_t n, const char *sub)
{
	char **names = xcalloc(n + 1, sizeof *names);
	const struct cmd_usage *found = NULL;
	char *near;

	for (size_t i = 0; i < n; i++) {
		const char *s = subs[i].synopsis;
		size_t len = usage_name_len(s), skip = strcspn(s, " ") + 1;

		names[i] = xstrndup(s + skip, len > skip ? len - skip : 0);
		if (found == NULL && strcmp(names[i], sub) == 0)
			found = &subs[i];
	}
	if (found == NULL) {
		near = suggest_list(sub, (const char *const *)names, n, 3);
		cmd_usage_error(group, "unknown %.*s subcommand \"%s\"%s%s%s",
		    (int)strcspn(group->synopsis, " "), group->synopsis, sub,
		    near ? "; did you mean " : "", near ? near : "",
		    near ? "?" : "");
		free(near);
	}
	strv_free(names, n);
	return found;
}

int
cmd_parse_state(const struct cmd_usage *u, const char *name)
{
	for (int s = STATE_OK; s <= STATE_UNSCHEDULED; s++)
		if (strcmp(name, state_name(s)) == 0)
			return s;
	if (strcmp(name, "archived") == 0)
		return CMD_STATE_ARCHIVED;
	cmd_usage_error(u, "--state: \"%s\" is not ok, due, overdue, "
	    "escalated, unscheduled or archived", name);
	return -1;
}

static int
collect_key(const struct partner *p, void *arg)
{
	struct buf *keys = arg;

	buf_adds(keys, p->key);
	buf_addc(keys, '\0');
	return 0;
}

enum cmd_status
cmd_key_status(struct book *book, const char *key, int rc, char *err)
{
	const char **names = NULL;
	struct buf keys;
	struct partner p;
	char *near = NULL, *e2 = NULL;
	size_t n = 0;

	if (rc != BOOK_NOT_FOUND || key == NULL)
		return cmd_book_status(book, rc, err);
	/* Not found may be a contact; the partner is there. */
	if (book_partner_get(book, key, &p, &e2) == BOOK_OK) {
		partner_reset(&p);
		return cmd_book_status(book, rc, err);
	}
	free(e2);
	e2 = NULL;
	buf_init(&keys);
	if (book_partner_foreach(book, true, collect_key, &keys, &e2) == 0) {
		for (size_t i = 0; i < keys.len; i += strlen(keys.data + i) + 1)
			n++;
		names = xcalloc(n + 1, sizeof *names);
		n = 0;
		for (size_t i = 0; i < keys.len; i += strlen(keys.data + i) + 1)
			names[n++] = keys.data + i;
		near = suggest_list(key, names, n, 3);
	}
	free(e2);
	cmd_error("%s%s%s%s", err ? err : key, near ? "; did you mean " : "",
	    near ? near : "", near ? "?" : "");
	free(near);
	free(names);
	buf_reset(&keys);
	free(err);
	return CMD_DATAERR;
}

enum cmd_status
cmd_fault_status(enum fault f)
{
	switch (f) {
	case FAULT_LOCKED:
		return CMD_TEMPFAIL;
	case FAULT_IO:
		return CMD_IOERR;
	case FAULT_NOPERM:
		return CMD_NOPERM;
	case FAULT_NOTDB:
		return CMD_DATAERR;
	case FAULT_MISSING:
		return CMD_NOINPUT;
	default:
		return CMD_SOFTWARE;
	}
}

enum cmd_status
cmd_book_status(const struct book *book, int rc, char *err)
{
	if (rc != 0 && err != NULL)
		cmd_error("%s", err);
	free(err);
	switch (rc) {
	case BOOK_OK:
		return CMD_OK;
	case BOOK_INVALID:
	case BOOK_NOT_FOUND:
	case BOOK_EXISTS:
		return CMD_DATAERR;
	default:
		return cmd_fault_status(book != NULL ? book_fault(book) :
		    FAULT_NONE);
	}
}

enum cmd_status
cmd_open_book(struct cmd_ctx *ctx, struct book *book)
{
	enum fault fault = FAULT_NONE;
	char *err = NULL;
	int rc;

	rc = book_open(book, ctx->db_path, false, &ctx->cfg, NULL, NULL, &fault,
	    &err);
	if (rc != 0)
		cmd_error("%s", err);
	free(err);
	if (rc == BOOK_INVALID)
		return CMD_CONFIG;
	return rc == 0 ? CMD_OK : cmd_fault_status(fault);
}

void
cmd_close_book(struct book *book)
{
	book_close(book);
}

enum cmd_status
cmd_open_composer(struct cmd_ctx *ctx, struct book *book,
    struct composer *composer)
{
	enum cmd_status st;
	char *err = NULL;

	if ((st = cmd_open_book(ctx, book)) != CMD_OK)
		return st;
	if (composer_init(composer, book, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		cmd_close_book(book);
		return CMD_CONFIG;
	}
	return CMD_OK;
}

void
cmd_close_composer(struct book *book, struct composer *composer)
{
	composer_reset(composer);
	cmd_close_book(book);
}

enum cmd_status
cmd_parse_now(const struct cmd_ctx *ctx, const char *arg, time_t *now)
{
	char *err = NULL;

	if (arg == NULL) {
		*now = ctx->now;
		return CMD_OK;
	}
	if (tz_parse_now(arg, ctx->cfg.timezone, now, &err) != 0) {
		cmd_error("--now: %s", err);
		free(err);
		return CMD_USAGE;
	}
	return CMD_OK;
}

char *
cmd_as_of(const char *tz, time_t now)
{
	char day[DATE_STRLEN], *err = NULL;
	struct tb_date today;

	if (str_empty(tz))
		tz = "UTC";
	if (tz_local_date(now, tz, &today, &err) != 0) {
		free(err);
		return xstrdup("as of an unknown date");
	}
	return xasprintf("as of %s (%s)", date_format(today, day), tz);
}

/* s as a JSON string: quotes, backslashes and controls escaped. */
static void
json_string(struct buf *out, const char *s)
{
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(out, '\\');
		if ((unsigned char)*s < 0x20)
			buf_printf(out, "\\u%04x", (unsigned char)*s);
		else
			buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

void
cmd_json_open(struct buf *out, const char *tz, time_t now, const char *member)
{
	char day[DATE_STRLEN], *err = NULL;
	struct tb_date today;

	buf_printf(out, "{\"version\": %d, ", CMD_JSON_VERSION);
	if (tz != NULL) {
		if (*tz == '\0')
			tz = "UTC";
		if (tz_local_date(now, tz, &today, &err) == 0) {
			buf_adds(out, "\"today\": ");
			json_string(out, date_format(today, day));
			buf_adds(out, ", ");
		}
		free(err);
		buf_adds(out, "\"timezone\": ");
		json_string(out, tz);
		buf_adds(out, ", ");
	}
	json_string(out, member);
	buf_adds(out, ": [");
}

void
cmd_json_close(struct buf *out, bool empty)
{
	buf_adds(out, empty ? "]}\n" : "\n]}\n");
}

enum cmd_status
cmd_write(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		/* A reader that has enough (head) is not an error. */
		if (errno == EPIPE)
			return CMD_OK;
		cmd_error("writing to standard output failed: %s",
		    strerror(errno));
		return CMD_IOERR;
	}
	return CMD_OK;
}

size_t
cmd_term_width(void)
{
	struct winsize ws;
	const char *env;
	char *end;
	long n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((env = getenv("COLUMNS")) != NULL) {
		n = strtol(env, &end, 10);
		if (*env != '\0' && *end == '\0' && n > 0 && n <= 10000)
			return (size_t)n;
	}
	return 80;
}

bool
cmd_color(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && str_empty(no) &&
	    (term == NULL || strcmp(term, "dumb") != 0);
}

void
table_init(struct table *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	table_add(t, header);
}

void
table_add(struct table *t, const char *const *row)
{
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	/* Names are untrusted: no escape sequence reaches the terminal. */
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = log_escape(row[c] ? row[c] :
		    "-");
	t->nrows++;
}

/* Narrow the columns that may be, widest first, until a line fits in
 * t->width. */
static void
table_fit(const struct table *t, size_t *width)
{
	size_t total = 2 * (t->ncols - 1), widest;

	for (size_t c = 0; c < t->ncols; c++)
		total += width[c];
	while (total > t->width) {
		widest = t->ncols;
		for (size_t c = 0; c < t->ncols; c++)
			if (t->min_width[c] > 0 && width[c] > t->min_width[c] &&
			    (widest == t->ncols || width[c] > width[widest]))
				widest = c;
		if (widest == t->ncols)
			break;		/* as narrow as it goes */
		width[widest]--;
		total--;
	}
}

void
table_print(const struct table *t, FILE *f)
{
	size_t *width = xcalloc(t->ncols, sizeof *width);

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	if (t->width > 0 && t->min_width != NULL)
		table_fit(t, width);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			char *cell = text_fit(t->cells[r * t->ncols + c],
			    width[c]);
			const char *sgr = r > 0 && c == t->color_col &&
			    t->color != NULL ? t->color(cell) : NULL;

			fprintf(f, "%s%s%s", sgr ? sgr : "", cell,
			    sgr ? "\033[0m" : "");
			if (c + 1 < t->ncols)
				fprintf(f, "%*s", (int)(width[c] -
				    text_width(cell) + 2), "");
			free(cell);
		}
		fputc('\n', f);
	}
	free(width);
}

void
table_reset(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}
