/*
 * config.c: finding touchbase.conf, loading it over the built-in
 * defaults, and what the rest of the program asks of a loaded
 * configuration.  The keys are in config_table.c, the reading of a file
 * in config_parse.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "config_table.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif

/* Read path from fp (already open) into *cfg, replacing it on success. */
static int
load_open(const char *path, FILE *fp, struct config *cfg, char **err)
{
	struct config n;
	int rc;

	config_init(&n);
	rc = config_parse_stream(path, fp, &n, err);
	fclose(fp);
	if (rc != 0) {
		config_reset(&n);
		return -1;
	}
	config_reset(cfg);
	*cfg = n;
	return 0;
}

/*
 * Open path if it can be read.  Returns 1 with *fp; 0 when there is no
 * such file, or (when it was not named by the user) it cannot be read
 * for want of permission, with a note in *notes; else -1 with *err.
 */
static int
open_config(const char *path, bool named, FILE **fp, char ***notes,
    char **err)
{
	size_t n;

	if ((*fp = fopen(path, "r")) != NULL)
		return 1;
	if (!named && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (!named && errno == EACCES) {
		n = strv_len(*notes);
		strv_add(notes, &n, xasprintf("%s: skipped: %s", path,
		    strerror(errno)));
		return 0;
	}
	return set_err(err, "%s: %s", path, strerror(errno));
}

int
config_load_file(const char *path, struct config *cfg, char **err)
{
	FILE *fp;

	if (path == NULL) {
		config_reset(cfg);
		config_init(cfg);
		return 0;
	}
	if (open_config(path, true, &fp, NULL, err) < 0)
		return -1;
	return load_open(path, fp, cfg, err);
}

int
config_load_buffer(const char *name, const char *text, size_t len,
    struct config *cfg, char **err)
{
	FILE *fp;

	/* A stream over the bytes: the same reader as for a file. */
	if ((fp = fmemopen((void *)(len > 0 ? text : ""), len, "r")) == NULL)
		return set_err(err, "%s: %s", name, strerror(errno));
	return load_open(name, fp, cfg, err);
}

/* The first of the searched places that exists, loaded into *cfg. */
static int
load_searched(struct config *cfg, char ***notes, char **err)
{
	const char *env, *home;
	char *path = NULL;
	FILE *fp;
	int rc = 0;

	/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && env[0] == '/')
		path = xasprintf("%s/touchbase/touchbase.conf", env);
	else if (!str_empty(home = getenv("HOME")))
		path = xasprintf("%s/.config/touchbase/touchbase.conf", home);
	if (path != NULL) {
		rc = open_config(path, false, &fp, notes, err);
		if (rc > 0)
			rc = load_open(path, fp, cfg, err) == 0 ? 1 : -1;
		free(path);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	rc = open_config(SYSCONFDIR "/touchbase.conf", false, &fp, notes, err);
	if (rc > 0)
		return load_open(SYSCONFDIR "/touchbase.conf", fp, cfg, err);
	if (rc < 0)
		return -1;
	return config_load_file(NULL, cfg, err);
}

int
config_load(const char *explicit_path, struct config *cfg, char **err)
{
	const char *env;
	char **notes = NULL;
	int rc;

	if (explicit_path != NULL)
		return config_load_file(explicit_path, cfg, err);
	if (!str_empty(env = getenv("TOUCHBASE_CONFIG")))
		return config_load_file(env, cfg, err);
	rc = load_searched(cfg, &notes, err);
	if (rc == 0) {
		strv_free(cfg->notes, strv_len(cfg->notes));
		cfg->notes = notes;
	} else
		strv_free(notes, strv_len(notes));
	return rc;
}

void
config_init(struct config *cfg)
{
	char *why = NULL;

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].def != NULL &&
		    config_value_set(cfg, &config_keys[i], config_keys[i].def,
		    NULL, false, &why) != 0)
			fatal("default of %s: %s",
			    config_key_name(&config_keys[i]), why);
}

void
config_reset(struct config *cfg)
{
	for (size_t i = 0; i < config_nkeys; i++)
		config_value_free(cfg, &config_keys[i]);
	free(cfg->source);
	cfg->source = NULL;
	free(cfg->lines);
	cfg->lines = NULL;
	strv_free(cfg->warnings, strv_len(cfg->warnings));
	cfg->warnings = NULL;
	strv_free(cfg->notes, strv_len(cfg->notes));
	cfg->notes = NULL;
}

int
config_line(const struct config *cfg, const char *section, const char *name)
{
	const struct key *k = config_key_find(section, name);

	if (k == NULL || cfg->lines == NULL)
		return 0;
	return cfg->lines[k - config_keys];
}

bool
config_setting_get(const struct config *cfg, size_t i,
    struct config_setting *out)
{
	const struct key *k;

	if (i >= config_nkeys)
		return false;
	k = &config_keys[i];
	out->section = k->section;
	out->name = k->name;
	out->help = k->help;
	out->value = config_value_text(cfg, k);
	out->line = cfg->lines != NULL ? cfg->lines[i] : 0;
	return true;
}

/* The name of value v of an enumerated key, or "unknown". */
static const char *
enum_name(const char *section, const char *name, int v)
{
	const struct key *k = config_key_find(section, name);

	for (int i = 0; k->names[i] != NULL; i++)
		if (i == v)
			return k->names[i];
	return "unknown";
}

const char *
config_transport_name(enum transport_kind t)
{
	return enum_name("delivery", "transport", (int)t);
}

const char *
config_inbox_name(enum inbox_kind k)
{
	return enum_name("inbox", "source", (int)k);
}
