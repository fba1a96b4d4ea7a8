/* Assetto Corsa (the original, 2014): the named mappings Local\acpmf_physics, Local\acpmf_graphics and
 * Local\acpmf_static. ACC and AC Rally use the same names with longer pages of their own (acc.h): which game
 * runs decides which layout reads them.
 *
 * Written for shmbridge from the published facts of Kunos' SharedFileOut.h for Assetto Corsa (names, types,
 * order, constants), in our own words. Source: Kunos' "AC Shared Memory Documentation" (the last one published,
 * with the static page's isTimedRace ... PitWindowEnd, the physics page's clutch ... localVelocity and the
 * graphics page's mandatoryPitDone, windSpeed, windDirection), as carried by
 * github.com/albertowd/live-telemetry-evo (resources/docs/ac/ACSharedMemoryDocumentation.pdf). The earlier
 * header (the assettocorsamods.net "Shared Memory Reference", 2016) is its prefix; gro-ove/actools notes which
 * shared-memory version added what (1.5 turboBoost ..., 1.6 airTemp ..., 1.7 performanceMeter ...).
 *
 * #pragma pack(4); wchar_t is Windows' (UTF-16, 2 bytes): written as char16_t here so that any compiler lays it
 * out as Microsoft's does. No lock: packetId names a frame (physics every physics step, graphics every rendered
 * frame); the static page is written when a session starts. smVersion (static) is the format's version
 * string; airTemp and roadTemp moved from the static page to the physics page, their old places in the static
 * page are deprecated_1 and deprecated_2.
 *
 * Differences from ACC's pages: the physics page ends at localVelocity; the graphics page has one
 * carCoordinates (the player's) and ends at windDirection; the static page ends at PitWindowEnd and its
 * trackConfiguration is 33 characters too. As in acc.h, a float[3] position is an x, y, z struct, status,
 * session and flag are enums, and trackSPlineLength is spelt trackSplineLength (id track_spline_length, as ACC's).
 * The enumerators are named as a reader sees them (live, race, blue) through AC_NAME: a C program that also
 * includes the other Kunos headers defines AC_NAME(n) to give them a prefix first. */
#ifndef SHMBRIDGE_AC_H
#define SHMBRIDGE_AC_H
#include <stdint.h>
#include <uchar.h>

#ifndef AC_NAME
#define AC_NAME(n) n
#endif

enum ac_status { AC_NAME(off) = 0, AC_NAME(replay) = 1, AC_NAME(live) = 2, AC_NAME(pause) = 3 };

enum ac_session_type {
    AC_NAME(unknown) = -1,
    AC_NAME(practice) = 0,
    AC_NAME(qualify) = 1,
    AC_NAME(race) = 2,
    AC_NAME(hotlap) = 3,
    AC_NAME(time_attack) = 4,
    AC_NAME(drift) = 5,
    AC_NAME(drag) = 6
};

enum ac_flag_type {
    AC_NAME(no_flag) = 0,
    AC_NAME(blue) = 1,
    AC_NAME(yellow) = 2,
    AC_NAME(black) = 3,
    AC_NAME(white) = 4,
    AC_NAME(checkered) = 5,
    AC_NAME(penalty) = 6
};

#pragma pack(push, 4)

typedef struct { float x, y, z; } ac_vec3;

/* Local\acpmf_physics: the player's car, every physics step. Wheels: front left, front right, rear left,
 * rear right. */
typedef struct {
    int32_t packetId;
    float gas;
    float brake;
    float fuel;                   /* litres */
    int32_t gear;                 /* 0 reverse, 1 neutral, 2.. forward */
    int32_t rpms;
    float steerAngle;
    float speedKmh;
    float velocity[3];            /* world axes */
    float accG[3];                /* car axes */
    float wheelSlip[4];
    float wheelLoad[4];           /* newtons */
    float wheelsPressure[4];
    float wheelAngularSpeed[4];
    float tyreWear[4];
    float tyreDirtyLevel[4];
    float tyreCoreTemperature[4];
    float camberRAD[4];
    float suspensionTravel[4];
    float drs;
    float tc;                     /* the traction control's slip ratio limit */
    float heading;
    float pitch;
    float roll;
    float cgHeight;
    float carDamage[5];           /* the first four sections are used */
    int32_t numberOfTyresOut;
    int32_t pitLimiterOn;
    float abs;                    /* the ABS's slip ratio limit */
    float kersCharge;
    float kersInput;
    int32_t autoShifterOn;
    float rideHeight[2];          /* front, rear */
    float turboBoost;
    float ballast;                /* kilograms (multiplayer) */
    float airDensity;
    float airTemp;
    float roadTemp;
    float localAngularVel[3];
    float finalFF;
    float performanceMeter;       /* against the best lap */
    int32_t engineBrake;
    int32_t ersRecoveryLevel;
    int32_t ersPowerLevel;
    int32_t ersHeatCharging;      /* 0 motor, 1 battery */
    int32_t ersIsCharging;
    float kersCurrentKJ;          /* spent this lap */
    int32_t drsAvailable;
    int32_t drsEnabled;
    float brakeTemp[4];
    float clutch;
    float tyreTempI[4];
    float tyreTempM[4];
    float tyreTempO[4];
    int32_t isAIControlled;
    ac_vec3 tyreContactPoint[4];
    ac_vec3 tyreContactNormal[4];
    ac_vec3 tyreContactHeading[4];
    float brakeBias;              /* 0 rear .. 1 front */
    float localVelocity[3];
} SPageFilePhysicsAC;

/* Local\acpmf_graphics: the HUD's view, every rendered frame. Times as text (UTF-16) and in milliseconds. */
typedef struct {
    int32_t packetId;
    enum ac_status status;
    enum ac_session_type session;
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
    float normalizedCarPosition;  /* along the track's spline */
    ac_vec3 carCoordinates;       /* the player's car, world axes */
    float penaltyTime;
    enum ac_flag_type flag;
    int32_t idealLineOn;
    int32_t isInPitLane;
    float surfaceGrip;
    int32_t mandatoryPitDone;
    float windSpeed;
    float windDirection;          /* degrees, 0 .. 359 */
} SPageFileGraphicAC;

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
    float deprecated_1;           /* was airTemp */
    float deprecated_2;           /* was roadTemp */
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
} SPageFileStaticAC;

#pragma pack(pop)
#endif
