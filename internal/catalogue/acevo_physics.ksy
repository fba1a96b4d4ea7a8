meta:
  id: acevo_physics
  endian: le
  title: AC EVO physics
  -shmbridge:
    consistency:
      frame: packet_id
doc: |
  AC EVO physics: the mapping Local\acevo_pmf_physics, as Kunos' SharedFileOut documentation for Assetto Corsa
  EVO lays it out (#pragma pack(4), 800 bytes). No lock: packet_id names the frame. Generated from
  internal/catalogue/src/acevo.h by go generate; shmbridge's built-in catalogue.
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
  - id: acc_g
    -orig-id: accG
    type: f4
    repeat: expr
    repeat-expr: 3
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
    doc: PSI
  - id: wheel_angular_speed
    -orig-id: wheelAngularSpeed
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: radians per second
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
    doc: metres
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
    -orig-id: cgHeight
    type: f4
  - id: car_damage
    -orig-id: carDamage
    type: f4
    repeat: expr
    repeat-expr: 5
    doc: front, rear, left, right, centre
  - id: number_of_tyres_out
    -orig-id: numberOfTyresOut
    type: s4
  - id: pit_limiter_on
    -orig-id: pitLimiterOn
    type: s4
  - id: abs
    type: f4
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
    doc: kilograms
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
  - id: ers_is_charging
    -orig-id: ersIsCharging
    type: s4
  - id: kers_current_kj
    -orig-id: kersCurrentKJ
    type: f4
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
    type: acevo_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_normal
    -orig-id: tyreContactNormal
    type: acevo_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: tyre_contact_heading
    -orig-id: tyreContactHeading
    type: acevo_vec3
    size: 12
    repeat: expr
    repeat-expr: 4
  - id: brake_bias
    -orig-id: brakeBias
    type: f4
    doc: the front's share
  - id: local_velocity
    -orig-id: localVelocity
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: p2p_activations
    -orig-id: P2PActivations
    type: s4
  - id: p2p_status
    -orig-id: P2PStatus
    type: s4
  - id: current_max_rpm
    -orig-id: currentMaxRpm
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
    -orig-id: slipRatio
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: slip_angle
    -orig-id: slipAngle
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tcin_action
    -orig-id: tcinAction
    type: s4
  - id: abs_in_action
    -orig-id: absInAction
    type: s4
  - id: suspension_damage
    -orig-id: suspensionDamage
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_temp
    -orig-id: tyreTemp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: water_temp
    -orig-id: waterTemp
    type: f4
  - id: brake_torque
    -orig-id: brakeTorque
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: newton metres
  - id: front_brake_compound
    -orig-id: frontBrakeCompound
    type: s4
  - id: rear_brake_compound
    -orig-id: rearBrakeCompound
    type: s4
  - id: pad_life
    -orig-id: padLife
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: disc_life
    -orig-id: discLife
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: ignition_on
    -orig-id: ignitionOn
    type: s4
  - id: starter_engine_on
    -orig-id: starterEngineOn
    type: s4
  - id: is_engine_running
    -orig-id: isEngineRunning
    type: s4
  - id: kerb_vibration
    -orig-id: kerbVibration
    type: f4
  - id: slip_vibrations
    -orig-id: slipVibrations
    type: f4
  - id: road_vibrations
    -orig-id: roadVibrations
    type: f4
  - id: abs_vibrations
    -orig-id: absVibrations
    type: f4
types:
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
