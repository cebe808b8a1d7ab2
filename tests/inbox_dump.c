/*
 * inbox_dump.c: open the inbox source a touchbase.conf configures, print
 * one line per message and settle each, as `touchbase inbox` will; for
 * the tests of the sources against real servers.
 *
 *	inbox_dump [-c FILE] [-n] [-k TEXT] [-s]
 *
 * -c reads FILE (else the usual search), -n settles nothing, -k leaves
 * unsettled the messages whose Subject contains TEXT, -s reads one
 * message from standard input instead.  The first line is "source NAME",
 * then "ID SIZE SUBJECT" per message ("ID SIZE too-big" for one not
 * loaded).  Exits 0, 69 when the source is unavailable, 1 on another
 * failure (said on stderr), 64 for a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "inbox_source.h"

/* The first line of the Subject header of the raw message, or "". */
static char *
subject(const struct inbox_item *item)
{
	const char *p = item->data, *end = item->data + item->len, *nl;

	while (p < end && *p != '\r' && *p != '\n') {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl - p > 8 && strncasecmp(p, "Subject:", 8) == 0) {
			p += 8;
			while (p < nl && *p == ' ')
				p++;
			return strndup(p, (size_t)(nl - p) -
			    (nl > p && nl[-1] == '\r'));
		}
		p = nl + 1;
	}
	return strdup("");
}

static int
status(int rc)
{
	return rc == INBOX_UNAVAILABLE ? 69 : 1;
}

int
main(int argc, char **argv)
{
	const char *path = NULL, *keep = NULL;
	bool settle = true, from_stdin = false;
	struct inbox_source *src = NULL;
	struct inbox_item item;
	struct config cfg;
	char *err = NULL, *subj;
	int c, rc, exit_code = 0;

	while ((c = getopt(argc, argv, "c:k:ns")) != -1)
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			keep = optarg;
			break;
		case 'n':
			settle = false;
			break;
		case 's':
			from_stdin = true;
			break;
		default:
			fprintf(stderr, "usage: inbox_dump [-c FILE] [-n] "
			    "[-k TEXT] [-s]\n");
			return 64;
		}
	config_init(&cfg);
	if ((path != NULL ? config_load_file(path, &cfg, &err) :
	    config_load(NULL, &cfg, &err)) != 0) {
		fprintf(stderr, "inbox_dump: %s\n", err);
		free(err);
		config_reset(&cfg);
		return 78;
	}
	for (size_t i = 0; cfg.warnings != NULL && cfg.warnings[i]; i++)
		fprintf(stderr, "warning: %s\n", cfg.warnings[i]);
	rc = from_stdin ? inbox_source_open_stdin(0, &src, &err) :
	    inbox_source_open(&cfg, &src, &err);
	if (rc != INBOX_OK) {
		fprintf(stderr, "inbox_dump: %s\n", err);
		free(err);
		config_reset(&cfg);
		return status(rc);
	}
	printf("source %s\n", inbox_source_name(src));
	memset(&item, 0, sizeof item);
	while ((rc = inbox_source_next(src, &item, &err)) == 1) {
		subj = item.too_big ? strdup("too-big") : subject(&item);
		printf("%s %zu %s\n", item.id, item.size, subj);
		fflush(stdout);
		if (settle && (keep == NULL || strstr(subj, keep) == NULL) &&
		    (rc = inbox_source_done(src, &item, &err)) != INBOX_OK) {
			fprintf(stderr, "inbox_dump: %s: %s\n", item.id, err);
			free(err);
			err = NULL;
			exit_code = status(rc);
		}
		free(subj);
	}
	if (rc < 0) {
		fprintf(stderr, "inbox_dump: %s\n", err);
		free(err);
		exit_code = status(rc);
	}
	inbox_item_reset(&item);
	inbox_source_close(src);
	config_reset(&cfg);
	return exit_code;
}
