/*
 * transport.h: handing a composed message to the world: a Maildir (the
 * built-in default), SMTP through libcurl, or a sendmail command.
 */
#ifndef TB_TRANSPORT_H
#define TB_TRANSPORT_H

#include <stddef.h>

#include "config.h"

enum transport_result {
	TRANSPORT_SENT = 0,
	TRANSPORT_DEFER,	/* temporary: try again later */
	TRANSPORT_FAIL,		/* permanent for this message */
	TRANSPORT_UNAVAILABLE	/* the server cannot be reached, stalls or wants
				 * a login: not tried again this run */
};

struct transport_message {
	const char		*from;		/* envelope sender */
	const char *const	*rcpt;		/* envelope recipients */
	size_t			 nrcpt;
	const char		*data;		/* RFC 5322, CRLF */
	size_t			 len;
};

/* What the server answered one envelope recipient (RCPT TO). */
struct transport_rcpt {
	int			 code;		/* 0: not asked */
	char			*reply;		/* allocated, may be NULL */
};

/* One message of a batch and, after sending, its outcome.  A transport
 * that talks to each recipient (SMTP) also fills rcpt, one per msg.rcpt,
 * so that a recipient refused while the others took the message is
 * known; the others leave it NULL. */
struct transport_job {
	struct transport_message msg;
	enum transport_result	 result;
	char			*reply;		/* allocated, may be NULL */
	struct transport_rcpt	*rcpt;		/* allocated, may be NULL */
};

/* Each transport embeds this as its first member.  send_batch may be NULL:
 * then the batch is sent one message at a time through send; send may be
 * NULL: then one message is sent as a batch of one. */
struct transport;
struct transport_ops {
	const char	*name;
	enum transport_result (*send)(struct transport *,
	    const struct transport_message *, char **);
	void		(*send_batch)(struct transport *, struct transport_job *,
			    size_t);
	void		(*close)(struct transport *);
};
struct transport {
	const struct transport_ops *ops;
};

/* smtp.timeout in seconds, or its default when cfg has none (a zeroed
 * configuration).  It bounds each wait for an SMTP server and the
 * password command; one message may take four times as long. */
int transport_timeout(const struct config *cfg);

/* Open the transport cfg->transport names.  Returns NULL with *err. */
struct transport *transport_open(const struct config *cfg, char **err);
/* Send one message; *reply (allocated, may be NULL) says what the other
 * end answered, e.g. the server's reply or the Maildir file. */
enum transport_result transport_send(struct transport *t,
    const struct transport_message *m, char **reply);
/* Send n messages, over parallel connections where the transport has
 * them; fills each job's result and reply. */
void transport_send_batch(struct transport *t, struct transport_job *jobs,
    size_t n);
void transport_close(struct transport *t);	/* NULL ok */
/* Free a job's reply and recipient results (not its message). */
void transport_job_reset(struct transport_job *job);

/* The implementations, for transport.c. */
struct transport *transport_maildir_open(const char *dir, char **err);
struct transport *transport_smtp_open(const struct config *cfg, char **err);
struct transport *transport_sendmail_open(const char *command, int timeout,
    char **err);

/*
 * Split a command line such as delivery.sendmail or smtp.password_command
 * into words for execvp, without a shell: words are separated by blanks,
 * '...' is literal, "..." allows \" and \\, a backslash outside quotes
 * escapes the next character.  Returns a NULL-terminated array (free with
 * transport_command_free), or NULL with *err for an empty command or an
 * unterminated quote.  In transport_sendmail.c, shared with the SMTP
 * transport.
 */
char **transport_command_split(const char *command, char **err);
void transport_command_free(char **argv);	/* NULL ok */

#endif
