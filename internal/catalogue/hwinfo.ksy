# HWiNFO's sensors: the mapping Global\HWiNFO_SENS_SM2, as its hwisenssm2.h lays it out (no packing), read
# while holding HWiNFO's mutex Global\HWiNFO_SM2_MUTEX. The header gives the offset, count and size of the
# sensor and reading elements: each element is decoded in its own size, so a newer HWiNFO whose elements have
# grown still decodes (the fields this layout knows). A signature of "DEAD" is HWiNFO not running: active is
# false and there are no sensors or readings. shmbridge's built-in catalogue.
meta:
  id: hwinfo
  title: HWiNFO sensors
  endian: le
  -shmbridge:
    consistency:
      mutex: 'Global\HWiNFO_SM2_MUTEX'
seq:
  - id: signature
    type: u4
    enum: signature
  - id: version
    type: u4
  - id: revision
    type: u4
  - id: poll_time
    type: s8
  - id: offset_of_sensor_section
    type: u4
  - id: size_of_sensor_element
    type: u4
  - id: num_sensor_elements
    type: u4
  - id: offset_of_reading_section
    type: u4
  - id: size_of_reading_element
    type: u4
  - id: num_reading_elements
    type: u4
  - id: polling_period
    type: u4
    if: revision >= 1
instances:
  active:
    value: signature == signature::active
  sensors:
    if: active
    pos: offset_of_sensor_section
    size: size_of_sensor_element
    type: sensor
    repeat: expr
    repeat-expr: num_sensor_elements
  readings:
    if: active
    pos: offset_of_reading_section
    size: size_of_reading_element
    type: reading
    repeat: expr
    repeat-expr: num_reading_elements
types:
  sensor:
    seq:
      - id: sensor_id
        type: u4
      - id: sensor_inst
        type: u4
      - id: sensor_name_orig
        type: strz
        size: 128
        encoding: windows-1252
      - id: sensor_name_user
        type: strz
        size: 128
        encoding: windows-1252
      - id: utf_sensor_name_user
        type: strz
        size: 128
        encoding: UTF-8
        if: _io.size >= 392
  reading:
    seq:
      - id: type
        type: u4
        enum: reading_type
      - id: sensor_index
        type: u4
      - id: reading_id
        type: u4
      - id: label_orig
        type: strz
        size: 128
        encoding: windows-1252
      - id: label_user
        type: strz
        size: 128
        encoding: windows-1252
      - id: unit
        type: strz
        size: 16
        encoding: windows-1252
      - id: value
        type: f8
      - id: value_min
        type: f8
      - id: value_max
        type: f8
      - id: value_avg
        type: f8
      - id: utf_label_user
        type: strz
        size: 128
        encoding: UTF-8
        if: _io.size >= 460
      - id: utf_unit
        type: strz
        size: 16
        encoding: UTF-8
        if: _io.size >= 460
enums:
  signature:
    0x53695748: active # "HWiS"
    0x44414544: dead # "DEAD"
  reading_type:
    0: none
    1: temp
    2: volt
    3: fan
    4: current
    5: power
    6: clock
    7: usage
    8: other
