/*
 * grafos.h — the `grafos` host ABI for freestanding (no libc) WebAssembly tasklets.
 *
 * A freestanding tasklet is a core WebAssembly module that imports the functions
 * below from the module "grafos" and exports:
 *
 *     run    : () -> i32     the entry point; its result is the tasklet's exit code
 *     memory : memory        its linear memory (wasm-ld exports it by default)
 *
 * Every pointer and length is an i32. A negative result is an error:
 *
 *     -1  GRAFOS_E_BOUNDS        a pointer/length pair is outside linear memory
 *     -2  GRAFOS_E_OUTPUT_LIMIT  the launch's output limit (max_output) would be exceeded
 *     -3  GRAFOS_E_NOT_FOUND     object_read: no object with that key
 *     -4  GRAFOS_E_STORAGE_FULL  object_write: the block lease has no room left
 *     -5  GRAFOS_E_NO_STORAGE    object_*: the launch has no block storage mounted
 *
 * The imports are declared with clang's import_module/import_name attributes, so
 * wasm-ld turns them into imports by itself: no `--allow-undefined` is needed,
 * and any other undefined symbol (a typo, a stray libc call) stays a link error
 * instead of becoming a surprise import from "env".
 */
#ifndef GRAFOS_H
#define GRAFOS_H

#include <stdint.h>   /* freestanding header: fixed-width integer types only */
#include <stddef.h>   /* freestanding header: size_t, NULL */

#define GRAFOS_IMPORT(name) __attribute__((import_module("grafos"), import_name(name)))
#define GRAFOS_EXPORT(name) __attribute__((export_name(name)))

enum {
    GRAFOS_E_BOUNDS = -1,
    GRAFOS_E_OUTPUT_LIMIT = -2,
    GRAFOS_E_NOT_FOUND = -3,
    GRAFOS_E_STORAGE_FULL = -4,
    GRAFOS_E_NO_STORAGE = -5,
};

/* Size of the launch's input in bytes. */
GRAFOS_IMPORT("input_size")
int32_t grafos_input_size(void);

/* Copies up to `len` input bytes starting at input offset `offset` to `dst`.
 * Returns the number of bytes copied (0 at or past the end of the input). */
GRAFOS_IMPORT("input_read")
int32_t grafos_input_read(void *dst, int32_t len, int32_t offset);

/* Appends `len` bytes at `src` to the tasklet's output. Returns 0 or an error. */
GRAFOS_IMPORT("output_write")
int32_t grafos_output_write(const void *src, int32_t len);

/* Writes a line to the launch's log (bounded by the runtime; never fails). */
GRAFOS_IMPORT("log")
void grafos_log(const void *src, int32_t len);

/* Reads the object named by the key into `dst`, copying min(length, cap) bytes.
 * Returns the object's full length (so a caller can retry with a larger buffer). */
GRAFOS_IMPORT("object_read")
int32_t grafos_object_read(const void *key, int32_t key_len, void *dst, int32_t cap);

/* Writes (replaces) the object named by the key. Returns 0 or an error. */
GRAFOS_IMPORT("object_write")
int32_t grafos_object_write(const void *key, int32_t key_len, const void *src, int32_t len);

#endif /* GRAFOS_H */
