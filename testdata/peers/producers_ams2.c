/* Automobilista 2 / Project CARS 2's producer (included by producers.c): the struct is the catalogue's
 * internal/catalogue/src/ams2.h.
 *
 *   producers ams2 [VERSION]   $pcars2$ with mVersion VERSION (default 14, the layout's)
 *
 * One page per graphics frame (16 ms here, 60 fps), by the game's protocol: mSequenceNumber incremented before
 * the write (odd while writing) and after it (even). Frame n (mSequenceNumber 2n) has mSpeed n/4, mRpm
 * 1000 + n % 5000, mCurrentTime n/60, participant 0's mCurrentLapDistance n and mSpeeds[0] n/4: a whole copy
 * adds up. */
#include "../../internal/catalogue/src/ams2.h"

enum { AMS2_FRAME_MS = 16 };

static void ams2_frame(ams2_shared_memory *m, uint32_t n) {
    STORE(&m->mSequenceNumber, 2 * n - 1); /* odd: being written */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    m->mSpeed = n * 0.25f;
    m->mRpm = 1000.0f + n % 5000;
    m->mCurrentTime = n / 60.0f;
    m->mParticipantInfo[0].mCurrentLapDistance = (float)n;
    m->mSpeeds[0] = n * 0.25f;
    STORE(&m->mSequenceNumber, 2 * n); /* even: whole */
}

static void ams2_fill(ams2_shared_memory *m, unsigned version) {
    m->mVersion = version;
    m->mBuildVersionNumber = 1640;
    m->mGameState = GAME_INGAME_PLAYING;
    m->mSessionState = SESSION_RACE;
    m->mRaceState = RACESTATE_RACING;
    m->mViewedParticipantIndex = 0;
    m->mNumParticipants = 2;
    const char *names[2] = {"Emerson Fittipaldi", "Ayrton Senna"};
    for (int i = 0; i < 2; i++) {
        ams2_participant *p = &m->mParticipantInfo[i];
        p->mIsActive = true;
        snprintf(p->mName, sizeof p->mName, "%s", names[i]);
        p->mRacePosition = (unsigned)i + 1;
        p->mCurrentLap = 7;
        p->mCurrentSector = i;
    }
    m->mParticipantInfo[1].mWorldPosition[2] = -250.5f;
    snprintf(m->mCarName, sizeof m->mCarName, "%s", "Formula Vintage Gen2");
    snprintf(m->mTrackLocation, sizeof m->mTrackLocation, "%s", "Interlagos");
    snprintf(m->mTrackVariation, sizeof m->mTrackVariation, "%s", "Historic");
    m->mTrackLength = 7960.5f;
    m->mLapInvalidated = true;
    m->mBestLapTime = 92.25f;
    m->mHighestFlagColour = FLAG_COLOUR_BLUE;
    m->mPitMode = PIT_MODE_NONE;
    m->mCarFlags = CAR_ENGINE_ACTIVE | CAR_ABS;
    m->mGear = 4;
    m->mAntiLockActive = true;
    m->mBoostAmount = 50.0f;
    m->mTerrain[3] = TERRAIN_RUMBLE_STRIPS;
    m->mTyreTemp[1] = 85.5f;
    m->mCrashState = CRASH_DAMAGE_NONE;
    m->mLapsInvalidated[1] = true;
    m->mRaceStates[1] = RACESTATE_FINISHED;
    m->mOrientations[1][2] = 0.5f;
    snprintf(m->mCarNames[1], sizeof m->mCarNames[1], "%s", "McLaren MP4/4");
    snprintf(m->mTyreCompound[3], sizeof m->mTyreCompound[3], "%s", "Bias Ply Slick");
    m->mHighestFlagColours[1] = FLAG_COLOUR_CHEQUERED;
    m->mNationalities[1] = 76;
    m->mSessionAdditionalLaps = 1;
    m->mRideHeight[0] = 6.25f;
    m->mErsDeploymentMode = ERS_DEPLOYMENT_MODE_BALANCED;
    m->mClutchSlipping = true;
    m->mYellowFlagState = YFS_PITS_CLOSED;
    m->mSessionIsPrivate = true;
    m->mLaunchStage = LAUNCH_REV;
}

static int run_ams2(unsigned version) {
    ams2_shared_memory *m = must_map("$pcars2$", sizeof *m);
    ams2_fill(m, version);
    ams2_frame(m, 1);
    printf("READY {\"size\":%zu,\"participant_size\":%zu,\"offsets\":{\"m_sequence_number\":%zu,\"m_speed\":%zu,"
           "\"m_car_name\":%zu,\"m_launch_stage\":%zu},\"m_version\":%u,\"m_build_version_number\":1640,"
           "\"m_game_state\":\"game_ingame_playing\",\"m_session_state\":\"session_race\","
           "\"m_race_state\":\"racestate_racing\",\"m_num_participants\":2,"
           "\"names\":[\"Emerson Fittipaldi\",\"Ayrton Senna\"],\"m_world_position_1_z\":-250.5,"
           "\"m_car_name\":\"Formula Vintage Gen2\",\"m_track_location\":\"Interlagos\","
           "\"m_track_variation\":\"Historic\",\"m_track_length\":7960.5,\"m_lap_invalidated\":1,"
           "\"m_best_lap_time\":92.25,\"m_highest_flag_colour\":\"flag_colour_blue\",\"m_car_flags\":18,"
           "\"m_gear\":4,\"m_anti_lock_active\":1,\"m_boost_amount\":50,\"m_terrain_3\":\"terrain_rumble_strips\","
           "\"m_tyre_temp\":[0,85.5,0,0],\"m_laps_invalidated_1\":1,\"m_race_states_1\":\"racestate_finished\","
           "\"m_orientations_1_2\":0.5,\"m_car_names_1\":\"McLaren MP4/4\",\"m_tyre_compound_3\":\"Bias Ply Slick\","
           "\"m_highest_flag_colours_1\":\"flag_colour_chequered\",\"m_nationalities_1\":76,"
           "\"m_session_additional_laps\":1,\"m_ride_height_0\":6.25,"
           "\"m_ers_deployment_mode\":\"ers_deployment_mode_balanced\",\"m_clutch_slipping\":1,"
           "\"m_yellow_flag_state\":\"yfs_pits_closed\",\"m_session_is_private\":1,\"m_launch_stage\":\"launch_rev\"}\n",
           sizeof *m, sizeof(ams2_participant), offsetof(ams2_shared_memory, mSequenceNumber),
           offsetof(ams2_shared_memory, mSpeed), offsetof(ams2_shared_memory, mCarName),
           offsetof(ams2_shared_memory, mLaunchStage), version);
    fflush(stdout);
    for (uint32_t n = 2; !done; n++) {
        ams2_frame(m, n);
        nap_ms(AMS2_FRAME_MS);
    }
    return 0;
}
