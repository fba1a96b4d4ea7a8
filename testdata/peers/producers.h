/* The shared-memory structs of the producers in shmbridge's layout catalogue, written from their published
 * definitions (ACC's SharedFileOut.h, rFactor 2's rF2State.h, HWiNFO's hwisenssm2.h, iRacing's
 * irsdk_defines.h): field names, types and order are theirs; the types are spelt with fixed widths so that
 * gcc on Linux lays them out as MSVC does on Windows (long and wchar_t are 4 bytes there, not here).
 * producers.c fills them; internal/catalogue's .ksy files decode them. ACC's structs stay here for the C
 * converter's tests (internal/cdecl reads this file); the catalogue's ACC producer (producers_kunos.c) fills
 * the catalogue's own header, internal/catalogue/src/acc.h. */
#ifndef SHMBRIDGE_PRODUCERS_H
#define SHMBRIDGE_PRODUCERS_H
#include <stdint.h>

typedef uint16_t wchar16; /* Windows' wchar_t: UTF-16 */

/* ---- Assetto Corsa Competizione: Local\acpmf_physics, Local\acpmf_graphics, Local\acpmf_static ---- */
#pragma pack(push, 4)
typedef struct {
    int32_t packetId;
    float gas, brake, fuel;
    int32_t gear, rpms;
    float steerAngle, speedKmh;
    float velocity[3], accG[3];
    float wheelSlip[4], wheelLoad[4], wheelsPressure[4], wheelAngularSpeed[4], tyreWear[4], tyreDirtyLevel[4];
    float tyreCoreTemperature[4], camberRAD[4], suspensionTravel[4];
    float drs, tc, heading, pitch, roll, cgHeight;
    float carDamage[5];
    int32_t numberOfTyresOut, pitLimiterOn;
    float abs, kersCharge, kersInput;
    int32_t autoShifterOn;
    float rideHeight[2];
    float turboBoost, ballast, airDensity, airTemp, roadTemp;
    float localAngularVel[3];
    float finalFF, performanceMeter;
    int32_t engineBrake, ersRecoveryLevel, ersPowerLevel, ersHeatCharging, ersIsCharging;
    float kersCurrentKJ;
    int32_t drsAvailable, drsEnabled;
    float brakeTemp[4];
    float clutch;
    float tyreTempI[4], tyreTempM[4], tyreTempO[4];
    int32_t isAIControlled;
    float tyreContactPoint[4][3], tyreContactNormal[4][3], tyreContactHeading[4][3];
    float brakeBias;
    float localVelocity[3];
    int32_t P2PActivations, P2PStatus, currentMaxRpm;
    float mz[4], fx[4], fy[4], slipRatio[4], slipAngle[4];
    int32_t tcinAction, absInAction;
    float suspensionDamage[4], tyreTemp[4];
    float waterTemp;
    float brakePressure[4];
    int32_t frontBrakeCompound, rearBrakeCompound;
    float padLife[4], discLife[4];
    int32_t ignitionOn, starterEngineOn, isEngineRunning;
    float kerbVibration, slipVibrations, gVibrations, absVibrations;
} acc_physics;

typedef struct {
    int32_t packetId, status, session;
    wchar16 currentTime[15], lastTime[15], bestTime[15], split[15];
    int32_t completedLaps, position, iCurrentTime, iLastTime, iBestTime;
    float sessionTimeLeft, distanceTraveled;
    int32_t isInPit, currentSectorIndex, lastSectorTime, numberOfLaps;
    wchar16 tyreCompound[33];
    float replayTimeMultiplier, normalizedCarPosition;
    int32_t activeCars;
    float carCoordinates[60][3];
    int32_t carID[60];
    int32_t playerCarID;
    float penaltyTime;
    int32_t flag, penalty, idealLineOn, isInPitLane;
    float surfaceGrip;
    int32_t mandatoryPitDone;
    float windSpeed, windDirection;
    int32_t isSetupMenuVisible, mainDisplayIndex, secondaryDisplayIndex, TC, TCCut, EngineMap, ABS;
    float fuelXLap;
    int32_t rainLights, flashingLights, lightsStage;
    float exhaustTemperature;
    int32_t wiperLV, driverStintTotalTimeLeft, driverStintTimeLeft, rainTyres, sessionIndex;
    float usedFuel;
    wchar16 deltaLapTime[15];
    int32_t iDeltaLapTime;
    wchar16 estimatedLapTime[15];
    int32_t iEstimatedLapTime, isDeltaPositive, iSplit, isValidLap;
    float fuelEstimatedLaps;
    wchar16 trackStatus[33];
    int32_t missingMandatoryPits;
    float Clock;
    int32_t directionLightsLeft, directionLightsRight;
    int32_t GlobalYellow, GlobalYellow1, GlobalYellow2, GlobalYellow3, GlobalWhite, GlobalGreen, GlobalChequered, GlobalRed;
    int32_t mfdTyreSet;
    float mfdFuelToAdd, mfdTyrePressureLF, mfdTyrePressureRF, mfdTyrePressureLR, mfdTyrePressureRR;
    int32_t trackGripStatus, rainIntensity, rainIntensityIn10min, rainIntensityIn30min;
    int32_t currentTyreSet, strategyTyreSet, gapAhead, gapBehind;
} acc_graphics;

typedef struct {
    wchar16 smVersion[15], acVersion[15];
    int32_t numberOfSessions, numCars;
    wchar16 carModel[33], track[33], playerName[33], playerSurname[33], playerNick[33];
    int32_t sectorCount;
    float maxTorque, maxPower;
    int32_t maxRpm;
    float maxFuel;
    float suspensionMaxTravel[4], tyreRadius[4];
    float maxTurboBoost, deprecated_1, deprecated_2;
    int32_t penaltiesEnabled;
    float aidFuelRate, aidTireRate, aidMechanicalDamage;
    int32_t aidAllowTyreBlankets;
    float aidStability;
    int32_t aidAutoClutch, aidAutoBlip, hasDRS, hasERS, hasKERS;
    float kersMaxJ;
    int32_t engineBrakeSettingsCount, ersPowerControllerCount;
    float trackSPlineLength;
    wchar16 trackConfiguration[33];
    float ersMaxJ;
    int32_t isTimedRace, hasExtraLap;
    wchar16 carSkin[33];
    int32_t reversedGridPositions, PitWindowStart, PitWindowEnd, isOnline;
    wchar16 dryTyresName[33], wetTyresName[33];
} acc_static;
#pragma pack(pop)

/* ---- rFactor 2, rF2SharedMemoryMapPlugin: $rFactor2SMMP_Telemetry$ ---- */
#pragma pack(push, 4)
typedef struct { double x, y, z; } rf2_vec3;

typedef struct {
    double mSuspensionDeflection, mRideHeight, mSuspForce, mBrakeTemp, mBrakePressure;
    double mRotation, mLateralPatchVel, mLongitudinalPatchVel, mLateralGroundVel, mLongitudinalGroundVel;
    double mCamber, mLateralForce, mLongitudinalForce, mTireLoad;
    double mGripFract, mPressure, mTemperature[3], mWear;
    char mTerrainName[16];
    uint8_t mSurfaceType, mFlat, mDetached, mStaticUndeflectedRadius;
    double mVerticalTireDeflection, mWheelYLocation, mToe;
    double mTireCarcassTemperature, mTireInnerLayerTemperature[3];
    uint8_t mExpansion[24];
} rf2_wheel;

typedef struct {
    int32_t mID;
    double mDeltaTime, mElapsedTime;
    int32_t mLapNumber;
    double mLapStartET;
    char mVehicleName[64], mTrackName[64];
    rf2_vec3 mPos, mLocalVel, mLocalAccel;
    rf2_vec3 mOri[3];
    rf2_vec3 mLocalRot, mLocalRotAccel;
    int32_t mGear;
    double mEngineRPM, mEngineWaterTemp, mEngineOilTemp, mClutchRPM;
    double mUnfilteredThrottle, mUnfilteredBrake, mUnfilteredSteering, mUnfilteredClutch;
    double mFilteredThrottle, mFilteredBrake, mFilteredSteering, mFilteredClutch;
    double mSteeringShaftTorque, mFront3rdDeflection, mRear3rdDeflection;
    double mFrontWingHeight, mFrontRideHeight, mRearRideHeight, mDrag, mFrontDownforce, mRearDownforce;
    double mFuel, mEngineMaxRPM;
    uint8_t mScheduledStops, mOverheating, mDetached, mHeadlights;
    uint8_t mDentSeverity[8];
    double mLastImpactET, mLastImpactMagnitude;
    rf2_vec3 mLastImpactPos;
    double mEngineTorque;
    int32_t mCurrentSector;
    uint8_t mSpeedLimiter, mMaxGears, mFrontTireCompoundIndex, mRearTireCompoundIndex;
    double mFuelCapacity;
    uint8_t mFrontFlapActivated, mRearFlapActivated, mRearFlapLegalStatus, mIgnitionStarter;
    char mFrontTireCompoundName[18], mRearTireCompoundName[18];
    uint8_t mSpeedLimiterAvailable, mAntiStallActivated, mUnused[2];
    float mVisualSteeringWheelRange;
    double mRearBrakeBias, mTurboBoostPressure;
    float mPhysicsToGraphicsOffset[3];
    float mPhysicalSteeringWheelRange;
    double mBatteryChargeFraction;
    double mElectricBoostMotorTorque, mElectricBoostMotorRPM, mElectricBoostMotorTemperature, mElectricBoostWaterTemperature;
    uint8_t mElectricBoostMotorState;
    uint8_t mExpansion[111];
    rf2_wheel mWheels[4];
} rf2_vehicle_telemetry;

#define RF2_MAX_MAPPED_VEHICLES 128
typedef struct {
    uint32_t mVersionUpdateBegin, mVersionUpdateEnd; /* the version block, first in the mapping */
    int32_t mBytesUpdatedHint;
    int32_t mNumVehicles;
    rf2_vehicle_telemetry mVehicles[RF2_MAX_MAPPED_VEHICLES];
} rf2_telemetry;
#pragma pack(pop)

/* ---- HWiNFO: Global\HWiNFO_SENS_SM2, under the mutex Global\HWiNFO_SM2_MUTEX ---- */
#pragma pack(push, 1)
#define HWINFO_STRING_LEN 128
#define HWINFO_UNIT_LEN 16
typedef struct {
    uint32_t tReading; /* SENSOR_READING_TYPE */
    uint32_t dwSensorIndex, dwReadingID;
    char szLabelOrig[HWINFO_STRING_LEN], szLabelUser[HWINFO_STRING_LEN], szUnit[HWINFO_UNIT_LEN];
    double Value, ValueMin, ValueMax, ValueAvg;
    uint8_t utfLabelUser[HWINFO_STRING_LEN], utfUnit[HWINFO_UNIT_LEN]; /* version 2 */
} hwinfo_reading;

typedef struct {
    uint32_t dwSensorID, dwSensorInst;
    char szSensorNameOrig[HWINFO_STRING_LEN], szSensorNameUser[HWINFO_STRING_LEN];
    uint8_t utfSensorNameUser[HWINFO_STRING_LEN]; /* version 2 */
} hwinfo_sensor;

typedef struct {
    uint32_t dwSignature; /* "HWiS" active, "DEAD" inactive */
    uint32_t dwVersion, dwRevision;
    int64_t poll_time;
    uint32_t dwOffsetOfSensorSection, dwSizeOfSensorElement, dwNumSensorElements;
    uint32_t dwOffsetOfReadingSection, dwSizeOfReadingElement, dwNumReadingElements;
    uint32_t dwPollingPeriod;
} hwinfo_header;
#pragma pack(pop)

/* ---- iRacing: Local\IRSDKMemMapFileName, Local\IRSDKDataValidEvent set per frame ---- */
#define IRSDK_MAX_BUFS 4
#define IRSDK_MAX_STRING 32
#define IRSDK_MAX_DESC 64
typedef struct {
    int32_t type; /* irsdk_VarType: 0 char, 1 bool, 2 int, 3 bitField, 4 float, 5 double */
    int32_t offset, count;
    uint8_t countAsTime;
    char pad[3];
    char name[IRSDK_MAX_STRING], desc[IRSDK_MAX_DESC], unit[IRSDK_MAX_STRING];
} irsdk_var_header;

typedef struct {
    int32_t tickCount, bufOffset, pad[2];
} irsdk_var_buf;

typedef struct {
    int32_t ver, status, tickRate;
    int32_t sessionInfoUpdate, sessionInfoLen, sessionInfoOffset;
    int32_t numVars, varHeaderOffset;
    int32_t numBuf, bufLen;
    int32_t pad1[2];
    irsdk_var_buf varBuf[IRSDK_MAX_BUFS];
} irsdk_header;

#endif
