/*
 * invite.h: iCalendar objects (RFC 5545, iTIP RFC 5546) built with libical:
 * check-in invites (METHOD:REQUEST / CANCEL) and feeds (METHOD:PUBLISH).
 */
#ifndef TB_INVITE_H
#define TB_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "date.h"

struct invite_attendee {
	const char	*name;		/* may be NULL */
	const char	*email;
};

struct invite_event {
	const char	*uid;		/* stable per partner and occurrence */
	int		 sequence;
	const char	*summary;	/* UTF-8 */
	const char	*description;	/* UTF-8, may be NULL */
	const char	*tzid;		/* IANA name, e.g. "America/New_York" */
	struct tb_date	 date;		/* local meeting date */
	int		 hour, minute;	/* local meeting time */
	int		 minutes;	/* duration */
	bool		 cancelled;	/* STATUS:CANCELLED */
	const char	*organizer_name;	/* may be NULL */
	const char	*organizer_email;
	const struct invite_attendee *attendees;
	size_t		 nattendees;
	int		 alarm_days;	/* >0: a VALARM this many days before */
};

/*
 * Build a VCALENDAR with METHOD (REQUEST, CANCEL or PUBLISH), PRODID,
 * VERSION, one trimmed VTIMEZONE per zone used (TZID = the plain IANA
 * name) and one VEVENT per event, DTSTAMP = now.  A meeting that falls in
 * a DST gap or overlap is written in UTC (RFC 5545 section 3.3.5).
 * Returns the text (CRLF, folded at 75 octets, caller frees), or NULL
 * with *err.
 */
char *invite_build(const char *method, const struct invite_event *events,
    size_t nevents, time_t now, char **err);

/*
 * The same, with the VTIMEZONEs taken from zones: each zone and span of
 * years is built (and trimmed) once, then copied into every calendar
 * that needs it.  Free zones with invite_zones_free (NULL ok).
 */
struct invite_zones;
struct invite_zones *invite_zones_new(void);
void invite_zones_free(struct invite_zones *zones);
char *invite_build_with(struct invite_zones *zones, const char *method,
    const struct invite_event *events, size_t nevents, time_t now,
    char **err);

/*
 * The same calendar written as it goes, for a feed too large to hold:
 * invite_stream_note each event first (its zone and years decide the
 * VTIMEZONEs, which come first), then invite_stream_head,
 * invite_stream_event for each event again, and invite_stream_tail, each
 * appending to out.  An event must not fall outside the zones and years
 * noted.  Functions returning int return 0 or -1 with *err.
 */
struct buf;
struct invite_stream;
struct invite_stream *invite_stream_new(const char *method, char **err);
int invite_stream_note(struct invite_stream *st,
    const struct invite_event *ev, char **err);
int invite_stream_head(struct invite_stream *st, struct buf *out,
    char **err);
int invite_stream_event(struct invite_stream *st,
    const struct invite_event *ev, time_t now, struct buf *out, char **err);
void invite_stream_tail(struct buf *out);
void invite_stream_free(struct invite_stream *st);

/* "touchbase-KEY-YYYYMMDD@DOMAIN": the UID of an occurrence.  Caller frees. */
char *invite_uid(const char *partner_key, struct tb_date occurrence,
    const char *domain);

#endif
