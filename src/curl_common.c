/*
 * curl_common.c: the server settings, password handling and failure words
 * that SMTP and IMAP through libcurl share.  The password is read once,
 * kept in one allocation and zeroed before it is freed; no message built
 * here contains it.
 */
#include "curl_common.h"

#include <ctype.h>
#include <poll.h>
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

/* The rule on logging in without TLS (see curl_common.h). */
static int
check_plaintext(const struct curl_server_conf *c, bool tls, char **err)
{
	/* libcurl logs in without TLS when STARTTLS is only tried and the
	 * server does not offer it. */
	if (!str_empty(c->user) && !tls && c->starttls != STARTTLS_REQUIRED &&
	    !c->allow_plaintext_auth)
		return set_err(err, "%s.starttls: with %s.user set, %s with "
		    "starttls = %s could send the password without TLS; use "
		    "starttls = required, an %ss:// URL, or set "
		    "allow_plaintext_auth = yes", c->section, c->section,
		    c->url, c->starttls == STARTTLS_OFF ? "off" : "optional",
		    c->scheme);
	return 0;
}

static bool
init_curl(const struct curl_server_conf *c, char **err)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			set_err(err, "%s: libcurl failed to initialise",
			    c->section);
			return false;
		}
		curl_ready = true;
	}
	return true;
}

int
curl_common_check(const struct curl_server_conf *c, bool with_password,
    char **err)
{
	struct curl_server s;

	if (with_password) {
		if (curl_common_open(c, &s, err) != 0)
			return -1;
		curl_common_reset(&s);
		return 0;
	}
	if (!init_curl(c, err) || parse_url(c, &s.host, &s.implicit_tls,
	    err) != 0)
		return -1;
	free(s.host);
	return check_plaintext(c, s.implicit_tls, err);
}

int
curl_common_open(const struct curl_server_conf *c, struct curl_server *s,
    char **err)
{
	char *host = NULL;
	bool tls = false;

	memset(s, 0, sizeof *s);
	s->section = c->section;
	if (!init_curl(c, err) || parse_url(c, &host, &tls, err) != 0)
		return -1;
	if (check_plaintext(c, tls, err) != 0) {
		free(host);
		return -1;
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
curl_common_conf_smtp(const struct config *cfg, struct curl_server_conf *c)
{
	memset(c, 0, sizeof *c);
	c->section = "smtp";
	c->scheme = "smtp";
	c->url = cfg->smtp_url;
	c->starttls = cfg->starttls;
	c->user = cfg->smtp_user;
	c->password_command = cfg->password_command;
	c->password_file = cfg->password_file;
	c->ca_file = cfg->ca_file;
	c->verify_peer = cfg->verify_peer;
	c->allow_plaintext_auth = cfg->allow_plaintext_auth;
	c->timeout = cfg->timeout;
}

void
curl_common_conf_inbox(const struct config *cfg, struct curl_server_conf *c)
{
	memset(c, 0, sizeof *c);
	c->section = "inbox";
	c->scheme = "imap";
	c->url = cfg->inbox_url;
	c->starttls = cfg->inbox_starttls;
	c->user = cfg->inbox_user;
	c->password_command = cfg->inbox_password_command;
	c->password_file = cfg->inbox_password_file;
	c->ca_file = cfg->inbox_ca_file;
	c->verify_peer = cfg->inbox_verify_peer;
	c->allow_plaintext_auth = cfg->inbox_allow_plaintext_auth;
	c->timeout = cfg->inbox_timeout;
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

/* What the debug callback of a probe keeps. */
struct probe_state {
	struct curl_probe	*p;
	const char		*password;
	bool			 smtp;
	bool			 in_ehlo;	/* reading an EHLO reply */
	bool			 ehlo_first;	/* its first line: the name */
	char			*last;		/* the last line received */
};

static void
probe_add_offer(struct curl_probe *p, const char *s, size_t n)
{
	p->offers = xreallocarray(p->offers, p->noffers + 1,
	    sizeof *p->offers);
	p->offers[p->noffers++] = xstrndup(s, n);
}

static void
probe_clear_offers(struct curl_probe *p)
{
	strv_free(p->offers, p->noffers);
	p->offers = NULL;
	p->noffers = 0;
}

/* "* CAPABILITY A B" or "* OK [CAPABILITY A B] ...": the atoms. */
static void
probe_imap_line(struct curl_probe *p, const char *line)
{
	const char *s = strstr(line, "CAPABILITY "), *end;
	size_t n;

	if (s == NULL || (strncmp(line, "* CAPABILITY ", 13) != 0 &&
	    strncmp(line, "* OK [CAPABILITY ", 17) != 0 &&
	    strstr(line, " OK [CAPABILITY ") == NULL))
		return;
	probe_clear_offers(p);
	s += 11;
	end = s + strcspn(s, "]");
	while (s < end) {
		n = strcspn(s, " ]");
		if (s + n > end)
			n = (size_t)(end - s);
		if (n > 0)
			probe_add_offer(p, s, n);
		s += n;
		s += strspn(s, " ");
	}
}

/* One line the server sent (no line end), made printable. */
static void
probe_line(struct probe_state *st, const char *line)
{
	struct curl_probe *p = st->p;

	if (p->greeting == NULL)
		p->greeting = xstrdup(line);
	free(st->last);
	st->last = xstrdup(line);
	if (!st->smtp) {
		probe_imap_line(p, line);
		return;
	}
	if (!st->in_ehlo || strlen(line) < 4 || strncmp(line, "250", 3) != 0)
		return;
	if (line[3] != '-')
		st->in_ehlo = false;
	if (st->ehlo_first)
		st->ehlo_first = false;
	else
		probe_add_offer(p, line + 4, strlen(line + 4));
}

static int
probe_debug(CURL *e, curl_infotype type, char *data, size_t size, void *arg)
{
	struct probe_state *st = arg;
	struct buf b;
	char *line;
	size_t n;

	(void)e;
	if (type == CURLINFO_SSL_DATA_IN)
		st->p->tls = true;
	if (type == CURLINFO_HEADER_OUT && st->smtp && size >= 4 &&
	    (strncasecmp(data, "EHLO", 4) == 0)) {
		/* After STARTTLS the server says again what it offers. */
		probe_clear_offers(st->p);
		st->in_ehlo = true;
		st->ehlo_first = true;
	}
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (size > 0) {
		n = 0;
		while (n < size && data[n] != '\n')
			n++;
		buf_init(&b);
		curl_common_printable(&b, data, n > 0 && data[n - 1] == '\r' ?
		    n - 1 : n, 998);
		line = buf_steal(&b);
		if (line == NULL)
			line = xstrdup("");
		curl_common_scrub(&line, st->password);
		if (*line != '\0')
			probe_line(st, line);
		free(line);
		if (n < size)
			n++;
		data += n;
		size -= n;
	}
	return 0;
}

/* The server certificate's subject, issuer and expiry, when known. */
static char *
probe_certificate(CURL *e)
{
	static const char *const fields[] = { "Subject:", "Issuer:",
	    "Expire date:" };
	struct curl_certinfo *ci = NULL;
	struct curl_slist *l;
	struct buf b;

	if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return NULL;
	buf_init(&b);
	for (size_t i = 0; i < 3; i++)
		for (l = ci->certinfo[0]; l != NULL; l = l->next)
			if (strncmp(l->data, fields[i], strlen(fields[i])) == 0) {
				if (b.len > 0)
					buf_adds(&b, "; ");
				curl_common_printable(&b, l->data,
				    strlen(l->data), 300);
			}
	return buf_steal(&b);
}

/* Whether line is the last of the reply to QUIT or LOGOUT. */
static bool
probe_final(const struct probe_state *st, const char *line)
{
	if (st->smtp)
		return strlen(line) >= 4 && isdigit((unsigned char)line[0]) &&
		    line[3] == ' ';
	return strncmp(line, "Z ", 2) == 0;
}

/*
 * End the session as a client should: QUIT (SMTP) or LOGOUT (IMAP) on
 * the connection libcurl left open, and its reply in p->farewell.  Each
 * wait is bounded by timeout seconds.
 */
static void
probe_quit(CURL *e, struct probe_state *st, long timeout)
{
	const char *cmd = st->smtp ? "QUIT\r\n" : "Z LOGOUT\r\n";
	char data[1024], *line;
	curl_socket_t sock;
	struct pollfd pfd;
	struct buf in, b;
	size_t n, off = 0, len = strlen(cmd), start = 0;
	CURLcode rc;

	if (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
	    sock == CURL_SOCKET_BAD)
		return;
	pfd.fd = sock;
	while (off < len) {
		rc = curl_easy_send(e, cmd + off, len - off, &n);
		if (rc == CURLE_OK)
			off += n;
		else if (rc != CURLE_AGAIN)
			return;
		pfd.events = POLLOUT;
		if (off < len && poll(&pfd, 1, (int)timeout * 1000) <= 0)
			return;
	}
	buf_init(&in);
	for (;;) {
		rc = curl_easy_recv(e, data, sizeof data, &n);
		if (rc == CURLE_AGAIN) {
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)timeout * 1000) <= 0)
				break;
			continue;
		}
		if (rc != CURLE_OK || n == 0 || in.len + n > 65536)
			break;
		buf_add(&in, data, n);
		if (memchr(data, '\n', n) == NULL)
			continue;
		/* The reply is complete when its last line is final. */
		while (in.len > start && (line = memchr(in.data + start, '\n',
		    in.len - start)) != NULL) {
			n = (size_t)(line - in.data) - start;
			if (n > 0 && line[-1] == '\r')
				n--;
			buf_init(&b);
			curl_common_printable(&b, in.data + start, n, 998);
			free(st->p->farewell);
			st->p->farewell = buf_steal(&b);
			if (st->p->farewell == NULL)
				st->p->farewell = xstrdup("");
			start = (size_t)(line - in.data) + 1;
		}
		if (st->p->farewell != NULL && probe_final(st,
		    st->p->farewell))
			break;
	}
	buf_reset(&in);
}

int
curl_common_probe(const struct curl_server_conf *c, struct curl_probe *p,
    char **err)
{
	struct probe_state st;
	struct curl_server s;
	char why[CURL_ERROR_SIZE] = "", *msg = NULL;
	CURLcode rc;
	CURL *e;
	int ret = 0;

	memset(p, 0, sizeof *p);
	if (curl_common_open(c, &s, err) != 0)
		return -1;
	if ((e = curl_easy_init()) == NULL)
		fatal("out of memory starting libcurl");
	memset(&st, 0, sizeof st);
	st.p = p;
	st.password = s.password;
	st.smtp = strcmp(c->scheme, "smtp") == 0;
	p->host = xstrdup(s.host);
	curl_easy_setopt(e, CURLOPT_URL, s.url);
	curl_common_setopt(&s, e);
	/* Connect, TLS and login, then stop: no transfer at all. */
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, probe_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, &st);
	rc = curl_easy_perform(e);
	if (rc == CURLE_OK) {
		p->verified = p->tls && s.verify_peer;
		p->logged_in = s.user != NULL;
		p->certificate = p->tls ? probe_certificate(e) : NULL;
		probe_quit(e, &st, s.timeout);
	} else {
		if (curl_common_failure(&s, rc, why, st.last, &msg) ==
		    CURL_FAILURE_OTHER)
			msg = xasprintf("%s: %s", s.host, str_empty(why) ?
			    curl_easy_strerror(rc) : why);
		*err = msg;
		ret = -1;
	}
	curl_easy_cleanup(e);
	free(st.last);
	curl_common_reset(&s);
	return ret;
}

void
curl_probe_reset(struct curl_probe *p)
{
	free(p->host);
	free(p->greeting);
	strv_free(p->offers, p->noffers);
	free(p->certificate);
	free(p->farewell);
	memset(p, 0, sizeof *p);
}
