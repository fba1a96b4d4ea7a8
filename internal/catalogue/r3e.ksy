meta:
  id: r3e
  endian: le
  title: RaceRoom shared memory
  -shmbridge:
    consistency:
      frame: player.game_simulation_ticks
doc: |
  RaceRoom: the mapping $R3E, as Sector3's r3e.h (API 3.5) lays it out (#pragma pack(1)). No lock:
  player.game_simulation_ticks names the physics step a copy saw. Generated from internal/catalogue/src/r3e.h
  by go generate; shmbridge's built-in catalogue.
seq:
  - id: version_major
    type: s4
    doc: R3E_VERSION_MAJOR of the writer
  - id: version_minor
    type: s4
    doc: R3E_VERSION_MINOR of the writer
  - id: all_drivers_offset
    type: s4
    doc: where num_cars is
  - id: driver_data_size
    type: s4
    doc: sizeof(r3e_driver_data) of the writer
  - id: game_mode
    type: s4
    enum: r3e_gamemode
  - id: game_paused
    type: s4
  - id: game_in_menus
    type: s4
  - id: game_in_replay
    type: s4
  - id: game_using_vr
    type: s4
  - id: game_player_in_garage
    type: s4
  - id: player
    type: r3e_playerdata
    size: 560
  - id: track_name
    type: strz
    size: 64
    encoding: UTF-8
  - id: layout_name
    type: strz
    size: 64
    encoding: UTF-8
  - id: track_id
    type: s4
  - id: layout_id
    type: s4
  - id: layout_length
    type: f4
  - id: sector_start_factors
    type: r3e_sector_starts
    size: 12
  - id: race_session_laps
    type: s4
    repeat: expr
    repeat-expr: 3
    doc: races 1 to 3; -1 not used
  - id: race_session_minutes
    type: s4
    repeat: expr
    repeat-expr: 3
  - id: event_index
    type: s4
  - id: session_type
    type: s4
    enum: r3e_session
  - id: session_iteration
    type: s4
    doc: 1 the first of its type
  - id: session_length_format
    type: s4
    enum: r3e_session_length_format
  - id: session_pit_speed_limit
    type: f4
    doc: metres per second
  - id: session_phase
    type: s4
    enum: r3e_session_phase
  - id: start_lights
    type: s4
    doc: 0 off, 1..5 red lights, 6 green
  - id: tire_wear_active
    type: s4
    doc: 0 off, N times
  - id: fuel_use_active
    type: s4
  - id: number_of_laps
    type: s4
  - id: session_time_duration
    type: f4
  - id: session_time_remaining
    type: f4
  - id: max_incident_points
    type: s4
  - id: event_unused1
    type: f4
  - id: event_unused2
    type: f4
  - id: pit_window_status
    type: s4
    enum: r3e_pit_window
  - id: pit_window_start
    type: s4
    doc: minutes, or laps in a race of laps
  - id: pit_window_end
    type: s4
  - id: in_pitlane
    type: s4
  - id: pit_menu_selection
    type: s4
    enum: r3e_pit_menu_selection
  - id: pit_menu_state
    type: s4
    repeat: expr
    repeat-expr: 12
  - id: pit_state
    type: s4
    doc: 1 requested, 2 heading for the pit spot, 3 stopped, 4 leaving
  - id: pit_total_duration
    type: f4
  - id: pit_elapsed_time
    type: f4
  - id: pit_action
    type: s4
    doc: 'bits: 2 penalty, 4 driver change, 8 fuel, 16/32 tyres, 64 body, ...'
  - id: num_pitstops
    type: s4
  - id: pit_min_duration_total
    type: f4
  - id: pit_min_duration_left
    type: f4
  - id: flags
    type: r3e_flags
    size: 56
  - id: position
    type: s4
  - id: position_class
    type: s4
  - id: finish_status
    type: s4
    enum: r3e_finish_status
  - id: cut_track_warnings
    type: s4
  - id: penalties
    type: r3e_cut_track_penalties
    size: 20
  - id: num_penalties
    type: s4
  - id: completed_laps
    type: s4
  - id: current_lap_valid
    type: s4
  - id: track_sector
    type: s4
  - id: lap_distance
    type: f4
  - id: lap_distance_fraction
    type: f4
  - id: lap_time_best_leader
    type: f4
  - id: lap_time_best_leader_class
    type: f4
  - id: session_best_lap_sector_times
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: lap_time_best_self
    type: f4
  - id: sector_time_best_self
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: lap_time_previous_self
    type: f4
  - id: sector_time_previous_self
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: lap_time_current_self
    type: f4
  - id: sector_time_current_self
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: lap_time_delta_leader
    type: f4
  - id: lap_time_delta_leader_class
    type: f4
  - id: time_delta_front
    type: f4
  - id: time_delta_behind
    type: f4
  - id: time_delta_best_self
    type: f4
    doc: -1000 not available
  - id: best_individual_sector_time_self
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: best_individual_sector_time_leader
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: best_individual_sector_time_leader_class
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: incident_points
    type: s4
  - id: lap_valid_state
    type: s4
    doc: 0 this and next valid, 1 this invalid, 2 both invalid
  - id: prev_lap_valid
    type: s4
  - id: discharge_rate
    type: f4
  - id: brake_regen
    type: f4
  - id: unused1
    type: f4
  - id: vehicle_info
    type: r3e_driver_info
    size: 128
  - id: player_name
    type: strz
    size: 64
    encoding: UTF-8
  - id: control_type
    type: s4
    enum: r3e_control
  - id: car_speed
    type: f4
  - id: engine_rps
    type: f4
    doc: radians per second
  - id: max_engine_rps
    type: f4
  - id: upshift_rps
    type: f4
  - id: gear
    type: s4
    doc: -2 n/a, -1 reverse, 0 neutral, 1..
  - id: num_gears
    type: s4
  - id: car_cg_location
    type: r3e_vec3_f32
    size: 12
  - id: car_orientation
    type: r3e_ori_f32
    size: 12
  - id: local_acceleration
    type: r3e_vec3_f32
    size: 12
  - id: total_mass
    type: f4
    doc: kilograms
  - id: fuel_left
    type: f4
    doc: litres
  - id: fuel_capacity
    type: f4
  - id: fuel_per_lap
    type: f4
  - id: virtual_energy_left
    type: f4
    doc: megajoules
  - id: virtual_energy_capacity
    type: f4
  - id: virtual_energy_per_lap
    type: f4
  - id: engine_temp
    type: f4
  - id: engine_oil_temp
    type: f4
  - id: fuel_pressure
    type: f4
    doc: kilopascals
  - id: engine_oil_pressure
    type: f4
  - id: turbo_pressure
    type: f4
    doc: bar
  - id: throttle
    type: f4
  - id: throttle_raw
    type: f4
  - id: brake
    type: f4
  - id: brake_raw
    type: f4
  - id: clutch
    type: f4
  - id: clutch_raw
    type: f4
  - id: steer_input_raw
    type: f4
  - id: steer_lock_degrees
    type: s4
  - id: steer_wheel_range_degrees
    type: s4
  - id: aid_settings
    type: r3e_aid_settings
    size: 20
  - id: drs
    type: r3e_drs
    size: 16
  - id: pit_limiter
    type: s4
  - id: push_to_pass
    type: r3e_push_to_pass
    size: 20
  - id: brake_bias
    type: f4
    doc: 'towards the rear: 0.3 is 30 %'
  - id: drs_num_activations_total
    -orig-id: drs_numActivationsTotal
    type: s4
  - id: ptp_num_activations_total
    -orig-id: ptp_numActivationsTotal
    type: s4
  - id: battery_soc
    type: f4
    doc: 0 .. 100
  - id: water_left
    type: f4
    doc: litres
  - id: abs_setting
    type: s4
  - id: headlights
    type: s4
    doc: 0 off, 1 on, 2 flashing
  - id: steer_wheel_max_rotation
    type: s4
  - id: tire_type
    type: s4
    doc: superseded by tire_type_front/rear
  - id: tire_rps
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tire_speed
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tire_grip
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tire_wear
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tire_flatspot
    type: s4
    repeat: expr
    repeat-expr: 4
  - id: tire_pressure
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: kilopascals
  - id: tire_dirt
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: tire_temp
    type: r3e_tire_temp
    size: 24
    repeat: expr
    repeat-expr: 4
  - id: tire_type_front
    type: s4
  - id: tire_type_rear
    type: s4
  - id: tire_subtype_front
    type: s4
  - id: tire_subtype_rear
    type: s4
  - id: brake_temp
    type: r3e_brake_temp
    size: 16
    repeat: expr
    repeat-expr: 4
  - id: brake_pressure
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: kilonewtons
  - id: traction_control_setting
    type: s4
  - id: engine_map_setting
    type: s4
  - id: engine_brake_setting
    type: s4
  - id: traction_control_percent
    type: f4
  - id: tire_on_mtrl
    type: s4
    repeat: expr
    repeat-expr: 4
  - id: tire_load
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: newtons
  - id: car_damage
    type: r3e_car_damage
    size: 24
  - id: num_cars
    type: s4
  - id: all_drivers_data_1
    type: r3e_driver_data
    size: 328
    repeat: expr
    repeat-expr: 128
types:
  r3e_playerdata:
    seq:
      - id: user_id
        type: s4
      - id: game_simulation_ticks
        type: s4
        doc: physics time, in ticks of 1/400 s
      - id: game_simulation_time
        type: f8
        doc: physics time, seconds
      - id: position
        type: r3e_vec3_f64
        size: 24
        doc: world space
      - id: velocity
        type: r3e_vec3_f64
        size: 24
      - id: local_velocity
        type: r3e_vec3_f64
        size: 24
      - id: acceleration
        type: r3e_vec3_f64
        size: 24
      - id: local_acceleration
        type: r3e_vec3_f64
        size: 24
      - id: orientation
        type: r3e_vec3_f64
        size: 24
        doc: Euler angles
      - id: rotation
        type: r3e_vec3_f64
        size: 24
      - id: angular_acceleration
        type: r3e_vec3_f64
        size: 24
      - id: angular_velocity
        type: r3e_vec3_f64
        size: 24
      - id: local_angular_velocity
        type: r3e_vec3_f64
        size: 24
      - id: local_g_force
        type: r3e_vec3_f64
        size: 24
      - id: steering_force
        type: f8
      - id: steering_force_percentage
        type: f8
      - id: engine_torque
        type: f8
      - id: current_downforce
        type: f8
        doc: newtons
      - id: voltage
        type: f8
        doc: the five below are not written yet
      - id: ers_level
        type: f8
      - id: power_mgu_h
        type: f8
      - id: power_mgu_k
        type: f8
      - id: torque_mgu_k
        type: f8
      - id: suspension_deflection
        type: f8
        repeat: expr
        repeat-expr: 4
      - id: suspension_velocity
        type: f8
        repeat: expr
        repeat-expr: 4
      - id: camber
        type: f8
        repeat: expr
        repeat-expr: 4
      - id: ride_height
        type: f8
        repeat: expr
        repeat-expr: 4
      - id: front_wing_height
        type: f8
      - id: front_roll_angle
        type: f8
      - id: rear_roll_angle
        type: f8
      - id: third_spring_suspension_deflection_front
        type: f8
      - id: third_spring_suspension_velocity_front
        type: f8
      - id: third_spring_suspension_deflection_rear
        type: f8
      - id: third_spring_suspension_velocity_rear
        type: f8
      - id: unused1
        type: f8
      - id: unused2
        type: f8
      - id: unused3
        type: f8
  r3e_vec3_f64:
    seq:
      - id: x
        type: f8
      - id: "y"
        type: f8
      - id: z
        type: f8
  r3e_sector_starts:
    seq:
      - id: sector1
        type: f4
        doc: fractions of the lap
      - id: sector2
        type: f4
        doc: fractions of the lap
      - id: sector3
        type: f4
        doc: fractions of the lap
  r3e_flags:
    seq:
      - id: yellow
        type: s4
      - id: yellow_caused_it
        -orig-id: yellowCausedIt
        type: s4
      - id: yellow_overtake
        -orig-id: yellowOvertake
        type: s4
      - id: yellow_positions_gained
        -orig-id: yellowPositionsGained
        type: s4
        doc: positions to give back
      - id: sector_yellow
        type: s4
        repeat: expr
        repeat-expr: 3
      - id: closest_yellow_distance_into_track
        type: f4
        doc: metres; -1 none
      - id: blue
        type: s4
      - id: black
        type: s4
      - id: green
        type: s4
      - id: checkered
        type: s4
      - id: white
        type: s4
      - id: black_and_white
        type: s4
        doc: 1, 2 blue flag warnings; 3 wrong way; 4 cutting
  r3e_cut_track_penalties:
    seq:
      - id: drive_through
        type: f4
      - id: stop_and_go
        type: f4
      - id: pit_stop
        type: f4
      - id: time_deduction
        type: f4
      - id: slow_down
        type: f4
  r3e_driver_info:
    seq:
      - id: name
        type: strz
        size: 64
        encoding: UTF-8
      - id: car_number
        type: s4
      - id: class_id
        type: s4
      - id: model_id
        type: s4
      - id: team_id
        type: s4
      - id: livery_id
        type: s4
      - id: manufacturer_id
        type: s4
      - id: user_id
        type: s4
      - id: slot_id
        type: s4
      - id: class_performance_index
        type: s4
      - id: engine_type
        type: s4
      - id: car_width
        type: f4
      - id: car_length
        type: f4
      - id: rating
        type: f4
      - id: reputation
        type: f4
      - id: unused1
        type: f4
      - id: unused2
        type: f4
  r3e_vec3_f32:
    seq:
      - id: x
        type: f4
      - id: "y"
        type: f4
      - id: z
        type: f4
  r3e_ori_f32:
    seq:
      - id: pitch
        type: f4
      - id: yaw
        type: f4
      - id: roll
        type: f4
  r3e_aid_settings:
    seq:
      - id: abs
        type: s4
      - id: tc
        type: s4
      - id: esp
        type: s4
      - id: countersteer
        type: s4
      - id: cornering
        type: s4
  r3e_drs:
    seq:
      - id: equipped
        type: s4
      - id: available
        type: s4
      - id: num_activations_left
        -orig-id: numActivationsLeft
        type: s4
      - id: engaged
        type: s4
  r3e_push_to_pass:
    seq:
      - id: available
        type: s4
        doc: 1 exists, 2 charging, 3 charged; -1 none
      - id: engaged
        type: s4
      - id: amount_left
        type: s4
      - id: engaged_time_left
        type: f4
      - id: wait_time_left
        type: f4
  r3e_tire_temp:
    seq:
      - id: current_temp
        type: f4
        repeat: expr
        repeat-expr: 3
        doc: left, centre, right of the tread
      - id: optimal_temp
        type: f4
      - id: cold_temp
        type: f4
      - id: hot_temp
        type: f4
  r3e_brake_temp:
    seq:
      - id: current_temp
        type: f4
      - id: optimal_temp
        type: f4
      - id: cold_temp
        type: f4
      - id: hot_temp
        type: f4
  r3e_car_damage:
    seq:
      - id: engine
        type: f4
      - id: transmission
        type: f4
      - id: aerodynamics
        type: f4
      - id: suspension
        type: f4
      - id: unused1
        type: f4
      - id: unused2
        type: f4
  r3e_driver_data:
    seq:
      - id: driver_info
        type: r3e_driver_info
        size: 128
      - id: finish_status
        type: s4
        enum: r3e_finish_status
      - id: place
        type: s4
      - id: place_class
        type: s4
      - id: lap_distance
        type: f4
      - id: lap_distance_fraction
        type: f4
      - id: position
        type: r3e_vec3_f32
        size: 12
      - id: track_sector
        type: s4
      - id: completed_laps
        type: s4
      - id: current_lap_valid
        type: s4
      - id: lap_time_current_self
        type: f4
      - id: sector_time_current_self
        type: f4
        repeat: expr
        repeat-expr: 3
      - id: sector_time_previous_self
        type: f4
        repeat: expr
        repeat-expr: 3
      - id: sector_time_best_self
        type: f4
        repeat: expr
        repeat-expr: 3
      - id: time_delta_front
        type: f4
      - id: time_delta_behind
        type: f4
      - id: pitstop_status
        type: s4
        enum: r3e_pitstop_status
      - id: in_pitlane
        type: s4
      - id: num_pitstops
        type: s4
      - id: penalties
        type: r3e_cut_track_penalties
        size: 20
      - id: car_speed
        type: f4
      - id: tire_type_front
        type: s4
      - id: tire_type_rear
        type: s4
      - id: tire_subtype_front
        type: s4
      - id: tire_subtype_rear
        type: s4
      - id: base_penalty_weight
        type: f4
      - id: aid_penalty_weight
        type: f4
      - id: drs_state
        type: s4
      - id: ptp_state
        type: s4
      - id: virtual_energy
        type: f4
        doc: tank fraction
      - id: penalty_type
        -orig-id: penaltyType
        type: s4
        doc: 0 drive-through, 1 stop and go, 2 pit stop, 3 time, 4 slow down, 5 disqualify
      - id: penalty_reason
        -orig-id: penaltyReason
        type: s4
        doc: 'by penaltyType: the header lists the reasons of each'
      - id: engine_state
        -orig-id: engineState
        type: s4
        doc: 0 ignition off, 1 on, 2 starter running, 3 running
      - id: orientation
        type: r3e_vec3_f32
        size: 12
      - id: unused1
        type: f4
      - id: unused2
        type: f4
      - id: unused3
        type: f4
enums:
  r3e_gamemode:
    -1:
      id: r3e_gamemode_unavailable
      -orig-id: R3E_GAMEMODE_UNAVAILABLE
    0:
      id: r3e_gamemode_tracktest
      -orig-id: R3E_GAMEMODE_TRACKTEST
    1:
      id: r3e_gamemode_leaderboardchallenge
      -orig-id: R3E_GAMEMODE_LEADERBOARDCHALLENGE
    2:
      id: r3e_gamemode_competition
      -orig-id: R3E_GAMEMODE_COMPETITION
    3:
      id: r3e_gamemode_singlerace
      -orig-id: R3E_GAMEMODE_SINGLERACE
    4:
      id: r3e_gamemode_championship
      -orig-id: R3E_GAMEMODE_CHAMPIONSHIP
    5:
      id: r3e_gamemode_multiplayer
      -orig-id: R3E_GAMEMODE_MULTIPLAYER
    6:
      id: r3e_gamemode_multiplayerranked
      -orig-id: R3E_GAMEMODE_MULTIPLAYERRANKED
    7:
      id: r3e_gamemode_trybeforeyoubuy
      -orig-id: R3E_GAMEMODE_TRYBEFOREYOUBUY
  r3e_session:
    -1:
      id: r3e_session_unavailable
      -orig-id: R3E_SESSION_UNAVAILABLE
    0:
      id: r3e_session_practice
      -orig-id: R3E_SESSION_PRACTICE
    1:
      id: r3e_session_qualify
      -orig-id: R3E_SESSION_QUALIFY
    2:
      id: r3e_session_race
      -orig-id: R3E_SESSION_RACE
    3:
      id: r3e_session_warmup
      -orig-id: R3E_SESSION_WARMUP
  r3e_session_length_format:
    -1:
      id: r3e_session_length_unavailable
      -orig-id: R3E_SESSION_LENGTH_UNAVAILABLE
    0:
      id: r3e_session_length_time_based
      -orig-id: R3E_SESSION_LENGTH_TIME_BASED
    1:
      id: r3e_session_length_lap_based
      -orig-id: R3E_SESSION_LENGTH_LAP_BASED
    2:
      id: r3e_session_length_time_and_lap_based
      -orig-id: R3E_SESSION_LENGTH_TIME_AND_LAP_BASED
  r3e_session_phase:
    -1:
      id: r3e_session_phase_unavailable
      -orig-id: R3E_SESSION_PHASE_UNAVAILABLE
    1:
      id: r3e_session_phase_garage
      -orig-id: R3E_SESSION_PHASE_GARAGE
    2:
      id: r3e_session_phase_gridwalk
      -orig-id: R3E_SESSION_PHASE_GRIDWALK
    3:
      id: r3e_session_phase_formation
      -orig-id: R3E_SESSION_PHASE_FORMATION
    4:
      id: r3e_session_phase_countdown
      -orig-id: R3E_SESSION_PHASE_COUNTDOWN
    5:
      id: r3e_session_phase_green
      -orig-id: R3E_SESSION_PHASE_GREEN
    6:
      id: r3e_session_phase_checkered
      -orig-id: R3E_SESSION_PHASE_CHECKERED
  r3e_pit_window:
    -1:
      id: r3e_pit_window_unavailable
      -orig-id: R3E_PIT_WINDOW_UNAVAILABLE
    0:
      id: r3e_pit_window_disabled
      -orig-id: R3E_PIT_WINDOW_DISABLED
    1:
      id: r3e_pit_window_closed
      -orig-id: R3E_PIT_WINDOW_CLOSED
    2:
      id: r3e_pit_window_open
      -orig-id: R3E_PIT_WINDOW_OPEN
    3:
      id: r3e_pit_window_stopped
      -orig-id: R3E_PIT_WINDOW_STOPPED
    4:
      id: r3e_pit_window_completed
      -orig-id: R3E_PIT_WINDOW_COMPLETED
  r3e_pit_menu_selection:
    -1:
      id: r3e_pit_menu_unavailable
      -orig-id: R3E_PIT_MENU_UNAVAILABLE
    0:
      id: r3e_pit_menu_preset
      -orig-id: R3E_PIT_MENU_PRESET
    1:
      id: r3e_pit_menu_penalty
      -orig-id: R3E_PIT_MENU_PENALTY
    2:
      id: r3e_pit_menu_driverchange
      -orig-id: R3E_PIT_MENU_DRIVERCHANGE
    3:
      id: r3e_pit_menu_fuel
      -orig-id: R3E_PIT_MENU_FUEL
    4:
      id: r3e_pit_menu_fronttires
      -orig-id: R3E_PIT_MENU_FRONTTIRES
    5:
      id: r3e_pit_menu_reartires
      -orig-id: R3E_PIT_MENU_REARTIRES
    6:
      id: r3e_pit_menu_body
      -orig-id: R3E_PIT_MENU_BODY
    7:
      id: r3e_pit_menu_frontwing
      -orig-id: R3E_PIT_MENU_FRONTWING
    8:
      id: r3e_pit_menu_rearwing
      -orig-id: R3E_PIT_MENU_REARWING
    9:
      id: r3e_pit_menu_suspension
      -orig-id: R3E_PIT_MENU_SUSPENSION
    10:
      id: r3e_pit_menu_button_top
      -orig-id: R3E_PIT_MENU_BUTTON_TOP
    11:
      id: r3e_pit_menu_button_bottom
      -orig-id: R3E_PIT_MENU_BUTTON_BOTTOM
    12:
      id: r3e_pit_menu_max
      -orig-id: R3E_PIT_MENU_MAX
  r3e_finish_status:
    -1:
      id: r3e_finish_status_unavailable
      -orig-id: R3E_FINISH_STATUS_UNAVAILABLE
    0:
      id: r3e_finish_status_none
      -orig-id: R3E_FINISH_STATUS_NONE
    1:
      id: r3e_finish_status_finished
      -orig-id: R3E_FINISH_STATUS_FINISHED
    2:
      id: r3e_finish_status_dnf
      -orig-id: R3E_FINISH_STATUS_DNF
    3:
      id: r3e_finish_status_dnq
      -orig-id: R3E_FINISH_STATUS_DNQ
    4:
      id: r3e_finish_status_dns
      -orig-id: R3E_FINISH_STATUS_DNS
    5:
      id: r3e_finish_status_dq
      -orig-id: R3E_FINISH_STATUS_DQ
  r3e_control:
    -1:
      id: r3e_control_unavailable
      -orig-id: R3E_CONTROL_UNAVAILABLE
    0:
      id: r3e_control_player
      -orig-id: R3E_CONTROL_PLAYER
    1:
      id: r3e_control_ai
      -orig-id: R3E_CONTROL_AI
    2:
      id: r3e_control_remote
      -orig-id: R3E_CONTROL_REMOTE
    3:
      id: r3e_control_replay
      -orig-id: R3E_CONTROL_REPLAY
  r3e_pitstop_status:
    -1:
      id: r3e_pitstop_status_unavailable
      -orig-id: R3E_PITSTOP_STATUS_UNAVAILABLE
    0:
      id: r3e_pitstop_status_two_tyres_unserved
      -orig-id: R3E_PITSTOP_STATUS_TWO_TYRES_UNSERVED
    1:
      id: r3e_pitstop_status_four_tyres_unserved
      -orig-id: R3E_PITSTOP_STATUS_FOUR_TYRES_UNSERVED
    2:
      id: r3e_pitstop_status_served
      -orig-id: R3E_PITSTOP_STATUS_SERVED
