/*
 * transport_smtp.c: SMTP submission through libcurl (the server settings,
 * the password and TLS through curl_common.c).
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

#include "address.h"
#include "curl_common.h"
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
	bool			 quitting;	/* QUIT sent: replies ignored */
	struct buf		 last;		/* the server's last reply line */
	struct buf		 rejected;	/* recipients refused, and why */
	char			 errbuf[CURL_ERROR_SIZE];
};

struct smtp {
	struct transport base;
	CURLM		*multi;
	struct session	*sessions;	/* created at the first send */
	size_t		 nsessions;
	struct curl_server srv;	/* url, host, user, password, TLS */
};

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
	const struct curl_server_conf conf = {
		.section = "smtp", .scheme = "smtp", .url = cfg->smtp_url,
		.starttls = cfg->starttls, .user = cfg->smtp_user,
		.password_command = cfg->password_command,
		.password_file = cfg->password_file, .ca_file = cfg->ca_file,
		.verify_peer = cfg->verify_peer,
		.allow_plaintext_auth = cfg->allow_plaintext_auth,
		.timeout = cfg->timeout
	};
	struct smtp *t;

	t = xcalloc(1, sizeof *t);
	t->base.ops = &smtp_ops;
	if (curl_common_open(&conf, &t->srv, err) != 0) {
		free(t);
		return NULL;
	}
	t->nsessions = cfg->connections < 1 ? 1 :
	    cfg->connections > 16 ? 16 : (size_t)cfg->connections;
	return &t->base;
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
	else if (has_prefix(data, size, "QUIT"))
		s->quitting = true;
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

	/* libcurl closes a connection after a refusal with QUIT before it
	 * reports the transfer: "221 Bye" must not hide the refusal. */
	if (s->quitting)
		return;
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	if (size >= 4 && data[3] == '-')	/* "250-...": more follows */
		return;
	buf_reset(&s->last);
	curl_common_printable(&s->last, data, size, SMTP_LINE_MAX);
	if (s->phase == PHASE_RCPT && s->nrcpt_sent > 0 &&
	    s->nrcpt_sent <= m->nrcpt && s->job->rcpt != NULL) {
		struct transport_rcpt *r = &s->job->rcpt[s->nrcpt_sent - 1];

		free(r->reply);
		r->reply = xstrdup(buf_str(&s->last));
		r->code = size >= 3 ? atoi(buf_str(&s->last)) : 0;
	}
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

	s->t = t;
	buf_init(&s->last);
	buf_init(&s->rejected);
	if ((s->easy = e = curl_easy_init()) == NULL)
		fatal("out of memory creating a libcurl handle");
	curl_easy_setopt(e, CURLOPT_URL, t->srv.url);
	curl_common_setopt(&t->srv, e);
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
	job->rcpt = xcalloc(m->nrcpt, sizeof *job->rcpt);
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
	s->quitting = false;
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
	const char *host = s->t->srv.host, *last = buf_str(&s->last);

	switch (curl_common_failure(&s->t->srv, rc, s->errbuf, last, reply)) {
	case CURL_FAILURE_UNAVAILABLE:
		return TRANSPORT_UNAVAILABLE;
	case CURL_FAILURE_TIMEOUT:
		/* Each message would wait as long again: the server is not
		 * tried again this run (the message is deferred). */
		return TRANSPORT_UNAVAILABLE;
	case CURL_FAILURE_OTHER:
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

/* A server that wants a login touchbase was not configured to give
 * (530, or 5.7.0 "Authentication required" at MAIL FROM). */
static bool
auth_required(long code, const char *last)
{
	return code == 530 || strcasestr(last, "authentication required") !=
	    NULL;
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
		    "replied; it may have been delivered: %s", s->t->srv.host,
		    why(s, rc));
		/* A stall is no reason to wait for the server again. */
		return rc == CURLE_OPERATION_TIMEDOUT ? TRANSPORT_UNAVAILABLE :
		    TRANSPORT_DEFER;
	}
	/* No message can go until the configuration changes: every one is
	 * deferred, none failed. */
	if (s->phase == PHASE_MAIL && code >= 500 && code < 600 &&
	    auth_required(code, last)) {
		*reply = xasprintf("%s requires authentication: %s (set "
		    "smtp.user and smtp.password_command or "
		    "smtp.password_file)", s->t->srv.host, last);
		return TRANSPORT_UNAVAILABLE;
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

static void
session_finish(struct session *s, CURLcode rc)
{
	struct transport_job *job = s->job;

	curl_multi_remove_handle(s->t->multi, s->easy);
	job->result = classify(s, rc, &job->reply);
	curl_common_scrub(&job->reply, s->t->srv.password);
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
	job.reply = NULL;
	transport_job_reset(&job);
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
	curl_common_reset(&t->srv);
	free(t);
}
