/*
 * cas.c — content-addressed put into the launch's block storage, as a freestanding
 * `grafos` tasklet. It shows the object half of the host ABI: object_read and
 * object_write, and the errors a tasklet must expect from them.
 *
 * Input:  any bytes.
 * Effect: stores them as the object "sha256/<hex digest>" unless an object of that
 *         name and length is already there (a put is idempotent, so a retried
 *         chunk writes nothing new).
 * Output: one line of JSON:
 *
 *   {"key":"sha256/ba7816bf…","bytes":3,"stored":true}
 *
 *   "stored" is false when the object already existed.
 *
 * Exit code: 0 success; 2 the host refused: no block storage is mounted (-5), the
 * storage is full (-4), or the output limit was hit; the reason goes to the log.
 *
 * The whole input is held in linear memory (object_write takes one buffer), grown
 * with memory.grow to the input's size.
 *
 * Build (see build.sh):
 *   clang --target=wasm32 -ffreestanding -nostdlib -O2 -Wl,--no-entry cas.c -o cas.wasm
 */
#include "grafos.h"
#include "sha256.h"

extern unsigned char __heap_base; /* first free byte after data and stack, from wasm-ld */

/* Returns `bytes` of fresh linear memory at __heap_base, or NULL if it cannot grow. */
static uint8_t *heap_reserve(size_t bytes) {
    uintptr_t base = (uintptr_t)&__heap_base;
    size_t have = __builtin_wasm_memory_size(0) * 65536;
    if (base + bytes > have) {
        size_t pages = (base + bytes - have + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return NULL;
    }
    return (uint8_t *)base;
}

static void log_str(const char *s) {
    int32_t n = 0;
    while (s[n]) n++;
    grafos_log(s, n);
}

/* Appends the decimal digits of v to p; returns the new end. */
static char *put_u32(char *p, uint32_t v) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) *p++ = digits[--n];
    return p;
}

static char *put_str(char *p, const char *s) {
    while (*s) *p++ = *s++;
    return p;
}

/* Logs why a host call failed and returns the exit code for it. */
static int32_t host_error(const char *call, int32_t rc) {
    log_str(call);
    switch (rc) {
    case GRAFOS_E_NO_STORAGE: log_str("cas: no block storage is mounted for this launch"); break;
    case GRAFOS_E_STORAGE_FULL: log_str("cas: the block storage is full"); break;
    case GRAFOS_E_OUTPUT_LIMIT: log_str("cas: output limit exceeded"); break;
    default: log_str("cas: unexpected host error"); break;
    }
    return 2;
}

GRAFOS_EXPORT("run")
int32_t run(void) {
    int32_t size = grafos_input_size();
    uint8_t *data = heap_reserve((size_t)size);
    if (data == NULL) {
        log_str("cas: the input does not fit in linear memory");
        return 2;
    }
    for (int32_t offset = 0; offset < size;) {
        int32_t n = grafos_input_read(data + offset, size - offset, offset);
        if (n <= 0) return host_error("cas: input_read failed", n);
        offset += n;
    }

    struct sha256 sha;
    uint8_t digest[32];
    sha256_init(&sha);
    sha256_update(&sha, data, (size_t)size);
    sha256_final(&sha, digest);

    char key[7 + 64];
    char *k = put_str(key, "sha256/");
    for (int i = 0; i < 32; i++) {
        *k++ = "0123456789abcdef"[digest[i] >> 4];
        *k++ = "0123456789abcdef"[digest[i] & 15];
    }
    int32_t key_len = (int32_t)(k - key);

    /* With cap 0, object_read copies nothing and only reports the object's length. */
    int32_t existing = grafos_object_read(key, key_len, data, 0);
    int stored = 0;
    if (existing == GRAFOS_E_NOT_FOUND || (existing >= 0 && existing != size)) {
        int32_t rc = grafos_object_write(key, key_len, data, size);
        if (rc < 0) return host_error("cas: object_write failed", rc);
        stored = 1;
    } else if (existing < 0) {
        return host_error("cas: object_read failed", existing);
    }

    char line[160];
    char *p = put_str(line, "{\"key\":\"");
    for (int32_t i = 0; i < key_len; i++) *p++ = key[i];
    p = put_str(p, "\",\"bytes\":");
    p = put_u32(p, (uint32_t)size);
    p = put_str(p, stored ? ",\"stored\":true}\n" : ",\"stored\":false}\n");
    int32_t rc = grafos_output_write(line, (int32_t)(p - line));
    if (rc < 0) return host_error("cas: output_write failed", rc);
    return 0;
}
