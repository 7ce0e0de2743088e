/*
 * hash.c — a content hasher and byte profiler, as a WASI preview1 command.
 *
 * Usage:  hash [FILE]
 *
 * Reads FILE (through WASI path_open, so its directory must be preopened, e.g.
 * `--dir .`), or standard input when no FILE (or "-") is given, and prints two lines:
 *
 *   sha256:<64 hex digits>  <N> bytes
 *   {"sha256":"<hex>","bytes":N,"lines":L,"histogram":{...},"distinct":D,"top":[...],"text":true}
 *
 * The first line is for people and for `grep`; the second is one JSON object:
 *
 *   lines      the number of "\n" bytes, plus one for a last line without "\n"
 *   histogram  byte counts by class:
 *                "nul"        0x00
 *                "control"    other C0 controls and DEL, except tab, LF, CR
 *                "whitespace" space, tab, LF, CR
 *                "printable"  0x21-0x7E
 *                "high"       0x80-0xFF (UTF-8 sequences, or binary)
 *   distinct   how many of the 256 byte values occur
 *   top        the five most frequent byte values, as {"byte":B,"count":C},
 *              most frequent first, equal counts by increasing byte value
 *   text       true when there is no NUL and no other control byte, i.e. the
 *              content looks like text (the heuristic `git diff` and `grep` use)
 *
 * Exit status: 0 on success, 1 when FILE cannot be opened or read, 2 on a usage error.
 *
 * SHA-256 comes from sha256.h. Input is read in 64 KiB chunks, so memory use is
 * constant.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

/* ---- The profile ------------------------------------------------------------ */

struct profile {
    uint64_t counts[256];
    uint64_t bytes;
    uint64_t newlines;
    uint8_t last_byte;
};

static void profile_update(struct profile *p, const uint8_t *data, size_t len) {
    for (size_t i = 0; i < len; i++) p->counts[data[i]]++;
    p->bytes += len;
    if (len > 0) p->last_byte = data[len - 1];
}

static void print_profile(const struct profile *p, const char hex[65]) {
    uint64_t nul = p->counts[0], control = 0, whitespace = 0, printable = 0, high = 0;
    int distinct = 0;
    for (int b = 0; b < 256; b++) {
        uint64_t n = p->counts[b];
        if (n) distinct++;
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') whitespace += n;
        else if (b > ' ' && b < 0x7F) printable += n;
        else if (b >= 0x80) high += n;
        else if (b != 0) control += n;
    }
    uint64_t lines = p->counts['\n'] + (p->bytes > 0 && p->last_byte != '\n' ? 1 : 0);

    printf("{\"sha256\":\"%s\",\"bytes\":%llu,\"lines\":%llu,", hex,
           (unsigned long long)p->bytes, (unsigned long long)lines);
    printf("\"histogram\":{\"nul\":%llu,\"control\":%llu,\"whitespace\":%llu,\"printable\":%llu,\"high\":%llu},",
           (unsigned long long)nul, (unsigned long long)control, (unsigned long long)whitespace,
           (unsigned long long)printable, (unsigned long long)high);
    printf("\"distinct\":%d,\"top\":[", distinct);

    /* Five selection passes over 256 counts: simpler than sorting, and cheap. */
    int taken[256] = {0};
    for (int rank = 0; rank < 5 && rank < distinct; rank++) {
        int best = -1;
        for (int b = 0; b < 256; b++) {
            if (!taken[b] && p->counts[b] > 0 && (best < 0 || p->counts[b] > p->counts[best])) best = b;
        }
        taken[best] = 1;
        printf("%s{\"byte\":%d,\"count\":%llu}", rank ? "," : "", best, (unsigned long long)p->counts[best]);
    }
    printf("],\"text\":%s}\n", nul == 0 && control == 0 ? "true" : "false");
}

/* ---- main ------------------------------------------------------------------- */

static uint8_t buffer[65536];

int main(int argc, char **argv) {
    if (argc > 2) {
        fprintf(stderr, "usage: hash [FILE]   (reads standard input without FILE or with \"-\")\n");
        return 2;
    }
    const char *path = argc == 2 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    FILE *in = stdin;
    if (path != NULL && (in = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "hash: cannot open %s: %s (is its directory preopened with --dir?)\n", path,
                strerror(errno));
        return 1;
    }

    struct sha256 sha;
    static struct profile profile; /* static: 2 KiB of counters, zero-initialised */
    sha256_init(&sha);
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, in)) > 0) {
        sha256_update(&sha, buffer, n);
        profile_update(&profile, buffer, n);
    }
    if (ferror(in)) {
        fprintf(stderr, "hash: cannot read %s: %s\n", path ? path : "standard input", strerror(errno));
        return 1;
    }
    if (in != stdin) fclose(in);

    uint8_t digest[32];
    char hex[65];
    sha256_final(&sha, digest);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
    hex[64] = '\0';

    printf("sha256:%s  %llu bytes\n", hex, (unsigned long long)profile.bytes);
    print_profile(&profile, hex);
    return 0;
}
