# ACC graphics: the mapping Local\acpmf_graphics, as Assetto Corsa Competizione's SharedFileOut.h lays it out
# (4-byte packing; strings UTF-16). shmbridge's built-in catalogue.
meta:
  id: acc_graphics
  title: ACC graphics
  endian: le
  -shmbridge:
    consistency:
      frame: packet_id
seq:
  - id: packet_id
    type: s4
  - id: status
    type: s4
    enum: status
  - id: session
    type: s4
    enum: session_type
  - id: current_time
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: last_time
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: best_time
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: split
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: completed_laps
    type: s4
  - id: position
    type: s4
  - id: i_current_time
    type: s4
  - id: i_last_time
    type: s4
  - id: i_best_time
    type: s4
  - id: session_time_left
    type: f4
  - id: distance_traveled
    type: f4
  - id: is_in_pit
    type: s4
  - id: current_sector_index
    type: s4
  - id: last_sector_time
    type: s4
  - id: number_of_laps
    type: s4
  - id: tyre_compound
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2 # padding
  - id: replay_time_multiplier
    type: f4
  - id: normalized_car_position
    type: f4
  - id: active_cars
    type: s4
  - id: car_coordinates
    type: vec3f
    repeat: expr
    repeat-expr: 60
  - id: car_id
    type: s4
    repeat: expr
    repeat-expr: 60
  - id: player_car_id
    type: s4
  - id: penalty_time
    type: f4
  - id: flag
    type: s4
    enum: flag_type
  - id: penalty
    type: s4
  - id: ideal_line_on
    type: s4
  - id: is_in_pit_lane
    type: s4
  - id: surface_grip
    type: f4
  - id: mandatory_pit_done
    type: s4
  - id: wind_speed
    type: f4
  - id: wind_direction
    type: f4
  - id: is_setup_menu_visible
    type: s4
  - id: main_display_index
    type: s4
  - id: secondary_display_index
    type: s4
  - id: tc
    type: s4
  - id: tc_cut
    type: s4
  - id: engine_map
    type: s4
  - id: abs
    type: s4
  - id: fuel_x_lap
    type: f4
  - id: rain_lights
    type: s4
  - id: flashing_lights
    type: s4
  - id: lights_stage
    type: s4
  - id: exhaust_temperature
    type: f4
  - id: wiper_lv
    type: s4
  - id: driver_stint_total_time_left
    type: s4
  - id: driver_stint_time_left
    type: s4
  - id: rain_tyres
    type: s4
  - id: session_index
    type: s4
  - id: used_fuel
    type: f4
  - id: delta_lap_time
    type: strz
    size: 30
    encoding: UTF-16LE
  - size: 2 # padding
  - id: i_delta_lap_time
    type: s4
  - id: estimated_lap_time
    type: strz
    size: 30
    encoding: UTF-16LE
  - size: 2 # padding
  - id: i_estimated_lap_time
    type: s4
  - id: is_delta_positive
    type: s4
  - id: i_split
    type: s4
  - id: is_valid_lap
    type: s4
  - id: fuel_estimated_laps
    type: f4
  - id: track_status
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2 # padding
  - id: missing_mandatory_pits
    type: s4
  - id: clock
    type: f4
  - id: direction_lights_left
    type: s4
  - id: direction_lights_right
    type: s4
  - id: global_yellow
    type: s4
  - id: global_yellow1
    type: s4
  - id: global_yellow2
    type: s4
  - id: global_yellow3
    type: s4
  - id: global_white
    type: s4
  - id: global_green
    type: s4
  - id: global_chequered
    type: s4
  - id: global_red
    type: s4
  - id: mfd_tyre_set
    type: s4
  - id: mfd_fuel_to_add
    type: f4
  - id: mfd_tyre_pressure_lf
    type: f4
  - id: mfd_tyre_pressure_rf
    type: f4
  - id: mfd_tyre_pressure_lr
    type: f4
  - id: mfd_tyre_pressure_rr
    type: f4
  - id: track_grip_status
    type: s4
  - id: rain_intensity
    type: s4
  - id: rain_intensity_in10min
    type: s4
  - id: rain_intensity_in30min
    type: s4
  - id: current_tyre_set
    type: s4
  - id: strategy_tyre_set
    type: s4
  - id: gap_ahead
    type: s4
  - id: gap_behind
    type: s4
types:
  vec3f:
    seq:
      - id: x
        type: f4
      - id: y
        type: f4
      - id: z
        type: f4
enums:
  status:
    0: off
    1: replay
    2: live
    3: pause
  session_type:
    -1: unknown
    0: practice
    1: qualify
    2: race
    3: hotlap
    4: time_attack
    5: drift
    6: drag
    7: hotstint
    8: hotlap_superpole
  flag_type:
    0: no_flag
    1: blue
    2: yellow
    3: black
    4: white
    5: checkered
    6: penalty
    7: green
    8: orange
