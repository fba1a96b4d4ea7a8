meta:
  id: ac_physics
  endian: le
  title: AC physics
  -shmbridge:
    consistency:
      frame: packet_id
doc: |
  AC physics: the mapping Local\acpmf_physics, as Assetto Corsa's (the original's) SharedFileOut.h lays it out
  (#pragma pack(4)). No lock: packet_id names the frame. Generated from internal/catalogue/src/ac.h by go
  generate; shmbridge's built-in catalogue.
seq:
  - id: packet_id
    -orig-id: packetId
    type: s4
  - id: gas
    type: f4
  - id: brake
    type: f4
  - id: fuel
    type: f4
    doc: litres
  - id: gear
    type: s4
    doc: 0 reverse, 1 neutral, 2.. forward
  - id: rpms
    type: s4
  - id: steer_angle
    -orig-id: steerAngle
    type: f4
  - id: speed_kmh
    -orig-id: speedKmh
    type: f4
  - id: velocity
    type: f4
    repeat: expr
    repeat-expr: 3
    doc: world axes
  - id: acc_g
    -orig-id: accG
    type: f4
    repeat: expr
    repeat-expr: 3
    doc: car axes
  - id: wheel_slip
    -orig-id: wheelSlip
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: wheel_load
    -orig-id: wheelLoad
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: newtons
  - id: wheels_pressure
    -orig-id: wheelsPressure
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: wheel_angular_speed
    -orig-id: wheelAngularSpeed
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_wear
    -orig-id: tyreWear
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_dirty_level
    -orig-id: tyreDirtyLevel
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_core_temperature
    -orig-id: tyreCoreTemperature
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: camber_rad
    -orig-id: camberRAD
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: suspension_travel
    -orig-id: suspensionTravel
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: drs
    type: f4
  - id: tc
    type: f4
    doc: the traction control's slip ratio limit
  - id: heading
    type: f4
  - id: pitch
    type: f4
  - id: roll
    type: f4
  - id: cg_height
    -orig-id: cgHeight
    type: f4
  - id: car_damage
    -orig-id: carDamage
    type: f4
    repeat: expr
    repeat-expr: 5
    doc: the first four sections are used
  - id: number_of_tyres_out
    -orig-id: numberOfTyresOut
    type: s4
  - id: pit_limiter_on
    -orig-id: pitLimiterOn
    type: s4
  - id: abs
    type: f4
    doc: the ABS's slip ratio limit
  - id: kers_charge
    -orig-id: kersCharge
    type: f4
  - id: kers_input
    -orig-id: kersInput
    type: f4
  - id: auto_shifter_on
    -orig-id: autoShifterOn
    type: s4
  - id: ride_height
    -orig-id: rideHeight
    type: f4
    repeat: expr
    repeat-expr: 2
    doc: front, rear
  - id: turbo_boost
    -orig-id: turboBoost
    type: f4
  - id: ballast
    type: f4
    doc: kilograms (multiplayer)
  - id: air_density
    -orig-id: airDensity
    type: f4
  - id: air_temp
    -orig-id: airTemp
    type: f4
  - id: road_temp
    -orig-id: roadTemp
    type: f4
  - id: local_angular_vel
    -orig-id: localAngularVel
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: final_ff
    -orig-id: finalFF
    type: f4
  - id: performance_meter
    -orig-id: performanceMeter
    type: f4
    doc: against the best lap
  - id: engine_brake
    -orig-id: engineBrake
    type: s4
  - id: ers_recovery_level
    -orig-id: ersRecoveryLevel
    type: s4
  - id: ers_power_level
    -orig-id: ersPowerLevel
    type: s4
  - id: ers_heat_charging
    -orig-id: ersHeatCharging
    type: s4
    doc: 0 motor, 1 battery
  - id: ers_is_charging
    -orig-id: ersIsCharging
    type: s4
  - id: kers_current_kj
    -orig-id: kersCurrentKJ
    type: f4
    doc: spent this lap
  - id: drs_available
    -orig-id: drsAvailable
    type: s4
  - id: drs_enabled
    -orig-id: drsEnabled
    type: s4
  - id: brake_temp
    -orig-id: brakeTemp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: clutch
    type: f4
  - id: tyre_temp_i
    -orig-id: tyreTempI
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp_m
    -orig-id: tyreTempM
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp_o
    -orig-id: tyreTempO
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: is_ai_controlled
    -orig-id: isAIControlled
    type: s4
  - id: tyre_contact_point
    -orig-id: tyreContactPoint
    type: ac_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_normal
    -orig-id: tyreContactNormal
    type: ac_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_heading
    -orig-id: tyreContactHeading
    type: ac_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: brake_bias
    -orig-id: brakeBias
    type: f4
    doc: 0 rear .. 1 front
  - id: local_velocity
    -orig-id: localVelocity
    type: f4
    repeat: expr
    repeat-expr: 3
types:
  ac_vec3:
    seq:
      - id: x
        type: f4
      - id: "y"
        type: f4
      - id: z
        type: f4
