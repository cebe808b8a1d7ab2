/* check_config.c: touchbase.conf parsing, validation and search order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/wait.h>

#include "config.h"
#include "delivery_check.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif

static char tmp[64];

static void
setup(void)
{
	strcpy(tmp, "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void
teardown(void)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", tmp), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* "$srcdir/tests/data/config/NAME" (caller frees). */
static char *
data_path(const char *name)
{
	const char *srcdir = getenv("srcdir");
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/tests/data/config/%s",
	    srcdir ? srcdir : ".", name), 0);
	return path;
}

/* Write text to tmp/name with mode; returns the path (caller frees). */
static char *
write_file(const char *name, const char *text, mode_t mode)
{
	char *path;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmp, name), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void
make_dir(const char *name)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmp, name), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	free(path);
}

/* The directory part of path (caller frees). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

static size_t
nwarnings(const struct config *cfg)
{
	size_t n = 0;

	while (cfg->warnings != NULL && cfg->warnings[n] != NULL)
		n++;
	return n;
}

static void
assert_defaults(const struct config *cfg)
{
	ck_assert_ptr_null(cfg->source);
	ck_assert_str_eq(cfg->db_path, "./touchbase.db");
	ck_assert_int_eq(cfg->transport, TRANSPORT_MAILDIR);
	ck_assert_str_eq(cfg->maildir, "./outbox");
	ck_assert_str_eq(cfg->sendmail, "/usr/sbin/sendmail -t -i");
	ck_assert_ptr_null(cfg->smtp_url);
	ck_assert_int_eq(cfg->starttls, STARTTLS_REQUIRED);
	ck_assert_ptr_null(cfg->smtp_user);
	ck_assert_ptr_null(cfg->password_command);
	ck_assert_ptr_null(cfg->password_file);
	ck_assert_str_eq(cfg->from,
	    "Partnerships Office <partnerships@localhost>");
	ck_assert_int_eq(cfg->connections, 2);
	ck_assert_int_eq(cfg->timeout, 30);
	ck_assert(cfg->verify_peer);
	ck_assert_ptr_null(cfg->ca_file);
	ck_assert(!cfg->allow_plaintext_auth);
	ck_assert_str_eq(cfg->timezone, "UTC");
	ck_assert_int_eq(cfg->lead_days, 7);
	ck_assert_int_eq(cfg->grace_days, 3);
	ck_assert_int_eq(cfg->escalate_after_days, 14);
	ck_assert_int_eq(cfg->meeting_hour, 10);
	ck_assert_int_eq(cfg->meeting_minute, 0);
	ck_assert_int_eq(cfg->meeting_minutes, 30);
	ck_assert(cfg->skip_weekends);
	ck_assert_ptr_null(cfg->holidays);
	ck_assert_int_eq(cfg->retry_max_hours, 48);
	ck_assert_ptr_null(cfg->templates_dir);
	ck_assert_ptr_null(cfg->digest_to);
	ck_assert_int_eq(cfg->digest_weekday, 1);
	ck_assert(!cfg->digest_owners);
	ck_assert_int_eq(cfg->inbox_source, INBOX_SOURCE_MAILDIR);
	ck_assert_str_eq(cfg->inbox_maildir, "./inbox");
	ck_assert_ptr_null(cfg->inbox_url);
	ck_assert_ptr_null(cfg->inbox_user);
	ck_assert_ptr_null(cfg->inbox_password_command);
	ck_assert_ptr_null(cfg->inbox_password_file);
	ck_assert_str_eq(cfg->inbox_folder, "INBOX");
	ck_assert_str_eq(cfg->inbox_processed_folder, "touchbase/processed");
	ck_assert_int_eq(cfg->inbox_starttls, STARTTLS_REQUIRED);
	ck_assert(!cfg->inbox_allow_plaintext_auth);
	ck_assert(cfg->inbox_verify_peer);
	ck_assert_ptr_null(cfg->inbox_ca_file);
	ck_assert_int_eq(cfg->inbox_timeout, 30);
	ck_assert(!cfg->inbox_subaddress);
	ck_assert_ptr_null(cfg->warnings);
}

START_TEST(test_defaults)
{
	struct config cfg;
	char *err = NULL;

	config_init(&cfg);
	assert_defaults(&cfg);
	ck_assert_int_eq(config_load_file(NULL, &cfg, &err), 0);
	assert_defaults(&cfg);
	config_reset(&cfg);
	config_reset(&cfg);
	ck_assert_str_eq(config_transport_name(TRANSPORT_SMTP), "smtp");
	ck_assert_str_eq(config_transport_name(TRANSPORT_MAILDIR), "maildir");
	ck_assert_str_eq(config_transport_name(TRANSPORT_SENDMAIL),
	    "sendmail");
	ck_assert_str_eq(config_inbox_name(INBOX_SOURCE_MAILDIR), "maildir");
	ck_assert_str_eq(config_inbox_name(INBOX_SOURCE_IMAP), "imap");
	ck_assert_str_eq(config_inbox_name(INBOX_SOURCE_NONE), "none");
}
END_TEST

START_TEST(test_full)
{
	struct config cfg;
	char *path = data_path("full.conf"), *want, *err = NULL;
	size_t i;

	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(cfg.source, path);
	ck_assert_str_eq(cfg.db_path, "/var/lib/touchbase/partners.db");
	ck_assert_int_eq(cfg.transport, TRANSPORT_SMTP);
	ck_assert_str_eq(cfg.maildir, "/var/spool/touchbase/outbox");
	ck_assert_str_eq(cfg.sendmail, "/usr/lib/sendmail -oi -t");
	ck_assert_str_eq(cfg.smtp_url, "smtp://mail.example.org:587");
	ck_assert_int_eq(cfg.starttls, STARTTLS_OPTIONAL);
	ck_assert_str_eq(cfg.smtp_user, "partnerships@example.org");
	ck_assert_str_eq(cfg.password_command, "pass show mail/partnerships");
	ck_assert_ptr_null(cfg.password_file);
	ck_assert_str_eq(cfg.from,
	    "Partnerships Office <partnerships@example.org>");
	ck_assert_int_eq(cfg.connections, 4);
	ck_assert_int_eq(cfg.timeout, 120);
	ck_assert(!cfg.verify_peer);
	ck_assert_str_eq(cfg.ca_file, "/etc/ssl/certs/ca-certificates.crt");
	ck_assert(cfg.allow_plaintext_auth);
	ck_assert_str_eq(cfg.timezone, "America/New_York");
	ck_assert_int_eq(cfg.lead_days, 10);
	ck_assert_int_eq(cfg.grace_days, 2);
	ck_assert_int_eq(cfg.escalate_after_days, 21);
	ck_assert_int_eq(cfg.meeting_hour, 9);
	ck_assert_int_eq(cfg.meeting_minute, 45);
	ck_assert_int_eq(cfg.meeting_minutes, 45);
	ck_assert(!cfg.skip_weekends);
	ck_assert_str_eq(cfg.holidays, "2026-12-25, 2027-01-01");
	ck_assert_int_eq(cfg.retry_max_hours, 72);
	ck_assert_str_eq(cfg.templates_dir, "/etc/touchbase/templates");
	ck_assert_str_eq(cfg.digest_to, "Leadership <leadership@example.org>");
	ck_assert_int_eq(cfg.digest_weekday, 5);
	ck_assert(cfg.digest_owners);
	ck_assert_int_eq(cfg.inbox_source, INBOX_SOURCE_IMAP);
	ck_assert_str_eq(cfg.inbox_maildir, "/var/spool/touchbase/inbox");
	ck_assert_str_eq(cfg.inbox_url, "imap://mail.example.org:143/");
	ck_assert_int_eq(cfg.inbox_starttls, STARTTLS_OPTIONAL);
	ck_assert_str_eq(cfg.inbox_user, "replies@example.org");
	ck_assert_ptr_null(cfg.inbox_password_command);
	ck_assert_str_eq(cfg.inbox_password_file,
	    "/etc/touchbase/imap-password");
	ck_assert_str_eq(cfg.inbox_folder, "Partner Replies");
	ck_assert_str_eq(cfg.inbox_processed_folder,
	    "Archive/touchbase für Ärzte");
	ck_assert_int_eq(cfg.inbox_timeout, 45);
	ck_assert(!cfg.inbox_verify_peer);
	ck_assert_str_eq(cfg.inbox_ca_file, "/etc/ssl/certs/imap.pem");
	ck_assert(cfg.inbox_allow_plaintext_auth);
	ck_assert(cfg.inbox_subaddress);
	/* verify_peer = no is on lines 18 and 51; it is repeated on every
	 * run. */
	for (int line = 18, n = 0; n < 2; line = 51, n++) {
		ck_assert_int_ge(asprintf(&want, "%s:%d: %s.verify_peer: TLS "
		    "certificate verification is off", path, line,
		    n == 0 ? "smtp" : "inbox"), 0);
		for (i = 0; i < nwarnings(&cfg); i++)
			if (strcmp(cfg.warnings[i], want) == 0)
				break;
		ck_assert_msg(i < nwarnings(&cfg), "no warning \"%s\"",
		    want);
		free(want);
	}
	config_reset(&cfg);
	free(path);
}
END_TEST

/* The installed example, as made from examples/touchbase.conf.in in the
 * build tree, is a valid file. */
START_TEST(test_example)
{
	const char *builddir = getenv("top_builddir");
	struct config cfg;
	char *path, *err = NULL;

	ck_assert_int_ge(asprintf(&path, "%s/examples/touchbase.conf",
	    builddir ? builddir : "."), 0);
	config_init(&cfg);
	ck_assert_msg(config_load_file(path, &cfg, &err) == 0, "%s", err);
	ck_assert_int_eq(cfg.transport, TRANSPORT_SMTP);
	ck_assert_str_eq(cfg.smtp_url, "smtp://mail.example.org:587");
	ck_assert_str_eq(cfg.password_command, "pass show mail/partnerships");
	ck_assert_ptr_null(cfg.password_file);
	ck_assert_str_eq(cfg.timezone, "America/Los_Angeles");
	ck_assert_ptr_null(cfg.templates_dir);
	ck_assert_int_eq(cfg.inbox_source, INBOX_SOURCE_IMAP);
	ck_assert_str_eq(cfg.inbox_url, "imaps://mail.example.org/");
	config_reset(&cfg);
	free(path);
}
END_TEST

/* One bad file each; the error is "FILE:LINE: message". */
static const struct {
	const char	*text;
	int		 line;
	const char	*message;
	int		 prefix;	/* message is only the start */
} error_cases[] = {
	{ "[database]\npath = x\n[smpt]\nurl = y\n", 3,
	    "[smpt]: unknown section; did you mean [smtp]?", 0 },
	{ "[Smtp]\nurl = y\n", 1,
	    "[Smtp]: unknown section; section names are lower case: [smtp]", 0 },
	{ "[calendar]\nurl = y\n", 1, "[calendar]: unknown section", 0 },
	{ "[smtp]\nuser = u\nport = 25\n", 3, "smtp.port: unknown key; the "
	    "port goes in url (scheme://host:PORT)", 0 },
	{ "[smtp]\npassword = hunter2\n", 2, "smtp.password: unknown key; use "
	    "password_command or password_file", 0 },
	{ "[schedule]\nleaddays = 3\n", 2,
	    "schedule.leaddays: unknown key; did you mean lead_days?", 0 },
	{ "[schedule]\nLead_Days = 3\n", 2,
	    "schedule.Lead_Days: unknown key; did you mean lead_days?", 0 },
	{ "[smtp]\nlead_days = 3\n", 2,
	    "smtp.lead_days: unknown key; did you mean lead_days in [schedule]?",
	    0 },
	{ "[schedule]\nfrequency = 3\n", 2, "schedule.frequency: unknown key",
	    0 },
	{ "path = x\n", 1, "path: not inside a [section]", 0 },
	{ "[schedule]\n\nlead_days = soon\n", 3,
	    "schedule.lead_days: \"soon\" is not a number from 0 to 365", 0 },
	{ "[schedule]\nlead_days = 7days\n", 2,
	    "schedule.lead_days: \"7days\" is not a number from 0 to 365", 0 },
	{ "[schedule]\nlead_days = 366\n", 2,
	    "schedule.lead_days: \"366\" is not a number from 0 to 365", 0 },
	{ "[schedule]\nlead_days = -1\n", 2,
	    "schedule.lead_days: \"-1\" is not a number from 0 to 365", 0 },
	{ "[smtp]\nconnections = 0\n", 2,
	    "smtp.connections: \"0\" is not a number from 1 to 16", 0 },
	{ "[smtp]\ntimeout = 99999999999999999999\n", 2,
	    "smtp.timeout: \"99999999999999999999\" is not a number from 1 to "
	    "3600", 0 },
	{ "[schedule]\nmeeting_minutes = 4\n", 2,
	    "schedule.meeting_minutes: \"4\" is not a number from 5 to 1440", 0 },
	{ "[schedule]\nretry_max_hours = 8761\n", 2,
	    "schedule.retry_max_hours: \"8761\" is not a number from 1 to 8760",
	    0 },
	{ "[smtp]\nverify_peer = maybe\n", 2,
	    "smtp.verify_peer: \"maybe\" is not a boolean (yes or no, true or "
	    "false, on or off, 1 or 0)", 0 },
	{ "[delivery]\ntransport = pigeon\n", 2,
	    "delivery.transport: \"pigeon\" is not one of smtp, maildir or "
	    "sendmail", 0 },
	{ "[smtp]\nstarttls = always\n", 2,
	    "smtp.starttls: \"always\" is not one of required, optional or off",
	    0 },
	{ "[schedule]\nmeeting_time = 24:00\n", 2,
	    "schedule.meeting_time: \"24:00\" is not a time from 00:00 to "
	    "23:59", 0 },
	{ "[schedule]\nmeeting_time = 10:60\n", 2,
	    "schedule.meeting_time: \"10:60\" is not a time from 00:00 to "
	    "23:59", 0 },
	{ "[schedule]\nmeeting_time = 10\n", 2,
	    "schedule.meeting_time: \"10\" is not a time from 00:00 to 23:59",
	    0 },
	{ "[schedule]\nmeeting_time = 10:5\n", 2,
	    "schedule.meeting_time: \"10:5\" is not a time from 00:00 to 23:59",
	    0 },
	{ "[digest]\nweekday = funday\n", 2,
	    "digest.weekday: \"funday\" is not a day of the week (monday to "
	    "sunday, or mon to sun)", 0 },
	{ "[smtp]\nfrom = a@example.org, b@example.org\n", 2,
	    "smtp.from: ", 1 },
	{ "[digest]\nto = nobody\n", 2, "digest.to: ", 1 },
	{ "[schedule]\ntimezone = Mars/Base\n", 2,
	    "schedule.timezone: \"Mars/Base\" is not a known time zone (an "
	    "IANA name such as Europe/Berlin)", 0 },
	{ "[smtp]\nurl = http://mail.example.org\n", 2,
	    "smtp.url: \"http://mail.example.org\" does not start with smtp:// "
	    "or smtps://", 0 },
	{ "[smtp]\nurl = smtps://\n", 2, "smtp.url: \"smtps://\" names no host",
	    0 },
	{ "[schedule]\nholidays = 2026-02-30\n", 2,
	    "schedule.holidays: holiday 2026-02-30 is not a day of the calendar "
	    "(the value is a list of YYYY-MM-DD dates, or an .ics file)", 0 },
	{ "[schedule]\nholidays = 2026-12-25, 2026-12-26 soon\n", 2,
	    "schedule.holidays: holiday \"soon\" is not a date (YYYY-MM-DD) "
	    "(the value is a list of YYYY-MM-DD dates, or an .ics file)", 0 },
	{ "[smtp]\ntimeout = 5\n[schedule]\nlead_days = 1\n[smtp]\n"
	    "timeout = 6\n", 6, "smtp.timeout: given twice (first on line 2)",
	    0 },
	{ "[smtp]\nuser =\n", 2, "smtp.user: no value", 0 },
	{ "[smtp]\nuser = a\001b\n", 2,
	    "smtp.user: the value contains a control character", 0 },
	{ "[smtp]\nthis is no pair\n", 2,
	    "expected \"key = value\" or \"[section]\"", 0 },
	{ "[smtp\nuser = u\n", 1, "expected \"key = value\" or \"[section]\"",
	    0 },
	{ "[smtp]\njunk\ntimeout = 0\n", 2,
	    "expected \"key = value\" or \"[section]\"", 0 },
	{ "[smtp]\ntimeout = 0\njunk\n", 2,
	    "smtp.timeout: \"0\" is not a number from 1 to 3600", 0 },
	/* Checks across keys name the line of the key that decides. */
	{ "[delivery]\nmaildir = x\ntransport = smtp\n", 3,
	    "delivery.transport: smtp needs smtp.url", 0 },
	{ "[smtp]\nuser = u\npassword_command = pass x\n"
	    "password_file = /p\n", 4, "smtp.password_command and "
	    "smtp.password_file exclude each other", 0 },
	{ "[smtp]\npassword_file = /p\n", 2,
	    "smtp.password_file needs smtp.user", 0 },
	{ "[smtp]\n\npassword_command = pass x\n", 3,
	    "smtp.password_command needs smtp.user", 0 },
	{ "[inbox]\nsource = pop3\n", 2, "inbox.source: \"pop3\" is not one "
	    "of maildir, imap or none", 0 },
	{ "[inbox]\nurl = imaps://mail.example.org/INBOX\n", 2,
	    "inbox.url: \"imaps://mail.example.org/INBOX\" names more than the "
	    "server (a folder goes in its own key)", 0 },
	{ "[inbox]\nurl = smtp://mail.example.org\n", 2,
	    "inbox.url: \"smtp://mail.example.org\" does not start with "
	    "imap:// or imaps://", 0 },
	{ "[inbox]\nurl = imap://:143/\n", 2,
	    "inbox.url: \"imap://:143/\" names no host", 0 },
	{ "[inbox]\nstarttls = sometimes\n", 2, "inbox.starttls: "
	    "\"sometimes\" is not one of required, optional or off", 0 },
	{ "[inbox]\ntimeout = 0\n", 2,
	    "inbox.timeout: \"0\" is not a number from 1 to 3600", 0 },
	{ "[inbox]\nsubaddress = perhaps\n", 2, "inbox.subaddress: ", 1 },
	{ "[inbox]\nfolder = Replies/*\n", 2, "inbox.folder: \"Replies/*\": "
	    "* and % are IMAP wildcards, not allowed in a folder name", 0 },
	{ "[inbox]\nprocessed_folder = touchbase/\n", 2,
	    "inbox.processed_folder: \"touchbase/\" has an empty level (a "
	    "leading, trailing or doubled /)", 0 },
	{ "[inbox]\nfolder = a//b\n", 2, "inbox.folder: \"a//b\" has an "
	    "empty level (a leading, trailing or doubled /)", 0 },
	{ "[inbox]\nfolder = caf\xe9\n", 2,
	    "inbox.folder: \"caf\xe9\" is not valid UTF-8", 0 },
	{ "[inbox]\nuser = u\nsource = imap\n", 3,
	    "inbox.source: imap needs inbox.url", 0 },
	{ "[inbox]\npassword_file = /p\nuser = u\npassword_command = p\n", 4,
	    "inbox.password_command and inbox.password_file exclude each "
	    "other", 0 },
	{ "[inbox]\npassword_command = pass imap\n", 2,
	    "inbox.password_command needs inbox.user", 0 },
	{ "[inbox]\nprocessed_folder = Replies\nfolder = Replies\n", 3,
	    "inbox.processed_folder is inbox.folder: processed messages must "
	    "leave it", 0 },
	{ "[schedule]\nescalate_after_days = 5\ngrace_days = 7\n", 3,
	    "schedule.escalate_after_days (5) is less than schedule.grace_days "
	    "(7)", 0 },
	{ "[schedule]\ngrace_days = 20\n", 2,
	    "schedule.escalate_after_days (14) is less than "
	    "schedule.grace_days (20)", 0 },
};

START_TEST(test_errors)
{
	struct config cfg;
	char *path, *want, *err = NULL;

	path = write_file("t.conf", error_cases[_i].text, 0600);
	ck_assert_int_ge(asprintf(&want, "%s:%d: %s", path,
	    error_cases[_i].line, error_cases[_i].message), 0);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), -1);
	ck_assert_ptr_nonnull(err);
	/* The first error (of the first line) is the case's. */
	err[strcspn(err, "\n")] = '\0';
	if (error_cases[_i].prefix)
		ck_assert_msg(strncmp(err, want, strlen(want)) == 0 &&
		    strlen(err) > strlen(want), "\"%s\" does not start with "
		    "\"%s\"", err, want);
	else
		ck_assert_str_eq(err, want);
	/* A failed load leaves the configuration as it was. */
	assert_defaults(&cfg);
	config_reset(&cfg);
	free(err);
	free(want);
	free(path);
}
END_TEST

/* Four mistakes in one file: all four reported, in the file's order. */
START_TEST(test_all_errors)
{
	struct config cfg;
	char *path, *want, *err = NULL;

	path = write_file("t.conf", "[schedule]\nleaddays = 5\n"
	    "grace_days = soon\n[SMTP]\ntimeout = 5\n[smtp]\npassword = x\n"
	    "[delivery]\ntransport = smtp\n", 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), -1);
	ck_assert_int_ge(asprintf(&want,
	    "%1$s:2: schedule.leaddays: unknown key; did you mean lead_days?\n"
	    "%1$s:3: schedule.grace_days: \"soon\" is not a number from 0 to "
	    "365\n"
	    "%1$s:4: [SMTP]: unknown section; section names are lower case: "
	    "[smtp]\n"
	    "%1$s:7: smtp.password: unknown key; use password_command or "
	    "password_file\n"
	    "%1$s:9: delivery.transport: smtp needs smtp.url", path), 0);
	ck_assert_str_eq(err, want);
	assert_defaults(&cfg);
	config_reset(&cfg);
	free(err);
	free(want);
	free(path);
}
END_TEST

/* A line has no length limit: a long holidays list loads whole. */
START_TEST(test_long_line)
{
	struct config cfg;
	char *path, *text, *err = NULL;
	struct buf b;

	buf_init(&b);
	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= 28; d += 3)
			buf_printf(&b, "%s2027-%02d-%02d", b.len ? ", " : "",
			    m, d);
	ck_assert_uint_gt(b.len, 1000);
	ck_assert_int_ge(asprintf(&text, "[schedule]\nholidays = %s\n",
	    buf_str(&b)), 0);
	path = write_file("t.conf", text, 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_str_eq(cfg.holidays, buf_str(&b));
	ck_assert_int_eq(config_line(&cfg, "schedule", "holidays"), 2);
	config_reset(&cfg);
	buf_reset(&b);
	free(text);
	free(path);
}
END_TEST

/* Every key is shown with its value as text and where it came from. */
START_TEST(test_settings)
{
	struct config cfg;
	struct config_setting st;
	char *path, *err = NULL;
	size_t n = 0, from_file = 0;

	path = write_file("t.conf", "[schedule]\nmeeting_time = 9:45\n"
	    "skip_weekends = off\n[digest]\nweekday = fri\n[smtp]\n"
	    "user = office\npassword_command = echo hunter2\n"
	    "url = smtps://mail.example.org\n[delivery]\n"
	    "transport = SendMail\n", 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(config_line(&cfg, "smtp", "user"), 7);
	ck_assert_int_eq(config_line(&cfg, "smtp", "from"), 0);
	ck_assert_int_eq(config_line(&cfg, "smtp", "nonesuch"), 0);
	for (; config_setting_get(&cfg, n, &st); n++) {
		const char *key = st.name;

		if (st.line > 0)
			from_file++;
		if (strcmp(st.section, "schedule") == 0 &&
		    strcmp(key, "meeting_time") == 0)
			ck_assert_str_eq(st.value, "09:45");
		else if (strcmp(key, "skip_weekends") == 0)
			ck_assert_str_eq(st.value, "no");
		else if (strcmp(key, "weekday") == 0)
			ck_assert_str_eq(st.value, "friday");
		else if (strcmp(key, "transport") == 0) {
			ck_assert_str_eq(st.value, "sendmail");
			ck_assert_int_eq(st.line, 11);
		} else if (strcmp(st.section, "smtp") == 0 &&
		    strcmp(key, "password_command") == 0)
			ck_assert_str_eq(st.value, "echo ********");
		else if (strcmp(st.section, "smtp") == 0 &&
		    strcmp(key, "timeout") == 0) {
			ck_assert_str_eq(st.value, "30");
			ck_assert_int_eq(st.line, 0);
		} else if (strcmp(st.section, "smtp") == 0 &&
		    strcmp(key, "ca_file") == 0)
			ck_assert_ptr_null(st.value);
		ck_assert_ptr_nonnull(st.help);
		free(st.value);
	}
	ck_assert_uint_eq(from_file, 7);
	ck_assert_uint_gt(n, 40);
	config_reset(&cfg);
	/* The built-in defaults: every key from "default". */
	config_init(&cfg);
	for (size_t i = 0; config_setting_get(&cfg, i, &st); i++) {
		ck_assert_int_eq(st.line, 0);
		free(st.value);
	}
	config_reset(&cfg);
	free(path);
}
END_TEST

/* A URL's user information is never shown. */
START_TEST(test_settings_url_masked)
{
	struct config cfg;
	struct config_setting st;
	char *path, *err = NULL;

	path = write_file("t.conf", "[smtp]\nurl = smtp://me:pw@mail.example."
	    "org:587\n", 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	for (size_t i = 0; config_setting_get(&cfg, i, &st); i++) {
		if (strcmp(st.section, "smtp") == 0 &&
		    strcmp(st.name, "url") == 0)
			ck_assert_str_eq(st.value,
			    "smtp://********@mail.example.org:587");
		free(st.value);
	}
	config_reset(&cfg);
	free(path);
}
END_TEST

/* A searched file that may not be read is skipped with a note; one that
 * was named is an error.  Root reads everything, so the load runs in a
 * child as nobody. */
START_TEST(test_search_unreadable)
{
	struct config cfg;
	char *conf, *xdg, *err = NULL;
	pid_t pid;
	int status, rc;

	make_dir("xdg");
	make_dir("xdg/touchbase");
	conf = write_file("xdg/touchbase/touchbase.conf",
	    "[smtp]\ntimeout = 2\n", 0);
	ck_assert_int_ge(asprintf(&xdg, "%s/xdg", tmp), 0);
	ck_assert_int_eq(chmod(tmp, 0711), 0);
	ck_assert_int_eq(chmod(xdg, 0711), 0);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	unsetenv("TOUCHBASE_CONFIG");
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(2);
		if (access(conf, R_OK) == 0)
			_exit(3);	/* mode bits do not apply here */
		config_init(&cfg);
		rc = config_load(NULL, &cfg, &err);
		if (rc != 0 || cfg.timeout != 30 || cfg.notes == NULL ||
		    strstr(cfg.notes[0], "touchbase.conf: skipped: "
		    "Permission denied") == NULL || cfg.notes[1] != NULL)
			rc = 4;
		else if (config_load(conf, &cfg, &err) != -1 ||
		    strstr(err, "Permission denied") == NULL)
			rc = 5;
		/* Freed, so that memcheck finds no leak in this child. */
		config_reset(&cfg);
		free(err);
		free(conf);
		free(xdg);
		_exit(rc);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 3)
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	free(conf);
	free(xdg);
}
END_TEST

/* delivery_check: one configuration each, and the start of the one
 * problem it must report (NULL: none). */
static const struct {
	const char	*text;
	unsigned	 flags;
	const char	*problem;
} delivery_cases[] = {
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://127.0.0.1:1\n",
	    0, ": smtp.from is not set" },
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "from = Office <office@example.org>\n", 0, NULL },
	{ "[delivery]\ntransport = sendmail\nsendmail = 'sendmail -t\n", 0,
	    ":3: delivery.sendmail: unterminated ' quote" },
	{ "[delivery]\ntransport = sendmail\nsendmail = no-such-mta-x -t\n",
	    0, ":3: delivery.sendmail: no-such-mta-x: not found in PATH" },
	{ "[delivery]\ntransport = sendmail\nsendmail = sh -c true\n", 0,
	    NULL },
	{ "[delivery]\nmaildir = new/outbox\n", 0, NULL },
	{ "[delivery]\nmaildir = afile/outbox\n", 0,
	    ":2: delivery.maildir: " },
	{ "[delivery]\nmaildir = afile\n", 0,
	    ":2: delivery.maildir: " },
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "from = o@example.org\nuser = u\npassword_command = true\n"
	    "starttls = optional\n", 0, ":8: smtp.starttls: with smtp.user set" },
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://u:p@127.0.0.1:1\n"
	    "from = o@example.org\n", 0, ":4: smtp.url: put the user name in" },
	/* The password command is run only when asked to. */
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "from = o@example.org\nuser = u\npassword_command = false\n", 0,
	    NULL },
	{ "[delivery]\ntransport = smtp\n[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "from = o@example.org\nuser = u\npassword_command = false\n",
	    DELIVERY_CHECK_PASSWORDS, ":7: smtp.password_command \"false\" "
	    "exited with status 1" },
	/* The inbox only when asked to. */
	{ "[inbox]\nsource = imap\nurl = imap://127.0.0.1:1/\nuser = u\n"
	    "password_command = true\nstarttls = off\n", 0, NULL },
	{ "[inbox]\nsource = imap\nurl = imap://127.0.0.1:1/\nuser = u\n"
	    "password_command = true\nstarttls = off\n", DELIVERY_CHECK_INBOX,
	    ":6: inbox.starttls: with inbox.user set" },
};

START_TEST(test_delivery_check)
{
	struct config cfg;
	char *path, *want, *err = NULL, *afile;
	int n;

	afile = write_file("afile", "", 0600);
	path = write_file("t.conf", delivery_cases[_i].text, 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	n = delivery_check(&cfg, delivery_cases[_i].flags, &err);
	if (delivery_cases[_i].problem == NULL) {
		ck_assert_msg(n == 0, "unexpected: %s", err);
	} else {
		ck_assert_int_eq(n, 1);
		ck_assert_int_ge(asprintf(&want, "%s%s", path,
		    delivery_cases[_i].problem), 0);
		ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
		    "\"%s\" does not start with \"%s\"", err, want);
		free(want);
		free(err);
	}
	config_reset(&cfg);
	free(path);
	free(afile);
}
END_TEST

START_TEST(test_missing)
{
	struct config cfg;
	char *path, *want, *err = NULL;

	config_init(&cfg);
	ck_assert_int_ge(asprintf(&path, "%s/none.conf", tmp), 0);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), -1);
	ck_assert_int_ge(asprintf(&want, "%s: No such file or directory",
	    path), 0);
	ck_assert_str_eq(err, want);
	free(err);
	err = NULL;
	free(want);
	ck_assert_int_eq(config_load_file(tmp, &cfg, &err), -1);
	ck_assert_int_ge(asprintf(&want, "%s: is a directory", tmp), 0);
	ck_assert_str_eq(err, want);
	assert_defaults(&cfg);
	config_reset(&cfg);
	free(err);
	free(want);
	free(path);
}
END_TEST

START_TEST(test_relative_paths)
{
	struct config cfg;
	char *path = data_path("paths.conf"), *dir, *want, *err = NULL;
	char *cwd;

	setenv("HOME", "/home/office", 1);
	dir = dir_of(path);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_ge(asprintf(&want, "%s/data/touchbase.db", dir), 0);
	ck_assert_str_eq(cfg.db_path, want);
	free(want);
	ck_assert_int_ge(asprintf(&want, "%s/../outbox", dir), 0);
	ck_assert_str_eq(cfg.maildir, want);
	free(want);
	ck_assert_int_ge(asprintf(&want, "%s/secret", dir), 0);
	ck_assert_str_eq(cfg.password_file, want);
	free(want);
	ck_assert_int_ge(asprintf(&want, "%s/holidays/2026.ics", dir), 0);
	ck_assert_str_eq(cfg.holidays, want);
	free(want);
	/* Not paths, or absolute: as written. */
	ck_assert_str_eq(cfg.sendmail, "sendmail -t -i");
	ck_assert_str_eq(cfg.ca_file, "/etc/ssl/ca.pem");
	ck_assert_str_eq(cfg.templates_dir, "/home/office/templates");
	config_reset(&cfg);
	free(dir);
	free(path);

	/* A file in the working directory leaves them relative to it. */
	ck_assert_ptr_nonnull(cwd = getcwd(NULL, 0));
	ck_assert_int_eq(chdir(tmp), 0);
	free(write_file("t.conf", "[database]\npath = tb.db\n[schedule]\n"
	    "holidays = 2026-12-25 2026-12-26\n", 0600));
	config_init(&cfg);
	ck_assert_int_eq(config_load_file("t.conf", &cfg, &err), 0);
	ck_assert_str_eq(cfg.db_path, "tb.db");
	ck_assert_str_eq(cfg.holidays, "2026-12-25 2026-12-26");
	config_reset(&cfg);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
}
END_TEST

START_TEST(test_inline_comments)
{
	struct config cfg;
	char *path = data_path("inline.conf"), *err = NULL;

	config_init(&cfg);
	ck_assert_msg(config_load_file(path, &cfg, &err) == 0, "%s", err);
	ck_assert_int_eq(cfg.transport, TRANSPORT_SENDMAIL);
	ck_assert_str_eq(cfg.sendmail, "/usr/sbin/sendmail -t -i");
	ck_assert_str_eq(cfg.smtp_user, "a;b");
	ck_assert_str_eq(cfg.from, "Office <office@example.org>");
	ck_assert_int_eq(cfg.timeout, 45);
	ck_assert_int_eq(cfg.connections, 3);
	ck_assert_str_eq(cfg.password_command, "pass show mail # not a comment");
	ck_assert_int_eq(cfg.digest_weekday, 7);
	config_reset(&cfg);
	free(path);

	/* CRLF line ends and a UTF-8 byte order mark. */
	path = write_file("crlf.conf", "\xEF\xBB\xBF[schedule]\r\n"
	    "lead_days = 3 ; days\r\nmeeting_time = 08:15\r\n", 0600);
	config_init(&cfg);
	ck_assert_msg(config_load_file(path, &cfg, &err) == 0, "%s", err);
	ck_assert_int_eq(cfg.lead_days, 3);
	ck_assert_int_eq(cfg.meeting_hour, 8);
	ck_assert_int_eq(cfg.meeting_minute, 15);
	config_reset(&cfg);
	free(path);
}
END_TEST

/* Booleans, enums and weekdays in every accepted spelling. */
static const struct {
	const char	*line;
	int		 value;
} spelling_cases[] = {
	{ "owners = yes", 1 }, { "owners = no", 0 }, { "owners = TRUE", 1 },
	{ "owners = false", 0 }, { "owners = On", 1 }, { "owners = off", 0 },
	{ "owners = 1", 1 }, { "owners = 0", 0 },
	{ "weekday = monday", 101 }, { "weekday = Tue", 102 },
	{ "weekday = WEDNESDAY", 103 }, { "weekday = thu", 104 },
	{ "weekday = friday", 105 }, { "weekday = sat", 106 },
	{ "weekday = Sunday", 107 },
};

START_TEST(test_spellings)
{
	struct config cfg;
	char *text, *path, *err = NULL;
	int v = spelling_cases[_i].value;

	ck_assert_int_ge(asprintf(&text, "[digest]\n%s\n",
	    spelling_cases[_i].line), 0);
	path = write_file("t.conf", text, 0600);
	config_init(&cfg);
	ck_assert_msg(config_load_file(path, &cfg, &err) == 0, "%s", err);
	if (v >= 100)
		ck_assert_int_eq(cfg.digest_weekday, v - 100);
	else
		ck_assert_int_eq(cfg.digest_owners, v);
	config_reset(&cfg);
	free(path);
	free(text);
}
END_TEST

START_TEST(test_search_order)
{
	struct config cfg;
	char *env, *xdg, *home, *want, *err = NULL;

	make_dir("xdg");
	make_dir("xdg/touchbase");
	make_dir("home");
	make_dir("home/.config");
	make_dir("home/.config/touchbase");
	env = write_file("env.conf", "[smtp]\ntimeout = 1\n", 0600);
	xdg = write_file("xdg/touchbase/touchbase.conf",
	    "[smtp]\ntimeout = 2\n", 0600);
	home = write_file("home/.config/touchbase/touchbase.conf",
	    "[smtp]\ntimeout = 3\n", 0600);
	ck_assert_int_ge(asprintf(&want, "%s/xdg", tmp), 0);
	setenv("XDG_CONFIG_HOME", want, 1);
	free(want);
	ck_assert_int_ge(asprintf(&want, "%s/home", tmp), 0);
	setenv("HOME", want, 1);
	free(want);
	setenv("TOUCHBASE_CONFIG", env, 1);
	config_init(&cfg);

	/* -c beats everything, $TOUCHBASE_CONFIG beats the XDG file. */
	ck_assert_int_eq(config_load(xdg, &cfg, &err), 0);
	ck_assert_int_eq(cfg.timeout, 2);
	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	ck_assert_int_eq(cfg.timeout, 1);
	ck_assert_str_eq(cfg.source, env);

	/* Unset or empty: $XDG_CONFIG_HOME, then ~/.config. */
	setenv("TOUCHBASE_CONFIG", "", 1);
	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	ck_assert_int_eq(cfg.timeout, 2);
	ck_assert_str_eq(cfg.source, xdg);
	unsetenv("TOUCHBASE_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	ck_assert_int_eq(cfg.timeout, 3);
	ck_assert_str_eq(cfg.source, home);

	/* A named file must exist. */
	ck_assert_int_ge(asprintf(&want, "%s/gone.conf", tmp), 0);
	setenv("TOUCHBASE_CONFIG", want, 1);
	ck_assert_int_eq(config_load(NULL, &cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, want));
	free(err);
	err = NULL;
	ck_assert_int_eq(config_load(want, &cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, want));
	free(err);
	err = NULL;
	free(want);
	unsetenv("TOUCHBASE_CONFIG");
	ck_assert_int_eq(cfg.timeout, 3);	/* untouched by the failures */

	/* Nothing found: the defaults (unless this host has the system
	 * file, which the test must not depend on). */
	ck_assert_int_ge(asprintf(&want, "%s/empty", tmp), 0);
	setenv("XDG_CONFIG_HOME", want, 1);
	free(want);
	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	if (access(SYSCONFDIR "/touchbase.conf", F_OK) != 0)
		assert_defaults(&cfg);
	config_reset(&cfg);
	free(env);
	free(xdg);
	free(home);
}
END_TEST

/* [smtp] and [inbox] keep their passwords under the same rules. */
static const char *const password_sections[] = { "smtp", "inbox" };

START_TEST(test_password_file_mode)
{
	struct config cfg;
	char *secret, *path, *text, *want, *err = NULL;

	secret = write_file("secret", "hunter2\n", 0644);
	ck_assert_int_ge(asprintf(&text, "[%s]\nuser = u\npassword_file = "
	    "%s\n", password_sections[_i], secret), 0);
	path = write_file("t.conf", text, 0644);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 1);
	ck_assert_int_ge(asprintf(&want, "%s: password file is readable by "
	    "others (chmod 600 %s)", secret, secret), 0);
	ck_assert_str_eq(cfg.warnings[0], want);
	free(want);

	ck_assert_int_eq(chmod(secret, 0600), 0);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 0);
	ck_assert_int_eq(chmod(secret, 0640), 0);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 1);

	ck_assert_int_eq(unlink(secret), 0);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 1);
	ck_assert_ptr_nonnull(strstr(cfg.warnings[0], "No such file"));
	config_reset(&cfg);
	free(path);
	free(text);
	free(secret);
}
END_TEST

START_TEST(test_password_command_mode)
{
	const char *section = password_sections[_i];
	struct config cfg;
	char *path, *text, *want, *err = NULL;

	ck_assert_int_ge(asprintf(&text, "[%s]\nuser = u\npassword_command = "
	    "pass show mail\n", section), 0);
	path = write_file("t.conf", text, 0664);
	free(text);
	config_init(&cfg);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 1);
	ck_assert_int_ge(asprintf(&want, "%s: writable by others, who could "
	    "change %s.password_command (chmod go-w %s)", path, section,
	    path), 0);
	ck_assert_str_eq(cfg.warnings[0], want);
	free(want);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(config_load_file(path, &cfg, &err), 0);
	ck_assert_int_eq(nwarnings(&cfg), 0);
	config_reset(&cfg);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("defaults");
	tcase_add_test(tc, test_defaults);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_inline_comments);
	tcase_add_loop_test(tc, test_spellings, 0,
	    sizeof spelling_cases / sizeof spelling_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof error_cases / sizeof error_cases[0]);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_all_errors);
	tcase_add_test(tc, test_long_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("settings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_settings_url_masked);
	suite_add_tcase(s, tc);
	tc = tcase_create("delivery");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_delivery_check, 0,
	    sizeof delivery_cases / sizeof delivery_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("paths");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_relative_paths);
	suite_add_tcase(s, tc);
	tc = tcase_create("search");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_search_order);
	tcase_add_test(tc, test_search_unreadable);
	suite_add_tcase(s, tc);
	tc = tcase_create("security");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_password_file_mode, 0, 2);
	tcase_add_loop_test(tc, test_password_command_mode, 0, 2);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
