meta:
  id: acc_static
  endian: le
  title: ACC static
doc: |
  ACC static: the mapping Local\acpmf_static, as Assetto Corsa Competizione's SharedFileOut.h lays it out
  (#pragma pack(4); strings UTF-16). Written once per session: no frame to follow. Generated from
  internal/catalogue/src/acc.h by go generate; shmbridge's built-in catalogue.
seq:
  - id: sm_version
    -orig-id: smVersion
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: ac_version
    -orig-id: acVersion
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: number_of_sessions
    -orig-id: numberOfSessions
    type: s4
  - id: num_cars
    -orig-id: numCars
    type: s4
  - id: car_model
    -orig-id: carModel
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: track
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_name
    -orig-id: playerName
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_surname
    -orig-id: playerSurname
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: player_nick
    -orig-id: playerNick
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2
  - id: sector_count
    -orig-id: sectorCount
    type: s4
  - id: max_torque
    -orig-id: maxTorque
    type: f4
  - id: max_power
    -orig-id: maxPower
    type: f4
  - id: max_rpm
    -orig-id: maxRpm
    type: s4
  - id: max_fuel
    -orig-id: maxFuel
    type: f4
  - id: suspension_max_travel
    -orig-id: suspensionMaxTravel
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tyre_radius
    -orig-id: tyreRadius
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: max_turbo_boost
    -orig-id: maxTurboBoost
    type: f4
  - id: deprecated_1
    type: f4
  - id: deprecated_2
    type: f4
  - id: penalties_enabled
    -orig-id: penaltiesEnabled
    type: s4
  - id: aid_fuel_rate
    -orig-id: aidFuelRate
    type: f4
  - id: aid_tire_rate
    -orig-id: aidTireRate
    type: f4
  - id: aid_mechanical_damage
    -orig-id: aidMechanicalDamage
    type: f4
  - id: aid_allow_tyre_blankets
    -orig-id: aidAllowTyreBlankets
    type: s4
  - id: aid_stability
    -orig-id: aidStability
    type: f4
  - id: aid_auto_clutch
    -orig-id: aidAutoClutch
    type: s4
  - id: aid_auto_blip
    -orig-id: aidAutoBlip
    type: s4
  - id: has_drs
    -orig-id: hasDRS
    type: s4
  - id: has_ers
    -orig-id: hasERS
    type: s4
  - id: has_kers
    -orig-id: hasKERS
    type: s4
  - id: kers_max_j
    -orig-id: kersMaxJ
    type: f4
  - id: engine_brake_settings_count
    -orig-id: engineBrakeSettingsCount
    type: s4
  - id: ers_power_controller_count
    -orig-id: ersPowerControllerCount
    type: s4
  - id: track_spline_length
    -orig-id: trackSplineLength
    type: f4
    doc: the header's trackSPlineLength
  - id: track_configuration
    -orig-id: trackConfiguration
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2
  - id: ers_max_j
    -orig-id: ersMaxJ
    type: f4
  - id: is_timed_race
    -orig-id: isTimedRace
    type: s4
  - id: has_extra_lap
    -orig-id: hasExtraLap
    type: s4
  - id: car_skin
    -orig-id: carSkin
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2
  - id: reversed_grid_positions
    -orig-id: reversedGridPositions
    type: s4
  - id: pit_window_start
    -orig-id: PitWindowStart
    type: s4
  - id: pit_window_end
    -orig-id: PitWindowEnd
    type: s4
  - id: is_online
    -orig-id: isOnline
    type: s4
  - id: dry_tyres_name
    -orig-id: dryTyresName
    type: strz
    size: 66
    encoding: UTF-16LE
  - id: wet_tyres_name
    -orig-id: wetTyresName
    type: strz
    size: 66
    encoding: UTF-16LE
