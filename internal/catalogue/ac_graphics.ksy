meta:
  id: ac_graphics
  endian: le
  title: AC graphics
  -shmbridge:
    consistency:
      frame: packet_id
doc: |
  AC graphics: the mapping Local\acpmf_graphics, as Assetto Corsa's (the original's) SharedFileOut.h lays it
  out (#pragma pack(4); strings UTF-16). No lock: packet_id names the frame. Generated from
  internal/catalogue/src/ac.h by go generate; shmbridge's built-in catalogue.
seq:
  - id: packet_id
    -orig-id: packetId
    type: s4
  - id: status
    type: s4
    enum: ac_status
  - id: session
    type: s4
    enum: ac_session_type
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
    doc: along the track's spline
  - id: car_coordinates
    -orig-id: carCoordinates
    type: ac_vec3
    size: 12
    doc: the player's car, world axes
  - id: penalty_time
    -orig-id: penaltyTime
    type: f4
  - id: flag
    type: s4
    enum: ac_flag_type
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
    doc: degrees, 0 .. 359
types:
  ac_vec3:
    seq:
      - id: x
        type: f4
      - id: "y"
        type: f4
      - id: z
        type: f4
enums:
  ac_status:
    0: "off"
    1: replay
    2: live
    3: pause
  ac_session_type:
    -1: unknown
    0: practice
    1: qualify
    2: race
    3: hotlap
    4: time_attack
    5: drift
    6: drag
  ac_flag_type:
    0: no_flag
    1: blue
    2: yellow
    3: black
    4: white
    5: checkered
    6: penalty
