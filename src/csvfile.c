/* csvfile.c: RFC 4180 CSV through libcsv, and CSV writing. */
#include "csvfile.h"
#include "file.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

struct reader {
	const char	*name;
	csv_record_fn	 fn;
	void		*arg;
	char		**fields;
	size_t		 nfields;
	long		 line;		/* current line, from 1 */
	long		 start;		/* line where the record began */
	int		 stop;
	char		*err;		/* the first field that is not text */
	char		**header;	/* the first record, naming columns */
	size_t		 nheader;
};

static void
clear_fields(struct reader *r)
{
	strv_free(r->fields, r->nfields);
	r->fields = NULL;
	r->nfields = 0;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	const unsigned char *u = data;
	size_t i = 0, n;

	if (r->stop)
		return;
	/* A NUL would cut the field short without a word: refused, as is
	 * anything that is not UTF-8, naming the line and the column. */
	while (i < len && u[i] != '\0' && (n = text_utf8_seq(u + i,
	    len - i)) != 0)
		i += n;
	if (i < len) {
		size_t col = r->nfields + 1;
		bool named = col <= r->nheader;

		r->err = xasprintf("%s:%ld: column %zu%s%s%s: %s (byte %zu of "
		    "the field)", r->name, r->line, col, named ? " (" : "",
		    named ? r->header[col - 1] : "", named ? ")" : "",
		    u[i] == '\0' ? "has a NUL byte" : "is not valid UTF-8",
		    i + 1);
		r->stop = -1;
		return;
	}
	strv_add(&r->fields, &r->nfields, xstrndup(data ? data : "",
	    data ? len : 0));
}

static void
on_record(int c, void *arg)
{
	struct reader *r = arg;
	struct csv_record rec;

	(void)c; /* how the record ended (newline or end of input) */
	if (r->stop) {
		clear_fields(r);
		return;
	}
	/* A blank line is no record. */
	if (!(r->nfields == 1 && r->fields[0][0] == '\0') && r->nfields > 0) {
		rec.fields = r->fields;
		rec.nfields = r->nfields;
		rec.line = r->start;
		r->stop = r->fn(&rec, r->arg);
		if (r->header == NULL) {
			r->header = r->fields;
			r->nheader = r->nfields;
			r->fields = NULL;
			r->nfields = 0;
		}
	}
	clear_fields(r);
}

char
csv_detect_delimiter(const char *data, size_t len)
{
	static const char candidates[] = ",;\t";
	size_t count[sizeof candidates - 1] = { 0 }, best = 0;
	bool quoted = false;

	for (size_t i = 0; i < len && (quoted || data[i] != '\n'); i++) {
		const char *c;

		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted && data[i] != '\0' &&
		    (c = strchr(candidates, data[i])) != NULL)
			count[c - candidates]++;
	}
	/* A comma wins ties: one column, or as many of each. */
	for (size_t k = 1; k < sizeof count / sizeof count[0]; k++)
		if (count[k] > count[best])
			best = k;
	return candidates[best];
}

char *
csv_header_name(const char *field)
{
	struct buf out;
	size_t n = strlen(field);

	while (n > 0 && strchr(" \t", field[n - 1]) != NULL)
		n--;
	while (n > 0 && strchr(" \t", *field) != NULL) {
		field++;
		n--;
	}
	buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		char c = field[i];

		/* "e-mail" is "email"; other spaces and hyphens join words. */
		if ((c == '-' && i > 0 && (field[i - 1] | 0x20) == 'e' &&
		    (i < 2 || strchr(" _-", field[i - 2]) != NULL) &&
		    strncasecmp(field + i + 1, "mail", 4) == 0))
			continue;
		if (c == ' ' || c == '-' || c == '\t')
			c = '_';
		if (c == '_' && out.len > 0 && buf_str(&out)[out.len - 1] == '_')
			continue;
		buf_addc(&out, c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c);
	}
	return buf_steal(&out);
}

int
csv_read_buffer(const char *name, const char *data, size_t len,
    csv_record_fn fn, void *arg, char **err)
{
	char delim = ',';

	return csv_read_buffer_delim(name, data, len, &delim, fn, arg, err);
}

int
csv_read_buffer_delim(const char *name, const char *data, size_t len,
    char *delim, csv_record_fn fn, void *arg, char **err)
{
	struct csv_parser p;
	struct reader r;
	size_t off = 0;
	int rc = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	memset(&r, 0, sizeof r);
	r.name = name;
	r.fn = fn;
	r.arg = arg;
	r.line = 1;
	r.start = 1;
	/* Not CSV_STRICT: a quote inside an unquoted field is data, as
	 * csv-spectrum expects (37°36'37.8"N); an unterminated quoted field
	 * is still an error (CSV_STRICT_FINI). */
	if (csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		fatal("csv_init failed");
	if (*delim == '\0')
		*delim = csv_detect_delimiter(data + off, len - off);
	csv_set_delim(&p, (unsigned char)*delim);
	/* Feed line by line so that records know where they start. */
	while (off < len && !r.stop) {
		size_t end = off;

		while (end < len && data[end] != '\n')
			end++;
		if (end < len)
			end++;
		if (p.pstate == 0 && p.entry_pos == 0 && p.quoted == 0)
			r.start = r.line;
		if (csv_parse(&p, data + off, end - off, on_field, on_record,
		    &r) != end - off) {
			rc = set_err(err, "%s:%ld: %s", name, r.line,
			    csv_error(&p) == CSV_EPARSE ? "malformed quoting (a "
			    "quote inside an unquoted field, or text after a "
			    "closing quote)" : csv_strerror(csv_error(&p)));
			break;
		}
		r.line++;
		off = end;
	}
	/* libcsv's state 2 (FIELD_BEGUN) in a quoted field at the end: the
	 * closing quote is missing. */
	if (rc == 0 && !r.stop && ((p.quoted && p.pstate == 2) ||
	    csv_fini(&p, on_field, on_record, &r) != 0))
		rc = set_err(err, "%s:%ld: unterminated quoted field (it starts "
		    "on line %ld)", name, r.line - 1, r.start);
	csv_free(&p);
	clear_fields(&r);
	strv_free(r.header, r.nheader);
	if (rc == 0 && r.err != NULL)
		rc = set_err(err, "%s", r.err);
	free(r.err);
	if (rc != 0)
		return -1;
	return r.stop;
}

int
csv_read_file(const char *path, csv_record_fn fn, void *arg, char **err)
{
	char delim = ',';

	return csv_read_file_delim(path, &delim, fn, arg, err);
}

int
csv_read_file_delim(const char *path, char *delim, csv_record_fn fn,
    void *arg, char **err)
{
	size_t len;
	char *text;
	int rc;

	/* Any file, a pipe too (import <(...)), up to what a buffer holds. */
	if ((text = file_read(path, CSV_MAX, 0, &len, NULL, err)) == NULL)
		return -1;
	rc = csv_read_buffer_delim(path, text, len, delim, fn, arg, err);
	free(text);
	return rc;
}

void
csv_write_field(struct buf *out, const char *field)
{
	size_t n = strlen(field);
	bool quote = strpbrk(field, ",\"\r\n") != NULL ||
	    (n > 0 && (field[0] == ' ' || field[n - 1] == ' '));

	if (!quote) {
		buf_add(out, field, n);
		return;
	}
	buf_addc(out, '"');
	for (const char *p = field; *p; p++) {
		if (*p == '"')
			buf_addc(out, '"');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

void
csv_write_record(struct buf *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, ',');
		csv_write_field(out, fields[i]);
	}
	buf_adds(out, "\r\n");
}
