/*
 * sha256.h — SHA-256 (FIPS 180-4), small and self-contained, for the
 * submission hash the results history records.
 *
 * Interface: sha256_init → sha256_update ... → sha256_final (32 bytes), or
 * sha256_hex for the usual 64 lowercase hex digits.
 */
#ifndef UNDERGO_SHA256_H
#define UNDERGO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

typedef struct sha256 {
    uint32_t h[8];
    uint64_t bytes;         /* message length so far */
    uint8_t block[64];
    size_t used;            /* bytes waiting in block */
} sha256_t;

/* Starts a new hash. Can't fail. */
void sha256_init(sha256_t *s);
/* Adds len bytes. Can't fail. */
void sha256_update(sha256_t *s, const void *data, size_t len);
/* Pads, writes the 32-byte digest to out; s must be re-initialized to reuse. */
void sha256_final(sha256_t *s, uint8_t out[32]);
/* Finishes s as sha256_final and writes 64 hex digits and a NUL to hex. */
void sha256_hex(sha256_t *s, char hex[SHA256_HEX_LEN + 1]);

#endif
