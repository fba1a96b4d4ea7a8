/* ---- rFactor 2 scoring ---- (included by producers.c: its platform layer, must_map, STORE, done)
 *
 *   producers rf2-scoring [dedicated]   $rFactor2SMMP_Scoring$ (rF2ScoringMapping, internal/catalogue/src/
 *                                       rf2_scoring.h); dedicated: $rFactor2SMMP_Scoring$PID, the name a
 *                                       dedicated server's plugin gives it (PID the process id)
 *
 * As the rF2SharedMemoryMapPlugin does: mVersionUpdateBegin bumped before a write, mVersionUpdateEnd after, 5
 * times a second (the game's scoring updates). Update n: mCurrentET n/5, mVehicles[v].mLapDist 100n+v and
 * mTimeIntoLap n/5+v. */
#include "../../internal/catalogue/src/rf2_scoring.h"
#ifdef _WIN32
#define RF2_PID() ((long)GetCurrentProcessId())
#else
#define RF2_PID() ((long)getpid())
#endif

static void rf2_scoring_frame(rF2ScoringMapping *m, uint32_t n) {
    STORE(&m->mVersionUpdateBegin, n);
    m->mScoringInfo.mCurrentET = n / 5.0;
    for (int v = 0; v < m->mScoringInfo.mNumVehicles; v++) {
        m->mVehicles[v].mLapDist = 100.0 * n + v;
        m->mVehicles[v].mTimeIntoLap = n / 5.0 + v;
    }
    STORE(&m->mVersionUpdateEnd, n);
}

static int run_rf2_scoring(int dedicated) {
    char name[64] = "$rFactor2SMMP_Scoring$";
    if (dedicated) snprintf(name, sizeof name, "$rFactor2SMMP_Scoring$%ld", RF2_PID());
    rF2ScoringMapping *m = must_map(name, sizeof(rF2ScoringMapping));
    const char *drivers[3] = {"Ayrton", "Alain", "Nelson"}, *cars[3] = {"Oreca 07 #22", "Oreca 07 #38", "Ligier JS P217 #17"};
    rF2ScoringInfo *s = &m->mScoringInfo;
    snprintf(s->mTrackName, sizeof s->mTrackName, "Spa-Francorchamps");
    s->mSession = 10;
    s->mMaxLaps = 20;
    s->mNumVehicles = 3;
    s->mGamePhase = 5;
    s->mYellowFlagState = -1;
    s->mInRealtime = true;
    snprintf(s->mPlayerName, sizeof s->mPlayerName, "Ayrton");
    s->mAmbientTemp = 18.5;
    snprintf(s->mServerName, sizeof s->mServerName, "shmbridge");
    s->mMaxPlayers = 30;
    for (int v = 0; v < 3; v++) {
        rF2VehicleScoring *c = &m->mVehicles[v];
        c->mID = 10 + v;
        snprintf(c->mDriverName, sizeof c->mDriverName, "%s", drivers[v]);
        snprintf(c->mVehicleName, sizeof c->mVehicleName, "%s", cars[v]);
        snprintf(c->mVehicleClass, sizeof c->mVehicleClass, "LMP2");
        c->mPlace = (unsigned char)(v + 1);
        c->mIsPlayer = v == 0;
        c->mControl = v == 0 ? 0 : 1;
        c->mBestLapTime = 128.5 + v;
        c->mQualification = 3 - v;
        snprintf(c->mPitGroup, sizeof c->mPitGroup, "Team %d", v + 1);
    }
    m->mBytesUpdatedHint = (int32_t)(offsetof(rF2ScoringMapping, mVehicles[3]) - 8);
    rf2_scoring_frame(m, 1);
    printf("READY {\"mapping\":\"%s\",\"size\":%zu,\"vehicle_size\":%zu,\"info_size\":%zu,\"offsets\":{"
           "\"m_num_vehicles\":%zu,\"m_avg_path_wetness\":%zu,\"m_vehicles\":%zu,\"m_best_lap_sector2\":%zu},"
           "\"track\":\"Spa-Francorchamps\",\"session\":10,\"max_laps\":20,\"num_vehicles\":3,\"game_phase\":5,"
           "\"yellow_flag_state\":-1,\"ambient_temp\":18.5,\"server_name\":\"shmbridge\",\"max_players\":30,"
           "\"ids\":[10,11,12],\"drivers\":[\"%s\",\"%s\",\"%s\"],\"cars\":[\"%s\",\"%s\",\"%s\"],\"vehicle_class\":\"LMP2\","
           "\"place\":[1,2,3],\"control\":[0,1,1],\"best_lap_time\":[128.5,129.5,130.5],\"qualification\":[3,2,1],"
           "\"pit_group\":[\"Team 1\",\"Team 2\",\"Team 3\"],\"current_et\":\"n/5\",\"lap_dist\":\"100n+v\","
           "\"time_into_lap\":\"n/5+v\"}\n",
           name, sizeof(rF2ScoringMapping), sizeof(rF2VehicleScoring), sizeof(rF2ScoringInfo),
           offsetof(rF2ScoringMapping, mScoringInfo.mNumVehicles), offsetof(rF2ScoringMapping, mScoringInfo.mAvgPathWetness),
           offsetof(rF2ScoringMapping, mVehicles), offsetof(rF2VehicleScoring, mBestLapSector2), drivers[0], drivers[1],
           drivers[2], cars[0], cars[1], cars[2]);
    fflush(stdout);
    for (uint32_t n = 2; !done; n++) {
        nap_ms(200); /* rFactor 2's scoring: 5 Hz */
        rf2_scoring_frame(m, n);
    }
    return 0;
}
