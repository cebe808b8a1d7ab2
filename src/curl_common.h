/*
 * curl_common.h: what the two libcurl clients, SMTP (transport_smtp.c)
 * and IMAP (inbox_imap.c), share: checking a server's URL, refusing a
 * login that could go out without TLS, getting the password once (from a
 * command or a file), putting TLS, login and timeouts on a handle, and
 * the words for a failure to connect, secure the connection or log in.
 *
 * Also the checks that `touchbase check` makes of a server's settings
 * and, with --connect, of the server itself.
 *
 * These files and delivery_check.c and cmd_check.c (which use only the
 * types of this header, never libcurl's) are the only ones that include
 * curl/curl.h.
 */
#ifndef TB_CURL_COMMON_H
#define TB_CURL_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "config.h"
#include "util.h"

/* A server as one section of touchbase.conf configures it (borrowed). */
struct curl_server_conf {
	const char	*section;	/* "smtp" or "inbox": names the keys */
	const char	*scheme;	/* "smtp" or "imap"; + "s": implicit TLS */
	const char	*url;
	enum starttls_mode starttls;
	const char	*user;
	const char	*password_command;
	const char	*password_file;
	const char	*ca_file;
	bool		 verify_peer;
	bool		 allow_plaintext_auth;
	int		 timeout;	/* seconds; 30 when not positive */
};

/* A server ready to connect to: its own copies, and the password. */
struct curl_server {
	const char	*section;	/* static: "smtp" or "inbox" */
	char		*url;
	char		*host;		/* for messages */
	char		*user;		/* NULL: no login */
	char		*password;	/* zeroed before it is freed */
	char		*ca_file;
	enum starttls_mode starttls;	/* required with implicit TLS */
	bool		 implicit_tls;	/* smtps:// or imaps:// */
	bool		 verify_peer;
	long		 timeout;
};

/*
 * Check c's URL (the scheme, a host, no credentials in it), refuse a user
 * whose password could be sent without TLS (neither implicit TLS nor
 * starttls = required, and allow_plaintext_auth not set), and with a user
 * get the password now, once, by running password_command (without a
 * shell) or reading the first line of password_file.  Also initialises
 * libcurl on first use.  Fills *s (free with curl_common_reset).  Returns
 * 0, or -1 with *err naming the key at fault ("inbox.url: ..."); *s is
 * then empty.  Errors never contain the password.
 */
int curl_common_open(const struct curl_server_conf *c, struct curl_server *s,
    char **err);

/*
 * The checks of curl_common_open without connecting: the URL and the
 * rule on logging in without TLS; with with_password, also get the
 * password (run the command, read the file) and drop it at once.
 * Returns 0 or -1 with *err, as curl_common_open.
 */
int curl_common_check(const struct curl_server_conf *c, bool with_password,
    char **err);

/* The settings of [smtp] or of [inbox] as a server conf (borrowed from
 * cfg). */
void curl_common_conf_smtp(const struct config *cfg,
    struct curl_server_conf *c);
void curl_common_conf_inbox(const struct config *cfg,
    struct curl_server_conf *c);

/* What a server showed of itself to curl_common_probe. */
struct curl_probe {
	char	 *host;
	char	 *greeting;	/* its first line, or NULL */
	char	**offers;	/* the last EHLO keywords (SMTP) or
				 * CAPABILITY atoms (IMAP) it sent */
	size_t	  noffers;
	bool	  tls;		/* the session was encrypted */
	bool	  verified;	/* ... and its certificate checked */
	bool	  logged_in;	/* a user was set and the login passed */
	char	 *certificate;	/* subject, issuer, expiry; or NULL */
	char	 *farewell;	/* its reply to QUIT or LOGOUT, or NULL */
};

/*
 * Connect to the server c names, do STARTTLS (or implicit TLS) and the
 * login as configured (libcurl's CONNECT_ONLY), note what the server
 * offers, then end the session with QUIT (SMTP) or LOGOUT (IMAP) without
 * sending any mail or touching a folder.  Fills
 * *p (free with curl_probe_reset) as far as the session got.  Returns 0,
 * or -1 with *err saying where it stopped (never containing the
 * password).
 */
int curl_common_probe(const struct curl_server_conf *c, struct curl_probe *p,
    char **err);
void curl_probe_reset(struct curl_probe *p);

/* Free what *s holds, zeroing the password first; an empty *s is fine. */
void curl_common_reset(struct curl_server *s);

/*
 * Set on e what s decides: STARTTLS or implicit TLS, certificate checks
 * and ca_file, user and password, and timeouts (connecting, each server
 * reply and stalls: s->timeout; a whole transfer: four times that).  The
 * URL and the protocol's own options are the caller's.
 */
void curl_common_setopt(const struct curl_server *s, CURL *e);

enum curl_failure {
	CURL_FAILURE_OTHER,		/* not about reaching the server */
	CURL_FAILURE_UNAVAILABLE,	/* connecting, TLS or login refused */
	CURL_FAILURE_TIMEOUT		/* the server stopped answering */
};

/*
 * Name a failure rc of a transfer with s that is about reaching the
 * server: connecting, TLS, STARTTLS, login, timeouts.  why is libcurl's
 * error buffer (may be empty), last the server's last reply line (may be
 * empty).  Returns its kind, with *msg (allocated) unless the kind is
 * CURL_FAILURE_OTHER, when the caller says what went wrong.
 */
enum curl_failure curl_common_failure(const struct curl_server *s,
    CURLcode rc, const char *why, const char *last, char **msg);

/* Replace every copy of password in *reply (allocated, may be NULL) by
 * asterisks, should a server echo it. */
void curl_common_scrub(char **reply, const char *password);

/* Append up to max bytes of server text s[0..n) to b, each control
 * character made a '?'. */
void curl_common_printable(struct buf *b, const char *s, size_t n,
    size_t max);

#endif
