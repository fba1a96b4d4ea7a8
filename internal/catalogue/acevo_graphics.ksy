meta:
  id: acevo_graphics
  endian: le
  title: AC EVO graphics
  -shmbridge:
    consistency:
      frame: packet_id
doc: |
  AC EVO graphics: the mapping Local\acevo_pmf_graphics, as Kunos' SharedFileOut documentation for Assetto
  Corsa EVO lays it out (#pragma pack(4); the inner structs of fixed sizes since 2026-03-31, car_ids since
  2026-04-01). No lock: packet_id names the frame. Generated from internal/catalogue/src/acevo.h by go
  generate; shmbridge's built-in catalogue.
seq:
  - id: packet_id
    -orig-id: packetId
    type: s4
  - id: status
    type: s4
    enum: acevo_status
  - id: focused_car_id_a
    type: u8
    doc: 'the car the camera shows: a 128-bit id in two halves'
  - id: focused_car_id_b
    type: u8
  - id: player_car_id_a
    type: u8
  - id: player_car_id_b
    type: u8
  - id: rpm
    type: u2
  - id: is_rpm_limiter_on
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_change_up_rpm
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_change_down_rpm
    type: u1
    doc: 'C bool: 0 or 1'
  - id: tc_active
    type: u1
    doc: 'C bool: 0 or 1'
  - id: abs_active
    type: u1
    doc: 'C bool: 0 or 1'
  - id: esc_active
    type: u1
    doc: 'C bool: 0 or 1'
  - id: launch_active
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_ignition_on
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_engine_running
    type: u1
    doc: 'C bool: 0 or 1'
  - id: kers_is_charging
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_wrong_way
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_drs_available
    type: u1
    doc: 'C bool: 0 or 1'
  - id: battery_is_charging
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_max_kj_per_lap_reached
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_max_charge_kj_per_lap_reached
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 1
  - id: display_speed_kmh
    type: s2
  - id: display_speed_mph
    type: s2
  - id: display_speed_ms
    type: s2
  - id: pitspeeding_delta
    type: f4
  - id: gear_int
    type: s2
  - size: 2
  - id: rpm_percent
    type: f4
  - id: gas_percent
    type: f4
  - id: brake_percent
    type: f4
  - id: handbrake_percent
    type: f4
  - id: clutch_percent
    type: f4
  - id: steering_percent
    type: f4
  - id: ffb_strength
    type: f4
  - id: car_ffb_mupliplier
    type: f4
    doc: the documentation's spelling
  - id: water_temperature_percent
    type: f4
  - id: water_pressure_bar
    type: f4
  - id: fuel_pressure_bar
    type: f4
  - id: water_temperature_c
    type: s1
  - id: air_temperature_c
    type: s1
  - size: 2
  - id: oil_temperature_c
    type: f4
  - id: oil_pressure_bar
    type: f4
  - id: exhaust_temperature_c
    type: f4
  - id: g_forces_x
    type: f4
  - id: g_forces_y
    type: f4
  - id: g_forces_z
    type: f4
  - id: turbo_boost
    type: f4
  - id: turbo_boost_level
    type: f4
  - id: turbo_boost_perc
    type: f4
  - id: steer_degrees
    type: s4
  - id: current_km
    type: f4
  - id: total_km
    type: u4
  - id: total_driving_time_s
    type: u4
  - id: time_of_day_hours
    type: s4
  - id: time_of_day_minutes
    type: s4
  - id: time_of_day_seconds
    type: s4
  - id: delta_time_ms
    type: s4
  - id: current_lap_time_ms
    type: s4
  - id: predicted_lap_time_ms
    type: s4
  - id: fuel_liter_current_quantity
    type: f4
  - id: fuel_liter_current_quantity_percent
    type: f4
  - id: fuel_liter_per_km
    type: f4
  - id: km_per_fuel_liter
    type: f4
  - id: current_torque
    type: f4
  - id: current_bhp
    type: s4
  - id: tyre_lf
    type: sm_evo_tyre_state
    size: 256
  - id: tyre_rf
    type: sm_evo_tyre_state
    size: 256
  - id: tyre_lr
    type: sm_evo_tyre_state
    size: 256
  - id: tyre_rr
    type: sm_evo_tyre_state
    size: 256
  - id: npos
    type: f4
    doc: 0 .. 1 around the lap
  - id: kers_charge_perc
    type: f4
  - id: kers_current_perc
    type: f4
  - id: control_lock_time
    type: f4
  - id: car_damage
    type: sm_evo_damage_state
    size: 128
  - id: car_location
    type: s4
    enum: acevo_car_location
  - id: pit_info
    type: sm_evo_pit_info
    size: 64
  - id: fuel_liter_used
    type: f4
  - id: fuel_liter_per_lap
    type: f4
  - id: laps_possible_with_fuel
    type: f4
  - id: battery_temperature
    type: f4
  - id: battery_voltage
    type: f4
  - id: instantaneous_fuel_liter_per_km
    type: f4
  - id: instantaneous_km_per_fuel_liter
    type: f4
  - id: gear_rpm_window
    type: f4
  - id: instrumentation
    type: sm_evo_instrumentation
    size: 128
  - id: instrumentation_min_limit
    type: sm_evo_instrumentation
    size: 128
  - id: instrumentation_max_limit
    type: sm_evo_instrumentation
    size: 128
  - id: electronics
    type: sm_evo_electronics
    size: 128
  - id: electronics_min_limit
    type: sm_evo_electronics
    size: 128
  - id: electronics_max_limit
    type: sm_evo_electronics
    size: 128
  - id: electronics_is_modifiable
    type: sm_evo_electronics
    size: 128
  - id: total_lap_count
    type: s4
  - id: current_pos
    type: u4
  - id: total_drivers
    type: u4
  - id: last_laptime_ms
    type: s4
  - id: best_laptime_ms
    type: s4
  - id: flag
    type: s4
    enum: acevo_flag_type
    doc: shown to this driver
  - id: global_flag
    type: s4
    enum: acevo_flag_type
    doc: shown to everyone
  - id: max_gears
    type: u4
  - id: engine_type
    type: s4
    enum: acevo_engine_type
  - id: has_kers
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_last_lap
    type: u1
    doc: 'C bool: 0 or 1'
  - id: performance_mode_name
    type: strz
    size: 33
    encoding: UTF-8
  - size: 1
  - id: diff_coast_raw_value
    type: f4
  - id: diff_power_raw_value
    type: f4
  - id: race_cut_gained_time_ms
    type: s4
  - id: distance_to_deadline
    type: s4
  - id: race_cut_current_delta
    type: f4
  - id: session_state
    type: sm_evo_session_state
    size: 256
  - id: timing_state
    type: sm_evo_timing_state
    size: 256
  - id: player_ping
    type: s4
  - id: player_latency
    type: s4
  - id: player_cpu_usage
    type: s4
  - id: player_cpu_usage_avg
    type: s4
  - id: player_qos
    type: s4
  - id: player_qos_avg
    type: s4
  - id: player_fps
    type: s4
  - id: player_fps_avg
    type: s4
  - id: driver_name
    type: strz
    size: 33
    encoding: UTF-8
  - id: driver_surname
    type: strz
    size: 33
    encoding: UTF-8
  - id: car_model
    type: strz
    size: 33
    encoding: UTF-8
  - id: is_in_pit_box
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_in_pit_lane
    type: u1
    doc: 'C bool: 0 or 1'
  - id: is_valid_lap
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 2
  - id: car_coordinates
    type: acevo_vec3
    size: 12
    repeat: expr
    repeat-expr: 60
  - id: gap_ahead
    type: f4
  - id: gap_behind
    type: f4
  - id: active_cars
    type: u1
  - size: 3
  - id: fuel_per_lap
    type: f4
  - id: fuel_estimated_laps
    type: f4
  - id: assists_state
    type: sm_evo_assists_state
    size: 64
  - id: max_fuel
    type: f4
  - id: max_turbo_boost
    type: f4
  - id: use_single_compound
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 3
  - id: car_ids
    type: u8
    repeat: expr
    repeat-expr: 120
    doc: |-
      the 128-bit id of each car_coordinates entry
      C array [60][2], flattened in C's order: item (i0)*2 + i1 is [i0]…[i1]
types:
  sm_evo_tyre_state:
    -orig-id: SMEvoTyreState
    seq:
      - id: slip
        type: f4
      - id: lock
        type: u1
        doc: 'C bool: 0 or 1'
      - size: 3
      - id: tyre_pression
        type: f4
        doc: PSI (the documentation's spelling)
      - id: tyre_temperature_c
        type: f4
      - id: brake_temperature_c
        type: f4
      - id: brake_pressure
        type: f4
      - id: tyre_temperature_left
        type: f4
      - id: tyre_temperature_center
        type: f4
      - id: tyre_temperature_right
        type: f4
      - id: tyre_compound_front
        type: strz
        size: 33
        encoding: UTF-8
      - id: tyre_compound_rear
        type: strz
        size: 33
        encoding: UTF-8
      - size: 2
      - id: tyre_normalized_pressure
        type: f4
        doc: 1 is the optimum
      - id: tyre_normalized_temperature_left
        type: f4
      - id: tyre_normalized_temperature_center
        type: f4
      - id: tyre_normalized_temperature_right
        type: f4
      - id: brake_normalized_temperature
        type: f4
      - id: tyre_normalized_temperature_core
        type: f4
      - id: place_holder
        type: strz
        size: 128
        encoding: UTF-8
        doc: reserved
  sm_evo_damage_state:
    -orig-id: SMEvoDamageState
    seq:
      - id: damage_front
        type: f4
      - id: damage_rear
        type: f4
      - id: damage_left
        type: f4
      - id: damage_right
        type: f4
      - id: damage_center
        type: f4
      - id: damage_suspension_lf
        type: f4
      - id: damage_suspension_rf
        type: f4
      - id: damage_suspension_lr
        type: f4
      - id: damage_suspension_rr
        type: f4
      - id: place_holder
        type: strz
        size: 92
        encoding: UTF-8
  sm_evo_pit_info:
    -orig-id: SMEvoPitInfo
    seq:
      - id: damage
        type: s1
      - id: fuel
        type: s1
      - id: tyres_lf
        type: s1
      - id: tyres_rf
        type: s1
      - id: tyres_lr
        type: s1
      - id: tyres_rr
        type: s1
      - id: place_holder
        type: strz
        size: 58
        encoding: UTF-8
  sm_evo_instrumentation:
    -orig-id: SMEvoInstrumentation
    seq:
      - id: main_light_stage
        type: s1
      - id: special_light_stage
        type: s1
      - id: cockpit_light_stage
        type: s1
      - id: wiper_level
        type: s1
      - id: rain_lights
        type: u1
        doc: 'C bool: 0 or 1'
      - id: direction_light_left
        type: u1
        doc: 'C bool: 0 or 1'
      - id: direction_light_right
        type: u1
        doc: 'C bool: 0 or 1'
      - id: flashing_lights
        type: u1
        doc: 'C bool: 0 or 1'
      - id: warning_lights
        type: u1
        doc: 'C bool: 0 or 1'
      - id: selected_display_index
        type: s1
      - id: display_current_page_index
        type: s1
        repeat: expr
        repeat-expr: 16
      - id: are_headlights_visible
        type: u1
        doc: 'C bool: 0 or 1'
      - id: place_holder
        type: strz
        size: 101
        encoding: UTF-8
  sm_evo_electronics:
    -orig-id: SMEvoElectronics
    seq:
      - id: tc_level
        type: s1
      - id: tc_cut_level
        type: s1
      - id: abs_level
        type: s1
      - id: esc_level
        type: s1
      - id: ebb_level
        type: s1
      - size: 3
      - id: brake_bias
        type: f4
      - id: engine_map_level
        type: s1
      - size: 3
      - id: turbo_level
        type: f4
      - id: ers_deployment_map
        type: s1
      - size: 3
      - id: ers_recharge_map
        type: f4
      - id: is_ers_heat_charging_on
        type: u1
        doc: 'C bool: 0 or 1'
      - id: is_ers_overtake_mode_on
        type: u1
        doc: 'C bool: 0 or 1'
      - id: is_drs_open
        type: u1
        doc: 'C bool: 0 or 1'
      - id: diff_power_level
        type: s1
      - id: diff_coast_level
        type: s1
      - id: front_bump_damper_level
        type: s1
      - id: front_rebound_damper_level
        type: s1
      - id: rear_bump_damper_level
        type: s1
      - id: rear_rebound_damper_level
        type: s1
      - id: is_ignition_on
        type: u1
        doc: 'C bool: 0 or 1'
      - id: is_pitlimiter_on
        type: u1
        doc: 'C bool: 0 or 1'
      - id: active_performance_mode
        type: s1
      - id: place_holder
        type: strz
        size: 88
        encoding: UTF-8
  sm_evo_session_state:
    -orig-id: SMEvoSessionState
    seq:
      - id: phase_name
        type: strz
        size: 33
        encoding: UTF-8
      - id: time_left
        type: strz
        size: 15
        encoding: UTF-8
      - id: time_left_ms
        type: s4
      - id: wait_time
        type: strz
        size: 15
        encoding: UTF-8
      - size: 1
      - id: total_lap
        type: s4
      - id: current_lap
        type: s4
      - id: lights_on
        type: s4
      - id: lights_mode
        type: s4
      - id: lap_length_km
        type: f4
      - id: end_session_flag
        type: s4
      - id: time_to_next_session
        type: strz
        size: 15
        encoding: UTF-8
      - id: disconnected_from_server
        type: u1
        doc: 'C bool: 0 or 1'
      - id: restart_season_enabled
        type: u1
        doc: 'C bool: 0 or 1'
      - id: ui_enable_drive
        type: u1
        doc: 'C bool: 0 or 1'
      - id: ui_enable_setup
        type: u1
        doc: 'C bool: 0 or 1'
      - id: is_ready_to_next_blinking
        type: u1
        doc: 'C bool: 0 or 1'
      - id: show_waiting_for_players
        type: u1
        doc: 'C bool: 0 or 1'
      - id: place_holder
        type: strz
        size: 140
        encoding: UTF-8
      - size: 3
  sm_evo_timing_state:
    -orig-id: SMEvoTimingState
    seq:
      - id: current_laptime
        type: strz
        size: 15
        encoding: UTF-8
      - id: delta_current
        type: strz
        size: 15
        encoding: UTF-8
      - size: 2
      - id: delta_current_p
        type: s4
      - id: last_laptime
        type: strz
        size: 15
        encoding: UTF-8
      - id: delta_last
        type: strz
        size: 15
        encoding: UTF-8
      - size: 2
      - id: delta_last_p
        type: s4
      - id: best_laptime
        type: strz
        size: 15
        encoding: UTF-8
      - id: ideal_laptime
        type: strz
        size: 15
        encoding: UTF-8
      - id: total_time
        type: strz
        size: 15
        encoding: UTF-8
      - id: is_invalid
        type: u1
        doc: 'C bool: 0 or 1'
      - id: place_holder
        type: strz
        size: 137
        encoding: UTF-8
      - size: 1
  acevo_vec3:
    seq:
      - id: x
        type: f4
        doc: 'x, y, z: a member the documentation declares float[N][3] is an array of these (the same bytes).'
      - id: "y"
        type: f4
        doc: 'x, y, z: a member the documentation declares float[N][3] is an array of these (the same bytes).'
      - id: z
        type: f4
        doc: 'x, y, z: a member the documentation declares float[N][3] is an array of these (the same bytes).'
  sm_evo_assists_state:
    -orig-id: SMEvoAssistsState
    seq:
      - id: auto_gear
        type: u1
      - id: auto_blip
        type: u1
      - id: auto_clutch
        type: u1
      - id: auto_clutch_on_start
        type: u1
      - id: manual_ignition_e_start
        type: u1
      - id: auto_pit_limiter
        type: u1
      - id: standing_start_assist
        type: u1
      - size: 1
      - id: auto_steer
        type: f4
      - id: arcade_stability_control
        type: f4
      - id: place_holder
        type: strz
        size: 48
        encoding: UTF-8
enums:
  acevo_status:
    0: "off"
    1: replay
    2: live
    3: pause
  acevo_car_location:
    0: unassigned
    1: pitlane
    2: pitentry
    3: pitexit
    4: track
  acevo_flag_type:
    0: no_flag
    1: white
    2: green
    3: red
    4: blue
    5: yellow
    6: black
    7: black_white
    8: checkered
    9: orange_circle
    10: red_yellow_stripes
  acevo_engine_type:
    0: internal_combustion
    1: electric_motor
