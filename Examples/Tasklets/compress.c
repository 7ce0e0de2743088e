/*
 * compress.c — an LZ77 compressor writing the GLZ container (see glz.h), as a WASI command.
 *
 * Usage:  compress [--level N] [--artifact NAME] [FILE]
 *
 *   FILE             what to compress (its directory must be preopened); default standard input
 *   --level N        1 (fastest) to 9 (smallest); how many earlier positions with the same
 *                    4-byte hash are tried for each match: 2^(N-1). Default 5 (16 tries).
 *   --artifact NAME  write the GLZ file to /artifacts/NAME (the runtime mounts the launch's
 *                    block storage at /artifacts) instead of standard output, creating the
 *                    directories NAME names, and print a one-line JSON summary:
 *                    {"artifact":"/artifacts/NAME","original":N,"compressed":M,"crc32":"89abcdef"}
 *                    NAME is relative: no leading "/", no empty, "." or ".." components.
 *
 * Exit status: 0 on success, 1 when reading the input or writing the output fails,
 * 2 on a usage error. `decompress` restores the input byte for byte.
 *
 * The compressor is greedy: at each position it takes the longest match it finds
 * among the candidates of a hash chain over a 64 KiB window, or emits a literal.
 * Its memory is the input, the output, a 128 KiB hash table and a 256 KiB chain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "glz.h"

#define HASH_BITS 15
#define WINDOW_SIZE 65536 /* a power of two above GLZ_MAX_OFFSET */

static uint32_t head[1 << HASH_BITS]; /* per hash: 1 + the latest position with it, or 0 */
static uint32_t chain[WINDOW_SIZE];   /* per position (mod window): 1 + the previous one, or 0 */

static uint32_t read32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4); /* one unaligned i32.load in WebAssembly */
    return v;
}

/* Fibonacci hashing of the next four bytes. */
static uint32_t hash4(const uint8_t *p) { return (read32(p) * 2654435761u) >> (32 - HASH_BITS); }

/* The length of the common prefix of a and b, at most `limit` bytes: four bytes at a
 * time, then the first differing byte is the lowest set byte of the XOR (WebAssembly
 * is little-endian). */
static size_t common_length(const uint8_t *a, const uint8_t *b, size_t limit) {
    size_t len = 0;
    while (len + 4 <= limit) {
        uint32_t diff = read32(a + len) ^ read32(b + len);
        if (diff != 0) return len + (size_t)(__builtin_ctz(diff) >> 3);
        len += 4;
    }
    while (len < limit && a[len] == b[len]) len++;
    return len;
}

/* Appends a length continuation: 255s while the rest is >= 255, then the rest. */
static uint8_t *put_length(uint8_t *op, size_t rest) {
    for (; rest >= 255; rest -= 255) *op++ = 255;
    *op++ = (uint8_t)rest;
    return op;
}

/* Appends one sequence: `literal_len` literals, then (when match_len > 0) a match. */
static uint8_t *put_sequence(uint8_t *op, const uint8_t *literals, size_t literal_len, uint32_t offset,
                             size_t match_len) {
    size_t m = match_len ? match_len - GLZ_MIN_MATCH : 0;
    *op++ = (uint8_t)((literal_len < 15 ? literal_len : 15) << 4 | (m < 15 ? m : 15));
    if (literal_len >= 15) op = put_length(op, literal_len - 15);
    memcpy(op, literals, literal_len);
    op += literal_len;
    if (match_len) {
        *op++ = (uint8_t)offset;
        *op++ = (uint8_t)(offset >> 8);
        if (m >= 15) op = put_length(op, m - 15);
    }
    return op;
}

/* The most the payload can take for `n` input bytes: all literals plus their lengths. */
static size_t payload_bound(size_t n) { return n + n / 255 + 16; }

/* Compresses in[0..n) into `out` (payload_bound(n) bytes); returns the payload length. */
static size_t compress_payload(const uint8_t *in, size_t n, uint8_t *out, int max_tries) {
    uint8_t *op = out;
    size_t anchor = 0; /* first input byte not yet emitted */
    size_t pos = 0;
    memset(head, 0, sizeof head);

    while (pos + GLZ_MIN_MATCH <= n) {
        uint32_t h = hash4(in + pos);
        size_t best_len = 0, best_offset = 0;
        size_t limit = n - pos; /* a match may run to the end of the input */
        uint32_t candidate = head[h];
        for (int tries = 0; candidate != 0 && tries < max_tries; tries++) {
            size_t c = candidate - 1;
            if (pos - c > GLZ_MAX_OFFSET) break; /* the chain only gets older from here */
            /* Cheap rejections first: the byte that would extend the best match, then 4 bytes. */
            if ((best_len == 0 || (best_len < limit && in[c + best_len] == in[pos + best_len])) &&
                read32(in + c) == read32(in + pos)) {
                size_t len = GLZ_MIN_MATCH + common_length(in + c + GLZ_MIN_MATCH, in + pos + GLZ_MIN_MATCH,
                                                           limit - GLZ_MIN_MATCH);
                if (len > best_len) {
                    best_len = len;
                    best_offset = pos - c;
                    if (len == limit) break; /* cannot do better */
                }
            }
            candidate = chain[c & (WINDOW_SIZE - 1)];
        }
        /* Record this position, then the ones a match covers, in the hash chains. */
        chain[pos & (WINDOW_SIZE - 1)] = head[h];
        head[h] = (uint32_t)pos + 1;
        if (best_len < GLZ_MIN_MATCH) {
            pos++;
            continue;
        }
        op = put_sequence(op, in + anchor, pos - anchor, (uint32_t)best_offset, best_len);
        size_t end = pos + best_len;
        for (pos++; pos < end && pos + GLZ_MIN_MATCH <= n; pos++) {
            uint32_t hp = hash4(in + pos);
            chain[pos & (WINDOW_SIZE - 1)] = head[hp];
            head[hp] = (uint32_t)pos + 1;
        }
        pos = anchor = end;
    }
    /* The payload always ends with a literals-only sequence (possibly of zero literals). */
    op = put_sequence(op, in + anchor, n - anchor, 0, 0);
    return (size_t)(op - out);
}

/* Reads all of `f` into a malloc'ed buffer. Returns NULL (errno set) on failure. */
static uint8_t *read_all(FILE *f, size_t *length) {
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (bigger == NULL) free(buf);
        buf = bigger;
    }
    if (buf != NULL && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    *length = n;
    return buf;
}

/* Checks that NAME is a relative path without empty, "." or ".." components, and
 * without characters that would need escaping in the JSON summary. */
static int valid_artifact_name(const char *name) {
    if (*name == '\0' || *name == '/') return 0;
    for (const char *p = name; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7F) return 0;
    }
    for (const char *part = name;;) {
        size_t len = strcspn(part, "/");
        if (len == 0 || (len == 1 && part[0] == '.') || (len == 2 && part[0] == '.' && part[1] == '.')) return 0;
        if (part[len] == '\0') return 1;
        part += len + 1;
    }
}

/* Creates the directories leading to `path` (each component but the last). */
static int make_parents(char *path) {
    for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        int rc = mkdir(path, 0755);
        *slash = '/';
        if (rc != 0 && errno != EEXIST) return -1;
    }
    return 0;
}

static int usage(void) {
    fprintf(stderr, "usage: compress [--level 1-9] [--artifact NAME] [FILE]\n");
    return 2;
}

int main(int argc, char **argv) {
    int level = 5;
    const char *artifact = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
            level = atoi(argv[++i]);
            if (level < 1 || level > 9) return usage();
        } else if (strcmp(argv[i], "--artifact") == 0 && i + 1 < argc) {
            artifact = argv[++i];
            if (!valid_artifact_name(artifact)) {
                fprintf(stderr, "compress: bad artifact name \"%s\": use a relative path like \"dir/name.glz\"\n",
                        artifact);
                return 2;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage();
        } else if (path == NULL) {
            path = argv[i];
        } else {
            return usage();
        }
    }

    FILE *in = stdin;
    if (path != NULL && strcmp(path, "-") != 0 && (in = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "compress: cannot open %s: %s (is its directory preopened?)\n", path, strerror(errno));
        return 1;
    }
    size_t n;
    uint8_t *input = read_all(in, &n);
    if (input == NULL) {
        fprintf(stderr, "compress: cannot read the input: %s\n", strerror(errno));
        return 1;
    }

    uint8_t *file = malloc(GLZ_HEADER_SIZE + payload_bound(n));
    if (file == NULL) {
        fprintf(stderr, "compress: out of memory for %zu bytes of input\n", n);
        return 1;
    }
    glz_crc_init();
    size_t payload = compress_payload(input, n, file + GLZ_HEADER_SIZE, 1 << (level - 1));
    struct glz_header header = {n, glz_crc32(0, input, n), (uint32_t)payload};
    glz_write_header(file, header);
    size_t total = GLZ_HEADER_SIZE + payload;

    if (artifact == NULL) {
        if (fwrite(file, 1, total, stdout) != total || fflush(stdout) != 0) {
            fprintf(stderr, "compress: cannot write standard output: %s\n", strerror(errno));
            return 1;
        }
        return 0;
    }

    char *target = malloc(strlen("/artifacts/") + strlen(artifact) + 1);
    if (target == NULL) return 1;
    strcpy(target, "/artifacts/");
    strcat(target, artifact);
    FILE *out = NULL;
    if (make_parents(target) != 0 || (out = fopen(target, "wb")) == NULL || fwrite(file, 1, total, out) != total ||
        fclose(out) != 0) {
        fprintf(stderr, "compress: cannot write %s: %s (is block storage mounted at /artifacts?)\n", target,
                strerror(errno));
        return 1;
    }
    printf("{\"artifact\":\"%s\",\"original\":%zu,\"compressed\":%zu,\"crc32\":\"%08x\"}\n", target, n, total,
           (unsigned)header.original_crc);
    return 0;
}
