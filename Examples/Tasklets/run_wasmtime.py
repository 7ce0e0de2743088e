#!/usr/bin/env python3
"""Run a Grafos tasklet (or invoke one export of any module) under wasmtime, as a reference.

This is the reference runner the example tasklets and benchmark kernels are checked with. It uses the
`wasmtime` package from PyPI (the Python embedding of Wasmtime; `pip install wasmtime`) and understands
both tasklet ABIs:

* WASI preview1 commands (the module exports `_start`): the input goes to stdin, stdout and stderr pass
  through, `--dir HOST[::GUEST]` preopens directories, arguments after MODULE are the program's argv[1:]
  (argv[0] is the module's file name).
* freestanding `grafos` modules (the module exports `run`): this script implements the six host functions
  of the "grafos" import module -- input_size, input_read, output_write, log, object_read, object_write --
  with the runtime's error codes (-1 out of bounds, -2 output limit exceeded, -3 not found, -4 storage
  full, -5 no storage mounted). The object store is a host directory given with `--objects DIR`, one
  file per key (a key's "/"s make subdirectories); without it the object calls return -5.

Without `--input FILE` the tasklet reads this script's stdin. Its stdout goes to our stdout, its stderr
(WASI) or log lines (grafos) to our stderr, and its exit code becomes ours, so shell scripts can compare
bytes and codes directly. A trap prints `trap: ...` to stderr and exits 134.

`--invoke NAME [ARG...]` calls one export with arguments (`5` or `i32:5`, `i64:5`, `f32:1.5`, `f64:1.5`,
the spelling of `wasmkit run MODULE NAME i32:5`) and prints each result as `TYPE:VALUE`, one per line.

`--fuel N` limits execution to N units of wasmtime fuel (about one per executed operator; not exactly the
Grafos engine's cost model). `--report` prints `exit=… fuel=… seconds=…` to stderr after the run, counting
fuel even without a limit. `--max-output BYTES` emulates the launch's output limit (grafos: output_write
returns -2; WASI: not enforced here).

Examples:
    ./run_wasmtime.py --input inputs/messy.txt lint.wasm
    ./run_wasmtime.py --dir inputs::/in hash.wasm /in/binary.bin
    ./run_wasmtime.py --dir /tmp/store::/artifacts --input inputs/clean.swift compress.wasm --artifact c.glz
    ./run_wasmtime.py --objects /tmp/store --input inputs/abc.txt cas.wasm
    ./run_wasmtime.py --invoke fib ../../Benchmarks/Kernels/kernels.wasm 25

The same machinery is importable: `run_tasklet(path, input_bytes, args=[...], dirs=[...])` returns a
`Result` with stdout, stderr, exit_code and fuel; check.py uses it to run thousands of cases in one process.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time

import wasmtime

# Error codes of the grafos host ABI.
E_BOUNDS, E_OUTPUT_LIMIT, E_NOT_FOUND, E_STORAGE_FULL, E_NO_STORAGE = -1, -2, -3, -4, -5
UNLIMITED_FUEL = (1 << 63) - 1
TRAP_EXIT_CODE = 134


@dataclasses.dataclass
class Result:
    stdout: bytes
    stderr: bytes
    exit_code: int
    fuel: int
    seconds: float


class GrafosHost:
    """The `grafos` import module, backed by bytes in memory and an optional directory of objects."""

    def __init__(self, input_bytes: bytes, objects_dir: str | None, max_output: int | None):
        self.input = input_bytes
        self.objects_dir = objects_dir
        self.max_output = max_output
        self.output = bytearray()
        self.log = bytearray()

    @staticmethod
    def _memory(caller) -> wasmtime.Memory:
        memory = caller.get("memory")
        if not isinstance(memory, wasmtime.Memory):
            raise wasmtime.WasmtimeError("grafos: the module does not export its memory as `memory`")
        return memory

    def _in_bounds(self, caller, ptr: int, length: int) -> bool:
        return length >= 0 and (ptr & 0xFFFFFFFF) + length <= self._memory(caller).data_len(caller)

    def _read(self, caller, ptr: int, length: int) -> bytes | None:
        if not self._in_bounds(caller, ptr, length):
            return None
        ptr &= 0xFFFFFFFF
        return bytes(self._memory(caller).read(caller, ptr, ptr + length))

    def _object_path(self, key: bytes) -> str | None:
        name = key.decode("utf-8", "replace")
        parts = name.split("/")
        if not name or any(part in ("", ".", "..") for part in parts):
            return None
        return os.path.join(self.objects_dir, *parts)

    # The six host functions. Arguments arrive as Python ints (i32, signed).

    def input_size(self, caller) -> int:
        return len(self.input)

    def input_read(self, caller, dst: int, length: int, offset: int) -> int:
        if offset < 0 or not self._in_bounds(caller, dst, length):
            return E_BOUNDS
        chunk = self.input[offset:offset + length]
        if chunk:
            self._memory(caller).write(caller, chunk, dst & 0xFFFFFFFF)
        return len(chunk)

    def output_write(self, caller, src: int, length: int) -> int:
        data = self._read(caller, src, length)
        if data is None:
            return E_BOUNDS
        if self.max_output is not None and len(self.output) + len(data) > self.max_output:
            return E_OUTPUT_LIMIT
        self.output += data
        return 0

    def log_(self, caller, src: int, length: int) -> None:
        data = self._read(caller, src, length)
        if data is not None:
            self.log += data if data.endswith(b"\n") else data + b"\n"

    def object_read(self, caller, key_ptr: int, key_len: int, dst: int, cap: int) -> int:
        key = self._read(caller, key_ptr, key_len)
        if key is None or not self._in_bounds(caller, dst, cap):
            return E_BOUNDS
        if self.objects_dir is None:
            return E_NO_STORAGE
        path = self._object_path(key)
        if path is None or not os.path.isfile(path):
            return E_NOT_FOUND
        with open(path, "rb") as f:
            data = f.read()
        if cap > 0 and data:
            self._memory(caller).write(caller, data[:cap], dst & 0xFFFFFFFF)
        return len(data)

    def object_write(self, caller, key_ptr: int, key_len: int, src: int, length: int) -> int:
        key = self._read(caller, key_ptr, key_len)
        data = self._read(caller, src, length)
        if key is None or data is None:
            return E_BOUNDS
        if self.objects_dir is None:
            return E_NO_STORAGE
        path = self._object_path(key)
        if path is None:
            return E_NOT_FOUND  # a key that cannot name an object
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return 0

    def define(self, linker: wasmtime.Linker) -> None:
        i32 = wasmtime.ValType.i32()
        ft = wasmtime.FuncType
        linker.define_func("grafos", "input_size", ft([], [i32]), self.input_size, access_caller=True)
        linker.define_func("grafos", "input_read", ft([i32] * 3, [i32]), self.input_read, access_caller=True)
        linker.define_func("grafos", "output_write", ft([i32] * 2, [i32]), self.output_write, access_caller=True)
        linker.define_func("grafos", "log", ft([i32] * 2, []), self.log_, access_caller=True)
        linker.define_func("grafos", "object_read", ft([i32] * 4, [i32]), self.object_read, access_caller=True)
        linker.define_func("grafos", "object_write", ft([i32] * 4, [i32]), self.object_write, access_caller=True)


_config = wasmtime.Config()
_config.consume_fuel = True
ENGINE = wasmtime.Engine(_config)
_modules: dict[str, wasmtime.Module] = {}


def load_module(path: str) -> wasmtime.Module:
    """Compiles a module once per process (keyed by its path)."""
    if path not in _modules:
        _modules[path] = wasmtime.Module.from_file(ENGINE, path)
    return _modules[path]


def _trap_message(error: Exception) -> bytes:
    """One line: the trap's reason and the innermost wasm frame, e.g.
    `trap: wasm trap: all fuel consumed by WebAssembly (at 0x19f - lint.wasm!run)`."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = lines[-1] if lines else type(error).__name__
    frame = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("0:")), None)
    return f"trap: {reason}{f' (at {frame})' if frame else ''}\n".encode()


def run_tasklet(path: str, input_bytes: bytes = b"", args: list[str] | None = None,
                dirs: list[tuple[str, str]] | None = None, env: list[tuple[str, str]] | None = None,
                objects_dir: str | None = None, fuel: int | None = None,
                max_output: int | None = None) -> Result:
    """Runs a WASI command or a `grafos` tasklet and returns what it wrote and its exit code."""
    module = load_module(path)
    store = wasmtime.Store(ENGINE)
    budget = fuel if fuel is not None else UNLIMITED_FUEL
    store.set_fuel(budget)
    linker = wasmtime.Linker(ENGINE)
    exports = {e.name for e in module.exports}
    started = time.perf_counter()

    if "_start" in exports:
        wasi = wasmtime.WasiConfig()
        wasi.argv = [os.path.basename(path)] + list(args or [])
        wasi.env = list(env or [])
        for host, guest in dirs or []:
            wasi.preopen_dir(host, guest)
        # Files, not stdout_custom callbacks: wasmtime calls those from its own threads, which can
        # outlive the interpreter at exit. The captured bytes are read back after the run.
        scratch = tempfile.mkdtemp(prefix="run_wasmtime.")
        try:
            stdin_path, stdout_path, stderr_path = (os.path.join(scratch, n) for n in ("in", "out", "err"))
            with open(stdin_path, "wb") as f:
                f.write(input_bytes)
            wasi.stdin_file, wasi.stdout_file, wasi.stderr_file = stdin_path, stdout_path, stderr_path
            store.set_wasi(wasi)
            linker.define_wasi()
            exit_code, trap = 0, b""
            try:
                instance = linker.instantiate(store, module)
                instance.exports(store)["_start"](store)
            except wasmtime.ExitTrap as exit_trap:
                exit_code = exit_trap.code
            except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
                exit_code, trap = TRAP_EXIT_CODE, _trap_message(error)
            stdout = open(stdout_path, "rb").read() if os.path.exists(stdout_path) else b""
            stderr = (open(stderr_path, "rb").read() if os.path.exists(stderr_path) else b"") + trap
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    elif "run" in exports:
        host = GrafosHost(input_bytes, objects_dir, max_output)
        host.define(linker)
        trap = b""
        try:
            instance = linker.instantiate(store, module)
            exit_code = instance.exports(store)["run"](store)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
            exit_code, trap = TRAP_EXIT_CODE, _trap_message(error)
        stdout, stderr = bytes(host.output), bytes(host.log) + trap
    else:
        raise ValueError(f"{path} exports neither `_start` (WASI) nor `run` (grafos); use --invoke NAME")

    return Result(stdout, stderr, exit_code, budget - store.get_fuel(), time.perf_counter() - started)


def invoke(path: str, name: str, args: list[str]) -> list[str]:
    """Calls export `name` with typed arguments ("5", "i32:5", "f64:1.5") and returns `TYPE:VALUE` lines."""
    module = load_module(path)
    store = wasmtime.Store(ENGINE)
    store.set_fuel(UNLIMITED_FUEL)
    linker = wasmtime.Linker(ENGINE)
    if any(i.module == "wasi_snapshot_preview1" for i in module.imports):
        linker.define_wasi()
        store.set_wasi(wasmtime.WasiConfig())
    instance = linker.instantiate(store, module)
    func = instance.exports(store)[name]
    ftype = func.type(store)
    if len(ftype.params) != len(args):
        raise ValueError(f"{name} takes {len(ftype.params)} arguments, got {len(args)}")
    values = []
    for text, expected in zip(args, ftype.params):
        kind, _, literal = text.rpartition(":")
        kind = kind or str(expected)
        make = {"i32": wasmtime.Val.i32, "i64": wasmtime.Val.i64, "f32": wasmtime.Val.f32, "f64": wasmtime.Val.f64}
        if kind not in make:
            raise ValueError(f"unsupported argument type {kind!r} in {text!r}")
        values.append(make[kind](float(literal) if kind[0] == "f" else int(literal)))
    results = func(store, *values)
    if results is None:
        results = []
    elif not isinstance(results, (list, tuple)):
        results = [results]
    return [f"{vtype}:{value}" for value, vtype in zip(results, ftype.results)]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", metavar="FILE", help="the tasklet's input (default: our stdin)")
    p.add_argument("--dir", action="append", default=[], metavar="HOST[::GUEST]",
                   help="WASI: preopen a host directory (as GUEST, default the same path)")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="WASI: an environment variable")
    p.add_argument("--objects", metavar="DIR", help="grafos: the object store, one file per key")
    p.add_argument("--max-output", type=int, metavar="BYTES", help="grafos: output limit (default none)")
    p.add_argument("--fuel", type=int, metavar="N", help="limit execution to N units of fuel")
    p.add_argument("--report", action="store_true", help="print exit code, fuel used and time to stderr")
    p.add_argument("--invoke", metavar="NAME", help="call this export with ARGS and print its results")
    p.add_argument("module", help="the .wasm file")
    p.add_argument("args", nargs=argparse.REMAINDER, help="argv[1:] for WASI, or --invoke's arguments")
    opts = p.parse_args(argv)

    if opts.invoke:
        try:
            for line in invoke(opts.module, opts.invoke, opts.args):
                print(line)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
            sys.stderr.buffer.write(_trap_message(error))
            return TRAP_EXIT_CODE
        return 0

    if opts.input is not None:
        with open(opts.input, "rb") as f:
            input_bytes = f.read()
    else:
        input_bytes = sys.stdin.buffer.read()
    dirs = []
    for spec in opts.dir:
        host, _, guest = spec.partition("::")
        dirs.append((host, guest or host))
    env = [tuple(kv.split("=", 1)) for kv in opts.env]
    result = run_tasklet(opts.module, input_bytes, opts.args, dirs, env, opts.objects, opts.fuel, opts.max_output)
    sys.stdout.buffer.write(result.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(result.stderr)
    if opts.report:
        sys.stderr.write(f"exit={result.exit_code} fuel={result.fuel} seconds={result.seconds:.4f}\n")
    sys.stderr.flush()
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
