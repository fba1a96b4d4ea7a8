# rFactor 2 telemetry: the mapping $rFactor2SMMP_Telemetry$ of the rF2SharedMemoryMapPlugin, as its rF2State.h
# lays it out (4-byte packing; long is 4 bytes), with the plugin's version block first: mVersionUpdateBegin is
# bumped before a write and mVersionUpdateEnd after. shmbridge's built-in catalogue.
meta:
  id: rf2_telemetry
  title: rFactor 2 telemetry
  endian: le
  -shmbridge:
    consistency:
      seqlock: {begin: version_update_begin, end: version_update_end}
seq:
  - id: version_update_begin
    type: u4
  - id: version_update_end
    type: u4
  - id: bytes_updated_hint
    type: s4
  - id: num_vehicles
    type: s4
  - id: vehicles
    type: vehicle
    repeat: expr
    repeat-expr: 'num_vehicles < 0 ? 0 : num_vehicles > 128 ? 128 : num_vehicles'
types:
  vec3:
    seq:
      - id: x
        type: f8
      - id: y
        type: f8
      - id: z
        type: f8
  vehicle:
    seq:
      - id: id
        type: s4
      - id: delta_time
        type: f8
      - id: elapsed_time
        type: f8
      - id: lap_number
        type: s4
      - id: lap_start_et
        type: f8
      - id: vehicle_name
        type: strz
        size: 64
        encoding: windows-1252
      - id: track_name
        type: strz
        size: 64
        encoding: windows-1252
      - id: pos
        type: vec3
      - id: local_vel
        type: vec3
      - id: local_accel
        type: vec3
      - id: ori
        type: vec3
        repeat: expr
        repeat-expr: 3
      - id: local_rot
        type: vec3
      - id: local_rot_accel
        type: vec3
      - id: gear
        type: s4
      - id: engine_rpm
        type: f8
      - id: engine_water_temp
        type: f8
      - id: engine_oil_temp
        type: f8
      - id: clutch_rpm
        type: f8
      - id: unfiltered_throttle
        type: f8
      - id: unfiltered_brake
        type: f8
      - id: unfiltered_steering
        type: f8
      - id: unfiltered_clutch
        type: f8
      - id: filtered_throttle
        type: f8
      - id: filtered_brake
        type: f8
      - id: filtered_steering
        type: f8
      - id: filtered_clutch
        type: f8
      - id: steering_shaft_torque
        type: f8
      - id: front3rd_deflection
        type: f8
      - id: rear3rd_deflection
        type: f8
      - id: front_wing_height
        type: f8
      - id: front_ride_height
        type: f8
      - id: rear_ride_height
        type: f8
      - id: drag
        type: f8
      - id: front_downforce
        type: f8
      - id: rear_downforce
        type: f8
      - id: fuel
        type: f8
      - id: engine_max_rpm
        type: f8
      - id: scheduled_stops
        type: u1
      - id: overheating
        type: u1
      - id: detached
        type: u1
      - id: headlights
        type: u1
      - id: dent_severity
        size: 8
      - id: last_impact_et
        type: f8
      - id: last_impact_magnitude
        type: f8
      - id: last_impact_pos
        type: vec3
      - id: engine_torque
        type: f8
      - id: current_sector
        type: s4
      - id: speed_limiter
        type: u1
      - id: max_gears
        type: u1
      - id: front_tire_compound_index
        type: u1
      - id: rear_tire_compound_index
        type: u1
      - id: fuel_capacity
        type: f8
      - id: front_flap_activated
        type: u1
      - id: rear_flap_activated
        type: u1
      - id: rear_flap_legal_status
        type: u1
      - id: ignition_starter
        type: u1
      - id: front_tire_compound_name
        type: strz
        size: 18
        encoding: windows-1252
      - id: rear_tire_compound_name
        type: strz
        size: 18
        encoding: windows-1252
      - id: speed_limiter_available
        type: u1
      - id: anti_stall_activated
        type: u1
      - size: 2 # mUnused
      - id: visual_steering_wheel_range
        type: f4
      - id: rear_brake_bias
        type: f8
      - id: turbo_boost_pressure
        type: f8
      - id: physics_to_graphics_offset
        type: f4
        repeat: expr
        repeat-expr: 3
      - id: physical_steering_wheel_range
        type: f4
      - id: battery_charge_fraction
        type: f8
      - id: electric_boost_motor_torque
        type: f8
      - id: electric_boost_motor_rpm
        type: f8
      - id: electric_boost_motor_temperature
        type: f8
      - id: electric_boost_water_temperature
        type: f8
      - id: electric_boost_motor_state
        type: u1
      - size: 111 # mExpansion
      - id: wheels
        type: wheel
        repeat: expr
        repeat-expr: 4
  wheel:
    seq:
      - id: suspension_deflection
        type: f8
      - id: ride_height
        type: f8
      - id: susp_force
        type: f8
      - id: brake_temp
        type: f8
      - id: brake_pressure
        type: f8
      - id: rotation
        type: f8
      - id: lateral_patch_vel
        type: f8
      - id: longitudinal_patch_vel
        type: f8
      - id: lateral_ground_vel
        type: f8
      - id: longitudinal_ground_vel
        type: f8
      - id: camber
        type: f8
      - id: lateral_force
        type: f8
      - id: longitudinal_force
        type: f8
      - id: tire_load
        type: f8
      - id: grip_fract
        type: f8
      - id: pressure
        type: f8
      - id: temperature
        type: f8
        repeat: expr
        repeat-expr: 3
      - id: wear
        type: f8
      - id: terrain_name
        type: strz
        size: 16
        encoding: windows-1252
      - id: surface_type
        type: u1
      - id: flat
        type: u1
      - id: detached
        type: u1
      - id: static_undeflected_radius
        type: u1
      - id: vertical_tire_deflection
        type: f8
      - id: wheel_y_location
        type: f8
      - id: toe
        type: f8
      - id: tire_carcass_temperature
        type: f8
      - id: tire_inner_layer_temperature
        type: f8
        repeat: expr
        repeat-expr: 3
      - size: 24 # mExpansion
