/*
 * inbound_itip.c: an iTIP answer read with libical, which is included
 * here only.  The calendar comes from a stranger: inbound_text_calendar()
 * hands libical only a well-nested VCALENDAR, and a time zone the message
 * defines is used only when libical can expand it in bounded time.
 */
#include "inbound_itip.h"

#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "address.h"
#include "inbound_text.h"
#include "util.h"

#define ZONE_PARTS	64	/* STANDARD/DAYLIGHT parts of a VTIMEZONE */
#define ZONE_YEARS	300	/* years a zone's rule is expanded over */

static const char *
partstat_name(icalproperty *attendee)
{
	icalparameter *p = icalproperty_get_first_parameter(attendee,
	    ICAL_PARTSTAT_PARAMETER);

	if (p == NULL)
		return "NEEDS-ACTION";	/* RFC 5545's default */
	switch (icalparameter_get_partstat(p)) {
	case ICAL_PARTSTAT_ACCEPTED:
		return "ACCEPTED";
	case ICAL_PARTSTAT_TENTATIVE:
		return "TENTATIVE";
	case ICAL_PARTSTAT_DECLINED:
		return "DECLINED";
	case ICAL_PARTSTAT_NEEDSACTION:
		return "NEEDS-ACTION";
	case ICAL_PARTSTAT_DELEGATED:
		return "DELEGATED";
	default:
		return NULL;
	}
}

/* An ATTENDEE's mailto: address, lower-cased; NULL when it is none. */
static char *
attendee_address(icalproperty *p)
{
	const char *v = icalproperty_get_attendee(p);
	char *a;

	if (v == NULL || !inbound_text_prefix(v, "mailto:"))
		return NULL;
	a = inbound_text_lower(xstrdup(v + 7));
	if (!address_valid(a)) {
		free(a);
		return NULL;
	}
	return a;
}

/* The ATTENDEE that answers: From's, else the first with a PARTSTAT,
 * else the first. */
static icalproperty *
pick_attendee(icalcomponent *ev, const char *from)
{
	icalproperty *p, *first = NULL, *with_stat = NULL;
	char *a;
	bool match;

	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		a = attendee_address(p);
		match = a != NULL && from != NULL && strcmp(a, from) == 0;
		free(a);
		if (match)
			return p;
		if (first == NULL)
			first = p;
		if (with_stat == NULL && icalproperty_get_first_parameter(p,
		    ICAL_PARTSTAT_PARAMETER) != NULL)
			with_stat = p;
	}
	return with_stat != NULL ? with_stat : first;
}

/* The VEVENT answered: the first without RECURRENCE-ID, else the first. */
static icalcomponent *
pick_event(icalcomponent *cal)
{
	icalcomponent *ev, *first = NULL;

	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    ev != NULL;
	    ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		if (icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY) == NULL)
			return ev;
		if (first == NULL)
			first = ev;
	}
	return first;
}

/* How many of a recurrence's BY values are set. */
static int
by_count(const short *by, int size)
{
	int n = 0;

	while (n < size && by[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/*
 * Is r a rule of the kind time zones use (yearly, in one month, on one
 * day of the week or a week of days), whose expansion is a handful of
 * changes a year?  A zone is expanded from its first year, rule by rule:
 * a FREQ=SECONDLY rule would run for hours.
 */
static bool
zone_rule(const struct icalrecurrencetype *r)
{
	int months = by_count(r->by_month, ICAL_BY_MONTH_SIZE);
	int days = by_count(r->by_day, ICAL_BY_DAY_SIZE);

	return r->freq == ICAL_YEARLY_RECURRENCE && r->interval == 1 &&
	    months <= 1 && days <= 1 && (days == 0 || months == 1) &&
	    by_count(r->by_month_day, ICAL_BY_MONTHDAY_SIZE) <= 7 &&
	    by_count(r->by_year_day, ICAL_BY_YEARDAY_SIZE) == 0 &&
	    by_count(r->by_week_no, ICAL_BY_WEEKNO_SIZE) == 0 &&
	    by_count(r->by_hour, ICAL_BY_HOUR_SIZE) == 0 &&
	    by_count(r->by_minute, ICAL_BY_MINUTE_SIZE) == 0 &&
	    by_count(r->by_second, ICAL_BY_SECOND_SIZE) == 0 &&
	    by_count(r->by_set_pos, ICAL_BY_SETPOS_SIZE) == 0;
}

/*
 * Make the message's own zone cheap to use for a time in year, or say it
 * cannot be.  Outlook starts its zones' rules in 1601 and libical expands
 * every year from there (20 ms a message): a part whose one rule is
 * yearly without end, and which has no RDATE, gives the same offsets in
 * year when it starts the year before, so its DTSTART is moved there.
 * Any other part must start within ZONE_YEARS of year.
 */
static bool
zone_prepare(icaltimezone *zone, int year)
{
	icalcomponent *vtz = icaltimezone_get_component(zone), *c;
	icalproperty *rrule;
	struct icalrecurrencetype r;
	struct icaltimetype start;
	int parts = 0;

	for (c = vtz != NULL ? icalcomponent_get_first_component(vtz,
	    ICAL_ANY_COMPONENT) : NULL; c != NULL;
	    c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		rrule = icalcomponent_get_first_property(c,
		    ICAL_RRULE_PROPERTY);
		start = icalcomponent_get_dtstart(c);
		if (++parts > ZONE_PARTS || icaltime_is_null_time(start))
			return false;
		if (rrule == NULL)
			continue;
		/* Counted, not iterated: libical has one iterator per
		 * component, and get_dtstart() above moved it. */
		r = icalproperty_get_rrule(rrule);
		if (!zone_rule(&r) || icalcomponent_count_properties(c,
		    ICAL_RRULE_PROPERTY) > 1)
			return false;
		if (start.year >= year - 1)
			continue;
		if (r.count != 0 || !icaltime_is_null_time(r.until) ||
		    icalcomponent_get_first_property(c,
		    ICAL_RDATE_PROPERTY) != NULL) {
			if (start.year < year - ZONE_YEARS)
				return false;
			continue;
		}
		start.year = year - 1;
		if (start.month == 2 && start.day == 29)
			start.day = 28;
		icalcomponent_set_dtstart(c, start);
	}
	return true;
}

/* t as an instant; 0 when null, out of range, or in an unknown zone.
 * floating_utc: a time without zone is taken as UTC (DTSTAMP must be). */
static time_t
instant(struct icaltimetype t, bool floating_utc)
{
	icaltimezone *zone = (icaltimezone *)t.zone;

	if (icaltime_is_null_time(t) || t.year < 1970 || t.year > 2999)
		return 0;
	if (zone == NULL && !floating_utc)
		return 0;
	if (zone == NULL || icaltime_is_utc(t))
		zone = icaltimezone_get_utc_timezone();
	else if (zone != icaltimezone_get_builtin_timezone_from_tzid(
	    icaltimezone_get_tzid(zone)) && !zone_prepare(zone, t.year))
		return 0;	/* libical's own zones are shared: not touched */
	return icaltime_as_timet_with_zone(t, zone);
}

/* A COUNTER's DTSTART: the instant, and the time as written. */
static void
read_proposed(struct inbound_itip *it, icalcomponent *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev,
	    ICAL_DTSTART_PROPERTY);
	icalparameter *tzid = p != NULL ? icalproperty_get_first_parameter(p,
	    ICAL_TZID_PARAMETER) : NULL;
	struct icaltimetype t;
	char *zone;

	if (p == NULL)
		return;
	t = icalcomponent_get_dtstart(ev);
	if (icaltime_is_null_time(t))
		return;
	it->proposed_start = instant(t, false);
	if (t.is_date) {
		it->proposed_text = xasprintf("%04d-%02d-%02d", t.year,
		    t.month, t.day);
		return;
	}
	zone = icaltime_is_utc(t) ? xstrdup("UTC") : tzid != NULL ?
	    inbound_text_line(icalparameter_get_tzid(tzid)) : NULL;
	it->proposed_text = xasprintf("%04d-%02d-%02d %02d:%02d%s%s", t.year,
	    t.month, t.day, t.hour, t.minute, zone != NULL ? " " : "",
	    zone != NULL ? zone : "");
	free(zone);
}

static void
read_event(struct inbound_itip *it, icalcomponent *ev, const char *from)
{
	icalproperty *att = pick_attendee(ev, from);
	int seq = icalcomponent_get_sequence(ev);

	it->uid = inbound_text_line(icalcomponent_get_uid(ev));
	it->sequence = seq > 0 ? seq : 0;
	it->dtstamp = instant(icalcomponent_get_dtstamp(ev), true);
	it->comment = inbound_text_line(icalcomponent_get_comment(ev));
	if (att != NULL) {
		it->attendee = attendee_address(att);
		it->partstat = xstrdup(partstat_name(att));
	}
	if (it->method == ITIP_COUNTER)
		read_proposed(it, ev);
}

/* The iTIP method of cal, else the one its Content-Type names. */
static enum inbound_itip_method
itip_method(icalcomponent *cal, const char *ct_method)
{
	icalproperty_method method = icalcomponent_get_method(cal);

	if (method == ICAL_METHOD_NONE && ct_method != NULL)
		method = icalproperty_string_to_method(ct_method);
	return method == ICAL_METHOD_REPLY ? ITIP_REPLY :
	    method == ICAL_METHOD_COUNTER ? ITIP_COUNTER : ITIP_NONE;
}

bool
inbound_itip_read(const char *text, const char *ct_method, const char *from,
    struct inbound_itip *out)
{
	char *vcal = inbound_text_calendar(text);
	icalcomponent *root, *cal, *ev;

	memset(out, 0, sizeof *out);
	if (vcal == NULL)
		return false;
	root = icalparser_parse_string(vcal);
	free(vcal);
	icalerror_clear_errno();
	if (root == NULL)
		return false;
	cal = root;
	if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT)
		cal = icalcomponent_get_first_component(root,
		    ICAL_VCALENDAR_COMPONENT);
	if (cal != NULL && (ev = pick_event(cal)) != NULL &&
	    (out->method = itip_method(cal, ct_method)) != ITIP_NONE)
		read_event(out, ev, from);
	icalcomponent_free(root);
	icalerror_clear_errno();
	return out->method != ITIP_NONE;
}
