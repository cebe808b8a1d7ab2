/*
 * delivery_check.c: the delivery settings against the world (see
 * delivery_check.h).  The rules on servers are curl_common's; this file
 * only asks them, and says where in the file each problem is.
 */
#include "delivery_check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curl_common.h"
#include "transport.h"
#include "util.h"

struct problems {
	const struct config	*cfg;
	struct buf		 text;
	int			 n;
};

/* Append the place of msg's key ("FILE:LINE: ", "FILE: " or nothing). */
static void
add_place(const struct config *cfg, struct buf *b, const char *msg)
{
	char section[16], key[32];
	int line = 0;

	if (sscanf(msg, "%15[a-z].%31[a-z_]", section, key) == 2)
		line = config_line(cfg, section, key);
	if (line > 0)
		buf_printf(b, "%s:%d: ", cfg->source, line);
	else if (cfg->source != NULL)
		buf_printf(b, "%s: ", cfg->source);
}

void
delivery_check_place(const struct config *cfg, char **msg)
{
	struct buf b;

	buf_init(&b);
	add_place(cfg, &b, *msg);
	buf_adds(&b, *msg);
	free(*msg);
	*msg = buf_steal(&b);
}

/* Add msg (taken), which starts with "section.key", at that key's line. */
static void
add(struct problems *ps, char *msg)
{
	if (ps->n++ > 0)
		buf_addc(&ps->text, '\n');
	add_place(ps->cfg, &ps->text, msg);
	buf_adds(&ps->text, msg);
	free(msg);
}

/* Whether name is a program that may be run: a path, or found on $PATH
 * as execvp would. */
static int
find_program(const char *name, char **why)
{
	const char *path = getenv("PATH"), *p, *end;
	char *full;
	int found = 0;

	if (strchr(name, '/') != NULL) {
		if (access(name, X_OK) == 0)
			return 0;
		return set_err(why, "%s: %s", name, strerror(errno));
	}
	if (str_empty(path))
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; !found && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ":");
		full = xasprintf("%.*s%s%s", (int)(end - p), p,
		    end > p ? "/" : "", name);
		found = access(full, X_OK) == 0;
		free(full);
	}
	if (found)
		return 0;
	return set_err(why, "%s: not found in PATH", name);
}

static void
check_sendmail(struct problems *ps, const char *command)
{
	char **argv, *why = NULL;

	if ((argv = transport_command_split(command, &why)) == NULL) {
		add(ps, xasprintf("delivery.sendmail: %s", why));
		free(why);
		return;
	}
	if (find_program(argv[0], &why) != 0) {
		add(ps, xasprintf("delivery.sendmail: %s (is a mail transfer "
		    "agent installed?)", why));
		free(why);
	}
	transport_command_free(argv);
}

/* A directory that the run may write into. */
static int
writable_dir(const char *dir, char **why)
{
	struct stat sb;

	if (stat(dir, &sb) != 0)
		return set_err(why, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return set_err(why, "%s: not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return set_err(why, "%s: cannot be written: %s", dir,
		    strerror(errno));
	return 0;
}

/* The Maildir and its tmp, new and cur; or, when it is missing, the
 * nearest directory above it, where the run would make it. */
static int
check_maildir(const char *dir, char **why)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char *up, *slash, *sub;
	struct stat sb;
	int rc = 0;

	if (stat(dir, &sb) == 0) {
		rc = writable_dir(dir, why);
		for (size_t i = 0; rc == 0 && i < 3; i++) {
			sub = xasprintf("%s/%s", dir, subs[i]);
			if (stat(sub, &sb) == 0 || errno != ENOENT)
				rc = writable_dir(sub, why);
			free(sub);
		}
		return rc;
	}
	if (errno != ENOENT)
		return set_err(why, "%s: %s", dir, strerror(errno));
	up = xstrdup(dir);
	for (;;) {
		while ((slash = strrchr(up, '/')) != NULL && slash[1] == '\0' &&
		    slash > up)
			*slash = '\0';
		if ((slash = strrchr(up, '/')) == NULL)
			strcpy(up, ".");
		else
			slash[slash == up] = '\0';
		if (stat(up, &sb) == 0 || errno != ENOENT ||
		    strcmp(up, ".") == 0 || strcmp(up, "/") == 0)
			break;
	}
	if (writable_dir(up, why) != 0) {
		prefix_err(why, "%s is missing and cannot be made", dir);
		rc = -1;
	}
	free(up);
	return rc;
}

static void
check_server(struct problems *ps, const struct curl_server_conf *c,
    unsigned flags)
{
	char *why = NULL;

	if (curl_common_check(c, (flags & DELIVERY_CHECK_PASSWORDS) != 0,
	    &why) != 0)
		add(ps, why);
}

int
delivery_check(const struct config *cfg, unsigned flags, char **err)
{
	struct problems ps = { cfg, { NULL, 0, 0 }, 0 };
	struct curl_server_conf c;
	char *why = NULL;

	buf_init(&ps.text);
	switch (cfg->transport) {
	case TRANSPORT_SMTP:
		if (config_line(cfg, "smtp", "from") == 0)
			add(&ps, xasprintf("smtp.from is not set: mail would go "
			    "out from %s; set smtp.from to the office's own "
			    "address", cfg->from));
		if (cfg->smtp_url != NULL) {
			curl_common_conf_smtp(cfg, &c);
			check_server(&ps, &c, flags);
		}
		break;
	case TRANSPORT_SENDMAIL:
		check_sendmail(&ps, cfg->sendmail);
		break;
	case TRANSPORT_MAILDIR:
		if (check_maildir(cfg->maildir, &why) != 0) {
			add(&ps, xasprintf("delivery.maildir: %s", why));
			free(why);
		}
		break;
	}
	if ((flags & DELIVERY_CHECK_INBOX) &&
	    cfg->inbox_source == INBOX_SOURCE_IMAP && cfg->inbox_url != NULL) {
		curl_common_conf_inbox(cfg, &c);
		check_server(&ps, &c, flags);
	}
	if (ps.n > 0)
		*err = buf_steal(&ps.text);
	else
		buf_reset(&ps.text);
	return ps.n;
}
