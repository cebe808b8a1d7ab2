/* cadence.c: cadence specs and due dates (libical); the business-day
 * calendar is cadence_holidays.c. */
#include "cadence.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "util.h"

#define EVERY_MAX	1000		/* largest N in "every N ..." */
#define ITER_STEPS	100000		/* occurrences examined per due date */
#define SPEC_SHOWN	100		/* characters of a bad spec quoted */
#define MONTH_DAYS	30.44

static const char accepted[] = "use weekly, biweekly, monthly, quarterly, "
    "yearly, \"every N days\", \"every N weeks\" or \"every N months\" "
    "(N from 1 to 1000), or an RFC 5545 rule such as "
    "\"RRULE:FREQ=MONTHLY;BYDAY=2TU\"";

static const struct {
	const char		*name;
	enum cadence_kind	 kind;
	int			 interval;
} named[] = {
	{ "weekly", CADENCE_DAYS, 7 },
	{ "biweekly", CADENCE_DAYS, 14 },
	{ "monthly", CADENCE_MONTHS, 1 },
	{ "quarterly", CADENCE_MONTHS, 3 },
	{ "yearly", CADENCE_MONTHS, 12 },
};

static const char *const weekday_names[] = {	/* libical's 1 = Sunday */
	NULL, "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday"
};
static const char *const month_names[] = {
	NULL, "January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const ordinals[] = {
	NULL, "first", "second", "third", "fourth", "fifth"
};

/* "every N unit" after "every"; *why says what is wrong. */
static int
parse_every(const char *s, struct cadence *out, char **why)
{
	const char *p = s, *unit;
	long n = 0;

	if (!isspace((unsigned char)*p))
		return set_err(why, "not a cadence; %s", accepted);
	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return set_err(why, "N must be a whole number from 1 to %d",
		    EVERY_MAX);
	while (isdigit((unsigned char)*p)) {
		if (n <= EVERY_MAX)
			n = n * 10 + (*p - '0');
		p++;
	}
	if (*p != '\0' && !isspace((unsigned char)*p))
		return set_err(why, "N must be a whole number from 1 to %d",
		    EVERY_MAX);
	if (n < 1 || n > EVERY_MAX)
		return set_err(why, "N must be from 1 to %d", EVERY_MAX);
	while (isspace((unsigned char)*p))
		p++;
	unit = p;
	if (strcmp(unit, "days") == 0 || (n == 1 && strcmp(unit, "day") == 0))
		out->kind = CADENCE_DAYS, out->interval = (int)n;
	else if (strcmp(unit, "weeks") == 0 ||
	    (n == 1 && strcmp(unit, "week") == 0))
		out->kind = CADENCE_DAYS, out->interval = (int)n * 7;
	else if (strcmp(unit, "months") == 0 ||
	    (n == 1 && strcmp(unit, "month") == 0))
		out->kind = CADENCE_MONTHS, out->interval = (int)n;
	else
		return set_err(why, "the unit must be days, weeks or months");
	return 0;
}

/* The value of the rule part NAME=... in rule text, or NULL. */
static const char *
rule_part(const char *rule, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = rule; p != NULL; p = strchr(p, ';')) {
		p += *p == ';';
		if (strncasecmp(p, name, n) == 0 && p[n] == '=')
			return p + n + 1;
	}
	return NULL;
}

/* Parse rule text with libical, leaving its error state clear; *malformed
 * (may be NULL) tells a syntax error from a rule without FREQ. */
static int
rule_load(const char *rule, struct icalrecurrencetype *rec, bool *malformed)
{
	icalerror_clear_errno();
	*rec = icalrecurrencetype_from_string(rule);
	if (malformed != NULL)
		*malformed = icalerrno != ICAL_NO_ERROR;
	icalerror_clear_errno();
	if (rec->rscale != NULL) {	/* libical 3.0 strdup()s it */
		free(rec->rscale);
		rec->rscale = NULL;
		rec->freq = ICAL_NO_RECURRENCE;
	}
	return rec->freq == ICAL_NO_RECURRENCE ? -1 : 0;
}

static bool
rule_has(const short *list)
{
	return list[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

/* A DATE-valued icaltimetype, all other fields zero. */
static struct icaltimetype
ical_date(struct tb_date d)
{
	struct icaltimetype t;

	memset(&t, 0, sizeof t);
	t.year = d.year;
	t.month = d.month;
	t.day = d.day;
	t.is_date = 1;
	return t;
}

/*
 * The numbers of a rule's parts within their ranges (RFC 5545 3.3.10),
 * checked on the text: libical keeps them in shorts and ints and would
 * wrap BYMONTHDAY=4294967297 to 1.  Returns 0 or -1 with *why.
 */
static int
rule_numbers(const char *rule, char **why)
{
	static const struct {
		const char	*part;
		long		 max;		/* of the absolute value */
		bool		 sign;		/* may be negative */
	} ranges[] = {
		{ "INTERVAL", 1000, false }, { "COUNT", 10000, false },
		{ "BYMONTHDAY", 31, true }, { "BYYEARDAY", 366, true },
		{ "BYWEEKNO", 53, true }, { "BYMONTH", 12, false },
		{ "BYSETPOS", 366, true }, { "BYDAY", 53, true },
	};
	const char *p;
	char *end;
	long v;

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		if ((p = rule_part(rule, ranges[i].part)) == NULL)
			continue;
		for (;;) {
			if (*p == '+' || (*p == '-' && ranges[i].sign))
				p++;
			if (!isdigit((unsigned char)*p) &&
			    strcmp(ranges[i].part, "BYDAY") != 0)
				return set_err(why, "%s=%.12s: not a number",
				    ranges[i].part, p);
			if (isdigit((unsigned char)*p)) {
				if (strspn(p, "0123456789") > 6)
					v = LONG_MAX;
				else
					v = strtol(p, &end, 10);
				if (v < 1 || v > ranges[i].max)
					return set_err(why, "%s=%.12s: each "
					    "number must be from 1 to %ld",
					    ranges[i].part, p, ranges[i].max);
				p += strspn(p, "0123456789");
			}
			p += strcspn(p, ",;");
			if (*p != ',')
				break;
			p++;
		}
	}
	return 0;
}

/* Whether a month of the rule has a day of the rule: BYMONTH=4 with
 * BYMONTHDAY=31 never occurs, and libical would search for years. */
static bool
rule_possible(const struct icalrecurrencetype *rec)
{
	static const int most[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (!rule_has(rec->by_month) || !rule_has(rec->by_month_day))
		return true;
	for (int i = 0; i < ICAL_BY_MONTH_SIZE && rule_has(&rec->by_month[i]);
	    i++)
		for (int j = 0; j < ICAL_BY_MONTHDAY_SIZE &&
		    rule_has(&rec->by_month_day[j]); j++) {
			int m = rec->by_month[i], d = rec->by_month_day[j];

			if (m >= 1 && m <= 12 && abs(d) <= most[m - 1])
				return true;
		}
	return false;
}

/*
 * Whether every numbered BYDAY can occur: under FREQ=MONTHLY, or
 * FREQ=YEARLY with BYMONTH (and no BYWEEKNO), the number counts within a
 * month (RFC 5545 3.3.10), which has at most five of a weekday; libical
 * would search for the 20th Tuesday of a month for seconds.
 */
static bool
rule_positions_possible(const struct icalrecurrencetype *rec)
{
	bool in_month = rec->freq == ICAL_MONTHLY_RECURRENCE ||
	    (rec->freq == ICAL_YEARLY_RECURRENCE && rule_has(rec->by_month) &&
	    !rule_has(rec->by_week_no));

	for (int i = 0; in_month && i < ICAL_BY_DAY_SIZE &&
	    rule_has(&rec->by_day[i]); i++)
		if (abs(icalrecurrencetype_day_position(rec->by_day[i])) > 5)
			return false;
	return true;
}

/* Validate rule text as a check-in schedule; *canon gets libical's form. */
static int
parse_rrule(const char *rule, char **canon, char **why)
{
	struct icalrecurrencetype rec;
	icalrecur_iterator *it;
	const char *p;
	char *text;
	bool malformed;
	int i, y, m, d;

	if (*rule == '\0')
		return set_err(why, "the rule after RRULE: is empty; %s",
		    accepted);
	/* libical takes UNTIL=20240230 as it is: check the date first. */
	if ((p = rule_part(rule, "UNTIL")) != NULL && strspn(p,
	    "0123456789") >= 8 && sscanf(p, "%4d%2d%2d", &y, &m, &d) == 3 &&
	    !date_valid(y, m, d))
		return set_err(why, "UNTIL %.8s is not a day of the calendar",
		    p);
	if (rule_part(rule, "RSCALE") != NULL)
		return set_err(why, "RSCALE is not supported: rules use the "
		    "Gregorian calendar");
	/* RFC 5545 rules are printable ASCII without spaces; libical would
	 * skip a space before a number that rule_numbers cannot see. */
	for (p = rule; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return set_err(why, "the rule has a space or a character "
			    "that is not printable ASCII (byte %zu); %s",
			    (size_t)(p - rule) + 1, accepted);
	if (rule_numbers(rule, why) != 0)
		return -1;
	if (rule_load(rule, &rec, &malformed) != 0) {
		if (!malformed && rule_part(rule, "FREQ") == NULL)
			return set_err(why, "the rule has no FREQ");
		return set_err(why, "not a recurrence rule libical accepts "
		    "(RFC 5545, such as FREQ=MONTHLY;BYDAY=2TU)");
	}
	if (!rule_possible(&rec))
		return set_err(why, "no month of BYMONTH has a day of "
		    "BYMONTHDAY: the rule never occurs");
	if (!rule_positions_possible(&rec))
		return set_err(why, "BYDAY counts within a month here, and a "
		    "month has at most five of a weekday: the rule never "
		    "occurs");
	if (rec.freq < ICAL_DAILY_RECURRENCE)
		return set_err(why, "FREQ=%s is finer than a day; a check-in "
		    "cadence is daily at finest",
		    icalrecur_freq_to_string(rec.freq));
	if (rule_has(rec.by_hour) || rule_has(rec.by_minute) ||
	    rule_has(rec.by_second))
		return set_err(why, "BYHOUR, BYMINUTE and BYSECOND do not "
		    "apply to a schedule of days");
	for (i = 0; i < ICAL_BY_MONTH_SIZE && rule_has(&rec.by_month[i]); i++)
		if (icalrecurrencetype_month_is_leap(rec.by_month[i]))
			return set_err(why, "leap months need RSCALE, which "
			    "is not supported");
	for (i = 0; i < ICAL_BY_DAY_SIZE && rule_has(&rec.by_day[i]); i++)
		if (icalrecurrencetype_day_position(rec.by_day[i]) != 0 &&
		    rec.freq < ICAL_MONTHLY_RECURRENCE)
			return set_err(why, "BYDAY with a number (such as "
			    "2TU) needs FREQ=MONTHLY or FREQ=YEARLY");
	it = icalrecur_iterator_new(rec, ical_date((struct tb_date){ 2000, 1,
	    1 }));
	icalerror_clear_errno();
	if (it == NULL)
		return set_err(why, "libical rejects this combination of rule "
		    "parts (RFC 5545 3.3.10)");
	icalrecur_iterator_free(it);
	if ((text = icalrecurrencetype_as_string_r(&rec)) == NULL)
		return set_err(why, "libical cannot write the rule back");
	*canon = xstrdup(text);
	icalmemory_free_buffer(text);
	return 0;
}

int
cadence_parse(const char *spec, struct cadence *out, char **err)
{
	char *s, *low = NULL, *why = NULL;
	size_t i, n;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (spec == NULL)
		spec = "";
	while (isspace((unsigned char)*spec))
		spec++;
	n = strlen(spec);
	while (n > 0 && isspace((unsigned char)spec[n - 1]))
		n--;
	s = xstrndup(spec, n);
	if (strncasecmp(s, "RRULE:", 6) == 0) {
		out->kind = CADENCE_RRULE;
		rc = parse_rrule(s + 6, &out->rrule, &why);
		goto done;
	}
	low = xstrdup(s);
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	for (i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (strcmp(low, named[i].name) == 0) {
			out->kind = named[i].kind;
			out->interval = named[i].interval;
			rc = 0;
			goto done;
		}
	}
	if (*low == '\0')
		set_err(&why, "empty; %s", accepted);
	else if (strncmp(low, "every", 5) == 0)
		rc = parse_every(low + 5, out, &why);
	else
		set_err(&why, "not a cadence; %s", accepted);
done:
	if (rc != 0) {
		set_err(err, "cadence \"%.*s\": %s", SPEC_SHOWN, s, why);
		cadence_reset(out);
	}
	free(why);
	free(low);
	free(s);
	return rc;
}

void
cadence_reset(struct cadence *c)
{
	free(c->rrule);
	memset(c, 0, sizeof *c);
}

char *
cadence_format(const struct cadence *c)
{
	switch (c->kind) {
	case CADENCE_DAYS:
		if (c->interval == 7)
			return xstrdup("weekly");
		if (c->interval == 14)
			return xstrdup("biweekly");
		if (c->interval % 7 == 0)
			return xasprintf("every %d weeks", c->interval / 7);
		if (c->interval == 1)
			return xstrdup("every 1 day");
		return xasprintf("every %d days", c->interval);
	case CADENCE_MONTHS:
		if (c->interval == 1)
			return xstrdup("monthly");
		if (c->interval == 3)
			return xstrdup("quarterly");
		if (c->interval == 12)
			return xstrdup("yearly");
		return xasprintf("every %d months", c->interval);
	case CADENCE_RRULE:
		break;
	}
	return xasprintf("RRULE:%s", c->rrule ? c->rrule : "");
}

/* "a", "a and b", "a, b and c". */
static void
add_list(struct buf *b, const char *const *items, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(b, i == n - 1 ? " and " : ", ");
		buf_adds(b, items[i]);
	}
}

static const char *
ordinal_suffix(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	}
	return "th";
}

/* "the second Tuesday", "the last Friday", "Monday"; NULL when odd. */
static char *
day_item(short code, bool positional)
{
	int wd = icalrecurrencetype_day_day_of_week(code);
	int pos = icalrecurrencetype_day_position(code);

	if (wd < ICAL_SUNDAY_WEEKDAY || wd > ICAL_SATURDAY_WEEKDAY)
		return NULL;
	if (!positional)
		return pos == 0 ? xstrdup(weekday_names[wd]) : NULL;
	if (pos >= 1 && pos <= 5)
		return xasprintf("the %s %s", ordinals[pos], weekday_names[wd]);
	if (pos == -1)
		return xasprintf("the last %s", weekday_names[wd]);
	if (pos == -2)
		return xasprintf("the second-to-last %s", weekday_names[wd]);
	return NULL;
}

/* "the 15th", "the last day"; NULL when odd. */
static char *
monthday_item(short md)
{
	if (md >= 1 && md <= 31)
		return xasprintf("the %d%s", md, ordinal_suffix(md));
	if (md == -1)
		return xstrdup("the last day");
	if (md == -2)
		return xstrdup("the second-to-last day");
	return NULL;
}

/* Describe BYDAY or BYMONTHDAY items into b; -1 when not describable. */
static int
add_days(struct buf *b, const struct icalrecurrencetype *r)
{
	char *items[ICAL_BY_MONTHDAY_SIZE];
	int n = 0, rc = 0, i;
	bool positional = true;

	if (rule_has(r->by_day)) {
		positional = icalrecurrencetype_day_position(r->by_day[0]) != 0;
		for (i = 0; i < ICAL_BY_DAY_SIZE && rule_has(&r->by_day[i]) &&
		    rc == 0; i++) {
			if (n == ICAL_BY_MONTHDAY_SIZE ||
			    (items[n] = day_item(r->by_day[i], positional)) ==
			    NULL)
				rc = -1;
			else
				n++;
		}
	} else {
		for (i = 0; i < ICAL_BY_MONTHDAY_SIZE &&
		    rule_has(&r->by_month_day[i]) && rc == 0; i++) {
			if ((items[n] = monthday_item(r->by_month_day[i])) ==
			    NULL)
				rc = -1;
			else
				n++;
		}
	}
	if (rc == 0) {
		if (!positional && r->freq >= ICAL_MONTHLY_RECURRENCE)
			buf_adds(b, "every ");
		add_list(b, (const char *const *)items, n);
	}
	for (i = 0; i < n; i++)
		free(items[i]);
	return rc;
}

/* A phrase for a rule, or NULL when it takes more than a phrase. */
static char *
describe_rule(const struct icalrecurrencetype *r)
{
	static const char *const adverbs[] = { "daily", "weekly", "monthly",
	    "yearly" };
	static const char *const units[] = { "day", "week", "month", "year" };
	const char *months[ICAL_BY_MONTH_SIZE];
	struct buf b;
	int f = r->freq - ICAL_DAILY_RECURRENCE, nm = 0;
	bool has_days;

	has_days = rule_has(r->by_day) || rule_has(r->by_month_day);
	if (f < 0 || f > 3 || rule_has(r->by_year_day) ||
	    rule_has(r->by_week_no) || rule_has(r->by_set_pos) ||
	    (rule_has(r->by_day) && rule_has(r->by_month_day)))
		return NULL;
	for (; nm < ICAL_BY_MONTH_SIZE && rule_has(&r->by_month[nm]); nm++) {
		if (r->by_month[nm] < 1 || r->by_month[nm] > 12)
			return NULL;
		months[nm] = month_names[r->by_month[nm]];
	}
	/* YEARLY;BYMONTHDAY=15 is the 15th of every month: no short phrase. */
	if (r->freq == ICAL_YEARLY_RECURRENCE && nm == 0 &&
	    (rule_has(r->by_month_day) || (rule_has(r->by_day) &&
	    icalrecurrencetype_day_position(r->by_day[0]) == 0)))
		return NULL;
	buf_init(&b);
	if (r->interval <= 1)
		buf_adds(&b, adverbs[f]);
	else
		buf_printf(&b, "every %d %ss", r->interval, units[f]);
	if (has_days) {
		buf_adds(&b, r->freq < ICAL_MONTHLY_RECURRENCE ? " on " :
		    ", on ");
		if (add_days(&b, r) != 0) {
			buf_reset(&b);
			return NULL;
		}
	}
	if (nm > 0) {
		buf_adds(&b, has_days && r->freq >= ICAL_MONTHLY_RECURRENCE ?
		    " of " : ", in ");
		add_list(&b, months, nm);
	}
	if (r->count > 0)
		buf_printf(&b, ", %d time%s", r->count, r->count == 1 ? "" :
		    "s");
	else if (!icaltime_is_null_time(r->until)) {
		if (!date_valid(r->until.year, r->until.month, r->until.day)) {
			buf_reset(&b);
			return NULL;
		}
		buf_printf(&b, ", until %04d-%02d-%02d", r->until.year,
		    r->until.month, r->until.day);
	}
	return buf_steal(&b);
}

char *
cadence_describe(const struct cadence *c)
{
	struct icalrecurrencetype rec;
	char *s = NULL;
	int n = c->interval;

	switch (c->kind) {
	case CADENCE_DAYS:
		if (n % 7 == 0)
			return n == 7 ? xstrdup("every week") :
			    xasprintf("every %d weeks", n / 7);
		return n == 1 ? xstrdup("every day") :
		    xasprintf("every %d days", n);
	case CADENCE_MONTHS:
		if (n % 12 == 0)
			return n == 12 ? xstrdup("every year") :
			    xasprintf("every %d years", n / 12);
		return n == 1 ? xstrdup("every month") :
		    xasprintf("every %d months", n);
	case CADENCE_RRULE:
		break;
	}
	if (c->rrule != NULL && rule_load(c->rrule, &rec, NULL) == 0)
		s = describe_rule(&rec);
	if (s == NULL)
		s = xasprintf("on a fixed schedule (RRULE:%s)",
		    c->rrule ? c->rrule : "");
	return s;
}

char *
cadence_describe_spec(const char *spec)
{
	struct cadence c;
	char *text;

	if (cadence_parse(spec, &c, NULL) != 0)
		return xstrdup(spec);
	text = cadence_describe(&c);
	cadence_reset(&c);
	return text;
}

double
cadence_period_days(const struct cadence *c)
{
	static const double lengths[] = { 1, 7, MONTH_DAYS, 12 * MONTH_DAYS };
	struct icalrecurrencetype rec;
	int f;

	switch (c->kind) {
	case CADENCE_DAYS:
		return c->interval;
	case CADENCE_MONTHS:
		return c->interval * MONTH_DAYS;
	case CADENCE_RRULE:
		break;
	}
	if (c->rrule == NULL || rule_load(c->rrule, &rec, NULL) != 0)
		return 0;
	f = rec.freq - ICAL_DAILY_RECURRENCE;
	if (f < 0 || f > 3)
		return 0;
	return lengths[f] * (rec.interval > 1 ? rec.interval : 1);
}

/* The first occurrence on or after start and later than after (if any). */
static int
rrule_next(const char *rule, struct tb_date start, const long *after,
    struct tb_date *out, char **err)
{
	struct icalrecurrencetype rec;
	struct icaltimetype t;
	icalrecur_iterator *it;
	long first = date_to_days(start), days;
	char when[DATE_STRLEN];
	int rc = -1, step;

	if (rule_load(rule, &rec, NULL) != 0)
		return set_err(err, "cadence \"RRULE:%.*s\": not a recurrence "
		    "rule libical accepts", SPEC_SHOWN, rule);
	it = icalrecur_iterator_new(rec, ical_date(start));
	icalerror_clear_errno();
	if (it == NULL)
		return set_err(err, "cadence \"RRULE:%.*s\": libical cannot "
		    "start it at %s", SPEC_SHOWN, rule, date_format(start,
		    when));
	for (step = 0; step < ITER_STEPS; step++) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		if (!date_valid(t.year, t.month, t.day)) {
			set_err(err, "cadence \"RRULE:%.*s\": libical gave "
			    "the impossible date %04d-%02d-%02d", SPEC_SHOWN,
			    rule, t.year, t.month, t.day);
			goto out;
		}
		days = date_to_days((struct tb_date){ t.year, t.month, t.day });
		if (days >= first && (after == NULL || days > *after)) {
			*out = (struct tb_date){ t.year, t.month, t.day };
			rc = 0;
			goto out;
		}
	}
	date_format(after ? date_from_days(*after) : start, when);
	if (step == ITER_STEPS)
		set_err(err, "cadence \"RRULE:%.*s\": no occurrence after %s "
		    "within %d occurrences", SPEC_SHOWN, rule, when, ITER_STEPS);
	else
		set_err(err, "cadence \"RRULE:%.*s\": no occurrence %s %s "
		    "(its COUNT or UNTIL has run out)", SPEC_SHOWN, rule,
		    after ? "after" : "on or after", when);
out:
	icalrecur_iterator_free(it);
	icalerror_clear_errno();
	return rc;
}

int
cadence_next_due(const struct cadence *c, struct tb_date start,
    const struct tb_date *last_checkin, const struct cadence_calendar *cal,
    struct tb_date *due, char **err)
{
	struct tb_date base, d;
	char text[DATE_STRLEN];
	long after = 0, lead;

	if (!date_valid(start.year, start.month, start.day))
		return set_err(err, "start date %s is not a day of the "
		    "calendar", date_format(start, text));
	if (last_checkin != NULL && !date_valid(last_checkin->year,
	    last_checkin->month, last_checkin->day))
		return set_err(err, "check-in date %s is not a day of the "
		    "calendar", date_format(*last_checkin, text));
	base = last_checkin != NULL ? *last_checkin : start;
	switch (c->kind) {
	case CADENCE_DAYS:
		d = date_add_days(base, c->interval);
		break;
	case CADENCE_MONTHS:
		d = date_add_months(base, c->interval);
		break;
	case CADENCE_RRULE:
		lead = cal != NULL && cal->lead_days > 0 ? cal->lead_days : 0;
		if (last_checkin != NULL)
			after = date_to_days(*last_checkin) + lead;
		if (rrule_next(c->rrule ? c->rrule : "", start,
		    last_checkin ? &after : NULL, &d, err) != 0)
			return -1;
		break;
	default:
		return set_err(err, "cadence: unknown kind %d", (int)c->kind);
	}
	if (d.year > 9999)
		return set_err(err, "the next due date after %s is past the "
		    "year 9999", date_format(base, text));
	*due = cadence_business_day(d, cal);
	return 0;
}
