/*
 * curl_common.c: the server settings, password handling and failure words
 * that SMTP and IMAP through libcurl share.  The password is read once,
 * kept in one allocation and zeroed before it is freed; no message built
 * here contains it.
 */
#include "curl_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "child.h"
#include "file.h"
#include "transport.h"

#define SECRET_MAX	4096		/* password command output or file */

static bool curl_ready;

/* Overwrite and free a secret. */
static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The first line of secret as a new string, or NULL when it is empty. */
static char *
first_line_secret(const char *secret)
{
	size_t n = strcspn(secret, "\r\n");

	return n == 0 ? NULL : xstrndup(secret, n);
}

/* Run SECTION.password_command without a shell, for at most timeout
 * seconds; its first line is the password.  Errors name the command,
 * never what it printed. */
static char *
password_from_command(const char *section, const char *command, int timeout,
    char **err)
{
	struct child_opts opts = { NULL, 0, CHILD_CAPTURE, CHILD_INHERIT,
	    SECRET_MAX - 1, timeout };
	struct child_result r;
	char **argv, *password = NULL;
	int rc;

	if ((argv = transport_command_split(command, err)) == NULL) {
		prefix_err(err, "%s.password_command", section);
		return NULL;
	}
	rc = child_run(argv, &opts, &r, err);
	transport_command_free(argv);
	if (rc != 0) {
		prefix_err(err, "%s.password_command", section);
		return NULL;
	}
	if (r.end == CHILD_SIGNALED)
		set_err(err, "%s.password_command \"%s\" was killed by "
		    "signal %d", section, command, r.code);
	else if (r.end == CHILD_TIMEDOUT)
		set_err(err, "%s.password_command \"%s\" did not finish "
		    "within %d seconds", section, command, timeout);
	else if (r.code != 0)
		set_err(err, "%s.password_command \"%s\" exited with "
		    "status %d", section, command, r.code);
	else if ((password = first_line_secret(r.out)) == NULL)
		set_err(err, "%s.password_command \"%s\" printed no password",
		    section, command);
	child_result_reset(&r);
	return password;
}

/* The first line of SECTION.password_file. */
static char *
password_from_file(const char *section, const char *path, char **err)
{
	char *secret, *password = NULL;
	size_t n;

	if ((secret = file_read(path, SECRET_MAX - 1, FILE_SECRET |
	    FILE_TRUNCATE, &n, NULL, err)) == NULL) {
		prefix_err(err, "%s.password_file", section);
		return NULL;
	}
	if ((password = first_line_secret(secret)) == NULL)
		set_err(err, "%s.password_file: %s: the first line is empty",
		    section, path);
	explicit_bzero(secret, n);
	free(secret);
	return password;
}

/* Check c->url; set *host and whether it has implicit TLS. */
static int
parse_url(const struct curl_server_conf *c, char **host, bool *tls,
    char **err)
{
	const char *sec = c->section;
	size_t n = strlen(c->scheme);
	CURLU *u;
	char *scheme = NULL, *h = NULL, *user = NULL;
	int rc = -1;

	if (str_empty(c->url))
		return set_err(err, "%s.url is not set", sec);
	if ((u = curl_url()) == NULL)
		fatal("out of memory parsing a URL");
	if (curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		set_err(err, "%s.url: \"%s\" is not a URL", sec, c->url);
	else if (strncasecmp(scheme, c->scheme, n) != 0 ||
	    (scheme[n] != '\0' && strcasecmp(scheme + n, "s") != 0))
		set_err(err, "%s.url: \"%s\": the scheme must be %s:// or "
		    "%ss://", sec, c->url, c->scheme, c->scheme);
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		set_err(err, "%s.url: put the user name in %s.user and the "
		    "password in %s.password_command or %s.password_file, "
		    "not in the URL", sec, sec, sec, sec);
	else {
		*host = xstrdup(h);
		*tls = scheme[n] != '\0';
		rc = 0;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

/* The password of c->user, or NULL with *err. */
static char *
get_password(const struct curl_server_conf *c, char **err)
{
	if (!str_empty(c->password_command))
		return password_from_command(c->section, c->password_command,
		    c->timeout > 0 ? c->timeout : 30, err);
	if (!str_empty(c->password_file))
		return password_from_file(c->section, c->password_file, err);
	set_err(err, "%s.user is set but neither %s.password_command nor "
	    "%s.password_file", c->section, c->section, c->section);
	return NULL;
}

int
curl_common_open(const struct curl_server_conf *c, struct curl_server *s,
    char **err)
{
	char *host = NULL;
	bool tls = false;

	memset(s, 0, sizeof *s);
	s->section = c->section;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return set_err(err, "%s: libcurl failed to initialise",
			    c->section);
		curl_ready = true;
	}
	if (parse_url(c, &host, &tls, err) != 0)
		return -1;
	/* libcurl logs in without TLS when STARTTLS is only tried and the
	 * server does not offer it. */
	if (!str_empty(c->user) && !tls && c->starttls != STARTTLS_REQUIRED &&
	    !c->allow_plaintext_auth) {
		free(host);
		return set_err(err, "%s: with %s.user set, %s with starttls = "
		    "%s could send the password without TLS; use starttls = "
		    "required, an %ss:// URL, or set allow_plaintext_auth = "
		    "yes", c->section, c->section, c->url,
		    c->starttls == STARTTLS_OFF ? "off" : "optional",
		    c->scheme);
	}
	s->host = host;
	if (!str_empty(c->user)) {
		if ((s->password = get_password(c, err)) == NULL) {
			curl_common_reset(s);
			return -1;
		}
		s->user = xstrdup(c->user);
	}
	s->url = xstrdup(c->url);
	s->ca_file = xstrdup(c->ca_file);
	s->implicit_tls = tls;
	s->starttls = tls ? STARTTLS_REQUIRED : c->starttls;
	s->verify_peer = c->verify_peer;
	s->timeout = c->timeout > 0 ? c->timeout : 30;
	return 0;
}

void
curl_common_reset(struct curl_server *s)
{
	free(s->url);
	free(s->host);
	free(s->user);
	free_secret(s->password);
	free(s->ca_file);
	memset(s, 0, sizeof *s);
}

void
curl_common_setopt(const struct curl_server *s, CURL *e)
{
	long usessl;

	usessl = s->starttls == STARTTLS_REQUIRED ? (long)CURLUSESSL_ALL :
	    s->starttls == STARTTLS_OPTIONAL ? (long)CURLUSESSL_TRY :
	    (long)CURLUSESSL_NONE;
	curl_easy_setopt(e, CURLOPT_USE_SSL, usessl);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->verify_peer ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->verify_peer ? 2L : 0L);
	if (s->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_file);
	if (s->user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, s->password);
	}
	/* A stalled server must not hang a cron job. */
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, s->timeout);
	curl_easy_setopt(e, CURLOPT_SERVER_RESPONSE_TIMEOUT, s->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, s->timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 4 * s->timeout);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
}

enum curl_failure
curl_common_failure(const struct curl_server *s, CURLcode rc,
    const char *why, const char *last, char **msg)
{
	const char *host = s->host, *sec = s->section;

	if (str_empty(why))
		why = curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		*msg = xasprintf("TLS certificate of %s could not be "
		    "verified: %s (set %s.ca_file)", host, why, sec);
		return CURL_FAILURE_UNAVAILABLE;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
		*msg = xasprintf("TLS with %s failed: %s", host, why);
		return CURL_FAILURE_UNAVAILABLE;
	case CURLE_USE_SSL_FAILED:
		*msg = xasprintf("%s does not offer STARTTLS, which "
		    "%s.starttls = required demands: %s", host, sec, why);
		return CURL_FAILURE_UNAVAILABLE;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		*msg = xasprintf("cannot connect to %s: %s", host, why);
		return CURL_FAILURE_UNAVAILABLE;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		if (str_empty(last))
			last = why;
		if (s->user != NULL)
			*msg = xasprintf("authentication as %s at %s failed: "
			    "%s", s->user, host, last);
		else
			*msg = xasprintf("authentication as (no %s.user) at %s "
			    "failed: %s", sec, host, last);
		curl_common_scrub(msg, s->password);
		return CURL_FAILURE_UNAVAILABLE;
	case CURLE_OPERATION_TIMEDOUT:
		*msg = xasprintf("%s timed out: %s", host, why);
		return CURL_FAILURE_TIMEOUT;
	default:
		return CURL_FAILURE_OTHER;
	}
}

void
curl_common_scrub(char **reply, const char *password)
{
	struct buf b;
	const char *p, *hit;
	size_t n;

	if (*reply == NULL || str_empty(password) ||
	    strstr(*reply, password) == NULL)
		return;
	n = strlen(password);
	buf_init(&b);
	for (p = *reply; (hit = strstr(p, password)) != NULL; p = hit + n) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, "********");
	}
	buf_adds(&b, p);
	free(*reply);
	*reply = buf_steal(&b);
}

void
curl_common_printable(struct buf *b, const char *s, size_t n, size_t max)
{
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}
