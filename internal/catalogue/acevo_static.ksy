meta:
  id: acevo_static
  endian: le
  title: AC EVO static
doc: |
  AC EVO static: the mapping Local\acevo_pmf_static, as Kunos' SharedFileOut documentation for Assetto Corsa
  EVO lays it out (#pragma pack(4)). Written when a session loads: no frame to follow. Generated from
  internal/catalogue/src/acevo.h by go generate; shmbridge's built-in catalogue.
seq:
  - id: sm_version
    type: strz
    size: 15
    encoding: UTF-8
    doc: the shared memory format
  - id: ac_evo_version
    type: strz
    size: 15
    encoding: UTF-8
    doc: the game's build
  - size: 2
  - id: session
    type: s4
    enum: acevo_session_type
  - id: session_name
    type: strz
    size: 33
    encoding: UTF-8
  - id: event_id
    type: u1
  - id: session_id
    type: u1
  - size: 1
  - id: starting_grip
    type: s4
    enum: acevo_starting_grip
  - id: starting_ambient_temperature_c
    type: f4
  - id: starting_ground_temperature_c
    type: f4
  - id: is_static_weather
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_timed_race
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_online
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 1
  - id: number_of_sessions
    type: s4
  - id: nation
    type: strz
    size: 33
    encoding: UTF-8
  - size: 3
  - id: longitude
    type: f4
  - id: latitude
    type: f4
  - id: track
    type: strz
    size: 33
    encoding: UTF-8
  - id: track_configuration
    type: strz
    size: 33
    encoding: UTF-8
  - size: 2
  - id: track_length_m
    type: f4
enums:
  acevo_session_type:
    -1: unknown
    0: time_attack
    1: race
    2: hot_stint
    3: cruise
  acevo_starting_grip:
    0: grip_green
    1: grip_fast
    2: grip_optimum
