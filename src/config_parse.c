/*
 * config_parse.c: one touchbase.conf, read line by line: "[section]"
 * and "key = value" (or "key: value") lines; blank lines and lines whose
 * first non-blank is ";" or "#" are comments, as is the rest of a line
 * from a ";" after white space.  Leading and trailing white space goes,
 * a BOM may open the file, and there is no limit on a line's length.
 *
 * Section and key names are case-sensitive and lower case, as in the
 * table; a name that is only a near miss (other case, a typo, a key of
 * another section, "password") is reported with a suggestion.  Every
 * mistake of the file is reported, in the order of the file.
 */
#include "config_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config_table.h"
#include "file.h"
#include "suggest.h"
#include "util.h"

struct parse_error {
	int	 line;		/* 0: the file as a whole */
	char	*text;
};

/* The state of one file being read. */
struct parse {
	const char	*path;		/* as named, for messages */
	char		*dir;		/* its directory, NULL when "." */
	FILE		*fp;
	int		 lineno;
	char		*section;	/* the current section, or NULL */
	bool		 skip;		/* inside an unknown or broken section */
	struct parse_error *errors;
	size_t		 nerrors;
	bool		*bad;		/* per key: its value was refused */
	struct config	*cfg;
};

static void TB_PRINTF(3, 4)
error_at(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	p->errors = xreallocarray(p->errors, p->nerrors + 1,
	    sizeof *p->errors);
	va_start(ap, fmt);
	p->errors[p->nerrors].text = xvasprintf(fmt, ap);
	va_end(ap);
	p->errors[p->nerrors++].line = line;
}

/* Close enough to be a typo: other case, or a few letters off. */
static bool
near_miss(const char *given, const char *name)
{
	size_t d = suggest_distance(given, name), n = strlen(name);

	return d <= 2 && d * 3 <= n;
}

/* Words people use for a key that is spelled otherwise here. */
static const struct {
	const char	*name;
	const char	*hint;		/* %1$s: the section */
} key_hints[] = {
	{ "password", "use password_command or password_file" },
	{ "pass", "use password_command or password_file" },
	{ "passwd", "use password_command or password_file" },
	{ "port", "the port goes in url (scheme://host:PORT)" },
	{ "host", "the server goes in url (scheme://HOST:port)" },
	{ "server", "the server goes in url (scheme://HOST:port)" },
	{ "username", "use user" },
	{ "login", "use user" },
	{ "tls", "use starttls, or an smtps:// or imaps:// url" },
	{ "ssl", "use starttls, or an smtps:// or imaps:// url" },
};

/* "; did you mean ...?" for an unknown key, or "". Caller frees. */
static char *
key_suggestion(const char *section, const char *name)
{
	const struct key *best = NULL;
	size_t d, best_d = (size_t)-1;

	for (size_t i = 0; i < sizeof key_hints / sizeof key_hints[0]; i++)
		if (strcasecmp(name, key_hints[i].name) == 0 &&
		    config_section_known(section) &&
		    (strcmp(section, "smtp") == 0 ||
		    strcmp(section, "inbox") == 0))
			return xasprintf("; %s", key_hints[i].hint);
	for (size_t i = 0; i < config_nkeys; i++) {
		if (strcmp(config_keys[i].section, section) != 0 ||
		    !near_miss(name, config_keys[i].name))
			continue;
		d = suggest_distance(name, config_keys[i].name);
		if (d < best_d) {
			best = &config_keys[i];
			best_d = d;
		}
	}
	if (best != NULL)
		return xasprintf("; did you mean %s?", best->name);
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcasecmp(config_keys[i].name, name) == 0)
			return xasprintf("; did you mean %s in [%s]?",
			    config_keys[i].name, config_keys[i].section);
	return xstrdup("");
}

/* "; did you mean [...]?" for an unknown section, or "". */
static char *
section_suggestion(const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcasecmp(config_keys[i].section, name) == 0)
			return xasprintf("; section names are lower case: "
			    "[%s]", config_keys[i].section);
	for (size_t i = 0; i < config_nkeys; i++)
		if (near_miss(name, config_keys[i].section))
			return xasprintf("; did you mean [%s]?",
			    config_keys[i].section);
	return xstrdup("");
}

/* A "[name]" line. */
static void
on_section(struct parse *p, char *line)
{
	char *end = strchr(line, ']'), *name, *hint;

	free(p->section);
	p->section = NULL;
	p->skip = true;
	if (end == NULL) {
		error_at(p, p->lineno,
		    "expected \"key = value\" or \"[section]\"");
		return;
	}
	if (end[1] != '\0')
		error_at(p, p->lineno, "text after the ']' of a section");
	name = line + 1;
	*end = '\0';
	while (isspace((unsigned char)*name))
		name++;
	while (end > name && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!config_section_known(name)) {
		hint = section_suggestion(name);
		error_at(p, p->lineno, "[%s]: unknown section%s", name, hint);
		free(hint);
		return;
	}
	p->section = xstrdup(name);
	p->skip = false;
}

/* A "key = value" pair; value has no leading or trailing white space. */
static void
on_pair(struct parse *p, const char *name, const char *value)
{
	const struct key *k;
	char *why = NULL, *hint;
	size_t i;

	if (p->section == NULL && !p->skip) {
		error_at(p, p->lineno, "%s: not inside a [section]", name);
		return;
	}
	if (p->skip)
		return;		/* the section's own error says it */
	if ((k = config_key_find(p->section, name)) == NULL) {
		hint = key_suggestion(p->section, name);
		error_at(p, p->lineno, "%s.%s: unknown key%s", p->section,
		    name, hint);
		free(hint);
		return;
	}
	i = (size_t)(k - config_keys);
	if (p->cfg->lines[i] != 0) {
		error_at(p, p->lineno, "%s: given twice (first on line %d)",
		    config_key_name(k), p->cfg->lines[i]);
		return;
	}
	p->cfg->lines[i] = p->lineno;
	if (*value == '\0') {
		p->bad[i] = true;
		error_at(p, p->lineno, "%s: no value", config_key_name(k));
		return;
	}
	for (const char *c = value; *c != '\0'; c++)
		if (iscntrl((unsigned char)*c) && *c != '\t') {
			p->bad[i] = true;
			error_at(p, p->lineno, "%s: the value contains a "
			    "control character", config_key_name(k));
			return;
		}
	if (config_value_set(p->cfg, k, value, p->dir, true, &why) != 0) {
		p->bad[i] = true;
		error_at(p, p->lineno, "%s: %s", config_key_name(k), why);
		free(why);
	}
}

/* One line of the file, its newline removed. */
static void
on_line(struct parse *p, char *s, size_t n)
{
	char *c, *sep, *end;

	if (memchr(s, '\0', n) != NULL) {
		error_at(p, p->lineno, "a NUL byte in the line");
		return;
	}
	if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == ';' || *s == '#')
		return;
	for (c = s; (c = strchr(c, ';')) != NULL; c++)
		if (c > s && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*s == '\0')
		return;
	if (*s == '[') {
		on_section(p, s);
		return;
	}
	sep = s + strcspn(s, "=:");
	if (*sep == '\0' || sep == s) {
		error_at(p, p->lineno,
		    "expected \"key = value\" or \"[section]\"");
		return;
	}
	end = sep;
	*sep++ = '\0';
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	while (isspace((unsigned char)*sep))
		sep++;
	on_pair(p, s, sep);
}

static size_t
key_index(const char *section, const char *name)
{
	return (size_t)(config_key_find(section, name) - config_keys);
}

static int
line_of(const struct parse *p, const char *section, const char *name)
{
	return p->cfg->lines[key_index(section, name)];
}

/* Whether any of the named keys of section had a value refused. */
static bool
any_bad(const struct parse *p, const char *section, const char *a,
    const char *b)
{
	return p->bad[key_index(section, a)] ||
	    (b != NULL && p->bad[key_index(section, b)]);
}

/* The line of whichever of two keys of section was set last. */
static int
later_line(const struct parse *p, const char *section, const char *a,
    const char *b)
{
	int la = line_of(p, section, a), lb = line_of(p, section, b);

	return la > lb ? la : lb;
}

/* The rules for a section's user, password_command and password_file. */
static void
check_login(struct parse *p, const char *section, const char *user,
    const char *command, const char *file)
{
	const char *key = command != NULL ? "password_command" :
	    "password_file";

	if (any_bad(p, section, "user", "password_command") ||
	    any_bad(p, section, "password_file", NULL))
		return;
	if (command != NULL && file != NULL)
		error_at(p, later_line(p, section, "password_command",
		    "password_file"), "%s.password_command and "
		    "%s.password_file exclude each other", section, section);
	else if ((command != NULL || file != NULL) && user == NULL)
		error_at(p, line_of(p, section, key), "%s.%s needs %s.user",
		    section, key, section);
}

/* The checks that involve more than one key, each on the keys whose
 * values were taken. */
static void
check_cross(struct parse *p)
{
	struct config *cfg = p->cfg;

	if (cfg->transport == TRANSPORT_SMTP && cfg->smtp_url == NULL &&
	    !any_bad(p, "delivery", "transport", NULL) &&
	    !any_bad(p, "smtp", "url", NULL))
		error_at(p, line_of(p, "delivery", "transport"),
		    "delivery.transport: smtp needs smtp.url");
	check_login(p, "smtp", cfg->smtp_user, cfg->password_command,
	    cfg->password_file);
	if (cfg->inbox_source == INBOX_SOURCE_IMAP && cfg->inbox_url == NULL &&
	    !any_bad(p, "inbox", "source", "url"))
		error_at(p, line_of(p, "inbox", "source"),
		    "inbox.source: imap needs inbox.url");
	check_login(p, "inbox", cfg->inbox_user, cfg->inbox_password_command,
	    cfg->inbox_password_file);
	if (strcmp(cfg->inbox_folder, cfg->inbox_processed_folder) == 0 &&
	    !any_bad(p, "inbox", "folder", "processed_folder"))
		error_at(p, later_line(p, "inbox", "folder",
		    "processed_folder"), "inbox.processed_folder is "
		    "inbox.folder: processed messages must leave it");
	if (cfg->escalate_after_days < cfg->grace_days &&
	    !any_bad(p, "schedule", "escalate_after_days", "grace_days"))
		error_at(p, later_line(p, "schedule", "escalate_after_days",
		    "grace_days"), "schedule.escalate_after_days (%d) is less "
		    "than schedule.grace_days (%d)", cfg->escalate_after_days,
		    cfg->grace_days);
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
check_secrets(struct parse *p, const char *section, const char *command,
    const char *file, bool verify_peer)
{
	struct config *cfg = p->cfg;
	struct stat sb;

	if (file != NULL) {
		if (stat(file, &sb) != 0)
			add_warning(cfg, "%s: password file: %s", file,
			    strerror(errno));
		else if (sb.st_mode & (S_IRGRP | S_IROTH))
			add_warning(cfg, "%s: password file is readable by "
			    "others (chmod 600 %s)", file, file);
	}
	if (command != NULL && fstat(fileno(p->fp), &sb) == 0 &&
	    (sb.st_mode & (S_IWGRP | S_IWOTH)))
		add_warning(cfg, "%s: writable by others, who could change "
		    "%s.password_command (chmod go-w %s)", p->path, section,
		    p->path);
	if (!verify_peer)
		add_warning(cfg, "%s:%d: %s.verify_peer: TLS certificate "
		    "verification is off", p->path,
		    line_of(p, section, "verify_peer"), section);
}

/* Errors by line, those of one line in the order found. */
static char *
errors_text(struct parse *p)
{
	struct buf b;
	int line, next;

	buf_init(&b);
	for (line = 0; line >= 0; line = next) {
		next = -1;
		for (size_t i = 0; i < p->nerrors; i++) {
			if (p->errors[i].line == line) {
				if (b.len > 0)
					buf_addc(&b, '\n');
				if (line > 0)
					buf_printf(&b, "%s:%d: %s", p->path,
					    line, p->errors[i].text);
				else
					buf_printf(&b, "%s: %s", p->path,
					    p->errors[i].text);
			} else if (p->errors[i].line > line &&
			    (next < 0 || p->errors[i].line < next))
				next = p->errors[i].line;
		}
	}
	return buf_steal(&b);
}

int
config_parse_stream(const char *path, FILE *fp, struct config *cfg,
    char **err)
{
	struct parse p;
	struct stat sb;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode))
		return set_err(err, "%s: is a directory", path);
	memset(&p, 0, sizeof p);
	p.path = path;
	p.fp = fp;
	p.cfg = cfg;
	p.dir = file_dirname(path);
	p.bad = xcalloc(config_nkeys, sizeof *p.bad);
	free(cfg->lines);
	cfg->lines = xcalloc(config_nkeys, sizeof *cfg->lines);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		p.lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		on_line(&p, line, (size_t)n);
	}
	if (ferror(fp))
		rc = set_err(err, "%s: %s", path, strerror(errno));
	else {
		check_cross(&p);
		if (p.nerrors > 0) {
			*err = errors_text(&p);
			rc = -1;
		}
	}
	if (rc == 0) {
		cfg->source = xstrdup(path);
		check_secrets(&p, "smtp", cfg->password_command,
		    cfg->password_file, cfg->verify_peer);
		check_secrets(&p, "inbox", cfg->inbox_password_command,
		    cfg->inbox_password_file, cfg->inbox_verify_peer);
	}
	for (size_t i = 0; i < p.nerrors; i++)
		free(p.errors[i].text);
	free(p.errors);
	free(p.bad);
	free(p.section);
	free(p.dir);
	free(line);
	return rc;
}
