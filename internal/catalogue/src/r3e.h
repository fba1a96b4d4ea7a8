/* RaceRoom Racing Experience: the named mapping $R3E, one page the game rewrites every frame.
 *
 * Written for shmbridge from the published facts of Sector3 Studios' r3e.h, API version 3.5 (names, types,
 * order, constants), in our own words. Source: github.com/sector3studios/r3e-api, sample-c/src/r3e.h (commit
 * 29a3e95, "Update r3e.h 3.5 with LRT specific changes", March 2026).
 *
 * Packed to 1 byte throughout (#pragma pack(push, 1)), so there is no padding anywhere: the offsets are the
 * sums of the sizes. Strings are UTF-8. Units are SI unless said: metres, seconds, metres per second, radians.
 * -1 (or -1.0) is "not available" nearly everywhere.
 *
 * Versions: version_major must be the header's R3E_VERSION_MAJOR (3) and version_minor at least its
 * R3E_VERSION_MINOR (5): a newer minor only adds to the end. There is no lock: the game overwrites the page in
 * place, and player.game_simulation_ticks (1/400 s) names the physics step a copy saw.
 *
 * Where the header declares an int32 and says "see the r3e_... enum" (game_mode, session_type, session_phase,
 * pit_window_status, control_type), the member has that enum's type here: the same 4 bytes, decoded by name.
 * The header's strings are arrays of r3e_u8char (uint8_t, a UTF-8 code unit): char here, the same bytes, read
 * as UTF-8 text. */
#ifndef SHMBRIDGE_R3E_H
#define SHMBRIDGE_R3E_H
#include <stdint.h>

enum { R3E_VERSION_MAJOR = 3, R3E_VERSION_MINOR = 5 };
enum { R3E_NUM_DRIVERS_MAX = 128 };
enum { R3E_TIRE_INDEX_MAX = 4, R3E_TIRE_TEMP_INDEX_MAX = 3 };

typedef enum {
    R3E_GAMEMODE_UNAVAILABLE = -1,
    R3E_GAMEMODE_TRACKTEST = 0,
    R3E_GAMEMODE_LEADERBOARDCHALLENGE = 1,
    R3E_GAMEMODE_COMPETITION = 2,
    R3E_GAMEMODE_SINGLERACE = 3,
    R3E_GAMEMODE_CHAMPIONSHIP = 4,
    R3E_GAMEMODE_MULTIPLAYER = 5,
    R3E_GAMEMODE_MULTIPLAYERRANKED = 6,
    R3E_GAMEMODE_TRYBEFOREYOUBUY = 7,
} r3e_gamemode;

typedef enum {
    R3E_SESSION_UNAVAILABLE = -1,
    R3E_SESSION_PRACTICE = 0,
    R3E_SESSION_QUALIFY = 1,
    R3E_SESSION_RACE = 2,
    R3E_SESSION_WARMUP = 3,
} r3e_session;

typedef enum {
    R3E_SESSION_PHASE_UNAVAILABLE = -1,
    R3E_SESSION_PHASE_GARAGE = 1,    /* a multiplayer start counted down in the garage */
    R3E_SESSION_PHASE_GRIDWALK = 2,
    R3E_SESSION_PHASE_FORMATION = 3,
    R3E_SESSION_PHASE_COUNTDOWN = 4,
    R3E_SESSION_PHASE_GREEN = 5,     /* racing */
    R3E_SESSION_PHASE_CHECKERED = 6,
} r3e_session_phase;

typedef enum {
    R3E_CONTROL_UNAVAILABLE = -1,
    R3E_CONTROL_PLAYER = 0,
    R3E_CONTROL_AI = 1,
    R3E_CONTROL_REMOTE = 2,
    R3E_CONTROL_REPLAY = 3,
} r3e_control;

typedef enum {
    R3E_PIT_WINDOW_UNAVAILABLE = -1,
    R3E_PIT_WINDOW_DISABLED = 0,
    R3E_PIT_WINDOW_CLOSED = 1,
    R3E_PIT_WINDOW_OPEN = 2,
    R3E_PIT_WINDOW_STOPPED = 3,
    R3E_PIT_WINDOW_COMPLETED = 4,
} r3e_pit_window;

typedef enum {
    R3E_PIT_MENU_UNAVAILABLE = -1,
    R3E_PIT_MENU_PRESET = 0,
    R3E_PIT_MENU_PENALTY = 1,
    R3E_PIT_MENU_DRIVERCHANGE = 2,
    R3E_PIT_MENU_FUEL = 3,
    R3E_PIT_MENU_FRONTTIRES = 4,
    R3E_PIT_MENU_REARTIRES = 5,
    R3E_PIT_MENU_BODY = 6,
    R3E_PIT_MENU_FRONTWING = 7,
    R3E_PIT_MENU_REARWING = 8,
    R3E_PIT_MENU_SUSPENSION = 9,
    R3E_PIT_MENU_BUTTON_TOP = 10,
    R3E_PIT_MENU_BUTTON_BOTTOM = 11,
    R3E_PIT_MENU_MAX = 12,           /* nothing selected; also the number of entries of pit_menu_state */
} r3e_pit_menu_selection;

typedef enum {
    R3E_PITSTOP_STATUS_UNAVAILABLE = -1,        /* no mandatory stop */
    R3E_PITSTOP_STATUS_TWO_TYRES_UNSERVED = 0,
    R3E_PITSTOP_STATUS_FOUR_TYRES_UNSERVED = 1,
    R3E_PITSTOP_STATUS_SERVED = 2,
} r3e_pitstop_status;

typedef enum {
    R3E_FINISH_STATUS_UNAVAILABLE = -1,
    R3E_FINISH_STATUS_NONE = 0,      /* still running */
    R3E_FINISH_STATUS_FINISHED = 1,
    R3E_FINISH_STATUS_DNF = 2,
    R3E_FINISH_STATUS_DNQ = 3,
    R3E_FINISH_STATUS_DNS = 4,
    R3E_FINISH_STATUS_DQ = 5,
} r3e_finish_status;

typedef enum {
    R3E_SESSION_LENGTH_UNAVAILABLE = -1,
    R3E_SESSION_LENGTH_TIME_BASED = 0,
    R3E_SESSION_LENGTH_LAP_BASED = 1,
    R3E_SESSION_LENGTH_TIME_AND_LAP_BASED = 2, /* one more lap once the time is up */
} r3e_session_length_format;

/* Values of the plain integers tire_type*, tire_subtype*, tire_on_mtrl[], engine_type (kept as int32 in the
 * page, as the header declares them). */
enum { R3E_TIRE_TYPE_UNAVAILABLE = -1, R3E_TIRE_TYPE_OPTION = 0, R3E_TIRE_TYPE_PRIME = 1 };
enum { R3E_TIRE_SUBTYPE_UNAVAILABLE = -1, R3E_TIRE_SUBTYPE_PRIMARY = 0, R3E_TIRE_SUBTYPE_ALTERNATE = 1,
       R3E_TIRE_SUBTYPE_SOFT = 2, R3E_TIRE_SUBTYPE_MEDIUM = 3, R3E_TIRE_SUBTYPE_HARD = 4 };
enum { R3E_MTRL_TYPE_UNAVAILABLE = -1, R3E_MTRL_TYPE_NONE = 0, R3E_MTRL_TYPE_TARMAC = 1, R3E_MTRL_TYPE_GRASS = 2,
       R3E_MTRL_TYPE_DIRT = 3, R3E_MTRL_TYPE_GRAVEL = 4, R3E_MTRL_TYPE_RUMBLE = 5, R3E_MTRL_TYPE_CONCRETE = 6 };
enum { R3E_ENGINE_TYPE_COMBUSTION = 0, R3E_ENGINE_TYPE_ELECTRIC = 1, R3E_ENGINE_TYPE_HYBRID = 2 };

#pragma pack(push, 1)

typedef struct { float x, y, z; } r3e_vec3_f32;
typedef struct { double x, y, z; } r3e_vec3_f64;
typedef struct { float pitch, yaw, roll; } r3e_ori_f32;
typedef struct { float sector1, sector2, sector3; } r3e_sector_starts; /* fractions of the lap */

/* The player's car in double precision. */
typedef struct {
    int32_t user_id;
    int32_t game_simulation_ticks; /* physics time, in ticks of 1/400 s */
    double game_simulation_time;   /* physics time, seconds */
    r3e_vec3_f64 position;         /* world space */
    r3e_vec3_f64 velocity;
    r3e_vec3_f64 local_velocity;
    r3e_vec3_f64 acceleration;
    r3e_vec3_f64 local_acceleration;
    r3e_vec3_f64 orientation;      /* Euler angles */
    r3e_vec3_f64 rotation;
    r3e_vec3_f64 angular_acceleration;
    r3e_vec3_f64 angular_velocity;
    r3e_vec3_f64 local_angular_velocity;
    r3e_vec3_f64 local_g_force;
    double steering_force;
    double steering_force_percentage;
    double engine_torque;
    double current_downforce;      /* newtons */
    double voltage;                /* the five below are not written yet */
    double ers_level;
    double power_mgu_h;
    double power_mgu_k;
    double torque_mgu_k;
    double suspension_deflection[R3E_TIRE_INDEX_MAX];
    double suspension_velocity[R3E_TIRE_INDEX_MAX];
    double camber[R3E_TIRE_INDEX_MAX];
    double ride_height[R3E_TIRE_INDEX_MAX];
    double front_wing_height;
    double front_roll_angle;
    double rear_roll_angle;
    double third_spring_suspension_deflection_front;
    double third_spring_suspension_velocity_front;
    double third_spring_suspension_deflection_rear;
    double third_spring_suspension_velocity_rear;
    double unused1;
    double unused2;
    double unused3;
} r3e_playerdata;

/* Flags: -1 no data, 0 off, 1 on unless said. */
typedef struct {
    int32_t yellow;
    int32_t yellowCausedIt;
    int32_t yellowOvertake;
    int32_t yellowPositionsGained; /* positions to give back */
    int32_t sector_yellow[3];
    float closest_yellow_distance_into_track; /* metres; -1 none */
    int32_t blue;
    int32_t black;
    int32_t green;
    int32_t checkered;
    int32_t white;
    int32_t black_and_white; /* 1, 2 blue flag warnings; 3 wrong way; 4 cutting */
} r3e_flags;

/* 0 .. 1 each; -1 not available */
typedef struct {
    float engine;
    float transmission;
    float aerodynamics;
    float suspension;
    float unused1;
    float unused2;
} r3e_car_damage;

/* -1 none pending; else what is left of it (seconds) */
typedef struct {
    float drive_through;
    float stop_and_go;
    float pit_stop;
    float time_deduction;
    float slow_down;
} r3e_cut_track_penalties;

typedef struct {
    int32_t equipped;
    int32_t available;
    int32_t numActivationsLeft;
    int32_t engaged;
} r3e_drs;

typedef struct {
    int32_t available; /* 1 exists, 2 charging, 3 charged; -1 none */
    int32_t engaged;
    int32_t amount_left;
    float engaged_time_left;
    float wait_time_left;
} r3e_push_to_pass;

typedef struct {
    float current_temp[R3E_TIRE_TEMP_INDEX_MAX]; /* left, centre, right of the tread */
    float optimal_temp;
    float cold_temp;
    float hot_temp;
} r3e_tire_temp;

typedef struct {
    float current_temp;
    float optimal_temp;
    float cold_temp;
    float hot_temp;
} r3e_brake_temp;

/* -1 not available, 0 off, 1 on (ESP 1..3 its level), 5 acting now */
typedef struct {
    int32_t abs;
    int32_t tc;
    int32_t esp;
    int32_t countersteer;
    int32_t cornering;
} r3e_aid_settings;

typedef struct {
    char name[64];
    int32_t car_number;
    int32_t class_id;
    int32_t model_id;
    int32_t team_id;
    int32_t livery_id;
    int32_t manufacturer_id;
    int32_t user_id;
    int32_t slot_id;
    int32_t class_performance_index;
    int32_t engine_type;
    float car_width;
    float car_length;
    float rating;
    float reputation;
    float unused1;
    float unused2;
} r3e_driver_info;

/* One car of the field, in place order. */
typedef struct {
    r3e_driver_info driver_info;
    r3e_finish_status finish_status;
    int32_t place;
    int32_t place_class;
    float lap_distance;
    float lap_distance_fraction;
    r3e_vec3_f32 position;
    int32_t track_sector;
    int32_t completed_laps;
    int32_t current_lap_valid;
    float lap_time_current_self;
    float sector_time_current_self[3];
    float sector_time_previous_self[3];
    float sector_time_best_self[3];
    float time_delta_front;
    float time_delta_behind;
    r3e_pitstop_status pitstop_status;
    int32_t in_pitlane;
    int32_t num_pitstops;
    r3e_cut_track_penalties penalties;
    float car_speed;
    int32_t tire_type_front;
    int32_t tire_type_rear;
    int32_t tire_subtype_front;
    int32_t tire_subtype_rear;
    float base_penalty_weight;
    float aid_penalty_weight;
    int32_t drs_state;
    int32_t ptp_state;
    float virtual_energy;   /* tank fraction */
    int32_t penaltyType;    /* 0 drive-through, 1 stop and go, 2 pit stop, 3 time, 4 slow down, 5 disqualify */
    int32_t penaltyReason;  /* by penaltyType: the header lists the reasons of each */
    int32_t engineState;    /* 0 ignition off, 1 on, 2 starter running, 3 running */
    r3e_vec3_f32 orientation;
    float unused1;
    float unused2;
    float unused3;
} r3e_driver_data;

/* The page. */
typedef struct {
    int32_t version_major;      /* R3E_VERSION_MAJOR of the writer */
    int32_t version_minor;      /* R3E_VERSION_MINOR of the writer */
    int32_t all_drivers_offset; /* where num_cars is */
    int32_t driver_data_size;   /* sizeof(r3e_driver_data) of the writer */

    r3e_gamemode game_mode;
    int32_t game_paused;
    int32_t game_in_menus;
    int32_t game_in_replay;
    int32_t game_using_vr;
    int32_t game_player_in_garage;

    r3e_playerdata player;

    char track_name[64];
    char layout_name[64];
    int32_t track_id;
    int32_t layout_id;
    float layout_length;
    r3e_sector_starts sector_start_factors;
    int32_t race_session_laps[3];    /* races 1 to 3; -1 not used */
    int32_t race_session_minutes[3];
    int32_t event_index;
    r3e_session session_type;
    int32_t session_iteration;       /* 1 the first of its type */
    r3e_session_length_format session_length_format;
    float session_pit_speed_limit;   /* metres per second */
    r3e_session_phase session_phase;
    int32_t start_lights;            /* 0 off, 1..5 red lights, 6 green */
    int32_t tire_wear_active;        /* 0 off, N times */
    int32_t fuel_use_active;
    int32_t number_of_laps;
    float session_time_duration;
    float session_time_remaining;
    int32_t max_incident_points;
    float event_unused1;
    float event_unused2;

    r3e_pit_window pit_window_status;
    int32_t pit_window_start;        /* minutes, or laps in a race of laps */
    int32_t pit_window_end;
    int32_t in_pitlane;
    r3e_pit_menu_selection pit_menu_selection;
    int32_t pit_menu_state[R3E_PIT_MENU_MAX];
    int32_t pit_state;               /* 1 requested, 2 heading for the pit spot, 3 stopped, 4 leaving */
    float pit_total_duration;
    float pit_elapsed_time;
    int32_t pit_action;              /* bits: 2 penalty, 4 driver change, 8 fuel, 16/32 tyres, 64 body, ... */
    int32_t num_pitstops;
    float pit_min_duration_total;
    float pit_min_duration_left;

    r3e_flags flags;
    int32_t position;
    int32_t position_class;
    r3e_finish_status finish_status;
    int32_t cut_track_warnings;
    r3e_cut_track_penalties penalties;
    int32_t num_penalties;
    int32_t completed_laps;
    int32_t current_lap_valid;
    int32_t track_sector;
    float lap_distance;
    float lap_distance_fraction;
    float lap_time_best_leader;
    float lap_time_best_leader_class;
    float session_best_lap_sector_times[3];
    float lap_time_best_self;
    float sector_time_best_self[3];
    float lap_time_previous_self;
    float sector_time_previous_self[3];
    float lap_time_current_self;
    float sector_time_current_self[3];
    float lap_time_delta_leader;
    float lap_time_delta_leader_class;
    float time_delta_front;
    float time_delta_behind;
    float time_delta_best_self;      /* -1000 not available */
    float best_individual_sector_time_self[3];
    float best_individual_sector_time_leader[3];
    float best_individual_sector_time_leader_class[3];
    int32_t incident_points;
    int32_t lap_valid_state;         /* 0 this and next valid, 1 this invalid, 2 both invalid */
    int32_t prev_lap_valid;
    float discharge_rate;
    float brake_regen;
    float unused1;

    r3e_driver_info vehicle_info;
    char player_name[64];

    r3e_control control_type;
    float car_speed;
    float engine_rps;                /* radians per second */
    float max_engine_rps;
    float upshift_rps;
    int32_t gear;                    /* -2 n/a, -1 reverse, 0 neutral, 1.. */
    int32_t num_gears;
    r3e_vec3_f32 car_cg_location;
    r3e_ori_f32 car_orientation;
    r3e_vec3_f32 local_acceleration;
    float total_mass;                /* kilograms */
    float fuel_left;                 /* litres */
    float fuel_capacity;
    float fuel_per_lap;
    float virtual_energy_left;       /* megajoules */
    float virtual_energy_capacity;
    float virtual_energy_per_lap;
    float engine_temp;
    float engine_oil_temp;
    float fuel_pressure;             /* kilopascals */
    float engine_oil_pressure;
    float turbo_pressure;            /* bar */
    float throttle;
    float throttle_raw;
    float brake;
    float brake_raw;
    float clutch;
    float clutch_raw;
    float steer_input_raw;
    int32_t steer_lock_degrees;
    int32_t steer_wheel_range_degrees;
    r3e_aid_settings aid_settings;
    r3e_drs drs;
    int32_t pit_limiter;
    r3e_push_to_pass push_to_pass;
    float brake_bias;                /* towards the rear: 0.3 is 30 % */
    int32_t drs_numActivationsTotal;
    int32_t ptp_numActivationsTotal;
    float battery_soc;               /* 0 .. 100 */
    float water_left;                /* litres */
    int32_t abs_setting;
    int32_t headlights;              /* 0 off, 1 on, 2 flashing */
    int32_t steer_wheel_max_rotation;

    int32_t tire_type;               /* superseded by tire_type_front/rear */
    float tire_rps[R3E_TIRE_INDEX_MAX];
    float tire_speed[R3E_TIRE_INDEX_MAX];
    float tire_grip[R3E_TIRE_INDEX_MAX];
    float tire_wear[R3E_TIRE_INDEX_MAX];
    int32_t tire_flatspot[R3E_TIRE_INDEX_MAX];
    float tire_pressure[R3E_TIRE_INDEX_MAX]; /* kilopascals */
    float tire_dirt[R3E_TIRE_INDEX_MAX];
    r3e_tire_temp tire_temp[R3E_TIRE_INDEX_MAX];
    int32_t tire_type_front;
    int32_t tire_type_rear;
    int32_t tire_subtype_front;
    int32_t tire_subtype_rear;
    r3e_brake_temp brake_temp[R3E_TIRE_INDEX_MAX];
    float brake_pressure[R3E_TIRE_INDEX_MAX]; /* kilonewtons */

    int32_t traction_control_setting;
    int32_t engine_map_setting;
    int32_t engine_brake_setting;
    float traction_control_percent;
    int32_t tire_on_mtrl[R3E_TIRE_INDEX_MAX];
    float tire_load[R3E_TIRE_INDEX_MAX];   /* newtons */

    r3e_car_damage car_damage;

    int32_t num_cars;
    r3e_driver_data all_drivers_data_1[R3E_NUM_DRIVERS_MAX];
} r3e_shared;

#pragma pack(pop)
#endif
