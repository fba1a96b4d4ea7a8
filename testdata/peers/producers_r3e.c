/* RaceRoom's producer (included by producers.c): the struct is the catalogue's internal/catalogue/src/r3e.h.
 *
 *   producers r3e [MAJOR MINOR]   $R3E with version_major MAJOR, version_minor MINOR (default 3 5, the layout's)
 *
 * The page is rewritten in place, without a lock, every rendered frame (16 ms here, 60 fps); the physics tick
 * player.game_simulation_ticks is stored last. Frame n has car_speed n/4, engine_rps 100 + n % 500,
 * player.game_simulation_time n/400 and driver 1's lap_distance n: a copy shows frame n's values, or a later
 * frame's, never an earlier one's. */
#include "../../internal/catalogue/src/r3e.h"

enum { R3E_FRAME_MS = 16 };

static void r3e_frame(r3e_shared *r, int32_t n) {
    r->car_speed = n * 0.25f;
    r->engine_rps = 100.0f + n % 500;
    r->player.game_simulation_time = n / 400.0;
    r->all_drivers_data_1[1].lap_distance = (float)n;
    /* last: the tick (4-aligned in the packed page; no pointer to a packed member is taken) */
    int32_t *ticks = (int32_t *)((char *)r + offsetof(r3e_shared, player) + offsetof(r3e_playerdata, game_simulation_ticks));
    STORE(ticks, n);
}

static void r3e_fill(r3e_shared *r, int major, int minor) {
    r->version_major = major;
    r->version_minor = minor;
    r->all_drivers_offset = (int32_t)offsetof(r3e_shared, num_cars);
    r->driver_data_size = (int32_t)sizeof(r3e_driver_data);
    r->game_mode = R3E_GAMEMODE_SINGLERACE;
    r->player.position.y = -12.5;
    r->player.suspension_velocity[3] = 0.125;
    snprintf((char *)r->track_name, sizeof r->track_name, "%s", "Spa-Francorchamps");
    snprintf((char *)r->layout_name, sizeof r->layout_name, "%s", "Grand Prix");
    r->layout_length = 7004.0f;
    r->session_type = R3E_SESSION_RACE;
    r->session_length_format = R3E_SESSION_LENGTH_TIME_AND_LAP_BASED;
    r->session_phase = R3E_SESSION_PHASE_GREEN;
    r->pit_window_status = R3E_PIT_WINDOW_OPEN;
    r->pit_menu_selection = R3E_PIT_MENU_FUEL;
    r->pit_menu_state[11] = 1;
    r->flags.sector_yellow[2] = 1;
    r->flags.black_and_white = 3;
    r->position = 2;
    r->finish_status = R3E_FINISH_STATUS_NONE;
    snprintf((char *)r->vehicle_info.name, sizeof r->vehicle_info.name, "%s", "BMW M4 GT3");
    r->vehicle_info.class_performance_index = 7;
    snprintf((char *)r->player_name, sizeof r->player_name, "%s", "J\xc3\xb6rg");
    r->control_type = R3E_CONTROL_PLAYER;
    r->gear = 3;
    r->car_orientation.yaw = 1.5f;
    r->aid_settings.tc = 5;
    r->push_to_pass.wait_time_left = 2.5f;
    r->tire_temp[2].current_temp[1] = 85.5f;
    r->brake_temp[3].optimal_temp = 500.0f;
    r->tire_on_mtrl[0] = R3E_MTRL_TYPE_RUMBLE;
    r->car_damage.suspension = 0.25f;
    r->num_cars = 2;
    snprintf((char *)r->all_drivers_data_1[0].driver_info.name, sizeof r->all_drivers_data_1[0].driver_info.name, "%s", "J\xc3\xb6rg");
    snprintf((char *)r->all_drivers_data_1[1].driver_info.name, sizeof r->all_drivers_data_1[1].driver_info.name, "%s", "Rival");
    r->all_drivers_data_1[1].place = 1;
    r->all_drivers_data_1[1].finish_status = R3E_FINISH_STATUS_FINISHED;
    r->all_drivers_data_1[1].penalties.slow_down = 4.5f;
    r->all_drivers_data_1[1].orientation.z = 0.75f;
    r->all_drivers_data_1[127].unused3 = -1.0f;
}

static int run_r3e(int major, int minor) {
    r3e_shared *r = must_map("$R3E", sizeof *r);
    r3e_fill(r, major, minor);
    r3e_frame(r, 1);
    printf("READY {\"size\":%zu,\"driver_size\":%zu,\"player_size\":%zu,\"offsets\":{\"player\":%zu,"
           "\"game_simulation_ticks\":%zu,\"flags\":%zu,\"vehicle_info\":%zu,\"tire_temp\":%zu,\"num_cars\":%zu,"
           "\"all_drivers_data_1\":%zu},\"version_major\":%d,\"version_minor\":%d,\"game_mode\":\"r3e_gamemode_singlerace\","
           "\"player_position_y\":-12.5,\"suspension_velocity_3\":0.125,\"track_name\":\"Spa-Francorchamps\","
           "\"layout_name\":\"Grand Prix\",\"layout_length\":7004,\"session_type\":\"r3e_session_race\","
           "\"session_length_format\":\"r3e_session_length_time_and_lap_based\","
           "\"session_phase\":\"r3e_session_phase_green\",\"pit_window_status\":\"r3e_pit_window_open\","
           "\"pit_menu_selection\":\"r3e_pit_menu_fuel\",\"pit_menu_state_11\":1,\"sector_yellow_2\":1,"
           "\"black_and_white\":3,\"position\":2,\"finish_status\":\"r3e_finish_status_none\","
           "\"vehicle_name\":\"BMW M4 GT3\",\"class_performance_index\":7,\"player_name\":\"J\u00f6rg\","
           "\"control_type\":\"r3e_control_player\",\"gear\":3,\"yaw\":1.5,\"aid_tc\":5,\"ptp_wait_time_left\":2.5,"
           "\"tire_temp_2_current_temp_1\":85.5,\"brake_temp_3_optimal_temp\":500,\"tire_on_mtrl_0\":5,"
           "\"damage_suspension\":0.25,\"num_cars\":2,\"driver_names\":[\"J\u00f6rg\",\"Rival\"],\"driver_1_place\":1,"
           "\"driver_1_finish_status\":\"r3e_finish_status_finished\",\"driver_1_slow_down\":4.5,"
           "\"driver_1_orientation_z\":0.75,\"driver_127_unused3\":-1}\n",
           sizeof *r, sizeof(r3e_driver_data), sizeof(r3e_playerdata), offsetof(r3e_shared, player),
           offsetof(r3e_shared, player) + offsetof(r3e_playerdata, game_simulation_ticks),
           offsetof(r3e_shared, flags), offsetof(r3e_shared, vehicle_info), offsetof(r3e_shared, tire_temp),
           offsetof(r3e_shared, num_cars), offsetof(r3e_shared, all_drivers_data_1), major, minor);
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        r3e_frame(r, n);
        nap_ms(R3E_FRAME_MS);
    }
    return 0;
}
