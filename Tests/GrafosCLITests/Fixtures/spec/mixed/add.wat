;; The module of spec/mixed/mixed.json (a wast2json-style script for the `grafos spec` tests).
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
