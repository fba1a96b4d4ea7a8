# RivaTuner Statistics Server: the mapping RTSSSharedMemoryV2, as its SDK's RTSSSharedMemory.h lays it out
# (format v2.x, members up to v2.20; src/rtss.h spells the structs in C). The header gives the offset, count
# and size of the OSD slots and of the application entries: each is decoded in its own size, each member
# only when the header's version has it, and an entry's process counters (v2.18) where the header says.
# Field names are the C members' in Kaitai's spelling (dwFrames: dw_frames). Left undecoded, as padding: an
# OSD slot's 256 KB object buffer and an entry's two 1024-sample frame time rings (read them raw through
# /data when needed). A signature other than 'RTSS' (0xDEAD: RTSS is freeing the memory) decodes the header
# only. shmbridge's built-in catalogue.
meta:
  id: rtss
  title: RivaTuner Statistics Server
  endian: le
  # No lock around a read: dw_busy is the lock OSD clients take while they write their slot, and taking it
  # needs the whole memory open for writing; a copy that meets a client's write may hold parts of two.
  -shmbridge:
    version:
      - {field: dw_version, min: 0x20000}
seq:
  - id: dw_signature
    type: u4
    doc: "'RTSS' (0x52545353) while valid, 0xDEAD while RTSS frees the memory"
  - id: dw_version
    type: u4
    doc: (major << 16) + minor; 0x00020014 is v2.20
  - id: dw_app_entry_size
    type: u4
  - id: dw_app_arr_offset
    type: u4
  - id: dw_app_arr_size
    type: u4
  - id: dw_osd_entry_size
    type: u4
  - id: dw_osd_arr_offset
    type: u4
  - id: dw_osd_arr_size
    type: u4
  - id: dw_osd_frame
    type: u4
  - id: dw_busy
    type: s4
    if: dw_version >= 0x2000e
    doc: bit 0 set while an OSD client writes (v2.14)
  - id: dw_desktop_video_capture_flags
    type: u4
    if: dw_version >= 0x2000f
  - id: dw_desktop_video_capture_stat
    type: u4
    repeat: expr
    repeat-expr: 5
    if: dw_version >= 0x2000f
  - id: dw_last_foreground_app
    type: u4
    if: dw_version >= 0x20010
    doc: the index in arr_app of the application last in the foreground (v2.16)
  - id: dw_last_foreground_app_process_id
    type: u4
    if: dw_version >= 0x20010
  - id: dw_process_perf_counters_entry_size
    type: u4
    if: dw_version >= 0x20012
  - id: dw_process_perf_counters_arr_offset
    type: u4
    if: dw_version >= 0x20012
    doc: from the start of an application entry (v2.18)
  - id: qw_latency_marker_set_timestamp
    type: s8
    if: dw_version >= 0x20013
  - id: qw_latency_marker_reset_timestamp
    type: s8
    if: dw_version >= 0x20013
instances:
  active:
    value: dw_signature == 0x52545353 and dw_version >= 0x20000
  arr_osd:
    if: active
    pos: dw_osd_arr_offset
    size: dw_osd_entry_size
    type: rtss_osd_entry
    repeat: expr
    repeat-expr: dw_osd_arr_size
  arr_app:
    if: active
    pos: dw_app_arr_offset
    size: dw_app_entry_size
    type: rtss_app_entry
    repeat: expr
    repeat-expr: dw_app_arr_size
types:
  rtss_osd_entry:
    doc: an OSD slot, the text a client shows over the game
    seq:
      - id: sz_osd
        type: strz
        size: 256
        encoding: windows-1252
      - id: sz_osd_owner
        type: strz
        size: 256
        encoding: windows-1252
        doc: the client that owns the slot
      - id: sz_osd_ex
        type: strz
        size: 4096
        encoding: windows-1252
        if: _root.dw_version >= 0x20007
      - size: 262144
        if: _root.dw_version >= 0x2000c
        doc: buffer, the embedded objects (graphs) the text refers to (v2.12); not decoded
      - id: sz_osd_ex2
        type: strz
        size: 32768
        encoding: windows-1252
        if: _root.dw_version >= 0x20014
  rtss_perf_counter:
    doc: a per-process counter (v2.18)
    seq:
      - id: dw_id
        type: u4
        doc: 1 RAM usage, 0x100 local VRAM usage, 0x101 shared VRAM usage
      - id: dw_param
        type: u4
      - id: dw_data
        type: u4
  rtss_app_entry:
    doc: an application RTSS is hooked into; dw_process_id 0 is a free entry
    seq:
      - id: dw_process_id
        type: u4
      - id: sz_name
        type: strz
        size: 260
        encoding: windows-1252
      - id: dw_flags
        type: u4
        doc: the 3D API in the low 16 bits (1 OpenGL, 2 DirectDraw, 3 D3D8, 4 D3D9, 5 D3D9Ex, 6 D3D10, 7 D3D11, 8 D3D12, 9 D3D12 AFR, 10 Vulkan), 0x10000 x64, 0x20000 UWP
      - id: dw_time0
        type: u4
      - id: dw_time1
        type: u4
      - id: dw_frames
        type: u4
        doc: frames between dw_time0 and dw_time1 (milliseconds); the framerate is 1000 * dw_frames / (dw_time1 - dw_time0)
      - id: dw_frame_time
        type: u4
        doc: the last frame's time, microseconds
      - id: dw_stat_flags
        type: u4
      - id: dw_stat_time0
        type: u4
      - id: dw_stat_time1
        type: u4
      - id: dw_stat_frames
        type: u4
      - id: dw_stat_count
        type: u4
      - id: dw_stat_framerate_min
        type: u4
      - id: dw_stat_framerate_avg
        type: u4
      - id: dw_stat_framerate_max
        type: u4
      - id: dw_osdx
        type: u4
      - id: dw_osdy
        type: u4
      - id: dw_osd_pixel
        type: u4
      - id: dw_osd_color
        type: u4
      - id: dw_osd_frame
        type: u4
      - id: dw_screen_capture_flags
        type: u4
      - id: sz_screen_capture_path
        type: strz
        size: 260
        encoding: windows-1252
      - id: dw_osd_bgnd_color
        type: u4
        if: _root.dw_version >= 0x20001
      - id: dw_video_capture_flags
        type: u4
        if: _root.dw_version >= 0x20002
      - id: sz_video_capture_path
        type: strz
        size: 260
        encoding: windows-1252
        if: _root.dw_version >= 0x20002
      - id: dw_video_framerate
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_video_framesize
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_video_format
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_video_quality
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_video_capture_threads
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_screen_capture_quality
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_screen_capture_threads
        type: u4
        if: _root.dw_version >= 0x20002
      - id: dw_audio_capture_flags
        type: u4
        if: _root.dw_version >= 0x20003
      - id: dw_video_capture_flags_ex
        type: u4
        if: _root.dw_version >= 0x20004
      - id: dw_audio_capture_flags2
        type: u4
        if: _root.dw_version >= 0x20005
      - id: dw_stat_frame_time_min
        type: u4
        if: _root.dw_version >= 0x20005
      - id: dw_stat_frame_time_avg
        type: u4
        if: _root.dw_version >= 0x20005
      - id: dw_stat_frame_time_max
        type: u4
        if: _root.dw_version >= 0x20005
      - id: dw_stat_frame_time_count
        type: u4
        if: _root.dw_version >= 0x20005
      - size: 4096
        if: _root.dw_version >= 0x20005
        doc: dwStatFrameTimeBuf, a ring of 1024 frame times (u4); not decoded
      - id: dw_stat_frame_time_buf_pos
        type: u4
        if: _root.dw_version >= 0x20005
      - id: dw_stat_frame_time_buf_framerate
        type: u4
        if: _root.dw_version >= 0x20005
      - size: 4
        if: _root.dw_version >= 0x20006
      - id: qw_audio_capture_ptt_event_push
        type: s8
        if: _root.dw_version >= 0x20006
      - id: qw_audio_capture_ptt_event_release
        type: s8
        if: _root.dw_version >= 0x20006
      - id: qw_audio_capture_ptt_event_push2
        type: s8
        if: _root.dw_version >= 0x20006
      - id: qw_audio_capture_ptt_event_release2
        type: s8
        if: _root.dw_version >= 0x20006
      - id: dw_prerecord_size_limit
        type: u4
        if: _root.dw_version >= 0x20008
      - id: dw_prerecord_time_limit
        type: u4
        if: _root.dw_version >= 0x20008
      - id: qw_stat_total_time
        type: s8
        if: _root.dw_version >= 0x2000d
      - size: 4096
        if: _root.dw_version >= 0x2000d
        doc: dwStatFrameTimeLowBuf, 1024 samples (u4); not decoded
      - id: dw_stat_framerate1dot0percent_low
        type: u4
        if: _root.dw_version >= 0x2000d
      - id: dw_stat_framerate0dot1percent_low
        type: u4
        if: _root.dw_version >= 0x2000d
      - id: dw1dot0percent_low_buf_pos
        type: u4
        if: _root.dw_version >= 0x20011
      - id: dw0dot1percent_low_buf_pos
        type: u4
        if: _root.dw_version >= 0x20011
      - id: dw_process_perf_counters_flags
        type: u4
        if: _root.dw_version >= 0x20012
      - id: dw_process_perf_counters_count
        type: u4
        if: _root.dw_version >= 0x20012
      - id: dw_process_perf_counters_sampling_period
        type: u4
        if: _root.dw_version >= 0x20012
      - id: dw_process_perf_counters_sampling_time
        type: u4
        if: _root.dw_version >= 0x20012
      - id: dw_process_perf_counters_timestamp
        type: u4
        if: _root.dw_version >= 0x20012
      - size: 4
        if: _root.dw_version >= 0x20013
      - id: qw_latency_marker_present_timestamp
        type: s8
        if: _root.dw_version >= 0x20013
      - id: dw_resolution_x
        type: u4
        if: _root.dw_version >= 0x20014
      - id: dw_resolution_y
        type: u4
        if: _root.dw_version >= 0x20014
    instances:
      arr_perf_counters:
        if: _root.dw_version >= 0x20012
        pos: _root.dw_process_perf_counters_arr_offset
        size: _root.dw_process_perf_counters_entry_size
        type: rtss_perf_counter
        repeat: expr
        repeat-expr: dw_process_perf_counters_count
