# The layout of a producer's own struct, for examples/python/my_producer.py and examples/node/my-producer.mjs.
# The C struct it decodes (MSVC or gcc, default packing: every field at its natural alignment):
#
#   struct my_car {           /* offset */
#       uint32_t seq;         /*  0  odd while the producer writes, even when a frame is whole */
#       float    speed;       /*  4  m/s */
#       int32_t  gear;        /*  8  -1 reverse, 0 neutral, 1.. */
#       float    tyre_temp[4];/* 12  °C, FL FR RL RR */
#       char     driver[16];  /* 28  UTF-8, NUL-terminated */
#   };                        /* 44 bytes */
meta:
  id: my_car
  endian: le
  -shmbridge:
    consistency:
      seqlock: seq # the producer bumps seq before and after each write: every read is one whole frame
seq:
  - id: seq
    type: u4
  - id: speed
    type: f4
  - id: gear
    type: s4
    enum: gear
  - id: tyre_temp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: driver
    type: strz
    size: 16
    encoding: UTF-8
instances:
  kmh:
    value: speed * 3.6
enums:
  gear:
    -1: reverse
    0: neutral
    1: first
    2: second
    3: third
