/*
 * template.h: the Mustache subset touchbase templates are written in:
 * {{name}} (HTML-escaped in .html templates), {{{name}}} and {{& name}},
 * {{#section}}...{{/section}}, {{^inverted}}...{{/inverted}},
 * {{! comments }}, dotted names and {{.}}, with the Mustache spec's
 * standalone-line rules.  No partials, delimiter changes or lambdas.
 */
#ifndef TB_TEMPLATE_H
#define TB_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* A render context: null, bool, string, list or map, as in JSON. */
struct tvalue;

struct tvalue *tvalue_new_map(void);
struct tvalue *tvalue_new_list(void);
/* A string as a whole context, as the spec's "{{.}}" tests use one;
 * a copy of s is kept.  Free with tvalue_free(). */
struct tvalue *tvalue_new_str(const char *s);
void tvalue_free(struct tvalue *v);	/* frees children; NULL ok */

/* Setters on a map: replace any existing value of that name. */
void tvalue_set_str(struct tvalue *map, const char *name, const char *s);
void tvalue_set_int(struct tvalue *map, const char *name, long n);
void tvalue_set_bool(struct tvalue *map, const char *name, bool b);
void tvalue_set_null(struct tvalue *map, const char *name);
/* Adds a child map/list and returns it (owned by the parent). */
struct tvalue *tvalue_set_map(struct tvalue *map, const char *name);
struct tvalue *tvalue_set_list(struct tvalue *map, const char *name);
/* Append to a list; returns the new element (owned by the list). */
struct tvalue *tvalue_list_add_map(struct tvalue *list);
struct tvalue *tvalue_list_add_list(struct tvalue *list);
void tvalue_list_add_str(struct tvalue *list, const char *s);
void tvalue_list_add_int(struct tvalue *list, long n);
void tvalue_list_add_bool(struct tvalue *list, bool b);
void tvalue_list_add_null(struct tvalue *list);
/* Attach an existing value (ownership passes to the parent). */
void tvalue_set(struct tvalue *map, const char *name, struct tvalue *v);
void tvalue_list_add(struct tvalue *list, struct tvalue *v);

/*
 * PLAIN: values as they are.  HTML: {{name}} escaped for HTML.  MAIL: a
 * message template (NAME.txt): until the output has an empty line (the
 * end of its header block), every control character of a value renders
 * as a space, so that no value can add a header line.
 */
enum template_escape { TEMPLATE_PLAIN, TEMPLATE_HTML, TEMPLATE_MAIL };

struct template;

/*
 * Parse text (len bytes, UTF-8).  `name` is used in messages
 * ("reminder.txt:3:14: unclosed section \"contacts\"").
 * Returns the template (free with template_free) or NULL with *err.
 */
struct template *template_parse(const char *name, const char *text,
    size_t len, enum template_escape escape, char **err);
/* Read and parse a file; escape is HTML when path ends in ".html",
 * MAIL otherwise. */
struct template *template_load(const char *path, char **err);
void template_free(struct template *t);
const char *template_name(const struct template *t);

/* Render with Mustache semantics (a missing name renders as nothing),
 * appending to out.  A render that would visit more than 10 million
 * nodes or write more than 128 MB (sections nested over long lists)
 * stops: out is left as it was, -1 with *err.  Else 0. */
int template_render(const struct template *t, const struct tvalue *ctx,
    struct buf *out, char **err);

/*
 * Check every name the template uses, in every section and inverted
 * section, against `schema`: a context in which every known variable is
 * present (lists with one element).  Returns 0, or -1 with *err =
 * "NAME:LINE:COLUMN: unknown variable \"x.y\"".
 */
int template_check(const struct template *t, const struct tvalue *schema,
    char **err);

/* The templates touchbase sends, each as NAME.txt and NAME.html. */
#define TEMPLATE_NAMES \
	"reminder", "invitation", "overdue", "escalation", "cancel", "update", \
	"digest", "declined", "counter", "confirmation"

struct template_set;

/*
 * Load every TEMPLATE_NAMES template (.txt and .html), each from the
 * first of dirs[0..ndirs) that has the file (NULL entries skipped).  A
 * file that exists but does not parse is an error, as is a name found in
 * no directory.  Returns the set or NULL with *err.
 */
struct template_set *template_set_load(const char *const *dirs, size_t ndirs,
    char **err);
void template_set_free(struct template_set *set);
/* The template NAME (without extension): TEMPLATE_HTML for NAME.html,
 * TEMPLATE_PLAIN or TEMPLATE_MAIL for NAME.txt; NULL when unknown. */
const struct template *template_set_get(const struct template_set *set,
    const char *name, enum template_escape escape);
/* The path a template was loaded from. */
const char *template_set_path(const struct template_set *set,
    const char *name, enum template_escape escape);

#endif
