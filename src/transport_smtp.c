/*
 * transport_smtp.c: SMTP submission through libcurl, the only module that
 * includes curl/curl.h.
 *
 * Each of up to smtp.connections sessions owns one easy handle; batches run
 * through one multi handle whose connection cache keeps the SMTP
 * connections open between messages (and between batches).  Server replies
 * are captured through the debug callback, which never records what the
 * client sends: that includes AUTH.  The password is obtained once, at
 * open, and zeroed when the transport is closed.
 */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "address.h"
#include "child.h"
#include "file.h"
#include "util.h"

/* libcurl 7.88 (Debian 12) spells the option with three Ls. */
#if defined(HAVE_DECL_CURLOPT_MAIL_RCPT_ALLOWFAILS) && \
    HAVE_DECL_CURLOPT_MAIL_RCPT_ALLOWFAILS
#define SMTP_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLOWFAILS
#elif defined(HAVE_DECL_CURLOPT_MAIL_RCPT_ALLLOWFAILS) && \
    HAVE_DECL_CURLOPT_MAIL_RCPT_ALLLOWFAILS
#define SMTP_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

#define SMTP_LINE_MAX	400		/* bytes of a server line kept */
#define SMTP_SECRET_MAX	4096		/* password command output or file */

/* Where the SMTP dialogue got to, from the commands libcurl sent. */
enum smtp_phase { PHASE_SESSION, PHASE_MAIL, PHASE_RCPT, PHASE_DATA };

struct smtp;
struct session {
	struct smtp		*t;
	CURL			*easy;
	struct transport_job	*job;		/* NULL when idle */
	struct curl_slist	*rcpt;
	size_t			 off;		/* message bytes given to curl */
	enum smtp_phase		 phase;
	size_t			 nrcpt_sent;
	struct buf		 last;		/* the server's last reply line */
	struct buf		 rejected;	/* recipients refused, and why */
	char			 errbuf[CURL_ERROR_SIZE];
};

struct smtp {
	struct transport base;
	CURLM		*multi;
	struct session	*sessions;	/* created at the first send */
	size_t		 nsessions;
	char		*url;
	char		*host;		/* for messages */
	char		*user;
	char		*password;	/* zeroed before it is freed */
	char		*ca_file;
	enum starttls_mode starttls;
	bool		 verify_peer;
	long		 timeout;
};

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

/* Run smtp.password_command without a shell, for at most timeout
 * seconds; the first line it prints is the password.  Errors name the
 * command, never what it printed. */
static char *
password_from_command(const char *command, int timeout, char **err)
{
	struct child_opts opts = { NULL, 0, CHILD_CAPTURE, CHILD_INHERIT,
	    SMTP_SECRET_MAX - 1, timeout };
	struct child_result r;
	char **argv, *password = NULL;
	int rc;

	if ((argv = transport_command_split(command, err)) == NULL) {
		prefix_err(err, "smtp.password_command");
		return NULL;
	}
	rc = child_run(argv, &opts, &r, err);
	transport_command_free(argv);
	if (rc != 0) {
		prefix_err(err, "smtp.password_command");
		return NULL;
	}
	if (r.end == CHILD_SIGNALED)
		set_err(err, "smtp.password_command \"%s\" was killed by "
		    "signal %d", command, r.code);
	else if (r.end == CHILD_TIMEDOUT)
		set_err(err, "smtp.password_command \"%s\" did not finish "
		    "within %d seconds", command, timeout);
	else if (r.code != 0)
		set_err(err, "smtp.password_command \"%s\" exited with "
		    "status %d", command, r.code);
	else if ((password = first_line_secret(r.out)) == NULL)
		set_err(err, "smtp.password_command \"%s\" printed no password",
		    command);
	child_result_reset(&r);
	return password;
}

/* The first line of smtp.password_file, read without stdio buffers. */
static char *
password_from_file(const char *path, char **err)
{
	char *secret, *password = NULL;
	size_t n;

	if ((secret = file_read(path, SMTP_SECRET_MAX - 1, FILE_SECRET |
	    FILE_TRUNCATE, &n, NULL, err)) == NULL) {
		prefix_err(err, "smtp.password_file");
		return NULL;
	}
	if ((password = first_line_secret(secret)) == NULL)
		set_err(err, "smtp.password_file: %s: the first line is empty",
		    path);
	explicit_bzero(secret, n);
	free(secret);
	return password;
}

/* Check smtp.url; set *host and whether it is smtps://. */
static int
parse_url(const char *url, char **host, bool *smtps, char **err)
{
	CURLU *u;
	char *scheme = NULL, *h = NULL, *user = NULL;
	int rc = -1;

	if (str_empty(url))
		return set_err(err, "smtp.url is not set");
	if ((u = curl_url()) == NULL)
		fatal("out of memory parsing a URL");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		set_err(err, "smtp.url: \"%s\" is not a URL", url);
	else if (strcasecmp(scheme, "smtp") != 0 &&
	    strcasecmp(scheme, "smtps") != 0)
		set_err(err, "smtp.url: \"%s\": the scheme must be smtp:// or "
		    "smtps://", url);
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		set_err(err, "smtp.url: put the user name in smtp.user and the "
		    "password in smtp.password_command or smtp.password_file, "
		    "not in the URL");
	else {
		*host = xstrdup(h);
		*smtps = strcasecmp(scheme, "smtps") == 0;
		rc = 0;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

static enum transport_result smtp_send(struct transport *,
    const struct transport_message *, char **);
static void smtp_send_batch(struct transport *, struct transport_job *,
    size_t);
static void smtp_close(struct transport *);

static const struct transport_ops smtp_ops = {
	"smtp", smtp_send, smtp_send_batch, smtp_close
};

/*
 * Open the SMTP transport from cfg's [smtp] keys: check the URL, refuse an
 * AUTH that could go out without TLS, and get the password (running
 * smtp.password_command or reading smtp.password_file) now, once.  No
 * connection is made until the first send.  Returns the transport (free
 * with transport_close), or NULL with *err naming the key at fault.
 */
struct transport *
transport_smtp_open(const struct config *cfg, char **err)
{
	struct smtp *t;
	char *host = NULL;
	bool smtps = false;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			set_err(err, "smtp: libcurl failed to initialise");
			return NULL;
		}
		curl_ready = true;
	}
	if (parse_url(cfg->smtp_url, &host, &smtps, err) != 0)
		return NULL;
	/* libcurl sends AUTH in the clear when STARTTLS is only tried and
	 * the server does not offer it. */
	if (!str_empty(cfg->smtp_user) && !smtps &&
	    cfg->starttls != STARTTLS_REQUIRED && !cfg->allow_plaintext_auth) {
		set_err(err, "smtp: with smtp.user set, %s with starttls = %s "
		    "could send the password without TLS; use starttls = "
		    "required, an smtps:// URL, or set allow_plaintext_auth = "
		    "yes", cfg->smtp_url,
		    cfg->starttls == STARTTLS_OFF ? "off" : "optional");
		free(host);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->base.ops = &smtp_ops;
	t->host = host;
	if (!str_empty(cfg->smtp_user)) {
		if (!str_empty(cfg->password_command))
			t->password = password_from_command(
			    cfg->password_command, transport_timeout(cfg),
			    err);
		else if (!str_empty(cfg->password_file))
			t->password = password_from_file(cfg->password_file,
			    err);
		else
			set_err(err, "smtp.user is set but neither "
			    "smtp.password_command nor smtp.password_file");
		if (t->password == NULL) {
			smtp_close(&t->base);
			return NULL;
		}
		t->user = xstrdup(cfg->smtp_user);
	}
	t->url = xstrdup(cfg->smtp_url);
	t->ca_file = xstrdup(cfg->ca_file);
	t->starttls = smtps ? STARTTLS_REQUIRED : cfg->starttls;
	t->verify_peer = cfg->verify_peer;
	t->timeout = cfg->timeout > 0 ? cfg->timeout : 30;
	t->nsessions = cfg->connections < 1 ? 1 :
	    cfg->connections > 16 ? 16 : (size_t)cfg->connections;
	return &t->base;
}

/* Append server text to b with control characters made harmless. */
static void
add_printable(struct buf *b, const char *s, size_t n)
{
	if (n > SMTP_LINE_MAX)
		n = SMTP_LINE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

static bool
has_prefix(const char *data, size_t size, const char *prefix)
{
	size_t n = strlen(prefix);

	return size >= n && strncasecmp(data, prefix, n) == 0;
}

/* Note which command went out; nothing of it is kept. */
static void
note_command(struct session *s, const char *data, size_t size)
{
	if (has_prefix(data, size, "MAIL FROM:"))
		s->phase = PHASE_MAIL;
	else if (has_prefix(data, size, "RCPT TO:")) {
		s->phase = PHASE_RCPT;
		s->nrcpt_sent++;
	} else if (has_prefix(data, size, "DATA") &&
	    (size == 4 || data[4] == '\r' || data[4] == '\n'))
		s->phase = PHASE_DATA;
}

/* Keep the last line of a server reply, and each refused recipient. */
static void
note_reply(struct session *s, const char *data, size_t size)
{
	const struct transport_message *m = &s->job->msg;

	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	if (size >= 4 && data[3] == '-')	/* "250-...": more follows */
		return;
	buf_reset(&s->last);
	add_printable(&s->last, data, size);
	if (s->phase == PHASE_RCPT && size > 0 && data[0] != '2' &&
	    s->nrcpt_sent > 0 && s->nrcpt_sent <= m->nrcpt) {
		if (s->rejected.len > 0)
			buf_adds(&s->rejected, "; ");
		buf_printf(&s->rejected, "<%s> %s", m->rcpt[s->nrcpt_sent - 1],
		    buf_str(&s->last));
	}
}

static int
debug_cb(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
	struct session *s = arg;
	char *nl;

	(void)easy;
	if (s->job == NULL)	/* QUIT while closing */
		return 0;
	if (type == CURLINFO_HEADER_OUT)
		note_command(s, data, size);
	else if (type == CURLINFO_HEADER_IN) {
		/* Normally one line per call; split in case of more. */
		while (size > 0 && (nl = memchr(data, '\n', size)) != NULL &&
		    (size_t)(nl - data) + 1 < size) {
			note_reply(s, data, (size_t)(nl - data) + 1);
			size -= (size_t)(nl - data) + 1;
			data = nl + 1;
		}
		if (size > 0)
			note_reply(s, data, size);
	}
	return 0;
}

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct session *s = arg;
	const struct transport_message *m = &s->job->msg;
	size_t n = size * nmemb;

	if (n > m->len - s->off)
		n = m->len - s->off;
	memcpy(dst, m->data + s->off, n);
	s->off += n;
	return n;
}

/* The options every message of a session shares. */
static void
session_init(struct smtp *t, struct session *s)
{
	CURL *e;
	long usessl;

	s->t = t;
	buf_init(&s->last);
	buf_init(&s->rejected);
	if ((s->easy = e = curl_easy_init()) == NULL)
		fatal("out of memory creating a libcurl handle");
	usessl = t->starttls == STARTTLS_REQUIRED ? (long)CURLUSESSL_ALL :
	    t->starttls == STARTTLS_OPTIONAL ? (long)CURLUSESSL_TRY :
	    (long)CURLUSESSL_NONE;
	curl_easy_setopt(e, CURLOPT_URL, t->url);
	curl_easy_setopt(e, CURLOPT_USE_SSL, usessl);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, t->verify_peer ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, t->verify_peer ? 2L : 0L);
	if (t->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
	if (t->user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, t->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, t->password);
	}
	/* A stalled server must not hang a cron job. */
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, t->timeout);
	curl_easy_setopt(e, CURLOPT_SERVER_RESPONSE_TIMEOUT, t->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, t->timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 4 * t->timeout);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, s);
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
#ifdef SMTP_RCPT_ALLOWFAILS
	curl_easy_setopt(e, SMTP_RCPT_ALLOWFAILS, 1L);
#endif
}

/*
 * libcurl puts envelope addresses on the wire as they are: only what the
 * address rule accepts goes, so no address can add an SMTP command.
 */
static int
check_envelope(const struct transport_message *m, char **reply)
{
	if (address_check("invalid envelope sender", m->from, reply) != 0)
		return -1;
	if (m->nrcpt == 0) {
		*reply = xstrdup("no recipients");
		return -1;
	}
	for (size_t i = 0; i < m->nrcpt; i++)
		if (address_check("invalid envelope recipient", m->rcpt[i],
		    reply) != 0)
			return -1;
	return 0;
}

/* Hand job to the session's handle; false when the job failed at once. */
static bool
session_start(struct session *s, struct transport_job *job)
{
	const struct transport_message *m = &job->msg;
	char *from;

	job->reply = NULL;
	if (check_envelope(m, &job->reply) != 0) {
		job->result = TRANSPORT_FAIL;
		return false;
	}
	for (size_t i = 0; i < m->nrcpt; i++) {
		char *r = xasprintf("<%s>", m->rcpt[i]);
		struct curl_slist *l = curl_slist_append(s->rcpt, r);

		free(r);
		if (l == NULL)
			fatal("out of memory building the recipient list");
		s->rcpt = l;
	}
	s->job = job;
	s->off = 0;
	s->phase = PHASE_SESSION;
	s->nrcpt_sent = 0;
	s->errbuf[0] = '\0';
	buf_reset(&s->last);
	buf_reset(&s->rejected);
	from = xasprintf("<%s>", m->from);
	curl_easy_setopt(s->easy, CURLOPT_MAIL_FROM, from);
	free(from);
	curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(s->easy, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)m->len);
	if (curl_multi_add_handle(s->t->multi, s->easy) != CURLM_OK)
		fatal("curl_multi_add_handle failed");
	return true;
}

/* libcurl's description of what went wrong. */
static const char *
why(const struct session *s, CURLcode rc)
{
	return s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(rc);
}

/* A failure before or outside the server's replies to the message:
 * connecting, TLS, AUTH, timeouts. */
static enum transport_result
classify_error(const struct session *s, CURLcode rc, long code,
    char **reply)
{
	const char *host = s->t->host, *last = buf_str(&s->last);

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		*reply = xasprintf("TLS certificate of %s could not be "
		    "verified: %s (set smtp.ca_file)", host, why(s, rc));
		return TRANSPORT_UNAVAILABLE;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
		*reply = xasprintf("TLS with %s failed: %s", host, why(s, rc));
		return TRANSPORT_UNAVAILABLE;
	case CURLE_USE_SSL_FAILED:
		*reply = xasprintf("%s does not offer STARTTLS, which "
		    "smtp.starttls = required demands: %s", host, why(s, rc));
		return TRANSPORT_UNAVAILABLE;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		*reply = xasprintf("cannot connect to %s: %s", host,
		    why(s, rc));
		return TRANSPORT_UNAVAILABLE;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		*reply = xasprintf("authentication as %s at %s failed: %s",
		    s->t->user != NULL ? s->t->user : "(no smtp.user)", host,
		    *last != '\0' ? last : why(s, rc));
		return TRANSPORT_UNAVAILABLE;
	case CURLE_OPERATION_TIMEDOUT:
		*reply = xasprintf("%s timed out: %s", host, why(s, rc));
		return TRANSPORT_DEFER;
	default:
		break;
	}
	/* e.g. 554 or 421 instead of a greeting */
	if (code >= 400 && code < 600) {
		*reply = xasprintf("%s refused the session: %s", host,
		    *last != '\0' ? last : why(s, rc));
		return code < 500 ? TRANSPORT_DEFER : TRANSPORT_UNAVAILABLE;
	}
	*reply = xasprintf("connection to %s failed: %s", host, why(s, rc));
	return TRANSPORT_DEFER;
}

/* Map the end of a transfer to a result and a reply (allocated). */
static enum transport_result
classify(const struct session *s, CURLcode rc, char **reply)
{
	const char *last = buf_str(&s->last);
	long code = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		if (s->rejected.len > 0)
			*reply = xasprintf("%s (refused: %s)", last,
			    buf_str(&s->rejected));
		else
			*reply = xstrdup(last);
		return TRANSPORT_SENT;
	}
	/* The server has the whole message but never said what it did. */
	if (s->phase == PHASE_DATA && code == 354 &&
	    s->off == s->job->msg.len) {
		*reply = xasprintf("unknown outcome: the connection to %s was "
		    "lost after the message was sent, before the server "
		    "replied; it may have been delivered: %s", s->t->host,
		    why(s, rc));
		return TRANSPORT_DEFER;
	}
	if (s->phase != PHASE_SESSION && code >= 400 && code < 600) {
		if (s->phase == PHASE_RCPT && s->rejected.len > 0)
			*reply = xasprintf("refused: %s",
			    buf_str(&s->rejected));
		else
			*reply = xstrdup(*last != '\0' ? last : why(s, rc));
		return code < 500 ? TRANSPORT_DEFER : TRANSPORT_FAIL;
	}
	return classify_error(s, rc, code, reply);
}

/* Replace every copy of the password in *reply, should a server echo it. */
static void
scrub(char **reply, const char *password)
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

static void
session_finish(struct session *s, CURLcode rc)
{
	struct transport_job *job = s->job;

	curl_multi_remove_handle(s->t->multi, s->easy);
	job->result = classify(s, rc, &job->reply);
	scrub(&job->reply, s->t->password);
	curl_slist_free_all(s->rcpt);
	s->rcpt = NULL;
	s->job = NULL;
	buf_reset(&s->last);
	buf_reset(&s->rejected);
}

static void
make_sessions(struct smtp *t)
{
	if (t->sessions != NULL)
		return;
	if ((t->multi = curl_multi_init()) == NULL)
		fatal("out of memory creating a libcurl multi handle");
	/* At most `connections` connections, kept open between messages. */
	curl_multi_setopt(t->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)t->nsessions);
	curl_multi_setopt(t->multi, CURLMOPT_MAXCONNECTS, (long)t->nsessions);
	t->sessions = xcalloc(t->nsessions, sizeof *t->sessions);
	for (size_t i = 0; i < t->nsessions; i++)
		session_init(t, &t->sessions[i]);
}

/* Give s the next job that can start; returns whether one did. */
static bool
take_job(struct session *s, struct transport_job *jobs, size_t n,
    size_t *next)
{
	while (*next < n)
		if (session_start(s, &jobs[(*next)++]))
			return true;
	return false;
}

static void
smtp_send_batch(struct transport *base, struct transport_job *jobs, size_t n)
{
	struct smtp *t = (struct smtp *)base;
	size_t next = 0, running = 0;
	struct session *s;
	CURLMsg *msg;
	char *priv;
	int still, left;

	make_sessions(t);
	for (size_t i = 0; i < t->nsessions; i++)
		if (take_job(&t->sessions[i], jobs, n, &next))
			running++;
	while (running > 0) {
		if (curl_multi_perform(t->multi, &still) != CURLM_OK)
			fatal("curl_multi_perform failed");
		while ((msg = curl_multi_info_read(t->multi, &left)) != NULL) {
			CURLcode rc = msg->data.result;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    &priv);
			s = (struct session *)priv;
			session_finish(s, rc);
			running--;
			if (take_job(s, jobs, n, &next))
				running++;
		}
		if (running > 0 &&
		    curl_multi_poll(t->multi, NULL, 0, 1000, NULL) != CURLM_OK)
			fatal("curl_multi_poll failed");
	}
}

static enum transport_result
smtp_send(struct transport *base, const struct transport_message *m,
    char **reply)
{
	struct transport_job job;

	memset(&job, 0, sizeof job);
	job.msg = *m;
	smtp_send_batch(base, &job, 1);
	*reply = job.reply;
	return job.result;
}

static void
smtp_close(struct transport *base)
{
	struct smtp *t = (struct smtp *)base;

	/* Closing the cached connections sends QUIT. */
	if (t->multi != NULL)
		curl_multi_cleanup(t->multi);
	for (size_t i = 0; t->sessions != NULL && i < t->nsessions; i++) {
		curl_easy_cleanup(t->sessions[i].easy);
		buf_reset(&t->sessions[i].last);
		buf_reset(&t->sessions[i].rejected);
	}
	free(t->sessions);
	free(t->url);
	free(t->host);
	free(t->user);
	free_secret(t->password);
	free(t->ca_file);
	free(t);
}
