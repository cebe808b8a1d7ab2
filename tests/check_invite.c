/*
 * check_invite.c: iCalendar invites and feeds, read back by libical, by
 * python-icalendar (tests/ical_parse.py) and, when installed, by khal.
 */
#include <check.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libical/ical.h>

#include "file.h"
#include "invite.h"
#include "tz.h"
#include "util.h"

extern char **environ;

/* 2026-05-28T20:26:40Z */
#define NOW ((time_t)1780000000)
#define DTSTAMP "20260528T202640Z"

static const struct invite_attendee two_attendees[] = {
	{ "Ana Müller", "ana@example.org" },
	{ "Dr. José Ñúñez-Łukasiewicz", "jose.nunez@clinica.example" },
};

static struct invite_event
base_event(const char *tzid, struct tb_date date, int hour, int minute)
{
	struct invite_event ev;

	memset(&ev, 0, sizeof ev);
	ev.uid = "touchbase-clinica-sao-jose-20260615@example.org";
	ev.summary = "Check-in: Clínica São José – Überprüfung der "
	    "Partnerschaft (quarterly review)";
	ev.description = "Regular check-in with Clínica São José.\n"
	    "Owner: Ana Müller <ana@example.org>\n\nScheduled by Partnerships "
	    "Office.";
	ev.tzid = tzid;
	ev.date = date;
	ev.hour = hour;
	ev.minute = minute;
	ev.minutes = 30;
	ev.organizer_name = "Partnerships Office";
	ev.organizer_email = "partnerships@example.org";
	ev.attendees = two_attendees;
	ev.nattendees = 2;
	return ev;
}

/* The same calendar written as it goes (feeds): events noted, then
 * written one at a time. */
static char *
build_stream(const char *method, const struct invite_event *ev, size_t n)
{
	struct invite_stream *st;
	struct buf out;
	char *err = NULL;

	st = invite_stream_new(method, &err);
	ck_assert_msg(st != NULL, "invite_stream_new: %s", err);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(invite_stream_note(st, &ev[i], &err) == 0,
		    "invite_stream_note: %s", err);
	buf_init(&out);
	ck_assert_msg(invite_stream_head(st, &out, &err) == 0,
	    "invite_stream_head: %s", err);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(invite_stream_event(st, &ev[i], NOW, &out,
		    &err) == 0, "invite_stream_event: %s", err);
	invite_stream_tail(&out);
	invite_stream_free(st);
	return buf_steal(&out);
}

/* A calendar; a feed (PUBLISH) is the same text whole or streamed. */
static char *
build(const char *method, const struct invite_event *ev, size_t n)
{
	char *err = NULL, *ics = invite_build(method, ev, n, NOW, &err);

	ck_assert_msg(ics != NULL, "invite_build: %s", err);
	if (strcmp(method, "PUBLISH") == 0) {
		char *streamed = build_stream(method, ev, n);

		ck_assert_str_eq(streamed, ics);
		free(streamed);
	}
	return ics;
}

/* One physical line of n octets: valid UTF-8 on its own (so no fold split
 * a sequence), no control characters. */
static bool
line_is_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 :
		    s[i] >= 0xe0 ? 3 : s[i] >= 0xc2 ? 2 : 0;

		if (len == 0 || i + len > n || (len == 1 && s[i] < 0x20))
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Every line ends in CRLF, is at most 75 octets and is whole UTF-8. */
static void
assert_lines(const char *ics)
{
	const char *p = ics, *eol;
	int line = 1;

	ck_assert(*ics != '\0');
	for (; *p != '\0'; p = eol + 2, line++) {
		eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "line %d has no CRLF", line);
		ck_assert_msg(memchr(p, '\n', (size_t)(eol - p)) == NULL &&
		    memchr(p, '\r', (size_t)(eol - p)) == NULL,
		    "line %d: bare CR or LF", line);
		ck_assert_msg(eol - p <= 75, "line %d: %d octets", line,
		    (int)(eol - p));
		ck_assert_msg(eol - p > 0, "line %d is empty", line);
		ck_assert_msg(line_is_utf8((const unsigned char *)p,
		    (size_t)(eol - p)), "line %d splits a UTF-8 sequence or "
		    "holds a control character: %.*s", line, (int)(eol - p), p);
	}
}

/* Parse with libical; assert no parse errors and (when itip) that the iTIP
 * checks add none.  Caller frees. */
static icalcomponent *
parse_as(const char *ics, bool itip)
{
	icalcomponent *cal = icalparser_parse_string(ics);

	ck_assert_ptr_nonnull(cal);
	ck_assert_int_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	ck_assert_int_eq(icalcomponent_count_errors(cal), 0);
	if (itip)
		icalcomponent_check_restrictions(cal);
	if (icalcomponent_count_errors(cal) != 0) {
		char *s = icalcomponent_as_ical_string_r(cal);

		ck_abort_msg("iTIP restrictions failed: %.300s",
		    strstr(s, "X-LIC-ERROR"));
	}
	return cal;
}

static icalcomponent *
parse(const char *ics)
{
	return parse_as(ics, true);
}

static icalcomponent *
nth_event(icalcomponent *cal, int n)
{
	icalcomponent *c = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT);

	while (c != NULL && n-- > 0)
		c = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* DTSTART or DTEND as an instant, through the zone libical resolved. */
static time_t
instant(icalcomponent *vev, icalproperty_kind kind, const char *want_tzid)
{
	icalproperty *p = icalcomponent_get_first_property(vev, kind);
	icalparameter *tzp;
	struct icaltimetype tt;

	ck_assert_ptr_nonnull(p);
	tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tt = kind == ICAL_DTSTART_PROPERTY ? icalcomponent_get_dtstart(vev) :
	    icalcomponent_get_dtend(vev);
	if (want_tzid == NULL) {
		ck_assert_ptr_null(tzp);
		ck_assert(icaltime_is_utc(tt));
		return icaltime_as_timet(tt);
	}
	ck_assert_ptr_nonnull(tzp);
	ck_assert_str_eq(icalparameter_get_tzid(tzp), want_tzid);
	/* Resolved from the file's VTIMEZONE, not libical's own zone. */
	ck_assert_ptr_nonnull(tt.zone);
	ck_assert_str_eq(icaltimezone_get_tzid((icaltimezone *)tt.zone),
	    want_tzid);
	return icaltime_as_timet_with_zone(tt, tt.zone);
}

static time_t
utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	ck_assert_ptr_nonnull(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

/* DTSTART and DTEND are these instants, in tzid (NULL: in UTC). */
static void
assert_times(icalcomponent *vev, const char *tzid, const char *start,
    const char *end)
{
	ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, tzid), utc(start));
	ck_assert_int_eq(instant(vev, ICAL_DTEND_PROPERTY, tzid), utc(end));
}

/* The VTIMEZONEs are exactly tzids, in any order (libical's parser puts
 * each one it reads first). */
static void
assert_vtimezones(icalcomponent *cal, const char *const *tzids, size_t n)
{
	icalcomponent *vtz;
	size_t i = 0, k;

	for (vtz = icalcomponent_get_first_component(cal,
	    ICAL_VTIMEZONE_COMPONENT); vtz != NULL;
	    vtz = icalcomponent_get_next_component(cal,
	    ICAL_VTIMEZONE_COMPONENT), i++) {
		icalproperty *p = icalcomponent_get_first_property(vtz,
		    ICAL_TZID_PROPERTY);

		ck_assert_ptr_nonnull(p);
		for (k = 0; k < n; k++)
			if (strcmp(icalproperty_get_tzid(p), tzids[k]) == 0)
				break;
		ck_assert_msg(k < n, "unexpected VTIMEZONE %s",
		    icalproperty_get_tzid(p));
	}
	ck_assert_uint_eq(i, n);
}

static const char *
param_text(icalproperty *p, icalparameter_kind kind)
{
	icalparameter *par = icalproperty_get_first_parameter(p, kind);

	return par == NULL ? NULL : icalparameter_as_ical_string(par);
}

/* ORGANIZER and the ATTENDEEs with their parameters. */
static void
assert_people(icalcomponent *vev, const struct invite_attendee *att,
    size_t n)
{
	icalproperty *p = icalcomponent_get_first_property(vev,
	    ICAL_ORGANIZER_PROPERTY);
	size_t i = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(icalproperty_get_organizer(p),
	    "mailto:partnerships@example.org");
	ck_assert_str_eq(param_text(p, ICAL_CN_PARAMETER),
	    "CN=Partnerships Office");
	for (p = icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(vev,
	    ICAL_ATTENDEE_PROPERTY), i++) {
		char *want = xasprintf("mailto:%s", att[i].email);

		ck_assert_uint_lt(i, n);
		ck_assert_str_eq(icalproperty_get_attendee(p), want);
		free(want);
		ck_assert_str_eq(icalparameter_get_cn(
		    icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER)),
		    att[i].name);
		ck_assert_str_eq(param_text(p, ICAL_ROLE_PARAMETER),
		    "ROLE=REQ-PARTICIPANT");
		ck_assert_str_eq(param_text(p, ICAL_PARTSTAT_PARAMETER),
		    "PARTSTAT=NEEDS-ACTION");
		ck_assert_str_eq(param_text(p, ICAL_RSVP_PARAMETER),
		    "RSVP=TRUE");
		ck_assert_str_eq(param_text(p, ICAL_CUTYPE_PARAMETER),
		    "CUTYPE=INDIVIDUAL");
	}
	ck_assert_uint_eq(i, n);
}

static const char *
srcdir(void)
{
	const char *s = getenv("srcdir");

	return str_empty(s) ? "." : s;
}

/* Run argv (no shell); return its standard output.  Caller frees. */
static char *
run(char *const argv[], int *status)
{
	posix_spawn_file_actions_t fa;
	struct buf out;
	char chunk[4096];
	ssize_t n;
	pid_t pid;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	ck_assert_msg(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) ==
	    0, "cannot run %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	buf_init(&out);
	while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_gt(n, 0);
		buf_add(&out, chunk, (size_t)n);
	}
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	return buf_steal(&out);
}

/* text in a new temporary file.  Caller unlinks and frees the name. */
static char *
write_temp(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/check_invite.XXXXXX.ics", str_empty(tmp) ?
	    "/tmp" : tmp);
	size_t len = strlen(text);
	int fd = mkstemps(path, 4);

	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, text, len) == (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

static char *
read_file(const char *path)
{
	char *err = NULL, *text = file_read(path, BUF_MAX, 0, NULL, NULL, &err);

	ck_assert_msg(text != NULL, "%s", err);
	return text;
}

/* Equal texts; on a difference show the first differing line only (check
 * cannot carry a whole file in a message). */
static void
assert_same(const char *got, const char *want, const char *name)
{
	size_t i = 0, line = 1, start = 0;

	while (got[i] != '\0' && got[i] == want[i]) {
		if (got[i++] == '\n') {
			line++;
			start = i;
		}
	}
	ck_assert_msg(got[i] == want[i], "%s:%zu: got \"%.*s\", want \"%.*s\"",
	    name, line, (int)strcspn(got + start, "\n"), got + start,
	    (int)strcspn(want + start, "\n"), want + start);
}

/*
 * Write ics to a temporary file and run tests/ical_parse.py on it: its
 * JSON summary, or with khal_zone its khal listing for khal_day.  Caller
 * frees.
 */
static char *
ical_parse(const char *ics, const char *khal_zone, const char *khal_day,
    int *status)
{
	char *file = write_temp(ics);
	char *script = xasprintf("%s/tests/ical_parse.py", srcdir());
	char *json[] = { "/usr/bin/python3", script, file, NULL };
	char *khal[] = { "/usr/bin/python3", script, "--khal",
	    (char *)khal_zone, (char *)khal_day, file, NULL };
	char *out = run(khal_zone ? khal : json, status);

	unlink(file);
	free(script);
	free(file);
	return out;
}

/* python-icalendar's reading of ics must equal the golden summary
 * tests/data/invite/NAME.json (times, zones, people, checked by hand). */
static void
assert_python(const char *ics, const char *name)
{
	char *golden = xasprintf("%s/tests/data/invite/%s.json", srcdir(),
	    name);
	char *got, *want;
	int status;

	got = ical_parse(ics, NULL, NULL, &status);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ical_parse.py failed on %s", name);
	want = read_file(golden);
	assert_same(got, want, golden);
	free(got);
	free(want);
	free(golden);
}

START_TEST(test_request)
{
	struct invite_event ev = base_event("America/New_York",
	    (struct tb_date){ 2026, 6, 15 }, 10, 0);
	static const char *const zones[] = { "America/New_York" };
	char *ics = build("REQUEST", &ev, 1);
	icalcomponent *cal, *vev;

	assert_lines(ics);
	ck_assert_ptr_nonnull(strstr(ics, "\r\nPRODID:-//touchbase//touchbase//"
	    "EN\r\n"));
	ck_assert_ptr_nonnull(strstr(ics, "\r\nVERSION:2.0\r\n"));
	ck_assert_ptr_nonnull(strstr(ics, "\r\nDTSTART;TZID=America/New_York:"
	    "20260615T100000\r\n"));
	ck_assert_ptr_null(strstr(ics, "freeassociation"));
	cal = parse(ics);
	ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
	assert_vtimezones(cal, zones, 1);
	vev = nth_event(cal, 0);
	ck_assert_str_eq(icalcomponent_get_uid(vev), ev.uid);
	ck_assert_int_eq(icalcomponent_get_sequence(vev), 0);
	ck_assert_int_eq(icalcomponent_get_status(vev), ICAL_STATUS_CONFIRMED);
	ck_assert_str_eq(icalcomponent_get_summary(vev), ev.summary);
	ck_assert_str_eq(icalcomponent_get_description(vev), ev.description);
	ck_assert_str_eq(icaltime_as_ical_string(
	    icalcomponent_get_dtstamp(vev)), DTSTAMP);
	assert_times(vev, "America/New_York", "2026-06-15T14:00:00Z",
	    "2026-06-15T14:30:00Z");
	ck_assert_int_eq(icalproperty_get_transp(
	    icalcomponent_get_first_property(vev, ICAL_TRANSP_PROPERTY)),
	    ICAL_TRANSP_OPAQUE);
	ck_assert_ptr_null(icalcomponent_get_first_component(vev,
	    ICAL_VALARM_COMPONENT));
	assert_people(vev, two_attendees, 2);
	icalcomponent_free(cal);
	assert_python(ics, "request");
	free(ics);
}
END_TEST

START_TEST(test_cancel)
{
	struct invite_event ev = base_event("Europe/Berlin",
	    (struct tb_date){ 2026, 10, 26 }, 10, 0);
	static const char *const zones[] = { "Europe/Berlin" };
	char *ics;
	icalcomponent *cal, *vev;

	ev.sequence = 1;
	ics = build("CANCEL", &ev, 1);
	assert_lines(ics);
	cal = parse(ics);
	ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	assert_vtimezones(cal, zones, 1);
	vev = nth_event(cal, 0);
	ck_assert_str_eq(icalcomponent_get_uid(vev), ev.uid);
	ck_assert_int_eq(icalcomponent_get_sequence(vev), 1);
	ck_assert_int_eq(icalcomponent_get_status(vev), ICAL_STATUS_CANCELLED);
	assert_times(vev, "Europe/Berlin", "2026-10-26T09:00:00Z",
	    "2026-10-26T09:30:00Z");
	assert_people(vev, two_attendees, 2);
	icalcomponent_free(cal);
	assert_python(ics, "cancel");
	free(ics);
}
END_TEST

/* A feed: Berlin in 2026 and 2027 (the VTIMEZONE spans two years), New
 * York in 2027, alarms; attendees are left out (RFC 5546 3.2.1). */
START_TEST(test_publish)
{
	struct invite_event ev[3];
	static const char *const zones[] = { "Europe/Berlin",
	    "America/New_York" };
	char *ics;
	icalcomponent *cal, *vev, *alarm;

	ev[0] = base_event("Europe/Berlin", (struct tb_date){ 2026, 6, 15 },
	    10, 0);
	ev[0].alarm_days = 3;
	ev[1] = base_event("America/New_York", (struct tb_date){ 2027, 1, 11 },
	    9, 30);
	ev[1].uid = "touchbase-acme-20270111@example.org";
	ev[1].summary = "Check-in: ACME";
	ev[1].description = NULL;
	ev[1].minutes = 45;
	ev[1].alarm_days = 1;
	ev[1].organizer_name = NULL;
	ev[2] = base_event("Europe/Berlin", (struct tb_date){ 2027, 11, 15 },
	    16, 0);
	ev[2].uid = "touchbase-clinica-sao-jose-20271115@example.org";
	ics = build("PUBLISH", ev, 3);
	assert_lines(ics);
	ck_assert_ptr_null(strstr(ics, "ATTENDEE"));
	/* Berlin's 2027 changes are RDATEs, in local time (RFC 5545 3.6.5). */
	ck_assert_ptr_nonnull(strstr(ics, "\r\nRDATE:20270328T020000\r\n"));
	ck_assert_ptr_nonnull(strstr(ics, "\r\nRDATE:20271031T030000\r\n"));
	cal = parse(ics);
	ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
	assert_vtimezones(cal, zones, 2);
	vev = nth_event(cal, 0);
	ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, "Europe/Berlin"),
	    utc("2026-06-15T08:00:00Z"));
	alarm = icalcomponent_get_first_component(vev, ICAL_VALARM_COMPONENT);
	ck_assert_ptr_nonnull(alarm);
	ck_assert_str_eq(icalproperty_as_ical_string(
	    icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY)),
	    "TRIGGER:-P3D\r\n");
	ck_assert_int_eq(icalproperty_get_action(
	    icalcomponent_get_first_property(alarm, ICAL_ACTION_PROPERTY)),
	    ICAL_ACTION_DISPLAY);
	ck_assert_ptr_nonnull(icalcomponent_get_first_property(alarm,
	    ICAL_DESCRIPTION_PROPERTY));
	vev = nth_event(cal, 1);
	ck_assert_ptr_null(icalcomponent_get_first_property(vev,
	    ICAL_DESCRIPTION_PROPERTY));
	assert_times(vev, "America/New_York", "2027-01-11T14:30:00Z",
	    "2027-01-11T15:15:00Z");
	vev = nth_event(cal, 2);
	ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, "Europe/Berlin"),
	    utc("2027-11-15T15:00:00Z"));
	icalcomponent_free(cal);
	assert_python(ics, "publish");
	free(ics);
}
END_TEST

/* A feed entry with no organizer has none (not iTIP, fine for a feed). */
START_TEST(test_publish_bare)
{
	struct invite_event ev = base_event("UTC",
	    (struct tb_date){ 2026, 6, 15 }, 10, 0);
	char *ics;
	icalcomponent *cal, *vev;

	ev.organizer_name = NULL;
	ev.organizer_email = NULL;
	ev.attendees = NULL;
	ev.nattendees = 0;
	ics = build("PUBLISH", &ev, 1);
	assert_lines(ics);
	ck_assert_ptr_null(strstr(ics, "ORGANIZER"));
	ck_assert_ptr_null(strstr(ics, "ATTENDEE"));
	ck_assert_ptr_null(strstr(ics, "VALARM"));
	cal = parse_as(ics, false);
	vev = nth_event(cal, 0);
	ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, NULL),
	    utc("2026-06-15T10:00:00Z"));
	icalcomponent_free(cal);
	free(ics);
}
END_TEST

/* Times in gaps and overlaps go out in UTC at the RFC 5545 instant. */
START_TEST(test_dst_request)
{
	struct invite_event ev = base_event("America/New_York",
	    (struct tb_date){ 2026, 3, 8 }, 2, 30);
	char *ics = build("REQUEST", &ev, 1);
	icalcomponent *cal, *vev;

	assert_lines(ics);
	ck_assert_ptr_nonnull(strstr(ics, "\r\nDTSTART:20260308T073000Z\r\n"));
	ck_assert_ptr_nonnull(strstr(ics, "\r\nDTEND:20260308T080000Z\r\n"));
	ck_assert_ptr_null(strstr(ics, "TZID"));
	cal = parse(ics);
	assert_vtimezones(cal, NULL, 0);
	vev = nth_event(cal, 0);
	ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, NULL),
	    utc("2026-03-08T07:30:00Z"));
	icalcomponent_free(cal);
	free(ics);
}
END_TEST

START_TEST(test_dst_feed)
{
	struct invite_event ev[5];
	static const char *const zones[] = { "America/New_York" };
	static const char *const want[][2] = {
		{ "2026-03-08T07:30:00Z", "2026-03-08T08:00:00Z" },
		{ "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z" },
		{ "2026-11-01T04:30:00Z", "2026-11-01T06:00:00Z" },
		{ "2026-03-08T14:00:00Z", "2026-03-08T14:30:00Z" },
		{ "2026-03-08T02:30:00Z", "2026-03-08T03:00:00Z" },
	};
	char *ics;
	icalcomponent *cal;

	/* Gap, overlap, an end in an overlap, a normal time that day, UTC. */
	ev[0] = base_event("America/New_York", (struct tb_date){ 2026, 3, 8 },
	    2, 30);
	ev[1] = base_event("Europe/Berlin", (struct tb_date){ 2026, 10, 25 },
	    2, 30);
	ev[2] = base_event("America/New_York", (struct tb_date){ 2026, 11, 1 },
	    0, 30);
	ev[2].minutes = 90;
	ev[3] = base_event("America/New_York", (struct tb_date){ 2026, 3, 8 },
	    10, 0);
	ev[4] = base_event("UTC", (struct tb_date){ 2026, 3, 8 }, 2, 30);
	for (int i = 0; i < 5; i++)
		ev[i].uid = xasprintf("touchbase-dst-%d@example.org", i);
	ics = build("PUBLISH", ev, 5);
	assert_lines(ics);
	cal = parse(ics);
	assert_vtimezones(cal, zones, 1);
	for (int i = 0; i < 5; i++) {
		icalcomponent *vev = nth_event(cal, i);
		const char *tzid = i == 3 ? "America/New_York" : NULL;

		assert_times(vev, tzid, want[i][0], want[i][1]);
	}
	icalcomponent_free(cal);
	assert_python(ics, "dst");
	for (int i = 0; i < 5; i++)
		free((char *)ev[i].uid);
	free(ics);
}
END_TEST

static const char *const sweep_zones[] = {
	"America/New_York", "Europe/Berlin", "Europe/Dublin",
	"Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham",
	"Asia/Kolkata", "America/St_Johns",
};

static const struct tb_date sweep_dates[] = {
	{ 2026, 1, 1 }, { 2026, 3, 8 }, { 2026, 3, 29 }, { 2026, 4, 5 },
	{ 2026, 6, 15 }, { 2026, 10, 4 }, { 2026, 10, 25 }, { 2026, 11, 1 },
	{ 2027, 2, 1 }, { 2027, 7, 1 }, { 2027, 12, 31 }, { 2028, 3, 26 },
	{ 2028, 10, 1 },
};
#define NSWEEP (sizeof sweep_dates / sizeof sweep_dates[0])

/* The values of "key": "..." in json, in order; returns how many. */
static size_t
json_strings(const char *json, const char *key, char out[][32], size_t max)
{
	char *pat = xasprintf("\"%s\": \"", key);
	const char *p = json;
	size_t n = 0, len;

	while (n < max && (p = strstr(p, pat)) != NULL) {
		p += strlen(pat);
		len = strcspn(p, "\"");
		ck_assert_uint_lt(len, 32);
		memcpy(out[n], p, len);
		out[n++][len] = '\0';
	}
	free(pat);
	return n;
}

static void
iso(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * A feed over three years in zones with unusual rules: the trimmed
 * VTIMEZONE must give libical and python-icalendar (through the file's
 * own VTIMEZONE and through its zone database) the RFC 5545 instants.
 */
START_TEST(test_zones)
{
	struct invite_event ev[NSWEEP];
	time_t start[NSWEEP];
	bool odd[NSWEEP];
	char uid[NSWEEP][40], got[NSWEEP][32], want[32], *ics, *json;
	icalcomponent *cal;
	int status;

	for (size_t i = 0; i < NSWEEP; i++) {
		ev[i] = base_event(sweep_zones[_i], sweep_dates[i],
		    (int)(i * 7 % 24), (int)(i * 13 % 60));
		snprintf(uid[i], sizeof uid[i], "touchbase-z%zu@example.org",
		    i);
		ev[i].uid = uid[i];
		ev[i].minutes = 45;
		ck_assert_int_eq(tz_local_to_utc(ev[i].date, ev[i].hour,
		    ev[i].minute, ev[i].tzid, &start[i], &odd[i], NULL), 0);
	}
	ics = build("PUBLISH", ev, NSWEEP);
	assert_lines(ics);
	cal = parse(ics);
	for (size_t i = 0; i < NSWEEP; i++) {
		icalcomponent *vev = nth_event(cal, (int)i);
		const char *tzid = odd[i] ? NULL : sweep_zones[_i];

		ck_assert_int_eq(instant(vev, ICAL_DTSTART_PROPERTY, tzid),
		    start[i]);
		ck_assert_int_eq(instant(vev, ICAL_DTEND_PROPERTY,
		    icalproperty_get_first_parameter(
		    icalcomponent_get_first_property(vev, ICAL_DTEND_PROPERTY),
		    ICAL_TZID_PARAMETER) ? tzid : NULL), start[i] + 45 * 60);
	}
	icalcomponent_free(cal);
	json = ical_parse(ics, NULL, NULL, &status);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "ical_parse.py failed for %s", sweep_zones[_i]);
	for (int k = 0; k < 4; k++) {
		static const char *const keys[] = { "dtstart", "dtstart_vtz",
		    "dtend", "dtend_vtz" };

		ck_assert_uint_eq(json_strings(json, keys[k], got, NSWEEP),
		    NSWEEP);
		for (size_t i = 0; i < NSWEEP; i++) {
			iso(start[i] + (k >= 2 ? 45 * 60 : 0), want);
			ck_assert_msg(strcmp(got[i], want) == 0,
			    "%s event %zu %s: python-icalendar %s, want %s",
			    sweep_zones[_i], i, keys[k], got[i], want);
		}
	}
	free(json);
	free(ics);
}
END_TEST

/* Folding keeps UTF-8 whole whatever the offset of the multi-byte text. */
START_TEST(test_fold)
{
	static const char tail[] = "Clínica São José – Überprüfung 日本語の"
	    "テキスト 😀 Ελληνικά, ünd; \"quoted\" \\ text";
	struct invite_attendee att = { NULL, "x@example.org" };
	struct invite_event ev = base_event("Europe/Berlin",
	    (struct tb_date){ 2026, 6, 15 }, 10, 0);
	char *summary, *name, *ics;
	icalcomponent *cal, *vev;

	summary = xasprintf("%.*s%s%s", _i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", tail, tail);
	name = xasprintf("%.*sÄrztin Łucja Ñúñez 日本", _i % 40,
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
	att.name = name;
	ev.summary = summary;
	ev.description = summary;
	ev.attendees = &att;
	ev.nattendees = 1;
	ics = build("REQUEST", &ev, 1);
	assert_lines(ics);
	cal = parse(ics);
	vev = nth_event(cal, 0);
	ck_assert_str_eq(icalcomponent_get_summary(vev), summary);
	ck_assert_str_eq(icalcomponent_get_description(vev), summary);
	icalcomponent_free(cal);
	free(ics);
	free(summary);
	free(name);
}
END_TEST

/* Control characters never reach a content line; quotes in names do not
 * break the parameter. */
START_TEST(test_clean)
{
	struct invite_attendee att = { "Bob \"The Builder\"\r\nX-EVIL:1",
	    "bob@example.org" };
	struct invite_event ev = base_event("UTC",
	    (struct tb_date){ 2026, 6, 15 }, 10, 0);
	char *ics;
	icalcomponent *cal, *vev;

	ev.summary = "Two\r\nlines\tand\x01 bell";
	ev.description = "a\r\nb\rc\nd";
	ev.attendees = &att;
	ev.nattendees = 1;
	ics = build("REQUEST", &ev, 1);
	assert_lines(ics);
	ck_assert_ptr_null(strstr(ics, "\r\nX-EVIL"));
	cal = parse(ics);
	vev = nth_event(cal, 0);
	ck_assert_str_eq(icalcomponent_get_summary(vev),
	    "Two lines and  bell");
	ck_assert_str_eq(icalcomponent_get_description(vev), "a\nb\nc\nd");
	ck_assert_str_eq(icalparameter_get_cn(icalproperty_get_first_parameter(
	    icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY),
	    ICAL_CN_PARAMETER)), "Bob 'The Builder' X-EVIL:1");
	icalcomponent_free(cal);
	free(ics);
}
END_TEST

#define O "o@example.org"
#define A "a@example.org"
static const struct {
	const char	*what, *method, *tzid, *summary, *organizer, *attendee;
	int		 minutes, hour;
	const char	*uid2;		/* a second event with this UID */
} bad_cases[] = {
	{ "method", "REPLY", "UTC", "s", O, A, 30, 10, NULL },
	{ "zone", "REQUEST", "Mars/Base", "s", O, A, 30, 10, NULL },
	{ "utf8", "REQUEST", "UTC", "bad \xc3\x28 utf8", O, A, 30, 10, NULL },
	{ "overlong", "REQUEST", "UTC", "bad \xc0\xaf", O, A, 30, 10, NULL },
	{ "surrogate", "REQUEST", "UTC", "\xed\xa0\x80", O, A, 30, 10, NULL },
	{ "organizer", "REQUEST", "UTC", "s", NULL, A, 30, 10, NULL },
	{ "organizer form", "REQUEST", "UTC", "s", "Office <" O ">", A, 30, 10,
	    NULL },
	{ "attendee", "REQUEST", "UTC", "s", O, A "\r\nX-EVIL:1", 30, 10,
	    NULL },
	{ "no attendee", "REQUEST", "UTC", "s", O, NULL, 30, 10, NULL },
	{ "attendee at", "CANCEL", "UTC", "s", O, "nobody", 30, 10, NULL },
	{ "minutes", "REQUEST", "UTC", "s", O, A, 0, 10, NULL },
	{ "hour", "REQUEST", "UTC", "s", O, A, 30, 24, NULL },
	{ "uids", "REQUEST", "UTC", "s", O, A, 30, 10, "other@example.org" },
	{ "uid", "PUBLISH", "UTC", "s", O, A, 30, 10, "a\r\nX-EVIL:1" },
};
#undef O
#undef A

START_TEST(test_bad)
{
	struct invite_attendee att = { "A", bad_cases[_i].attendee };
	struct invite_event ev[2];
	char *err = NULL, *ics;

	ev[0] = base_event(bad_cases[_i].tzid, (struct tb_date){ 2026, 6, 15 },
	    bad_cases[_i].hour, 0);
	ev[0].summary = bad_cases[_i].summary;
	ev[0].organizer_email = bad_cases[_i].organizer;
	ev[0].attendees = &att;
	ev[0].nattendees = bad_cases[_i].attendee != NULL;
	ev[0].minutes = bad_cases[_i].minutes;
	ev[1] = ev[0];
	ev[1].uid = bad_cases[_i].uid2;
	ics = invite_build(bad_cases[_i].method, ev, bad_cases[_i].uid2 ? 2 : 1,
	    NOW, &err);
	ck_assert_msg(ics == NULL, "%s: accepted", bad_cases[_i].what);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

START_TEST(test_empty)
{
	char *err = NULL, *ics;

	ck_assert_ptr_null(invite_build("REQUEST", NULL, 0, NOW, &err));
	ck_assert_ptr_nonnull(err);
	free(err);
	ics = build("PUBLISH", NULL, 0);
	assert_lines(ics);
	ck_assert_ptr_nonnull(strstr(ics, "METHOD:PUBLISH\r\n"));
	free(ics);
}
END_TEST

/* A streamed event in a zone not noted first is refused: its VTIMEZONE
 * would be missing from the calendar. */
START_TEST(test_stream_unnoted)
{
	struct invite_event ev = base_event("Europe/Berlin",
	    (struct tb_date){ 2026, 5, 4 }, 10, 0);
	struct invite_stream *st = invite_stream_new("PUBLISH", NULL);
	struct buf out;
	char *err = NULL;

	ev.uid = "touchbase-unnoted@example.org";
	buf_init(&out);
	ck_assert_int_eq(invite_stream_head(st, &out, &err), 0);
	ck_assert_int_eq(invite_stream_event(st, &ev, NOW, &out, &err), -1);
	ck_assert_msg(strstr(err, "was not noted") != NULL, "%s", err);
	free(err);
	err = NULL;
	buf_reset(&out);
	invite_stream_free(st);
	ck_assert_ptr_null(invite_stream_new("POLL", &err));
	free(err);
}
END_TEST

START_TEST(test_uid)
{
	char *uid = invite_uid("clinica-sao-jose", (struct tb_date){ 2026, 3,
	    8 }, "example.org");

	ck_assert_str_eq(uid,
	    "touchbase-clinica-sao-jose-20260308@example.org");
	free(uid);
}
END_TEST

/* khal (python-icalendar underneath) imports the REQUEST and lists it at
 * the meeting's time, shown in another zone so that the TZID matters. */
START_TEST(test_khal)
{
	struct invite_event ev = base_event("America/New_York",
	    (struct tb_date){ 2026, 6, 15 }, 10, 0);
	char *ics = build("REQUEST", &ev, 1), *out;
	int status;

	out = ical_parse(ics, "Europe/Berlin", "2026-06-15", &status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("check_invite: khal is not installed, skipping the khal "
		    "import test\n");
	} else {
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "khal import or list failed");
		/* 10:00 in New York is 16:00 in Berlin. */
		ck_assert_msg(strncmp(out, "2026-06-15 16:00 2026-06-15 16:30 "
		    "Check-in: Clínica São José", 60) == 0, "khal list: %s",
		    out);
	}
	free(out);
	free(ics);
}
END_TEST

/* A VTIMEZONE taken from the zones built before: the calendar is the
 * same as one built afresh, for the same zone, another zone, other
 * years, and again. */
START_TEST(test_zones_reused)
{
	static const char *const zones[] = { "Europe/Berlin",
	    "America/New_York", "Europe/Berlin", "Europe/Berlin" };
	static const int years[] = { 2026, 2026, 2027, 2026 };
	struct invite_zones *built = invite_zones_new();

	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		struct invite_event ev = base_event(zones[i],
		    (struct tb_date){ years[i], 6, 15 }, 10, 0);
		char *err = NULL, *fresh = build("REQUEST", &ev, 1);
		char *reused = invite_build_with(built, "REQUEST", &ev, 1, NOW,
		    &err);

		ck_assert_msg(reused != NULL, "invite_build_with: %s", err);
		ck_assert_str_eq(reused, fresh);
		ck_assert_ptr_nonnull(strstr(reused, "BEGIN:VTIMEZONE"));
		free(fresh);
		free(reused);
	}
	invite_zones_free(built);
	invite_zones_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("invite");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("itip");
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_publish);
	tcase_add_test(tc, test_publish_bare);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_stream_unnoted);
	tcase_add_test(tc, test_uid);
	suite_add_tcase(s, tc);
	tc = tcase_create("dst");
	tcase_add_test(tc, test_dst_request);
	tcase_add_test(tc, test_dst_feed);
	tcase_add_test(tc, test_zones_reused);
	tcase_add_loop_test(tc, test_zones, 0,
	    sizeof sweep_zones / sizeof sweep_zones[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_loop_test(tc, test_fold, 0, 80);
	tcase_add_test(tc, test_clean);
	tcase_add_loop_test(tc, test_bad, 0,
	    sizeof bad_cases / sizeof bad_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("khal");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_khal);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
