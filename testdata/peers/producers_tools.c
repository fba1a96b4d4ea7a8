/* Native producers of the truck, flight and hardware-monitor layouts (included by producers.c, whose helpers
 * they use): each fills the exact structs of internal/catalogue/src (the layouts are made from those headers),
 * prints READY {what it wrote} and writes by the producer's protocol at its rate until stdin closes.
 *
 *   producers scs [REV]          Local\SCSTelemetry (32 KiB), plugin revision REV (10), a frame each 16 ms:
 *                                time first, then the channels, as the plugin does
 *   producers bms [VERSION2]     FalconSharedMemoryArea and ...Area2 (FlightData2 version VERSION2, 22): each
 *                                struct made whole and copied in once a frame (16 ms), as BMS does
 *   producers afterburner [N]    MAHMSharedMemory: 3 sources and a GPU, N extra bytes per entry (a later
 *                                Afterburner); a poll each second: the data, then time
 *   producers afterburner-dead   the same, its signature 0xDEAD
 *   producers rtss [N]           RTSSSharedMemoryV2 (v2.20): 8 OSD slots and 256 applications, N extra bytes per
 *                                entry; one game at 62.5 frames/s: its frame time each frame (16 ms), its
 *                                framerate each 60 frames, and an OSD client's slot each second under dwBusy
 *   producers rtss-dead          the same header, its signature 0xDEAD */
#include "../../internal/catalogue/src/afterburner.h"
#include "../../internal/catalogue/src/falcon_bms.h"
#include "../../internal/catalogue/src/rtss.h"
#include "../../internal/catalogue/src/scs_telemetry.h"

/* ---- Euro Truck Simulator 2 / American Truck Simulator (scs-sdk-plugin) ---- */
static void scs_frame(struct scs_telemetry *t, uint32_t n) {
    STORE(&t->time, (uint64_t)n * 16667); /* first: the plugin writes it when a frame starts */
    t->simulatedTime = (uint64_t)n * 16667;
    t->renderTime = (uint64_t)n * 16667;
    t->truck_f.speed = n * 0.25f; /* then each channel, in place */
    t->truck_f.engineRpm = 600.0f + (float)(n % 1400);
    t->truck_i.gear = (int32_t)(n % 12) + 1;
    t->truck_dp.coordinateX = n * 0.5;
}

static int run_scs(int revision) {
    struct scs_telemetry *t = must_map("Local\\SCSTelemetry", SCS_TELEMETRY_MAPPING);
    t->sdkActive = true;
    t->scs_values.telemetry_plugin_revision = (uint32_t)revision;
    t->scs_values.version_major = 1;
    t->scs_values.version_minor = 18;
    t->scs_values.game = 1; /* ETS2 */
    t->scs_values.telemetry_version_game_major = 1;
    t->scs_values.telemetry_version_game_minor = 18;
    t->config_ui.gears = 12;
    t->config_ui.maxTrailerCount = SCS_TRAILERS;
    t->config_f.fuelCapacity = 1400.0f;
    snprintf(t->config_s.truckBrand, SCS_STRING, "Scania");
    snprintf(t->config_s.truckName, SCS_STRING, "S 730");
    snprintf(t->config_s.cargo, SCS_STRING, "Machinery");
    snprintf(t->config_s.cityDst, SCS_STRING, "M\xc3\xbcnchen"); /* UTF-8, as the SDK's strings */
    snprintf(t->substances.substance[0], SCS_STRING, "static");
    t->truck_b.parkBrake = true;
    t->gameplay_ll.jobDeliveredRevenue = -123456789012LL;
    t->trailer.trailer[0].com_b.attached = true;
    t->trailer.trailer[0].con_ui.wheelCount = 6;
    snprintf(t->trailer.trailer[0].con_s.brand, SCS_STRING, "Krone");
    t->trailer.trailer[9].com_dp.worldX = -2.5;
    scs_frame(t, 1);
    printf("READY {\"size\":%zu,\"trailer_size\":%zu,\"offsets\":{\"time\":%zu,\"scs_values\":%zu,\"truck_f\":%zu,"
           "\"truck_dp\":%zu,\"substances\":%zu,\"trailer\":%zu},\"sdk_active\":1,\"revision\":%d,\"game\":1,"
           "\"version_minor\":18,\"gears\":12,\"fuel_capacity\":1400,\"truck_brand\":\"Scania\",\"truck_name\":\"S 730\","
           "\"cargo\":\"Machinery\",\"city_dst\":\"M\u00fcnchen\",\"substance_0\":\"static\",\"park_brake\":1,"
           "\"job_delivered_revenue\":-123456789012,\"trailer_0_attached\":1,\"trailer_0_wheel_count\":6,"
           "\"trailer_0_brand\":\"Krone\",\"trailer_9_world_x\":-2.5,\"speed\":\"frame*0.25\","
           "\"coordinate_x\":\"frame*0.5\",\"time\":\"frame*16667\"}\n",
           sizeof(struct scs_telemetry), sizeof(struct scs_trailer), offsetof(struct scs_telemetry, time),
           offsetof(struct scs_telemetry, scs_values), offsetof(struct scs_telemetry, truck_f),
           offsetof(struct scs_telemetry, truck_dp), offsetof(struct scs_telemetry, substances),
           offsetof(struct scs_telemetry, trailer), revision);
    fflush(stdout);
    for (uint32_t n = 2; !done; n++) {
        scs_frame(t, n);
        nap_ms(16); /* a frame of the game at 60 frames/s */
    }
    return 0;
}

/* ---- Falcon BMS ---- */
static void bms_frame(struct bms_flight_data *area, struct bms_flight_data2 *area2, struct bms_flight_data *f,
                      struct bms_flight_data2 *f2, int32_t n) {
    f->x = (float)n; /* the frame made whole, then copied in, as BMS does */
    f->kias = 300.0f + (float)(n % 100);
    f->z = -10000.0f - (float)(n % 1000);
    f2->currentTime = 43200 + n / 60;
    f2->turnRate = (float)(n % 10);
    memcpy(area, f, sizeof *f);
    memcpy(area2, f2, sizeof *f2);
}

static int run_bms(int version2) {
    struct bms_flight_data *area = must_map("FalconSharedMemoryArea", sizeof(struct bms_flight_data));
    struct bms_flight_data2 *area2 = must_map("FalconSharedMemoryArea2", sizeof(struct bms_flight_data2));
    static struct bms_flight_data f;
    static struct bms_flight_data2 f2;
    f.VersionNum = 118;
    f.rpm = 85.5f;
    f.lightBits = 0xC0000000u; /* AutoPilotOn, TFR_STBY: bit 31, unsigned since version 116 */
    f.lightBits3 = 0x20000000u; /* Inlet_Icing */
    snprintf(f.DEDLines[0], 26, " UHF  242.00  STPT \x01  8");
    snprintf(f.DEDLines[4], 26, " 10:42:07      M3 \xb0 12");
    f.RwrObjectCount = 2;
    f.RWRsymbol[1] = 101;
    f.bearing[39] = 1.25f;
    f.newDetection[39] = 1;
    f.total = 7200.0f;
    f.MainPower = 2;
    f2.VersionNum = version2;
    f2.navMode = 2;
    f2.tacanInfo[1] = 3;
    f2.cmdsMode = CmdsAUTO;
    f2.vehicleACD = 17;
    f2.RwrInfo[0] = 0xff;
    f2.pilotsOnline = 2;
    snprintf(f2.pilotsCallsign[0], BMS_CALLSIGN_LEN, "Viper1");
    snprintf(f2.pilotsCallsign[31], BMS_CALLSIGN_LEN, "Cobra4");
    f2.pilotsStatus[0] = 3; /* flying */
    f2.RTT_area[6][3] = 1080;
    f2.BMSVersionMajor = 4;
    f2.BMSVersionMinor = 38;
    f2.BMSVersionMicro = 1;
    f2.BMSBuildNumber = 42000;
    f2.ecmBits[4] = 0x10;
    f2.RWRjammingStatus[39] = 2;
    f2.iffTransponderActiveCode1 = -1;
    f2.iffTransponderActiveCode4 = 4321;
    f2.tacan_ils_frequency = 11030;
    f2.desired_RTT_FPS = 30;
    f2.sideSlipdeg = -0.5f;
    bms_frame(area, area2, &f, &f2, 1);
    printf("READY {\"sizes\":[%zu,%zu],\"offsets\":{\"version_num\":%zu,\"new_detection\":%zu,\"main_power\":%zu,"
           "\"version_num2\":%zu,\"pilots_callsign\":%zu,\"rwr_jamming_status\":%zu,\"side_slipdeg\":%zu},"
           "\"version_num\":118,\"rpm\":85.5,\"light_bits\":3221225472,\"light_bits3\":536870912,"
           "\"ded_lines\":[\" UHF  242.00  STPT \\u0001  8\",\"\",\"\",\"\",\" 10:42:07      M3 \u00b0 12\"],"
           "\"rwr_object_count\":2,\"rwr_symbol_1\":101,\"bearing_39\":1.25,\"new_detection_39\":1,\"total\":7200,"
           "\"main_power\":2,\"version_num2\":%d,\"nav_mode\":2,\"tacan_info\":[0,3],\"cmds_mode\":\"cmds_auto\","
           "\"vehicle_acd\":17,\"rwr_info_0\":255,\"pilots_online\":2,\"pilots_callsign_0\":\"Viper1\","
           "\"pilots_callsign_31\":\"Cobra4\",\"pilots_status_0\":3,\"rtt_area_6_3\":1080,\"bms_version\":[4,38,1,42000],"
           "\"ecm_bits_4\":16,\"rwr_jamming_status_39\":2,\"iff_transponder_active_code1\":-1,"
           "\"iff_transponder_active_code4\":4321,\"tacan_ils_frequency\":11030,\"desired_rtt_fps\":30,"
           "\"side_slipdeg\":-0.5,\"x\":\"frame\",\"kias\":\"300+frame%%100\",\"current_time\":\"43200+frame/60\"}\n",
           sizeof(struct bms_flight_data), sizeof(struct bms_flight_data2), offsetof(struct bms_flight_data, VersionNum),
           offsetof(struct bms_flight_data, newDetection), offsetof(struct bms_flight_data, MainPower),
           offsetof(struct bms_flight_data2, VersionNum), offsetof(struct bms_flight_data2, pilotsCallsign),
           offsetof(struct bms_flight_data2, RWRjammingStatus), offsetof(struct bms_flight_data2, sideSlipdeg), version2);
    fflush(stdout);
    for (int32_t n = 2; !done; n++) {
        bms_frame(area, area2, &f, &f2, n);
        nap_ms(16); /* a simulation frame at 60 frames/s */
    }
    return 0;
}

/* ---- MSI Afterburner ---- */
static int run_afterburner(int dead, int extra) {
    const uint32_t ne = 3, ng = 1, es = sizeof(struct mahm_entry) + extra, gs = sizeof(struct mahm_gpu_entry) + extra;
    uint8_t *base = must_map("MAHMSharedMemory", sizeof(struct mahm_header) + ne * es + ng * gs);
    struct mahm_header *h = (struct mahm_header *)base;
    h->dwVersion = MAHM_VERSION_2_0;
    h->dwHeaderSize = sizeof(struct mahm_header);
    h->dwNumEntries = ne;
    h->dwEntrySize = es;
    h->dwNumGpuEntries = ng;
    h->dwGpuEntrySize = gs;
    struct { const char *name, *units, *format; float data, max; uint32_t gpu, id; } src[3] = {
        {"GPU temperature", "\xb0" "C", "%.0f", 45, 100, 0, 0x00}, /* degree C in windows-1252 */
        {"Core clock", "MHz", "%.0f", 1800, 3000, 0, 0x20},
        {"Framerate", "FPS", "%.0f", 60, 200, 0xFFFFFFFFu, 0x50},
    };
    struct mahm_entry *e[3];
    for (uint32_t i = 0; i < ne; i++) {
        e[i] = (struct mahm_entry *)(base + h->dwHeaderSize + i * es);
        snprintf(e[i]->szSrcName, MAHM_PATH, "%s", src[i].name);
        snprintf(e[i]->szSrcUnits, MAHM_PATH, "%s", src[i].units);
        snprintf(e[i]->szLocalizedSrcName, MAHM_PATH, "%s", src[i].name);
        snprintf(e[i]->szLocalizedSrcUnits, MAHM_PATH, "%s", src[i].units);
        snprintf(e[i]->szRecommendedFormat, MAHM_PATH, "%s", src[i].format);
        e[i]->data = src[i].data;
        e[i]->maxLimit = src[i].max;
        e[i]->dwFlags = 1; /* shown in the OSD */
        e[i]->dwGpu = src[i].gpu;
        e[i]->dwSrcId = src[i].id;
    }
    struct mahm_gpu_entry *g = (struct mahm_gpu_entry *)(base + h->dwHeaderSize + ne * es);
    snprintf(g->szGpuId, MAHM_PATH, "VEN_10DE&DEV_2704&SUBSYS_40BF1458&REV_A1&BUS_1&DEV_0&FN_0");
    snprintf(g->szFamily, MAHM_PATH, "AD103");
    snprintf(g->szDevice, MAHM_PATH, "NVIDIA GeForce RTX 4080");
    snprintf(g->szDriver, MAHM_PATH, "32.0.15.6094, GeForce 560.94");
    snprintf(g->szBIOS, MAHM_PATH, "95.03.1B.00.8E");
    g->dwMemAmount = 16777216;
    h->time = 1700000000;
    STORE(&h->dwSignature, dead ? MAHM_DEAD : MAHM_SIGNATURE); /* last: the memory is ready */
    printf("READY {\"header_size\":%zu,\"entry_size\":%zu,\"gpu_entry_size\":%zu,\"extra\":%d,\"signature\":%u,"
           "\"entries\":[[\"GPU temperature\",\"\u00b0C\",\"gpu_temperature\",0,45],"
           "[\"Core clock\",\"MHz\",\"core_clock\",0,1800],[\"Framerate\",\"FPS\",\"framerate\",4294967295,60]],"
           "\"gpu\":[\"VEN_10DE&DEV_2704&SUBSYS_40BF1458&REV_A1&BUS_1&DEV_0&FN_0\",\"AD103\","
           "\"NVIDIA GeForce RTX 4080\",\"32.0.15.6094, GeForce 560.94\",\"95.03.1B.00.8E\",16777216],"
           "\"time\":\"1700000000+poll\",\"core_clock\":\"1800+poll\",\"offsets\":{\"time\":%zu,\"data\":%zu,"
           "\"dw_src_id\":%zu,\"dw_mem_amount\":%zu}}\n",
           sizeof(struct mahm_header), sizeof(struct mahm_entry), sizeof(struct mahm_gpu_entry), extra,
           (unsigned)(dead ? MAHM_DEAD : MAHM_SIGNATURE), offsetof(struct mahm_header, time),
           offsetof(struct mahm_entry, data), offsetof(struct mahm_entry, dwSrcId),
           offsetof(struct mahm_gpu_entry, dwMemAmount));
    fflush(stdout);
    for (int32_t n = 1; !done; n++) {
        for (int i = 0; i < 10 && !done; i++) nap_ms(100); /* Afterburner's default polling period: 1 s */
        e[0]->data = 45.0f + (float)(n % 10);
        e[1]->data = 1800.0f + (float)n;
        e[2]->data = 60.0f + (float)(n % 30);
        STORE(&h->time, 1700000000 + n); /* after the data: the poll */
    }
    return 0;
}

/* ---- RivaTuner Statistics Server ---- */
static int rtss_take(struct rtss_header *h) { return (__atomic_fetch_or(&h->dwBusy, 1, __ATOMIC_ACQUIRE) & 1) == 0; }
static void rtss_give(struct rtss_header *h) { __atomic_fetch_and(&h->dwBusy, ~1, __ATOMIC_RELEASE); }

/* The OSD client's slot (slot 0 is the primary client's, third parties start at 1), written under dwBusy. */
static void rtss_osd(struct rtss_header *h, struct rtss_osd_entry *slot, int n) {
    while (!rtss_take(h)) { /* a reader holds it for one copy */
        if (done) return;
        nap_ms(1);
    }
    snprintf(slot->szOSD, sizeof slot->szOSD, "CPU 45\xb0" "C  poll %d", n);
    snprintf(slot->szOSDEx, sizeof slot->szOSDEx, "<C0=FFA0A0>CPU<C> 45\xb0" "C  poll %d", n);
    snprintf(slot->szOSDEx2, sizeof slot->szOSDEx2, "poll %d", n);
    rtss_give(h);
}

static int run_rtss(int dead, int extra) {
    const uint32_t os = sizeof(struct rtss_osd_entry) + extra, as = sizeof(struct rtss_app_entry) + extra;
    const uint32_t oo = offsetof(struct rtss_shared_memory, arrOSD);
    const uint32_t ao = oo + RTSS_OSD_SLOTS * os;
    uint8_t *base = must_map("RTSSSharedMemoryV2", ao + RTSS_APPS * as);
    struct rtss_header *h = (struct rtss_header *)base;
    h->dwVersion = 0x00020014; /* v2.20 */
    h->dwOSDEntrySize = os;
    h->dwOSDArrOffset = oo;
    h->dwOSDArrSize = RTSS_OSD_SLOTS;
    h->dwAppEntrySize = as;
    h->dwAppArrOffset = ao;
    h->dwAppArrSize = RTSS_APPS;
    h->dwOSDFrame = 7;
    h->dwLastForegroundApp = 2;
    h->dwLastForegroundAppProcessID = 4242;
    h->dwProcessPerfCountersEntrySize = sizeof(struct rtss_perf_counter);
    h->dwProcessPerfCountersArrOffset = offsetof(struct rtss_app_entry, arrPerfCounters);
    h->qwLatencyMarkerSetTimestamp = 123456789012345LL;
    struct rtss_osd_entry *slot = (struct rtss_osd_entry *)(base + oo + 1 * os);
    snprintf(slot->szOSDOwner, sizeof slot->szOSDOwner, "producers");
    struct rtss_app_entry *app = (struct rtss_app_entry *)(base + ao + 2 * as); /* entries 0 and 1 free */
    app->dwProcessID = 4242;
    snprintf(app->szName, RTSS_PATH, "C:\\Games\\ACC\\AC2\\Binaries\\Win64\\AC2-Win64-Shipping.exe");
    app->dwFlags = 0x10007; /* D3D11, x64 */
    app->dwResolutionX = 2560;
    app->dwResolutionY = 1440;
    app->dwStatFrameTimeBufPos = 17;
    app->qwStatTotalTime = -5;
    app->dwProcessPerfCountersCount = 2;
    app->arrPerfCounters[0] = (struct rtss_perf_counter){1, 0, 2048000};           /* RAM usage */
    app->arrPerfCounters[1] = (struct rtss_perf_counter){0x100, 0x100, 6144000};   /* VRAM of the GPU on bus 1 */
    rtss_osd(h, slot, 0);
    app->dwFrameTime = 16000;
    STORE(&h->dwSignature, dead ? RTSS_DEAD : RTSS_SIGNATURE); /* last: the memory is ready */
    printf("READY {\"sizes\":{\"header\":%zu,\"osd\":%zu,\"app\":%zu,\"perf_counter\":%zu},\"extra\":%d,\"version\":131092,"
           "\"signature\":%u,\"osd_arr_offset\":%u,\"app_arr_offset\":%u,\"osd_owner\":\"producers\","
           "\"osd\":\"CPU 45\u00b0C  poll N\",\"osd_ex\":\"<C0=FFA0A0>CPU<C> 45\u00b0C  poll N\",\"osd_ex2\":\"poll N\","
           "\"app\":2,\"process_id\":4242,\"name\":\"C:\\\\Games\\\\ACC\\\\AC2\\\\Binaries\\\\Win64\\\\AC2-Win64-Shipping.exe\","
           "\"flags\":65543,\"resolution\":[2560,1440],\"stat_frame_time_buf_pos\":17,\"stat_total_time\":-5,"
           "\"perf_counters\":[[1,0,2048000],[256,256,6144000]],\"last_foreground_app\":2,"
           "\"latency_marker_set_timestamp\":123456789012345,\"frame_time\":\"16000+frame%%1000\","
           "\"framerate\":\"60 frames in 960 ms\",\"offsets\":{\"busy\":%zu,\"frame_time\":%zu,\"ptt\":%zu,"
           "\"resolution_x\":%zu,\"perf_counters\":%zu}}\n",
           sizeof(struct rtss_header), sizeof(struct rtss_osd_entry), sizeof(struct rtss_app_entry),
           sizeof(struct rtss_perf_counter), extra, (unsigned)(dead ? RTSS_DEAD : RTSS_SIGNATURE), oo, ao,
           offsetof(struct rtss_header, dwBusy), offsetof(struct rtss_app_entry, dwFrameTime),
           offsetof(struct rtss_app_entry, qwAudioCapturePTTEventPush), offsetof(struct rtss_app_entry, dwResolutionX),
           offsetof(struct rtss_app_entry, arrPerfCounters));
    fflush(stdout);
    for (uint32_t k = 1; !done; k++) { /* the game's frames, as RTSS's hook in it records them */
        nap_ms(16);
        app->dwFrameTime = 16000 + k % 1000;
        if (k % 60 == 0) { /* the framerate, once a second of the game's clock */
            app->dwTime0 = (k - 60) * 16;
            app->dwTime1 = k * 16;
            app->dwFrames = 60;
        }
        if (k % 62 == 0) rtss_osd(h, slot, (int)(k / 62)); /* the OSD client, about once a second */
    }
    return 0;
}

/* tools_producer runs the producer kind of this file; -1: not one of them. */
static int tools_producer(const char *kind, int argc, char **argv) {
    int arg = argc > 2 ? atoi(argv[2]) : -1;
    if (strcmp(kind, "scs") == 0) return run_scs(arg >= 0 ? arg : 10);
    if (strcmp(kind, "bms") == 0) return run_bms(arg >= 0 ? arg : 22);
    if (strcmp(kind, "afterburner") == 0) return run_afterburner(0, arg > 0 ? arg : 0);
    if (strcmp(kind, "afterburner-dead") == 0) return run_afterburner(1, 0);
    if (strcmp(kind, "rtss") == 0) return run_rtss(0, arg > 0 ? arg : 0);
    if (strcmp(kind, "rtss-dead") == 0) return run_rtss(1, 0);
    return -1;
}
