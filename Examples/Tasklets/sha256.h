/*
 * sha256.h — SHA-256 (FIPS 180-4) in portable, freestanding C: no libc, no allocation.
 * Shared by hash.c (WASI) and cas.c (freestanding `grafos` ABI).
 *
 *     struct sha256 h;
 *     sha256_init(&h);
 *     sha256_update(&h, data, len);   // any number of times
 *     uint8_t digest[32];
 *     sha256_final(&h, digest);
 *
 * check.py compares hash's digests with Python's hashlib over every fixture and source file.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t state[8];
    uint8_t block[64];
    uint32_t block_len;  /* bytes waiting in `block` */
    uint64_t total_len;  /* bytes hashed so far */
};

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The functions of FIPS 180-4, section 4.1.2. */
static inline uint32_t sha256_rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static inline uint32_t sha256_ch(uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); }
static inline uint32_t sha256_maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (z & (x | y)); }
static inline uint32_t sha256_big_sigma0(uint32_t x) {
    return sha256_rotr(x, 2) ^ sha256_rotr(x, 13) ^ sha256_rotr(x, 22);
}
static inline uint32_t sha256_big_sigma1(uint32_t x) {
    return sha256_rotr(x, 6) ^ sha256_rotr(x, 11) ^ sha256_rotr(x, 25);
}
static inline uint32_t sha256_small_sigma0(uint32_t x) {
    return sha256_rotr(x, 7) ^ sha256_rotr(x, 18) ^ (x >> 3);
}
static inline uint32_t sha256_small_sigma1(uint32_t x) {
    return sha256_rotr(x, 17) ^ sha256_rotr(x, 19) ^ (x >> 10);
}

static inline void sha256_init(struct sha256 *h) {
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    for (int i = 0; i < 8; i++) h->state[i] = initial[i];
    h->block_len = 0;
    h->total_len = 0;
}

/* Mixes one 64-byte block into the state. */
static inline void sha256_compress(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[64]; /* the message schedule */
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        w[i] = sha256_small_sigma1(w[i - 2]) + w[i - 7] + sha256_small_sigma0(w[i - 15]) + w[i - 16];
    }

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    /* One round is: T1 = h + Σ1(e) + Ch(e,f,g) + K[i] + W[i]; T2 = Σ0(a) + Maj(a,b,c);
     * h = g; g = f; f = e; e = d + T1; d = c; c = b; b = a; a = T1 + T2.
     * Instead of shifting the eight variables every round, each round below names them
     * one place further along, which is the same thing; after eight rounds the names are
     * back where they started. This spares 8 moves per round, a third of an interpreter's work. */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, i)                                                   \
    do {                                                                                          \
        uint32_t t1 = h + sha256_big_sigma1(e) + sha256_ch(e, f, g) + sha256_k[i] + w[i];         \
        d += t1;                                                                                  \
        h = t1 + sha256_big_sigma0(a) + sha256_maj(a, b, c);                                      \
    } while (0)
    for (int i = 0; i < 64; i += 8) {
        SHA256_ROUND(a, b, c, d, e, f, g, h, i + 0);
        SHA256_ROUND(h, a, b, c, d, e, f, g, i + 1);
        SHA256_ROUND(g, h, a, b, c, d, e, f, i + 2);
        SHA256_ROUND(f, g, h, a, b, c, d, e, i + 3);
        SHA256_ROUND(e, f, g, h, a, b, c, d, i + 4);
        SHA256_ROUND(d, e, f, g, h, a, b, c, i + 5);
        SHA256_ROUND(c, d, e, f, g, h, a, b, i + 6);
        SHA256_ROUND(b, c, d, e, f, g, h, a, i + 7);
    }
#undef SHA256_ROUND
    state[0] += a, state[1] += b, state[2] += c, state[3] += d;
    state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

static inline void sha256_update(struct sha256 *h, const uint8_t *data, size_t len) {
    h->total_len += len;
    if (h->block_len > 0) { /* top up a partial block first */
        size_t take = 64 - h->block_len < len ? 64 - h->block_len : len;
        for (size_t i = 0; i < take; i++) h->block[h->block_len + i] = data[i];
        h->block_len += (uint32_t)take;
        data += take;
        len -= take;
        if (h->block_len < 64) return;
        sha256_compress(h->state, h->block);
        h->block_len = 0;
    }
    for (; len >= 64; data += 64, len -= 64) sha256_compress(h->state, data);
    for (size_t i = 0; i < len; i++) h->block[i] = data[i];
    h->block_len = (uint32_t)len;
}

static inline void sha256_final(struct sha256 *h, uint8_t digest[32]) {
    uint64_t bits = h->total_len * 8;
    uint8_t pad[72] = {0x80}; /* 0x80, zeros, then the 64-bit big-endian bit length */
    size_t pad_len = (h->block_len < 56 ? 56 : 120) - h->block_len;
    for (int i = 0; i < 8; i++) pad[pad_len + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(h, pad, pad_len + 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(h->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h->state[i];
    }
}

#endif /* SHA256_H */
