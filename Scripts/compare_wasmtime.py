#!/usr/bin/env python3
"""The wasmtime side of Scripts/compare-wasmtime.sh: run a WASI command, or invoke one export, under wasmtime.

    compare_wasmtime.py run [--input FILE] [--dir HOST::GUEST]... [--env K=V]... MODULE [ARGS...]
    compare_wasmtime.py invoke MODULE NAME [TYPE:VALUE...]

`run` is Examples/Tasklets/run_wasmtime.py's `run_tasklet` (argv[0] is the module's file name, stdin is FILE or
empty, stdout and stderr are passed through, the exit code becomes ours, a trap exits 134), with wasmtime's
compilation cache switched on so that large modules (GCC's cc1 is 24 MB) compile once per machine.

`invoke` does what `grafos exec --invoke` does: instantiate with WASI (no preopens, stdio passed through), call
`_initialize` first when the module exports it (a WASI reactor), then call NAME and print each result as
TYPE:VALUE, one per line. Only i32 and i64 results print the same as grafos (floats print as Python floats).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Examples", "Tasklets"))

import run_wasmtime  # noqa: E402  (the repository's reference runner)
import wasmtime  # noqa: E402

_config = wasmtime.Config()
_config.consume_fuel = True
_config.cache = True
run_wasmtime.ENGINE = wasmtime.Engine(_config)


def run(argv: list[str]) -> int:
    input_path, dirs, env = None, [], []
    while argv and argv[0].startswith("--"):
        option, value = argv[0], argv[1]
        argv = argv[2:]
        if option == "--input":
            input_path = value
        elif option == "--dir":
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host))
        elif option == "--env":
            env.append(tuple(value.split("=", 1)))
        else:
            raise SystemExit(f"unknown option {option}")
    module, args = argv[0], argv[1:]
    stdin = open(input_path, "rb").read() if input_path else b""
    result = run_wasmtime.run_tasklet(module, stdin, args, dirs, env)
    sys.stdout.buffer.write(result.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(result.stderr)
    sys.stderr.flush()
    return result.exit_code


def invoke(argv: list[str]) -> int:
    module_path, name, texts = argv[0], argv[1], argv[2:]
    module = run_wasmtime.load_module(module_path)
    store = wasmtime.Store(run_wasmtime.ENGINE)
    store.set_fuel(run_wasmtime.UNLIMITED_FUEL)
    linker = wasmtime.Linker(run_wasmtime.ENGINE)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(module_path)]
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    try:
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        if name != "_initialize" and "_initialize" in exports:
            exports["_initialize"](store)
        func = exports[name]
        make = {"i32": wasmtime.Val.i32, "i64": wasmtime.Val.i64, "f32": wasmtime.Val.f32, "f64": wasmtime.Val.f64}
        values = []
        for text in texts:
            kind, _, literal = text.partition(":")
            values.append(make[kind](float(literal) if kind[0] == "f" else int(literal, 0)))
        results = func(store, *values)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
        sys.stderr.buffer.write(run_wasmtime._trap_message(error))
        return run_wasmtime.TRAP_EXIT_CODE
    if results is None:
        results = []
    elif not isinstance(results, (list, tuple)):
        results = [results]
    for value, vtype in zip(results, func.type(store).results):
        print(f"{vtype}:{value}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("run", "invoke"):
        raise SystemExit(__doc__)
    sys.exit(run(sys.argv[2:]) if sys.argv[1] == "run" else invoke(sys.argv[2:]))
