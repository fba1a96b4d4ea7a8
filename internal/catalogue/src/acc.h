/* Assetto Corsa Competizione: the named mappings Local\acpmf_physics, Local\acpmf_graphics and
 * Local\acpmf_static. Assetto Corsa Rally publishes the same three pages under the same names in this layout.
 *
 * Written for shmbridge from the published facts of Kunos' SharedFileOut.h for ACC (names, types, order,
 * constants), in our own words. Sources: "ACC Shared Memory Documentation" v1.8.12 (Kunos; carried by
 * github.com/albertowd/live-telemetry-evo, resources/docs/acc/ACCSharedMemoryDocumentationV1.8.12.pdf) and the
 * header as ACC tools carry it (e.g. github.com/gabbo76/ACC-TX-UDP, SharedFileOut.h). AC Rally: its physics
 * page was found to be this one, byte for byte, by probing the running game (live-telemetry-evo,
 * tools/probe_rally_layout.py, sources/acrally.py; temperatures there are in Kelvin); Kunos publishes no header
 * of its own for it.
 *
 * #pragma pack(4); wchar_t is Windows' (UTF-16, 2 bytes): written as char16_t here so that any compiler lays
 * it out as Microsoft's does. No lock: packetId names a frame (physics every physics step, graphics every
 * rendered frame); the static page is written when a session starts. smVersion (static) is the format's
 * version, "1.9" in ACC 1.9.
 *
 * Kept from the catalogue's first ACC layouts, so that a field's id does not change:
 *  - float[N][3] members (tyreContactPoint, tyreContactNormal, tyreContactHeading, carCoordinates) are arrays
 *    of an x, y, z struct: the same bytes, read as tyre_contact_point[3].z;
 *  - the header's tcinAction and trackSPlineLength are spelt tcInAction and trackSplineLength (ids
 *    tc_in_action and track_spline_length, as before);
 *  - status, session and flag are enums (ACC declares them int with #defined values); trackGripStatus,
 *    rainIntensity* and penalty stay plain int, as before, their values in comments.
 * The enumerators are named as a reader sees them (live, race, blue) through ACC_NAME: a C program that also
 * includes the other Kunos headers defines ACC_NAME(n) to give them a prefix first. */
#ifndef SHMBRIDGE_ACC_H
#define SHMBRIDGE_ACC_H
#include <stdint.h>
#include <uchar.h>

#ifndef ACC_NAME
#define ACC_NAME(n) n
#endif

enum acc_status { ACC_NAME(off) = 0, ACC_NAME(replay) = 1, ACC_NAME(live) = 2, ACC_NAME(pause) = 3 };

enum acc_session_type {
    ACC_NAME(unknown) = -1,
    ACC_NAME(practice) = 0,
    ACC_NAME(qualify) = 1,
    ACC_NAME(race) = 2,
    ACC_NAME(hotlap) = 3,
    ACC_NAME(time_attack) = 4,
    ACC_NAME(drift) = 5,
    ACC_NAME(drag) = 6,
    ACC_NAME(hotstint) = 7,
    ACC_NAME(hotlap_superpole) = 8
};

enum acc_flag_type {
    ACC_NAME(no_flag) = 0,
    ACC_NAME(blue) = 1,
    ACC_NAME(yellow) = 2,
    ACC_NAME(black) = 3,
    ACC_NAME(white) = 4,
    ACC_NAME(checkered) = 5,
    ACC_NAME(penalty) = 6,
    ACC_NAME(green) = 7,
    ACC_NAME(orange) = 8
};

#pragma pack(push, 4)

typedef struct { float x, y, z; } acc_vec3;

/* Local\acpmf_physics: the player's car, every physics step (about 333 Hz). Wheels: front left, front right,
 * rear left, rear right. */
typedef struct {
    int32_t packetId;
    float gas;
    float brake;
    float fuel;                   /* litres */
    int32_t gear;                 /* 0 reverse, 1 neutral, 2.. forward */
    int32_t rpms;
    float steerAngle;
    float speedKmh;
    float velocity[3];
    float accG[3];
    float wheelSlip[4];
    float wheelLoad[4];           /* not written by ACC */
    float wheelsPressure[4];      /* PSI */
    float wheelAngularSpeed[4];
    float tyreWear[4];            /* not written by ACC */
    float tyreDirtyLevel[4];
    float tyreCoreTemperature[4];
    float camberRAD[4];
    float suspensionTravel[4];
    float drs;
    float tc;
    float heading;
    float pitch;
    float roll;
    float cgHeight;
    float carDamage[5];           /* front, rear, left, right, centre */
    int32_t numberOfTyresOut;
    int32_t pitLimiterOn;
    float abs;
    float kersCharge;
    float kersInput;
    int32_t autoShifterOn;
    float rideHeight[2];          /* front, rear */
    float turboBoost;
    float ballast;
    float airDensity;
    float airTemp;
    float roadTemp;
    float localAngularVel[3];
    float finalFF;
    float performanceMeter;
    int32_t engineBrake;
    int32_t ersRecoveryLevel;
    int32_t ersPowerLevel;
    int32_t ersHeatCharging;
    int32_t ersIsCharging;
    float kersCurrentKJ;
    int32_t drsAvailable;
    int32_t drsEnabled;
    float brakeTemp[4];
    float clutch;
    float tyreTempI[4];
    float tyreTempM[4];
    float tyreTempO[4];
    int32_t isAIControlled;
    acc_vec3 tyreContactPoint[4];
    acc_vec3 tyreContactNormal[4];
    acc_vec3 tyreContactHeading[4];
    float brakeBias;
    float localVelocity[3];
    int32_t P2PActivations;
    int32_t P2PStatus;
    int32_t currentMaxRpm;
    float mz[4];
    float fx[4];
    float fy[4];
    float slipRatio[4];
    float slipAngle[4];
    int32_t tcInAction;           /* the header's tcinAction */
    int32_t absInAction;
    float suspensionDamage[4];
    float tyreTemp[4];
    float waterTemp;
    float brakePressure[4];
    int32_t frontBrakeCompound;
    int32_t rearBrakeCompound;
    float padLife[4];
    float discLife[4];
    int32_t ignitionOn;
    int32_t starterEngineOn;
    int32_t isEngineRunning;
    float kerbVibration;
    float slipVibrations;
    float gVibrations;
    float absVibrations;
} SPageFilePhysicsACC;

/* Local\acpmf_graphics: the HUD's view, every rendered frame. Times as text (UTF-16) and in milliseconds. */
typedef struct {
    int32_t packetId;
    enum acc_status status;
    enum acc_session_type session;
    char16_t currentTime[15];
    char16_t lastTime[15];
    char16_t bestTime[15];
    char16_t split[15];
    int32_t completedLaps;
    int32_t position;
    int32_t iCurrentTime;
    int32_t iLastTime;
    int32_t iBestTime;
    float sessionTimeLeft;
    float distanceTraveled;
    int32_t isInPit;
    int32_t currentSectorIndex;
    int32_t lastSectorTime;
    int32_t numberOfLaps;
    char16_t tyreCompound[33];
    float replayTimeMultiplier;
    float normalizedCarPosition;
    int32_t activeCars;
    acc_vec3 carCoordinates[60];
    int32_t carID[60];
    int32_t playerCarID;
    float penaltyTime;
    enum acc_flag_type flag;
    int32_t penalty;              /* ACC's PenaltyShortcut: 0 none, 1.. the penalty and its reason */
    int32_t idealLineOn;
    int32_t isInPitLane;
    float surfaceGrip;
    int32_t mandatoryPitDone;
    float windSpeed;
    float windDirection;
    int32_t isSetupMenuVisible;
    int32_t mainDisplayIndex;
    int32_t secondaryDisplayIndex;
    int32_t TC;
    int32_t TCCut;
    int32_t EngineMap;
    int32_t ABS;
    float fuelXLap;
    int32_t rainLights;
    int32_t flashingLights;
    int32_t lightsStage;
    float exhaustTemperature;
    int32_t wiperLV;
    int32_t driverStintTotalTimeLeft;
    int32_t driverStintTimeLeft;
    int32_t rainTyres;
    int32_t sessionIndex;
    float usedFuel;
    char16_t deltaLapTime[15];
    int32_t iDeltaLapTime;
    char16_t estimatedLapTime[15];
    int32_t iEstimatedLapTime;
    int32_t isDeltaPositive;
    int32_t iSplit;
    int32_t isValidLap;
    float fuelEstimatedLaps;
    char16_t trackStatus[33];
    int32_t missingMandatoryPits;
    float Clock;                  /* time of day, seconds */
    int32_t directionLightsLeft;
    int32_t directionLightsRight;
    int32_t GlobalYellow;
    int32_t GlobalYellow1;
    int32_t GlobalYellow2;
    int32_t GlobalYellow3;
    int32_t GlobalWhite;
    int32_t GlobalGreen;
    int32_t GlobalChequered;
    int32_t GlobalRed;
    int32_t mfdTyreSet;
    float mfdFuelToAdd;
    float mfdTyrePressureLF;
    float mfdTyrePressureRF;
    float mfdTyrePressureLR;
    float mfdTyrePressureRR;
    int32_t trackGripStatus;      /* 0 green, 1 fast, 2 optimum, 3 greasy, 4 damp, 5 wet, 6 flooded */
    int32_t rainIntensity;        /* 0 none, 1 drizzle, 2 light, 3 medium, 4 heavy, 5 thunderstorm */
    int32_t rainIntensityIn10min;
    int32_t rainIntensityIn30min;
    int32_t currentTyreSet;
    int32_t strategyTyreSet;
    int32_t gapAhead;             /* milliseconds */
    int32_t gapBehind;
} SPageFileGraphicACC;

/* Local\acpmf_static: the session and the car, written when the session starts. */
typedef struct {
    char16_t smVersion[15];
    char16_t acVersion[15];
    int32_t numberOfSessions;
    int32_t numCars;
    char16_t carModel[33];
    char16_t track[33];
    char16_t playerName[33];
    char16_t playerSurname[33];
    char16_t playerNick[33];
    int32_t sectorCount;
    float maxTorque;
    float maxPower;
    int32_t maxRpm;
    float maxFuel;
    float suspensionMaxTravel[4];
    float tyreRadius[4];
    float maxTurboBoost;
    float deprecated_1;
    float deprecated_2;
    int32_t penaltiesEnabled;
    float aidFuelRate;
    float aidTireRate;
    float aidMechanicalDamage;
    int32_t aidAllowTyreBlankets;
    float aidStability;
    int32_t aidAutoClutch;
    int32_t aidAutoBlip;
    int32_t hasDRS;
    int32_t hasERS;
    int32_t hasKERS;
    float kersMaxJ;
    int32_t engineBrakeSettingsCount;
    int32_t ersPowerControllerCount;
    float trackSplineLength;      /* the header's trackSPlineLength */
    char16_t trackConfiguration[33];
    float ersMaxJ;
    int32_t isTimedRace;
    int32_t hasExtraLap;
    char16_t carSkin[33];
    int32_t reversedGridPositions;
    int32_t PitWindowStart;
    int32_t PitWindowEnd;
    int32_t isOnline;
    char16_t dryTyresName[33];
    char16_t wetTyresName[33];
} SPageFileStaticACC;

#pragma pack(pop)
#endif
