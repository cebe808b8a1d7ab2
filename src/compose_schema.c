/*
 * compose_schema.c: every variable a message template may use, for
 * touchbase check to hold the templates to.
 */
#include "compose.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message.h"

struct tvalue *
compose_schema(bool digest)
{
	struct tvalue *ctx = tvalue_new_map(), *m, *list;
	static const char *const groups[] = { "escalated", "overdue", "due",
	    "healthy" };

	tvalue_set_str(ctx, "kind", "x");
	m = tvalue_set_map(ctx, "org");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	m = tvalue_set_map(ctx, "recipient");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_bool(m, "has_name", true);
	tvalue_set_bool(m, "is_owner", true);
	if (digest) {
		tvalue_set_str(ctx, "today", "x");
		tvalue_set_str(ctx, "today_long", "x");
		tvalue_set_str(ctx, "week", "x");
		tvalue_set_str(ctx, "scope", "x");
		m = tvalue_set_map(ctx, "counts");
		for (size_t i = 0; i < 4; i++)
			tvalue_set_int(m, groups[i], 1);
		tvalue_set_int(m, "total", 1);
		tvalue_set_bool(ctx, "summarized", true);
		tvalue_set_int(ctx, "listed", 1);
		m = tvalue_list_add_map(tvalue_set_list(ctx, "owners"));
		tvalue_set_str(m, "name", "x");
		tvalue_set_str(m, "email", "x");
		for (size_t i = 0; i < 4; i++)
			tvalue_set_int(m, groups[i], 1);
		tvalue_set_int(m, "total", 1);
		for (size_t i = 0; i < 4; i++) {
			list = tvalue_set_list(ctx, groups[i]);
			m = tvalue_list_add_map(list);
			tvalue_set_str(m, "key", "x");
			tvalue_set_str(m, "name", "x");
			tvalue_set_str(m, "cadence", "x");
			tvalue_set_str(m, "last_checkin", "x");
			tvalue_set_int(m, "days_since", 1);
			tvalue_set_str(m, "next_due", "x");
			tvalue_set_int(m, "days_overdue", 1);
			tvalue_set_int(m, "days_until_due", 1);
			tvalue_set_str(m, "answers", "x");
			tvalue_set_str(m, "snoozed_until", "x");
			m = tvalue_set_map(m, "owner");
			tvalue_set_str(m, "name", "x");
			tvalue_set_str(m, "email", "x");
		}
		return ctx;
	}
	m = tvalue_set_map(ctx, "partner");
	tvalue_set_str(m, "key", "x");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "tier", "x");
	tvalue_set_str(ctx, "detail", "x");
	tvalue_set_str(m, "notes", "x");
	tvalue_set_str(m, "timezone", "x");
	m = tvalue_set_map(ctx, "owner");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_bool(m, "has_name", true);
	m = tvalue_set_map(ctx, "sponsor");
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_bool(m, "has_name", true);
	list = tvalue_set_list(ctx, "contacts");
	m = tvalue_list_add_map(list);
	tvalue_set_str(m, "name", "x");
	tvalue_set_str(m, "email", "x");
	tvalue_set_str(m, "role", "x");
	tvalue_set_bool(m, "invited", true);
	tvalue_set_str(ctx, "cadence", "x");
	tvalue_set_str(ctx, "due_date", "x");
	tvalue_set_str(ctx, "due_date_long", "x");
	tvalue_set_int(ctx, "days_until_due", 1);
	tvalue_set_int(ctx, "days_overdue", 1);
	tvalue_set_bool(ctx, "late", true);
	tvalue_set_int(ctx, "days_late", 1);
	tvalue_set_str(ctx, "last_checkin", "x");
	tvalue_set_str(ctx, "last_checkin_long", "x");
	tvalue_set_str(ctx, "last_checkin_note", "x");
	tvalue_set_int(ctx, "days_since_checkin", 1);
	m = tvalue_set_map(ctx, "meeting");
	tvalue_set_str(m, "date", "x");
	tvalue_set_str(m, "date_long", "x");
	tvalue_set_str(m, "time", "x");
	tvalue_set_str(m, "end_time", "x");
	tvalue_set_str(m, "timezone", "x");
	tvalue_set_int(m, "minutes", 1);
	m = tvalue_set_map(ctx, "previous");
	tvalue_set_str(m, "due_date", "x");
	tvalue_set_str(m, "due_date_long", "x");
	tvalue_set_str(m, "meeting_time", "x");
	tvalue_set_str(ctx, "checkin_command", "x");
	return ctx;
}

/* A .txt template's header block as a message would have it: a
 * Subject, a blank line after the headers, only headers touchbase lets a
 * template set.  Appends what is wrong to errors. */
static void
check_headers(const struct template *t, const struct tvalue *ctx,
    struct buf *errors)
{
	struct message_header *headers = NULL;
	struct buf text;
	char *body = NULL, *why = NULL;
	size_t n = 0;

	buf_init(&text);
	if (template_render(t, ctx, &text, &why) != 0 ||
	    message_split_template(buf_str(&text), &headers, &n, &body,
	    &why) != 0)
		buf_printf(errors, "%s%s: %s", errors->len ? "\n" : "",
		    template_name(t), why);
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(headers[i].name, "Subject") != 0 &&
		    !message_header_allowed(headers[i].name))
			buf_printf(errors, "%s%s: \"%s\" cannot be set by a "
			    "template", errors->len ? "\n" : "",
			    template_name(t), headers[i].name);
	message_headers_free(headers, n);
	free(body);
	free(why);
	buf_reset(&text);
}

int
compose_check_templates(struct composer *c, char **err)
{
	static const char *const names[] = { TEMPLATE_NAMES };
	struct tvalue *schema = compose_schema(false);
	struct tvalue *digest = compose_schema(true);
	struct buf errors;
	char *why;

	/* Every error of every template, in one pass. */
	buf_init(&errors);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (int e = TEMPLATE_PLAIN; e <= TEMPLATE_HTML; e++) {
			const struct template *t = template_set_get(c->templates,
			    names[i], (enum template_escape)e);
			const struct tvalue *ctx = strcmp(names[i],
			    outbox_kind_name(OUTBOX_DIGEST)) == 0 ? digest :
			    schema;

			if (t == NULL)
				continue;
			why = NULL;
			if (template_check(t, ctx, &why) != 0)
				buf_printf(&errors, "%s%s", errors.len ? "\n" :
				    "", why);
			free(why);
			if (e == TEMPLATE_PLAIN)
				check_headers(t, ctx, &errors);
		}
	tvalue_free(schema);
	tvalue_free(digest);
	if (errors.len == 0) {
		buf_reset(&errors);
		return 0;
	}
	set_err(err, "%s", buf_str(&errors));
	buf_reset(&errors);
	return -1;
}
