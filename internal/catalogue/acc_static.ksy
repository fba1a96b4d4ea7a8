# ACC static: the mapping Local\acpmf_static, as Assetto Corsa Competizione's SharedFileOut.h lays it out
# (4-byte packing; strings UTF-16). Written once per session: no frame to follow. shmbridge's built-in catalogue.
meta:
  id: acc_static
  title: ACC static
  endian: le
seq:
  - id: sm_version
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: ac_version
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: number_of_sessions
    type: s4
  - id: num_cars
    type: s4
  - id: car_model
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: track
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_name
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_surname
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_nick
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2 # padding
  - id: sector_count
    type: s4
  - id: max_torque
    type: f4
  - id: max_power
    type: f4
  - id: max_rpm
    type: s4
  - id: max_fuel
    type: f4
  - id: suspension_max_travel
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_radius
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: max_turbo_boost
    type: f4
  - size: 4 # deprecated_1
  - size: 4 # deprecated_2
  - id: penalties_enabled
    type: s4
  - id: aid_fuel_rate
    type: f4
  - id: aid_tire_rate
    type: f4
  - id: aid_mechanical_damage
    type: f4
  - id: aid_allow_tyre_blankets
    type: s4
  - id: aid_stability
    type: f4
  - id: aid_auto_clutch
    type: s4
  - id: aid_auto_blip
    type: s4
  - id: has_drs
    type: s4
  - id: has_ers
    type: s4
  - id: has_kers
    type: s4
  - id: kers_max_j
    type: f4
  - id: engine_brake_settings_count
    type: s4
  - id: ers_power_controller_count
    type: s4
  - id: track_spline_length
    type: f4
  - id: track_configuration
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2 # padding
  - id: ers_max_j
    type: f4
  - id: is_timed_race
    type: s4
  - id: has_extra_lap
    type: s4
  - id: car_skin
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2 # padding
  - id: reversed_grid_positions
    type: s4
  - id: pit_window_start
    type: s4
  - id: pit_window_end
    type: s4
  - id: is_online
    type: s4
  - id: dry_tyres_name
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: wet_tyres_name
    type: strz
    size: 66
    encoding: UTF-16LE
