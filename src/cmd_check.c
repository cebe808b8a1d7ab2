/*
 * cmd_check.c: touchbase check: the configuration (every setting and
 * where it came from), the delivery settings against the world, the
 * database and the templates; with --connect, the mail servers too.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "delivery_check.h"
#include "curl_common.h"

static const struct cmd_usage check_usage = {
	"check [--connect]",
	"Validate the configuration (and print every setting with where it\n"
	"came from), what delivery needs (the sendmail command, the Maildir,\n"
	"the SMTP login and its password), every template (each variable\n"
	"must be known) and the database.  Sends nothing.\n\n"
	"  --connect        also connect to the SMTP server (and the IMAP\n"
	"                   inbox), do STARTTLS and the login, print what the\n"
	"                   server offers, then QUIT\n",
};

/* Every key of the configuration: value and origin. */
static void
print_settings(const struct config *cfg)
{
	static const char *const header[] = { "setting", "value", "from" };
	struct config_setting s;
	struct table t;
	char *key, *from;

	table_init(&t, 3, header);
	for (size_t i = 0; config_setting_get(cfg, i, &s); i++) {
		key = xasprintf("%s.%s", s.section, s.name);
		from = s.line > 0 ? xasprintf("%s:%d", cfg->source, s.line) :
		    xstrdup("default");
		table_add(&t, (const char *const[]){ key, s.value ? s.value :
		    "(not set)", from });
		free(key);
		free(from);
		free(s.value);
	}
	table_print(&t, stdout);
	table_reset(&t);
}

static void
print_offers(const struct curl_probe *p)
{
	printf("  offers:     ");
	for (size_t i = 0; i < p->noffers; i++)
		printf(" %s%s", p->offers[i], i + 1 < p->noffers ? "," : "");
	printf("%s\n", p->noffers == 0 ? " (nothing announced)" : "");
}

/* What one server showed of itself; after a failure, as far as it got. */
static void
print_probe(const char *what, const struct curl_server_conf *c,
    const struct curl_probe *p, bool ok)
{
	printf("%s server:   %s (%s)\n", what, p->host, c->url);
	if (p->greeting != NULL)
		printf("  greeting:    %s\n", p->greeting);
	if (!ok) {
		if (p->greeting != NULL)
			print_offers(p);
		return;
	}
	if (!p->tls)
		printf("  TLS:         none\n");
	else
		printf("  TLS:         yes; certificate %s\n", p->verified ?
		    "verified" : "NOT verified (verify_peer = no)");
	if (p->certificate != NULL)
		printf("  certificate: %s\n", p->certificate);
	print_offers(p);
	printf("  login:       %s%s\n", p->logged_in ? "accepted for " :
	    "none (no user set)", p->logged_in ? c->user : "");
	if (p->farewell != NULL)
		printf("  session:     ended, nothing sent (%s)\n", p->farewell);
}

static enum cmd_status
probe(const char *what, const struct curl_server_conf *c)
{
	struct curl_probe p;
	char *err = NULL;
	int rc;

	rc = curl_common_probe(c, &p, &err);
	if (p.host != NULL)
		print_probe(what, c, &p, rc == 0);
	curl_probe_reset(&p);
	if (rc != 0) {
		cmd_error("%s: %s", c->section, err);
		free(err);
		return CMD_UNAVAILABLE;
	}
	return CMD_OK;
}

/* --connect: each configured server in turn. */
static enum cmd_status
connect_servers(const struct config *cfg)
{
	struct curl_server_conf c;
	enum cmd_status st = CMD_OK, one;
	bool any = false;

	if (cfg->transport == TRANSPORT_SMTP) {
		curl_common_conf_smtp(cfg, &c);
		st = probe("SMTP", &c);
		any = true;
	}
	if (cfg->inbox_source == INBOX_SOURCE_IMAP) {
		curl_common_conf_inbox(cfg, &c);
		if ((one = probe("IMAP", &c)) != CMD_OK)
			st = one;
		any = true;
	}
	if (!any)
		printf("connect:       no server configured (delivery.transport "
		    "is %s, inbox.source is %s)\n",
		    config_transport_name(cfg->transport),
		    config_inbox_name(cfg->inbox_source));
	return st;
}

/* The database and the templates. */
static enum cmd_status
check_book(struct cmd_ctx *ctx)
{
	struct composer composer;
	struct book book;
	enum cmd_status st;
	const char *const *dirs;
	char *err = NULL;
	long count = 0;
	size_t ndirs;

	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (book_partner_count(&book, false, &count, &err) != 0) {
		st = cmd_book_status(&book, BOOK_ERROR, err);
		cmd_close_book(&book);
		return st;
	}
	printf("database:      %s (%ld active partner%s)\n", ctx->db_path,
	    count, count == 1 ? "" : "s");
	dirs = composer_template_dirs(&ctx->cfg, &ndirs);
	if (composer_init(&composer, &book, &err) != 0 ||
	    compose_check_templates(&composer, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		st = CMD_CONFIG;
	} else {
		printf("templates:     all valid (looked up in");
		for (size_t i = 0; i < ndirs; i++)
			printf("%s %s", i ? "," : "", dirs[i]);
		printf(")\n");
	}
	composer_reset(&composer);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_check(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connect", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct config *cfg = &ctx->cfg;
	enum cmd_status st = CMD_OK, book_st;
	bool connect = false;
	char *err = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'C')
			connect = true;
		else
			return cmd_print_usage(&check_usage, ch == 'h');
	}
	if (argc != optind)
		return cmd_usage_error(&check_usage, "check takes no arguments");
	printf("configuration: %s\n", cfg->source ? cfg->source :
	    "built-in defaults (no touchbase.conf found)");
	print_settings(cfg);
	printf("delivery:      %s%s%s\n", config_transport_name(
	    cfg->transport), cfg->transport == TRANSPORT_MAILDIR ?
	    " into " : "", cfg->transport == TRANSPORT_MAILDIR ?
	    cfg->maildir : "");
	if (delivery_check(cfg, DELIVERY_CHECK_PASSWORDS |
	    DELIVERY_CHECK_INBOX, &err) > 0) {
		cmd_error_lines(err);
		free(err);
		st = CMD_CONFIG;
	}
	book_st = check_book(ctx);
	if (st == CMD_OK)
		st = book_st;
	/* A server is only worth asking when its settings are right. */
	if (connect && st == CMD_OK)
		st = connect_servers(cfg);
	return st;
}
