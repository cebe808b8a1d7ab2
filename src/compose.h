/*
 * compose.h: an outbox row -> the exact message that is sent: the template
 * context built from the database, the rendered templates, the invite and
 * the MIME message.  Templates are loaded once per composer (per run).
 */
#ifndef TB_COMPOSE_H
#define TB_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "book.h"
#include "invite.h"
#include "outbox.h"
#include "template.h"

struct composer {
	struct book		*book;
	struct template_set	*templates;
	char			*org_name;	/* from smtp.from, may be NULL */
	char			*org_email;
	char			*domain;
	struct invite_zones	*zones;		/* VTIMEZONEs built this run */
};

/* A composed message and its envelope. */
struct composed {
	struct buf	  text;		/* RFC 5322, CRLF */
	char		**rcpt;		/* envelope recipients (To and Cc) */
	size_t		  nrcpt;
	char		 *subject;
	char		 *envelope_from; /* the SMTP sender: smtp.from, or
					  * with inbox.subaddress its
					  * local+TOKEN@domain */
};

enum { COMPOSE_STALE = 1 };	/* the row is no longer due: skip it */

/*
 * Load the templates (templates.dir, then the installed defaults, then
 * the source tree's templates/) and the organization's address.
 * Returns 0 or -1 with *err naming the template file at fault.
 */
int composer_init(struct composer *c, struct book *b, char **err);
void composer_reset(struct composer *c);

/* The directories templates are looked up in, in order; n set. */
const char *const *composer_template_dirs(const struct config *cfg,
    size_t *n);

/*
 * Compose the message of an outbox row as of now.  Returns 0,
 * COMPOSE_STALE with *err saying why (the partner was removed, archived
 * or checked in since it was planned), or -1 with *err.
 */
int compose_row(struct composer *c, const struct outbox_msg *row, time_t now,
    struct composed *out, char **err);
void composed_init(struct composed *m);
void composed_reset(struct composed *m);

/*
 * The digest of owner's partners (every partner when owner is NULL) at
 * now, addressed to recipient: as a whole message (Message-ID
 * message_id) into *out, or, with compose_digest_text, as the rendered
 * digest.txt (its Subject: line, a blank line, the body) appended to
 * text, for reading on a terminal.  Return 0 or -1 with *err.
 */
int compose_digest(struct composer *c, const char *owner,
    const char *recipient, const char *message_id, time_t now,
    struct composed *out, char **err);
int compose_digest_text(struct composer *c, const char *owner,
    const char *recipient, time_t now, struct buf *text, char **err);

/* Check every template against the variables it may use (touchbase
 * check).  Returns 0 or -1 with *err = "FILE:LINE:COLUMN: ...". */
int compose_check_templates(struct composer *c, char **err);

/* A context with every message variable present, for template_check. */
struct tvalue *compose_schema(bool digest);

#endif
