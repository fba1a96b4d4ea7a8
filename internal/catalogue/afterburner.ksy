# MSI Afterburner's hardware monitoring: the mapping MAHMSharedMemory, as its SDK's MAHMSharedMemory.h lays it
# out (format v2.0; src/afterburner.h spells the structs in C). The header gives the size of itself, of an
# entry and of a GPU entry, and their counts: the entries start at dw_header_size and the GPU entries follow
# them, each decoded in its own size, so a later Afterburner with larger entries still decodes. Field names
# are the C members' in Kaitai's spelling (szSrcName: sz_src_name); dw_src_id names what a source measures.
# Afterburner rewrites the data once per polling period (1 s by default) and then time: time names the poll,
# nothing guards a read. A signature other than 'MAHM' (0xDEAD: Afterburner is freeing the memory) decodes
# the header only. shmbridge's built-in catalogue.
meta:
  id: afterburner
  title: MSI Afterburner hardware monitoring
  endian: le
  -shmbridge:
    consistency:
      frame: time
    version:
      - {field: dw_version, min: 0x20000}
seq:
  - id: dw_signature
    type: u4
    doc: "'MAHM' (0x4D41484D) while valid, 0xDEAD while Afterburner frees the memory"
  - id: dw_version
    type: u4
    doc: (major << 16) + minor; 0x00020000 is v2.0
  - id: dw_header_size
    type: u4
  - id: dw_num_entries
    type: u4
  - id: dw_entry_size
    type: u4
  - id: time
    type: s4
    doc: the last poll, seconds since 1970 (a 32-bit time_t)
  - id: dw_num_gpu_entries
    type: u4
    if: dw_version >= 0x20000
  - id: dw_gpu_entry_size
    type: u4
    if: dw_version >= 0x20000
instances:
  active:
    value: dw_signature == 0x4d41484d
  entries:
    if: active
    pos: dw_header_size
    size: dw_entry_size
    type: mahm_entry
    repeat: expr
    repeat-expr: dw_num_entries
  gpu_entries:
    if: active and dw_version >= 0x20000
    pos: dw_header_size + dw_num_entries * dw_entry_size
    size: dw_gpu_entry_size
    type: mahm_gpu_entry
    repeat: expr
    repeat-expr: dw_num_gpu_entries
types:
  mahm_entry:
    doc: a data source
    seq:
      - id: sz_src_name
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_src_units
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_localized_src_name
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_localized_src_units
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_recommended_format
        type: strz
        size: 260
        encoding: windows-1252
      - id: data
        type: f4
        doc: the last value polled (3.4028235e38, FLT_MAX, when there is none)
      - id: min_limit
        type: f4
      - id: max_limit
        type: f4
      - id: dw_flags
        type: u4
        doc: 1 shown in the OSD, 2 on the keyboard LCD, 4 in the tray
      - id: dw_gpu
        type: u4
        if: _root.dw_version >= 0x20000
        doc: the GPU's index; 0xFFFFFFFF for a source of no GPU
      - id: dw_src_id
        type: u4
        enum: source_id
        if: _root.dw_version >= 0x20000
  mahm_gpu_entry:
    doc: a GPU
    seq:
      - id: sz_gpu_id
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_family
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_device
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_driver
        type: strz
        size: 260
        encoding: windows-1252
      - id: sz_bios
        type: strz
        size: 260
        encoding: windows-1252
      - id: dw_mem_amount
        type: u4
        doc: KB
enums:
  source_id: # MONITORING_SOURCE_ID_*
    0x00: gpu_temperature
    0x01: pcb_temperature
    0x02: mem_temperature
    0x03: vrm_temperature
    0x10: fan_speed
    0x11: fan_tachometer
    0x12: fan_speed2
    0x13: fan_tachometer2
    0x14: fan_speed3
    0x15: fan_tachometer3
    0x20: core_clock
    0x21: shader_clock
    0x22: memory_clock
    0x30: gpu_usage
    0x31: memory_usage
    0x32: fb_usage
    0x33: vid_usage
    0x34: bus_usage
    0x35: memory_usage_process
    0x40: gpu_voltage
    0x41: aux_voltage
    0x42: memory_voltage
    0x43: aux2_voltage
    0x50: framerate
    0x51: frametime
    0x52: framerate_min
    0x53: framerate_avg
    0x54: framerate_max
    0x55: framerate_1dot0_percent_low
    0x56: framerate_0dot1_percent_low
    0x60: gpu_rel_power
    0x61: gpu_abs_power
    0x70: gpu_temp_limit
    0x71: gpu_power_limit
    0x72: gpu_voltage_limit
    0x74: gpu_util_limit
    0x75: gpu_sli_sync_limit
    0x80: cpu_temperature
    0x90: cpu_usage
    0x91: ram_usage
    0x92: pagefile_usage
    0x93: ram_usage_process
    0xa0: cpu_clock
    0xb0: gpu_temperature2
    0xb1: pcb_temperature2
    0xb2: mem_temperature2
    0xb3: vrm_temperature2
    0xc0: gpu_temperature3
    0xc1: pcb_temperature3
    0xc2: mem_temperature3
    0xc3: vrm_temperature3
    0xd0: gpu_temperature4
    0xd1: pcb_temperature4
    0xd2: mem_temperature4
    0xd3: vrm_temperature4
    0xe0: gpu_temperature5
    0xe1: pcb_temperature5
    0xe2: mem_temperature5
    0xe3: vrm_temperature5
    0xf0: plugin_gpu
    0xf1: plugin_cpu
    0xf2: plugin_mobo
    0xf3: plugin_ram
    0xf4: plugin_hdd
    0xf5: plugin_net
    0xf6: plugin_psu
    0xf7: plugin_ups
    0xff: plugin_misc
    0x100: cpu_power
    0xffffffff: unknown
