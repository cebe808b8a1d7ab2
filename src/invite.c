/*
 * invite.c: VCALENDAR objects for iTIP invites and feeds, built with
 * libical.  Times are resolved by tz.c (RFC 5545 section 3.3.5); libical
 * supplies the VTIMEZONE data, the escaping and the line folding.
 */
#include "invite.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "address.h"
#include "tz.h"
#include "util.h"

#define PRODID "-//touchbase//touchbase//EN"
#define MAX_MINUTES (7 * 24 * 60)

/* One event, resolved to instants. */
struct slot {
	time_t		 start, end;
	bool		 in_utc;	/* written in UTC, not local time */
	struct tb_date	 end_date;	/* local wall clock of the end */
	int		 end_hour, end_minute;
};

/* A zone some event is written in, and the local years to cover. */
struct span {
	const char	*tzid;
	int		 first_year, last_year;
	time_t		 last_end;
};

static bool
is_utc(const char *tzid)
{
	return icaltimezone_get_builtin_timezone(tzid) ==
	    icaltimezone_get_utc_timezone() || strcmp(tzid, "UTC") == 0;
}

/*
 * A copy of text fit for a content line: valid UTF-8 is required; CR LF
 * and CR become LF (or a space when !multiline), other control
 * characters a space, and a DQUOTE a single quote when for_param (a
 * parameter value cannot hold one).  Caller frees.
 */
static char *
clean_text(const char *what, const char *s, bool multiline, bool for_param,
    char **err)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	struct buf b;
	size_t n;

	buf_init(&b);
	buf_adds(&b, "");
	while (*p != '\0') {
		if ((n = text_utf8_seq(p, (size_t)(end - p))) == 0) {
			buf_reset(&b);
			set_err(err, "%s: not valid UTF-8", what);
			return NULL;
		}
		if (n > 1)
			buf_add(&b, p, n);
		else if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			buf_addc(&b, multiline ? '\n' : ' ');
		} else if (*p < 0x20 || *p == 0x7f)
			buf_addc(&b, ' ');
		else if (*p == '"' && for_param)
			buf_addc(&b, '\'');
		else
			buf_addc(&b, (char)*p);
		p += n;
	}
	return buf_steal(&b);
}

static int
check_event(const char *method, const struct invite_event *ev, char **err)
{
	bool itip = strcmp(method, "PUBLISH") != 0;

	if (str_empty(ev->uid))
		return set_err(err, "no UID");
	if (text_check("UID", ev->uid, TEXT_LINE, err) != 0)
		return -1;
	if (ev->summary == NULL)
		return set_err(err, "no summary");
	if (ev->sequence < 0)
		return set_err(err, "sequence %d is negative", ev->sequence);
	if (ev->minutes <= 0 || ev->minutes > MAX_MINUTES)
		return set_err(err, "duration of %d minutes is out of range",
		    ev->minutes);
	if (ev->alarm_days < 0 || ev->alarm_days > 366)
		return set_err(err, "alarm %d days before is out of range",
		    ev->alarm_days);
	if (ev->organizer_email != NULL || itip) {
		if (address_check("organizer", ev->organizer_email, err) != 0)
			return -1;
	}
	if (strcmp(method, "REQUEST") == 0 && ev->nattendees == 0)
		return set_err(err, "a REQUEST needs at least one attendee");
	for (size_t i = 0; i < ev->nattendees && itip; i++) {
		if (address_check("attendee", ev->attendees[i].email, err) != 0)
			return -1;
	}
	return 0;
}

/* Resolve an event's start and end; decide whether it is written in UTC. */
static int
plan_slot(const struct invite_event *ev, struct slot *s, char **err)
{
	struct icaltimetype tt;
	icaltimezone *zone;
	bool odd, end_odd;
	time_t back;

	if (!tz_valid(ev->tzid))
		return set_err(err, "time zone \"%s\" is unknown",
		    ev->tzid ? ev->tzid : "");
	if (tz_local_to_utc(ev->date, ev->hour, ev->minute, ev->tzid,
	    &s->start, &odd, err) != 0)
		return -1;
	s->end = s->start + (time_t)ev->minutes * 60;
	s->in_utc = odd || is_utc(ev->tzid);
	if (s->in_utc)
		return 0;
	zone = icaltimezone_get_builtin_timezone(ev->tzid);
	tt = icaltime_from_timet_with_zone(s->end, 0, zone);
	s->end_date = (struct tb_date){ tt.year, tt.month, tt.day };
	s->end_hour = tt.hour;
	s->end_minute = tt.minute;
	/* An end in a gap or overlap is written in UTC too, with the start. */
	if (tz_local_to_utc(s->end_date, s->end_hour, s->end_minute, ev->tzid,
	    &back, &end_odd, err) != 0)
		return -1;
	if (end_odd || back != s->end)
		s->in_utc = true;
	return 0;
}

static void
add_span(struct span **spans, size_t *n, const struct invite_event *ev,
    const struct slot *s)
{
	struct span *sp;

	for (size_t i = 0; i < *n; i++) {
		sp = &(*spans)[i];
		if (strcmp(sp->tzid, ev->tzid) != 0)
			continue;
		if (ev->date.year < sp->first_year)
			sp->first_year = ev->date.year;
		if (s->end_date.year > sp->last_year)
			sp->last_year = s->end_date.year;
		if (s->end > sp->last_end)
			sp->last_end = s->end;
		return;
	}
	*spans = xreallocarray(*spans, *n + 1, sizeof **spans);
	sp = &(*spans)[(*n)++];
	sp->tzid = ev->tzid;
	sp->first_year = ev->date.year;
	sp->last_year = s->end_date.year;
	sp->last_end = s->end;
}

static struct icaltimetype
utc_time(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0,
	    icaltimezone_get_utc_timezone());
}

/* Onsets of an observance's RRULE up to its UNTIL (a UTC instant). */
static int
count_onsets(struct icalrecurrencetype rule, struct icaltimetype dtstart,
    int offset_from)
{
	icalrecur_iterator *it;
	struct icaltimetype next;
	time_t until = icaltime_as_timet(rule.until);
	int n = 0;

	rule.until = icaltime_null_time();
	if ((it = icalrecur_iterator_new(rule, dtstart)) == NULL)
		return 0;
	/* Local onsets read as UTC, less the offset before the change. */
	while (n < 1000 && !icaltime_is_null_time(next =
	    icalrecur_iterator_next(it)) &&
	    icaltime_as_timet(next) - offset_from <= until)
		n++;
	icalrecur_iterator_free(it);
	return n;
}

/*
 * Truncated observances end their RRULEs with UNTIL, which RFC 5545 wants
 * in UTC while DTSTART is local; python-icalendar 4.0.3 (dateutil) cannot
 * mix the two.  COUNT says the same and every reader takes it.
 */
static void
until_to_count(icalcomponent *obs, int offset_from)
{
	icalproperty *rp, *dp;
	struct icalrecurrencetype rule;
	int n;

	rp = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY);
	dp = icalcomponent_get_first_property(obs, ICAL_DTSTART_PROPERTY);
	if (rp == NULL || dp == NULL)
		return;
	rule = icalproperty_get_rrule(rp);
	if (icaltime_is_null_time(rule.until))
		return;
	if ((n = count_onsets(rule, icalproperty_get_dtstart(dp),
	    offset_from)) == 0) {
		icalcomponent_remove_property(obs, rp);
		icalproperty_free(rp);
		return;
	}
	rule.until = icaltime_null_time();
	rule.count = n;
	icalproperty_set_rrule(rp, rule);
}

/*
 * Truncation writes the RDATEs it creates in UTC; onsets in a VTIMEZONE
 * are local times (RFC 5545 section 3.6.5) and python-icalendar misreads
 * UTC ones.  Rewrite them as local time in TZOFFSETFROM.
 */
static void
localize_rdates(icalcomponent *obs, int offset_from)
{
	icalproperty *p;
	struct icaldatetimeperiodtype rd;

	for (p = icalcomponent_get_first_property(obs, ICAL_RDATE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(obs, ICAL_RDATE_PROPERTY)) {
		rd = icalproperty_get_rdate(p);
		if (icaltime_is_null_time(rd.time) || !icaltime_is_utc(rd.time))
			continue;
		icaltime_adjust(&rd.time, 0, 0, 0, offset_from);
		rd.time.zone = NULL;
		icalproperty_set_rdate(p, rd);
	}
}

/* Make each STANDARD/DAYLIGHT of a truncated VTIMEZONE readable by all. */
static void
fix_observances(icalcomponent *vtz)
{
	icalcomponent *obs;
	icalproperty *off;
	int from;

	for (obs = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	    obs != NULL;
	    obs = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		off = icalcomponent_get_first_property(obs,
		    ICAL_TZOFFSETFROM_PROPERTY);
		from = off ? icalproperty_get_tzoffsetfrom(off) : 0;
		localize_rdates(obs, from);
		until_to_count(obs, from);
	}
}

/*
 * The zone's VTIMEZONE cut down to the local years the events fall in,
 * with the plain IANA name as TZID (clients reject libical's prefixed
 * TZIDs).  Caller frees.
 */
static icalcomponent *
build_vtimezone(const struct span *sp, char **err)
{
	icaltimezone *zone = icaltimezone_get_builtin_timezone(sp->tzid);
	icalcomponent *vtz;
	icalproperty *p;
	time_t from, to = sp->last_end;

	if (tz_local_to_utc((struct tb_date){ sp->first_year, 1, 1 }, 0, 0,
	    sp->tzid, &from, NULL, err) != 0)
		return NULL;
	if (sp->last_year < 9999 && tz_local_to_utc((struct tb_date){
	    sp->last_year + 1, 1, 1 }, 0, 0, sp->tzid, &to, NULL, err) != 0)
		return NULL;
	if (to < sp->last_end)
		to = sp->last_end;
	vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
	icaltimezone_truncate_vtimezone(vtz, utc_time(from), utc_time(to), 0);
	fix_observances(vtz);
	if ((p = icalcomponent_get_first_property(vtz,
	    ICAL_TZID_PROPERTY)) != NULL)
		icalproperty_set_tzid(p, sp->tzid);
	else
		icalcomponent_add_property(vtz,
		    icalproperty_new_tzid(sp->tzid));
	return vtz;
}

/* A VTIMEZONE built for one zone and span of years, kept for reuse. */
struct zone_built {
	char		*tzid;
	int		 first_year, last_year;
	time_t		 last_end;	/* part of the key only for an
					 * open-ended span */
	char		*text;	/* the VTIMEZONE serialized */
};

struct invite_zones {
	struct zone_built *v;
	size_t		 n;
};

struct invite_zones *
invite_zones_new(void)
{
	return xcalloc(1, sizeof(struct invite_zones));
}

void
invite_zones_free(struct invite_zones *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->v[i].tzid);
		free(z->v[i].text);
	}
	free(z->v);
	free(z);
}

/* The VTIMEZONE serialized (allocated). */
static char *
vtimezone_string(icalcomponent *vtz)
{
	char *ical = icalcomponent_as_ical_string_r(vtz), *text;

	text = xstrdup(ical);
	icalmemory_free_buffer(ical);
	icalcomponent_free(vtz);
	return text;
}

/* sp's VTIMEZONE as text, appended to out: from zones when serialized
 * before, else built (and kept there when zones is given). */
static int
vtimezone_for(struct invite_zones *zones, const struct span *sp,
    struct buf *out, char **err)
{
	time_t end = sp->last_year < 9999 ? 0 : sp->last_end;
	struct zone_built *b;
	icalcomponent *vtz;
	char *text;

	for (size_t i = 0; zones != NULL && i < zones->n; i++) {
		b = &zones->v[i];
		if (b->first_year == sp->first_year && b->last_year ==
		    sp->last_year && b->last_end == end &&
		    strcmp(b->tzid, sp->tzid) == 0) {
			buf_adds(out, b->text);
			return 0;
		}
	}
	if ((vtz = build_vtimezone(sp, err)) == NULL)
		return -1;
	text = vtimezone_string(vtz);
	buf_adds(out, text);
	if (zones == NULL) {
		free(text);
		return 0;
	}
	zones->v = xreallocarray(zones->v, zones->n + 1, sizeof *zones->v);
	b = &zones->v[zones->n++];
	b->tzid = xstrdup(sp->tzid);
	b->first_year = sp->first_year;
	b->last_year = sp->last_year;
	b->last_end = end;
	b->text = text;
	return 0;
}

/* ORGANIZER or ATTENDEE: "mailto:" + email, CN when a name is known. */
static icalproperty *
cal_address(bool attendee, const char *name, const char *email, char **err)
{
	icalproperty *p;
	char *uri, *cn;

	uri = xasprintf("mailto:%s", email);
	p = attendee ? icalproperty_new_attendee(uri) :
	    icalproperty_new_organizer(uri);
	free(uri);
	if (!str_empty(name)) {
		if ((cn = clean_text("name", name, false, true, err)) == NULL) {
			icalproperty_free(p);
			return NULL;
		}
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		free(cn);
	}
	if (attendee) {
		icalproperty_add_parameter(p,
		    icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
		icalproperty_add_parameter(p,
		    icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p,
		    icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p,
		    icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

/* DTSTART or DTEND: local time with TZID, or UTC. */
static icalproperty *
time_prop(bool end, const struct invite_event *ev, const struct slot *s)
{
	struct icaltimetype tt;
	icalproperty *p;

	if (s->in_utc)
		tt = utc_time(end ? s->end : s->start);
	else {
		tt = icaltime_null_time();
		tt.year = end ? s->end_date.year : ev->date.year;
		tt.month = end ? s->end_date.month : ev->date.month;
		tt.day = end ? s->end_date.day : ev->date.day;
		tt.hour = end ? s->end_hour : ev->hour;
		tt.minute = end ? s->end_minute : ev->minute;
	}
	p = end ? icalproperty_new_dtend(tt) : icalproperty_new_dtstart(tt);
	if (!s->in_utc)
		icalproperty_add_parameter(p, icalparameter_new_tzid(ev->tzid));
	return p;
}

static icalcomponent *
build_valarm(int days, const char *text)
{
	icalcomponent *alarm = icalcomponent_new_valarm();
	struct icaltriggertype trig;

	memset(&trig, 0, sizeof trig);
	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_null_duration();
	trig.duration.is_neg = 1;
	trig.duration.days = (unsigned int)days;
	icalcomponent_add_property(alarm,
	    icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(trig));
	icalcomponent_add_property(alarm, icalproperty_new_description(text));
	return alarm;
}

/* Text properties, after cleaning: SUMMARY, DESCRIPTION, VALARM. */
static int
add_texts(icalcomponent *vev, const struct invite_event *ev, char **err)
{
	char *summary, *desc = NULL;

	if ((summary = clean_text("summary", ev->summary, false, false,
	    err)) == NULL)
		return -1;
	if (ev->description != NULL && (desc = clean_text("description",
	    ev->description, true, false, err)) == NULL) {
		free(summary);
		return -1;
	}
	icalcomponent_add_property(vev, icalproperty_new_summary(summary));
	if (desc != NULL)
		icalcomponent_add_property(vev,
		    icalproperty_new_description(desc));
	if (ev->alarm_days > 0)
		icalcomponent_add_component(vev,
		    build_valarm(ev->alarm_days, summary));
	free(summary);
	free(desc);
	return 0;
}

static icalcomponent *
build_vevent(const char *method, const struct invite_event *ev,
    const struct slot *s, time_t now, char **err)
{
	icalcomponent *vev = icalcomponent_new_vevent();
	icalproperty *p;
	bool cancelled = ev->cancelled || strcmp(method, "CANCEL") == 0;
	bool publish = strcmp(method, "PUBLISH") == 0;

	icalcomponent_add_property(vev, icalproperty_new_uid(ev->uid));
	icalcomponent_add_property(vev,
	    icalproperty_new_dtstamp(utc_time(now)));
	icalcomponent_add_property(vev, time_prop(false, ev, s));
	icalcomponent_add_property(vev, time_prop(true, ev, s));
	icalcomponent_add_property(vev,
	    icalproperty_new_sequence(ev->sequence));
	icalcomponent_add_property(vev, icalproperty_new_status(cancelled ?
	    ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(vev,
	    icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	if (add_texts(vev, ev, err) != 0)
		goto fail;
	if (ev->organizer_email != NULL) {
		if ((p = cal_address(false, ev->organizer_name,
		    ev->organizer_email, err)) == NULL)
			goto fail;
		icalcomponent_add_property(vev, p);
	}
	/* RFC 5546 section 3.2.1: a PUBLISH has no attendees. */
	for (size_t i = 0; i < ev->nattendees && !publish; i++) {
		if ((p = cal_address(true, ev->attendees[i].name,
		    ev->attendees[i].email, err)) == NULL)
			goto fail;
		icalcomponent_add_property(vev, p);
	}
	return vev;
fail:
	icalcomponent_free(vev);
	return NULL;
}

static int
method_kind(const char *method, icalproperty_method *out, char **err)
{
	if (method != NULL && strcmp(method, "REQUEST") == 0)
		*out = ICAL_METHOD_REQUEST;
	else if (method != NULL && strcmp(method, "CANCEL") == 0)
		*out = ICAL_METHOD_CANCEL;
	else if (method != NULL && strcmp(method, "PUBLISH") == 0)
		*out = ICAL_METHOD_PUBLISH;
	else
		return set_err(err, "method \"%s\" is not REQUEST, CANCEL or "
		    "PUBLISH", method ? method : "");
	return 0;
}

/* Check every event and resolve its times; collect the zones to write. */
static int
plan_events(const char *method, const struct invite_event *events,
    size_t n, struct slot *slots, struct span **spans, size_t *nspans,
    char **err)
{
	if (n == 0 && strcmp(method, "PUBLISH") != 0)
		return set_err(err, "a %s needs an event", method);
	for (size_t i = 0; i < n; i++) {
		if (check_event(method, &events[i], err) != 0 ||
		    plan_slot(&events[i], &slots[i], err) != 0)
			return prefix_err(err, "event %zu (%s)", i + 1,
			    events[i].uid ? events[i].uid : "no UID");
		/* iTIP: the components of one REQUEST or CANCEL share a UID. */
		if (strcmp(method, "PUBLISH") != 0 &&
		    strcmp(events[i].uid, events[0].uid) != 0)
			return set_err(err, "event %zu: UID %s differs from "
			    "%s", i + 1, events[i].uid, events[0].uid);
		if (!slots[i].in_utc)
			add_span(spans, nspans, &events[i], &slots[i]);
	}
	return 0;
}

char *
invite_build(const char *method, const struct invite_event *events,
    size_t nevents, time_t now, char **err)
{
	return invite_build_with(NULL, method, events, nevents, now, err);
}

char *
invite_build_with(struct invite_zones *zones, const char *method,
    const struct invite_event *events, size_t nevents, time_t now,
    char **err)
{
	icalproperty_method kind = ICAL_METHOD_NONE;
	icalcomponent *cal = NULL, *c;
	struct slot *slots;
	struct span *spans = NULL;
	struct buf zones_text, whole;
	size_t nspans = 0;
	char *ical, *text = NULL;
	const char *at;

	if (method_kind(method, &kind, err) != 0)
		return NULL;
	buf_init(&zones_text);
	slots = xcalloc(nevents ? nevents : 1, sizeof *slots);
	if (plan_events(method, events, nevents, slots, &spans, &nspans,
	    err) != 0)
		goto out;
	cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(kind));
	/* The VTIMEZONEs, the same text for every invite in a zone, are
	 * serialized once and go where libical puts components it is
	 * given first: after the calendar's properties. */
	for (size_t i = 0; i < nspans; i++)
		if (vtimezone_for(zones, &spans[i], &zones_text, err) != 0)
			goto out;
	for (size_t i = 0; i < nevents; i++) {
		if ((c = build_vevent(method, &events[i], &slots[i], now,
		    err)) == NULL) {
			prefix_err(err, "event %zu (%s)", i + 1, events[i].uid);
			goto out;
		}
		icalcomponent_add_component(cal, c);
	}
	ical = icalcomponent_as_ical_string_r(cal);
	if ((at = strstr(ical, "\r\nBEGIN:")) == NULL)
		at = strstr(ical, "\r\nEND:VCALENDAR");
	if (at == NULL) {
		set_err(err, "libical wrote a calendar without its end");
		icalmemory_free_buffer(ical);
		goto out;
	}
	at += 2;
	buf_init(&whole);
	buf_add(&whole, ical, (size_t)(at - ical));
	buf_add(&whole, buf_str(&zones_text), zones_text.len);
	buf_adds(&whole, at);
	text = buf_steal(&whole);
	icalmemory_free_buffer(ical);
out:
	if (cal != NULL)
		icalcomponent_free(cal);
	buf_reset(&zones_text);
	free(spans);
	free(slots);
	return text;
}

/*
 * A calendar written as it goes, for a feed too large to hold: every
 * event is noted first (its zone and years decide the VTIMEZONEs, which
 * come before the events), then written one at a time.
 */
struct invite_stream {
	const char	*method;
	icalproperty_method kind;
	struct span	*spans;		/* tzid owned */
	size_t		 nspans;
};

struct invite_stream *
invite_stream_new(const char *method, char **err)
{
	struct invite_stream *st;
	icalproperty_method kind;

	if (method_kind(method, &kind, err) != 0)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->method = method;
	st->kind = kind;
	return st;
}

void
invite_stream_free(struct invite_stream *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nspans; i++)
		free((char *)st->spans[i].tzid);
	free(st->spans);
	free(st);
}

/* ev checked and its times resolved into *s. */
static int
stream_slot(const struct invite_stream *st, const struct invite_event *ev,
    struct slot *s, char **err)
{
	if (check_event(st->method, ev, err) != 0 ||
	    plan_slot(ev, s, err) != 0)
		return prefix_err(err, "event %s", ev->uid ? ev->uid :
		    "without UID");
	return 0;
}

int
invite_stream_note(struct invite_stream *st, const struct invite_event *ev,
    char **err)
{
	struct slot s;
	size_t before = st->nspans;

	if (stream_slot(st, ev, &s, err) != 0)
		return -1;
	if (s.in_utc)
		return 0;
	add_span(&st->spans, &st->nspans, ev, &s);
	if (st->nspans > before)
		st->spans[before].tzid = xstrdup(ev->tzid);
	return 0;
}

int
invite_stream_head(struct invite_stream *st, struct buf *out, char **err)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	char *ical, *end;

	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(st->kind));
	ical = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if ((end = strstr(ical, "END:VCALENDAR")) == NULL) {
		icalmemory_free_buffer(ical);
		return set_err(err, "libical wrote a calendar without its "
		    "end");
	}
	buf_add(out, ical, (size_t)(end - ical));
	icalmemory_free_buffer(ical);
	for (size_t i = 0; i < st->nspans; i++)
		if (vtimezone_for(NULL, &st->spans[i], out, err) != 0)
			return -1;
	return 0;
}

int
invite_stream_event(struct invite_stream *st, const struct invite_event *ev,
    time_t now, struct buf *out, char **err)
{
	icalcomponent *vev;
	struct slot s;
	char *ical;
	size_t i;

	if (stream_slot(st, ev, &s, err) != 0)
		return -1;
	for (i = 0; !s.in_utc && i < st->nspans; i++)
		if (strcmp(st->spans[i].tzid, ev->tzid) == 0)
			break;
	if (!s.in_utc && i == st->nspans)
		return set_err(err, "event %s: its zone %s was not noted "
		    "before the calendar began", ev->uid, ev->tzid);
	if ((vev = build_vevent(st->method, ev, &s, now, err)) == NULL)
		return prefix_err(err, "event %s", ev->uid);
	ical = icalcomponent_as_ical_string_r(vev);
	buf_adds(out, ical);
	icalmemory_free_buffer(ical);
	icalcomponent_free(vev);
	return 0;
}

void
invite_stream_tail(struct buf *out)
{
	buf_adds(out, "END:VCALENDAR\r\n");
}

char *
invite_uid(const char *partner_key, struct tb_date occurrence,
    const char *domain)
{
	return xasprintf("touchbase-%s-%04d%02d%02d@%s", partner_key,
	    occurrence.year, occurrence.month, occurrence.day,
	    str_empty(domain) ? "localhost" : domain);
}
