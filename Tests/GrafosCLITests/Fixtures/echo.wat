;; A WASI command for `grafos exec` tests: copies stdin to stdout in reads of at most 7 bytes (so a run takes
;; many reads and writes), says "echo: done" on stderr and exits with code 3. Rebuild echo.wasm with ./build.sh.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "echo: done\n")
  (func (export "_start")
    (local $errno i32)
    (block $eof
      (loop $copy
        ;; iovec at 0 = {1024, 7}; nread at 16
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 7))
        (local.set $errno (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
        (if (local.get $errno) (then (call $proc_exit (i32.add (i32.const 100) (local.get $errno)))))
        (br_if $eof (i32.eqz (i32.load (i32.const 16))))
        ;; iovec at 32 = {1024, nread}; nwritten at 48
        (i32.store (i32.const 32) (i32.const 1024))
        (i32.store (i32.const 36) (i32.load (i32.const 16)))
        (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 48)))
        (br $copy)))
    (i32.store (i32.const 32) (i32.const 256))
    (i32.store (i32.const 36) (i32.const 11))
    (drop (call $fd_write (i32.const 2) (i32.const 32) (i32.const 1) (i32.const 48)))
    (call $proc_exit (i32.const 3)))
)
