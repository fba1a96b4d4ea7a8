meta:
  id: acc_graphics
  endian: le
  title: ACC graphics
  -shmbridge:
    consistency:
      frame: packet_id
doc: |
  ACC graphics: the mapping Local\acpmf_graphics, as Assetto Corsa Competizione's SharedFileOut.h lays it out
  (#pragma pack(4); strings UTF-16); AC Rally writes the same page. No lock: packet_id names the frame.
  Generated from internal/catalogue/src/acc.h by go generate; shmbridge's built-in catalogue.
seq:
  - id: packet_id
    -orig-id: packetId
    type: s4
  - id: status
    type: s4
    enum: acc_status
  - id: session
    type: s4
    enum: acc_session_type
  - id: current_time
    -orig-id: currentTime
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: last_time
    -orig-id: lastTime
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: best_time
    -orig-id: bestTime
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: split
    type: strz
    size: 30
    encoding: UTF-16LE
  - id: completed_laps
    -orig-id: completedLaps
    type: s4
  - id: position
    type: s4
  - id: i_current_time
    -orig-id: iCurrentTime
    type: s4
  - id: i_last_time
    -orig-id: iLastTime
    type: s4
  - id: i_best_time
    -orig-id: iBestTime
    type: s4
  - id: session_time_left
    -orig-id: sessionTimeLeft
    type: f4
  - id: distance_traveled
    -orig-id: distanceTraveled
    type: f4
  - id: is_in_pit
    -orig-id: isInPit
    type: s4
  - id: current_sector_index
    -orig-id: currentSectorIndex
    type: s4
  - id: last_sector_time
    -orig-id: lastSectorTime
    type: s4
  - id: number_of_laps
    -orig-id: numberOfLaps
    type: s4
  - id: tyre_compound
    -orig-id: tyreCompound
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2
  - id: replay_time_multiplier
    -orig-id: replayTimeMultiplier
    type: f4
  - id: normalized_car_position
    -orig-id: normalizedCarPosition
    type: f4
  - id: active_cars
    -orig-id: activeCars
    type: s4
  - id: car_coordinates
    -orig-id: carCoordinates
    type: acc_vec3
    size: 12
    repeat: expr
    repeat-expr: 60
  - id: car_id
    -orig-id: carID
    type: s4
    repeat: expr
    repeat-expr: 60
  - id: player_car_id
    -orig-id: playerCarID
    type: s4
  - id: penalty_time
    -orig-id: penaltyTime
    type: f4
  - id: flag
    type: s4
    enum: acc_flag_type
  - id: penalty
    type: s4
    doc: 'ACC''s PenaltyShortcut: 0 none, 1.. the penalty and its reason'
  - id: ideal_line_on
    -orig-id: idealLineOn
    type: s4
  - id: is_in_pit_lane
    -orig-id: isInPitLane
    type: s4
  - id: surface_grip
    -orig-id: surfaceGrip
    type: f4
  - id: mandatory_pit_done
    -orig-id: mandatoryPitDone
    type: s4
  - id: wind_speed
    -orig-id: windSpeed
    type: f4
  - id: wind_direction
    -orig-id: windDirection
    type: f4
  - id: is_setup_menu_visible
    -orig-id: isSetupMenuVisible
    type: s4
  - id: main_display_index
    -orig-id: mainDisplayIndex
    type: s4
  - id: secondary_display_index
    -orig-id: secondaryDisplayIndex
    type: s4
  - id: tc
    -orig-id: TC
    type: s4
  - id: tc_cut
    -orig-id: TCCut
    type: s4
  - id: engine_map
    -orig-id: EngineMap
    type: s4
  - id: abs
    -orig-id: ABS
    type: s4
  - id: fuel_x_lap
    -orig-id: fuelXLap
    type: f4
  - id: rain_lights
    -orig-id: rainLights
    type: s4
  - id: flashing_lights
    -orig-id: flashingLights
    type: s4
  - id: lights_stage
    -orig-id: lightsStage
    type: s4
  - id: exhaust_temperature
    -orig-id: exhaustTemperature
    type: f4
  - id: wiper_lv
    -orig-id: wiperLV
    type: s4
  - id: driver_stint_total_time_left
    -orig-id: driverStintTotalTimeLeft
    type: s4
  - id: driver_stint_time_left
    -orig-id: driverStintTimeLeft
    type: s4
  - id: rain_tyres
    -orig-id: rainTyres
    type: s4
  - id: session_index
    -orig-id: sessionIndex
    type: s4
  - id: used_fuel
    -orig-id: usedFuel
    type: f4
  - id: delta_lap_time
    -orig-id: deltaLapTime
    type: strz
    size: 30
    encoding: UTF-16LE
  - size: 2
  - id: i_delta_lap_time
    -orig-id: iDeltaLapTime
    type: s4
  - id: estimated_lap_time
    -orig-id: estimatedLapTime
    type: strz
    size: 30
    encoding: UTF-16LE
  - size: 2
  - id: i_estimated_lap_time
    -orig-id: iEstimatedLapTime
    type: s4
  - id: is_delta_positive
    -orig-id: isDeltaPositive
    type: s4
  - id: i_split
    -orig-id: iSplit
    type: s4
  - id: is_valid_lap
    -orig-id: isValidLap
    type: s4
  - id: fuel_estimated_laps
    -orig-id: fuelEstimatedLaps
    type: f4
  - id: track_status
    -orig-id: trackStatus
    type: strz
    size: 66
    encoding: UTF-16LE
  - size: 2
  - id: missing_mandatory_pits
    -orig-id: missingMandatoryPits
    type: s4
  - id: clock
    -orig-id: Clock
    type: f4
    doc: time of day, seconds
  - id: direction_lights_left
    -orig-id: directionLightsLeft
    type: s4
  - id: direction_lights_right
    -orig-id: directionLightsRight
    type: s4
  - id: global_yellow
    -orig-id: GlobalYellow
    type: s4
  - id: global_yellow1
    -orig-id: GlobalYellow1
    type: s4
  - id: global_yellow2
    -orig-id: GlobalYellow2
    type: s4
  - id: global_yellow3
    -orig-id: GlobalYellow3
    type: s4
  - id: global_white
    -orig-id: GlobalWhite
    type: s4
  - id: global_green
    -orig-id: GlobalGreen
    type: s4
  - id: global_chequered
    -orig-id: GlobalChequered
    type: s4
  - id: global_red
    -orig-id: GlobalRed
    type: s4
  - id: mfd_tyre_set
    -orig-id: mfdTyreSet
    type: s4
  - id: mfd_fuel_to_add
    -orig-id: mfdFuelToAdd
    type: f4
  - id: mfd_tyre_pressure_lf
    -orig-id: mfdTyrePressureLF
    type: f4
  - id: mfd_tyre_pressure_rf
    -orig-id: mfdTyrePressureRF
    type: f4
  - id: mfd_tyre_pressure_lr
    -orig-id: mfdTyrePressureLR
    type: f4
  - id: mfd_tyre_pressure_rr
    -orig-id: mfdTyrePressureRR
    type: f4
  - id: track_grip_status
    -orig-id: trackGripStatus
    type: s4
    doc: 0 green, 1 fast, 2 optimum, 3 greasy, 4 damp, 5 wet, 6 flooded
  - id: rain_intensity
    -orig-id: rainIntensity
    type: s4
    doc: 0 none, 1 drizzle, 2 light, 3 medium, 4 heavy, 5 thunderstorm
  - id: rain_intensity_in10min
    -orig-id: rainIntensityIn10min
    type: s4
  - id: rain_intensity_in30min
    -orig-id: rainIntensityIn30min
    type: s4
  - id: current_tyre_set
    -orig-id: currentTyreSet
    type: s4
  - id: strategy_tyre_set
    -orig-id: strategyTyreSet
    type: s4
  - id: gap_ahead
    -orig-id: gapAhead
    type: s4
    doc: milliseconds
  - id: gap_behind
    -orig-id: gapBehind
    type: s4
types:
  acc_vec3:
    seq:
      - id: x
        type: f4
      - id: "y"
        type: f4
      - id: z
        type: f4
enums:
  acc_status:
    0: "off"
    1: replay
    2: live
    3: pause
  acc_session_type:
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
  acc_flag_type:
    0: no_flag
    1: blue
    2: yellow
    3: black
    4: white
    5: checkered
    6: penalty
    7: green
    8: orange
