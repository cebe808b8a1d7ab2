/*
 * config.c: touchbase.conf.  inih splits the file into sections and
 * key = value pairs; keys[] below says, for every key, where it lives,
 * what it accepts, its default and which field of struct config it fills.
 *
 * inih's options differ between builds (Debian's are switches at run
 * time, upstream's are fixed at compile time), so the reader handed to
 * ini_parse_stream() normalises each line first: it counts lines, strips
 * leading white space (no continuation lines), whole-line and inline
 * ";" comments and a BOM, and reports unknown sections where they start.
 * The result reads the same whichever way inih was built.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "cadence.h"
#include "date.h"
#include "file.h"
#include "message.h"
#include "text.h"
#include "tz.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif

enum key_type {
	T_STRING,	/* any text */
	T_PATH,		/* a file or directory, relative to the file's dir */
	T_BOOL,
	T_INT,		/* min..max */
	T_ENUM,		/* one of names[], stored as its index */
	T_TIME,		/* HH:MM, into off (hour) and off2 (minute) */
	T_WEEKDAY,	/* ISO 1..7 */
	T_HOLIDAYS,	/* dates, or an .ics path */
	T_ADDRESS,	/* one mailbox */
	T_TIMEZONE,	/* IANA name */
	T_URL,		/* scheme://host..., a scheme of names[] */
	T_SERVER_URL,	/* the same, naming the server only */
	T_MAILBOX	/* an IMAP folder: UTF-8, '/' between levels */
};

struct key {
	const char		*section;
	const char		*name;
	enum key_type		 type;
	size_t			 off;
	size_t			 off2;
	int			 min, max;
	const char *const	*names;
	const char		*def;	/* default as text, NULL for none */
	const char		*help;
};

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
#define K(s, n, t, f, d, h)	{ s, n, t, F(f), 0, 0, 0, NULL, d, h }
#define KI(s, n, f, lo, hi, d, h) \
	{ s, n, T_INT, F(f), 0, lo, hi, NULL, d, h }
#define KE(s, n, f, names, d, h) \
	{ s, n, T_ENUM, F(f), 0, 0, 0, names, d, h }

static const struct key keys[] = {
	K("database", "path", T_PATH, db_path, "./touchbase.db",
	    "the SQLite database"),

	KE("delivery", "transport", transport, transport_names, "maildir",
	    "how mail leaves: smtp, maildir or sendmail"),
	K("delivery", "maildir", T_PATH, maildir, "./outbox",
	    "the Maildir that the maildir transport writes into"),
	K("delivery", "sendmail", T_STRING, sendmail,
	    "/usr/sbin/sendmail -t -i", "the command of the sendmail transport"),

	{ "smtp", "url", T_URL, F(smtp_url), 0, 0, 0, smtp_schemes, NULL,
	    "smtp://host[:port] or smtps://host[:port]" },
	KE("smtp", "starttls", starttls, starttls_names, "required",
	    "STARTTLS on smtp://: required, optional or off"),
	K("smtp", "user", T_STRING, smtp_user, NULL, "the AUTH user name"),
	K("smtp", "password_command", T_STRING, password_command, NULL,
	    "a command (run without a shell) that prints the password"),
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
	    "local start time of check-in meetings" },
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
	    weekday_names, "monday", "the day the weekly digest goes out" },
	K("digest", "owners", T_BOOL, digest_owners, "no",
	    "one digest per owner instead of one email per reminder"),
	KI("digest", "list_max", digest_list_max, 1, 100000, "1000",
	    "partners listed at most in the leadership digest and report"),

	KE("inbox", "source", inbox_source, inbox_names, "maildir",
	    "where answers are read: maildir, imap or none"),
	K("inbox", "maildir", T_PATH, inbox_maildir, "./inbox",
	    "the Maildir that the maildir source reads"),
	{ "inbox", "url", T_SERVER_URL, F(inbox_url), 0, 0, 0, imap_schemes,
	    NULL, "imap://host[:port]/ or imaps://host[:port]/" },
	KE("inbox", "starttls", inbox_starttls, starttls_names, "required",
	    "STARTTLS on imap://: required, optional or off"),
	K("inbox", "user", T_STRING, inbox_user, NULL, "the IMAP login"),
	K("inbox", "password_command", T_STRING, inbox_password_command, NULL,
	    "a command (run without a shell) that prints the password"),
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
#define NKEYS (sizeof keys / sizeof keys[0])

/* The state of one file being read. */
struct load {
	const char	*path;		/* as named, for messages */
	char		*dir;		/* its directory, NULL when "." */
	FILE		*fp;
	char		*line;		/* getline() buffer */
	size_t		 cap;
	int		 lineno;
	int		 err_line;	/* line of the first error, or 0 */
	char		*err;		/* its text after "FILE:LINE: " */
	int		 seen[NKEYS];	/* line each key was set on, or 0 */
	struct config	*cfg;
};

static void *
field(struct config *cfg, size_t off)
{
	return (char *)cfg + off;
}

static const char *
key_name(const struct key *k)
{
	static char name[64];

	snprintf(name, sizeof name, "%s.%s", k->section, k->name);
	return name;
}

static const struct key *
find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static bool
known_section(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

/* Keep the first error only: it is the one the user fixes first. */
static int TB_PRINTF(2, 3)
load_error(struct load *l, const char *fmt, ...)
{
	va_list ap;

	if (l->err != NULL)
		return 0;
	va_start(ap, fmt);
	l->err = xvasprintf(fmt, ap);
	va_end(ap);
	l->err_line = l->lineno;
	return 0;
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

/*
 * Convert text into k's field.  dir is the directory relative paths are
 * resolved against; validate is false for the built-in defaults, which
 * are known good and must not depend on other modules.  Returns 0 or -1
 * with *why (the reason, without the key).
 */
static int
set_value(struct config *cfg, const struct key *k, const char *text,
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
		else if (validate && !cadence_holiday_list_valid(text))
			return set_err(why, "\"%s\" is neither a list of "
			    "YYYY-MM-DD dates nor an .ics file", text);
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

/* inih callback: one key = value pair of the file. */
static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct load *l = user;
	const struct key *k;
	char *why = NULL;
	size_t i;

	if (l->err != NULL)
		return 1;	/* keep going quietly: the first error wins */
	if (*section == '\0')
		return load_error(l, "%s: not inside a [section]", name);
	if ((k = find_key(section, name)) == NULL)
		return load_error(l, "%s.%s: unknown key", section, name);
	i = (size_t)(k - keys);
	if (l->seen[i] != 0)
		return load_error(l, "%s: given twice (first on line %d)",
		    key_name(k), l->seen[i]);
	l->seen[i] = l->lineno;
	if (*value == '\0')
		return load_error(l, "%s: no value", key_name(k));
	for (const char *c = value; *c != '\0'; c++)
		if ((iscntrl((unsigned char)*c) && *c != '\t'))
			return load_error(l, "%s: the value contains a "
			    "control character", key_name(k));
	if (set_value(l->cfg, k, value, l->dir, true, &why) != 0) {
		load_error(l, "%s: %s", key_name(k), why);
		free(why);
		return 0;
	}
	return 1;
}

/* A "[name]" line: report an unknown section where it is. */
static void
check_section(struct load *l, const char *line)
{
	size_t n = strcspn(line + 1, "]");
	char *name;

	if (line[1 + n] != ']')
		return;		/* inih reports the syntax error */
	name = xstrndup(line + 1, n);
	if (!known_section(name))
		load_error(l, "[%s]: unknown section", name);
	free(name);
}

/* inih reader (fgets semantics): hand over one normalised line. */
static char *
read_line(char *str, int num, void *stream)
{
	struct load *l = stream;
	ssize_t n;
	char *p, *c;
	size_t len;

	if ((n = getline(&l->line, &l->cap, l->fp)) < 0)
		return NULL;
	l->lineno++;
	p = l->line;
	if (memchr(p, '\0', (size_t)n) != NULL) {
		load_error(l, "a NUL byte in the line");
		*p = '\0';
	}
	if (l->lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == ';' || *p == '#')
		*p = '\0';
	for (c = p; (c = strchr(c, ';')) != NULL; c++)
		if (c[-1] == ' ' || c[-1] == '\t') {
			*c = '\0';
			break;
		}
	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len + 2 > (size_t)num) {
		load_error(l, "the line is longer than %d characters", num - 2);
		len = 0;
	}
	if (*p == '[')
		check_section(l, p);
	memcpy(str, p, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static int
line_of(const struct load *l, const char *section, const char *name)
{
	return l->seen[find_key(section, name) - keys];
}

/* The line of whichever of two keys of section was set last. */
static int
later_line(const struct load *l, const char *section, const char *a,
    const char *b)
{
	int la = line_of(l, section, a), lb = line_of(l, section, b);

	return la > lb ? la : lb;
}

/* The rules for a section's user, password_command and password_file.
 * Returns whether one was broken. */
static bool
check_login(struct load *l, const char *section, const char *user,
    const char *command, const char *file)
{
	const char *key = command != NULL ? "password_command" :
	    "password_file";

	if (command != NULL && file != NULL) {
		l->lineno = later_line(l, section, "password_command",
		    "password_file");
		load_error(l, "%s.password_command and %s.password_file "
		    "exclude each other", section, section);
		return true;
	}
	if ((command != NULL || file != NULL) && user == NULL) {
		l->lineno = line_of(l, section, key);
		load_error(l, "%s.%s needs %s.user", section, key, section);
		return true;
	}
	return false;
}

/* The checks that involve more than one key. */
static void
check_cross(struct load *l)
{
	struct config *cfg = l->cfg;

	if (cfg->transport == TRANSPORT_SMTP && cfg->smtp_url == NULL) {
		l->lineno = line_of(l, "delivery", "transport");
		load_error(l, "delivery.transport: smtp needs smtp.url");
	} else if (check_login(l, "smtp", cfg->smtp_user,
	    cfg->password_command, cfg->password_file))
		return;
	else if (cfg->inbox_source == INBOX_SOURCE_IMAP &&
	    cfg->inbox_url == NULL) {
		l->lineno = line_of(l, "inbox", "source");
		load_error(l, "inbox.source: imap needs inbox.url");
	} else if (check_login(l, "inbox", cfg->inbox_user,
	    cfg->inbox_password_command, cfg->inbox_password_file))
		return;
	else if (strcmp(cfg->inbox_folder, cfg->inbox_processed_folder) == 0) {
		l->lineno = later_line(l, "inbox", "folder",
		    "processed_folder");
		load_error(l, "inbox.processed_folder is inbox.folder: "
		    "processed messages must leave it");
	} else if (cfg->escalate_after_days < cfg->grace_days) {
		l->lineno = later_line(l, "schedule", "escalate_after_days",
		    "grace_days");
		load_error(l, "schedule.escalate_after_days (%d) is less than "
		    "schedule.grace_days (%d)", cfg->escalate_after_days,
		    cfg->grace_days);
	}
}

static void TB_PRINTF(2, 3)
add_warning(struct config *cfg, const char *fmt, ...)
{
	va_list ap;
	size_t n = strv_len(cfg->warnings);

	va_start(ap, fmt);
	strv_add(&cfg->warnings, &n, xvasprintf(fmt, ap));
	va_end(ap);
}

/* The warnings about one section's password and TLS keys. */
static void
check_secrets(struct load *l, const char *section, const char *command,
    const char *file, bool verify_peer)
{
	struct config *cfg = l->cfg;
	struct stat sb;

	if (file != NULL) {
		if (stat(file, &sb) != 0)
			add_warning(cfg, "%s: password file: %s", file,
			    strerror(errno));
		else if (sb.st_mode & (S_IRGRP | S_IROTH))
			add_warning(cfg, "%s: password file is readable by "
			    "others (chmod 600 %s)", file, file);
	}
	if (command != NULL && fstat(fileno(l->fp), &sb) == 0 &&
	    (sb.st_mode & (S_IWGRP | S_IWOTH)))
		add_warning(cfg, "%s: writable by others, who could change "
		    "%s.password_command (chmod go-w %s)", l->path, section,
		    l->path);
	if (!verify_peer)
		add_warning(cfg, "%s:%d: %s.verify_peer: TLS certificate "
		    "verification is off", l->path,
		    line_of(l, section, "verify_peer"), section);
}

/* What the caller should print on every run, though nothing is wrong. */
static void
check_security(struct load *l)
{
	struct config *cfg = l->cfg;

	check_secrets(l, "smtp", cfg->password_command, cfg->password_file,
	    cfg->verify_peer);
	check_secrets(l, "inbox", cfg->inbox_password_command,
	    cfg->inbox_password_file, cfg->inbox_verify_peer);
}

/* Parse the open file l->fp into l->cfg.  Returns 0 or -1 with *err. */
static int
parse_file(struct load *l, char **err)
{
	struct stat sb;
	int rc, line;

	if (fstat(fileno(l->fp), &sb) == 0 && S_ISDIR(sb.st_mode))
		return set_err(err, "%s: is a directory", l->path);
	l->dir = file_dirname(l->path);
	rc = ini_parse_stream(read_line, l, on_pair, l);
	if (rc == -2)
		fatal("out of memory parsing %s", l->path);
	if (ferror(l->fp))
		return set_err(err, "%s: %s", l->path, strerror(errno));
	if (rc > 0 && (l->err == NULL || rc < l->err_line)) {
		line = rc;
		free(l->err);
		l->err = xstrdup("expected \"key = value\" or \"[section]\"");
	} else
		line = l->err_line;
	if (l->err == NULL) {
		check_cross(l);
		line = l->err_line;
	}
	if (l->err != NULL) {
		if (line > 0)
			return set_err(err, "%s:%d: %s", l->path, line, l->err);
		return set_err(err, "%s: %s", l->path, l->err);
	}
	l->cfg->source = xstrdup(l->path);
	check_security(l);
	return 0;
}

/* Read path from fp (already open) into *cfg, replacing it on success. */
static int
load_open(const char *path, FILE *fp, struct config *cfg, char **err)
{
	struct config n;
	struct load l;
	int rc;

	config_init(&n);
	memset(&l, 0, sizeof l);
	l.path = path;
	l.fp = fp;
	l.cfg = &n;
	rc = parse_file(&l, err);
	fclose(fp);
	free(l.line);
	free(l.dir);
	free(l.err);
	if (rc != 0) {
		config_reset(&n);
		return -1;
	}
	config_reset(cfg);
	*cfg = n;
	return 0;
}

/*
 * Open path if it exists.  Returns 1 with *fp, 0 when there is no such
 * file (and !must_exist), or -1 with *err.
 */
static int
open_config(const char *path, bool must_exist, FILE **fp, char **err)
{
	if ((*fp = fopen(path, "r")) != NULL)
		return 1;
	if (!must_exist && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	return set_err(err, "%s: %s", path, strerror(errno));
}

int
config_load_file(const char *path, struct config *cfg, char **err)
{
	FILE *fp;

	if (path == NULL) {
		config_reset(cfg);
		config_init(cfg);
		return 0;
	}
	if (open_config(path, true, &fp, err) < 0)
		return -1;
	return load_open(path, fp, cfg, err);
}

int
config_load(const char *explicit_path, struct config *cfg, char **err)
{
	const char *env, *home;
	char *path = NULL;
	FILE *fp;
	int rc;

	if (explicit_path != NULL)
		return config_load_file(explicit_path, cfg, err);
	if (!str_empty(env = getenv("TOUCHBASE_CONFIG")))
		return config_load_file(env, cfg, err);
	/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && env[0] == '/')
		path = xasprintf("%s/touchbase/touchbase.conf", env);
	else if (!str_empty(home = getenv("HOME")))
		path = xasprintf("%s/.config/touchbase/touchbase.conf", home);
	if (path != NULL) {
		rc = open_config(path, false, &fp, err);
		if (rc > 0)
			rc = load_open(path, fp, cfg, err) == 0 ? 1 : -1;
		free(path);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	rc = open_config(SYSCONFDIR "/touchbase.conf", false, &fp, err);
	if (rc > 0)
		return load_open(SYSCONFDIR "/touchbase.conf", fp, cfg, err);
	if (rc < 0)
		return -1;
	return config_load_file(NULL, cfg, err);
}

void
config_init(struct config *cfg)
{
	char *why = NULL;

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL &&
		    set_value(cfg, &keys[i], keys[i].def, NULL, false,
		    &why) != 0)
			fatal("default of %s: %s", key_name(&keys[i]), why);
}

void
config_reset(struct config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++) {
		switch (keys[i].type) {
		case T_BOOL:
		case T_INT:
		case T_ENUM:
		case T_TIME:
		case T_WEEKDAY:
			break;
		default:
			free(*(char **)field(cfg, keys[i].off));
			*(char **)field(cfg, keys[i].off) = NULL;
			break;
		}
	}
	free(cfg->source);
	cfg->source = NULL;
	strv_free(cfg->warnings, strv_len(cfg->warnings));
	cfg->warnings = NULL;
}

const char *
config_transport_name(enum transport_kind t)
{
	if ((unsigned)t < sizeof transport_names / sizeof transport_names[0] - 1)
		return transport_names[t];
	return "unknown";
}

const char *
config_inbox_name(enum inbox_kind k)
{
	if ((unsigned)k < sizeof inbox_names / sizeof inbox_names[0] - 1)
		return inbox_names[k];
	return "unknown";
}
