/*
 * token.h: reply tokens.  Every Message-ID touchbase mints is
 * NONCE.MAC@domain: NONCE 16 random hex digits, MAC the first 16 hex
 * digits of HMAC-SHA256(key, NONCE "/" recipient in lower case).  A reply
 * that names one in In-Reply-To or References, from that recipient,
 * proves it answers that message: nobody without the key (kept in the
 * database, made by init, never printed) can make a token for another
 * address, and nobody can guess one.  GLib's GHmac stays inside token.c.
 */
#ifndef TB_TOKEN_H
#define TB_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_KEY_LEN 32

struct token_key {
	unsigned char	bytes[TOKEN_KEY_LEN];
};

/* Parse the key as stored (64 hex digits).  Returns 0, or -1 with *err. */
int token_key_parse(const char *hex, struct token_key *key, char **err);

/* A new NONCE.MAC for recipient (any case).  Caller frees. */
char *token_mint(const struct token_key *key, const char *recipient);

/* Whether local (a Message-ID's part before "@", or a subaddress) is a
 * token minted for recipient (any case) with key. */
bool token_valid(const struct token_key *key, const char *local,
    const char *recipient);

/* The SHA-256 of data in hex (64 digits), e.g. to know a message again
 * that has no Message-ID.  Caller frees. */
char *token_digest(const void *data, size_t len);

#endif
