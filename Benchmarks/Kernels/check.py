#!/usr/bin/env python3
"""Checks the benchmark kernels: same checksums natively, under wasmtime and under wasmkit.

Usage:
    ./check.py                 verify (needs kernels.wasm and native, see build.sh)
    ./check.py --time 3        verify, then time wasmkit and native at the kernels.tsv arguments
                               (best of 3) and print a Markdown table
    ./check.py --quick         verify small sizes only (seconds instead of a minute)

What is verified:
 1. small sizes against independent Python implementations (oracles) for every kernel but `lz`,
    which checks its own round trip and returns 0 when it fails;
 2. every kernels.tsv row: `native NAME ARG`, wasmtime (the `wasmtime` PyPI package, in process)
    and `wasmkit run kernels.wasm NAME i32:ARG` (the WasmKit CLI in the Swift toolchain) must all
    print the checksum in the table.
Exit status 0 when everything matched, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import struct
import subprocess
import sys
import time

import wasmtime

HERE = os.path.dirname(os.path.abspath(__file__))
WASM = os.path.join(HERE, "kernels.wasm")
NATIVE = os.path.join(HERE, "native")
WASMKIT = os.environ.get("WASMKIT", "/opt/swift/usr/bin/wasmkit")
SEED = 0x9E3779B9
MASK = 0xFFFFFFFF


# ---- Oracles: the kernels' definitions, written again in Python ---------------------------------

def xorshift(state: int):
    while True:
        state ^= (state << 13) & MASK
        state ^= state >> 17
        state ^= (state << 5) & MASK
        yield state


def oracle_fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a & MASK


def oracle_sieve(n: int) -> int:
    if n < 2:
        return 0
    composite = bytearray(n + 1)
    for i in range(2, int(n ** 0.5) + 1):
        if not composite[i]:
            composite[i * i::i] = b"\x01" * len(range(i * i, n + 1, i))
    return n - 1 - sum(composite[2:])


def oracle_sha256(n: int) -> int:
    rng = xorshift(SEED)
    data = bytes(next(rng) >> 24 for _ in range(n * 1024))
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big")


def oracle_matmul(n: int) -> int:
    rng = xorshift(SEED)
    a = [(next(rng) >> 9) / 8388608.0 - 1.0 for _ in range(n * n)]
    b = [(next(rng) >> 9) / 8388608.0 - 1.0 for _ in range(n * n)]
    c = [0.0] * (n * n)
    for i in range(n):
        for k in range(n):
            aik = a[i * n + k]
            for j in range(n):
                c[i * n + j] += aik * b[k * n + j]
    total = 0.0
    for x in c:
        total += x
    bits = struct.unpack("<Q", struct.pack("<d", total))[0]
    return (bits ^ (bits >> 32)) & MASK


def oracle_vm(n: int) -> int:
    steps = 0
    for i in range(1, n + 1):
        x = i
        while x != 1:
            x = 3 * x + 1 if x & 1 else x >> 1
            steps += 1
    return steps & MASK


def oracle_sort(n: int) -> int:
    rng = xorshift(SEED)
    values = sorted(next(rng) for _ in range(n))
    h = 0
    for v in values:
        h = (h * 31 + v) & MASK
    return h


ORACLES = {
    "fib": (oracle_fib, [0, 1, 2, 10, 25]),
    "sieve": (oracle_sieve, [0, 1, 2, 3, 100, 1000, 999983, 1000000]),
    "sha256": (oracle_sha256, [0, 1, 3, 64]),
    "matmul": (oracle_matmul, [1, 2, 7, 40]),
    "vm": (oracle_vm, [1, 2, 10, 1000]),
    "sort": (oracle_sort, [1, 2, 15, 16, 17, 1000, 100000]),
    "lz": (None, [0, 1, 2, 64]),  # self-checking: nonzero means the round trip held
}


# ---- Runners ---------------------------------------------------------------------------------------

class Wasmtime:
    def __init__(self) -> None:
        self.engine = wasmtime.Engine()
        self.module = wasmtime.Module.from_file(self.engine, WASM)

    def __call__(self, name: str, arg: int) -> int:
        store = wasmtime.Store(self.engine)  # a fresh instance per call, as the other runners get
        instance = wasmtime.Instance(store, self.module, [])
        return instance.exports(store)[name](store, arg) & MASK


def native(name: str, arg: int) -> int:
    out = subprocess.run([NATIVE, name, str(arg)], capture_output=True, text=True, check=True).stdout
    return int(out.strip().split(":")[1]) & MASK


def wasmkit(name: str, arg: int) -> int:
    out = subprocess.run([WASMKIT, "run", WASM, name, f"i32:{arg}"], capture_output=True, text=True,
                         check=True).stdout
    match = re.search(r"i32\((-?\d+)\)", out)  # WasmKit prints [WasmTypes.Value.i32(N)]
    if not match:
        raise RuntimeError(f"unexpected wasmkit output: {out!r}")
    return int(match.group(1)) & MASK


def read_table() -> list[tuple[str, int, int]]:
    rows = []
    with open(os.path.join(HERE, "kernels.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, arg, checksum = line.split("\t")[:3]
            rows.append((name, int(arg), int(checksum)))
    return rows


def best_wall_time(command: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description="Verify (and time) the benchmark kernels.")
    parser.add_argument("--time", type=int, metavar="RUNS", help="time each kernel, best of RUNS")
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    opts = parser.parse_args()
    wt = Wasmtime()
    failures = 0
    checked = 0

    for name, (oracle, sizes) in ORACLES.items():
        for n in sizes:
            results = {"native": native(name, n), "wasmtime": wt(name, n), "wasmkit": wasmkit(name, n)}
            if oracle is not None:
                results["oracle"] = oracle(n)
            elif n > 0 and results["native"] == 0:
                results["round trip"] = "failed"
            checked += 1
            if len(set(results.values())) != 1:
                failures += 1
                print(f"MISMATCH {name}({n}): {results}")
    print(f"small sizes: {checked} cases, {failures} mismatches")

    rows = read_table()
    if not opts.quick:
        for name, arg, expected in rows:
            results = {"native": native(name, arg), "wasmtime": wt(name, arg), "wasmkit": wasmkit(name, arg)}
            ok = all(v == expected for v in results.values())
            failures += 0 if ok else 1
            print(f"{'ok  ' if ok else 'FAIL'} {name}({arg}) = {expected} (0x{expected:08x})"
                  + ("" if ok else f"  got {results}"))

    if opts.time:
        print()
        print(f"| kernel | arg | wasmkit s | native s | wasmkit / native |")
        print(f"| --- | ---: | ---: | ---: | ---: |")
        for name, arg, _ in rows:
            wk = best_wall_time([WASMKIT, "run", WASM, name, f"i32:{arg}"], opts.time)
            nt = best_wall_time([NATIVE, name, str(arg)], opts.time)
            print(f"| {name} | {arg} | {wk:.3f} | {nt:.3f} | {wk / nt:.1f}x |")
        startup = best_wall_time([WASMKIT, "run", WASM, "fib", "i32:1"], opts.time)
        print(f"\n(wasmkit startup, `wasmkit run kernels.wasm fib i32:1`: {startup:.3f} s; included above)")

    print(f"{'all checks passed' if failures == 0 else f'{failures} failures'}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
