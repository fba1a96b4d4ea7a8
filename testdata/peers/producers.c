/* The native producers of shmbridge's layout catalogue: each creates its producer's named mapping(s) as that
 * program does, fills the exact struct (producers.h, or the catalogue's own header in
 * internal/catalogue/src/ for the families in producers_FAMILY.c) with known values, prints one line
 *   READY {"field": value, ...}
 * (what it wrote, as JSON, for the test to compare with what the API decodes), and then writes frames at the
 * real producer's rate by its own protocol until stdin closes: the Kunos games' physics pages at about 333 Hz
 * (their physics step, 3 ms), rFactor 2's telemetry at 50 Hz (20 ms), iRacing at 60 Hz (its tickRate, 16 ms);
 * HWiNFO's poll (every 2 ms here, not its 2 s polling period: the mutex is what is tested, and a reader must
 * meet it held). A reader copies between frames as it does from the real program (on a busy machine a copy of
 * rFactor 2's 241 KB buffer under -race takes longer than 1 ms: a producer writing every 1 ms tore every copy).
 * Every value of a frame is a function of the frame's number, so a decoded frame is checked whole: a torn one
 * would not add up.
 *
 *   producers acc|ac|acevo the Kunos family (producers_kunos.c): ACC's, Assetto Corsa's and AC EVO's pages
 *   producers ams2 [V]     Automobilista 2's $pcars2$ (producers_ams2.c), a seqlock; mVersion V
 *   producers r3e [MA MI]  RaceRoom's $R3E (producers_r3e.c); version MA.MI
 *   producers rf2          $rFactor2SMMP_Telemetry$ (mVersionUpdateBegin bumped before, End after)
 *   producers hwinfo [N]   Global\HWiNFO_SENS_SM2 under Global\HWiNFO_SM2_MUTEX; N extra bytes per element
 *                          (a newer HWiNFO with larger elements)
 *   producers hwinfo-dead  the same header, its signature "DEAD" (HWiNFO not running)
 *   producers iracing      Local\IRSDKMemMapFileName, a ring of 3 buffers at 60 Hz, Local\IRSDKDataValidEvent
 *                          set after each
 *   producers lmu          LMU_Data under the game's spinlock, LMU_Data_Event set after each update
 *                          (producers_lmu.c)
 *   producers rf2-scoring [dedicated]   $rFactor2SMMP_Scoring$ (or a dedicated server's $rFactor2SMMP_Scoring$PID),
 *                          5 Hz (producers_rf2.c)
 *
 * A producer family of its own is a file producers_FAMILY.c, included before main, its structs the header of its
 * catalogue layout (internal/catalogue/src/).
 *
 * gcc on Linux (shm_open, shmbridge_sync.h), mingw on Windows (CreateFileMapping, CreateMutex, CreateEvent).
 * Exit codes: 0 ok, 2 usage, 4 failure. */
#include "producers.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
typedef HANDLE mutex_t;
typedef HANDLE event_t;
static void *create_mapping(const char *name, size_t size) {
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size, name);
    if (h == NULL) return NULL;
    return MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, size);
}
static int open_mutex(mutex_t *m, const char *name) { *m = CreateMutexA(NULL, FALSE, name); return *m ? 0 : -1; }
static void lock(mutex_t *m) { WaitForSingleObject(*m, INFINITE); }
static void unlock(mutex_t *m) { ReleaseMutex(*m); }
static int open_event(event_t *e, const char *name) { *e = CreateEventA(NULL, TRUE, FALSE, name); return *e ? 0 : -1; }
static void pulse(event_t *e) { SetEvent(*e); ResetEvent(*e); }
static void nap_ms(int ms) { Sleep((DWORD)ms); }
static DWORD WINAPI watch_stdin(LPVOID arg);
static void start_watch(void) { CreateThread(NULL, 0, watch_stdin, NULL, 0, NULL); }
#define NAME(local) local
#else
#include "../../shm/include/shmbridge_sync.h"
#include <pthread.h>
typedef shmbridge_mutex_t mutex_t;
typedef shmbridge_event_t *event_t;
static char made[8][200]; /* what it created in /dev/shm, unlinked at exit (Windows drops it with the handle) */
static int nmade;
static void unlink_made(void) {
    for (int i = 0; i < nmade; i++) {
        char p[2048];
        snprintf(p, sizeof p, "/dev/shm/%s", made[i]);
        unlink(p);
    }
}
static void remember(const char *name) {
    if (nmade == 0) atexit(unlink_made);
    if (nmade < 8) snprintf(made[nmade++], sizeof made[0], "%s", name);
}
static void *create_mapping(const char *name, size_t size) {
    char path[300];
    snprintf(path, sizeof path, "/%s", name);
    remember(name);
    int fd = shm_open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) return NULL;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}
static int open_mutex(mutex_t *m, const char *name) { remember(name); return shmbridge_mutex_open(m, name, 1); }
static void lock(mutex_t *m) { shmbridge_mutex_lock(m); }
static void unlock(mutex_t *m) { shmbridge_mutex_unlock(m); }
static int open_event(event_t *e, const char *name) {
    remember(name);
    *e = shmbridge_event_open(name, 1, 1, 0);
    return *e ? 0 : -1;
}
static void pulse(event_t *e) { shmbridge_event_set(*e); shmbridge_event_reset(*e); }
static void nap_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000 * 1000};
    nanosleep(&t, NULL);
}
static void *watch_stdin(void *arg);
static void start_watch(void) { pthread_t th; pthread_create(&th, NULL, watch_stdin, NULL); }
#define NAME(local) (strchr(local, '\\') ? strchr(local, '\\') + 1 : local) /* Linux: no Local\ or Global\ */
#endif

static volatile int done;
#ifdef _WIN32
static DWORD WINAPI watch_stdin(LPVOID arg)
#else
static void *watch_stdin(void *arg)
#endif
{
    (void)arg;
    char buf[64];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    done = 1;
    return 0;
}

static void *must_map(const char *name, size_t size) {
    void *p = create_mapping(NAME(name), size);
    if (p == NULL) {
        fprintf(stderr, "cannot create %s\n", name);
        exit(4);
    }
    memset(p, 0, size);
    return p;
}

static void put16(wchar16 *dst, const uint16_t *src) { /* UTF-16 */
    while ((*dst++ = *src++) != 0) {
    }
}

#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_SEQ_CST)

/* ---- rFactor 2 ---- */
static void rf2_frame(rf2_telemetry *t, uint32_t n) {
    STORE(&t->mVersionUpdateBegin, n);
    for (int v = 0; v < 2; v++) {
        rf2_vehicle_telemetry *c = &t->mVehicles[v];
        c->mElapsedTime = n / 100.0;
        c->mEngineRPM = 1000.0 + n + v;
        c->mPos.x = (double)n;
        c->mWheels[3].mTemperature[2] = 350.0 + n;
    }
    STORE(&t->mVersionUpdateEnd, n);
}

static int run_rf2(void) {
    rf2_telemetry *t = must_map("$rFactor2SMMP_Telemetry$", sizeof(rf2_telemetry));
    t->mNumVehicles = 2;
    const char *names[2] = {"Oreca 07", "Porsche 963"};
    for (int v = 0; v < 2; v++) {
        rf2_vehicle_telemetry *c = &t->mVehicles[v];
        c->mID = v;
        c->mLapNumber = 3 + v;
        snprintf(c->mVehicleName, sizeof c->mVehicleName, "%s", names[v]);
        snprintf(c->mTrackName, sizeof c->mTrackName, "Le Mans");
        c->mGear = 4;
        c->mFuel = 55.25;
        snprintf(c->mFrontTireCompoundName, sizeof c->mFrontTireCompoundName, "Medium");
        c->mElectricBoostMotorState = 2;
        c->mWheels[0].mFlat = 1;
        snprintf(c->mWheels[0].mTerrainName, sizeof c->mWheels[0].mTerrainName, "ROAD");
    }
    rf2_frame(t, 1);
    printf("READY {\"size\":%zu,\"vehicle_size\":%zu,\"num_vehicles\":2,\"id\":[0,1],\"lap_number\":[3,4],"
           "\"vehicle_name\":[\"Oreca 07\",\"Porsche 963\"],\"track_name\":\"Le Mans\",\"gear\":4,\"fuel\":55.25,"
           "\"front_tire_compound_name\":\"Medium\",\"electric_boost_motor_state\":2,\"wheel_0_flat\":1,"
           "\"wheel_0_terrain_name\":\"ROAD\",\"engine_rpm\":\"1000+version+vehicle\",\"elapsed_time\":\"version/100\","
           "\"wheel_3_temperature_2\":\"350+version\",\"offsets\":{\"fuel\":%zu,\"electric_boost_motor_state\":%zu,"
           "\"wheels\":%zu}}\n",
           sizeof(rf2_telemetry), sizeof(rf2_vehicle_telemetry), offsetof(rf2_vehicle_telemetry, mFuel),
           offsetof(rf2_vehicle_telemetry, mElectricBoostMotorState), offsetof(rf2_vehicle_telemetry, mWheels));
    fflush(stdout);
    for (uint32_t n = 2; !done; n++) {
        rf2_frame(t, n);
        nap_ms(20); /* rFactor 2's telemetry: 50 Hz */
    }
    return 0;
}

/* ---- HWiNFO ---- */
static int run_hwinfo(int dead, int extra) {
    const uint32_t ns = 2, nr = 3, ss = sizeof(hwinfo_sensor) + extra, rs = sizeof(hwinfo_reading) + extra;
    size_t size = sizeof(hwinfo_header) + ns * ss + nr * rs;
    uint8_t *base = must_map("Global\\HWiNFO_SENS_SM2", size);
    mutex_t mx;
    if (open_mutex(&mx, NAME("Global\\HWiNFO_SM2_MUTEX")) != 0) {
        fprintf(stderr, "cannot open the mutex\n");
        return 4;
    }
    hwinfo_header *h = (hwinfo_header *)base;
    lock(&mx);
    memcpy(&h->dwSignature, dead ? "DEAD" : "HWiS", 4);
    h->dwVersion = 2;
    h->dwRevision = 1;
    h->dwOffsetOfSensorSection = sizeof(hwinfo_header);
    h->dwSizeOfSensorElement = ss;
    h->dwNumSensorElements = ns;
    h->dwOffsetOfReadingSection = sizeof(hwinfo_header) + ns * ss;
    h->dwSizeOfReadingElement = rs;
    h->dwNumReadingElements = nr;
    h->dwPollingPeriod = 2000;
    const char *sensors[2] = {"CPU [#0]: AMD Ryzen 9 7950X", "GPU [#0]: NVIDIA GeForce RTX 4080"};
    for (uint32_t i = 0; i < ns; i++) {
        hwinfo_sensor *s = (hwinfo_sensor *)(base + h->dwOffsetOfSensorSection + i * ss);
        s->dwSensorID = 0xF0000300u + 0x100u * i;
        snprintf(s->szSensorNameOrig, HWINFO_STRING_LEN, "%s", sensors[i]);
        snprintf(s->szSensorNameUser, HWINFO_STRING_LEN, "%s", sensors[i]);
        snprintf((char *)s->utfSensorNameUser, HWINFO_STRING_LEN, "%s", sensors[i]);
    }
    struct { uint32_t type, sensor; const char *label, *unit_ansi, *unit_utf; double value; } rd[3] = {
        {1, 0, "CPU (Tctl/Tdie)", "\xb0" "C", "\xc2\xb0" "C", 45.5}, /* 'degree C': windows-1252, UTF-8 */
        {3, 1, "GPU Fan", "RPM", "RPM", 1200},
        {7, 0, "Total CPU Usage", "%", "%", 12.5},
    };
    for (uint32_t i = 0; i < nr; i++) {
        hwinfo_reading *r = (hwinfo_reading *)(base + h->dwOffsetOfReadingSection + i * rs);
        r->tReading = rd[i].type;
        r->dwSensorIndex = rd[i].sensor;
        r->dwReadingID = 0x1000000u + i;
        snprintf(r->szLabelOrig, HWINFO_STRING_LEN, "%s", rd[i].label);
        snprintf(r->szLabelUser, HWINFO_STRING_LEN, "%s", rd[i].label);
        snprintf(r->szUnit, HWINFO_UNIT_LEN, "%s", rd[i].unit_ansi);
        snprintf((char *)r->utfLabelUser, HWINFO_STRING_LEN, "%s", rd[i].label);
        snprintf((char *)r->utfUnit, HWINFO_UNIT_LEN, "%s", rd[i].unit_utf);
        r->Value = r->ValueMin = r->ValueMax = r->ValueAvg = rd[i].value;
    }
    h->poll_time = 1700000000;
    unlock(&mx);
    printf("READY {\"header_size\":%zu,\"sensor_size\":%zu,\"reading_size\":%zu,\"extra\":%d,\"signature\":\"%s\","
           "\"sensor_names\":[\"%s\",\"%s\"],\"readings\":[[\"temp\",0,\"CPU (Tctl/Tdie)\",\"\u00b0C\",45.5],"
           "[\"fan\",1,\"GPU Fan\",\"RPM\",1200],[\"usage\",0,\"Total CPU Usage\",\"%%\",12.5]],"
           "\"poll_time\":\"1700000000+poll\",\"value_0\":\"45.5+poll\"}\n",
           sizeof(hwinfo_header), sizeof(hwinfo_sensor), sizeof(hwinfo_reading), extra, dead ? "DEAD" : "HWiS",
           sensors[0], sensors[1]);
    fflush(stdout);
    for (int n = 1; !done; n++) { /* each poll under the mutex, as HWiNFO does */
        lock(&mx);
        hwinfo_reading *r = (hwinfo_reading *)(base + h->dwOffsetOfReadingSection);
        r->Value = 45.5 + n;
        nap_ms(1); /* a reader without the mutex would see the value and the time disagree */
        h->poll_time = 1700000000 + n;
        unlock(&mx);
        nap_ms(1);
    }
    return 0;
}

/* ---- iRacing ---- */
static void iracing_frame(irsdk_header *h, uint8_t *base, event_t *ev, int32_t tick) {
    int b = tick % 3;
    uint8_t *row = base + h->varBuf[b].bufOffset;
    float speed = tick * 0.25f, pct[4] = {(tick % 100) / 100.0f, 0.5f, 0, 1};
    int32_t gear = tick % 6;
    double t = tick / 60.0;
    memcpy(row + 0, &speed, 4);
    memcpy(row + 4, &gear, 4);
    memcpy(row + 8, &t, 8);
    memcpy(row + 16, pct, 16);
    row[32] = (uint8_t)(tick % 2);
    STORE(&h->varBuf[b].tickCount, tick); /* after its row */
    pulse(ev);
}

static int run_iracing(void) {
    const size_t size = 4096;
    uint8_t *base = must_map("Local\\IRSDKMemMapFileName", size);
    event_t ev;
    if (open_event(&ev, NAME("Local\\IRSDKDataValidEvent")) != 0) {
        fprintf(stderr, "cannot open the event\n");
        return 4;
    }
    irsdk_header *h = (irsdk_header *)base;
    const char *yaml = "---\nWeekendInfo:\n TrackName: spa\n";
    struct { int32_t type, offset, count; const char *name, *desc, *unit; } vars[5] = {
        {4, 0, 1, "Speed", "GPS vehicle speed", "m/s"},
        {2, 4, 1, "Gear", "-1=reverse  0=neutral  1..n=current gear", ""},
        {5, 8, 1, "SessionTime", "Seconds since session start", "s"},
        {4, 16, 4, "CarIdxLapDistPct", "Percentage distance around lap by car index", "%"},
        {1, 32, 1, "OnPitRoad", "Is the player car on pit road between the cones", ""},
    };
    h->ver = 2;
    h->status = 1;
    h->tickRate = 60;
    h->numVars = 5;
    h->varHeaderOffset = sizeof(irsdk_header);
    h->sessionInfoOffset = sizeof(irsdk_header) + 5 * sizeof(irsdk_var_header);
    h->sessionInfoLen = (int32_t)strlen(yaml) + 1;
    h->sessionInfoUpdate = 1;
    memcpy(base + h->sessionInfoOffset, yaml, strlen(yaml));
    h->numBuf = 3;
    h->bufLen = 48;
    for (int i = 0; i < 5; i++) {
        irsdk_var_header *v = (irsdk_var_header *)(base + h->varHeaderOffset) + i;
        v->type = vars[i].type;
        v->offset = vars[i].offset;
        v->count = vars[i].count;
        snprintf(v->name, IRSDK_MAX_STRING, "%s", vars[i].name);
        snprintf(v->desc, IRSDK_MAX_DESC, "%s", vars[i].desc);
        snprintf(v->unit, IRSDK_MAX_STRING, "%s", vars[i].unit);
    }
    for (int b = 0; b < 3; b++) h->varBuf[b].bufOffset = 2048 + 64 * b;
    iracing_frame(h, base, &ev, 1);
    printf("READY {\"header_size\":%zu,\"var_header_size\":%zu,\"num_vars\":5,\"names\":[\"Speed\",\"Gear\","
           "\"SessionTime\",\"CarIdxLapDistPct\",\"OnPitRoad\"],\"units\":[\"m/s\",\"\",\"s\",\"%%\",\"\"],"
           "\"speed\":\"tick*0.25\",\"gear\":\"tick%%6\",\"session_time\":\"tick/60\","
           "\"car_idx_lap_dist_pct\":\"[tick%%100/100,0.5,0,1]\",\"on_pit_road\":\"tick%%2\",\"track\":\"spa\"}\n",
           sizeof(irsdk_header), sizeof(irsdk_var_header));
    fflush(stdout);
    for (int32_t tick = 2; !done; tick++) {
        iracing_frame(h, base, &ev, tick);
        nap_ms(16); /* 60 Hz, iRacing's tickRate: the ring gives a reader 3 frames to copy one */
    }
    return 0;
}

#include "producers_lmu.c"
#include "producers_rf2.c"
#include "producers_kunos.c"
#include "producers_ams2.c"
#include "producers_r3e.c"
#include "producers_tools.c"

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: producers acc|ac|acevo|ams2 [VERSION]|r3e [MAJOR MINOR]|rf2|hwinfo [EXTRA]|hwinfo-dead|iracing|lmu|rf2-scoring [dedicated]|scs [REV]|bms [VERSION]|afterburner [EXTRA]|afterburner-dead|rtss [EXTRA]|rtss-dead\n");
        return 2;
    }
    start_watch();
    const char *k = argv[1];
    int rc;
    if ((rc = run_kunos(k)) >= 0) return rc;
    if (strcmp(k, "ams2") == 0) return run_ams2(argc > 2 ? (unsigned)atoi(argv[2]) : AMS2_SHARED_MEMORY_VERSION);
    if (strcmp(k, "r3e") == 0) return run_r3e(argc > 2 ? atoi(argv[2]) : R3E_VERSION_MAJOR, argc > 3 ? atoi(argv[3]) : R3E_VERSION_MINOR);
    if (strcmp(k, "rf2") == 0) return run_rf2();
    if (strcmp(k, "hwinfo") == 0) return run_hwinfo(0, argc > 2 ? atoi(argv[2]) : 0);
    if (strcmp(k, "hwinfo-dead") == 0) return run_hwinfo(1, 0);
    if (strcmp(k, "iracing") == 0) return run_iracing();
    if (strcmp(k, "lmu") == 0) return run_lmu();
    if (strcmp(k, "rf2-scoring") == 0) return run_rf2_scoring(argc > 2 && strcmp(argv[2], "dedicated") == 0);
    { int rc = tools_producer(k, argc, argv); if (rc >= 0) return rc; } /* producers_tools.c */
    fprintf(stderr, "unknown producer %s\n", k);
    return 2;
}
