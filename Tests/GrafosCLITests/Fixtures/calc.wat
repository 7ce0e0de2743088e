;; A reactor-style module for `grafos exec --invoke` tests: numbers of every type, multi-value, traps, an
;; infinite loop, unbounded recursion, and WASI calls (stdout, proc_exit, closing and renumbering stdio).
;; Rebuild calc.wasm with ./build.sh.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from calc\n")
  (global $ready (mut i32) (i32.const 0))

  ;; WASI reactors export _initialize; `--invoke` calls it first.
  (func (export "_initialize") (global.set $ready (i32.const 1)))
  (func (export "ready") (result i32) (global.get $ready))

  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
  (func (export "hypot") (param f64 f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1)))))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_s (local.get 0) (local.get 1))
    (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "nothing"))

  (func $spin (export "spin") (loop $forever (br $forever)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))

  ;; Writes "hello from calc\n" to `fd`; returns fd_write's errno.
  (func $greet (param $fd i32) (result i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 16))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "greet") (result i32) (call $greet (i32.const 1)))
  (func (export "quit") (param i32) (call $proc_exit (local.get 0)))
  ;; Closes stdout, then writes to it: EBADF (8).
  (func (export "write_after_close") (result i32)
    (drop (call $fd_close (i32.const 1)))
    (call $greet (i32.const 1)))
  ;; Moves stderr onto descriptor 1 (closing stdout), greets on 1 (our stderr now); returns the errno of writing
  ;; to the old stderr number, 2, which is closed (EBADF, 8).
  (func (export "stderr_onto_stdout") (result i32)
    (drop (call $fd_renumber (i32.const 2) (i32.const 1)))
    (drop (call $greet (i32.const 1)))
    (call $greet (i32.const 2)))
)
