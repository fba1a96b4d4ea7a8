/* Euro Truck Simulator 2 / American Truck Simulator: the mapping Local\SCSTelemetry (32 KiB) that the
 * scs-sdk-plugin (revision 10) fills from the games' telemetry SDK.
 *
 * Facts from github.com/RenCloud/scs-sdk-plugin, scs-telemetry/inc/scs-telemetry-common.hpp (struct
 * scsTelemetryMap_s and scsTrailer_s, PLUGIN_REVID 10, SCS_PLUGIN_MMF_NAME and _SIZE) and
 * scs-telemetry/src/scs_telemetry.cpp (what is written when): member names, order and types are the plugin's,
 * spelt with fixed-width types (unsigned long long is 8 bytes, bool 1, on every ABI here). No packing: the
 * plugin places its members in zones that start at round offsets (0, 40, 500, 700, ...) and pads each zone
 * with a buffer; the assertions at the end hold those offsets.
 *
 * Protocol: none. The plugin writes time, simulatedTime and renderTime when a game frame starts, then each
 * telemetry channel as the game reports it, in place: time names the frame. */
#ifndef SHMBRIDGE_SCS_TELEMETRY_H
#define SHMBRIDGE_SCS_TELEMETRY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCS_TELEMETRY_MAPPING (32 * 1024) /* the mapping's size, larger than the struct */
#define SCS_STRING 64     /* the plugin's stringsize */
#define SCS_WHEELS 16     /* wheel slots (the SDK uses up to 14) */
#define SCS_SUBSTANCES 25 /* substance names kept */
#define SCS_TRAILERS 10

/* One trailer: 1552 bytes, in six zones. */
struct scs_trailer {
    struct { /* constant (configuration) booleans */
        bool wheelSteerable[SCS_WHEELS];
        bool wheelSimulated[SCS_WHEELS];
        bool wheelPowered[SCS_WHEELS];
        bool wheelLiftable[SCS_WHEELS];
    } con_b;
    struct { /* per-frame booleans */
        bool wheelOnGround[SCS_WHEELS];
        bool attached;
    } com_b;
    char buffer_b[3];
    struct {
        uint32_t wheelSubstance[SCS_WHEELS];
    } com_ui;
    struct {
        uint32_t wheelCount;
    } con_ui;
    struct {
        float cargoDamage;
        float wearChassis;
        float wearWheels;
        float wheelSuspDeflection[SCS_WHEELS];
        float wheelVelocity[SCS_WHEELS];
        float wheelSteering[SCS_WHEELS];
        float wheelRotation[SCS_WHEELS];
        float wheelLift[SCS_WHEELS];
        float wheelLiftOffset[SCS_WHEELS];
    } com_f;
    struct {
        float wheelRadius[SCS_WHEELS];
    } con_f;
    struct { /* velocities and accelerations, x y z each */
        float linearVelocityX, linearVelocityY, linearVelocityZ;
        float angularVelocityX, angularVelocityY, angularVelocityZ;
        float linearAccelerationX, linearAccelerationY, linearAccelerationZ;
        float angularAccelerationX, angularAccelerationY, angularAccelerationZ;
    } com_fv;
    struct {
        float hookPositionX, hookPositionY, hookPositionZ;
        float wheelPositionX[SCS_WHEELS];
        float wheelPositionY[SCS_WHEELS];
        float wheelPositionZ[SCS_WHEELS];
    } con_fv;
    struct { /* world placement */
        double worldX, worldY, worldZ;
        double rotationX, rotationY, rotationZ;
    } com_dp;
    struct {
        char id[SCS_STRING];
        char cargoAcessoryId[SCS_STRING];
        char bodyType[SCS_STRING];
        char brandId[SCS_STRING];
        char brand[SCS_STRING];
        char name[SCS_STRING];
        char chainType[SCS_STRING];
        char licensePlate[SCS_STRING];
        char licensePlateCountry[SCS_STRING];
        char licensePlateCountryId[SCS_STRING];
    } con_s;
};

struct scs_telemetry {
    /* zone 1, at 0: the plugin's state */
    bool sdkActive; /* the plugin is loaded and writing */
    char placeHolder[3];
    bool paused; /* the game (and its telemetry) is paused */
    char placeHolder2[3];
    uint64_t time;          /* the frame's timestamp (microseconds of the plugin's clock, not game time) */
    uint64_t simulatedTime; /* microseconds of simulation */
    uint64_t renderTime;    /* microseconds of rendering */
    char buffer[8];

    /* zone 2, at 40: unsigned integers */
    struct {
        uint32_t telemetry_plugin_revision; /* 10: the layout of this map */
        uint32_t version_major;             /* the game's SDK version */
        uint32_t version_minor;
        uint32_t game; /* 0 unknown, 1 ETS2, 2 ATS */
        uint32_t telemetry_version_game_major;
        uint32_t telemetry_version_game_minor;
    } scs_values;
    struct {
        uint32_t time_abs; /* in-game time, minutes */
    } common_ui;
    struct {
        uint32_t gears;
        uint32_t gears_reverse;
        uint32_t retarderStepCount;
        uint32_t truckWheelCount;
        uint32_t selectorCount;
        uint32_t time_abs_delivery;
        uint32_t maxTrailerCount;
        uint32_t unitCount;
        uint32_t plannedDistanceKm;
    } config_ui;
    struct {
        uint32_t shifterSlot;
        uint32_t retarderBrake;
        uint32_t lightsAuxFront;
        uint32_t lightsAuxRoof;
        uint32_t truck_wheelSubstance[SCS_WHEELS];
        uint32_t hshifterPosition[32];
        uint32_t hshifterBitmask[32];
    } truck_ui;
    struct {
        uint32_t jobDeliveredDeliveryTime;
        uint32_t jobStartingTime;
        uint32_t jobFinishedTime;
    } gameplay_ui;
    char buffer_ui[48];

    /* zone 3, at 500: signed integers */
    struct {
        int32_t restStop;
    } common_i;
    struct {
        int32_t gear;
        int32_t gearDashboard;
        int32_t hshifterResulting[32];
    } truck_i;
    struct {
        int32_t jobDeliveredEarnedXp;
    } gameplay_i;
    char buffer_i[56];

    /* zone 4, at 700: floats */
    struct {
        float scale;
    } common_f;
    struct {
        float fuelCapacity;
        float fuelWarningFactor;
        float adblueCapacity;
        float adblueWarningFactor;
        float airPressureWarning;
        float airPressurEmergency;
        float oilPressureWarning;
        float waterTemperatureWarning;
        float batteryVoltageWarning;
        float engineRpmMax;
        float gearDifferential;
        float cargoMass;
        float truckWheelRadius[SCS_WHEELS];
        float gearRatiosForward[24];
        float gearRatiosReverse[8];
        float unitMass;
    } config_f;
    struct {
        float speed; /* m/s */
        float engineRpm;
        float userSteer;
        float userThrottle;
        float userBrake;
        float userClutch;
        float gameSteer;
        float gameThrottle;
        float gameBrake;
        float gameClutch;
        float cruiseControlSpeed;
        float airPressure;
        float brakeTemperature;
        float fuel;
        float fuelAvgConsumption;
        float fuelRange;
        float adblue;
        float oilPressure;
        float oilTemperature;
        float waterTemperature;
        float batteryVoltage;
        float lightsDashboard;
        float wearEngine;
        float wearTransmission;
        float wearCabin;
        float wearChassis;
        float wearWheels;
        float truckOdometer;
        float routeDistance;
        float routeTime;
        float speedLimit;
        float truck_wheelSuspDeflection[SCS_WHEELS];
        float truck_wheelVelocity[SCS_WHEELS];
        float truck_wheelSteering[SCS_WHEELS];
        float truck_wheelRotation[SCS_WHEELS];
        float truck_wheelLift[SCS_WHEELS];
        float truck_wheelLiftOffset[SCS_WHEELS];
    } truck_f;
    struct {
        float jobDeliveredCargoDamage;
        float jobDeliveredDistanceKm;
        float refuelAmount;
    } gameplay_f;
    struct {
        float cargoDamage;
    } job_f;
    char buffer_f[28];

    /* zone 5, at 1500: booleans */
    struct {
        bool truckWheelSteerable[SCS_WHEELS];
        bool truckWheelSimulated[SCS_WHEELS];
        bool truckWheelPowered[SCS_WHEELS];
        bool truckWheelLiftable[SCS_WHEELS];
        bool isCargoLoaded;
        bool specialJob;
    } config_b;
    struct {
        bool parkBrake;
        bool motorBrake;
        bool airPressureWarning;
        bool airPressureEmergency;
        bool fuelWarning;
        bool adblueWarning;
        bool oilPressureWarning;
        bool waterTemperatureWarning;
        bool batteryVoltageWarning;
        bool electricEnabled;
        bool engineEnabled;
        bool wipers;
        bool blinkerLeftActive;
        bool blinkerRightActive;
        bool blinkerLeftOn;
        bool blinkerRightOn;
        bool lightsParking;
        bool lightsBeamLow;
        bool lightsBeamHigh;
        bool lightsBeacon;
        bool lightsBrake;
        bool lightsReverse;
        bool cruiseControl; /* the plugin's own, from cruiseControlSpeed */
        bool truck_wheelOnGround[SCS_WHEELS];
        bool shifterToggle[2];
    } truck_b;
    struct {
        bool jobDeliveredAutoparkUsed;
        bool jobDeliveredAutoloadUsed;
    } gameplay_b;
    char buffer_b[31];

    /* zone 6, at 1640: vectors (x y z as separate floats) */
    struct {
        float cabinPositionX, cabinPositionY, cabinPositionZ;
        float headPositionX, headPositionY, headPositionZ;
        float truckHookPositionX, truckHookPositionY, truckHookPositionZ;
        float truckWheelPositionX[SCS_WHEELS];
        float truckWheelPositionY[SCS_WHEELS];
        float truckWheelPositionZ[SCS_WHEELS];
    } config_fv;
    struct {
        float lv_accelerationX, lv_accelerationY, lv_accelerationZ; /* local linear velocity */
        float av_accelerationX, av_accelerationY, av_accelerationZ; /* local angular velocity */
        float accelerationX, accelerationY, accelerationZ;          /* local linear acceleration */
        float aa_accelerationX, aa_accelerationY, aa_accelerationZ; /* local angular acceleration */
        float cabinAVX, cabinAVY, cabinAVZ;
        float cabinAAX, cabinAAY, cabinAAZ;
    } truck_fv;
    char buffer_fv[60];

    /* zone 7, at 2000: float placements (position and rotation) */
    struct {
        float cabinOffsetX, cabinOffsetY, cabinOffsetZ;
        float cabinOffsetrotationX, cabinOffsetrotationY, cabinOffsetrotationZ;
        float headOffsetX, headOffsetY, headOffsetZ;
        float headOffsetrotationX, headOffsetrotationY, headOffsetrotationZ;
    } truck_fp;
    char buffer_fp[152];

    /* zone 8, at 2200: the truck's world placement */
    struct {
        double coordinateX, coordinateY, coordinateZ;
        double rotationX, rotationY, rotationZ;
    } truck_dp;
    char buffer_dp[52];

    /* zone 9, at 2300: strings */
    struct {
        char truckBrandId[SCS_STRING];
        char truckBrand[SCS_STRING];
        char truckId[SCS_STRING];
        char truckName[SCS_STRING];
        char cargoId[SCS_STRING];
        char cargo[SCS_STRING];
        char cityDstId[SCS_STRING];
        char cityDst[SCS_STRING];
        char compDstId[SCS_STRING];
        char compDst[SCS_STRING];
        char citySrcId[SCS_STRING];
        char citySrc[SCS_STRING];
        char compSrcId[SCS_STRING];
        char compSrc[SCS_STRING];
        char shifterType[16];
        char truckLicensePlate[SCS_STRING];
        char truckLicensePlateCountryId[SCS_STRING];
        char truckLicensePlateCountry[SCS_STRING];
        char jobMarket[32];
    } config_s;
    struct {
        char fineOffence[32];
        char ferrySourceName[SCS_STRING];
        char ferryTargetName[SCS_STRING];
        char ferrySourceId[SCS_STRING];
        char ferryTargetId[SCS_STRING];
        char trainSourceName[SCS_STRING];
        char trainTargetName[SCS_STRING];
        char trainSourceId[SCS_STRING];
        char trainTargetId[SCS_STRING];
    } gameplay_s;
    char buffer_s[20];

    /* zone 10, at 4000: unsigned 64-bit */
    struct {
        uint64_t jobIncome;
    } config_ull;
    char buffer_ull[192];

    /* zone 11, at 4200: signed 64-bit */
    struct {
        int64_t jobCancelledPenalty;
        int64_t jobDeliveredRevenue;
        int64_t fineAmount;
        int64_t tollgatePayAmount;
        int64_t ferryPayAmount;
        int64_t trainPayAmount;
    } gameplay_ll;
    char buffer_ll[52];

    /* zone 12, at 4300: events (set while they last) */
    struct {
        bool onJob;
        bool jobFinished;
        bool jobCancelled;
        bool jobDelivered;
        bool fined;
        bool tollgate;
        bool ferry;
        bool train;
        bool refuel;
        bool refuelPayed;
    } special_b;
    char buffer_special[90];

    /* zone 13, at 4400: substance names */
    struct {
        char substance[SCS_SUBSTANCES][SCS_STRING];
    } substances;

    /* zone 14, at 6000: the trailers */
    struct {
        struct scs_trailer trailer[SCS_TRAILERS];
    } trailer;

    /* not the plugin's: the rest of its 32 KiB mapping, which it leaves zero (the layout skips it) */
    char unused[SCS_TELEMETRY_MAPPING - 21520];
};

/* The plugin's zone offsets and sizes (its header's comments). */
_Static_assert(sizeof(struct scs_trailer) == 1552, "a trailer is 1552 bytes");
_Static_assert(offsetof(struct scs_trailer, com_ui) == 84, "trailer zone 2 at 84");
_Static_assert(offsetof(struct scs_trailer, com_f) == 152, "trailer zone 3 at 152");
_Static_assert(offsetof(struct scs_trailer, com_fv) == 612, "trailer zone 4 at 612");
_Static_assert(offsetof(struct scs_trailer, com_dp) == 864, "trailer zone 5 at 864");
_Static_assert(offsetof(struct scs_trailer, con_s) == 912, "trailer zone 6 at 912");
_Static_assert(offsetof(struct scs_telemetry, time) == 8, "time at 8");
_Static_assert(offsetof(struct scs_telemetry, scs_values) == 40, "zone 2 at 40");
_Static_assert(offsetof(struct scs_telemetry, common_i) == 500, "zone 3 at 500");
_Static_assert(offsetof(struct scs_telemetry, common_f) == 700, "zone 4 at 700");
_Static_assert(offsetof(struct scs_telemetry, config_b) == 1500, "zone 5 at 1500");
_Static_assert(offsetof(struct scs_telemetry, config_fv) == 1640, "zone 6 at 1640");
_Static_assert(offsetof(struct scs_telemetry, truck_fp) == 2000, "zone 7 at 2000");
_Static_assert(offsetof(struct scs_telemetry, truck_dp) == 2200, "zone 8 at 2200");
_Static_assert(offsetof(struct scs_telemetry, config_s) == 2300, "zone 9 at 2300");
_Static_assert(offsetof(struct scs_telemetry, config_ull) == 4000, "zone 10 at 4000");
_Static_assert(offsetof(struct scs_telemetry, gameplay_ll) == 4200, "zone 11 at 4200");
_Static_assert(offsetof(struct scs_telemetry, special_b) == 4300, "zone 12 at 4300");
_Static_assert(offsetof(struct scs_telemetry, substances) == 4400, "zone 13 at 4400");
_Static_assert(offsetof(struct scs_telemetry, trailer) == 6000, "zone 14 at 6000");
_Static_assert(offsetof(struct scs_telemetry, unused) == 21520, "the plugin's map is 21520 bytes");
_Static_assert(sizeof(struct scs_telemetry) == SCS_TELEMETRY_MAPPING, "the mapping is 32 KiB");

#endif
