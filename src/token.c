/* token.c: reply tokens (see token.h), with GLib's HMAC. */
#include "token.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "util.h"

#define NONCE_HEX 16
#define MAC_HEX 16

int
token_key_parse(const char *hex, struct token_key *key, char **err)
{
	unsigned int byte;

	if (hex == NULL || strlen(hex) != 2 * TOKEN_KEY_LEN ||
	    strspn(hex, "0123456789abcdefABCDEF") != 2 * TOKEN_KEY_LEN)
		return set_err(err, "the reply key is not %d hex digits",
		    2 * TOKEN_KEY_LEN);
	for (size_t i = 0; i < TOKEN_KEY_LEN; i++) {
		sscanf(hex + 2 * i, "%2x", &byte);
		key->bytes[i] = (unsigned char)byte;
	}
	return 0;
}

/* The MAC of nonce (NONCE_HEX digits) for recipient, into mac. */
static void
mac_of(const struct token_key *key, const char *nonce, const char *recipient,
    char mac[MAC_HEX + 1])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key->bytes, TOKEN_KEY_LEN);
	const char *digest;

	g_hmac_update(h, (const guchar *)nonce, NONCE_HEX);
	g_hmac_update(h, (const guchar *)"/", 1);
	for (const char *p = recipient; *p != '\0'; p++) {
		guchar c = (guchar)tolower((unsigned char)*p);

		g_hmac_update(h, &c, 1);
	}
	digest = g_hmac_get_string(h);
	memcpy(mac, digest, MAC_HEX);
	mac[MAC_HEX] = '\0';
	g_hmac_unref(h);
}

char *
token_mint(const struct token_key *key, const char *recipient)
{
	unsigned char rnd[NONCE_HEX / 2];
	char nonce[NONCE_HEX + 1], mac[MAC_HEX + 1];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		fatal("getrandom failed");
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	mac_of(key, nonce, recipient, mac);
	return xasprintf("%s.%s", nonce, mac);
}

bool
token_valid(const struct token_key *key, const char *local,
    const char *recipient)
{
	char mac[MAC_HEX + 1];
	unsigned char diff = 0;

	if (local == NULL || recipient == NULL ||
	    strlen(local) != NONCE_HEX + 1 + MAC_HEX ||
	    local[NONCE_HEX] != '.' ||
	    strspn(local, "0123456789abcdef") != NONCE_HEX ||
	    strspn(local + NONCE_HEX + 1, "0123456789abcdef") != MAC_HEX)
		return false;
	mac_of(key, local, recipient, mac);
	/* In constant time, as MACs are compared. */
	for (size_t i = 0; i < MAC_HEX; i++)
		diff |= (unsigned char)(mac[i] ^ local[NONCE_HEX + 1 + i]);
	return diff == 0;
}

char *
token_digest(const void *data, size_t len)
{
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
	char *copy = xstrdup(hex);

	g_free(hex);
	return copy;
}
