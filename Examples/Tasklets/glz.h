/*
 * glz.h — the GLZ container format shared by compress.c and decompress.c.
 *
 * A GLZ file is a 28-byte header followed by an LZ77 payload. All integers are
 * little-endian.
 *
 *   offset size field
 *   0      4    magic "GRLZ" (0x47 0x52 0x4C 0x5A)
 *   4      1    version, 1
 *   5      1    flags, 0 (any other value is rejected by version-1 readers)
 *   6      2    reserved, 0
 *   8      8    original length in bytes
 *   16     4    CRC-32 of the original bytes (IEEE 802.3, the one zlib, gzip and PNG use)
 *   20     4    payload length in bytes; the file ends exactly after the payload
 *   24     4    CRC-32 of header bytes 0..23 (catches a damaged header before decoding)
 *   28     …    payload
 *
 * The payload is a sequence of LZ77 "sequences" (the layout of an LZ4 block):
 *
 *   token        1 byte: high nibble L = literal count, low nibble M = match length - 4
 *   [L more]     if L == 15: bytes added to L until one is < 255 (255, 255, 7 → 15+255+255+7)
 *   literals     L bytes copied to the output
 *   -- the last sequence ends here: the payload ends after its literals (and its M is 0) --
 *   offset       2 bytes: distance back from the current output position, 1..65535,
 *                at most the number of bytes output so far
 *   [M more]     if M == 15: bytes added to M the same way
 *   match        copy M + 4 bytes from `offset` bytes back, one at a time, so a
 *                match may overlap its own output (offset 1 repeats one byte)
 *
 * A reader must check every length against both the payload and the declared
 * original length, and the CRC-32 of what it decoded against the header; any
 * mismatch means the file is corrupt.
 */
#ifndef GLZ_H
#define GLZ_H

#include <stddef.h>
#include <stdint.h>

#define GLZ_MAGIC "GRLZ"
#define GLZ_VERSION 1
#define GLZ_HEADER_SIZE 28
#define GLZ_MIN_MATCH 4
#define GLZ_MAX_OFFSET 65535

/* ---- Little-endian helpers ---- */

static inline void glz_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static inline void glz_put64(uint8_t *p, uint64_t v) {
    glz_put32(p, (uint32_t)v);
    glz_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t glz_get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t glz_get64(const uint8_t *p) {
    return (uint64_t)glz_get32(p) | (uint64_t)glz_get32(p + 4) << 32;
}

/* ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) ---- */

static uint32_t glz_crc_table[256];

static inline void glz_crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        glz_crc_table[n] = c;
    }
}

/* Extends `crc` (0 to start) over `len` bytes. crc32("123456789") == 0xCBF43926. */
static inline uint32_t glz_crc32(uint32_t crc, const uint8_t *data, size_t len) {
    crc = ~crc;
    for (size_t i = 0; i < len; i++) crc = glz_crc_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* ---- The header ---- */

struct glz_header {
    uint64_t original_length;
    uint32_t original_crc;
    uint32_t payload_length;
};

static inline void glz_write_header(uint8_t out[GLZ_HEADER_SIZE], struct glz_header h) {
    for (int i = 0; i < 4; i++) out[i] = (uint8_t)GLZ_MAGIC[i];
    out[4] = GLZ_VERSION;
    out[5] = 0; /* flags */
    out[6] = out[7] = 0; /* reserved */
    glz_put64(out + 8, h.original_length);
    glz_put32(out + 16, h.original_crc);
    glz_put32(out + 20, h.payload_length);
    glz_put32(out + 24, glz_crc32(0, out, 24));
}

#endif /* GLZ_H */
