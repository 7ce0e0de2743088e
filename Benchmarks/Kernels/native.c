/*
 * native.c — runs the benchmark kernels natively, as the baseline for native ratios.
 *
 * Usage:  native NAME ARG [REPEAT]
 *
 * Calls kernel NAME (fib, sieve, sha256, matmul, lz, vm, sort) with ARG, REPEAT times
 * (default 1), and prints the checksum on standard output as `i32:CHECKSUM` (the
 * spelling run_wasmtime.py --invoke uses) and the fastest run's wall time on standard
 * error as `seconds=S`. Exit status 0, or 2 for a usage error.
 *
 * Built by build.sh from the very same kernels.c as kernels.wasm:
 *   clang -O2 -ffp-contract=off native.c -o native
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.c"

static const struct {
    const char *name;
    int32_t (*run)(int32_t);
} kernels[] = {
    {"fib", fib}, {"sieve", sieve}, {"sha256", sha256}, {"matmul", matmul},
    {"lz", lz},   {"vm", vm},       {"sort", sort},
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: native NAME ARG [REPEAT]   NAME: fib sieve sha256 matmul lz vm sort\n");
        return 2;
    }
    int32_t (*run)(int32_t) = NULL;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (strcmp(argv[1], kernels[i].name) == 0) run = kernels[i].run;
    }
    if (run == NULL) {
        fprintf(stderr, "native: unknown kernel \"%s\"\n", argv[1]);
        return 2;
    }
    int32_t arg = (int32_t)strtol(argv[2], NULL, 10);
    int repeat = argc == 4 ? atoi(argv[3]) : 1;
    if (repeat < 1) repeat = 1;

    double best = 0;
    int32_t checksum = 0;
    for (int i = 0; i < repeat; i++) {
        double start = now_seconds();
        /* The volatile function pointer keeps the call from being folded at compile time. */
        int32_t (*volatile call)(int32_t) = run;
        checksum = call(arg);
        double elapsed = now_seconds() - start;
        if (i == 0 || elapsed < best) best = elapsed;
    }
    printf("i32:%d\n", checksum);
    fprintf(stderr, "seconds=%.6f\n", best);
    return 0;
}
