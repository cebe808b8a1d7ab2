/*
 * config_parse.h: reading one touchbase.conf into a struct config, for
 * config.c.  Every mistake of the file is reported in one pass.
 */
#ifndef TB_CONFIG_PARSE_H
#define TB_CONFIG_PARSE_H

#include <stdio.h>

#include "config.h"

/*
 * Read the open file fp, named path in messages, into *cfg (filled with
 * the defaults by the caller): every key it sets, the line of each, then
 * the checks across keys and the warnings about secrets.  Returns 0, or
 * -1 with *err holding every error found, one "PATH:LINE: why" per line
 * in the order of the file (caller frees); *cfg is then half filled and
 * only good for config_reset.
 */
int config_parse_stream(const char *path, FILE *fp, struct config *cfg,
    char **err);

#endif
