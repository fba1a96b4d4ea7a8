/* Falcon BMS (4.33 and later): the mappings FalconSharedMemoryArea (struct FlightData, VersionNum 118,
 * frozen since 4.33: new data goes to the second area only) and FalconSharedMemoryArea2 (struct FlightData2,
 * VersionNum 22: appended to, never changed in the middle).
 *
 * Facts from the FlightData.h that Falcon BMS 4.38 ships for shared-memory readers, as kept in
 * github.com/Bacon8tor/FBAC-Linux (FlightData.h, commit 545ca2f6): FLIGHTDATA_VERSION 118,
 * FLIGHTDATA2_VERSION 22, the members' names, order and types, the array sizes (MAX_RWR_OBJECTS 40,
 * RWRINFO_SIZE 512, CALLSIGN_LEN 12, MAX_CALLSIGNS 32, MAX_ECM_PROGRAMS 5). The C++ classes become C structs
 * (their methods and bit enums are not data); int and long are 4 bytes, so long is spelt uint32_t; the enums
 * BMS declares on unsigned char are uint8_t here (C11 has no enum of a fixed type); CmdsModes is an int enum.
 * The header asks for MSVC's default alignment: each member at a multiple of its size.
 *
 * Protocol: none. BMS copies each struct into its area once per simulation frame; nothing guards a read. */
#ifndef SHMBRIDGE_FALCON_BMS_H
#define SHMBRIDGE_FALCON_BMS_H
#include <stddef.h>
#include <stdint.h>

#define BMS_RWR_OBJECTS 40
#define BMS_RWRINFO_SIZE 512
#define BMS_CALLSIGN_LEN 12
#define BMS_CALLSIGNS 32
#define BMS_ECM_PROGRAMS 5
#define BMS_RTT_AREAS 7

/* FalconSharedMemoryArea */
struct bms_flight_data {
    float x, y, z;          /* ownship north, east, down (ft) */
    float xDot, yDot, zDot; /* their rates (ft/s) */
    float alpha, beta;      /* AOA, sideslip (degrees) */
    float gamma, pitch, roll, yaw; /* radians */
    float mach;
    float kias; /* knots */
    float vt;   /* true airspeed (ft/s) */
    float gs;   /* normal g */
    float windOffset;
    float nozzlePos;    /* percent open */
    float internalFuel; /* lbs */
    float externalFuel;
    float fuelFlow; /* lbs/hour */
    float rpm;      /* percent */
    float ftit;     /* forward turbine inlet temperature (C) */
    float gearPos;  /* 0 up, 1 down */
    float speedBrake;
    float epuFuel;     /* percent */
    float oilPressure; /* percent */
    uint32_t lightBits; /* lamps, one bit each */
    float headPitch, headRoll, headYaw; /* inputs: head offsets (radians) */
    uint32_t lightBits2;
    uint32_t lightBits3;
    float ChaffCount;
    float FlareCount;
    float NoseGearPos, LeftGearPos, RightGearPos;
    float AdiIlsHorPos, AdiIlsVerPos;
    int32_t courseState, headingState, totalStates; /* HSI states */
    float courseDeviation;
    float desiredCourse;
    float distanceToBeacon;
    float bearingToBeacon;
    float currentHeading;
    float desiredHeading;
    float deviationLimit;
    float halfDeviationLimit;
    float localizerCourse;
    float airbaseX, airbaseY;
    float totalValues;
    float TrimPitch, TrimRoll, TrimYaw; /* -0.5 to 0.5 */
    uint32_t hsiBits;
    char DEDLines[5][26]; /* the data entry display: 5 lines of 25 characters */
    char Invert[5][26];   /* which of them are shown inverted */
    char PFLLines[5][26]; /* the pilot fault list */
    char PFLInvert[5][26];
    int32_t UFCTChan, AUXTChan; /* TACAN channels */
    int32_t RwrObjectCount;
    int32_t RWRsymbol[BMS_RWR_OBJECTS];
    float bearing[BMS_RWR_OBJECTS];
    uint32_t missileActivity[BMS_RWR_OBJECTS];
    uint32_t missileLaunch[BMS_RWR_OBJECTS];
    uint32_t selected[BMS_RWR_OBJECTS];
    float lethality[BMS_RWR_OBJECTS];
    uint32_t newDetection[BMS_RWR_OBJECTS];
    float fwd, aft, total; /* fuel (lbs) */
    int32_t VersionNum;    /* 118 (110 in 4.33: the same layout) */
    float headX, headY, headZ;
    int32_t MainPower; /* 0 down, 1 middle, 2 up */
};

enum bms_cmds_mode { CmdsOFF = 0, CmdsSTBY = 1, CmdsMAN = 2, CmdsSEMI = 3, CmdsAUTO = 4, CmdsBYP = 5 };

/* FalconSharedMemoryArea2: the version that added a member in a comment before it */
struct bms_flight_data2 {
    /* 1 */
    float nozzlePos2, rpm2, ftit2, oilPressure2; /* the second engine */
    uint8_t navMode; /* 0 ILS/TACAN, 1 TACAN, 2 NAV, 3 ILS/NAV */
    float AAUZ;      /* barometric altitude */
    int8_t tacanInfo[2]; /* UFC and AUX: bit 0 band X, bit 1 air to air */
    /* 2 */
    int32_t AltCalReading;
    uint32_t altBits;
    uint32_t powerBits;
    uint32_t blinkBits;
    enum bms_cmds_mode cmdsMode;
    int32_t uhf_panel_preset;
    /* 3 */
    int32_t uhf_panel_frequency;
    float cabinAlt;
    float hydPressureA, hydPressureB;
    int32_t currentTime; /* seconds of the day */
    int16_t vehicleACD;
    int32_t VersionNum; /* 22 */
    /* 4 */
    float fuelFlow2;
    /* 5, 8 */
    uint8_t RwrInfo[BMS_RWRINFO_SIZE]; /* char in BMS's header; bytes, not text */
    float lefPos, tefPos;
    /* 6 */
    float vtolPos;
    /* 9 */
    int8_t pilotsOnline;
    char pilotsCallsign[BMS_CALLSIGNS][BMS_CALLSIGN_LEN];
    int8_t pilotsStatus[BMS_CALLSIGNS]; /* 0 UI, 1 loading, 2 waiting, 3 flying, 4 dead, 5 unknown */
    /* 10 */
    float bumpIntensity;
    /* 11 */
    float latitude, longitude; /* degrees */
    /* 12 */
    uint16_t RTT_size[2];
    uint16_t RTT_area[BMS_RTT_AREAS][4]; /* HUD, PFL, DED, RWR, left MFD, right MFD, HMS: left top right bottom */
    /* 13 */
    int8_t iffBackupMode1Digit1, iffBackupMode1Digit2, iffBackupMode3ADigit1, iffBackupMode3ADigit2;
    /* 14 */
    uint8_t instrLight; /* 0 off, 1 dim, 2 bright */
    /* 15 */
    uint32_t bettyBits;
    uint32_t miscBits;
    float RALT;
    float bingoFuel;
    float caraAlow;
    float bullseyeX, bullseyeY;
    int32_t BMSVersionMajor, BMSVersionMinor, BMSVersionMicro, BMSBuildNumber;
    uint32_t StringAreaSize;
    uint32_t StringAreaTime;
    uint32_t DrawingAreaSize;
    /* 16 */
    float turnRate; /* degrees/second */
    /* 18 */
    uint8_t floodConsole; /* 0 off, 1..6 */
    /* 19 */
    float magDeviationSystem, magDeviationReal;
    uint32_t ecmBits[BMS_ECM_PROGRAMS];
    uint8_t ecmOper;
    uint8_t RWRjammingStatus[BMS_RWR_OBJECTS]; /* 0 no, 1 yes, 2 should */
    /* 20 */
    int32_t radio2_preset, radio2_frequency;
    int8_t iffTransponderActiveCode1; /* negative: off */
    int16_t iffTransponderActiveCode2, iffTransponderActiveCode3A, iffTransponderActiveCodeC,
        iffTransponderActiveCode4;
    /* 21 */
    int32_t tacan_ils_frequency; /* 110.30 MHz is 11030 */
    /* 22 */
    int32_t desired_RTT_FPS;
    float sideSlipdeg;
};

/* Offsets readers publish for FlightData (lightBits at 108, lightBits2 at 124), and where VersionNum falls. */
_Static_assert(offsetof(struct bms_flight_data, lightBits) == 108, "lightBits at 108");
_Static_assert(offsetof(struct bms_flight_data, lightBits2) == 124, "lightBits2 at 124");
_Static_assert(sizeof(enum bms_cmds_mode) == 4, "CmdsModes is an int");

#endif
