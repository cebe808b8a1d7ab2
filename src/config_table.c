/*
 * config_table.c: every key of touchbase.conf (where it lives, what it
 * accepts, its default, which field of struct config it fills, what it
 * is for), and the reading and showing of a value of each type.
 */
#include "config_table.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cadence.h"
#include "date.h"
#include "message.h"
#include "text.h"
#include "tz.h"
#include "util.h"

static const char *const transport_names[] = {
	"smtp", "maildir", "sendmail", NULL
};
static const char *const starttls_names[] = {
	"required", "optional", "off", NULL
};
static const char *const smtp_schemes[] = { "smtp", "smtps", NULL };
static const char *const imap_schemes[] = { "imap", "imaps", NULL };
static const char *const inbox_names[] = { "maildir", "imap", "none", NULL };
static const char *const weekday_names[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", NULL
};

_Static_assert(sizeof(enum transport_kind) == sizeof(int) &&
    sizeof(enum starttls_mode) == sizeof(int) &&
    sizeof(enum inbox_kind) == sizeof(int), "enums are stored as int");
#define F(f)		offsetof(struct config, f)
#define K(s, n, t, f, d, h)	{ s, n, t, F(f), 0, 0, 0, NULL, d, h, false }
#define KI(s, n, f, lo, hi, d, h) \
	{ s, n, T_INT, F(f), 0, lo, hi, NULL, d, h, false }
#define KE(s, n, f, names, d, h) \
	{ s, n, T_ENUM, F(f), 0, 0, 0, names, d, h, false }

const struct key config_keys[] = {
	K("database", "path", T_PATH, db_path, "./touchbase.db",
	    "the SQLite database"),

	KE("delivery", "transport", transport, transport_names, "maildir",
	    "how mail leaves: smtp, maildir or sendmail"),
	K("delivery", "maildir", T_PATH, maildir, "./outbox",
	    "the Maildir that the maildir transport writes into"),
	K("delivery", "sendmail", T_STRING, sendmail,
	    "/usr/sbin/sendmail -t -i", "the command of the sendmail transport"),

	{ "smtp", "url", T_URL, F(smtp_url), 0, 0, 0, smtp_schemes, NULL,
	    "smtp://host[:port] or smtps://host[:port]", false },
	KE("smtp", "starttls", starttls, starttls_names, "required",
	    "STARTTLS on smtp://: required, optional or off"),
	K("smtp", "user", T_STRING, smtp_user, NULL, "the AUTH user name"),
	{ "smtp", "password_command", T_STRING, F(password_command), 0, 0, 0, NULL,
	    NULL, "a command (run without a shell) that prints the password",
	    true },
	K("smtp", "password_file", T_PATH, password_file, NULL,
	    "a file whose first line is the password"),
	K("smtp", "from", T_ADDRESS, from,
	    "Partnerships Office <partnerships@localhost>",
	    "the sender and invite organizer"),
	KI("smtp", "connections", connections, 1, 16, "2",
	    "SMTP sessions in parallel"),
	KI("smtp", "timeout", timeout, 1, 3600, "30",
	    "seconds before a stalled connection fails"),
	K("smtp", "verify_peer", T_BOOL, verify_peer, "yes",
	    "verify the server's TLS certificate"),
	K("smtp", "ca_file", T_PATH, ca_file, NULL,
	    "CA certificates to verify against"),
	K("smtp", "allow_plaintext_auth", T_BOOL, allow_plaintext_auth, "no",
	    "allow AUTH without TLS"),

	K("schedule", "timezone", T_TIMEZONE, timezone, "UTC",
	    "the default time zone of partners"),
	KI("schedule", "lead_days", lead_days, 0, 365, "7",
	    "days before the due date that the reminder goes out"),
	KI("schedule", "grace_days", grace_days, 0, 365, "3",
	    "days after the due date before the overdue notice"),
	KI("schedule", "escalate_after_days", escalate_after_days, 0, 3650,
	    "14", "days after the due date before the escalation"),
	{ "schedule", "meeting_time", T_TIME, F(meeting_hour),
	    F(meeting_minute), 0, 0, NULL, "10:00",
	    "local start time of check-in meetings", false },
	KI("schedule", "meeting_minutes", meeting_minutes, 5, 1440, "30",
	    "length of check-in meetings"),
	K("schedule", "skip_weekends", T_BOOL, skip_weekends, "yes",
	    "move due dates off Saturdays and Sundays"),
	K("schedule", "holidays", T_HOLIDAYS, holidays, NULL,
	    "dates or an .ics file of days to move due dates off"),
	KI("schedule", "retry_max_hours", retry_max_hours, 1, 8760, "48",
	    "hours to keep retrying a deferred message"),

	K("templates", "dir", T_PATH, templates_dir, NULL,
	    "a directory of template overrides"),

	K("digest", "to", T_ADDRESS, digest_to, NULL,
	    "the recipient of the leadership digest"),
	{ "digest", "weekday", T_WEEKDAY, F(digest_weekday), 0, 0, 0,
	    weekday_names, "monday", "the day the weekly digest goes out",
	    false },
	K("digest", "owners", T_BOOL, digest_owners, "no",
	    "one digest per owner instead of one email per reminder"),
	KI("digest", "list_max", digest_list_max, 1, 100000, "1000",
	    "partners listed at most in the leadership digest and report"),

	KE("inbox", "source", inbox_source, inbox_names, "maildir",
	    "where answers are read: maildir, imap or none"),
	K("inbox", "maildir", T_PATH, inbox_maildir, "./inbox",
	    "the Maildir that the maildir source reads"),
	{ "inbox", "url", T_SERVER_URL, F(inbox_url), 0, 0, 0, imap_schemes,
	    NULL, "imap://host[:port]/ or imaps://host[:port]/", false },
	KE("inbox", "starttls", inbox_starttls, starttls_names, "required",
	    "STARTTLS on imap://: required, optional or off"),
	K("inbox", "user", T_STRING, inbox_user, NULL, "the IMAP login"),
	{ "inbox", "password_command", T_STRING, F(inbox_password_command), 0, 0, 0, NULL,
	    NULL, "a command (run without a shell) that prints the password",
	    true },
	K("inbox", "password_file", T_PATH, inbox_password_file, NULL,
	    "a file whose first line is the password"),
	K("inbox", "folder", T_MAILBOX, inbox_folder, "INBOX",
	    "the IMAP folder that answers arrive in"),
	K("inbox", "processed_folder", T_MAILBOX, inbox_processed_folder,
	    "touchbase/processed", "where processed IMAP messages are moved"),
	KI("inbox", "timeout", inbox_timeout, 1, 3600, "30",
	    "seconds before a stalled connection fails"),
	K("inbox", "verify_peer", T_BOOL, inbox_verify_peer, "yes",
	    "verify the server's TLS certificate"),
	K("inbox", "ca_file", T_PATH, inbox_ca_file, NULL,
	    "CA certificates to verify against"),
	K("inbox", "allow_plaintext_auth", T_BOOL, inbox_allow_plaintext_auth,
	    "no", "allow a login without TLS"),
	K("inbox", "subaddress", T_BOOL, inbox_subaddress, "no",
	    "carry the reply token in the address, as local+TOKEN@domain"),
};
const size_t config_nkeys = sizeof config_keys / sizeof config_keys[0];

static void *
field(struct config *cfg, size_t off)
{
	return (char *)cfg + off;
}

static const void *
cfield(const struct config *cfg, size_t off)
{
	return (const char *)cfg + off;
}

const char *
config_key_name(const struct key *k)
{
	static char name[64];

	snprintf(name, sizeof name, "%s.%s", k->section, k->name);
	return name;
}

const struct key *
config_key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

bool
config_section_known(const char *section)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].section, section) == 0)
			return true;
	return false;
}

static char *
join_path(const char *dir, const char *value)
{
	const char *home;

	if (value[0] == '~' && value[1] == '/' &&
	    !str_empty(home = getenv("HOME")))
		return xasprintf("%s%s", home, value + 1);
	if (value[0] == '/' || dir == NULL)
		return xstrdup(value);
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", value);
	return xasprintf("%s/%s", dir, value);
}

static int
parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[s[0] == '-' || s[0] == '+']))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* HH:MM, or H:MM as people write it ("9:45"), 00:00 to 23:59. */
static int
parse_time(const char *s, int *hour, int *minute)
{
	char padded[6];

	if (strlen(s) == 4 && s[1] == ':') {
		snprintf(padded, sizeof padded, "0%s", s);
		s = padded;
	}
	return date_hhmm_parse(s, hour, minute, NULL);
}

/* "monday" or "mon", any case. */
static int
parse_weekday(const char *s, int *out)
{
	for (int i = 0; weekday_names[i] != NULL; i++)
		if (strcasecmp(s, weekday_names[i]) == 0 ||
		    (strlen(s) == 3 && strncasecmp(s, weekday_names[i], 3) == 0))
			return *out = i + 1, 0;
	return -1;
}

static int
parse_enum(const char *const *names, const char *s, int *out)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcasecmp(s, names[i]) == 0)
			return *out = i, 0;
	return -1;
}

static char *
enum_list(const char *const *names)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; names[i] != NULL; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : names[i + 1] ? ", " :
		    " or ", names[i]);
	return buf_steal(&b);
}

/* scheme://host[:port]..., the scheme one of schemes[] (two of them);
 * with server_only nothing may follow the host but a "/". */
static int
check_url(const char *s, const char *const *schemes, bool server_only,
    char **why)
{
	const char *host = NULL, *path;
	size_t n;

	for (size_t i = 0; schemes[i] != NULL && host == NULL; i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(s, schemes[i], n) == 0 &&
		    strncmp(s + n, "://", 3) == 0)
			host = s + n + 3;
	}
	if (host == NULL)
		return set_err(why, "\"%s\" does not start with %s:// or "
		    "%s://", s, schemes[0], schemes[1]);
	if (*host == '\0' || *host == '/' || *host == ':')
		return set_err(why, "\"%s\" names no host", s);
	if (strpbrk(s, " \t") != NULL)
		return set_err(why, "\"%s\" contains white space", s);
	path = host + strcspn(host, "/?#");
	if (server_only && *path != '\0' && strcmp(path, "/") != 0)
		return set_err(why, "\"%s\" names more than the server "
		    "(a folder goes in its own key)", s);
	return 0;
}

/* An IMAP folder as configured: levels separated by '/'. */
static int
check_mailbox(const char *s, char **why)
{
	size_t n = strlen(s);

	if (!text_utf8_valid(s, n))
		return set_err(why, "\"%s\" is not valid UTF-8", s);
	if (strpbrk(s, "*%") != NULL)
		return set_err(why, "\"%s\": * and %% are IMAP wildcards, "
		    "not allowed in a folder name", s);
	if (s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return set_err(why, "\"%s\" has an empty level (a leading, "
		    "trailing or doubled /)", s);
	return 0;
}

/* A list of holiday dates; the first that is no date is named. */
static int
check_holidays(const char *text, char **why)
{
	struct cadence_calendar cal;
	char *err = NULL;

	if (cadence_holiday_list_valid(text))
		return 0;
	/* Loading the list again says which date is wrong. */
	memset(&cal, 0, sizeof cal);
	if (cadence_holidays_load(text, &cal, &err) != 0) {
		set_err(why, "%s (the value is a list of YYYY-MM-DD dates, or "
		    "an .ics file)", err);
		free(err);
		return -1;
	}
	free(cal.holidays);
	return set_err(why, "\"%s\" is neither a list of YYYY-MM-DD dates "
	    "nor an .ics file", text);
}

int
config_value_set(struct config *cfg, const struct key *k, const char *text,
    const char *dir, bool validate, char **why)
{
	void *p = field(cfg, k->off);
	char *s, *list, *name = NULL, *email = NULL;
	int rc;

	switch (k->type) {
	case T_BOOL:
		if (parse_bool(text, p) != 0)
			return set_err(why, "\"%s\" is not a boolean (yes or "
			    "no, true or false, on or off, 1 or 0)", text);
		return 0;
	case T_INT:
		if (parse_int(text, k->min, k->max, p) != 0)
			return set_err(why, "\"%s\" is not a number from %d "
			    "to %d", text, k->min, k->max);
		return 0;
	case T_ENUM:
		if (parse_enum(k->names, text, p) == 0)
			return 0;
		list = enum_list(k->names);
		set_err(why, "\"%s\" is not one of %s", text, list);
		free(list);
		return -1;
	case T_TIME:
		if (parse_time(text, p, field(cfg, k->off2)) != 0)
			return set_err(why, "\"%s\" is not a time from 00:00 "
			    "to 23:59", text);
		return 0;
	case T_WEEKDAY:
		if (parse_weekday(text, p) != 0)
			return set_err(why, "\"%s\" is not a day of the week "
			    "(monday to sunday, or mon to sun)", text);
		return 0;
	case T_PATH:
		s = join_path(dir, text);
		break;
	case T_HOLIDAYS:
		if (cadence_holidays_ics_name(text))
			s = join_path(dir, text);
		else if (validate && check_holidays(text, why) != 0)
			return -1;
		else
			s = xstrdup(text);
		break;
	case T_ADDRESS:
		if (validate) {
			rc = message_address_parse(text, &name, &email, why);
			free(name);
			free(email);
			if (rc != 0)
				return -1;
		}
		s = xstrdup(text);
		break;
	case T_TIMEZONE:
		if (validate && !tz_valid(text))
			return set_err(why, "\"%s\" is not a known time zone "
			    "(an IANA name such as Europe/Berlin)", text);
		s = xstrdup(text);
		break;
	case T_URL:
	case T_SERVER_URL:
		if (validate && check_url(text, k->names,
		    k->type == T_SERVER_URL, why) != 0)
			return -1;
		s = xstrdup(text);
		break;
	case T_MAILBOX:
		if (validate && check_mailbox(text, why) != 0)
			return -1;
		s = xstrdup(text);
		break;
	default:
		s = xstrdup(text);
		break;
	}
	free(*(char **)p);
	*(char **)p = s;
	return 0;
}

/* A command with its arguments hidden: they may hold a password. */
static char *
mask_command(const char *s)
{
	size_t n = strcspn(s, " \t");

	if (s[n] == '\0')
		return xstrdup(s);
	return xasprintf("%.*s ********", (int)n, s);
}

/* A URL with any user information hidden. */
static char *
mask_url(const char *s)
{
	const char *host = strstr(s, "://"), *at;

	if (host == NULL)
		return xstrdup(s);
	host += 3;
	at = strchr(host, '@');
	if (at == NULL || at > host + strcspn(host, "/?#"))
		return xstrdup(s);
	return xasprintf("%.*s********%s", (int)(host - s), s, at);
}

char *
config_value_text(const struct config *cfg, const struct key *k)
{
	const void *p = cfield(cfg, k->off);
	const char *s;
	int v;

	switch (k->type) {
	case T_BOOL:
		return xstrdup(*(const bool *)p ? "yes" : "no");
	case T_INT:
		return xasprintf("%d", *(const int *)p);
	case T_ENUM:
		v = *(const int *)p;
		return xstrdup(v >= 0 && k->names[v] != NULL ? k->names[v] :
		    "?");
	case T_TIME:
		return xasprintf("%02d:%02d", *(const int *)p,
		    *(const int *)cfield(cfg, k->off2));
	case T_WEEKDAY:
		v = *(const int *)p;
		return xstrdup(v >= 1 && v <= 7 ? k->names[v - 1] : "?");
	default:
		if ((s = *(char *const *)p) == NULL)
			return NULL;
		if (k->type == T_URL || k->type == T_SERVER_URL)
			return mask_url(s);
		return k->secret ? mask_command(s) : xstrdup(s);
	}
}

void
config_value_free(struct config *cfg, const struct key *k)
{
	switch (k->type) {
	case T_BOOL:
	case T_INT:
	case T_ENUM:
	case T_TIME:
	case T_WEEKDAY:
		break;
	default:
		free(*(char **)field(cfg, k->off));
		*(char **)field(cfg, k->off) = NULL;
		break;
	}
}
