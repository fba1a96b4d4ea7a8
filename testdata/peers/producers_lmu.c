/* ---- Le Mans Ultimate ---- (included by producers.c: its platform layer, must_map, STORE, done)
 *
 *   producers lmu   LMU_Data (SharedMemoryObjectOut, internal/catalogue/src/lmu.h), its spinlock mapping
 *                   LMU_SharedMemoryLockData and event LMU_SharedMemoryLockEvent, and the auto-reset event
 *                   LMU_Data_Event, set after each update.
 *
 * As the game does: each update is written holding the spinlock (a compare-exchange of busy from 0 to 1; after
 * 4000 tries the writer counts itself in waiters and waits on the lock event, a millisecond at a time, until
 * it takes busy), then busy is cleared, the lock event set if anyone waits, and LMU_Data_Event set. Telemetry
 * at 50 Hz, scoring every 10th update (5 Hz), each update's events in generic.events, ended by SME_MAX.
 * Frame n: telemInfo[v].mElapsedTime n/50, mEngineRPM 4000+n+v, mWheel[0].mTemperature[1] 350+n; at each
 * scoring update s (s = 1, 11, 21, ...): mCurrentET s/50, vehScoringInfo[v].mLapDist s+100v; FFBTorque
 * (n%100)/100. */
#include "../../internal/catalogue/src/lmu.h"

#ifdef _WIN32
static int lmu_event(event_t *e, const char *name) { *e = CreateEventA(NULL, FALSE, FALSE, name); return *e ? 0 : -1; }
static void lmu_set(event_t *e) { SetEvent(*e); }
static void lmu_wait(event_t *e, int ms) { WaitForSingleObject(*e, (DWORD)ms); }
#else
static int lmu_event(event_t *e, const char *name) {
    remember(name);
    *e = shmbridge_event_open(name, 1, 0, 0); /* auto reset, as the game's */
    return *e ? 0 : -1;
}
static void lmu_set(event_t *e) { shmbridge_event_set(*e); }
static void lmu_wait(event_t *e, int ms) { shmbridge_event_wait(*e, ms); }
#endif

static void lmu_lock(SharedMemoryLockData *l, event_t *wake) {
    for (int spins = 0;; spins++) {
        int32_t free_ = 0;
        if (__atomic_compare_exchange_n(&l->busy, &free_, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return;
        if (spins == 4000) break;
    }
    __atomic_add_fetch(&l->waiters, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        int32_t free_ = 0;
        if (__atomic_compare_exchange_n(&l->busy, &free_, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
        lmu_wait(wake, 1);
    }
    __atomic_sub_fetch(&l->waiters, 1, __ATOMIC_SEQ_CST);
}

static void lmu_unlock(SharedMemoryLockData *l, event_t *wake) {
    STORE(&l->busy, 0);
    if (__atomic_load_n(&l->waiters, __ATOMIC_SEQ_CST) > 0) lmu_set(wake);
}

/* lmu_json prints s as a JSON string. */
static void lmu_json(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        if (*s == '\n') {
            fputs("\\n", stdout);
            continue;
        }
        putchar(*s);
    }
    putchar('"');
}

static void lmu_frame(SharedMemoryObjectOut *m, int32_t n) {
    int scoring = (n - 1) % 10 == 0;
    uint32_t q = 0;
    if (scoring) m->generic.events[q++] = SME_UPDATE_SCORING;
    m->generic.events[q++] = SME_UPDATE_TELEMETRY;
    while (q < SME_MAX) m->generic.events[q++] = SME_MAX;
    m->generic.FFBTorque = (float)(n % 100) / 100.0f;
    for (int v = 0; v < 2; v++) {
        TelemInfoV01 *t = &m->telemetry.telemInfo[v];
        t->mElapsedTime = n / 50.0;
        t->mEngineRPM = 4000.0 + n + v;
        t->mWheel[0].mTemperature[1] = 350.0 + n;
        if (scoring) m->scoring.vehScoringInfo[v].mLapDist = n + 100.0 * v;
    }
    if (scoring) m->scoring.scoringInfo.mCurrentET = n / 50.0;
}

static const char *lmu_drivers[2] = {"K\xc3\xa9vin Estre", "Antonio Fuoco"}; /* UTF-8, as the game writes */
static const char *lmu_cars[2] = {"Porsche 963 #6", "Ferrari 499P #50"};
static const char *lmu_stream = "<Incident et=\"96.6\">Antonio Fuoco(1) reported contact (0.42) with K\xc3\xa9vin Estre(0)</Incident>\n";

static void lmu_fill(SharedMemoryObjectOut *m) {
    m->generic.gameVersion = 14200;
    m->generic.appInfo.mWidth = 2560;
    m->generic.appInfo.mHeight = 1440;
    m->generic.appInfo.mRefreshRate = 144;
    m->generic.appInfo.mOptionsLocation = 3;
    snprintf(m->paths.userData, sizeof m->paths.userData, "C:\\LMU\\UserData\\");
    ScoringInfoV01 *s = &m->scoring.scoringInfo;
    snprintf(s->mTrackName, sizeof s->mTrackName, "Circuit de la Sarthe");
    s->mSession = 10;
    s->mNumVehicles = 2;
    s->mGamePhase = 5;
    s->mInRealtime = true;
    snprintf(s->mPlayerName, sizeof s->mPlayerName, "%s", lmu_drivers[1]);
    s->mAmbientTemp = 21.5;
    s->mTrackLimitsStepsPerPenalty = 40;
    s->mTrackLimitsStepsPerPoint = 4;
    snprintf(s->mServerName, sizeof s->mServerName, "-none-");
    m->scoring.scoringStreamSize = strlen(lmu_stream);
    memcpy(m->scoring.scoringStream, lmu_stream, strlen(lmu_stream));
    m->telemetry.activeVehicles = 2;
    m->telemetry.playerVehicleIdx = 1;
    m->telemetry.playerHasVehicle = true;
    m->scoring.vehScoringInfo[LMU_MAX_VEHICLES - 1].mID = 103; /* the last slots: where the arrays end */
    m->telemetry.telemInfo[LMU_MAX_VEHICLES - 1].mID = 103;
    for (int v = 0; v < 2; v++) {
        VehicleScoringInfoV01 *c = &m->scoring.vehScoringInfo[v];
        c->mID = v;
        snprintf(c->mDriverName, sizeof c->mDriverName, "%s", lmu_drivers[v]);
        snprintf(c->mVehicleName, sizeof c->mVehicleName, "%s", lmu_cars[v]);
        snprintf(c->mVehicleClass, sizeof c->mVehicleClass, "Hypercar");
        c->mPlace = (unsigned char)(v + 1);
        c->mIsPlayer = v == 1;
        c->mControl = v == 1 ? 0 : 1;
        c->mSteamID = v == 1 ? 76561198000000001ull : 0;
        c->mBestLapTime = 203.5 + v;
        TelemInfoV01 *t = &m->telemetry.telemInfo[v];
        t->mID = v;
        snprintf(t->mVehicleName, sizeof t->mVehicleName, "%s", lmu_cars[v]);
        snprintf(t->mTrackName, sizeof t->mTrackName, "Circuit de la Sarthe");
        t->mGear = 5;
        t->mFuel = 61.5;
        snprintf(t->mVehicleModel, sizeof t->mVehicleModel, "%s", v ? "499P" : "963");
        t->mVehicleClass = Hypercar;
        t->mVehicleChampionship = WEC_2025;
        t->mTC = 3;
        t->mTCMax = 11;
        snprintf(t->mFrontTireCompoundName, sizeof t->mFrontTireCompoundName, "Medium");
        snprintf(t->mWheel[2].mTerrainName, sizeof t->mWheel[2].mTerrainName, "ROAD");
        t->mWheel[3].mCompoundType = 1;
    }
}

static int run_lmu(void) {
    SharedMemoryObjectOut *m = must_map("LMU_Data", sizeof(SharedMemoryObjectOut));
    SharedMemoryLockData *l = must_map("LMU_SharedMemoryLockData", sizeof(SharedMemoryLockData));
    event_t updated, wake;
    if (lmu_event(&updated, "LMU_Data_Event") != 0 || lmu_event(&wake, "LMU_SharedMemoryLockEvent") != 0) {
        fprintf(stderr, "cannot open the events\n");
        return 4;
    }
    lmu_lock(l, &wake);
    lmu_fill(m);
    lmu_frame(m, 1);
    lmu_unlock(l, &wake);
    lmu_set(&updated);
    printf("READY {\"size\":%zu,\"offsets\":{\"game_version\":%zu,\"scoring\":%zu,\"scoring_stream_size\":%zu,"
           "\"veh_scoring_info\":%zu,\"scoring_stream\":%zu,\"telemetry\":%zu,\"telem_info\":%zu,\"m_wheel\":%zu,"
           "\"m_steam_id\":%zu,\"m_vehicle\":%zu},\"sizes\":{\"telem_info\":%zu,\"veh_scoring_info\":%zu,"
           "\"scoring_info\":%zu},\"last_slot_id\":103,\"game_version\":14200,\"width\":2560,\"user_data\":",
           sizeof(SharedMemoryObjectOut), offsetof(SharedMemoryObjectOut, generic.gameVersion),
           offsetof(SharedMemoryObjectOut, scoring), offsetof(SharedMemoryObjectOut, scoring.scoringStreamSize),
           offsetof(SharedMemoryObjectOut, scoring.vehScoringInfo), offsetof(SharedMemoryObjectOut, scoring.scoringStream),
           offsetof(SharedMemoryObjectOut, telemetry), offsetof(SharedMemoryObjectOut, telemetry.telemInfo),
           offsetof(TelemInfoV01, mWheel), offsetof(VehicleScoringInfoV01, mSteamID), offsetof(ScoringInfoV01, mVehicle),
           sizeof(TelemInfoV01), sizeof(VehicleScoringInfoV01), sizeof(ScoringInfoV01));
    lmu_json(m->paths.userData);
    printf(",\"track\":\"Circuit de la Sarthe\",\"session\":10,\"num_vehicles\":2,\"game_phase\":5,"
           "\"ambient_temp\":21.5,\"steps_per_penalty\":40,\"steps_per_point\":4,\"server_name\":\"-none-\","
           "\"scoring_stream\":");
    lmu_json(lmu_stream);
    printf(",\"drivers\":[");
    lmu_json(lmu_drivers[0]);
    putchar(',');
    lmu_json(lmu_drivers[1]);
    printf("],\"cars\":[\"%s\",\"%s\"],\"vehicle_class\":\"Hypercar\",\"place\":[1,2],\"steam_id\":[0,76561198000000001],"
           "\"best_lap_time\":[203.5,204.5],\"active_vehicles\":2,\"player_vehicle_idx\":1,\"gear\":5,\"fuel\":61.5,"
           "\"vehicle_model\":[\"963\",\"499P\"],\"class\":\"hypercar\",\"championship\":\"wec_2025\",\"tc\":3,\"tc_max\":11,"
           "\"front_tire_compound_name\":\"Medium\",\"wheel_2_terrain_name\":\"ROAD\",\"wheel_3_compound_type\":1,"
           "\"elapsed_time\":\"n/50\",\"engine_rpm\":\"4000+n+v\",\"wheel_0_temperature_1\":\"350+n\","
           "\"current_et\":\"s/50\",\"lap_dist\":\"s+100v\",\"ffb_torque\":\"(n%%100)/100\",\"scoring_every\":10}\n",
           lmu_cars[0], lmu_cars[1]);
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        nap_ms(20); /* the game's telemetry: 50 Hz */
        lmu_lock(l, &wake);
        lmu_frame(m, n);
        lmu_unlock(l, &wake);
        lmu_set(&updated);
    }
    return 0;
}
