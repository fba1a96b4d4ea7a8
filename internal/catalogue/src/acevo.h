/* Assetto Corsa EVO: the named mappings Local\acevo_pmf_physics, Local\acevo_pmf_graphics and
 * Local\acevo_pmf_static (the game's own layout since early access 0.6; ACC's names with "evo").
 *
 * Written for shmbridge from the published facts of Kunos' SharedFileOut documentation for AC EVO (names,
 * types, order), in our own words. Sources: Kunos' guide "Assetto Corsa EVO - Shared Memory documentation"
 * (Steam community guide 3707421508) and ACE_SharedFileOut_Documentation_v1.pdf, as carried by
 * github.com/albertowd/live-telemetry-evo (resources/docs/ace/, docs/SHARED_MEMORY.md: physics 800 bytes, its
 * offsets); the official header as transcribed, with size assertions, by github.com/dSyncro/acevo-shared-memory
 * (src/bindings/source/wrapper.hpp, "new fields in v0.6.3": SMEvoTyreState 256, SMEvoDamageState 128,
 * SMEvoPitInfo 64, SMEvoElectronics 128, SMEvoInstrumentation 128, SMEvoSessionState 256, SMEvoTimingState 256,
 * SMEvoAssistsState 64 bytes).
 *
 * #pragma pack(4); strings are char (ASCII); bool is one byte. The physics page is ACC's (800 bytes, the same
 * members at the same offsets, with brakeTorque and roadVibrations where ACC has brakePressure and gVibrations).
 * No lock: packetId names a frame (physics every physics step, graphics every rendered frame); the static page
 * is written when a session loads. The early-access format may change: sm_version (static) names it.
 *
 * The enumerators are named as a reader sees them (live, race, ...) through ACEVO_NAME: a C program that also
 * includes the other Kunos headers defines ACEVO_NAME(n) to give them a prefix first. */
#ifndef SHMBRIDGE_ACEVO_H
#define SHMBRIDGE_ACEVO_H
#include <stdbool.h>
#include <stdint.h>

#ifndef ACEVO_NAME
#define ACEVO_NAME(n) n
#endif

enum acevo_status { ACEVO_NAME(off) = 0, ACEVO_NAME(replay) = 1, ACEVO_NAME(live) = 2, ACEVO_NAME(pause) = 3 };

enum acevo_session_type {
    ACEVO_NAME(unknown) = -1,
    ACEVO_NAME(time_attack) = 0,
    ACEVO_NAME(race) = 1,
    ACEVO_NAME(hot_stint) = 2,
    ACEVO_NAME(cruise) = 3
};

enum acevo_flag_type {
    ACEVO_NAME(no_flag) = 0,
    ACEVO_NAME(white) = 1,              /* a slow car ahead */
    ACEVO_NAME(green) = 2,
    ACEVO_NAME(red) = 3,
    ACEVO_NAME(blue) = 4,
    ACEVO_NAME(yellow) = 5,
    ACEVO_NAME(black) = 6,
    ACEVO_NAME(black_white) = 7,
    ACEVO_NAME(checkered) = 8,
    ACEVO_NAME(orange_circle) = 9,      /* a mechanical problem: pit */
    ACEVO_NAME(red_yellow_stripes) = 10 /* slippery surface */
};

enum acevo_car_location {
    ACEVO_NAME(unassigned) = 0,
    ACEVO_NAME(pitlane) = 1,
    ACEVO_NAME(pitentry) = 2,
    ACEVO_NAME(pitexit) = 3,
    ACEVO_NAME(track) = 4
};

enum acevo_engine_type { ACEVO_NAME(internal_combustion) = 0, ACEVO_NAME(electric_motor) = 1 };

/* the documentation's GREEN, FAST, OPTIMUM: named grip_ here, apart from the green flag */
enum acevo_starting_grip { ACEVO_NAME(grip_green) = 0, ACEVO_NAME(grip_fast) = 1, ACEVO_NAME(grip_optimum) = 2 };

#pragma pack(push, 4)

/* x, y, z: a member the documentation declares float[N][3] is an array of these (the same bytes). */
typedef struct { float x, y, z; } acevo_vec3;

/* Local\acevo_pmf_physics: the player's car, every physics step. Wheels are front left, front right, rear
 * left, rear right. */
typedef struct {
    int packetId;
    float gas;
    float brake;
    float fuel;
    int gear;                     /* 0 reverse, 1 neutral, 2.. forward */
    int rpms;
    float steerAngle;
    float speedKmh;
    float velocity[3];
    float accG[3];
    float wheelSlip[4];
    float wheelLoad[4];           /* newtons */
    float wheelsPressure[4];      /* PSI */
    float wheelAngularSpeed[4];   /* radians per second */
    float tyreWear[4];
    float tyreDirtyLevel[4];
    float tyreCoreTemperature[4];
    float camberRAD[4];
    float suspensionTravel[4];    /* metres */
    float drs;
    float tc;
    float heading;
    float pitch;
    float roll;
    float cgHeight;
    float carDamage[5];           /* front, rear, left, right, centre */
    int numberOfTyresOut;
    int pitLimiterOn;
    float abs;
    float kersCharge;
    float kersInput;
    int autoShifterOn;
    float rideHeight[2];          /* front, rear */
    float turboBoost;
    float ballast;                /* kilograms */
    float airDensity;
    float airTemp;
    float roadTemp;
    float localAngularVel[3];
    float finalFF;
    float performanceMeter;
    int engineBrake;
    int ersRecoveryLevel;
    int ersPowerLevel;
    int ersHeatCharging;
    int ersIsCharging;
    float kersCurrentKJ;
    int drsAvailable;
    int drsEnabled;
    float brakeTemp[4];
    float clutch;
    float tyreTempI[4];
    float tyreTempM[4];
    float tyreTempO[4];
    int isAIControlled;
    acevo_vec3 tyreContactPoint[4];
    acevo_vec3 tyreContactNormal[4];
    acevo_vec3 tyreContactHeading[4];
    float brakeBias;              /* the front's share */
    float localVelocity[3];
    int P2PActivations;
    int P2PStatus;
    int currentMaxRpm;
    float mz[4];
    float fx[4];
    float fy[4];
    float slipRatio[4];
    float slipAngle[4];
    int tcinAction;
    int absInAction;
    float suspensionDamage[4];
    float tyreTemp[4];
    float waterTemp;
    float brakeTorque[4];         /* newton metres */
    int frontBrakeCompound;
    int rearBrakeCompound;
    float padLife[4];
    float discLife[4];
    int ignitionOn;
    int starterEngineOn;
    int isEngineRunning;
    float kerbVibration;
    float slipVibrations;
    float roadVibrations;
    float absVibrations;
} SPageFilePhysicsEvo;

/* One wheel's tyre and brake. */
typedef struct {
    float slip;
    bool lock;
    float tyre_pression;          /* PSI (the documentation's spelling) */
    float tyre_temperature_c;
    float brake_temperature_c;
    float brake_pressure;
    float tyre_temperature_left;
    float tyre_temperature_center;
    float tyre_temperature_right;
    char tyre_compound_front[33];
    char tyre_compound_rear[33];
    float tyre_normalized_pressure; /* 1 is the optimum */
    float tyre_normalized_temperature_left;
    float tyre_normalized_temperature_center;
    float tyre_normalized_temperature_right;
    float brake_normalized_temperature;
    float tyre_normalized_temperature_core;
    char place_holder[128];       /* reserved */
} SMEvoTyreState;

typedef struct {
    float damage_front;
    float damage_rear;
    float damage_left;
    float damage_right;
    float damage_center;
    float damage_suspension_lf;
    float damage_suspension_rf;
    float damage_suspension_lr;
    float damage_suspension_rr;
    char place_holder[92];
} SMEvoDamageState;

/* each: -1 not to be done, 0 done, 1 under way */
typedef struct {
    int8_t damage;
    int8_t fuel;
    int8_t tyres_lf;
    int8_t tyres_rf;
    int8_t tyres_lr;
    int8_t tyres_rr;
    char place_holder[58];
} SMEvoPitInfo;

typedef struct {
    int8_t tc_level;
    int8_t tc_cut_level;
    int8_t abs_level;
    int8_t esc_level;
    int8_t ebb_level;
    float brake_bias;
    int8_t engine_map_level;
    float turbo_level;
    int8_t ers_deployment_map;
    float ers_recharge_map;
    bool is_ers_heat_charging_on;
    bool is_ers_overtake_mode_on;
    bool is_drs_open;
    int8_t diff_power_level;
    int8_t diff_coast_level;
    int8_t front_bump_damper_level;
    int8_t front_rebound_damper_level;
    int8_t rear_bump_damper_level;
    int8_t rear_rebound_damper_level;
    bool is_ignition_on;
    bool is_pitlimiter_on;
    int8_t active_performance_mode;
    char place_holder[88];
} SMEvoElectronics;

typedef struct {
    int8_t main_light_stage;
    int8_t special_light_stage;
    int8_t cockpit_light_stage;
    int8_t wiper_level;
    bool rain_lights;
    bool direction_light_left;
    bool direction_light_right;
    bool flashing_lights;
    bool warning_lights;
    int8_t selected_display_index;
    int8_t display_current_page_index[16];
    bool are_headlights_visible;
    char place_holder[101];
} SMEvoInstrumentation;

typedef struct {
    char phase_name[33];
    char time_left[15];
    int32_t time_left_ms;
    char wait_time[15];
    int32_t total_lap;
    int32_t current_lap;
    int32_t lights_on;
    int32_t lights_mode;
    float lap_length_km;
    int32_t end_session_flag;
    char time_to_next_session[15];
    bool disconnected_from_server;
    bool restart_season_enabled;
    bool ui_enable_drive;
    bool ui_enable_setup;
    bool is_ready_to_next_blinking;
    bool show_waiting_for_players;
    char place_holder[140];
} SMEvoSessionState;

/* the HUD's lap times, as text; the _p members: +1 slower, -1 faster, 0 hidden */
typedef struct {
    char current_laptime[15];
    char delta_current[15];
    int32_t delta_current_p;
    char last_laptime[15];
    char delta_last[15];
    int32_t delta_last_p;
    char best_laptime[15];
    char ideal_laptime[15];
    char total_time[15];
    bool is_invalid;
    char place_holder[137];
} SMEvoTimingState;

typedef struct {
    uint8_t auto_gear;
    uint8_t auto_blip;
    uint8_t auto_clutch;
    uint8_t auto_clutch_on_start;
    uint8_t manual_ignition_e_start;
    uint8_t auto_pit_limiter;
    uint8_t standing_start_assist;
    float auto_steer;
    float arcade_stability_control;
    char place_holder[48];
} SMEvoAssistsState;

/* Local\acevo_pmf_graphics: the HUD's view, every rendered frame. */
typedef struct {
    int packetId;
    enum acevo_status status;
    uint64_t focused_car_id_a;    /* the car the camera shows: a 128-bit id in two halves */
    uint64_t focused_car_id_b;
    uint64_t player_car_id_a;
    uint64_t player_car_id_b;
    unsigned short rpm;
    bool is_rpm_limiter_on;
    bool is_change_up_rpm;
    bool is_change_down_rpm;
    bool tc_active;
    bool abs_active;
    bool esc_active;
    bool launch_active;
    bool is_ignition_on;
    bool is_engine_running;
    bool kers_is_charging;
    bool is_wrong_way;
    bool is_drs_available;
    bool battery_is_charging;
    bool is_max_kj_per_lap_reached;
    bool is_max_charge_kj_per_lap_reached;
    short display_speed_kmh;
    short display_speed_mph;
    short display_speed_ms;
    float pitspeeding_delta;
    short gear_int;
    float rpm_percent;
    float gas_percent;
    float brake_percent;
    float handbrake_percent;
    float clutch_percent;
    float steering_percent;
    float ffb_strength;
    float car_ffb_mupliplier;     /* the documentation's spelling */
    float water_temperature_percent;
    float water_pressure_bar;
    float fuel_pressure_bar;
    int8_t water_temperature_c;
    int8_t air_temperature_c;
    float oil_temperature_c;
    float oil_pressure_bar;
    float exhaust_temperature_c;
    float g_forces_x;
    float g_forces_y;
    float g_forces_z;
    float turbo_boost;
    float turbo_boost_level;
    float turbo_boost_perc;
    int32_t steer_degrees;
    float current_km;
    uint32_t total_km;
    uint32_t total_driving_time_s;
    int32_t time_of_day_hours;
    int32_t time_of_day_minutes;
    int32_t time_of_day_seconds;
    int32_t delta_time_ms;
    int32_t current_lap_time_ms;
    int32_t predicted_lap_time_ms;
    float fuel_liter_current_quantity;
    float fuel_liter_current_quantity_percent;
    float fuel_liter_per_km;
    float km_per_fuel_liter;
    float current_torque;
    int32_t current_bhp;
    SMEvoTyreState tyre_lf;
    SMEvoTyreState tyre_rf;
    SMEvoTyreState tyre_lr;
    SMEvoTyreState tyre_rr;
    float npos;                   /* 0 .. 1 around the lap */
    float kers_charge_perc;
    float kers_current_perc;
    float control_lock_time;
    SMEvoDamageState car_damage;
    enum acevo_car_location car_location;
    SMEvoPitInfo pit_info;
    float fuel_liter_used;
    float fuel_liter_per_lap;
    float laps_possible_with_fuel;
    float battery_temperature;
    float battery_voltage;
    float instantaneous_fuel_liter_per_km;
    float instantaneous_km_per_fuel_liter;
    float gear_rpm_window;
    SMEvoInstrumentation instrumentation;
    SMEvoInstrumentation instrumentation_min_limit;
    SMEvoInstrumentation instrumentation_max_limit;
    SMEvoElectronics electronics;
    SMEvoElectronics electronics_min_limit;
    SMEvoElectronics electronics_max_limit;
    SMEvoElectronics electronics_is_modifiable;
    int32_t total_lap_count;
    uint32_t current_pos;
    uint32_t total_drivers;
    int32_t last_laptime_ms;
    int32_t best_laptime_ms;
    enum acevo_flag_type flag;        /* shown to this driver */
    enum acevo_flag_type global_flag; /* shown to everyone */
    uint32_t max_gears;
    enum acevo_engine_type engine_type;
    bool has_kers;
    bool is_last_lap;
    char performance_mode_name[33];
    float diff_coast_raw_value;
    float diff_power_raw_value;
    int32_t race_cut_gained_time_ms;
    int32_t distance_to_deadline;
    float race_cut_current_delta;
    SMEvoSessionState session_state;
    SMEvoTimingState timing_state;
    int32_t player_ping;
    int32_t player_latency;
    int32_t player_cpu_usage;
    int32_t player_cpu_usage_avg;
    int32_t player_qos;
    int32_t player_qos_avg;
    int32_t player_fps;
    int32_t player_fps_avg;
    char driver_name[33];
    char driver_surname[33];
    char car_model[33];
    bool is_in_pit_box;
    bool is_in_pit_lane;
    bool is_valid_lap;
    acevo_vec3 car_coordinates[60];
    float gap_ahead;
    float gap_behind;
    uint8_t active_cars;
    float fuel_per_lap;
    float fuel_estimated_laps;
    SMEvoAssistsState assists_state;
    float max_fuel;
    float max_turbo_boost;
    bool use_single_compound;
    uint64_t car_ids[60][2];      /* the 128-bit id of each car_coordinates entry */
} SPageFileGraphicEvo;

/* Local\acevo_pmf_static: the session, written when it loads. */
typedef struct {
    char sm_version[15];          /* the shared memory format */
    char ac_evo_version[15];      /* the game's build */
    enum acevo_session_type session;
    char session_name[33];
    uint8_t event_id;
    uint8_t session_id;
    enum acevo_starting_grip starting_grip;
    float starting_ambient_temperature_c;
    float starting_ground_temperature_c;
    bool is_static_weather;
    bool is_timed_race;
    bool is_online;
    int number_of_sessions;
    char nation[33];
    float longitude;
    float latitude;
    char track[33];
    char track_configuration[33];
    float track_length_m;
} SPageFileStaticEvo;

#pragma pack(pop)
#endif
