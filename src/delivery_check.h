/*
 * delivery_check.h: the delivery settings checked against the world,
 * for `check` and before `run` delivers: what each of them would
 * otherwise find out at the first message.  Nothing is changed, nothing
 * is sent.
 */
#ifndef TB_DELIVERY_CHECK_H
#define TB_DELIVERY_CHECK_H

#include "config.h"

enum {
	DELIVERY_CHECK_PASSWORDS = 1,	/* get each password once (runs
					 * password_command) */
	DELIVERY_CHECK_INBOX = 2		/* the [inbox] server too */
};

/*
 * Check cfg's delivery: with delivery.transport = smtp, that smtp.from is
 * set (not the built-in partnerships@localhost) and the server settings
 * pass curl_common_check (no credentials in the URL, no login without
 * TLS, and with DELIVERY_CHECK_PASSWORDS the password can be had); with
 * sendmail, that the command splits into words and its program exists and
 * may be run; with maildir, that the Maildir is a writable directory or
 * can be made one.  With DELIVERY_CHECK_INBOX, an imap inbox's server
 * settings as well.  Returns the number of problems found; with some,
 * *err holds them one per line, "FILE:LINE: section.key: why" (caller
 * frees).
 */
int delivery_check(const struct config *cfg, unsigned flags,
    char **err);

/* Put the place of the key that *msg (allocated) starts with in front
 * of it: "FILE:LINE: section.key: ...". */
void delivery_check_place(const struct config *cfg, char **msg);

#endif
