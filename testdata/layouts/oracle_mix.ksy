# A layout of most of what the interpreter supports, for the differential test against Kaitai's own compiler
# and runtime (.ci/oracle: the same random data decoded by both must give the same values).
meta:
  id: oracle_mix
  endian: le
  bit-endian: be
seq:
  - id: header
    type: header
  - id: count
    type: u1
  - id: items
    type: item
    repeat: expr
    repeat-expr: count % 5
  - id: flags
    type: b1
  - id: mode
    type: b3
    enum: mode
  - id: rest_bits
    type: b4
  - id: name
    type: strz
    size: 8
    encoding: UTF-8
  - id: kind
    type: u1
  - id: body
    size: 6
    type:
      switch-on: kind & 3
      cases:
        0: body_a
        1: body_b
  - id: secret
    size: 4
    process: xor(0x5a)
  - id: tail
    type: s2be
    if: count > 100
  - id: until_zero
    type: u1
    repeat: until
    repeat-until: _ == 0 or _io.eof
instances:
  total:
    value: header.a + header.b * 2
  ratio:
    value: header.a / 7 + header.b % 5
  peek:
    pos: 1
    type: u2
  size_class:
    value: 'count > 128 ? "big" : "small"'
types:
  header:
    seq:
      - id: a
        type: u2
      - id: b
        type: s4
      - id: c
        type: f4
  item:
    seq:
      - id: tag
        type: u1
        enum: mode
      - id: v
        type: f8be
  body_a:
    seq:
      - id: x
        type: u4
  body_b:
    seq:
      - id: y
        type: s2
      - id: z
        type: u1
enums:
  mode:
    0: off
    1: idle
    2: run
    5: fault
