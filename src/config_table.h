/*
 * config_table.h: the table of touchbase.conf's keys and how a value of
 * each type is read and shown, shared by the files of the configuration:
 * config.c (search, load, the settings shown) and config_parse.c (one
 * file).  No other module includes it.
 */
#ifndef TB_CONFIG_TABLE_H
#define TB_CONFIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

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
	bool			 secret; /* never shown whole */
};

extern const struct key config_keys[];
extern const size_t config_nkeys;

/* The key section.name (exact, lower case), or NULL. */
const struct key *config_key_find(const char *section, const char *name);
/* Whether any key lives in section (exact). */
bool config_section_known(const char *section);
/* "section.name" in a static buffer, valid until the next call. */
const char *config_key_name(const struct key *k);

/*
 * Convert text into k's field of cfg.  dir is the directory relative
 * paths are resolved against (NULL: as given); validate is false for the
 * built-in defaults, which are known good.  Returns 0 or -1 with *why
 * (the reason, without the key; caller frees).
 */
int config_value_set(struct config *cfg, const struct key *k,
    const char *text, const char *dir, bool validate, char **why);
/* k's value in cfg as text (secrets masked), or NULL when unset; caller
 * frees. */
char *config_value_text(const struct config *cfg, const struct key *k);
/* Free k's field when it holds text. */
void config_value_free(struct config *cfg, const struct key *k);

#endif
