# iRacing's telemetry: the mapping Local\IRSDKMemMapFileName, as its irsdk_defines.h lays it out. The header
# describes the variables (name, type, offset, count, unit) and a ring of up to four buffers, each stamped
# with the tick it holds: a read copies the ring and keeps it only if the newest buffer's tick did not move,
# and vars decodes each variable's values from that newest buffer. iRacing sets Local\IRSDKDataValidEvent
# once per frame: watch with event= to sample each frame. shmbridge's built-in catalogue.
meta:
  id: iracing
  title: iRacing telemetry
  endian: le
  -shmbridge:
    consistency:
      ring: {buffers: var_buf, tick: tick_count, offset: buf_offset, length: buf_len, count: num_buf}
seq:
  - id: ver
    type: s4
  - id: status
    type: s4
  - id: tick_rate
    type: s4
  - id: session_info_update
    type: s4
  - id: session_info_len
    type: s4
  - id: session_info_offset
    type: s4
  - id: num_vars
    type: s4
  - id: var_header_offset
    type: s4
  - id: num_buf
    type: s4
  - id: buf_len
    type: s4
  - size: 8 # pad1
  - id: var_buf
    type: var_buf
    repeat: expr
    repeat-expr: 4
instances:
  connected:
    value: (status & 1) == 1
  newest_of_two:
    value: 'num_buf > 1 and var_buf[1].tick_count > var_buf[0].tick_count ? 1 : 0'
  newest_of_three:
    value: 'num_buf > 2 and var_buf[2].tick_count > var_buf[newest_of_two].tick_count ? 2 : newest_of_two'
  newest:
    value: 'num_buf > 3 and var_buf[3].tick_count > var_buf[newest_of_three].tick_count ? 3 : newest_of_three'
    doc: the buffer of the newest tick (the one a ring read is consistent for)
  tick:
    value: var_buf[newest].tick_count
  vars:
    pos: var_header_offset
    type: var_header(var_buf[newest].buf_offset)
    repeat: expr
    repeat-expr: num_vars
  session_info:
    pos: session_info_offset
    size: session_info_len
    type: strz
    encoding: windows-1252
types:
  var_buf:
    seq:
      - id: tick_count
        type: s4
      - id: buf_offset
        type: s4
      - size: 8 # pad
  var_header:
    params:
      - id: row
        type: s4
    seq:
      - id: type
        type: s4
        enum: var_type
      - id: offset
        type: s4
      - id: count
        type: s4
      - id: count_as_time
        type: u1
      - size: 3 # pad
      - id: name
        type: strz
        size: 32
        encoding: ASCII
      - id: desc
        type: strz
        size: 64
        encoding: ASCII
      - id: unit
        type: strz
        size: 32
        encoding: ASCII
    instances:
      values:
        io: _root._io
        pos: row + offset
        type:
          switch-on: type
          cases:
            var_type::char: u1
            var_type::bool: u1
            var_type::int: s4
            var_type::bit_field: u4
            var_type::float: f4
            var_type::double: f8
        repeat: expr
        repeat-expr: count
enums:
  var_type:
    0: char
    1: bool
    2: int
    3: bit_field
    4: float
    5: double
