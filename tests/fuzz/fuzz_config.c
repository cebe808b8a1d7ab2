/*
 * fuzz_config.c: the configuration parser (config.c).
 *
 * Input: a touchbase.conf.  A file that loads gives a configuration
 * whose settings are in their ranges; one that does not gives an error
 * naming the file.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "util.h"

static void
check_config(const struct config *cfg)
{
	fuzz_assert(cfg->source != NULL && strcmp(cfg->source, "fuzz.conf")
	    == 0, "source: %s", cfg->source ? cfg->source : "(null)");
	fuzz_assert(cfg->connections >= 1 && cfg->connections <= 16,
	    "connections %d", cfg->connections);
	fuzz_assert(cfg->lead_days >= 0 && cfg->lead_days <= 365,
	    "lead_days %d", cfg->lead_days);
	fuzz_assert(cfg->meeting_hour >= 0 && cfg->meeting_hour <= 23 &&
	    cfg->meeting_minute >= 0 && cfg->meeting_minute <= 59,
	    "meeting_time %d:%d", cfg->meeting_hour, cfg->meeting_minute);
	fuzz_assert(cfg->digest_weekday >= 1 && cfg->digest_weekday <= 7,
	    "digest weekday %d", cfg->digest_weekday);
	fuzz_assert(strcmp(config_transport_name(cfg->transport), "unknown")
	    != 0, "transport %d", (int)cfg->transport);
	fuzz_assert(strcmp(config_inbox_name(cfg->inbox_source), "unknown")
	    != 0, "inbox source %d", (int)cfg->inbox_source);
	fuzz_assert(cfg->db_path != NULL && cfg->from != NULL &&
	    cfg->timezone != NULL, "a setting with a default is unset");
	for (size_t i = 0; i < strv_len(cfg->warnings); i++)
		fuzz_assert(cfg->warnings[i][0] != '\0', "an empty warning");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *err = NULL;

	config_init(&cfg);
	if (config_load_buffer("fuzz.conf", (const char *)data, size, &cfg,
	    &err) == 0)
		check_config(&cfg);
	else {
		fuzz_assert(err != NULL && strncmp(err, "fuzz.conf", 9) == 0,
		    "error names no file: %s", err ? err : "(null)");
		free(err);
	}
	config_reset(&cfg);
	return 0;
}
