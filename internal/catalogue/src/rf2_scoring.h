/* rFactor 2's scoring: the mapping $rFactor2SMMP_Scoring$ of the rF2SharedMemoryMapPlugin.
 *
 * Written for shmbridge from the facts of the plugin's Include/rF2State.h and Include/MappedBuffer.h
 * (github.com/TheIronWolfModding/rF2SharedMemoryMapPlugin, v3.7.15.1): the names, types, order and sizes of
 * rF2Scoring and the records it holds, which mirror the game's ScoringInfoV01 and VehicleScoringInfoV01
 * (InternalsPlugin.hpp) byte for byte, packed to 4 bytes. The mapping is the plugin's version block followed
 * by the buffer: the plugin bumps mVersionUpdateBegin before it writes and mVersionUpdateEnd after, 5 times a
 * second (the game's scoring updates).
 *
 * The game's `long` is 4 bytes (Windows): spelt int32_t, so that gcc on Linux lays it out alike. The game's
 * two pointers (its results stream and vehicle array, meaningless to another process) are bytes here, as the
 * plugin has them: 8 in the 64-bit game.
 *
 * shmbridge's producer testdata/peers/producers_rf2.c includes this file; internal/catalogue/rf2_scoring.ksy
 * is generated from it (rf2_scoring.yaml). */
#ifndef SHMBRIDGE_RF2_SCORING_H
#define SHMBRIDGE_RF2_SCORING_H
#include <stdbool.h>
#include <stdint.h>

#define RF2_MAX_VEHICLES 128 /* the plugin's vehicle slots */

#pragma pack(push, 4)

typedef struct rF2Vec3 {
    double x, y, z;
} rF2Vec3;

/* The session (ScoringInfoV01). */
typedef struct rF2ScoringInfo {
    char mTrackName[64];
    int32_t mSession;               /* 0 test day, 1-4 practice, 5-8 qualifying, 9 warm-up, 10-13 race */
    double mCurrentET;              /* session time, s */
    double mEndET;                  /* session time the session ends, s */
    int32_t mMaxLaps;
    double mLapDist;                /* the track's length, m */
    unsigned char pointer1[8];      /* the game's results stream pointer: not copied */
    int32_t mNumVehicles;           /* cars in mVehicles[] */
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
    rF2Vec3 mWind;                  /* m/s */
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
    unsigned char mExpansion[200];
    unsigned char pointer2[8];      /* the game's vehicle array pointer: the cars are rF2Scoring.mVehicles */
} rF2ScoringInfo;

/* One car's standing (VehicleScoringInfoV01). */
typedef struct rF2VehicleScoring {
    int32_t mID;                    /* slot id (a slot is reused after a driver leaves) */
    char mDriverName[32];
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
    rF2Vec3 mPos;                   /* world position, m */
    rF2Vec3 mLocalVel;              /* m/s in the car's coordinates */
    rF2Vec3 mLocalAccel;            /* m/s^2 in the car's coordinates */
    rF2Vec3 mOri[3];                /* the orientation matrix's rows */
    rF2Vec3 mLocalRot;              /* rad/s in the car's coordinates */
    rF2Vec3 mLocalRotAccel;         /* rad/s^2 in the car's coordinates */
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
    unsigned char mExpansion[48];
} rF2VehicleScoring;

/* The mapping: the version block, then rF2Scoring. */
typedef struct rF2ScoringMapping {
    uint32_t mVersionUpdateBegin;   /* bumped before the plugin writes */
    uint32_t mVersionUpdateEnd;     /* bumped after: equal to Begin when no write is under way */
    int32_t mBytesUpdatedHint;      /* bytes of the buffer the last update wrote; 0 unknown */
    rF2ScoringInfo mScoringInfo;
    rF2VehicleScoring mVehicles[RF2_MAX_VEHICLES]; /* the first mScoringInfo.mNumVehicles are cars */
} rF2ScoringMapping;

#pragma pack(pop)

#endif
