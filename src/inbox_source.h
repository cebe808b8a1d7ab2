/*
 * inbox_source.h: where inbound mail comes from, as raw messages: a
 * Maildir (the built-in default, ./inbox), an IMAP folder through libcurl,
 * or one message on standard input (`receive`, from an MTA pipe).
 *
 * A source hands out each unprocessed message once per session, oldest
 * first; the caller processes it and then settles it with
 * inbox_source_done.  Nothing is ever deleted, and a message that is not
 * settled stays where it was, unseen, for the next run.
 */
#ifndef TB_INBOX_SOURCE_H
#define TB_INBOX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum inbox_result {
	INBOX_OK = 0,
	INBOX_ERROR = -1,	/* a configuration or local failure */
	INBOX_UNAVAILABLE = -2	/* server cannot be reached, TLS or login
				 * refused */
};

/* One raw message.  Zero it (or inbox_item_reset it) before first use. */
struct inbox_item {
	char	*id;		/* the source's name for it: the Maildir file
				 * ("new/NAME" or "cur/NAME"), the IMAP UID;
				 * for showing (untrusted: escape it) */
	char	*data;		/* the raw message, NUL-terminated; NULL when
				 * too_big */
	size_t	 len;
	bool	 too_big;	/* larger than INBOX_MAX_BYTES: not loaded */
	size_t	 size;		/* its size as the source reports it */
};

#define INBOX_MAX_BYTES (10u << 20)

struct inbox_source;

/*
 * Open the source that cfg's [inbox] section configures (inbox.source:
 * maildir, imap or none).  A Maildir that does not exist means nothing to
 * read, not an error.  IMAP connects and logs in now, with the password
 * read once from inbox.password_command or inbox.password_file.
 * Returns INBOX_OK with *out (free with inbox_source_close), or
 * INBOX_ERROR (a configuration or local failure) or INBOX_UNAVAILABLE
 * (the server cannot be reached, TLS or the login refused), with *err
 * (allocated; never containing the password).
 */
int inbox_source_open(const struct config *cfg, struct inbox_source **out,
    char **err);

/*
 * A source of the one message that standard input (fd) holds, read to
 * its end now; a message larger than INBOX_MAX_BYTES is read and dropped
 * (an MTA pipe expects it all to be taken) and comes out too_big.  The
 * caller keeps fd.  Returns INBOX_OK with *out, or INBOX_ERROR with
 * *err when reading fails.
 */
int inbox_source_open_stdin(int fd, struct inbox_source **out, char **err);

/*
 * The next unprocessed message: the Maildir's files in new/, and in cur/
 * those without the Seen flag, oldest first (a file that vanished
 * meanwhile is passed over); IMAP's UNSEEN messages of inbox.folder by
 * UID (read without setting Seen; one over INBOX_MAX_BYTES, by the size
 * the server reports, is not downloaded).  Returns 1 with *item filled
 * (what it held is freed first; free with inbox_item_reset), 0 when
 * there are no more, or INBOX_ERROR or INBOX_UNAVAILABLE with *err.
 */
int inbox_source_next(struct inbox_source *s, struct inbox_item *item,
    char **err);

/*
 * Settle a processed message that s handed out: in a Maildir it moves to
 * cur/ with the Seen flag (":2,S" added to its flags), never deleted;
 * over IMAP it is flagged \Seen and moved to inbox.processed_folder
 * (created when missing; UID MOVE where the server has it, else UID COPY,
 * \Deleted and UID EXPUNGE of that UID only); from stdin nothing happens.
 * Returns INBOX_OK, or INBOX_ERROR or INBOX_UNAVAILABLE with *err; the
 * message is then left unsettled where it was, or (IMAP, when only the
 * move failed) seen but not moved.
 */
int inbox_source_done(struct inbox_source *s, const struct inbox_item *item,
    char **err);

/* Free what item holds and zero it. */
void inbox_item_reset(struct inbox_item *item);

/* Close the source (and the IMAP connection, with LOGOUT); NULL ok. */
void inbox_source_close(struct inbox_source *s);

/* What the source reads, for messages: "maildir ./inbox",
 * "imaps://host/INBOX", "stdin" or "none".  Valid until closed. */
const char *inbox_source_name(const struct inbox_source *s);

/*
 * A folder name as configured (UTF-8, '/' between levels) as IMAP wants
 * it: each '/' made the server's hierarchy delimiter delim ('\0' when the
 * server has none: '/' stays), then modified UTF-7 (RFC 3501 5.1.3).
 * Returns the name (caller frees), or NULL with *err when name is not
 * valid UTF-8.  In inbox_imap.c; exported for the tests.
 */
char *inbox_imap_mailbox(const char *name, char delim, char **err);

/* Each source embeds this as its first member. */
struct inbox_source_ops {
	int	(*next)(struct inbox_source *, struct inbox_item *, char **);
	int	(*done)(struct inbox_source *, const struct inbox_item *,
		    char **);
	void	(*close)(struct inbox_source *);
};
struct inbox_source {
	const struct inbox_source_ops *ops;
	char	*name;		/* freed by inbox_source_close */
};

/*
 * For the implementations: read fd to its end into item->data (len set,
 * NUL-terminated), or with more than INBOX_MAX_BYTES set item->too_big
 * and item->size and drop the rest (read on only when drain).  Returns 0,
 * or -1 with errno.
 */
int inbox_read_fd(int fd, struct inbox_item *item, bool drain);

/* The implementations, for inbox_source.c.  Same returns as
 * inbox_source_open. */
int inbox_maildir_open(const char *dir, struct inbox_source **out,
    char **err);
int inbox_imap_open(const struct config *cfg, struct inbox_source **out,
    char **err);
int inbox_stdin_open(int fd, struct inbox_source **out, char **err);

#endif
