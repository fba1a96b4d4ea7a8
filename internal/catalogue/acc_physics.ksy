# ACC physics: the mapping Local\acpmf_physics, as Assetto Corsa Competizione's SharedFileOut.h lays it out
# (4-byte packing; strings UTF-16). shmbridge's built-in catalogue.
meta:
  id: acc_physics
  title: ACC physics
  endian: le
  -shmbridge:
    consistency:
      frame: packet_id
seq:
  - id: packet_id
    type: s4
  - id: gas
    type: f4
  - id: brake
    type: f4
  - id: fuel
    type: f4
  - id: gear
    type: s4
  - id: rpms
    type: s4
  - id: steer_angle
    type: f4
  - id: speed_kmh
    type: f4
  - id: velocity
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: acc_g
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: wheel_slip
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: wheel_load
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: wheels_pressure
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: wheel_angular_speed
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_wear
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_dirty_level
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_core_temperature
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: camber_rad
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: suspension_travel
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: drs
    type: f4
  - id: tc
    type: f4
  - id: heading
    type: f4
  - id: pitch
    type: f4
  - id: roll
    type: f4
  - id: cg_height
    type: f4
  - id: car_damage
    type: f4
    repeat: expr
    repeat-expr: 5
  - id: number_of_tyres_out
    type: s4
  - id: pit_limiter_on
    type: s4
  - id: abs
    type: f4
  - id: kers_charge
    type: f4
  - id: kers_input
    type: f4
  - id: auto_shifter_on
    type: s4
  - id: ride_height
    type: f4
    repeat: expr
    repeat-expr: 2
  - id: turbo_boost
    type: f4
  - id: ballast
    type: f4
  - id: air_density
    type: f4
  - id: air_temp
    type: f4
  - id: road_temp
    type: f4
  - id: local_angular_vel
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: final_ff
    type: f4
  - id: performance_meter
    type: f4
  - id: engine_brake
    type: s4
  - id: ers_recovery_level
    type: s4
  - id: ers_power_level
    type: s4
  - id: ers_heat_charging
    type: s4
  - id: ers_is_charging
    type: s4
  - id: kers_current_kj
    type: f4
  - id: drs_available
    type: s4
  - id: drs_enabled
    type: s4
  - id: brake_temp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: clutch
    type: f4
  - id: tyre_temp_i
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp_m
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp_o
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: is_ai_controlled
    type: s4
  - id: tyre_contact_point
    type: vec3f
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_normal
    type: vec3f
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_heading
    type: vec3f
    repeat: expr
    repeat-expr: 4
  - id: brake_bias
    type: f4
  - id: local_velocity
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: p2p_activations
    type: s4
  - id: p2p_status
    type: s4
  - id: current_max_rpm
    type: s4
  - id: mz
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: fx
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: fy
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: slip_ratio
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: slip_angle
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tc_in_action
    type: s4
  - id: abs_in_action
    type: s4
  - id: suspension_damage
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: water_temp
    type: f4
  - id: brake_pressure
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: front_brake_compound
    type: s4
  - id: rear_brake_compound
    type: s4
  - id: pad_life
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: disc_life
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: ignition_on
    type: s4
  - id: starter_engine_on
    type: s4
  - id: is_engine_running
    type: s4
  - id: kerb_vibration
    type: f4
  - id: slip_vibrations
    type: f4
  - id: g_vibrations
    type: f4
  - id: abs_vibrations
    type: f4
types:
  vec3f:
    seq:
      - id: x
        type: f4
      - id: y
        type: f4
      - id: z
        type: f4
