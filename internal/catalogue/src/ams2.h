/* Automobilista 2 (and Project CARS 2, whose format it kept): the named mapping $pcars2$, in AMS2 enabled by
 * Options > System > Shared Memory = "Project CARS 2". One page, written once per graphics frame.
 *
 * Written for shmbridge from the published facts of the game's SharedMemory.h, shared-memory version 14 (names,
 * types, order, constants), in our own words. Sources: the header as AMS2 ships it (version 13), e.g. carried in
 * public tools that read the page, and the version 14 additions (mSessionIsPrivate, mLaunchStage and its enum)
 * as public readers transcribe them (Ams2SharedComponents' SharedMemory.cs; a ctypes reader "Based on
 * SharedMemory.h (Version 14)"); sizes as published by a reader validated against the game (ams2-struct.ts:
 * sizeof 20,700, ParticipantInfo 100, mSequenceNumber at 7,320).
 *
 * No #pragma pack: every member is at most 4 bytes, so the compiler's natural alignment is the layout (a bool
 * is one byte, padded up to the next 4-byte member).
 *
 * Consistency: mSequenceNumber is incremented before and after each write (odd while the game writes), a
 * seqlock. mVersion is SHARED_MEMORY_VERSION of the game's header. */
#ifndef SHMBRIDGE_AMS2_H
#define SHMBRIDGE_AMS2_H
#include <stdbool.h>

enum { AMS2_SHARED_MEMORY_VERSION = 14 }; /* what mVersion holds for this layout */
enum { STRING_LENGTH_MAX = 64, STORED_PARTICIPANTS_MAX = 64, TYRE_COMPOUND_NAME_LENGTH_MAX = 40 };
enum { TYRE_MAX = 4, VEC_MAX = 3 }; /* wheels front left, front right, rear left, rear right; x, y, z */

/* mGameState */
enum ams2_game_state {
    GAME_EXITED = 0,
    GAME_FRONT_END,
    GAME_INGAME_PLAYING,
    GAME_INGAME_PAUSED,
    GAME_INGAME_INMENU_TIME_TICKING,
    GAME_INGAME_RESTARTING,
    GAME_INGAME_REPLAY,
    GAME_FRONT_END_REPLAY
};

/* mSessionState */
enum ams2_session_state {
    SESSION_INVALID = 0,
    SESSION_PRACTICE,
    SESSION_TEST,
    SESSION_QUALIFY,
    SESSION_FORMATION_LAP,
    SESSION_RACE,
    SESSION_TIME_ATTACK
};

/* mRaceState, mRaceStates[] */
enum ams2_race_state {
    RACESTATE_INVALID = 0,
    RACESTATE_NOT_STARTED,
    RACESTATE_RACING,
    RACESTATE_FINISHED,
    RACESTATE_DISQUALIFIED,
    RACESTATE_RETIRED,
    RACESTATE_DNF
};

/* mHighestFlagColour, mHighestFlagColours[] */
enum ams2_flag_colour {
    FLAG_COLOUR_NONE = 0,
    FLAG_COLOUR_GREEN,
    FLAG_COLOUR_BLUE,
    FLAG_COLOUR_WHITE_SLOW_CAR,
    FLAG_COLOUR_WHITE_FINAL_LAP,
    FLAG_COLOUR_RED,
    FLAG_COLOUR_YELLOW,
    FLAG_COLOUR_DOUBLE_YELLOW,
    FLAG_COLOUR_BLACK_AND_WHITE,
    FLAG_COLOUR_BLACK_ORANGE_CIRCLE,
    FLAG_COLOUR_BLACK,
    FLAG_COLOUR_CHEQUERED
};

/* mHighestFlagReason, mHighestFlagReasons[] */
enum ams2_flag_reason {
    FLAG_REASON_NONE = 0,
    FLAG_REASON_SOLO_CRASH,
    FLAG_REASON_VEHICLE_CRASH,
    FLAG_REASON_VEHICLE_OBSTRUCTION
};

/* mPitMode, mPitModes[] */
enum ams2_pit_mode {
    PIT_MODE_NONE = 0,
    PIT_MODE_DRIVING_INTO_PITS,
    PIT_MODE_IN_PIT,
    PIT_MODE_DRIVING_OUT_OF_PITS,
    PIT_MODE_IN_GARAGE,
    PIT_MODE_DRIVING_OUT_OF_GARAGE
};

/* mPitSchedule, mPitSchedules[] */
enum ams2_pit_schedule {
    PIT_SCHEDULE_NONE = 0,
    PIT_SCHEDULE_PLAYER_REQUESTED,
    PIT_SCHEDULE_ENGINEER_REQUESTED,
    PIT_SCHEDULE_DAMAGE_REQUESTED,
    PIT_SCHEDULE_MANDATORY,
    PIT_SCHEDULE_DRIVE_THROUGH,
    PIT_SCHEDULE_STOP_GO,
    PIT_SCHEDULE_PITSPOT_OCCUPIED
};

/* Bits of mCarFlags, mTyreFlags[] and mDrsState (kept as plain unsigned masks in the page). */
enum { CAR_HEADLIGHT = 1, CAR_ENGINE_ACTIVE = 2, CAR_ENGINE_WARNING = 4, CAR_SPEED_LIMITER = 8, CAR_ABS = 16,
       CAR_HANDBRAKE = 32, CAR_TCS = 64, CAR_SCS = 128 };
enum { TYRE_ATTACHED = 1, TYRE_INFLATED = 2, TYRE_IS_ON_GROUND = 4 };
enum { DRS_INSTALLED = 1, DRS_ZONE_RULES = 2, DRS_AVAILABLE_NEXT = 4, DRS_AVAILABLE_NOW = 8, DRS_ACTIVE = 16 };

/* mTerrain[]: the surface under each wheel */
enum ams2_terrain {
    TERRAIN_ROAD = 0,
    TERRAIN_LOW_GRIP_ROAD,
    TERRAIN_BUMPY_ROAD1,
    TERRAIN_BUMPY_ROAD2,
    TERRAIN_BUMPY_ROAD3,
    TERRAIN_MARBLES,
    TERRAIN_GRASSY_BERMS,
    TERRAIN_GRASS,
    TERRAIN_GRAVEL,
    TERRAIN_BUMPY_GRAVEL,
    TERRAIN_RUMBLE_STRIPS,
    TERRAIN_DRAINS,
    TERRAIN_TYREWALLS,
    TERRAIN_CEMENTWALLS,
    TERRAIN_GUARDRAILS,
    TERRAIN_SAND,
    TERRAIN_BUMPY_SAND,
    TERRAIN_DIRT,
    TERRAIN_BUMPY_DIRT,
    TERRAIN_DIRT_ROAD,
    TERRAIN_BUMPY_DIRT_ROAD,
    TERRAIN_PAVEMENT,
    TERRAIN_DIRT_BANK,
    TERRAIN_WOOD,
    TERRAIN_DRY_VERGE,
    TERRAIN_EXIT_RUMBLE_STRIPS,
    TERRAIN_GRASSCRETE,
    TERRAIN_LONG_GRASS,
    TERRAIN_SLOPE_GRASS,
    TERRAIN_COBBLES,
    TERRAIN_SAND_ROAD,
    TERRAIN_BAKED_CLAY,
    TERRAIN_ASTROTURF,
    TERRAIN_SNOWHALF,
    TERRAIN_SNOWFULL,
    TERRAIN_DAMAGED_ROAD1,
    TERRAIN_TRAIN_TRACK_ROAD,
    TERRAIN_BUMPYCOBBLES,
    TERRAIN_ARIES_ONLY,
    TERRAIN_ORION_ONLY,
    TERRAIN_B1RUMBLES,
    TERRAIN_B2RUMBLES,
    TERRAIN_ROUGH_SAND_MEDIUM,
    TERRAIN_ROUGH_SAND_HEAVY,
    TERRAIN_SNOWWALLS,
    TERRAIN_ICE_ROAD,
    TERRAIN_RUNOFF_ROAD,
    TERRAIN_ILLEGAL_STRIP,
    TERRAIN_PAINT_CONCRETE,
    TERRAIN_PAINT_CONCRETE_ILLEGAL,
    TERRAIN_RALLY_TARMAC
};

/* mCrashState */
enum ams2_crash_state {
    CRASH_DAMAGE_NONE = 0,
    CRASH_DAMAGE_OFFTRACK,
    CRASH_DAMAGE_LARGE_PROP,
    CRASH_DAMAGE_SPINNING,
    CRASH_DAMAGE_ROLLING
};

/* mErsDeploymentMode */
enum ams2_ers_deployment_mode {
    ERS_DEPLOYMENT_MODE_NONE = 0,
    ERS_DEPLOYMENT_MODE_OFF,
    ERS_DEPLOYMENT_MODE_BUILD,
    ERS_DEPLOYMENT_MODE_BALANCED,
    ERS_DEPLOYMENT_MODE_ATTACK,
    ERS_DEPLOYMENT_MODE_QUAL
};

/* mYellowFlagState: full-course yellow */
enum ams2_yellow_flag_state {
    YFS_INVALID = -1,
    YFS_NONE,
    YFS_PENDING,
    YFS_PITS_CLOSED,
    YFS_PIT_LEAD_LAP,
    YFS_PITS_OPEN,
    YFS_PITS_OPEN2,
    YFS_LAST_LAP,
    YFS_RESUME,
    YFS_RACE_HALT
};

/* mLaunchStage (version 14) */
enum ams2_launch_stage {
    LAUNCH_INVALID = -1,
    LAUNCH_OFF = 0,
    LAUNCH_REV,
    LAUNCH_ON
};

/* One car of the field. */
typedef struct {
    bool mIsActive;
    char mName[STRING_LENGTH_MAX];
    float mWorldPosition[VEC_MAX];  /* world space, metres */
    float mCurrentLapDistance;      /* metres */
    unsigned int mRacePosition;     /* from 1; 0 unset */
    unsigned int mLapsCompleted;
    unsigned int mCurrentLap;
    int mCurrentSector;             /* -1 unset */
} ams2_participant;

/* The page. Temperatures in Celsius unless said; the tyre layer temperatures in Kelvin; times in seconds. */
typedef struct {
    unsigned int mVersion;            /* SHARED_MEMORY_VERSION of the writer's header */
    unsigned int mBuildVersionNumber; /* the game's build; 0 unset */

    enum ams2_game_state mGameState;
    enum ams2_session_state mSessionState;
    enum ams2_race_state mRaceState;

    int mViewedParticipantIndex; /* -1 unset */
    int mNumParticipants;        /* -1 unset */
    ams2_participant mParticipantInfo[STORED_PARTICIPANTS_MAX];

    /* the driver's inputs before aids and filtering */
    float mUnfilteredThrottle;
    float mUnfilteredBrake;
    float mUnfilteredSteering; /* -1 .. 1 */
    float mUnfilteredClutch;

    char mCarName[STRING_LENGTH_MAX];
    char mCarClassName[STRING_LENGTH_MAX];

    unsigned int mLapsInEvent;              /* 0 unset */
    char mTrackLocation[STRING_LENGTH_MAX];  /* short English name, untranslated */
    char mTrackVariation[STRING_LENGTH_MAX];
    float mTrackLength;                      /* metres */

    int mNumSectors;
    bool mLapInvalidated;
    float mBestLapTime;
    float mLastLapTime;
    float mCurrentTime;
    float mSplitTimeAhead;
    float mSplitTimeBehind;
    float mSplitTime;
    float mEventTimeRemaining; /* milliseconds */
    float mPersonalFastestLapTime;
    float mWorldFastestLapTime;
    float mCurrentSector1Time;
    float mCurrentSector2Time;
    float mCurrentSector3Time;
    float mFastestSector1Time;
    float mFastestSector2Time;
    float mFastestSector3Time;
    float mPersonalFastestSector1Time;
    float mPersonalFastestSector2Time;
    float mPersonalFastestSector3Time;
    float mWorldFastestSector1Time;
    float mWorldFastestSector2Time;
    float mWorldFastestSector3Time;

    enum ams2_flag_colour mHighestFlagColour;
    enum ams2_flag_reason mHighestFlagReason;

    enum ams2_pit_mode mPitMode;
    enum ams2_pit_schedule mPitSchedule;

    unsigned int mCarFlags; /* CAR_* bits */
    float mOilTempCelsius;
    float mOilPressureKPa;
    float mWaterTempCelsius;
    float mWaterPressureKPa;
    float mFuelPressureKPa;
    float mFuelLevel;    /* 0 .. 1 of the tank */
    float mFuelCapacity; /* litres */
    float mSpeed;        /* metres per second */
    float mRpm;
    float mMaxRPM;
    float mBrake;
    float mThrottle;
    float mClutch;
    float mSteering;     /* -1 .. 1 */
    int mGear;           /* -1 reverse, 0 neutral, 1.. forward */
    int mNumGears;
    float mOdometerKM;
    bool mAntiLockActive;
    int mLastOpponentCollisionIndex;
    float mLastOpponentCollisionMagnitude;
    bool mBoostActive;
    float mBoostAmount;  /* 0 .. 100 */

    float mOrientation[VEC_MAX];       /* Euler angles */
    float mLocalVelocity[VEC_MAX];     /* metres per second */
    float mWorldVelocity[VEC_MAX];
    float mAngularVelocity[VEC_MAX];   /* radians per second */
    float mLocalAcceleration[VEC_MAX];
    float mWorldAcceleration[VEC_MAX];
    float mExtentsCentre[VEC_MAX];

    unsigned int mTyreFlags[TYRE_MAX]; /* TYRE_* bits */
    enum ams2_terrain mTerrain[TYRE_MAX];
    float mTyreY[TYRE_MAX];
    float mTyreRPS[TYRE_MAX];
    float mTyreSlipSpeed[TYRE_MAX];    /* obsolete, kept for its place */
    float mTyreTemp[TYRE_MAX];
    float mTyreGrip[TYRE_MAX];         /* obsolete */
    float mTyreHeightAboveGround[TYRE_MAX];
    float mTyreLateralStiffness[TYRE_MAX]; /* obsolete */
    float mTyreWear[TYRE_MAX];
    float mBrakeDamage[TYRE_MAX];
    float mSuspensionDamage[TYRE_MAX];
    float mBrakeTempCelsius[TYRE_MAX];
    float mTyreTreadTemp[TYRE_MAX];    /* Kelvin */
    float mTyreLayerTemp[TYRE_MAX];    /* Kelvin */
    float mTyreCarcassTemp[TYRE_MAX];  /* Kelvin */
    float mTyreRimTemp[TYRE_MAX];      /* Kelvin */
    float mTyreInternalAirTemp[TYRE_MAX]; /* Kelvin */

    enum ams2_crash_state mCrashState;
    float mAeroDamage;
    float mEngineDamage;

    float mAmbientTemperature;
    float mTrackTemperature;
    float mRainDensity;
    float mWindSpeed;
    float mWindDirectionX;
    float mWindDirectionY;
    float mCloudBrightness;

    /* Project CARS 2 additions (version 8 on) */
    volatile unsigned int mSequenceNumber; /* odd while the game writes the page, even between writes */

    float mWheelLocalPositionY[TYRE_MAX];
    float mSuspensionTravel[TYRE_MAX];   /* metres */
    float mSuspensionVelocity[TYRE_MAX];
    float mAirPressure[TYRE_MAX];        /* PSI */
    float mEngineSpeed;                  /* radians per second */
    float mEngineTorque;                 /* newton metres */
    float mWings[2];
    float mHandBrake;

    /* every car of the field, by participant index */
    float mCurrentSector1Times[STORED_PARTICIPANTS_MAX];
    float mCurrentSector2Times[STORED_PARTICIPANTS_MAX];
    float mCurrentSector3Times[STORED_PARTICIPANTS_MAX];
    float mFastestSector1Times[STORED_PARTICIPANTS_MAX];
    float mFastestSector2Times[STORED_PARTICIPANTS_MAX];
    float mFastestSector3Times[STORED_PARTICIPANTS_MAX];
    float mFastestLapTimes[STORED_PARTICIPANTS_MAX];
    float mLastLapTimes[STORED_PARTICIPANTS_MAX];
    bool mLapsInvalidated[STORED_PARTICIPANTS_MAX];
    enum ams2_race_state mRaceStates[STORED_PARTICIPANTS_MAX];
    enum ams2_pit_mode mPitModes[STORED_PARTICIPANTS_MAX];
    float mOrientations[STORED_PARTICIPANTS_MAX][VEC_MAX];
    float mSpeeds[STORED_PARTICIPANTS_MAX];
    char mCarNames[STORED_PARTICIPANTS_MAX][STRING_LENGTH_MAX];
    char mCarClassNames[STORED_PARTICIPANTS_MAX][STRING_LENGTH_MAX];

    int mEnforcedPitStopLap; /* -1 unset */
    char mTranslatedTrackLocation[STRING_LENGTH_MAX];
    char mTranslatedTrackVariation[STRING_LENGTH_MAX];
    float mBrakeBias;          /* 0 .. 1; -1 unset */
    float mTurboBoostPressure; /* -1 unset */
    char mTyreCompound[TYRE_MAX][TYRE_COMPOUND_NAME_LENGTH_MAX];
    enum ams2_pit_schedule mPitSchedules[STORED_PARTICIPANTS_MAX];
    enum ams2_flag_colour mHighestFlagColours[STORED_PARTICIPANTS_MAX];
    enum ams2_flag_reason mHighestFlagReasons[STORED_PARTICIPANTS_MAX];
    unsigned int mNationalities[STORED_PARTICIPANTS_MAX];
    float mSnowDensity;

    /* Automobilista 2 additions (version 10 on) */
    float mSessionDuration;     /* minutes; 0 for a race of laps (mLapsInEvent) */
    int mSessionAdditionalLaps; /* laps after the time of a timed race */
    float mTyreTempLeft[TYRE_MAX];
    float mTyreTempCenter[TYRE_MAX];
    float mTyreTempRight[TYRE_MAX];
    unsigned int mDrsState;     /* DRS_* bits */
    float mRideHeight[TYRE_MAX]; /* centimetres */
    unsigned int mJoyPad0;      /* button mask */
    unsigned int mDPad;         /* button mask */
    int mAntiLockSetting;       /* -1 unset */
    int mTractionControlSetting; /* -1 unset */
    enum ams2_ers_deployment_mode mErsDeploymentMode;
    bool mErsAutoModeEnabled;
    float mClutchTemp;          /* Kelvin */
    float mClutchWear;
    bool mClutchOverheated;
    bool mClutchSlipping;
    enum ams2_yellow_flag_state mYellowFlagState;

    /* version 14 */
    bool mSessionIsPrivate;
    enum ams2_launch_stage mLaunchStage;
} ams2_shared_memory;

#endif
