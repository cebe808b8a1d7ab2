/*
 * check_transport.c: the SMTP transport against a real SMTP server
 * (tests/smtp_server.py on aiosmtpd) and the sendmail transport against a
 * stub command written by the test.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_suite.h"
#include "config.h"
#include "file.h"
#include "transport.h"
#include "util.h"

#define PASSWORD	"s3cret-Pa55word"
#define SERVER_WAIT_MS	15000

static char tmp[64], spool[128], cert[128], key[128];
static pid_t server_pid = -1;
static struct config cfg;
static char *msg_data;			/* make_message(1) */
static struct transport_message msg;	/* msg_data to one recipient */
static const char *const one_rcpt[] = { "owner@example.org" };

/* A test message with lines that need dot-stuffing; caller frees. */
static char *
make_message(int i)
{
	char *m;

	ck_assert_int_ge(asprintf(&m, "From: Office <office@example.org>\r\n"
	    "To: owner%d@example.org\r\nSubject: message %d\r\n"
	    "Message-ID: <%d.test@example.org>\r\n\r\nHello %d,\r\n"
	    ".a line that starts with a dot\r\n..two dots\r\n.\r\nend\r\n",
	    i, i, i, i), 0);
	return m;
}

static void
message_init(struct transport_message *m, const char *data)
{
	m->from = "office@example.org";
	m->rcpt = one_rcpt;
	m->nrcpt = 1;
	m->data = data;
	m->len = strlen(data);
}

static void
setup(void)
{
	strcpy(tmp, "/tmp/check_transport.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(spool, sizeof spool, "%s/spool", tmp);
	snprintf(cert, sizeof cert, "%s/cert.pem", tmp);
	snprintf(key, sizeof key, "%s/key.pem", tmp);
	config_init(&cfg);
	msg_data = make_message(1);
	message_init(&msg, msg_data);
}

static void
teardown(void)
{
	char *cmd;

	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		while (waitpid(server_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	server_pid = -1;
	config_reset(&cfg);
	free(msg_data);
	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", tmp), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* The whole of a file (caller frees), or NULL when it does not exist. */
static char *
slurp(const char *path, size_t *lenp)
{
	bool missing = false;
	char *err = NULL, *data;

	data = file_read(path, BUF_MAX, 0, lenp, &missing, &err);
	ck_assert_msg(data != NULL || missing, "%s", err);
	return data;
}

/* tmp/name (caller frees). */
static char *
tmp_path(const char *name)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmp, name), 0);
	return path;
}

/* Write text to tmp/name with mode; returns the path (caller frees). */
static char *
write_file(const char *name, const char *text, mode_t mode)
{
	char *path = tmp_path(name);
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/*
 * Start smtp_server.py with the given options (NULL-terminated, or NULL)
 * and return its port.  The server dies with this test process even when
 * a failed assertion ends the test before teardown.
 */
static int
start_server(const char *const *opts)
{
	const char *srcdir = getenv("srcdir"), *argv[32];
	char script[512], portfile[128], logfile[128], *text;
	size_t n = 0;
	pid_t parent = getpid();
	int port = 0, status;

	snprintf(script, sizeof script, "%s/tests/smtp_server.py",
	    srcdir ? srcdir : ".");
	snprintf(portfile, sizeof portfile, "%s/port", tmp);
	snprintf(logfile, sizeof logfile, "%s/server.log", tmp);
	argv[n++] = "/usr/bin/python3";
	argv[n++] = script;
	argv[n++] = "--port-file";
	argv[n++] = portfile;
	argv[n++] = "--spool";
	argv[n++] = spool;
	for (size_t i = 0; opts != NULL && opts[i] != NULL && n < 31; i++)
		argv[n++] = opts[i];
	argv[n] = NULL;
	ck_assert_int_ge(server_pid = fork(), 0);
	if (server_pid == 0) {
		int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int waited = 0; port == 0 && waited < SERVER_WAIT_MS;
	    waited += 20) {
		if ((text = slurp(portfile, NULL)) != NULL) {
			port = atoi(text);
			free(text);
		} else if (waitpid(server_pid, &status, WNOHANG) ==
		    server_pid) {
			server_pid = -1;
			text = slurp(logfile, NULL);
			ck_abort_msg("smtp_server.py exited: %s",
			    text ? text : "(no log)");
		} else
			usleep(20000);
	}
	ck_assert_msg(port > 0, "smtp_server.py did not start");
	return port;
}

/* A self-signed certificate for 127.0.0.1 in cert and key. */
static void
make_cert(void)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "openssl req -x509 -newkey rsa:2048 "
	    "-nodes -days 2 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
	    "2>/dev/null", key, cert), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? strdup(value) : NULL;
}

/* cfg for SCHEME://127.0.0.1:PORT without STARTTLS. */
static void
smtp_config(const char *scheme, int port)
{
	char *url;

	ck_assert_int_ge(asprintf(&url, "%s://127.0.0.1:%d", scheme, port), 0);
	cfg.transport = TRANSPORT_SMTP;
	set_str(&cfg.smtp_url, url);
	free(url);
	cfg.starttls = STARTTLS_OFF;
	cfg.connections = 2;
	cfg.timeout = 5;
}

static struct transport *
open_smtp(void)
{
	struct transport *t;
	char *err = NULL;

	t = transport_smtp_open(&cfg, &err);
	ck_assert_msg(t != NULL, "transport_smtp_open: %s", err);
	return t;
}

static void
assert_contains(const char *text, const char *want)
{
	ck_assert_msg(text != NULL && strstr(text, want) != NULL,
	    "\"%s\" does not contain \"%s\"", text ? text : "(null)", want);
}

static void
assert_secret_free(const char *text)
{
	ck_assert_msg(text == NULL || strstr(text, PASSWORD) == NULL,
	    "the password leaked into \"%s\"", text);
}

/* Send m through t and check the result and the reply. */
static void
expect(struct transport *t, const struct transport_message *m,
    enum transport_result want, const char *text)
{
	enum transport_result r;
	char *reply;

	r = transport_send(t, m, &reply);
	ck_assert_msg(r == want, "result %d, not %d: %s", r, want, reply);
	if (text != NULL)
		assert_contains(reply, text);
	assert_secret_free(reply);
	free(reply);
}

static int
count_stored(void)
{
	DIR *d = opendir(spool);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 4 && strcmp(e->d_name + len - 4, ".eml") == 0)
			n++;
	}
	if (d != NULL)
		closedir(d);
	return n;
}

static int
connections_seen(void)
{
	char path[160], *text;
	int n;

	snprintf(path, sizeof path, "%s/connections", spool);
	ck_assert_ptr_nonnull(text = slurp(path, NULL));
	n = atoi(text);
	free(text);
	return n;
}

/* Stored message i (1-based) and its envelope; caller frees both. */
static char *
stored(int i, size_t *len, char **envelope)
{
	char path[160], *data;

	snprintf(path, sizeof path, "%s/%d.eml", spool, i);
	ck_assert_msg((data = slurp(path, len)) != NULL, "%s missing", path);
	snprintf(path, sizeof path, "%s/%d.json", spool, i);
	ck_assert_ptr_nonnull(*envelope = slurp(path, NULL));
	return data;
}

/* Five messages over two sessions, byte-identical, on two connections. */
START_TEST(test_batch)
{
	struct transport_job jobs[5];
	struct transport *t;
	char *data[5], *got, *env;
	size_t len;

	smtp_config("smtp", start_server(NULL));
	t = open_smtp();
	memset(jobs, 0, sizeof jobs);
	for (int i = 0; i < 5; i++) {
		data[i] = make_message(i);
		message_init(&jobs[i].msg, data[i]);
	}
	transport_send_batch(t, jobs, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_msg(jobs[i].result == TRANSPORT_SENT,
		    "job %d: %d %s", i, jobs[i].result, jobs[i].reply);
		assert_contains(jobs[i].reply, "250 2.0.0 Ok: queued as TEST");
		transport_job_reset(&jobs[i]);
	}
	ck_assert_int_eq(count_stored(), 5);
	for (int i = 1; i <= 5; i++) {
		int which = -1;

		got = stored(i, &len, &env);
		for (int j = 0; j < 5; j++)
			if (len == strlen(data[j]) &&
			    memcmp(got, data[j], len) == 0)
				which = j;
		ck_assert_msg(which >= 0, "stored message %d differs:\n%s", i,
		    got);
		assert_contains(env, "\"mail_from\": \"office@example.org\"");
		assert_contains(env, "\"rcpt_tos\": [\"owner@example.org\"]");
		free(got);
		free(env);
	}
	ck_assert_int_le(connections_seen(), 2);
	/* A later single send reuses a cached connection. */
	expect(t, &msg, TRANSPORT_SENT, "250");
	ck_assert_int_le(connections_seen(), 2);
	transport_close(t);
	for (int i = 0; i < 5; i++)
		free(data[i]);
}
END_TEST

/* One session sends everything over one connection. */
START_TEST(test_reuse)
{
	struct transport *t;

	smtp_config("smtp", start_server(NULL));
	cfg.connections = 1;
	t = open_smtp();
	for (int i = 0; i < 4; i++)
		expect(t, &msg, TRANSPORT_SENT, "250");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 4);
	ck_assert_int_eq(connections_seen(), 1);
}
END_TEST

/* STARTTLS with a self-signed certificate: refused, then trusted. */
START_TEST(test_starttls)
{
	const char *opts[] = { "--starttls", cert, key, NULL };
	struct transport *t;

	make_cert();
	smtp_config("smtp", start_server(opts));
	cfg.starttls = STARTTLS_REQUIRED;
	t = open_smtp();
	expect(t, &msg, TRANSPORT_UNAVAILABLE,
	    "TLS certificate of 127.0.0.1 could not be verified");
	expect(t, &msg, TRANSPORT_UNAVAILABLE, "(set smtp.ca_file)");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 0);

	set_str(&cfg.ca_file, cert);
	t = open_smtp();
	expect(t, &msg, TRANSPORT_SENT, "250");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 1);
}
END_TEST

/* smtps:// (implicit TLS) with AUTH, the password from a file. */
START_TEST(test_implicit_tls)
{
	const char *opts[] = { "--implicit-tls", cert, key, "--auth",
	    "office:" PASSWORD, NULL };
	struct transport *t;
	char *pwfile;

	make_cert();
	smtp_config("smtps", start_server(opts));
	set_str(&cfg.ca_file, cert);
	set_str(&cfg.smtp_user, "office");
	pwfile = write_file("password", PASSWORD "\nsecond line\n", 0600);
	set_str(&cfg.password_file, pwfile);
	free(pwfile);
	t = open_smtp();
	expect(t, &msg, TRANSPORT_SENT, "250");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 1);
}
END_TEST

/* AUTH over STARTTLS with the password from password_command. */
static const struct {
	const char	*script;	/* the password command's body */
	bool		 open_ok;
	enum transport_result result;
	const char	*want;		/* in the reply or open's error */
} auth_cases[] = {
	{ "printf '%s\\n' '" PASSWORD "'", true, TRANSPORT_SENT, "250" },
	{ "printf 'wrong\\n'", true, TRANSPORT_UNAVAILABLE,
	    "authentication as office at 127.0.0.1 failed: 535" },
	{ "printf '%s\\n' '" PASSWORD "'; exit 3", false, 0, "status 3" },
	{ "printf ''", false, 0, "printed no password" },
	{ "kill -9 $$", false, 0, "killed by signal 9" },
};

START_TEST(test_auth)
{
	const char *opts[] = { "--starttls", cert, key, "--auth",
	    "office:" PASSWORD, NULL };
	struct transport *t;
	char *script, *cmd, *err = NULL;

	make_cert();
	smtp_config("smtp", start_server(opts));
	cfg.starttls = STARTTLS_REQUIRED;
	set_str(&cfg.ca_file, cert);
	set_str(&cfg.smtp_user, "office");
	ck_assert_int_ge(asprintf(&script, "#!/bin/sh\n%s\n",
	    auth_cases[_i].script), 0);
	cmd = write_file("pw command.sh", script, 0700);
	free(script);
	/* The path has a space: quoting must survive the split. */
	ck_assert_int_ge(asprintf(&script, "'%s' --account office", cmd), 0);
	set_str(&cfg.password_command, script);
	free(script);
	free(cmd);

	t = transport_smtp_open(&cfg, &err);
	if (auth_cases[_i].open_ok) {
		ck_assert_msg(t != NULL, "%s", err);
		expect(t, &msg, auth_cases[_i].result, auth_cases[_i].want);
		transport_close(t);
		ck_assert_int_eq(count_stored(),
		    auth_cases[_i].result == TRANSPORT_SENT);
	} else {
		ck_assert_ptr_null(t);
		assert_contains(err, auth_cases[_i].want);
		assert_contains(err, "smtp.password_command");
		assert_secret_free(err);
		free(err);
	}
}
END_TEST

/* AUTH that could go out in clear text is refused at open. */
static const struct {
	const char	*scheme;
	enum starttls_mode starttls;
	bool		 allow;
	bool		 ok;
} plaintext_cases[] = {
	{ "smtp", STARTTLS_OPTIONAL, false, false },
	{ "smtp", STARTTLS_OFF, false, false },
	{ "smtp", STARTTLS_OFF, true, true },
	{ "smtp", STARTTLS_REQUIRED, false, true },
	{ "smtps", STARTTLS_OFF, false, true },
};

START_TEST(test_plaintext_auth)
{
	struct transport *t;
	char *err = NULL, *pwfile;

	smtp_config(plaintext_cases[_i].scheme, 25);
	cfg.starttls = plaintext_cases[_i].starttls;
	cfg.allow_plaintext_auth = plaintext_cases[_i].allow;
	set_str(&cfg.smtp_user, "office");
	pwfile = write_file("password", PASSWORD "\n", 0600);
	set_str(&cfg.password_file, pwfile);
	free(pwfile);
	t = transport_smtp_open(&cfg, &err);
	if (plaintext_cases[_i].ok) {
		ck_assert_msg(t != NULL, "%s", err);
		transport_close(t);
		return;
	}
	ck_assert_ptr_null(t);
	assert_contains(err, "starttls = required");
	assert_contains(err, "smtps://");
	assert_contains(err, "allow_plaintext_auth = yes");
	assert_secret_free(err);
	free(err);
}
END_TEST

/* Bad settings fail at open. */
static const struct {
	const char	*url;
	const char	*user;
	const char	*want;
} open_cases[] = {
	{ NULL, NULL, "smtp.url is not set" },
	{ "http://127.0.0.1", NULL, "smtp://" },
	{ "not a url", NULL, "is not a URL" },
	{ "smtp://me:pw@127.0.0.1", NULL, "smtp.user" },
	{ "smtp://127.0.0.1", "office", "neither smtp.password_command" },
};

START_TEST(test_open_errors)
{
	char *err = NULL;

	smtp_config("smtp", 25);
	set_str(&cfg.smtp_url, open_cases[_i].url);
	set_str(&cfg.smtp_user, open_cases[_i].user);
	cfg.starttls = STARTTLS_REQUIRED;
	ck_assert_ptr_null(transport_smtp_open(&cfg, &err));
	assert_contains(err, open_cases[_i].want);
	free(err);
}
END_TEST

/* Server behaviour -> result, with nothing stored. */
static const struct {
	const char	*opt;
	const char	*arg;
	enum starttls_mode starttls;
	int		 timeout;
	enum transport_result result;
	const char	*want;
} outcome_cases[] = {
	{ "--reply-data", "451", STARTTLS_OFF, 5, TRANSPORT_DEFER,
	    "451 4.0.0" },
	{ "--reply-data", "554", STARTTLS_OFF, 5, TRANSPORT_FAIL,
	    "554 5.0.0" },
	{ "--reply-rcpt", "owner@example.org=550", STARTTLS_OFF, 5,
	    TRANSPORT_FAIL, "<owner@example.org> 550" },
	{ "--reply-rcpt", "owner@example.org=450", STARTTLS_OFF, 5,
	    TRANSPORT_DEFER, "<owner@example.org> 450" },
	{ NULL, NULL, STARTTLS_REQUIRED, 5, TRANSPORT_UNAVAILABLE,
	    "does not offer STARTTLS" },
	/* The server's own reply, not the one to QUIT. */
	{ "--reply-mail", "550", STARTTLS_OFF, 5, TRANSPORT_FAIL,
	    "550 5.1.8 Sender address rejected" },
	{ "--reply-mail", "451", STARTTLS_OFF, 5, TRANSPORT_DEFER,
	    "451 4.1.8 Sender address rejected" },
	{ "--reply-data-command", "554", STARTTLS_OFF, 5, TRANSPORT_FAIL,
	    "554 5.0.0 DATA refused" },
	{ "--reply-data-command", "452", STARTTLS_OFF, 5, TRANSPORT_DEFER,
	    "452 4.0.0 DATA refused" },
	/* A configuration problem, not a fault of the message. */
	{ "--reply-mail", "530", STARTTLS_OFF, 5, TRANSPORT_UNAVAILABLE,
	    "530 5.7.0 Authentication required (set smtp.user" },
	/* A stalled server is not tried again for every message. */
	{ "--stall", NULL, STARTTLS_OFF, 2, TRANSPORT_UNAVAILABLE,
	    "timed out" },
	{ "--stall-after-data", NULL, STARTTLS_OFF, 2, TRANSPORT_UNAVAILABLE,
	    "unknown outcome" },
	{ "--drop-after-data", NULL, STARTTLS_OFF, 5, TRANSPORT_DEFER,
	    "unknown outcome" },
};

START_TEST(test_outcomes)
{
	const char *opts[] = { outcome_cases[_i].opt, outcome_cases[_i].arg,
	    NULL };
	struct transport *t;
	time_t start;

	smtp_config("smtp", start_server(opts));
	cfg.starttls = outcome_cases[_i].starttls;
	cfg.timeout = outcome_cases[_i].timeout;
	t = open_smtp();
	start = time(NULL);
	expect(t, &msg, outcome_cases[_i].result, outcome_cases[_i].want);
	ck_assert_int_le(time(NULL) - start, cfg.timeout + 2);
	transport_close(t);
	if (strcmp(outcome_cases[_i].want, "unknown outcome") != 0)
		ck_assert_int_eq(count_stored(), 0);
}
END_TEST

/* A 451 then success, on the same transport. */
START_TEST(test_fail_first)
{
	const char *opts[] = { "--fail-first", "1", NULL };
	struct transport *t;

	smtp_config("smtp", start_server(opts));
	t = open_smtp();
	expect(t, &msg, TRANSPORT_DEFER, "451");
	expect(t, &msg, TRANSPORT_SENT, "250");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 1);
}
END_TEST

/* One recipient of two refused: the other gets the message. */
START_TEST(test_rcpt_partial)
{
	const char *opts[] = { "--reply-rcpt", "bad@example.org=550", NULL };
	const char *rcpt[] = { "good@example.org", "bad@example.org" };
	struct transport *t;
	char *got, *env;

	smtp_config("smtp", start_server(opts));
	msg.rcpt = rcpt;
	msg.nrcpt = 2;
	t = open_smtp();
	expect(t, &msg, TRANSPORT_SENT,
	    "250 2.0.0 Ok: queued as TEST1 (refused: <bad@example.org> 550");
	transport_close(t);
	ck_assert_int_eq(count_stored(), 1);
	got = stored(1, NULL, &env);
	assert_contains(env, "\"rcpt_tos\": [\"good@example.org\"]");
	free(got);
	free(env);
}
END_TEST

/* Each recipient's reply, for deliver.c to tell a To from a Cc refused. */
START_TEST(test_rcpt_results)
{
	const char *opts[] = { "--reply-rcpt", "cc@example.org=450", NULL };
	const char *rcpt[] = { "to@example.org", "cc@example.org" };
	struct transport_job job;
	struct transport *t;

	smtp_config("smtp", start_server(opts));
	memset(&job, 0, sizeof job);
	job.msg = msg;
	job.msg.rcpt = rcpt;
	job.msg.nrcpt = 2;
	t = open_smtp();
	transport_send_batch(t, &job, 1);
	transport_close(t);
	ck_assert_int_eq(job.result, TRANSPORT_SENT);
	ck_assert_ptr_nonnull(job.rcpt);
	ck_assert_int_eq(job.rcpt[0].code, 250);
	ck_assert_int_eq(job.rcpt[1].code, 450);
	assert_contains(job.rcpt[1].reply,
	    "450 4.1.1 <cc@example.org>: Recipient address rejected");
	transport_job_reset(&job);
	ck_assert_int_eq(count_stored(), 1);
}
END_TEST

/* Nothing listening on a port that was free a moment ago. */
START_TEST(test_unavailable)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	struct transport *t;
	int fd;

	ck_assert_int_ge(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	close(fd);
	smtp_config("smtp", ntohs(sin.sin_port));
	t = open_smtp();
	expect(t, &msg, TRANSPORT_UNAVAILABLE, "cannot connect to 127.0.0.1");
	transport_close(t);
}
END_TEST

/* Addresses that would inject SMTP commands never reach the server. */
static const struct {
	const char	*from;
	const char	*rcpt;
} inject_cases[] = {
	{ "office@example.org", "owner@example.org\r\nRCPT TO:<x@evil>" },
	{ "office@example.org\r\nRSET", "owner@example.org" },
	{ "office@example.org", "owner@example.org\nDATA" },
	{ "office@example.org", "owner @example.org" },
	{ "office@example.org", "owner\t@example.org" },
	{ "office@example.org", "<owner@example.org>" },
	{ "office@example.org", "" },
};

START_TEST(test_inject)
{
	const char *rcpt[] = { "ok@example.org", inject_cases[_i].rcpt };
	struct transport_job jobs[2];
	struct transport *t;

	smtp_config("smtp", start_server(NULL));
	t = open_smtp();
	memset(jobs, 0, sizeof jobs);
	message_init(&jobs[0].msg, msg_data);
	jobs[0].msg.from = inject_cases[_i].from;
	jobs[0].msg.rcpt = rcpt;
	jobs[0].msg.nrcpt = 2;
	message_init(&jobs[1].msg, msg_data);
	jobs[1].msg.nrcpt = 0;
	transport_send_batch(t, jobs, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(jobs[i].result, TRANSPORT_FAIL);
		ck_assert_ptr_null(strpbrk(jobs[i].reply, "\r\n"));
		transport_job_reset(&jobs[i]);
	}
	transport_close(t);
	ck_assert_int_eq(count_stored(), 0);
	ck_assert_int_eq(connections_seen(), 0);
}
END_TEST

/* Command lines split without a shell. */
static const struct {
	const char	*command;
	const char	*want;		/* words joined by '|', NULL: error */
} split_cases[] = {
	{ "/usr/sbin/sendmail -t -i", "/usr/sbin/sendmail|-t|-i" },
	{ "  pass   show\tmail/x  ", "pass|show|mail/x" },
	{ "'/opt/my tools/pw' 'a \"b\"'", "/opt/my tools/pw|a \"b\"" },
	{ "cmd \"x \\\"y\\\" \\\\ \\n\"", "cmd|x \"y\" \\ \\n" },
	{ "cmd a\\ b '' \"\"", "cmd|a b||" },
	{ "cmd x'y'\"z\"", "cmd|xyz" },
	{ "cmd $HOME;rm `x` | y", "cmd|$HOME;rm|`x`|||y" },
	{ "", NULL },
	{ "   ", NULL },
	{ "cmd 'open", NULL },
	{ "cmd \"open", NULL },
};

START_TEST(test_split)
{
	char **argv, *err = NULL, joined[256] = "";

	argv = transport_command_split(split_cases[_i].command, &err);
	if (split_cases[_i].want == NULL) {
		ck_assert_ptr_null(argv);
		ck_assert_ptr_nonnull(err);
		free(err);
		return;
	}
	ck_assert_msg(argv != NULL, "%s", err);
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			strcat(joined, "|");
		strcat(joined, argv[i]);
	}
	ck_assert_str_eq(joined, split_cases[_i].want);
	transport_command_free(argv);
}
END_TEST

/* A stub sendmail that records its arguments, then runs body; it has
 * timeout seconds for each message. */
static struct transport *
sendmail_stub(const char *body, const char *args, int timeout)
{
	struct transport *t;
	char *script, *path, *command, *err = NULL;

	ck_assert_int_ge(asprintf(&script, "#!/bin/sh\n"
	    "printf '%%s\\n' \"$@\" > '%s/args'\n%s\n", tmp, body), 0);
	path = write_file("sendmail stub", script, 0700);
	ck_assert_int_ge(asprintf(&command, "'%s' %s", path, args), 0);
	t = transport_sendmail_open(command, timeout, &err);
	ck_assert_msg(t != NULL, "%s", err);
	free(command);
	free(path);
	free(script);
	return t;
}

static const struct {
	int		 exit;
	enum transport_result result;
	const char	*want;
} sendmail_cases[] = {
	{ 0, TRANSPORT_SENT, "accepted by" },
	{ 75, TRANSPORT_DEFER, "status 75 (temporary failure): stub: 75" },
	{ 1, TRANSPORT_FAIL, "status 1: stub: 1" },
};

START_TEST(test_sendmail)
{
	const char *rcpt[] = { "owner@example.org", "other@example.org" };
	struct transport *t;
	char *body, *path, *got, *want;
	enum transport_result r;

	ck_assert_int_ge(asprintf(&body, "cat > '%s/stdin'\n"
	    "echo 'stub: %d' >&2\necho second line >&2\nexit %d", tmp,
	    sendmail_cases[_i].exit, sendmail_cases[_i].exit), 0);
	t = sendmail_stub(body, "-t -i", 30);
	free(body);
	msg.rcpt = rcpt;
	msg.nrcpt = 2;
	r = transport_send(t, &msg, &got);
	ck_assert_msg(r == sendmail_cases[_i].result, "%d: %s", r, got);
	assert_contains(got, sendmail_cases[_i].want);
	ck_assert_ptr_null(strstr(got, "second line"));
	free(got);
	transport_close(t);

	/* Recipients come from the headers (-t), never from arguments. */
	path = tmp_path("args");
	got = slurp(path, NULL);
	ck_assert_str_eq(got, "-t\n-i\n");
	free(got);
	free(path);
	/* The message arrives with local (LF) line ends. */
	path = tmp_path("stdin");
	got = slurp(path, NULL);
	want = make_message(1);
	for (char *s = want, *d = want;; s++) {
		if (*s == '\r' && s[1] == '\n')
			continue;
		if ((*d++ = *s) == '\0')
			break;
	}
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	free(path);
}
END_TEST

/* A large message against stubs that exit without reading it (no
 * SIGPIPE death) or fill stderr before reading (no deadlock). */
static const struct {
	const char	*body;
	enum transport_result result;
	const char	*want;
} big_cases[] = {
	{ "echo 'stub: no thanks' >&2; exit 1", TRANSPORT_FAIL,
	    "status 1: stub: no thanks" },
	{ "yes noise | head -c 300000 >&2; cat > /dev/null", TRANSPORT_SENT,
	    "accepted by" },
};

START_TEST(test_sendmail_big)
{
	struct transport *t;
	size_t len = 1024 * 1024;
	char *big;

	t = sendmail_stub(big_cases[_i].body, "", 30);
	ck_assert_ptr_nonnull(big = malloc(len + 1));
	for (size_t i = 0; i < len; i++)
		big[i] = i % 80 == 78 ? '\r' : i % 80 == 79 ? '\n' : 'x';
	big[len] = '\0';
	message_init(&msg, big);
	expect(t, &msg, big_cases[_i].result, big_cases[_i].want);
	transport_close(t);
	free(big);
}
END_TEST

/* Ends that decide nothing defer the message, and a run never waits
 * for a command past its time, nor for a daemon it left behind. */
static const struct {
	const char	*body;
	enum transport_result result;
	const char	*want;
} end_cases[] = {
	{ "cat >/dev/null; echo 'stub: crashed' >&2; kill -9 $$",
	    TRANSPORT_DEFER,
	    "killed by signal 9 (temporary failure): stub: crashed" },
	{ "echo 'stub: stuck' >&2; exec sleep 30", TRANSPORT_DEFER,
	    "did not finish within 1 seconds and was stopped (temporary "
	    "failure): stub: stuck" },
	{ "cat >/dev/null; sleep 10 & exit 0", TRANSPORT_SENT,
	    "accepted by" },
};

START_TEST(test_sendmail_ends)
{
	struct transport *t;
	time_t start = time(NULL);

	t = sendmail_stub(end_cases[_i].body, "", 1);
	expect(t, &msg, end_cases[_i].result, end_cases[_i].want);
	transport_close(t);
	ck_assert_int_le(time(NULL) - start, 5);
}
END_TEST

START_TEST(test_sendmail_missing)
{
	struct transport *t;
	char *err = NULL;

	t = transport_sendmail_open("/nonexistent/sendmail -t -i", 30, &err);
	ck_assert_msg(t != NULL, "%s", err);
	expect(t, &msg, TRANSPORT_UNAVAILABLE,
	    "cannot run /nonexistent/sendmail");
	transport_close(t);
	ck_assert_ptr_null(transport_sendmail_open("'unterminated", 30, &err));
	assert_contains(err, "delivery.sendmail");
	free(err);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = check_tcase(s, name, setup, teardown);

	tcase_set_timeout(tc, 30);
	return tc;
}

static Suite *
transport_suite(void)
{
	Suite *s = suite_create("transport");

	tcase_add_test(tcase(s, "batch"), test_batch);
	tcase_add_test(tcase(s, "reuse"), test_reuse);
	tcase_add_test(tcase(s, "starttls"), test_starttls);
	tcase_add_test(tcase(s, "implicit_tls"), test_implicit_tls);
	tcase_add_loop_test(tcase(s, "auth"), test_auth, 0,
	    NCASES(auth_cases));
	tcase_add_loop_test(tcase(s, "plaintext_auth"), test_plaintext_auth, 0,
	    NCASES(plaintext_cases));
	tcase_add_loop_test(tcase(s, "open_errors"), test_open_errors, 0,
	    NCASES(open_cases));
	tcase_add_loop_test(tcase(s, "outcomes"), test_outcomes, 0,
	    NCASES(outcome_cases));
	tcase_add_test(tcase(s, "fail_first"), test_fail_first);
	tcase_add_test(tcase(s, "rcpt_partial"), test_rcpt_partial);
	tcase_add_test(tcase(s, "rcpt_results"), test_rcpt_results);
	tcase_add_test(tcase(s, "unavailable"), test_unavailable);
	tcase_add_loop_test(tcase(s, "inject"), test_inject, 0,
	    NCASES(inject_cases));
	tcase_add_loop_test(tcase(s, "split"), test_split, 0,
	    NCASES(split_cases));
	tcase_add_loop_test(tcase(s, "sendmail"), test_sendmail, 0,
	    NCASES(sendmail_cases));
	tcase_add_loop_test(tcase(s, "sendmail_big"), test_sendmail_big, 0,
	    NCASES(big_cases));
	tcase_add_loop_test(tcase(s, "sendmail_ends"), test_sendmail_ends, 0,
	    NCASES(end_cases));
	tcase_add_test(tcase(s, "sendmail_missing"), test_sendmail_missing);
	return s;
}

int
main(void)
{
	return check_run(transport_suite());
}
