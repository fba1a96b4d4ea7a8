meta:
  id: ams2
  endian: le
  title: Automobilista 2 / Project CARS 2 shared memory
  -shmbridge:
    consistency:
      seqlock: m_sequence_number
doc: |
  Automobilista 2 / Project CARS 2: the mapping $pcars2$, as the game's SharedMemory.h (version 14) lays it
  out. m_sequence_number is odd while the game writes (a seqlock); m_version is the header's version.
  Generated from internal/catalogue/src/ams2.h by go generate; shmbridge's built-in catalogue.
seq:
  - id: m_version
    -orig-id: mVersion
    type: u4
    doc: SHARED_MEMORY_VERSION of the writer's header
  - id: m_build_version_number
    -orig-id: mBuildVersionNumber
    type: u4
    doc: the game's build; 0 unset
  - id: m_game_state
    -orig-id: mGameState
    type: s4
    enum: ams2_game_state
  - id: m_session_state
    -orig-id: mSessionState
    type: s4
    enum: ams2_session_state
  - id: m_race_state
    -orig-id: mRaceState
    type: s4
    enum: ams2_race_state
  - id: m_viewed_participant_index
    -orig-id: mViewedParticipantIndex
    type: s4
    doc: -1 unset
  - id: m_num_participants
    -orig-id: mNumParticipants
    type: s4
    doc: -1 unset
  - id: m_participant_info
    -orig-id: mParticipantInfo
    type: ams2_participant
    size: 100
    repeat: expr
    repeat-expr: 64
  - id: m_unfiltered_throttle
    -orig-id: mUnfilteredThrottle
    type: f4
    doc: the driver's inputs before aids and filtering
  - id: m_unfiltered_brake
    -orig-id: mUnfilteredBrake
    type: f4
  - id: m_unfiltered_steering
    -orig-id: mUnfilteredSteering
    type: f4
    doc: -1 .. 1
  - id: m_unfiltered_clutch
    -orig-id: mUnfilteredClutch
    type: f4
  - id: m_car_name
    -orig-id: mCarName
    type: strz
    size: 64
    encoding: UTF-8
  - id: m_car_class_name
    -orig-id: mCarClassName
    type: strz
    size: 64
    encoding: UTF-8
  - id: m_laps_in_event
    -orig-id: mLapsInEvent
    type: u4
    doc: 0 unset
  - id: m_track_location
    -orig-id: mTrackLocation
    type: strz
    size: 64
    encoding: UTF-8
    doc: short English name, untranslated
  - id: m_track_variation
    -orig-id: mTrackVariation
    type: strz
    size: 64
    encoding: UTF-8
  - id: m_track_length
    -orig-id: mTrackLength
    type: f4
    doc: metres
  - id: m_num_sectors
    -orig-id: mNumSectors
    type: s4
  - id: m_lap_invalidated
    -orig-id: mLapInvalidated
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 3
  - id: m_best_lap_time
    -orig-id: mBestLapTime
    type: f4
  - id: m_last_lap_time
    -orig-id: mLastLapTime
    type: f4
  - id: m_current_time
    -orig-id: mCurrentTime
    type: f4
  - id: m_split_time_ahead
    -orig-id: mSplitTimeAhead
    type: f4
  - id: m_split_time_behind
    -orig-id: mSplitTimeBehind
    type: f4
  - id: m_split_time
    -orig-id: mSplitTime
    type: f4
  - id: m_event_time_remaining
    -orig-id: mEventTimeRemaining
    type: f4
    doc: milliseconds
  - id: m_personal_fastest_lap_time
    -orig-id: mPersonalFastestLapTime
    type: f4
  - id: m_world_fastest_lap_time
    -orig-id: mWorldFastestLapTime
    type: f4
  - id: m_current_sector1time
    -orig-id: mCurrentSector1Time
    type: f4
  - id: m_current_sector2time
    -orig-id: mCurrentSector2Time
    type: f4
  - id: m_current_sector3time
    -orig-id: mCurrentSector3Time
    type: f4
  - id: m_fastest_sector1time
    -orig-id: mFastestSector1Time
    type: f4
  - id: m_fastest_sector2time
    -orig-id: mFastestSector2Time
    type: f4
  - id: m_fastest_sector3time
    -orig-id: mFastestSector3Time
    type: f4
  - id: m_personal_fastest_sector1time
    -orig-id: mPersonalFastestSector1Time
    type: f4
  - id: m_personal_fastest_sector2time
    -orig-id: mPersonalFastestSector2Time
    type: f4
  - id: m_personal_fastest_sector3time
    -orig-id: mPersonalFastestSector3Time
    type: f4
  - id: m_world_fastest_sector1time
    -orig-id: mWorldFastestSector1Time
    type: f4
  - id: m_world_fastest_sector2time
    -orig-id: mWorldFastestSector2Time
    type: f4
  - id: m_world_fastest_sector3time
    -orig-id: mWorldFastestSector3Time
    type: f4
  - id: m_highest_flag_colour
    -orig-id: mHighestFlagColour
    type: s4
    enum: ams2_flag_colour
  - id: m_highest_flag_reason
    -orig-id: mHighestFlagReason
    type: s4
    enum: ams2_flag_reason
  - id: m_pit_mode
    -orig-id: mPitMode
    type: s4
    enum: ams2_pit_mode
  - id: m_pit_schedule
    -orig-id: mPitSchedule
    type: s4
    enum: ams2_pit_schedule
  - id: m_car_flags
    -orig-id: mCarFlags
    type: u4
    doc: CAR_* bits
  - id: m_oil_temp_celsius
    -orig-id: mOilTempCelsius
    type: f4
  - id: m_oil_pressure_k_pa
    -orig-id: mOilPressureKPa
    type: f4
  - id: m_water_temp_celsius
    -orig-id: mWaterTempCelsius
    type: f4
  - id: m_water_pressure_k_pa
    -orig-id: mWaterPressureKPa
    type: f4
  - id: m_fuel_pressure_k_pa
    -orig-id: mFuelPressureKPa
    type: f4
  - id: m_fuel_level
    -orig-id: mFuelLevel
    type: f4
    doc: 0 .. 1 of the tank
  - id: m_fuel_capacity
    -orig-id: mFuelCapacity
    type: f4
    doc: litres
  - id: m_speed
    -orig-id: mSpeed
    type: f4
    doc: metres per second
  - id: m_rpm
    -orig-id: mRpm
    type: f4
  - id: m_max_rpm
    -orig-id: mMaxRPM
    type: f4
  - id: m_brake
    -orig-id: mBrake
    type: f4
  - id: m_throttle
    -orig-id: mThrottle
    type: f4
  - id: m_clutch
    -orig-id: mClutch
    type: f4
  - id: m_steering
    -orig-id: mSteering
    type: f4
    doc: -1 .. 1
  - id: m_gear
    -orig-id: mGear
    type: s4
    doc: -1 reverse, 0 neutral, 1.. forward
  - id: m_num_gears
    -orig-id: mNumGears
    type: s4
  - id: m_odometer_km
    -orig-id: mOdometerKM
    type: f4
  - id: m_anti_lock_active
    -orig-id: mAntiLockActive
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 3
  - id: m_last_opponent_collision_index
    -orig-id: mLastOpponentCollisionIndex
    type: s4
  - id: m_last_opponent_collision_magnitude
    -orig-id: mLastOpponentCollisionMagnitude
    type: f4
  - id: m_boost_active
    -orig-id: mBoostActive
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 3
  - id: m_boost_amount
    -orig-id: mBoostAmount
    type: f4
    doc: 0 .. 100
  - id: m_orientation
    -orig-id: mOrientation
    type: f4
    repeat: expr
    repeat-expr: 3
    doc: Euler angles
  - id: m_local_velocity
    -orig-id: mLocalVelocity
    type: f4
    repeat: expr
    repeat-expr: 3
    doc: metres per second
  - id: m_world_velocity
    -orig-id: mWorldVelocity
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: m_angular_velocity
    -orig-id: mAngularVelocity
    type: f4
    repeat: expr
    repeat-expr: 3
    doc: radians per second
  - id: m_local_acceleration
    -orig-id: mLocalAcceleration
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: m_world_acceleration
    -orig-id: mWorldAcceleration
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: m_extents_centre
    -orig-id: mExtentsCentre
    type: f4
    repeat: expr
    repeat-expr: 3
  - id: m_tyre_flags
    -orig-id: mTyreFlags
    type: u4
    repeat: expr
    repeat-expr: 4
    doc: TYRE_* bits
  - id: m_terrain
    -orig-id: mTerrain
    type: s4
    enum: ams2_terrain
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_y
    -orig-id: mTyreY
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_rps
    -orig-id: mTyreRPS
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_slip_speed
    -orig-id: mTyreSlipSpeed
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: obsolete, kept for its place
  - id: m_tyre_temp
    -orig-id: mTyreTemp
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_grip
    -orig-id: mTyreGrip
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: obsolete
  - id: m_tyre_height_above_ground
    -orig-id: mTyreHeightAboveGround
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_lateral_stiffness
    -orig-id: mTyreLateralStiffness
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: obsolete
  - id: m_tyre_wear
    -orig-id: mTyreWear
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_brake_damage
    -orig-id: mBrakeDamage
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_suspension_damage
    -orig-id: mSuspensionDamage
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_brake_temp_celsius
    -orig-id: mBrakeTempCelsius
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_tread_temp
    -orig-id: mTyreTreadTemp
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: Kelvin
  - id: m_tyre_layer_temp
    -orig-id: mTyreLayerTemp
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: Kelvin
  - id: m_tyre_carcass_temp
    -orig-id: mTyreCarcassTemp
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: Kelvin
  - id: m_tyre_rim_temp
    -orig-id: mTyreRimTemp
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: Kelvin
  - id: m_tyre_internal_air_temp
    -orig-id: mTyreInternalAirTemp
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: Kelvin
  - id: m_crash_state
    -orig-id: mCrashState
    type: s4
    enum: ams2_crash_state
  - id: m_aero_damage
    -orig-id: mAeroDamage
    type: f4
  - id: m_engine_damage
    -orig-id: mEngineDamage
    type: f4
  - id: m_ambient_temperature
    -orig-id: mAmbientTemperature
    type: f4
  - id: m_track_temperature
    -orig-id: mTrackTemperature
    type: f4
  - id: m_rain_density
    -orig-id: mRainDensity
    type: f4
  - id: m_wind_speed
    -orig-id: mWindSpeed
    type: f4
  - id: m_wind_direction_x
    -orig-id: mWindDirectionX
    type: f4
  - id: m_wind_direction_y
    -orig-id: mWindDirectionY
    type: f4
  - id: m_cloud_brightness
    -orig-id: mCloudBrightness
    type: f4
  - id: m_sequence_number
    -orig-id: mSequenceNumber
    type: u4
    doc: odd while the game writes the page, even between writes
  - id: m_wheel_local_position_y
    -orig-id: mWheelLocalPositionY
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_suspension_travel
    -orig-id: mSuspensionTravel
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: metres
  - id: m_suspension_velocity
    -orig-id: mSuspensionVelocity
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_air_pressure
    -orig-id: mAirPressure
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: PSI
  - id: m_engine_speed
    -orig-id: mEngineSpeed
    type: f4
    doc: radians per second
  - id: m_engine_torque
    -orig-id: mEngineTorque
    type: f4
    doc: newton metres
  - id: m_wings
    -orig-id: mWings
    type: f4
    repeat: expr
    repeat-expr: 2
  - id: m_hand_brake
    -orig-id: mHandBrake
    type: f4
  - id: m_current_sector1times
    -orig-id: mCurrentSector1Times
    type: f4
    repeat: expr
    repeat-expr: 64
    doc: every car of the field, by participant index
  - id: m_current_sector2times
    -orig-id: mCurrentSector2Times
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_current_sector3times
    -orig-id: mCurrentSector3Times
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_fastest_sector1times
    -orig-id: mFastestSector1Times
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_fastest_sector2times
    -orig-id: mFastestSector2Times
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_fastest_sector3times
    -orig-id: mFastestSector3Times
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_fastest_lap_times
    -orig-id: mFastestLapTimes
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_last_lap_times
    -orig-id: mLastLapTimes
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_laps_invalidated
    -orig-id: mLapsInvalidated
    type: u1
    repeat: expr
    repeat-expr: 64
    doc: 'C bool: 0 or 1'
  - id: m_race_states
    -orig-id: mRaceStates
    type: s4
    enum: ams2_race_state
    repeat: expr
    repeat-expr: 64
  - id: m_pit_modes
    -orig-id: mPitModes
    type: s4
    enum: ams2_pit_mode
    repeat: expr
    repeat-expr: 64
  - id: m_orientations
    -orig-id: mOrientations
    type: f4
    repeat: expr
    repeat-expr: 192
    doc: 'C array [64][3], flattened in C''s order: item (i0)*3 + i1 is [i0]…[i1]'
  - id: m_speeds
    -orig-id: mSpeeds
    type: f4
    repeat: expr
    repeat-expr: 64
  - id: m_car_names
    -orig-id: mCarNames
    type: strz
    size: 64
    encoding: UTF-8
    repeat: expr
    repeat-expr: 64
  - id: m_car_class_names
    -orig-id: mCarClassNames
    type: strz
    size: 64
    encoding: UTF-8
    repeat: expr
    repeat-expr: 64
  - id: m_enforced_pit_stop_lap
    -orig-id: mEnforcedPitStopLap
    type: s4
    doc: -1 unset
  - id: m_translated_track_location
    -orig-id: mTranslatedTrackLocation
    type: strz
    size: 64
    encoding: UTF-8
  - id: m_translated_track_variation
    -orig-id: mTranslatedTrackVariation
    type: strz
    size: 64
    encoding: UTF-8
  - id: m_brake_bias
    -orig-id: mBrakeBias
    type: f4
    doc: 0 .. 1; -1 unset
  - id: m_turbo_boost_pressure
    -orig-id: mTurboBoostPressure
    type: f4
    doc: -1 unset
  - id: m_tyre_compound
    -orig-id: mTyreCompound
    type: strz
    size: 40
    encoding: UTF-8
    repeat: expr
    repeat-expr: 4
  - id: m_pit_schedules
    -orig-id: mPitSchedules
    type: s4
    enum: ams2_pit_schedule
    repeat: expr
    repeat-expr: 64
  - id: m_highest_flag_colours
    -orig-id: mHighestFlagColours
    type: s4
    enum: ams2_flag_colour
    repeat: expr
    repeat-expr: 64
  - id: m_highest_flag_reasons
    -orig-id: mHighestFlagReasons
    type: s4
    enum: ams2_flag_reason
    repeat: expr
    repeat-expr: 64
  - id: m_nationalities
    -orig-id: mNationalities
    type: u4
    repeat: expr
    repeat-expr: 64
  - id: m_snow_density
    -orig-id: mSnowDensity
    type: f4
  - id: m_session_duration
    -orig-id: mSessionDuration
    type: f4
    doc: minutes; 0 for a race of laps (mLapsInEvent)
  - id: m_session_additional_laps
    -orig-id: mSessionAdditionalLaps
    type: s4
    doc: laps after the time of a timed race
  - id: m_tyre_temp_left
    -orig-id: mTyreTempLeft
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_temp_center
    -orig-id: mTyreTempCenter
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_tyre_temp_right
    -orig-id: mTyreTempRight
    type: f4
    repeat: expr
    repeat-expr: 4
  - id: m_drs_state
    -orig-id: mDrsState
    type: u4
    doc: DRS_* bits
  - id: m_ride_height
    -orig-id: mRideHeight
    type: f4
    repeat: expr
    repeat-expr: 4
    doc: centimetres
  - id: m_joy_pad0
    -orig-id: mJoyPad0
    type: u4
    doc: button mask
  - id: m_d_pad
    -orig-id: mDPad
    type: u4
    doc: button mask
  - id: m_anti_lock_setting
    -orig-id: mAntiLockSetting
    type: s4
    doc: -1 unset
  - id: m_traction_control_setting
    -orig-id: mTractionControlSetting
    type: s4
    doc: -1 unset
  - id: m_ers_deployment_mode
    -orig-id: mErsDeploymentMode
    type: s4
    enum: ams2_ers_deployment_mode
  - id: m_ers_auto_mode_enabled
    -orig-id: mErsAutoModeEnabled
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 3
  - id: m_clutch_temp
    -orig-id: mClutchTemp
    type: f4
    doc: Kelvin
  - id: m_clutch_wear
    -orig-id: mClutchWear
    type: f4
  - id: m_clutch_overheated
    -orig-id: mClutchOverheated
    type: u1
    doc: 'C bool: 0 or 1'
  - id: m_clutch_slipping
    -orig-id: mClutchSlipping
    type: u1
    doc: 'C bool: 0 or 1'
  - size: 2
  - id: m_yellow_flag_state
    -orig-id: mYellowFlagState
    type: s4
    enum: ams2_yellow_flag_state
  - id: m_session_is_private
    -orig-id: mSessionIsPrivate
    type: u1
    doc: |-
      version 14
      C bool: 0 or 1
  - size: 3
  - id: m_launch_stage
    -orig-id: mLaunchStage
    type: s4
    enum: ams2_launch_stage
types:
  ams2_participant:
    seq:
      - id: m_is_active
        -orig-id: mIsActive
        type: u1
        doc: 'C bool: 0 or 1'
      - id: m_name
        -orig-id: mName
        type: strz
        size: 64
        encoding: UTF-8
      - size: 3
      - id: m_world_position
        -orig-id: mWorldPosition
        type: f4
        repeat: expr
        repeat-expr: 3
        doc: world space, metres
      - id: m_current_lap_distance
        -orig-id: mCurrentLapDistance
        type: f4
        doc: metres
      - id: m_race_position
        -orig-id: mRacePosition
        type: u4
        doc: from 1; 0 unset
      - id: m_laps_completed
        -orig-id: mLapsCompleted
        type: u4
      - id: m_current_lap
        -orig-id: mCurrentLap
        type: u4
      - id: m_current_sector
        -orig-id: mCurrentSector
        type: s4
        doc: -1 unset
enums:
  ams2_game_state:
    0:
      id: game_exited
      -orig-id: GAME_EXITED
    1:
      id: game_front_end
      -orig-id: GAME_FRONT_END
    2:
      id: game_ingame_playing
      -orig-id: GAME_INGAME_PLAYING
    3:
      id: game_ingame_paused
      -orig-id: GAME_INGAME_PAUSED
    4:
      id: game_ingame_inmenu_time_ticking
      -orig-id: GAME_INGAME_INMENU_TIME_TICKING
    5:
      id: game_ingame_restarting
      -orig-id: GAME_INGAME_RESTARTING
    6:
      id: game_ingame_replay
      -orig-id: GAME_INGAME_REPLAY
    7:
      id: game_front_end_replay
      -orig-id: GAME_FRONT_END_REPLAY
  ams2_session_state:
    0:
      id: session_invalid
      -orig-id: SESSION_INVALID
    1:
      id: session_practice
      -orig-id: SESSION_PRACTICE
    2:
      id: session_test
      -orig-id: SESSION_TEST
    3:
      id: session_qualify
      -orig-id: SESSION_QUALIFY
    4:
      id: session_formation_lap
      -orig-id: SESSION_FORMATION_LAP
    5:
      id: session_race
      -orig-id: SESSION_RACE
    6:
      id: session_time_attack
      -orig-id: SESSION_TIME_ATTACK
  ams2_race_state:
    0:
      id: racestate_invalid
      -orig-id: RACESTATE_INVALID
    1:
      id: racestate_not_started
      -orig-id: RACESTATE_NOT_STARTED
    2:
      id: racestate_racing
      -orig-id: RACESTATE_RACING
    3:
      id: racestate_finished
      -orig-id: RACESTATE_FINISHED
    4:
      id: racestate_disqualified
      -orig-id: RACESTATE_DISQUALIFIED
    5:
      id: racestate_retired
      -orig-id: RACESTATE_RETIRED
    6:
      id: racestate_dnf
      -orig-id: RACESTATE_DNF
  ams2_flag_colour:
    0:
      id: flag_colour_none
      -orig-id: FLAG_COLOUR_NONE
    1:
      id: flag_colour_green
      -orig-id: FLAG_COLOUR_GREEN
    2:
      id: flag_colour_blue
      -orig-id: FLAG_COLOUR_BLUE
    3:
      id: flag_colour_white_slow_car
      -orig-id: FLAG_COLOUR_WHITE_SLOW_CAR
    4:
      id: flag_colour_white_final_lap
      -orig-id: FLAG_COLOUR_WHITE_FINAL_LAP
    5:
      id: flag_colour_red
      -orig-id: FLAG_COLOUR_RED
    6:
      id: flag_colour_yellow
      -orig-id: FLAG_COLOUR_YELLOW
    7:
      id: flag_colour_double_yellow
      -orig-id: FLAG_COLOUR_DOUBLE_YELLOW
    8:
      id: flag_colour_black_and_white
      -orig-id: FLAG_COLOUR_BLACK_AND_WHITE
    9:
      id: flag_colour_black_orange_circle
      -orig-id: FLAG_COLOUR_BLACK_ORANGE_CIRCLE
    10:
      id: flag_colour_black
      -orig-id: FLAG_COLOUR_BLACK
    11:
      id: flag_colour_chequered
      -orig-id: FLAG_COLOUR_CHEQUERED
  ams2_flag_reason:
    0:
      id: flag_reason_none
      -orig-id: FLAG_REASON_NONE
    1:
      id: flag_reason_solo_crash
      -orig-id: FLAG_REASON_SOLO_CRASH
    2:
      id: flag_reason_vehicle_crash
      -orig-id: FLAG_REASON_VEHICLE_CRASH
    3:
      id: flag_reason_vehicle_obstruction
      -orig-id: FLAG_REASON_VEHICLE_OBSTRUCTION
  ams2_pit_mode:
    0:
      id: pit_mode_none
      -orig-id: PIT_MODE_NONE
    1:
      id: pit_mode_driving_into_pits
      -orig-id: PIT_MODE_DRIVING_INTO_PITS
    2:
      id: pit_mode_in_pit
      -orig-id: PIT_MODE_IN_PIT
    3:
      id: pit_mode_driving_out_of_pits
      -orig-id: PIT_MODE_DRIVING_OUT_OF_PITS
    4:
      id: pit_mode_in_garage
      -orig-id: PIT_MODE_IN_GARAGE
    5:
      id: pit_mode_driving_out_of_garage
      -orig-id: PIT_MODE_DRIVING_OUT_OF_GARAGE
  ams2_pit_schedule:
    0:
      id: pit_schedule_none
      -orig-id: PIT_SCHEDULE_NONE
    1:
      id: pit_schedule_player_requested
      -orig-id: PIT_SCHEDULE_PLAYER_REQUESTED
    2:
      id: pit_schedule_engineer_requested
      -orig-id: PIT_SCHEDULE_ENGINEER_REQUESTED
    3:
      id: pit_schedule_damage_requested
      -orig-id: PIT_SCHEDULE_DAMAGE_REQUESTED
    4:
      id: pit_schedule_mandatory
      -orig-id: PIT_SCHEDULE_MANDATORY
    5:
      id: pit_schedule_drive_through
      -orig-id: PIT_SCHEDULE_DRIVE_THROUGH
    6:
      id: pit_schedule_stop_go
      -orig-id: PIT_SCHEDULE_STOP_GO
    7:
      id: pit_schedule_pitspot_occupied
      -orig-id: PIT_SCHEDULE_PITSPOT_OCCUPIED
  ams2_terrain:
    0:
      id: terrain_road
      -orig-id: TERRAIN_ROAD
    1:
      id: terrain_low_grip_road
      -orig-id: TERRAIN_LOW_GRIP_ROAD
    2:
      id: terrain_bumpy_road1
      -orig-id: TERRAIN_BUMPY_ROAD1
    3:
      id: terrain_bumpy_road2
      -orig-id: TERRAIN_BUMPY_ROAD2
    4:
      id: terrain_bumpy_road3
      -orig-id: TERRAIN_BUMPY_ROAD3
    5:
      id: terrain_marbles
      -orig-id: TERRAIN_MARBLES
    6:
      id: terrain_grassy_berms
      -orig-id: TERRAIN_GRASSY_BERMS
    7:
      id: terrain_grass
      -orig-id: TERRAIN_GRASS
    8:
      id: terrain_gravel
      -orig-id: TERRAIN_GRAVEL
    9:
      id: terrain_bumpy_gravel
      -orig-id: TERRAIN_BUMPY_GRAVEL
    10:
      id: terrain_rumble_strips
      -orig-id: TERRAIN_RUMBLE_STRIPS
    11:
      id: terrain_drains
      -orig-id: TERRAIN_DRAINS
    12:
      id: terrain_tyrewalls
      -orig-id: TERRAIN_TYREWALLS
    13:
      id: terrain_cementwalls
      -orig-id: TERRAIN_CEMENTWALLS
    14:
      id: terrain_guardrails
      -orig-id: TERRAIN_GUARDRAILS
    15:
      id: terrain_sand
      -orig-id: TERRAIN_SAND
    16:
      id: terrain_bumpy_sand
      -orig-id: TERRAIN_BUMPY_SAND
    17:
      id: terrain_dirt
      -orig-id: TERRAIN_DIRT
    18:
      id: terrain_bumpy_dirt
      -orig-id: TERRAIN_BUMPY_DIRT
    19:
      id: terrain_dirt_road
      -orig-id: TERRAIN_DIRT_ROAD
    20:
      id: terrain_bumpy_dirt_road
      -orig-id: TERRAIN_BUMPY_DIRT_ROAD
    21:
      id: terrain_pavement
      -orig-id: TERRAIN_PAVEMENT
    22:
      id: terrain_dirt_bank
      -orig-id: TERRAIN_DIRT_BANK
    23:
      id: terrain_wood
      -orig-id: TERRAIN_WOOD
    24:
      id: terrain_dry_verge
      -orig-id: TERRAIN_DRY_VERGE
    25:
      id: terrain_exit_rumble_strips
      -orig-id: TERRAIN_EXIT_RUMBLE_STRIPS
    26:
      id: terrain_grasscrete
      -orig-id: TERRAIN_GRASSCRETE
    27:
      id: terrain_long_grass
      -orig-id: TERRAIN_LONG_GRASS
    28:
      id: terrain_slope_grass
      -orig-id: TERRAIN_SLOPE_GRASS
    29:
      id: terrain_cobbles
      -orig-id: TERRAIN_COBBLES
    30:
      id: terrain_sand_road
      -orig-id: TERRAIN_SAND_ROAD
    31:
      id: terrain_baked_clay
      -orig-id: TERRAIN_BAKED_CLAY
    32:
      id: terrain_astroturf
      -orig-id: TERRAIN_ASTROTURF
    33:
      id: terrain_snowhalf
      -orig-id: TERRAIN_SNOWHALF
    34:
      id: terrain_snowfull
      -orig-id: TERRAIN_SNOWFULL
    35:
      id: terrain_damaged_road1
      -orig-id: TERRAIN_DAMAGED_ROAD1
    36:
      id: terrain_train_track_road
      -orig-id: TERRAIN_TRAIN_TRACK_ROAD
    37:
      id: terrain_bumpycobbles
      -orig-id: TERRAIN_BUMPYCOBBLES
    38:
      id: terrain_aries_only
      -orig-id: TERRAIN_ARIES_ONLY
    39:
      id: terrain_orion_only
      -orig-id: TERRAIN_ORION_ONLY
    40:
      id: terrain_b1rumbles
      -orig-id: TERRAIN_B1RUMBLES
    41:
      id: terrain_b2rumbles
      -orig-id: TERRAIN_B2RUMBLES
    42:
      id: terrain_rough_sand_medium
      -orig-id: TERRAIN_ROUGH_SAND_MEDIUM
    43:
      id: terrain_rough_sand_heavy
      -orig-id: TERRAIN_ROUGH_SAND_HEAVY
    44:
      id: terrain_snowwalls
      -orig-id: TERRAIN_SNOWWALLS
    45:
      id: terrain_ice_road
      -orig-id: TERRAIN_ICE_ROAD
    46:
      id: terrain_runoff_road
      -orig-id: TERRAIN_RUNOFF_ROAD
    47:
      id: terrain_illegal_strip
      -orig-id: TERRAIN_ILLEGAL_STRIP
    48:
      id: terrain_paint_concrete
      -orig-id: TERRAIN_PAINT_CONCRETE
    49:
      id: terrain_paint_concrete_illegal
      -orig-id: TERRAIN_PAINT_CONCRETE_ILLEGAL
    50:
      id: terrain_rally_tarmac
      -orig-id: TERRAIN_RALLY_TARMAC
  ams2_crash_state:
    0:
      id: crash_damage_none
      -orig-id: CRASH_DAMAGE_NONE
    1:
      id: crash_damage_offtrack
      -orig-id: CRASH_DAMAGE_OFFTRACK
    2:
      id: crash_damage_large_prop
      -orig-id: CRASH_DAMAGE_LARGE_PROP
    3:
      id: crash_damage_spinning
      -orig-id: CRASH_DAMAGE_SPINNING
    4:
      id: crash_damage_rolling
      -orig-id: CRASH_DAMAGE_ROLLING
  ams2_ers_deployment_mode:
    0:
      id: ers_deployment_mode_none
      -orig-id: ERS_DEPLOYMENT_MODE_NONE
    1:
      id: ers_deployment_mode_off
      -orig-id: ERS_DEPLOYMENT_MODE_OFF
    2:
      id: ers_deployment_mode_build
      -orig-id: ERS_DEPLOYMENT_MODE_BUILD
    3:
      id: ers_deployment_mode_balanced
      -orig-id: ERS_DEPLOYMENT_MODE_BALANCED
    4:
      id: ers_deployment_mode_attack
      -orig-id: ERS_DEPLOYMENT_MODE_ATTACK
    5:
      id: ers_deployment_mode_qual
      -orig-id: ERS_DEPLOYMENT_MODE_QUAL
  ams2_yellow_flag_state:
    -1:
      id: yfs_invalid
      -orig-id: YFS_INVALID
    0:
      id: yfs_none
      -orig-id: YFS_NONE
    1:
      id: yfs_pending
      -orig-id: YFS_PENDING
    2:
      id: yfs_pits_closed
      -orig-id: YFS_PITS_CLOSED
    3:
      id: yfs_pit_lead_lap
      -orig-id: YFS_PIT_LEAD_LAP
    4:
      id: yfs_pits_open
      -orig-id: YFS_PITS_OPEN
    5:
      id: yfs_pits_open2
      -orig-id: YFS_PITS_OPEN2
    6:
      id: yfs_last_lap
      -orig-id: YFS_LAST_LAP
    7:
      id: yfs_resume
      -orig-id: YFS_RESUME
    8:
      id: yfs_race_halt
      -orig-id: YFS_RACE_HALT
  ams2_launch_stage:
    -1:
      id: launch_invalid
      -orig-id: LAUNCH_INVALID
    0:
      id: launch_off
      -orig-id: LAUNCH_OFF
    1:
      id: launch_rev
      -orig-id: LAUNCH_REV
    2:
      id: launch_on
      -orig-id: LAUNCH_ON
