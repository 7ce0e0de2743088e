;; A WASI command for `grafos exec` tests: prints its argv (one per line), its environment (one KEY=VALUE per
;; line), then 8 bytes of random_get and the realtime clock (8 bytes, little-endian), each as 16 hex digits on a
;; line. Rebuild env.wasm with ./build.sh.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 128) "0123456789abcdef")

  ;; Writes memory[pointer..<pointer+length] to stdout.
  (func $print (param $pointer i32) (param $length i32)
    (i32.store (i32.const 0) (local.get $pointer))
    (i32.store (i32.const 4) (local.get $length))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Turns every NUL in memory[pointer..<pointer+length] into a newline, then prints it.
  (func $print_lines (param $pointer i32) (param $length i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $pointer) (local.get $i))))
          (then (i32.store8 (i32.add (local.get $pointer) (local.get $i)) (i32.const 10))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $print (local.get $pointer) (local.get $length)))

  ;; Prints the 8 bytes at `pointer` as 16 hex digits and a newline (built at 160).
  (func $print_hex (param $pointer i32)
    (local $i i32) (local $byte i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 8)))
        (local.set $byte (i32.load8_u (i32.add (local.get $pointer) (local.get $i))))
        (i32.store8 (i32.add (i32.const 160) (i32.shl (local.get $i) (i32.const 1)))
          (i32.load8_u (i32.add (i32.const 128) (i32.shr_u (local.get $byte) (i32.const 4)))))
        (i32.store8 (i32.add (i32.const 161) (i32.shl (local.get $i) (i32.const 1)))
          (i32.load8_u (i32.add (i32.const 128) (i32.and (local.get $byte) (i32.const 15)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (i32.const 176) (i32.const 10))
    (call $print (i32.const 160) (i32.const 17)))

  (func (export "_start")
    ;; argv: pointers at 4096, strings at 8192.
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $args_get (i32.const 4096) (i32.const 8192)))
    (call $print_lines (i32.const 8192) (i32.load (i32.const 20)))
    ;; environ: pointers at 4096, strings at 8192 (argv is printed already).
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $environ_get (i32.const 4096) (i32.const 8192)))
    (call $print_lines (i32.const 8192) (i32.load (i32.const 20)))
    (drop (call $random_get (i32.const 32) (i32.const 8)))
    (call $print_hex (i32.const 32))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 40)))
    (call $print_hex (i32.const 40)))
)
