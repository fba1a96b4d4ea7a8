/* Le Mans Ultimate's built-in shared memory (2025): the mapping LMU_Data, a SharedMemoryObjectOut.
 *
 * Written for shmbridge from the facts of the game's own headers, Support/SharedMemoryInterface/
 * SharedMemoryInterface.hpp and InternalsPlugin.hpp in the game's folder (Studio 397; not redistributable,
 * so not copied here): the names, types, order and sizes of their members, checked against the sizes and
 * offsets published by readers of the interface (TinyPedal's pyLMUSharedMemory, lmu_data.py, LMU API 1.3).
 *
 * Two packings meet here, as in the game's headers: the records of the plugin interface (TelemInfoV01,
 * ScoringInfoV01, VehicleScoringInfoV01, ApplicationStateV01) are declared under #pragma pack(4), the
 * wrappers of the shared memory after that packing ends, with the compiler's own alignment: size_t
 * scoringStreamSize sits at 552 of the scoring block (not 548), and SharedMemoryObjectOut is 324824 bytes,
 * its last 4 the padding that rounds it to 8 (its members end at 324820).
 *
 * The game's `long` is 4 bytes (Windows): spelt int32_t, so that gcc on Linux lays it out alike. The enums
 * with a fixed type (enum E : uint8_t) are C23 and C++: a compiler without them (gcc before 13) stores their
 * values in the fixed type itself.
 *
 * shmbridge's producer testdata/peers/producers_lmu.c includes this file; internal/catalogue/lmu.ksy is
 * generated from it (lmu.yaml). */
#ifndef SHMBRIDGE_LMU_H
#define SHMBRIDGE_LMU_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__cplusplus) && __STDC_VERSION__ < 202311L
#define LMU_U8_ENUM                     /* no fixed type: a member of the enum is a uint8_t */
#define LMU_U8_ENUM_MEMBER(name) uint8_t
#else
#define LMU_U8_ENUM : uint8_t
#define LMU_U8_ENUM_MEMBER(name) enum name
#endif

#define LMU_MAX_VEHICLES 104     /* the slots of the vehicle arrays */
#define LMU_SCORING_STREAM 65536 /* the results stream's buffer */
#define LMU_PATH 260             /* Windows' MAX_PATH */

/* What happened since the last update: the values of the event queue, generic.events[]. */
enum SharedMemoryEvent {
    SME_ENTER,
    SME_EXIT,
    SME_STARTUP,
    SME_SHUTDOWN,
    SME_LOAD,
    SME_UNLOAD,
    SME_START_SESSION,
    SME_END_SESSION,
    SME_ENTER_REALTIME,
    SME_EXIT_REALTIME,
    SME_UPDATE_SCORING,
    SME_UPDATE_TELEMETRY,
    SME_INIT_APPLICATION,
    SME_UNINIT_APPLICATION,
    SME_SET_ENVIRONMENT,
    SME_FFB,
    SME_MAX /* the queue's end, and its length */
};

/* A car's class (TelemInfoV01.mVehicleClass); 1 and 7 are not used. */
enum IP_VehicleClass LMU_U8_ENUM {
    Hypercar = 0x00, LMP2_ELMS = 0x02, LMP2 = 0x03, LMP3 = 0x04, GTE = 0x05, GT3 = 0x06, PaceCar = 0x08,
    UnknownClass = 0xFF,
};

/* The season a car's content comes from (TelemInfoV01.mVehicleChampionship). */
enum IP_VehicleChampionship LMU_U8_ENUM {
    WEC_2023 = 0x00, WEC_2024 = 0x01, WEC_2025 = 0x02, WEC_2026 = 0x03, ELMS_2025 = 0x10, ELMS_2026 = 0x11,
    UnknownChampionship = 0xFF,
};

#pragma pack(push, 4)

/* A vector; world coordinates are left-handed, +y up. */
typedef struct TelemVect3 {
    double x, y, z;
} TelemVect3;

/* One wheel: front left, front right, rear left, rear right. */
typedef struct TelemWheelV01 {
    double mSuspensionDeflection;   /* m */
    double mRideHeight;             /* m */
    double mSuspForce;              /* pushrod load, N */
    double mBrakeTemp;              /* Celsius */
    double mBrakePressure;          /* 0.0-1.0 for now (driver input and brake balance) */
    double mRotation;               /* rad/s */
    double mLateralPatchVel;        /* m/s at the contact patch */
    double mLongitudinalPatchVel;   /* m/s at the contact patch */
    double mLateralGroundVel;       /* m/s at the contact patch */
    double mLongitudinalGroundVel;  /* m/s at the contact patch */
    double mCamber;                 /* rad, positive outwards */
    double mLateralForce;           /* N */
    double mLongitudinalForce;      /* N */
    double mTireLoad;               /* N */
    double mGripFract;              /* roughly the sliding part of the contact patch */
    double mPressure;               /* tyre pressure, kPa */
    double mTemperature[3];         /* tread, Kelvin: left, centre, right */
    double mWear;                   /* 0.0-1.0 of the maximum */
    char mTerrainName[16];          /* the surface's material prefix (TDF) */
    unsigned char mSurfaceType;     /* 0 dry, 1 wet, 2 grass, 3 dirt, 4 gravel, 5 kerb, 6 special */
    bool mFlat;                     /* the tyre is flat */
    bool mDetached;                 /* the wheel came off */
    unsigned char mStaticUndeflectedRadius; /* tyre radius, cm */
    double mVerticalTireDeflection; /* from the speed-dependent radius */
    double mWheelYLocation;         /* height relative to the car */
    double mToe;                    /* rad */
    double mTireCarcassTemperature; /* Kelvin */
    double mTireInnerLayerTemperature[3]; /* Kelvin: left, centre, right */
    float mOptimalTemp;             /* Kelvin */
    unsigned char mCompoundIndex;   /* of the car's compounds */
    unsigned char mCompoundType;    /* 0 soft, 1 medium, 2 hard, 3 wet */
    unsigned char mExpansion[18];
} TelemWheelV01;

/* One car's physics, written every telemetry update. */
typedef struct TelemInfoV01 {
    int32_t mID;                    /* slot id (a slot is reused after a driver leaves) */
    double mDeltaTime;              /* s since the last update */
    double mElapsedTime;            /* session time, s */
    int32_t mLapNumber;
    double mLapStartET;             /* session time the lap began */
    char mVehicleName[64];
    char mTrackName[64];
    TelemVect3 mPos;                /* world position, m */
    TelemVect3 mLocalVel;           /* m/s in the car's coordinates */
    TelemVect3 mLocalAccel;         /* m/s^2 in the car's coordinates */
    TelemVect3 mOri[3];             /* the orientation matrix's rows */
    TelemVect3 mLocalRot;           /* rad/s in the car's coordinates */
    TelemVect3 mLocalRotAccel;      /* rad/s^2 in the car's coordinates */
    int32_t mGear;                  /* -1 reverse, 0 neutral, 1 and up forward */
    double mEngineRPM;
    double mEngineWaterTemp;        /* Celsius */
    double mEngineOilTemp;          /* Celsius */
    double mClutchRPM;
    double mUnfilteredThrottle;     /* driver input 0.0-1.0 */
    double mUnfilteredBrake;        /* driver input 0.0-1.0 */
    double mUnfilteredSteering;     /* driver input -1.0 (left) to 1.0 */
    double mUnfilteredClutch;       /* driver input 0.0-1.0 */
    double mFilteredThrottle;       /* after the aids, 0.0-1.0 */
    double mFilteredBrake;          /* after the aids, 0.0-1.0 */
    double mFilteredSteering;       /* after the aids, -1.0 to 1.0 */
    double mFilteredClutch;         /* after the aids, 0.0-1.0 */
    double mSteeringShaftTorque;    /* N m around the steering shaft */
    double mFront3rdDeflection;     /* front third spring */
    double mRear3rdDeflection;      /* rear third spring */
    double mFrontWingHeight;
    double mFrontRideHeight;
    double mRearRideHeight;
    double mDrag;
    double mFrontDownforce;
    double mRearDownforce;
    double mFuel;                   /* litres */
    double mEngineMaxRPM;           /* rev limit */
    unsigned char mScheduledStops;  /* pit stops planned */
    bool mOverheating;              /* the overheating light is on */
    bool mDetached;                 /* a part other than a wheel came off */
    bool mHeadlights;
    unsigned char mDentSeverity[8]; /* 8 places around the car: 0 none, 1 some, 2 more */
    double mLastImpactET;           /* session time of the last impact */
    double mLastImpactMagnitude;
    TelemVect3 mLastImpactPos;
    double mEngineTorque;           /* N m, additive torque included */
    int32_t mCurrentSector;         /* 0-based; the sign bit set in the pit lane */
    unsigned char mSpeedLimiter;    /* the pit limiter is on */
    unsigned char mMaxGears;        /* forward gears */
    unsigned char mFrontTireCompoundIndex;
    unsigned char mRearTireCompoundIndex;
    double mFuelCapacity;           /* litres */
    unsigned char mFrontFlapActivated;
    unsigned char mRearFlapActivated;
    unsigned char mRearFlapLegalStatus; /* 0 not allowed, 1 detected but not yet allowed, 2 allowed */
    unsigned char mIgnitionStarter; /* 0 off, 1 ignition, 2 ignition and starter */
    char mFrontTireCompoundName[18];
    char mRearTireCompoundName[18];
    unsigned char mSpeedLimiterAvailable;
    unsigned char mAntiStallActivated;
    unsigned char mUnused[2];
    float mVisualSteeringWheelRange;   /* degrees, as drawn */
    double mRearBrakeBias;          /* the rear's share of braking */
    double mTurboBoostPressure;
    float mPhysicsToGraphicsOffset[3]; /* from the static centre of gravity to the drawn centre */
    float mPhysicalSteeringWheelRange; /* degrees, of the wheel */
    double mDeltaBest;              /* s to the best lap */
    double mBatteryChargeFraction;  /* 0.0-1.0 */
    double mElectricBoostMotorTorque; /* N m, negative while regenerating */
    double mElectricBoostMotorRPM;
    double mElectricBoostMotorTemperature;
    double mElectricBoostWaterTemperature; /* of its cooler; 0 without one */
    unsigned char mElectricBoostMotorState; /* 0 none, 1 inactive, 2 propulsion, 3 regeneration */
    bool mLapInvalidated;
    bool mABSActive;
    bool mTCActive;
    bool mSpeedLimiterActive;
    uint8_t mWiperState;
    uint8_t mTC;                    /* traction control setting, of mTCMax */
    uint8_t mTCMax;
    uint8_t mTCSlip;
    uint8_t mTCSlipMax;
    uint8_t mTCCut;
    uint8_t mTCCutMax;
    uint8_t mABS;
    uint8_t mABSMax;
    uint8_t mMotorMap;
    uint8_t mMotorMapMax;
    uint8_t mMigration;             /* brake migration */
    uint8_t mMigrationMax;
    uint8_t mFrontAntiSway;
    uint8_t mFrontAntiSwayMax;
    uint8_t mRearAntiSway;
    uint8_t mRearAntiSwayMax;
    uint8_t mLiftAndCoastProgress;
    uint8_t mTrackLimitsSteps;      /* track limits points times ScoringInfoV01.mTrackLimitsStepsPerPoint */
    float mRegen;                   /* kW */
    float mSoC;                     /* battery state of charge */
    float mVirtualEnergy;
    float mTimeGapCarAhead;         /* s */
    float mTimeGapCarBehind;        /* s */
    float mTimeGapPlaceAhead;       /* s */
    float mTimeGapPlaceBehind;      /* s */
    char mVehicleModel[30];
    LMU_U8_ENUM_MEMBER(IP_VehicleClass) mVehicleClass;
    LMU_U8_ENUM_MEMBER(IP_VehicleChampionship) mVehicleChampionship;
    unsigned char mExpansion[20];
    TelemWheelV01 mWheel[4];        /* front left, front right, rear left, rear right */
} TelemInfoV01;

/* One car's standing, written every scoring update (5 a second). */
typedef struct VehicleScoringInfoV01 {
    int32_t mID;                    /* slot id, as TelemInfoV01.mID */
    char mDriverName[32];           /* UTF-8 */
    char mVehicleName[64];
    int16_t mTotalLaps;             /* laps completed */
    signed char mSector;            /* 0 sector 3, 1 sector 1, 2 sector 2 */
    signed char mFinishStatus;      /* 0 none, 1 finished, 2 DNF, 3 DQ */
    double mLapDist;                /* m around the track */
    double mPathLateral;            /* m from a rough centre line */
    double mTrackEdge;              /* the track's edge on the car's side of that line */
    double mBestSector1;            /* s */
    double mBestSector2;            /* s, sector 1 included */
    double mBestLapTime;            /* s */
    double mLastSector1;
    double mLastSector2;            /* sector 1 included */
    double mLastLapTime;
    double mCurSector1;             /* of the lap under way, if valid */
    double mCurSector2;             /* sector 1 included */
    int16_t mNumPitstops;
    int16_t mNumPenalties;          /* outstanding */
    bool mIsPlayer;
    signed char mControl;           /* -1 nobody, 0 local player, 1 local AI, 2 remote, 3 replay */
    bool mInPits;                   /* between pit entry and exit */
    unsigned char mPlace;           /* 1-based */
    char mVehicleClass[32];
    double mTimeBehindNext;         /* s to the car one place ahead */
    int32_t mLapsBehindNext;
    double mTimeBehindLeader;
    int32_t mLapsBehindLeader;
    double mLapStartET;
    TelemVect3 mPos;
    TelemVect3 mLocalVel;
    TelemVect3 mLocalAccel;
    TelemVect3 mOri[3];
    TelemVect3 mLocalRot;
    TelemVect3 mLocalRotAccel;
    unsigned char mHeadlights;
    unsigned char mPitState;        /* 0 none, 1 requested, 2 entering, 3 stopped, 4 exiting */
    unsigned char mServerScored;    /* scored by the server */
    unsigned char mIndividualPhase; /* the game phase, 9 after the formation lap, 10 under yellow */
    int32_t mQualification;         /* 1-based, -1 when not known */
    double mTimeIntoLap;            /* s, estimated */
    double mEstimatedLapTime;       /* s */
    char mPitGroup[24];             /* the team, unless a pit is shared */
    unsigned char mFlag;            /* shown to the car: 0 green, 6 blue */
    bool mUnderYellow;              /* took the full-course yellow at the line */
    unsigned char mCountLapFlag;    /* 0 neither lap nor time count, 1 the lap, 2 lap and time */
    bool mInGarageStall;
    unsigned char mUpgradePack[16];
    float mPitLapDist;              /* m: where its pit box is */
    float mBestLapSector1;          /* s, sector 1 of the best lap */
    float mBestLapSector2;          /* s, sector 2 of the best lap */
    uint64_t mSteamID;              /* 0 offline and for AI cars */
    char mVehFilename[32];
    int16_t mAttackMode;
    unsigned char mFuelFraction;    /* 0 empty to 255 full */
    bool mDRSState;
    unsigned char mExpansion[4];
} VehicleScoringInfoV01;

/* The session, written every scoring update. */
typedef struct ScoringInfoV01 {
    char mTrackName[64];
    int32_t mSession;               /* 0 test day, 1-4 practice, 5-8 qualifying, 9 warm-up, 10-13 race */
    double mCurrentET;              /* session time, s */
    double mEndET;                  /* session time the session ends, s */
    int32_t mMaxLaps;
    double mLapDist;                /* the track's length, m */
    char *mResultsStream;           /* in the game's address space: the stream is scoringStream below */
    int32_t mNumVehicles;           /* cars in vehScoringInfo[] */
    unsigned char mGamePhase;       /* 0 before the start, 1 reconnaissance laps, 2 grid walk, 3 formation lap,
                                       4 countdown, 5 green, 6 full-course yellow, 7 stopped, 8 over, 9 paused */
    signed char mYellowFlagState;   /* full course: -1 invalid, 0 none, 1 pending, 2 pits closed, 3 pit lead
                                       lap, 4 pits open, 5 last lap, 6 resume, 7 race halt */
    signed char mSectorFlag[3];     /* local yellows by sector */
    unsigned char mStartLight;      /* the start lights' frame */
    unsigned char mNumRedLights;    /* in the start sequence */
    bool mInRealtime;               /* driving, not at the monitor */
    char mPlayerName[32];
    char mPlrFileName[64];
    double mDarkCloud;              /* 0.0-1.0 */
    double mRaining;                /* 0.0-1.0 */
    double mAmbientTemp;            /* Celsius */
    double mTrackTemp;              /* Celsius */
    TelemVect3 mWind;               /* m/s */
    double mMinPathWetness;         /* 0.0-1.0 on the racing line */
    double mMaxPathWetness;
    unsigned char mGameMode;        /* 1 server, 2 client, 3 both */
    bool mIsPasswordProtected;
    uint16_t mServerPort;
    uint32_t mServerPublicIP;
    int32_t mMaxPlayers;
    char mServerName[32];
    float mStartET;                 /* the event's start, s since midnight */
    double mAvgPathWetness;         /* 0.0-1.0 */
    float mSessionTimeRemaining;    /* s */
    float mTimeOfDay;               /* s since midnight: mStartET + mCurrentET */
    bool mIsFixedSetup;
    uint8_t mTrackGripLevel;
    uint8_t mCloudCoverage;
    uint8_t mTrackLimitsStepsPerPenalty;
    uint8_t mTrackLimitsStepsPerPoint;
    unsigned char mExpansion[187];
    struct VehicleScoringInfoV01 *mVehicle; /* in the game's address space: the cars are vehScoringInfo[] */
} ScoringInfoV01;

/* The game's window and options page. */
typedef struct ApplicationStateV01 {
    void *mAppWindow;               /* the window's handle (HWND) */
    uint32_t mWidth;                /* screen pixels */
    uint32_t mHeight;
    uint32_t mRefreshRate;          /* Hz */
    uint32_t mWindowed;             /* 1 in a window */
    unsigned char mOptionsLocation; /* 0 main menu, 1 track loading, 2 monitor, 3 on track */
    char mOptionsPage[31];
    unsigned char mExpansion[204];
} ApplicationStateV01;

#pragma pack(pop)

/* What the game writes on each update, and the version of the game writing it. */
typedef struct SharedMemoryGeneric {
    enum SharedMemoryEvent events[SME_MAX]; /* a queue: the events of this update in order, then SME_MAX */
    int32_t gameVersion;            /* the game's build, e.g. 14200 for a 1.4 build; 0 before the game wrote */
    float FFBTorque;                /* the force feedback's torque */
    ApplicationStateV01 appInfo;
} SharedMemoryGeneric;

/* The game's folders. */
typedef struct SharedMemoryPathData {
    char userData[LMU_PATH];
    char customVariables[LMU_PATH];
    char stewardResults[LMU_PATH];
    char playerProfile[LMU_PATH];
    char pluginsFolder[LMU_PATH];
} SharedMemoryPathData;

typedef struct SharedMemoryScoringData {
    ScoringInfoV01 scoringInfo;
    size_t scoringStreamSize;       /* bytes of scoringStream in use */
    VehicleScoringInfoV01 vehScoringInfo[LMU_MAX_VEHICLES]; /* the first scoringInfo.mNumVehicles are cars */
    char scoringStream[LMU_SCORING_STREAM]; /* results since the last update: lines, NUL-terminated */
} SharedMemoryScoringData;

typedef struct SharedMemoryTelemetryData {
    uint8_t activeVehicles;         /* cars in telemInfo[] */
    uint8_t playerVehicleIdx;       /* the player's car in telemInfo[] */
    bool playerHasVehicle;
    TelemInfoV01 telemInfo[LMU_MAX_VEHICLES];
} SharedMemoryTelemetryData;

/* The mapping LMU_Data. */
typedef struct SharedMemoryObjectOut {
    SharedMemoryGeneric generic;
    SharedMemoryPathData paths;
    SharedMemoryScoringData scoring;
    SharedMemoryTelemetryData telemetry;
} SharedMemoryObjectOut;

/* The mapping LMU_SharedMemoryLockData: the spinlock every reader and the game take around a copy. */
typedef struct SharedMemoryLockData {
    volatile int32_t waiters;       /* threads waiting on the event LMU_SharedMemoryLockEvent */
    volatile int32_t busy;          /* 1 while held: taken by a compare-exchange of 0 to 1 */
} SharedMemoryLockData;

#endif
