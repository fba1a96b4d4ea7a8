/* The Kunos family's producers (included by producers.c): the structs are the catalogue's headers, each page
 * filled as the game fills it and its packetId stored last (the frame: Kunos' pages have no lock).
 *
 *   producers acc     Local\acpmf_physics, _graphics, _static: ACC's pages (AC Rally writes the same)
 *   producers ac      the same names: Assetto Corsa's (the original) pages
 *   producers acevo   Local\acevo_pmf_physics, _graphics, _static: AC EVO's pages
 *
 * Physics every 3 ms (the physics step, about 333 Hz), graphics every fifth step (about 67 Hz, a rendered
 * frame), static once. Physics frame n has speedKmh n/2 and rpms 1000 + n % 5000; graphics frame n has
 * iCurrentTime (EVO: current_lap_time_ms) 16 n: a copy shows frame n's values, or a later frame's, never an
 * earlier one's. */

/* The three headers name their enumerators as a reader sees them (live, race): prefixed here, apart. */
#define ACC_NAME(n) acc_##n
#include "../../internal/catalogue/src/acc.h"
#define AC_NAME(n) ac_##n
#include "../../internal/catalogue/src/ac.h"
#define ACEVO_NAME(n) acevo_##n
#include "../../internal/catalogue/src/acevo.h"

enum { KUNOS_PHYSICS_MS = 3, KUNOS_GRAPHICS_EVERY = 5 };

/* ---- ACC ---- */
static void acc_physics_frame(SPageFilePhysicsACC *p, int32_t n) {
    p->speedKmh = n * 0.5f;
    p->rpms = 1000 + n % 5000;
    STORE(&p->packetId, n); /* last: the frame */
}

static void acc_graphics_frame(SPageFileGraphicACC *g, int32_t n) {
    g->iCurrentTime = n * 16;
    g->normalizedCarPosition = (n % 1000) / 1000.0f;
    STORE(&g->packetId, n);
}

static void acc_fill(SPageFilePhysicsACC *p, SPageFileGraphicACC *g, SPageFileStaticACC *s) {
    p->gas = 0.75f;
    p->fuel = 42.5f;
    p->gear = 3;
    for (int i = 0; i < 4; i++) p->tyreCoreTemperature[i] = 80.0f + i;
    p->tyreContactPoint[3].z = -1.5f;
    p->tcInAction = 1;
    p->waterTemp = 90.5f;
    p->absVibrations = 0.25f;
    g->status = acc_live;
    g->session = acc_race;
    put16(g->currentTime, u"1:23.456");
    put16(g->tyreCompound, u"dry_compound");
    g->carCoordinates[59].x = 59.0f;
    g->carID[0] = 7;
    g->flag = acc_blue;
    put16(g->trackStatus, u"OPTIMUM");
    g->rainIntensityIn30min = 2;
    g->gapBehind = 1234;
    put16(s->smVersion, u"1.9");
    put16(s->acVersion, u"1.8.12");
    s->numCars = 30;
    put16(s->carModel, u"ferrari_296_gt3");
    put16(s->track, u"monza");
    put16(s->playerName, u"Ayrton");
    put16(s->playerSurname, u"S\u00e9nna");
    s->maxRpm = 8000;
    s->tyreRadius[3] = 0.35f;
    s->trackSplineLength = 5793.0f;
    put16(s->trackConfiguration, u"gp");
    s->isOnline = 1;
    put16(s->wetTyresName, u"WH");
}

static int run_acc(void) {
    SPageFilePhysicsACC *p = must_map("Local\\acpmf_physics", sizeof *p);
    SPageFileGraphicACC *g = must_map("Local\\acpmf_graphics", sizeof *g);
    SPageFileStaticACC *s = must_map("Local\\acpmf_static", sizeof *s);
    acc_fill(p, g, s);
    acc_physics_frame(p, 1);
    acc_graphics_frame(g, 1);
    printf("READY {\"sizes\":[%zu,%zu,%zu],\"speed_kmh_per_packet\":0.5,\"gas\":0.75,\"fuel\":42.5,\"gear\":3,"
           "\"tyre_core_temperature\":[80,81,82,83],\"tyre_contact_point_3_z\":-1.5,\"tc_in_action\":1,"
           "\"water_temp\":90.5,\"abs_vibrations\":0.25,\"status\":\"live\",\"session\":\"race\","
           "\"current_time\":\"1:23.456\",\"tyre_compound\":\"dry_compound\",\"car_coordinates_59_x\":59,"
           "\"car_id_0\":7,\"flag\":\"blue\",\"track_status\":\"OPTIMUM\",\"rain_intensity_in30min\":2,"
           "\"gap_behind\":1234,\"sm_version\":\"1.9\",\"ac_version\":\"1.8.12\",\"num_cars\":30,"
           "\"car_model\":\"ferrari_296_gt3\",\"track\":\"monza\",\"player_surname\":\"S\u00e9nna\",\"max_rpm\":8000,"
           "\"tyre_radius_3\":0.35,\"track_spline_length\":5793,\"track_configuration\":\"gp\",\"is_online\":1,"
           "\"wet_tyres_name\":\"WH\",\"offsets\":{\"water_temp\":%zu,\"abs_vibrations\":%zu,\"gap_behind\":%zu,"
           "\"wet_tyres_name\":%zu,\"car_id\":%zu,\"is_online\":%zu}}\n",
           sizeof *p, sizeof *g, sizeof *s, offsetof(SPageFilePhysicsACC, waterTemp),
           offsetof(SPageFilePhysicsACC, absVibrations), offsetof(SPageFileGraphicACC, gapBehind),
           offsetof(SPageFileStaticACC, wetTyresName), offsetof(SPageFileGraphicACC, carID),
           offsetof(SPageFileStaticACC, isOnline));
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        acc_physics_frame(p, n);
        if (n % KUNOS_GRAPHICS_EVERY == 0) acc_graphics_frame(g, n / KUNOS_GRAPHICS_EVERY + 1);
        nap_ms(KUNOS_PHYSICS_MS);
    }
    return 0;
}

/* ---- Assetto Corsa (the original) ---- */
static void ac_physics_frame(SPageFilePhysicsAC *p, int32_t n) {
    p->speedKmh = n * 0.5f;
    p->rpms = 1000 + n % 5000;
    STORE(&p->packetId, n);
}

static void ac_graphics_frame(SPageFileGraphicAC *g, int32_t n) {
    g->iCurrentTime = n * 16;
    g->normalizedCarPosition = (n % 1000) / 1000.0f;
    STORE(&g->packetId, n);
}

static void ac_fill(SPageFilePhysicsAC *p, SPageFileGraphicAC *g, SPageFileStaticAC *s) {
    p->gas = 0.25f;
    p->gear = 5;
    p->airTemp = 26.5f;
    p->performanceMeter = -0.75f;
    p->brakeTemp[2] = 410.0f;
    p->tyreContactNormal[1].y = 1.0f;
    p->brakeBias = 0.625f;
    p->localVelocity[2] = 33.25f;
    g->status = ac_replay;
    g->session = ac_hotlap;
    put16(g->bestTime, u"1:47.123");
    put16(g->tyreCompound, u"Semislicks (SM)");
    g->carCoordinates.z = -101.5f;
    g->flag = ac_penalty;
    g->mandatoryPitDone = 1;
    g->windDirection = 270.0f;
    put16(s->smVersion, u"1.7");
    put16(s->acVersion, u"1.16.4");
    s->numCars = 24;
    put16(s->carModel, u"ks_mazda_mx5_cup");
    put16(s->track, u"ks_nordschleife");
    put16(s->playerNick, u"J\u00fcrgen");
    s->maxRpm = 7500;
    s->deprecated_1 = -273.0f;
    s->trackSplineLength = 20832.0f;
    put16(s->trackConfiguration, u"nordschleife");
    s->ersMaxJ = 120000.0f;
    put16(s->carSkin, u"00_official");
    s->PitWindowEnd = 12;
}

static int run_ac(void) {
    SPageFilePhysicsAC *p = must_map("Local\\acpmf_physics", sizeof *p);
    SPageFileGraphicAC *g = must_map("Local\\acpmf_graphics", sizeof *g);
    SPageFileStaticAC *s = must_map("Local\\acpmf_static", sizeof *s);
    ac_fill(p, g, s);
    ac_physics_frame(p, 1);
    ac_graphics_frame(g, 1);
    printf("READY {\"sizes\":[%zu,%zu,%zu],\"gas\":0.25,\"gear\":5,\"air_temp\":26.5,\"performance_meter\":-0.75,"
           "\"brake_temp\":[0,0,410,0],\"tyre_contact_normal_1_y\":1,\"brake_bias\":0.625,\"local_velocity\":[0,0,33.25],"
           "\"status\":\"replay\",\"session\":\"hotlap\",\"best_time\":\"1:47.123\",\"tyre_compound\":\"Semislicks (SM)\","
           "\"car_coordinates_z\":-101.5,\"flag\":\"penalty\",\"mandatory_pit_done\":1,\"wind_direction\":270,"
           "\"sm_version\":\"1.7\",\"ac_version\":\"1.16.4\",\"num_cars\":24,\"car_model\":\"ks_mazda_mx5_cup\","
           "\"track\":\"ks_nordschleife\",\"player_nick\":\"J\u00fcrgen\",\"max_rpm\":7500,\"deprecated_1\":-273,"
           "\"track_spline_length\":20832,\"track_configuration\":\"nordschleife\",\"ers_max_j\":120000,"
           "\"car_skin\":\"00_official\",\"pit_window_end\":12,\"offsets\":{\"local_velocity\":%zu,\"wind_direction\":%zu,"
           "\"car_coordinates\":%zu,\"track_configuration\":%zu,\"pit_window_end\":%zu}}\n",
           sizeof *p, sizeof *g, sizeof *s, offsetof(SPageFilePhysicsAC, localVelocity),
           offsetof(SPageFileGraphicAC, windDirection), offsetof(SPageFileGraphicAC, carCoordinates),
           offsetof(SPageFileStaticAC, trackConfiguration), offsetof(SPageFileStaticAC, PitWindowEnd));
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        ac_physics_frame(p, n);
        if (n % KUNOS_GRAPHICS_EVERY == 0) ac_graphics_frame(g, n / KUNOS_GRAPHICS_EVERY + 1);
        nap_ms(KUNOS_PHYSICS_MS);
    }
    return 0;
}

/* ---- AC EVO ---- */
static void acevo_physics_frame(SPageFilePhysicsEvo *p, int32_t n) {
    p->speedKmh = n * 0.5f;
    p->rpms = 1000 + n % 5000;
    STORE(&p->packetId, n);
}

static void acevo_graphics_frame(SPageFileGraphicEvo *g, int32_t n) {
    g->current_lap_time_ms = n * 16;
    g->npos = (n % 1000) / 1000.0f;
    STORE(&g->packetId, n);
}

static void acevo_fill(SPageFilePhysicsEvo *p, SPageFileGraphicEvo *g, SPageFileStaticEvo *s) {
    p->gas = 0.5f;
    p->gear = 4;
    p->tyreContactHeading[2].y = 0.75f;
    p->brakeTorque[1] = 1500.0f;
    p->roadVibrations = 0.125f;
    p->absVibrations = 0.25f;
    g->status = acevo_live;
    g->player_car_id_b = 0x00123456789abcdeULL; /* below 2^53: JSON keeps it exact */
    g->rpm = 7200;
    g->is_drs_available = true;
    g->display_speed_kmh = 201;
    g->water_temperature_c = -5;
    g->tyre_rr.lock = true;
    snprintf(g->tyre_rr.tyre_compound_rear, sizeof g->tyre_rr.tyre_compound_rear, "%s", "Soft");
    g->tyre_rr.tyre_normalized_temperature_core = 1.25f;
    g->car_damage.damage_suspension_rr = 0.5f;
    g->car_location = acevo_track;
    g->pit_info.tyres_rr = -1;
    g->instrumentation.display_current_page_index[15] = 3;
    g->electronics_is_modifiable.is_pitlimiter_on = true;
    g->flag = acevo_orange_circle;
    g->global_flag = acevo_green;
    g->engine_type = acevo_electric_motor;
    snprintf(g->performance_mode_name, sizeof g->performance_mode_name, "%s", "QUAL");
    snprintf(g->session_state.phase_name, sizeof g->session_state.phase_name, "%s", "Race");
    g->session_state.show_waiting_for_players = true;
    snprintf(g->timing_state.best_laptime, sizeof g->timing_state.best_laptime, "%s", "1:47.210");
    g->timing_state.is_invalid = true;
    snprintf(g->driver_surname, sizeof g->driver_surname, "%s", "Lauda");
    g->car_coordinates[59].z = -59.5f;
    g->active_cars = 12;
    g->assists_state.arcade_stability_control = 0.5f;
    g->use_single_compound = true;
    g->car_ids[59][1] = 42;
    snprintf(s->sm_version, sizeof s->sm_version, "%s", "0.6.3");
    snprintf(s->ac_evo_version, sizeof s->ac_evo_version, "%s", "0.6.3.44");
    s->session = acevo_hot_stint;
    s->starting_grip = acevo_grip_optimum;
    s->is_online = true;
    s->number_of_sessions = 3;
    snprintf(s->nation, sizeof s->nation, "%s", "Italy");
    s->latitude = 44.25f;
    snprintf(s->track_configuration, sizeof s->track_configuration, "%s", "GP");
    s->track_length_m = 4909.0f;
}

static int run_acevo(void) {
    SPageFilePhysicsEvo *p = must_map("Local\\acevo_pmf_physics", sizeof *p);
    SPageFileGraphicEvo *g = must_map("Local\\acevo_pmf_graphics", sizeof *g);
    SPageFileStaticEvo *s = must_map("Local\\acevo_pmf_static", sizeof *s);
    acevo_fill(p, g, s);
    acevo_physics_frame(p, 1);
    acevo_graphics_frame(g, 1);
    printf("READY {\"sizes\":[%zu,%zu,%zu],\"gas\":0.5,\"gear\":4,\"tyre_contact_heading_2_y\":0.75,"
           "\"brake_torque\":[0,1500,0,0],\"road_vibrations\":0.125,\"abs_vibrations\":0.25,\"status\":\"live\","
           "\"player_car_id_b\":5124095576030430,\"rpm\":7200,\"is_drs_available\":1,\"display_speed_kmh\":201,"
           "\"water_temperature_c\":-5,\"tyre_rr_lock\":1,\"tyre_rr_tyre_compound_rear\":\"Soft\","
           "\"tyre_rr_tyre_normalized_temperature_core\":1.25,\"damage_suspension_rr\":0.5,\"car_location\":\"track\","
           "\"pit_info_tyres_rr\":-1,\"display_current_page_index_15\":3,\"is_pitlimiter_on_modifiable\":1,"
           "\"flag\":\"orange_circle\",\"global_flag\":\"green\",\"engine_type\":\"electric_motor\","
           "\"performance_mode_name\":\"QUAL\",\"phase_name\":\"Race\",\"show_waiting_for_players\":1,"
           "\"best_laptime\":\"1:47.210\",\"is_invalid\":1,\"driver_surname\":\"Lauda\",\"car_coordinates_59_z\":-59.5,"
           "\"active_cars\":12,\"arcade_stability_control\":0.5,\"use_single_compound\":1,\"car_ids_59_1\":42,"
           "\"sm_version\":\"0.6.3\",\"ac_evo_version\":\"0.6.3.44\",\"session\":\"hot_stint\","
           "\"starting_grip\":\"grip_optimum\",\"is_online\":1,\"number_of_sessions\":3,\"nation\":\"Italy\","
           "\"latitude\":44.25,\"track_configuration\":\"GP\",\"track_length_m\":4909,"
           "\"offsets\":{\"water_temp\":%zu,\"abs_vibrations\":%zu,\"tyre_rr\":%zu,\"car_damage\":%zu,\"electronics\":%zu,"
           "\"session_state\":%zu,\"car_coordinates\":%zu,\"car_ids\":%zu,\"number_of_sessions\":%zu,"
           "\"track_length_m\":%zu}}\n",
           sizeof *p, sizeof *g, sizeof *s, offsetof(SPageFilePhysicsEvo, waterTemp),
           offsetof(SPageFilePhysicsEvo, absVibrations), offsetof(SPageFileGraphicEvo, tyre_rr),
           offsetof(SPageFileGraphicEvo, car_damage), offsetof(SPageFileGraphicEvo, electronics),
           offsetof(SPageFileGraphicEvo, session_state), offsetof(SPageFileGraphicEvo, car_coordinates),
           offsetof(SPageFileGraphicEvo, car_ids), offsetof(SPageFileStaticEvo, number_of_sessions),
           offsetof(SPageFileStaticEvo, track_length_m));
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        acevo_physics_frame(p, n);
        if (n % KUNOS_GRAPHICS_EVERY == 0) acevo_graphics_frame(g, n / KUNOS_GRAPHICS_EVERY + 1);
        nap_ms(KUNOS_PHYSICS_MS);
    }
    return 0;
}

/* run_kunos runs the producer kind k of the family, or answers -1 for a kind it does not know. */
static int run_kunos(const char *k) {
    if (strcmp(k, "acc") == 0) return run_acc();
    if (strcmp(k, "ac") == 0) return run_ac();
    if (strcmp(k, "acevo") == 0) return run_acevo();
    return -1;
}
