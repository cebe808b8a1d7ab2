/*
 * config.h: touchbase.conf, parsed and validated into struct config.
 *
 * One table in config_table.c drives parsing, validation, defaults and
 * the effective settings that check prints; touchbase.conf.5 documents
 * the same keys.  delivery_check.h checks the delivery keys against the
 * world (commands, directories, passwords).
 */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum transport_kind { TRANSPORT_SMTP, TRANSPORT_MAILDIR, TRANSPORT_SENDMAIL };
enum starttls_mode { STARTTLS_REQUIRED, STARTTLS_OPTIONAL, STARTTLS_OFF };
enum inbox_kind { INBOX_SOURCE_MAILDIR, INBOX_SOURCE_IMAP, INBOX_SOURCE_NONE };

struct config {
	char	*source;		/* file read, or NULL for built-in defaults */

	/* [database] */
	char	*db_path;		/* default "./touchbase.db" */

	/* [delivery] */
	enum transport_kind transport;	/* default maildir */
	char	*maildir;		/* default "./outbox" */
	char	*sendmail;		/* default "/usr/sbin/sendmail -t -i" */

	/* [smtp] */
	char	*smtp_url;		/* NULL unless set; required for smtp */
	enum starttls_mode starttls;	/* default required */
	char	*smtp_user;
	char	*password_command;
	char	*password_file;
	char	*from;			/* default "Partnerships Office <partnerships@localhost>" */
	int	 connections;		/* 1..16, default 2 */
	int	 timeout;		/* seconds, 1..3600, default 30 */
	bool	 verify_peer;		/* default yes */
	char	*ca_file;
	bool	 allow_plaintext_auth;	/* default no: never AUTH without TLS */

	/* [schedule] */
	char	*timezone;		/* IANA name, default "UTC" */
	int	 lead_days;		/* 0..365, default 7 */
	int	 grace_days;		/* 0..365, default 3 */
	int	 escalate_after_days;	/* 0..3650, default 14 */
	int	 meeting_hour;		/* meeting_time, default 10:00 */
	int	 meeting_minute;
	int	 meeting_minutes;	/* 5..1440, default 30 */
	bool	 skip_weekends;		/* default yes */
	char	*holidays;		/* list of dates or an .ics path, or NULL */
	int	 retry_max_hours;	/* 1..8760, default 48 */

	/* [templates] */
	char	*templates_dir;		/* overrides, or NULL */

	/* [digest] */
	char	*digest_to;
	int	 digest_weekday;	/* ISO 1 = Monday .. 7 = Sunday, default 1 */
	bool	 digest_owners;		/* default no */
	int	 digest_list_max;	/* the most urgent listed, default 1000 */

	/* [inbox]: where answers come from */
	enum inbox_kind inbox_source;	/* default maildir */
	char	*inbox_maildir;		/* default "./inbox" */
	char	*inbox_url;		/* imap[s]://host[:port]/; for imap */
	char	*inbox_user;
	char	*inbox_password_command;
	char	*inbox_password_file;
	char	*inbox_folder;		/* UTF-8, '/' between levels; "INBOX" */
	char	*inbox_processed_folder; /* default "touchbase/processed" */
	enum starttls_mode inbox_starttls; /* default required */
	bool	 inbox_allow_plaintext_auth;	/* default no */
	bool	 inbox_verify_peer;	/* default yes */
	char	*inbox_ca_file;
	int	 inbox_timeout;		/* seconds, 1..3600, default 30 */
	bool	 inbox_subaddress;	/* default no: partnerships+TOKEN@ */

	/* Per key of the table, the line of the file that set it; 0 for
	 * a default.  NULL when no file was read. */
	int	*lines;

	/* Warnings found while loading (e.g. a readable password file);
	 * the caller prints them.  NULL-terminated array, may be NULL. */
	char	**warnings;
	/* Notes for -v: search candidates skipped as unreadable.  Same
	 * shape as warnings. */
	char	**notes;
};

/*
 * Find and load the configuration: `explicit_path` (from -c) if not NULL,
 * else $TOUCHBASE_CONFIG, else $XDG_CONFIG_HOME/touchbase/touchbase.conf
 * (~/.config when XDG_CONFIG_HOME is unset), else SYSCONFDIR/touchbase.conf;
 * when none of these exist (and none was named explicitly) the built-in
 * defaults apply.  A searched candidate that exists but may not be read
 * (EACCES) is skipped with a note in cfg->notes; one that was named (-c,
 * $TOUCHBASE_CONFIG) must be read.  Relative paths inside a file are
 * taken relative to the file's directory.  Fills *cfg (free with
 * config_reset).  Returns 0, or -1 with *err: every error of the file,
 * one per line, each "FILE:LINE: section.key: why" or "FILE: why"
 * (caller frees); the caller exits 78 (EX_CONFIG).
 */
int config_load(const char *explicit_path, struct config *cfg, char **err);

/* Load one named file (must exist), or with path == NULL only the
 * defaults.  Same errors as config_load. */
int config_load_file(const char *path, struct config *cfg, char **err);

/* The same for a text in memory (len bytes, named name in messages and
 * for relative paths): the fuzzing harness's seam. */
int config_load_buffer(const char *name, const char *text, size_t len,
    struct config *cfg, char **err);

/* Fill *cfg with the built-in defaults. */
void config_init(struct config *cfg);
void config_reset(struct config *cfg);

/* The line of the file that set section.name, or 0 (a default). */
int config_line(const struct config *cfg, const char *section,
    const char *name);

/* One key of the table as check shows it. */
struct config_setting {
	const char	*section;
	const char	*name;
	const char	*help;
	char		*value;		/* as text, secrets masked; NULL when
					 * unset; caller frees */
	int		 line;		/* 0: the default */
};
/* The i-th key of the table (from 0) in *out; false past the last. */
bool config_setting_get(const struct config *cfg, size_t i,
    struct config_setting *out);

/* "smtp", "maildir", "sendmail" etc. for printing. */
const char *config_transport_name(enum transport_kind t);
/* "maildir", "imap" or "none", for printing. */
const char *config_inbox_name(enum inbox_kind k);

#endif
