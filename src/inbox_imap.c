/*
 * inbox_imap.c: the IMAP (and IMAPS) inbox source through libcurl.  One
 * easy handle serves the whole session, so libcurl keeps one connection
 * and logs in once.  TLS, the login and the password are curl_common.c's.
 *
 * libcurl speaks IMAP through URLs and custom commands: the untagged
 * replies to a custom command reach the write callback as text, and a
 * URL ending in ";UID=N" fetches a message with "UID FETCH N BODY[]".
 * That fetch sets \Seen when the folder is open read-write, and a message
 * that fails processing must stay unseen; libcurl 7.88 cannot take a
 * BODY.PEEK[] literal from a custom command.  So messages are read with
 * the folder opened read-only (a custom EXAMINE: libcurl still sees the
 * folder selected, as it is) and settling opens it read-write again (a
 * custom SELECT).  Should libcurl reconnect for a fetch, it selects the
 * folder read-write on the new connection; the \Seen that fetch set is
 * then taken back at once.
 *
 * Folder names are configured in UTF-8 with '/' between levels; on the
 * wire they are modified UTF-7 with the server's own delimiter (asked with
 * LIST "" ""), quoted in commands and %-encoded in URLs.  The server's
 * last reply line is kept for messages through the debug callback, which
 * never looks at what the client sends beyond its command name: the
 * login goes out there.
 */
#include "inbox_source.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curl_common.h"
#include "text.h"
#include "util.h"

#define IMAP_LINE_MAX	400		/* bytes of a server line kept */

/* How the folder is open on the connection, as far as we know. */
enum folder_mode { FOLDER_UNKNOWN, FOLDER_READ_ONLY, FOLDER_READ_WRITE };

struct imap {
	struct inbox_source base;
	struct curl_server srv;
	CURL		*easy;
	char		*root;		/* "imaps://host:port/" */
	char		*folder_url;	/* root + the folder, %-encoded */
	char		*folder;	/* the folder as a quoted IMAP string */
	char		*processed;	/* inbox.processed_folder, the same */
	enum folder_mode mode;
	bool		 have_move;
	bool		 have_uidplus;
	bool		 processed_ready;	/* exists, or was created */
	unsigned long	*uids;		/* UNSEEN, from the first next() */
	size_t		 nuids;
	size_t		 next;
	bool		 searched;
	struct buf	 reply;		/* untagged replies, or a message */
	bool		 overflow;	/* the reply passed INBOX_MAX_BYTES */
	struct buf	 last;		/* the server's last line */
	bool		 selecting;	/* the last command was libcurl's SELECT */
	bool		 closing;	/* libcurl sent LOGOUT after a failure */
	char		 errbuf[CURL_ERROR_SIZE];
};

/* Modified BASE64 (RFC 3501 5.1.3): ',' instead of '/'. */
static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Append code unit u (16 bits) to the modified BASE64 of b. */
static void
b64_unit(struct buf *b, unsigned u, unsigned long *bits, int *nbits)
{
	*bits = (*bits << 16) | u;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		buf_addc(b, alphabet[(*bits >> *nbits) & 0x3f]);
	}
	*bits &= (1ul << *nbits) - 1;
}

/* The code point of the valid UTF-8 sequence s[0..n). */
static unsigned long
utf8_decode(const unsigned char *s, size_t n)
{
	unsigned long cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1f :
	    n == 3 ? s[0] & 0x0f : s[0] & 0x07;

	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Append the modified UTF-7 of the run of non-ASCII text at *s. */
static void
encode_run(struct buf *b, const unsigned char **s, const unsigned char *end)
{
	unsigned long bits = 0, cp;
	int nbits = 0;
	size_t n;

	buf_addc(b, '&');
	while (*s < end && (**s < 0x20 || **s > 0x7e)) {
		n = text_utf8_seq(*s, (size_t)(end - *s));
		cp = utf8_decode(*s, n);
		*s += n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			b64_unit(b, 0xd800 | (unsigned)(cp >> 10), &bits, &nbits);
			b64_unit(b, 0xdc00 | (unsigned)(cp & 0x3ff), &bits,
			    &nbits);
		} else
			b64_unit(b, (unsigned)cp, &bits, &nbits);
	}
	if (nbits > 0)		/* the last bits, padded with zeros */
		buf_addc(b, alphabet[(bits << (6 - nbits)) & 0x3f]);
	buf_addc(b, '-');
}

char *
inbox_imap_mailbox(const char *name, char delim, char **err)
{
	const unsigned char *s = (const unsigned char *)name;
	const unsigned char *end = s + strlen(name);
	struct buf b;

	if (!text_utf8_valid(name, strlen(name))) {
		set_err(err, "\"%s\" is not valid UTF-8", name);
		return NULL;
	}
	buf_init(&b);
	while (s < end) {
		if (*s < 0x20 || *s > 0x7e)
			encode_run(&b, &s, end);
		else if (*s == '&')
			buf_adds(&b, "&-"), s++;
		else if (*s == '/' && delim != '\0')
			buf_addc(&b, delim), s++;
		else
			buf_addc(&b, (char)*s++);
	}
	return buf_steal(&b);
}

/* s as an IMAP quoted string (caller frees). */
static char *
quoted(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	buf_addc(&b, '"');
	return buf_steal(&b);
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct imap *m = arg;
	size_t n = size * nmemb;

	if (n > INBOX_MAX_BYTES - m->reply.len) {
		m->overflow = true;
		return 0;	/* stops the transfer */
	}
	buf_add(&m->reply, data, n);
	return n;
}

/* Whether the command line data[0..size) (after its tag) starts with
 * verb. */
static bool
is_command(const char *data, size_t size, const char *verb)
{
	const char *sp = memchr(data, ' ', size);
	size_t n = strlen(verb);

	return sp != NULL && size - (size_t)(sp + 1 - data) >= n &&
	    strncmp(sp + 1, verb, n) == 0;
}

/*
 * Keep the server's last line before libcurl gives up on the connection
 * (it logs out after a failure); of what goes out, only whether it is
 * libcurl's SELECT, as a refused SELECT reads as a refused login.
 */
static int
debug_cb(CURL *e, curl_infotype type, char *data, size_t size, void *arg)
{
	struct imap *m = arg;

	(void)e;
	if (m->closing)
		return 0;
	if (type == CURLINFO_HEADER_OUT) {
		if (is_command(data, size, "LOGOUT"))
			m->closing = true;
		else
			m->selecting = is_command(data, size, "SELECT ");
	} else if (type == CURLINFO_HEADER_IN) {
		while (size > 0 && (data[size - 1] == '\n' ||
		    data[size - 1] == '\r'))
			size--;
		if (size == 0)
			return 0;
		buf_reset(&m->last);
		curl_common_printable(&m->last, data, size, IMAP_LINE_MAX);
	}
	return 0;
}

/* Name a failed request (command NULL: a fetch) in *err.  Returns
 * INBOX_UNAVAILABLE when the server could not be reached or the
 * connection broke, else INBOX_ERROR. */
static int
failure(struct imap *m, CURLcode rc, const char *command, char **err)
{
	const char *last = buf_str(&m->last), *host = m->srv.host;
	const char *why = m->errbuf[0] != '\0' ? m->errbuf :
	    curl_easy_strerror(rc);
	char *msg = NULL;
	int result = INBOX_ERROR;

	if (*last == '\0')
		last = why;
	if (rc == CURLE_LOGIN_DENIED && m->selecting)
		msg = xasprintf("%s: cannot open the folder: %s", m->base.name,
		    last);
	else if (curl_common_failure(&m->srv, rc, m->errbuf, last, &msg) !=
	    CURL_FAILURE_OTHER)
		result = INBOX_UNAVAILABLE;
	else if (rc == CURLE_QUOTE_ERROR)
		msg = xasprintf("%s refused \"%s\": %s", host,
		    command != NULL ? command : "FETCH", last);
	else {
		msg = xasprintf("IMAP with %s failed: %s", host, why);
		result = INBOX_UNAVAILABLE;
	}
	curl_common_scrub(&msg, m->srv.password);
	free(*err);
	*err = msg;
	return result;
}

/*
 * One request on the session's connection: url with command (a custom
 * command), or fetch url when command is NULL.  The reply is in
 * m->reply.  Returns 0, or INBOX_ERROR or INBOX_UNAVAILABLE with *err;
 * *rcp (may be NULL) gets libcurl's code.  A fetch of a message that is
 * gone, or larger than INBOX_MAX_BYTES (m->overflow), returns 0: *rcp
 * tells.
 */
static int
request(struct imap *m, const char *url, const char *command, CURLcode *rcp,
    char **err)
{
	CURLcode rc;
	long connects = 0;

	buf_reset(&m->reply);
	buf_reset(&m->last);
	m->overflow = false;
	m->selecting = false;
	m->closing = false;
	m->errbuf[0] = '\0';
	curl_easy_setopt(m->easy, CURLOPT_URL, url);
	curl_easy_setopt(m->easy, CURLOPT_CUSTOMREQUEST, command);
	rc = curl_easy_perform(m->easy);
	/* A new connection has the folder open read-write, or not at all. */
	if (curl_easy_getinfo(m->easy, CURLINFO_NUM_CONNECTS, &connects) ==
	    CURLE_OK && connects > 0)
		m->mode = m->folder_url != NULL && strncmp(url, m->folder_url,
		    strlen(m->folder_url)) == 0 ? FOLDER_READ_WRITE :
		    FOLDER_UNKNOWN;
	if (rcp != NULL)
		*rcp = rc;
	if (rc == CURLE_OK || (command == NULL &&
	    (rc == CURLE_REMOTE_FILE_NOT_FOUND ||
	    (rc == CURLE_WRITE_ERROR && m->overflow))))
		return 0;
	return failure(m, rc, command, err);
}

/* A custom command on url, built from fmt (no secrets: it may end up in
 * a message). */
static int TB_PRINTF(4, 5)
command(struct imap *m, char **err, const char *url, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	rc = request(m, url, cmd, NULL, err);
	free(cmd);
	return rc;
}

/* The next line of the reply text at *p (advanced), or NULL at its end. */
static const char *
next_line(const char **p, size_t *len)
{
	const char *line = *p, *nl;

	if (*line == '\0')
		return NULL;
	nl = strchr(line, '\n');
	*len = nl != NULL ? (size_t)(nl - line) : strlen(line);
	*p = nl != NULL ? nl + 1 : line + *len;
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
	return line;
}

/* Whether a line of the untagged replies starts with prefix (which ends
 * in a space) and, unless word is NULL, has word (case-insensitive) as a
 * whole word after it. */
static bool
reply_has(const struct imap *m, const char *prefix, const char *word)
{
	const char *p = buf_str(&m->reply), *line, *w;
	size_t len, np = strlen(prefix), n = word != NULL ? strlen(word) : 0;

	while ((line = next_line(&p, &len)) != NULL) {
		if (len < np || strncasecmp(line, prefix, np) != 0)
			continue;
		if (word == NULL)
			return true;
		for (w = line + np; w + n <= line + len; w++)
			if (w[-1] == ' ' && strncasecmp(w, word, n) == 0 &&
			    (w + n == line + len || w[n] == ' '))
				return true;
	}
	return false;
}

/* The hierarchy delimiter from the reply to LIST "" "":
 * '* LIST (\Noselect) "." ""', or '\0' for NIL. */
static char
list_delimiter(const struct imap *m)
{
	const char *p = buf_str(&m->reply), *line, *d;
	size_t len;

	while ((line = next_line(&p, &len)) != NULL) {
		if (len < 7 || strncasecmp(line, "* LIST ", 7) != 0 ||
		    (d = memchr(line, ')', len)) == NULL)
			continue;
		if (d + 3 < line + len && d[1] == ' ' && d[2] == '"')
			return d[3] == '\\' ? d[4] : d[3];
		return '\0';
	}
	return '\0';
}

/* Learn what the server can do (MOVE, UIDPLUS) and its delimiter, and
 * set the folder names up from cfg. */
static int
setup(struct imap *m, const struct config *cfg, char **err)
{
	char *folder, *processed, *escaped;
	char delim;
	int rc;

	if ((rc = command(m, err, m->root, "CAPABILITY")) != 0)
		return rc;
	m->have_move = reply_has(m, "* CAPABILITY ", "MOVE");
	m->have_uidplus = reply_has(m, "* CAPABILITY ", "UIDPLUS");
	if ((rc = command(m, err, m->root, "LIST \"\" \"\"")) != 0)
		return rc;
	delim = list_delimiter(m);
	if ((folder = inbox_imap_mailbox(cfg->inbox_folder, delim,
	    err)) == NULL)
		return prefix_err(err, "inbox.folder");
	if ((processed = inbox_imap_mailbox(cfg->inbox_processed_folder, delim,
	    err)) == NULL) {
		free(folder);
		return prefix_err(err, "inbox.processed_folder");
	}
	if ((escaped = curl_easy_escape(m->easy, folder, 0)) == NULL)
		fatal("out of memory escaping a folder name");
	m->folder_url = xasprintf("%s%s", m->root, escaped);
	curl_free(escaped);
	m->folder = quoted(folder);
	m->processed = quoted(processed);
	free(folder);
	free(processed);
	return 0;
}

static const struct inbox_source_ops imap_ops;

int
inbox_imap_open(const struct config *cfg, struct inbox_source **out,
    char **err)
{
	const struct curl_server_conf conf = {
		.section = "inbox", .scheme = "imap", .url = cfg->inbox_url,
		.starttls = cfg->inbox_starttls, .user = cfg->inbox_user,
		.password_command = cfg->inbox_password_command,
		.password_file = cfg->inbox_password_file,
		.ca_file = cfg->inbox_ca_file,
		.verify_peer = cfg->inbox_verify_peer,
		.allow_plaintext_auth = cfg->inbox_allow_plaintext_auth,
		.timeout = cfg->inbox_timeout
	};
	struct imap *m;
	size_t n;
	int rc;

	m = xcalloc(1, sizeof *m);
	m->base.ops = &imap_ops;
	buf_init(&m->reply);
	buf_init(&m->last);
	if (curl_common_open(&conf, &m->srv, err) != 0) {
		free(m);
		return INBOX_ERROR;
	}
	n = strlen(m->srv.url);
	while (n > 0 && m->srv.url[n - 1] == '/')
		n--;
	m->root = xasprintf("%.*s/", (int)n, m->srv.url);
	m->base.name = xasprintf("%s%s", m->root, cfg->inbox_folder);
	if ((m->easy = curl_easy_init()) == NULL)
		fatal("out of memory creating a libcurl handle");
	curl_common_setopt(&m->srv, m->easy);
	curl_easy_setopt(m->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(m->easy, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(m->easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(m->easy, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(m->easy, CURLOPT_DEBUGDATA, m);
	curl_easy_setopt(m->easy, CURLOPT_ERRORBUFFER, m->errbuf);
	if ((rc = setup(m, cfg, err)) != 0) {
		free(m->base.name);
		imap_ops.close(&m->base);
		return rc;
	}
	*out = &m->base;
	return INBOX_OK;
}

/* Open the folder read-only (to read without setting \Seen) or
 * read-write (to settle), unless it is open so already. */
static int
open_folder(struct imap *m, enum folder_mode mode, char **err)
{
	int rc;

	if (m->mode == mode)
		return 0;
	rc = command(m, err, m->folder_url, "%s %s",
	    mode == FOLDER_READ_ONLY ? "EXAMINE" : "SELECT", m->folder);
	m->mode = rc == 0 ? mode : FOLDER_UNKNOWN;
	return rc;
}

/* The UIDs of the folder's unseen messages, in ascending order. */
static int
search(struct imap *m, char **err)
{
	const char *p, *line;
	char *end;
	size_t len, cap = 0;
	unsigned long uid;
	int rc;

	m->searched = true;
	if ((rc = open_folder(m, FOLDER_READ_ONLY, err)) != 0 ||
	    (rc = command(m, err, m->folder_url,
	    "UID SEARCH UNSEEN UNDELETED")) != 0)
		return rc;
	p = buf_str(&m->reply);
	while ((line = next_line(&p, &len)) != NULL) {
		if (len < 8 || strncasecmp(line, "* SEARCH", 8) != 0)
			continue;
		for (const char *s = line + 8; s < line + len; s = end) {
			while (s < line + len && *s == ' ')
				s++;
			if (s == line + len || !isdigit((unsigned char)*s))
				break;
			uid = strtoul(s, &end, 10);
			if (m->nuids == cap) {
				cap = cap ? 2 * cap : 64;
				m->uids = xreallocarray(m->uids, cap,
				    sizeof *m->uids);
			}
			m->uids[m->nuids++] = uid;
		}
	}
	return 0;
}

/* The size the reply to UID FETCH uid (RFC822.SIZE) gives uid, or -1
 * when the message is gone. */
static long long
fetched_size(const struct imap *m, unsigned long uid)
{
	const char *p = buf_str(&m->reply), *line, *u, *sz;
	size_t len;
	char *copy;
	long long size = -1;

	while (size < 0 && (line = next_line(&p, &len)) != NULL) {
		copy = xstrndup(line, len);
		if ((u = strstr(copy, "UID ")) != NULL &&
		    strtoul(u + 4, NULL, 10) == uid &&
		    (sz = strstr(copy, "RFC822.SIZE ")) != NULL)
			size = strtoll(sz + 12, NULL, 10);
		free(copy);
	}
	return size;
}

/* Read message uid into item without setting \Seen.  Returns 1, 0 when
 * it is gone, or INBOX_ERROR or INBOX_UNAVAILABLE. */
static int
fetch(struct imap *m, unsigned long uid, struct inbox_item *item,
    char **err)
{
	long long size;
	char *url;
	CURLcode rc;
	int r;

	if ((r = open_folder(m, FOLDER_READ_ONLY, err)) != 0 ||
	    (r = command(m, err, m->folder_url, "UID FETCH %lu (RFC822.SIZE)",
	    uid)) != 0)
		return r;
	if ((size = fetched_size(m, uid)) < 0)
		return 0;
	item->id = xasprintf("%lu", uid);
	item->size = (size_t)size;
	if ((unsigned long long)size > INBOX_MAX_BYTES) {
		item->too_big = true;
		return 1;
	}
	url = xasprintf("%s/;UID=%lu", m->folder_url, uid);
	r = request(m, url, NULL, &rc, err);
	free(url);
	if (r == 0 && rc == CURLE_OK) {
		item->len = m->reply.len;
		item->data = buf_steal(&m->reply);
	} else if (r == 0 && m->overflow)
		item->too_big = true;	/* the server said less */
	/* A reconnect selected the folder read-write: unset what it set. */
	if (r == 0 && rc != CURLE_REMOTE_FILE_NOT_FOUND &&
	    m->mode == FOLDER_READ_WRITE)
		r = command(m, err, m->folder_url,
		    "UID STORE %lu -FLAGS.SILENT (\\Seen)", uid);
	if (r != 0 || rc == CURLE_REMOTE_FILE_NOT_FOUND) {
		inbox_item_reset(item);
		return r;	/* 0: it is gone */
	}
	return 1;
}

static int
imap_next(struct inbox_source *base, struct inbox_item *item, char **err)
{
	struct imap *m = (struct imap *)base;
	int rc;

	if (!m->searched && (rc = search(m, err)) != 0)
		return rc;
	while (m->next < m->nuids)
		if ((rc = fetch(m, m->uids[m->next++], item, err)) != 0)
			return rc;
	return 0;
}

/* Make sure inbox.processed_folder exists, once a session. */
static int
processed_ready(struct imap *m, char **err)
{
	char *ignored = NULL;
	int rc;

	if (m->processed_ready)
		return 0;

	if ((rc = command(m, err, m->root, "LIST \"\" %s", m->processed)) != 0)
		return rc;
	if (!reply_has(m, "* LIST ", NULL)) {
		if ((rc = command(m, err, m->root, "CREATE %s",
		    m->processed)) != 0) {
			prefix_err(err, "inbox.processed_folder");
			return rc;
		}
		/* So that mail clients show it; it does not matter if not. */
		command(m, &ignored, m->root, "SUBSCRIBE %s", m->processed);
		free(ignored);
	}
	m->processed_ready = true;
	return 0;
}

/* The UID of an item this source handed out, or 0. */
static unsigned long
item_uid(const struct inbox_item *item)
{
	char *end;
	unsigned long uid;

	if (!isdigit((unsigned char)item->id[0]))
		return 0;
	errno = 0;
	uid = strtoul(item->id, &end, 10);
	return errno == 0 && *end == '\0' ? uid : 0;
}

static int
imap_done(struct inbox_source *base, const struct inbox_item *item,
    char **err)
{
	struct imap *m = (struct imap *)base;
	const char *url = m->folder_url;
	unsigned long uid = item_uid(item);
	int rc;

	if (uid == 0)
		return set_err(err, "%s: \"%s\" is not one of its messages",
		    base->name, item->id);
	if ((rc = open_folder(m, FOLDER_READ_WRITE, err)) != 0 ||
	    (rc = processed_ready(m, err)) != 0 ||
	    (rc = command(m, err, url, "UID STORE %lu +FLAGS.SILENT (\\Seen)",
	    uid)) != 0)
		return rc;
	if (m->have_move)
		return command(m, err, url, "UID MOVE %lu %s", uid,
		    m->processed);
	if ((rc = command(m, err, url, "UID COPY %lu %s", uid,
	    m->processed)) != 0 ||
	    (rc = command(m, err, url, "UID STORE %lu +FLAGS.SILENT "
	    "(\\Deleted)", uid)) != 0)
		return rc;
	/* Without UIDPLUS, EXPUNGE would take every \Deleted message of the
	 * folder, others' too: the copy stays, marked deleted. */
	if (m->have_uidplus)
		return command(m, err, url, "UID EXPUNGE %lu", uid);
	return 0;
}

static void
imap_close(struct inbox_source *base)
{
	struct imap *m = (struct imap *)base;

	/* Closing the connection sends LOGOUT. */
	if (m->easy != NULL)
		curl_easy_cleanup(m->easy);
	curl_common_reset(&m->srv);
	buf_reset(&m->reply);
	buf_reset(&m->last);
	free(m->root);
	free(m->folder_url);
	free(m->folder);
	free(m->processed);
	free(m->uids);
	free(m);
}

static const struct inbox_source_ops imap_ops = {
	imap_next, imap_done, imap_close
};
