/*
 * decompress.c — verifies and decodes a GLZ file (see glz.h), as a WASI command.
 *
 * Usage:  decompress [FILE]
 *
 *   FILE   the GLZ file, e.g. /artifacts/NAME written by `compress --artifact NAME`
 *          (its directory must be preopened); default standard input
 *
 * Writes the original bytes to standard output, and only after every check passed:
 * a corrupt file produces no output at all. The checks, in order: the header's
 * size, magic, version, flags and own CRC-32; the file's length against the
 * payload length; every literal run, match offset and match length against the
 * payload and the declared original length; that decoding ends exactly at the end
 * of the payload with exactly the original length; and the CRC-32 of the result.
 *
 * Exit status: 0 success, 1 the input is not a valid GLZ file or is corrupt (the
 * reason, with its byte offset where there is one, goes to standard error),
 * 2 usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glz.h"

/* Reports why the file is rejected and returns exit status 1. */
static int corrupt(const char *what, long offset) {
    if (offset >= 0) fprintf(stderr, "decompress: corrupt GLZ file: %s (at byte %ld)\n", what, offset);
    else fprintf(stderr, "decompress: corrupt GLZ file: %s\n", what);
    return 1;
}

/* Reads a length continuation (255, 255, …, <255) and adds it to *value.
 * Returns 0, or -1 when the payload ends first. */
static int get_length(const uint8_t **ip, const uint8_t *end, size_t *value) {
    for (;;) {
        if (*ip == end) return -1;
        uint8_t byte = *(*ip)++;
        *value += byte;
        if (byte != 255) return 0;
    }
}

/* Decodes payload[0..len) into out[0..capacity); returns 0 or an exit status. */
static int decode(const uint8_t *payload, size_t len, uint8_t *out, size_t capacity) {
    const uint8_t *ip = payload, *end = payload + len;
    uint8_t *op = out, *out_end = out + capacity;
#define AT(p) ((long)((p) - payload) + GLZ_HEADER_SIZE) /* file offset, for messages */
    for (;;) {
        if (ip == end) return corrupt("payload ends before its final sequence", AT(ip));
        uint8_t token = *ip++;
        size_t literal_len = token >> 4;
        if (literal_len == 15 && get_length(&ip, end, &literal_len) != 0)
            return corrupt("literal length runs past the payload", AT(ip));
        if (literal_len > (size_t)(end - ip)) return corrupt("literals run past the payload", AT(ip));
        if (literal_len > (size_t)(out_end - op)) return corrupt("literals run past the original length", AT(ip));
        memcpy(op, ip, literal_len);
        ip += literal_len;
        op += literal_len;

        if (ip == end) { /* the final sequence: literals only */
            if ((token & 15) != 0) return corrupt("payload ends inside a match", AT(ip));
            if (op != out_end) return corrupt("decoded data is shorter than the original length", -1);
            return 0;
        }

        if (end - ip < 2) return corrupt("match offset runs past the payload", AT(ip));
        size_t offset = (size_t)ip[0] | (size_t)ip[1] << 8;
        if (offset == 0 || offset > (size_t)(op - out)) return corrupt("match offset out of range", AT(ip));
        ip += 2;
        size_t match_len = token & 15;
        if (match_len == 15 && get_length(&ip, end, &match_len) != 0)
            return corrupt("match length runs past the payload", AT(ip));
        match_len += GLZ_MIN_MATCH;
        if (match_len > (size_t)(out_end - op)) return corrupt("match runs past the original length", AT(ip));
        /* Byte by byte: a match may overlap the bytes it is producing. */
        const uint8_t *from = op - offset;
        for (size_t i = 0; i < match_len; i++) op[i] = from[i];
        op += match_len;
    }
#undef AT
}

int main(int argc, char **argv) {
    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != '\0')) {
        fprintf(stderr, "usage: decompress [FILE]   (reads standard input without FILE or with \"-\")\n");
        return 2;
    }
    const char *path = argc == 2 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    FILE *in = stdin;
    if (path != NULL && (in = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "decompress: cannot open %s: %s (is its directory preopened?)\n", path, strerror(errno));
        return 2;
    }

    /* The header first, so the payload can be read into a buffer of its declared size. */
    uint8_t header[GLZ_HEADER_SIZE];
    size_t got = fread(header, 1, GLZ_HEADER_SIZE, in);
    if (ferror(in)) {
        fprintf(stderr, "decompress: cannot read the input: %s\n", strerror(errno));
        return 2;
    }
    if (got < GLZ_HEADER_SIZE) return corrupt("shorter than the 28-byte header", -1);
    if (memcmp(header, GLZ_MAGIC, 4) != 0) return corrupt("not a GLZ file (bad magic)", 0);
    if (header[4] != GLZ_VERSION) {
        fprintf(stderr, "decompress: unsupported GLZ version %d (this reader knows version %d)\n", header[4],
                GLZ_VERSION);
        return 1;
    }
    glz_crc_init();
    if (glz_get32(header + 24) != glz_crc32(0, header, 24)) return corrupt("header checksum mismatch", 24);
    if (header[5] != 0) return corrupt("unknown flags", 5);
    uint64_t original_length = glz_get64(header + 8);
    uint32_t original_crc = glz_get32(header + 16);
    uint32_t payload_length = glz_get32(header + 20);
    if (original_length > SIZE_MAX / 2) return corrupt("original length too large for this machine", 8);

    uint8_t *payload = malloc(payload_length ? payload_length : 1);
    uint8_t *out = malloc(original_length ? (size_t)original_length : 1);
    if (payload == NULL || out == NULL) {
        fprintf(stderr, "decompress: out of memory for a %u-byte payload and %llu bytes of output\n",
                (unsigned)payload_length, (unsigned long long)original_length);
        return 2;
    }
    got = fread(payload, 1, payload_length, in);
    if (ferror(in)) {
        fprintf(stderr, "decompress: cannot read the input: %s\n", strerror(errno));
        return 2;
    }
    if (got < payload_length) return corrupt("file is shorter than its payload length", (long)(GLZ_HEADER_SIZE + got));
    if (fgetc(in) != EOF) return corrupt("trailing bytes after the payload", (long)(GLZ_HEADER_SIZE + got));

    int status = decode(payload, payload_length, out, (size_t)original_length);
    if (status != 0) return status;
    if (glz_crc32(0, out, (size_t)original_length) != original_crc) return corrupt("data checksum mismatch", -1);

    if (fwrite(out, 1, (size_t)original_length, stdout) != original_length || fflush(stdout) != 0) {
        fprintf(stderr, "decompress: cannot write standard output: %s\n", strerror(errno));
        return 2;
    }
    return 0;
}
