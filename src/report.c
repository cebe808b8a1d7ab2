/*
 * report.c: the HTML report of partnership health.
 *
 * The page is written for a reader with a minute to spare: what needs
 * attention and who owns it come first, the chart and the partners on
 * track after.  It travels as one file (mailed, opened from a share,
 * printed), so everything is inline and a Content-Security-Policy
 * refuses scripts and every outside resource.  The chart's x positions
 * are percentages of its width while its text keeps its size: with a
 * viewBox the whole chart, text included, would shrink on a phone.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health.h"
#include "message.h"
#include "state.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* Chart geometry; x in hundredths of a percent of the chart's width. */
#define CHART_CAP	250	/* bars stop at 250% of the cadence */
#define X_NAMES_END	3500	/* partner names fade out here */
#define X_BAR		3700	/* 0 days */
#define X_BAR_WIDTH	4500	/* CHART_CAP */
#define AXIS_H		24	/* px, the scale above each block of bars */
#define COMPACT_ROWS	40	/* more partners than this: thinner rows */
#define CHART_BLOCK	50	/* rows between repeats of the scale */
#define PCT_LEN		24	/* "12.34%" and room for any long */

struct report {
	struct book		*book;
	struct buf		*out;
	struct health		 health;	/* the most urgent list_max */
	size_t			 list_max;
	long			 counts[STATE_UNSCHEDULED + 1];
	long			 total;		/* active partnerships */
	long			 attention;	/* of them due or worse */
	size_t			 nattention;	/* first rows: due or worse */
	struct health_owners	 owners;	/* those with attention first,
						 * once loaded */
	size_t			 nowners_attention;
	struct tb_date		 today;
	char			*org;		/* may be NULL */
	struct buf		 mail;		/* rows of the mail table */
	long			 nmail;
};

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

static bool
needs_attention(enum partner_state s)
{
	return s == STATE_DUE || s == STATE_OVERDUE || s == STATE_ESCALATED;
}

/* Indexed by enum partner_state. */
static const char *const state_label[] = { "On track", "Due", "Overdue",
    "Escalated", "Unscheduled" };

/*
 * Append s with HTML's special characters escaped, cut to max
 * characters (0: no limit) with an ellipsis.  Control characters become
 * spaces: a name has no use for them and HTML forbids most.
 */
static void
esc(struct buf *b, const char *s, size_t max)
{
	const char *run = s;
	size_t chars = 0;

	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80 && max > 0 && chars++ == max) {
			buf_add_html(b, run, (size_t)(s - run));
			buf_adds(b, "\u2026");
			return;
		}
		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			buf_add_html(b, run, (size_t)(s - run));
			buf_addc(b, ' ');
			run = s + 1;
		}
	}
	buf_add_html(b, run, (size_t)(s - run));
}

static const char *
owner_of(const struct partner *p)
{
	return str_empty(p->owner_name) ? p->owner_email : p->owner_name;
}

/* "12.34%": a chart position, printed without the locale's help. */
static const char *
pct(char out[PCT_LEN], long hundredths)
{
	snprintf(out, PCT_LEN, "%ld.%02ld%%", hundredths / 100,
	    hundredths % 100);
	return out;
}

/* One partnership counted by state and owner; the most urgent list_max
 * kept (rows come most urgent first). */
static int
count_row(const struct health_row *h, void *arg)
{
	struct report *r = arg;
	struct health_owner *o = health_owners_add(&r->owners, h);
	struct health_row *kept;

	/* The owner's first partner needing attention. */
	if (needs_attention(h->state) && o->n[STATE_DUE] +
	    o->n[STATE_OVERDUE] + o->n[STATE_ESCALATED] == 1)
		r->nowners_attention++;
	r->counts[h->state]++;
	r->total++;
	if (needs_attention(h->state))
		r->attention++;
	if (r->list_max > 0 && r->health.nrows >= r->list_max)
		return 0;
	r->health.rows = xreallocarray(r->health.rows, r->health.nrows + 1,
	    sizeof *r->health.rows);
	kept = &r->health.rows[r->health.nrows++];
	*kept = *h;
	partner_copy(&kept->p, &h->p);
	kept->cadence = xstrdup(h->cadence);
	kept->answers = xstrdup(h->answers);
	return 0;
}

/* Most escalated, then overdue, then due partners first; then by name. */
static int
by_attention(const void *a, const void *b)
{
	const struct health_owner *x = a, *y = b;

	for (int s = STATE_ESCALATED; s >= STATE_DUE; s--)
		if (x->n[s] != y->n[s])
			return x->n[s] < y->n[s] ? 1 : -1;
	return strcasecmp(x->name ? x->name : x->email, y->name ? y->name :
	    y->email);
}

static const char *
partner_name(const struct report *r, const struct outbox_msg *m)
{
	for (size_t i = 0; i < r->health.nrows; i++)
		if (r->health.rows[i].p.id == m->partner_id)
			return r->health.rows[i].p.name;
	return m->partner_key;
}

/* One row of the undelivered-mail table, the first REPORT_MAIL_MAX. */
static int
mail_row(const struct outbox_msg *m, void *arg)
{
	struct report *r = arg;
	struct buf *b = &r->mail;

	if (r->nmail++ >= REPORT_MAIL_MAX)
		return 0;
	buf_printf(b, "<tr class=\"%s\"><td class=\"first\" "
	    "data-label=\"State\"><span class=\"badge\">",
	    m->state == OUTBOX_FAILED ? "s-overdue" : "s-due");
	esc(b, outbox_state_name(m->state), 20);
	buf_printf(b, "</span><span class=\"sub\">%d attempt%s</span></td>"
	    "<td data-label=\"Message\">", m->attempts, plural(m->attempts));
	esc(b, outbox_kind_name(m->kind), 20);
	buf_adds(b, "<span class=\"sub\">for ");
	esc(b, m->occurrence, 24);
	buf_adds(b, "</span></td><td data-label=\"Partner\">");
	esc(b, partner_name(r, m), 80);
	buf_adds(b, "</td><td data-label=\"To\">");
	esc(b, m->recipient, 80);
	buf_adds(b, "</td><td class=\"err\" data-label=\"Last error\">");
	esc(b, str_empty(m->last_error) ? "\u2014" : m->last_error, 300);
	buf_adds(b, "</td></tr>\n");
	return 0;
}

static int
report_load(struct report *r, time_t now, char **err)
{
	static const struct outbox_filter undelivered = { .any_state = true,
	    .undelivered = true };
	char *email = NULL;

	if (message_address_parse(r->book->cfg->from, &r->org, &email,
	    err) != 0)
		return prefix_err(err, "smtp.from");
	free(email);
	if (book_today(r->book, NULL, now, &r->today, err) != 0 ||
	    health_foreach(r->book, now, NULL, count_row, r, err) != 0)
		return -1;
	while (r->nattention < r->health.nrows &&
	    needs_attention(r->health.rows[r->nattention].state))
		r->nattention++;
	if (r->owners.n > 1)
		qsort(r->owners.v, r->owners.n, sizeof *r->owners.v,
		    by_attention);
	return outbox_foreach(r->book->store, &undelivered, mail_row, r, err);
}

static void
page_head(struct report *r)
{
	char day[DATE_STRLEN];

	buf_adds(r->out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"generator\" content=\"touchbase " PACKAGE_VERSION
	    "\">\n<title>Partnership health");
	if (r->org != NULL) {
		buf_adds(r->out, " \u00b7 ");
		esc(r->out, r->org, 80);
	}
	buf_printf(r->out, " \u00b7 %s</title>\n<style>\n%s</style>\n"
	    "</head>\n<body>\n<div class=\"page\">\n",
	    date_format(r->today, day), report_css);
}

static void
tile(struct report *r, enum partner_state s, const char *hint)
{
	buf_printf(r->out, "<li class=\"tile s-%s\"><span class=\"n\">%ld"
	    "</span><span class=\"t\">%s</span><span class=\"h\">%s</span>"
	    "</li>\n", state_name(s), r->counts[s], state_label[s], hint);
}

static void
tiles(struct report *r)
{
	const struct config *cfg = r->book->cfg;
	char hint[48];

	buf_adds(r->out, "<ul class=\"tiles\">\n");
	snprintf(hint, sizeof hint, "%d or more days late",
	    cfg->escalate_after_days);
	tile(r, STATE_ESCALATED, hint);
	snprintf(hint, sizeof hint, "%d or more days late", cfg->grace_days);
	tile(r, STATE_OVERDUE, hint);
	snprintf(hint, sizeof hint, "due within %d days", cfg->lead_days);
	tile(r, STATE_DUE, hint);
	tile(r, STATE_OK, "within cadence");
	if (r->counts[STATE_UNSCHEDULED] > 0)
		tile(r, STATE_UNSCHEDULED, "no check-in ahead");
	buf_adds(r->out, "</ul>\n");
}

static void
page_header(struct report *r)
{
	char day[DATE_LONG_STRLEN];
	size_t n = (size_t)r->total;

	buf_adds(r->out, "<header>\n");
	if (r->org != NULL) {
		buf_adds(r->out, "<p class=\"org\">");
		esc(r->out, r->org, 80);
		buf_adds(r->out, "</p>\n");
	}
	buf_printf(r->out, "<h1>Partnership health</h1>\n<p class=\"asof\">"
	    "As of %s (", date_format_long(r->today, day));
	esc(r->out, book_partner_tz(r->book, NULL), 80);
	buf_printf(r->out, ") \u00b7 %zu active partnership%s</p>\n</header>\n"
	    "<main>\n<section aria-label=\"Summary\">\n<p class=\"headline\">",
	    n, plural((long)n));
	if (n == 0)
		buf_adds(r->out, "There are no active partnerships yet.");
	else if (r->attention == 0)
		buf_printf(r->out, "%s on track.", n == 1 ?
		    "The one partnership is" : "All partnerships are");
	else
		buf_printf(r->out, "<strong>%ld of %zu</strong> partnership%s "
		    "need%s attention, owned by %zu %s.", r->attention, n,
		    plural((long)n), r->attention == 1 ? "s" : "",
		    r->nowners_attention, r->nowners_attention == 1 ?
		    "person" : "people");
	buf_adds(r->out, "</p>\n");
	if (r->health.nrows < n)
		buf_printf(r->out, "<p class=\"mailnote\">Only the %zu most "
		    "urgent are listed (digest.list_max); the counts and the "
		    "owners cover all %zu.</p>\n", r->health.nrows, n);
	tiles(r);
	if (r->nmail > 0)
		buf_printf(r->out, "<p class=\"mailnote\">%ld message%s not "
		    "delivered: <a href=\"#mail\">undelivered mail</a>.</p>\n",
		    r->nmail, plural(r->nmail));
	/* Long pages are long to scroll. */
	if (n > 0)
		buf_adds(r->out, "<nav><a href=\"#attention\">Needs attention"
		    "</a> \u00b7 <a href=\"#chart\">Chart</a> \u00b7 <a "
		    "href=\"#on-track\">On track</a> \u00b7 <a href=\"#mail\">"
		    "Undelivered mail</a></nav>\n");
	buf_adds(r->out, "</section>\n");
}

static void
cell_partner(struct buf *b, const struct partner *p)
{
	buf_adds(b, "<td class=\"partner first\" data-label=\"Partner\">"
	    "<strong>");
	esc(b, p->name, 0);
	buf_adds(b, "</strong>");
	if (!str_empty(p->tier)) {
		buf_printf(b, "<span class=\"tier\">%s", strspn(p->tier,
		    "0123456789") == strlen(p->tier) ? "Tier " : "");
		esc(b, p->tier, 24);
		buf_adds(b, "</span>");
	}
	if (!str_empty(p->notes)) {
		buf_adds(b, "<span class=\"note\">");
		esc(b, p->notes, 140);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</td>");
}

/* The owner's name, a mailto link; with full, the address under it. */
static void
cell_owner(struct buf *b, const struct partner *p, bool full)
{
	buf_printf(b, "<td%s data-label=\"Owner\"><a class=\"who\" "
	    "href=\"mailto:", full ? " class=\"first\"" : "");
	esc(b, p->owner_email, 0);
	buf_adds(b, "\" title=\"");
	esc(b, p->owner_email, 0);
	buf_adds(b, "\">");
	esc(b, owner_of(p), 80);
	buf_adds(b, "</a>");
	if (full && !str_empty(p->owner_name)) {
		buf_adds(b, "<span class=\"email\">");
		esc(b, p->owner_email, 0);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</td>");
}

/* The next check-in and how far it is; lateness in the state's colour. */
static void
cell_next(struct buf *b, const struct health_row *h)
{
	char *phrase;

	buf_adds(b, "<td class=\"nowrap\" data-label=\"Next check-in\">");
	if (h->p.next_due == NULL) {
		buf_adds(b, "<span class=\"nil\">\u2014</span></td>");
		return;
	}
	esc(b, h->p.next_due, 12);
	phrase = date_days_phrase(h->late, " late");
	buf_printf(b, "<span class=\"sub%s\">%s</span></td>", h->late >= 0 ?
	    " late" : "", phrase);
	free(phrase);
}

static void
cell_last(struct buf *b, const struct health_row *h)
{
	buf_adds(b, "<td class=\"nowrap\" data-label=\"Last check-in\">");
	if (h->p.last_checkin != NULL)
		esc(b, h->p.last_checkin, 12);
	else
		buf_adds(b, "never");
	if (h->days_since < 0)
		buf_adds(b, "<span class=\"sub\">not started</span>");
	else if (h->p.last_checkin != NULL)
		buf_printf(b, "<span class=\"sub\">%ld day%s ago</span>",
		    h->days_since, plural(h->days_since));
	else
		buf_printf(b, "<span class=\"sub\">started %ld day%s "
		    "ago</span>", h->days_since, plural(h->days_since));
	buf_adds(b, "</td>");
}

static void
partner_row(struct buf *b, const struct health_row *h)
{
	buf_adds(b, "<tr id=\"partner-");
	esc(b, h->p.key, 0);
	buf_printf(b, "\" class=\"s-%s%s\">", state_name(h->state),
	    needs_attention(h->state) ? " attn" : "");
	cell_partner(b, &h->p);
	cell_owner(b, &h->p, false);
	buf_printf(b, "<td data-label=\"State\"><span class=\"badge\">%s"
	    "</span>", state_label[h->state]);
	/* What came back: a snooze, the invitees' answers. */
	if (h->snoozed) {
		buf_adds(b, "<span class=\"sub\">snoozed until ");
		esc(b, h->p.snooze_until, 12);
		buf_adds(b, "</span>");
	}
	if (h->answers != NULL) {
		buf_adds(b, "<span class=\"sub\">");
		esc(b, h->answers, 300);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</td>");
	cell_next(b, h);
	cell_last(b, h);
	buf_adds(b, "<td class=\"nowrap wrap\" data-label=\"Cadence\">");
	esc(b, h->cadence, 60);
	if (h->undelivered > 0)
		buf_printf(b, "</td><td class=\"nowrap\" data-label=\"Mail\">"
		    "<a class=\"late\" href=\"#mail\">%ld undelivered</a>",
		    h->undelivered);
	else
		buf_adds(b, "</td><td class=\"empty\" data-label=\"Mail\">"
		    "<span class=\"nil\">\u2014</span>");
	buf_adds(b, "</td></tr>\n");
}

static void
partner_table(struct report *r, size_t from, size_t to)
{
	buf_adds(r->out, "<div class=\"scroll\"><table class=\"partners "
	    "stack\">\n<thead><tr><th>Partner</th><th>Owner</th>"
	    "<th>State</th><th>Next check-in</th><th>Last check-in</th>"
	    "<th>Cadence</th><th>Mail</th></tr></thead>\n<tbody>\n");
	for (size_t i = from; i < to; i++)
		partner_row(r->out, &r->health.rows[i]);
	buf_adds(r->out, "</tbody></table></div>\n");
}

static void
count_cell(struct buf *b, const struct health_owner *o, enum partner_state s)
{
	buf_printf(b, "<td class=\"num s-%s\" data-label=\"%s\"><span "
	    "class=\"%s\">%ld</span></td>", state_name(s), state_label[s],
	    o->n[s] ? "late" : "nil", o->n[s]);
}

static void
owners_table(struct report *r)
{
	struct buf *b = r->out;

	buf_adds(b, "<h3 id=\"owners\">Who owns them</h3>\n"
	    "<div class=\"scroll\"><table class=\"owners stack\">\n<thead><tr>"
	    "<th>Owner</th><th class=\"num\">Escalated</th>"
	    "<th class=\"num\">Overdue</th><th class=\"num\">Due</th>"
	    "<th class=\"num\">Partnerships</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nowners_attention; i++) {
		const struct health_owner *o = &r->owners.v[i];
		struct partner who = { .owner_email = o->email,
		    .owner_name = o->name };

		buf_adds(b, "<tr>");
		cell_owner(b, &who, true);
		count_cell(b, o, STATE_ESCALATED);
		count_cell(b, o, STATE_OVERDUE);
		count_cell(b, o, STATE_DUE);
		buf_printf(b, "<td class=\"num\" data-label=\"Partnerships\">"
		    "%ld</td></tr>\n", o->total);
	}
	buf_adds(b, "</tbody></table></div>\n");
}

/* Owners first, a line each: whom to ask, before the detail. */
static void
attention_section(struct report *r)
{
	buf_printf(r->out, "<section id=\"attention\">\n<h2>Needs attention "
	    "<span class=\"count\">%ld</span></h2>\n", r->attention);
	if (r->nattention == 0) {
		buf_adds(r->out, "<p class=\"lede\">Nothing: every partnership "
		    "is on track.</p>\n</section>\n");
		return;
	}
	owners_table(r);
	buf_adds(r->out, "<h3>Most urgent first</h3>\n");
	partner_table(r, 0, r->nattention);
	buf_adds(r->out, "</section>\n");
}

/* The scale: 0, the cadence, twice it and the cap, at the baseline y. */
static void
chart_axis(struct buf *b, long y, const char *left, const char *right)
{
	static const struct {
		long		 at;	/* percent of the cadence */
		const char	*text;
	} ticks[] = { { 0, "0" }, { 100, "cadence" }, { 200, "2\u00d7" },
	    { CHART_CAP, "2.5\u00d7" } };
	char x[PCT_LEN];

	buf_printf(b, "<g class=\"axis\"><text x=\"0\" y=\"%ld\">%s</text>"
	    "<text x=\"100%%\" y=\"%ld\" text-anchor=\"end\">%s</text>", y,
	    left, y, right);
	for (size_t i = 0; i < sizeof ticks / sizeof ticks[0]; i++)
		buf_printf(b, "<text x=\"%s\" y=\"%ld\" text-anchor=\"middle\">"
		    "%s</text>", pct(x, X_BAR + X_BAR_WIDTH * ticks[i].at /
		    CHART_CAP), y, ticks[i].text);
	buf_adds(b, "</g>\n");
}

static void
chart_line(struct buf *b, long at, long top, long bottom)
{
	char x[PCT_LEN];

	pct(x, X_BAR + X_BAR_WIDTH * at / CHART_CAP);
	buf_printf(b, "<line%s x1=\"%s\" x2=\"%s\" y1=\"%ld\" y2=\"%ld\"/>\n",
	    at == 100 ? " class=\"cad\"" : "", x, x, top, bottom);
}

/* The tooltip: the whole story of one bar, names uncut. */
static void
chart_title(struct buf *b, const struct health_row *h)
{
	buf_adds(b, "<title>");
	esc(b, h->p.name, 0);
	buf_adds(b, " \u2014 ");
	esc(b, owner_of(&h->p), 0);
	if (h->days_since >= 0)
		buf_printf(b, "\n%ld day%s since the last check-in; ",
		    h->days_since, plural(h->days_since));
	else
		buf_adds(b, "\nnot started yet; ");
	buf_adds(b, "cadence ");
	esc(b, h->cadence, 0);
	buf_printf(b, " (%ld days)\n%s", h->period_days,
	    state_label[h->state]);
	if (h->p.next_due != NULL && h->late > 0)
		buf_printf(b, ", %ld day%s late", h->late, plural(h->late));
	buf_adds(b, "</title>");
}

static void
chart_row(struct buf *b, const struct health_row *h, long y, long rh)
{
	/* No bar when nothing is scheduled: there is nothing to be late for. */
	long ratio = h->days_since < 0 || h->state == STATE_UNSCHEDULED ? 0 :
	    h->days_since * 100 / h->period_days;
	long bh = rh > 20 ? 12 : 10, base = y + rh / 2 + 4;
	char x[PCT_LEN], w[PCT_LEN];

	buf_adds(b, "<a href=\"#partner-");
	esc(b, h->p.key, 0);
	buf_printf(b, "\"><g class=\"s-%s\">", state_name(h->state));
	chart_title(b, h);
	buf_printf(b, "<text class=\"label\" x=\"0\" y=\"%ld\" "
	    "mask=\"url(#names)\">", base);
	esc(b, h->p.name, 60);
	buf_adds(b, "<tspan class=\"owner\"> \u00b7 ");
	esc(b, owner_of(&h->p), 40);
	buf_printf(b, "</tspan></text><rect class=\"bar\" x=\"%s\" y=\"%ld\" "
	    "width=\"%s\" height=\"%ld\" rx=\"2\"/>", pct(x, X_BAR),
	    y + (rh - bh) / 2, pct(w, X_BAR_WIDTH * (ratio < CHART_CAP ?
	    ratio : CHART_CAP) / CHART_CAP), bh);
	if (ratio > CHART_CAP)
		buf_printf(b, "<text class=\"more\" x=\"%s\" y=\"%ld\">"
		    "\u203a</text>", pct(x, X_BAR + X_BAR_WIDTH + 40), base);
	buf_printf(b, "<text class=\"value\" x=\"100%%\" y=\"%ld\" "
	    "text-anchor=\"end\">", base);
	if (h->days_since < 0)
		buf_adds(b, "not started");
	else if (h->state == STATE_UNSCHEDULED)
		buf_printf(b, "%ld d", h->days_since);
	else
		buf_printf(b, "%ld d<tspan class=\"of\"> / %ld</tspan>",
		    h->days_since, h->period_days);
	buf_adds(b, "</text></g></a>\n");
}

/*
 * Rows first..last at y: bands, the grid, the scale, the bars, then the
 * cadence line over them.  Long charts repeat the scale every
 * CHART_BLOCK rows, since the first one scrolls out of sight.
 */
static void
chart_block(struct report *r, size_t first, size_t last, long y, long rh)
{
	struct buf *b = r->out;
	long top = y + AXIS_H - 4, bottom = y + AXIS_H + (long)(last - first) *
	    rh + 4;

	for (size_t i = first + 1; i < last; i += 2)
		buf_printf(b, "<rect class=\"band\" x=\"0\" y=\"%ld\" "
		    "width=\"100%%\" height=\"%ld\"/>\n", y + AXIS_H +
		    (long)(i - first) * rh, rh);
	chart_line(b, 0, top, bottom);
	chart_line(b, 200, top, bottom);
	chart_line(b, CHART_CAP, top, bottom);
	chart_axis(b, y + AXIS_H - 9, "Partner \u00b7 owner",
	    "Days<tspan class=\"of\"> / cadence</tspan>");
	for (size_t i = first; i < last; i++)
		chart_row(b, &r->health.rows[i], y + AXIS_H +
		    (long)(i - first) * rh, rh);
	chart_line(b, 100, top, bottom);
}

static void
chart_section(struct report *r)
{
	struct buf *b = r->out;
	size_t n = r->health.nrows;
	size_t blocks = (n + CHART_BLOCK - 1) / CHART_BLOCK;
	long rh = n > COMPACT_ROWS ? 18 : 26, y = 0;
	char x[PCT_LEN];

	buf_adds(b, "<section id=\"chart\">\n<h2 id=\"chart-title\">Days "
	    "since the last check-in</h2>\n<p class=\"lede\">One bar per "
	    "partnership, most urgent first, measured against its own "
	    "cadence (the dashed line): a bar past the line is a check-in "
	    "that has not happened yet. The numbers are days since the last "
	    "check-in (or the start) and the cadence in days.</p>\n"
	    "<ul class=\"legend\"><li><span class=\"sw s-ok\"></span>On track"
	    "</li><li><span class=\"sw s-due\"></span>Due</li><li><span "
	    "class=\"sw s-overdue\"></span>Overdue</li><li><span class=\"sw "
	    "s-escalated\"></span>Escalated</li><li><span class=\"sw cad\">"
	    "</span>Cadence</li><li>\u203a beyond 2.5\u00d7 the cadence</li>"
	    "</ul>\n");
	buf_printf(b, "<svg class=\"chart%s\" width=\"100%%\" height=\"%ld\" "
	    "role=\"img\" aria-labelledby=\"chart-title\">\n<defs>"
	    "<linearGradient id=\"fade\"><stop offset=\"0.88\" "
	    "stop-color=\"#fff\"/><stop offset=\"1\" stop-color=\"#000\"/>"
	    "</linearGradient><mask id=\"names\" maskUnits=\"userSpaceOnUse\" "
	    "x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\"><rect "
	    "width=\"%s\" height=\"100%%\" fill=\"url(#fade)\"/></mask>"
	    "</defs>\n", n > COMPACT_ROWS ? " compact" : "", (long)blocks *
	    AXIS_H + (long)n * rh + 6, pct(x, X_NAMES_END));
	for (size_t i = 0; i < n; i += CHART_BLOCK) {
		size_t last = n - i > CHART_BLOCK ? i + CHART_BLOCK : n;

		chart_block(r, i, last, y, rh);
		y += AXIS_H + (long)(last - i) * rh;
	}
	buf_adds(b, "</svg>\n</section>\n");
}

static void
on_track_section(struct report *r)
{
	size_t n = r->health.nrows - r->nattention;
	long all = r->total - r->attention;

	buf_printf(r->out, "<section id=\"on-track\">\n<h2>On track <span "
	    "class=\"count\">%ld</span></h2>\n<p class=\"lede\">%s</p>\n",
	    all, all ? "Next check-in soonest first." : "None.");
	if (n > 0)
		partner_table(r, r->nattention, r->health.nrows);
	buf_adds(r->out, "</section>\n");
}

static void
mail_section(struct report *r)
{
	struct buf *b = r->out;

	buf_printf(b, "<section id=\"mail\">\n<h2>Undelivered mail <span "
	    "class=\"count\">%ld</span></h2>\n", r->nmail);
	if (r->nmail == 0) {
		buf_adds(b, "<p class=\"lede\">Every reminder and invite has "
		    "been delivered.</p>\n</section>\n");
		return;
	}
	buf_adds(b, "<p class=\"lede\">Reminders and invites not delivered "
	    "yet, oldest first. Deferred ones are retried by the next run; "
	    "failed ones need the partnerships office.");
	if (r->nmail > REPORT_MAIL_MAX)
		buf_printf(b, " The oldest %d are shown; <code>touchbase "
		    "status</code> lists all.", REPORT_MAIL_MAX);
	buf_printf(b, "</p>\n<div class=\"scroll\"><table class=\"mail "
	    "stack\">\n<thead><tr><th>State</th><th>Message</th>"
	    "<th>Partner</th><th>To</th><th>Last error</th></tr></thead>\n"
	    "<tbody>\n%s</tbody></table></div>\n</section>\n",
	    buf_str(&r->mail));
}

static void
page_end(struct report *r)
{
	char day[DATE_STRLEN];

	buf_printf(r->out, "</main>\n<footer>Made by touchbase "
	    PACKAGE_VERSION " on %s from the partner book. Dates are in "
	    "each partner's time zone; states follow the schedule: "
	    "reminders %d days ahead, overdue %d days and escalated %d "
	    "days after the due date.</footer>\n</div>\n</body>\n</html>\n",
	    date_format(r->today, day), r->book->cfg->lead_days,
	    r->book->cfg->grace_days, r->book->cfg->escalate_after_days);
}

int
report_html(struct book *b, time_t now, struct buf *out, char **err)
{
	struct report r;
	int rc;

	memset(&r, 0, sizeof r);
	r.book = b;
	r.out = out;
	/* 0 (a configuration without the key): no limit. */
	r.list_max = (size_t)b->cfg->digest_list_max;
	buf_init(&r.mail);
	if ((rc = report_load(&r, now, err)) == 0) {
		page_head(&r);
		page_header(&r);
		if (r.health.nrows > 0) {
			attention_section(&r);
			chart_section(&r);
			on_track_section(&r);
		}
		mail_section(&r);
		page_end(&r);
	}
	buf_reset(&r.mail);
	health_owners_reset(&r.owners);
	free(r.org);
	health_reset(&r.health);
	return rc;
}
