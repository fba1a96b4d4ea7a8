/* RivaTuner Statistics Server: the mapping RTSSSharedMemoryV2 (shared memory format v2.x, here up to v2.20),
 * a header that says where its OSD slots and application entries are and how large each is, then those two
 * tables.
 *
 * Facts from RTSSSharedMemory.h of RTSS's SDK (SDK\Include), as kept in github.com/GTA5Oracle/EliteSpeedrunTool
 * (RTSS/RTSSSharedMemory.h, commit 147c6e1a): the signature 'RTSS' (0xDEAD while the memory is being freed),
 * the version (major << 16) + minor, the members' names, order and types (MAX_PATH is 260, LARGE_INTEGER an
 * 8-byte integer aligned on 8, LONG 4 bytes), the version that added each member, and where the tables lie:
 * dwOSDArrSize slots of dwOSDEntrySize bytes at dwOSDArrOffset, dwAppArrSize entries of dwAppEntrySize bytes
 * at dwAppArrOffset, and in each entry (v2.18) dwProcessPerfCountersCount counters of
 * dwProcessPerfCountersEntrySize bytes at dwProcessPerfCountersArrOffset from the entry's start. A reader uses
 * those, never the struct's own arrays: RTSS says its arrays may move and grow.
 *
 * Protocol: OSD clients (Afterburner, HWiNFO, ...) set bit 0 of dwBusy while they write their slot and clear
 * it after (v2.14); RTSS's hooks rewrite each application's entry as its frames are presented. */
#ifndef SHMBRIDGE_RTSS_H
#define SHMBRIDGE_RTSS_H
#include <stddef.h>
#include <stdint.h>

#define RTSS_SIGNATURE 0x52545353u /* 'RTSS' as MSVC reads the multi-character constant */
#define RTSS_DEAD 0xDEADu
#define RTSS_PATH 260 /* MAX_PATH */
#define RTSS_OSD_SLOTS 8
#define RTSS_APPS 256
#define RTSS_PERF_COUNTERS 256

/* The header: 96 bytes in v2.19 and later. */
struct rtss_header {
    uint32_t dwSignature;
    uint32_t dwVersion;
    uint32_t dwAppEntrySize;
    uint32_t dwAppArrOffset;
    uint32_t dwAppArrSize;
    uint32_t dwOSDEntrySize;
    uint32_t dwOSDArrOffset;
    uint32_t dwOSDArrSize;
    uint32_t dwOSDFrame; /* bumped to make RTSS redraw every OSD */
    /* v2.14 */
    int32_t dwBusy; /* bit 0: an OSD client is writing */
    /* v2.15 */
    uint32_t dwDesktopVideoCaptureFlags;
    uint32_t dwDesktopVideoCaptureStat[5];
    /* v2.16 */
    uint32_t dwLastForegroundApp; /* the index of the application entry last in the foreground */
    uint32_t dwLastForegroundAppProcessID;
    /* v2.18 */
    uint32_t dwProcessPerfCountersEntrySize;
    uint32_t dwProcessPerfCountersArrOffset; /* from the start of an application entry */
    /* v2.19 */
    int64_t qwLatencyMarkerSetTimestamp;
    int64_t qwLatencyMarkerResetTimestamp;
};

/* An OSD slot: the text a client shows over the game. */
struct rtss_osd_entry {
    char szOSD[256];
    char szOSDOwner[256]; /* the client that owns the slot */
    /* v2.7 */
    char szOSDEx[4096]; /* the text, when longer than 255 */
    /* v2.12 */
    uint8_t buffer[262144]; /* embedded objects (graphs) the text refers to */
    /* v2.20 */
    char szOSDEx2[32768];
};

/* A per-process counter (v2.18): 1 RAM usage, 0x100 local VRAM usage, 0x101 shared VRAM usage. */
struct rtss_perf_counter {
    uint32_t dwID;
    uint32_t dwParam; /* the GPU's PCI location for the VRAM counters */
    uint32_t dwData;
};

/* An application RTSS is hooked into. */
struct rtss_app_entry {
    uint32_t dwProcessID; /* 0: a free entry */
    char szName[RTSS_PATH]; /* the executable's path */
    uint32_t dwFlags; /* the 3D API in the low 16 bits (1 OpenGL ... 8 D3D12, 10 Vulkan), 0x10000 x64 */
    /* the framerate: dwFrames frames between dwTime0 and dwTime1 (milliseconds), once a second */
    uint32_t dwTime0;
    uint32_t dwTime1;
    uint32_t dwFrames;
    uint32_t dwFrameTime; /* the last frame's time, microseconds */
    /* statistics, while recording */
    uint32_t dwStatFlags;
    uint32_t dwStatTime0;
    uint32_t dwStatTime1;
    uint32_t dwStatFrames;
    uint32_t dwStatCount;
    uint32_t dwStatFramerateMin;
    uint32_t dwStatFramerateAvg;
    uint32_t dwStatFramerateMax;
    /* the OSD */
    uint32_t dwOSDX;
    uint32_t dwOSDY;
    uint32_t dwOSDPixel;
    uint32_t dwOSDColor;
    uint32_t dwOSDFrame;
    uint32_t dwScreenCaptureFlags;
    char szScreenCapturePath[RTSS_PATH];
    /* v2.1 */
    uint32_t dwOSDBgndColor;
    /* v2.2 */
    uint32_t dwVideoCaptureFlags;
    char szVideoCapturePath[RTSS_PATH];
    uint32_t dwVideoFramerate;
    uint32_t dwVideoFramesize;
    uint32_t dwVideoFormat;
    uint32_t dwVideoQuality;
    uint32_t dwVideoCaptureThreads;
    uint32_t dwScreenCaptureQuality;
    uint32_t dwScreenCaptureThreads;
    /* v2.3 */
    uint32_t dwAudioCaptureFlags;
    /* v2.4 */
    uint32_t dwVideoCaptureFlagsEx;
    /* v2.5 */
    uint32_t dwAudioCaptureFlags2;
    uint32_t dwStatFrameTimeMin;
    uint32_t dwStatFrameTimeAvg;
    uint32_t dwStatFrameTimeMax;
    uint32_t dwStatFrameTimeCount;
    uint32_t dwStatFrameTimeBuf[1024]; /* a ring of frame times */
    uint32_t dwStatFrameTimeBufPos;
    uint32_t dwStatFrameTimeBufFramerate;
    /* v2.6 */
    int64_t qwAudioCapturePTTEventPush;
    int64_t qwAudioCapturePTTEventRelease;
    int64_t qwAudioCapturePTTEventPush2;
    int64_t qwAudioCapturePTTEventRelease2;
    /* v2.8 */
    uint32_t dwPrerecordSizeLimit;
    uint32_t dwPrerecordTimeLimit;
    /* v2.13 */
    int64_t qwStatTotalTime;
    uint32_t dwStatFrameTimeLowBuf[1024];
    uint32_t dwStatFramerate1Dot0PercentLow;
    uint32_t dwStatFramerate0Dot1PercentLow;
    /* v2.17 */
    uint32_t dw1Dot0PercentLowBufPos;
    uint32_t dw0Dot1PercentLowBufPos;
    /* v2.18 */
    uint32_t dwProcessPerfCountersFlags;
    uint32_t dwProcessPerfCountersCount;
    uint32_t dwProcessPerfCountersSamplingPeriod;
    uint32_t dwProcessPerfCountersSamplingTime;
    uint32_t dwProcessPerfCountersTimestamp;
    /* v2.19 */
    int64_t qwLatencyMarkerPresentTimestamp;
    /* v2.20 */
    uint32_t dwResolutionX;
    uint32_t dwResolutionY;
    /* v2.18, found through the header's offset and size */
    struct rtss_perf_counter arrPerfCounters[RTSS_PERF_COUNTERS];
};

/* The whole mapping as RTSS v2.20 lays it out (the video capture parameters that follow the applications,
 * v2.9, are left out: their offset is computed, their struct is another header's). */
struct rtss_shared_memory {
    struct rtss_header header;
    struct rtss_osd_entry arrOSD[RTSS_OSD_SLOTS];
    struct rtss_app_entry arrApp[RTSS_APPS];
};

_Static_assert(sizeof(struct rtss_header) == 96, "the v2.19 header is 96 bytes");
_Static_assert(offsetof(struct rtss_header, dwBusy) == 36, "dwBusy at 36");
_Static_assert(sizeof(struct rtss_osd_entry) == 299520, "an OSD slot is 299520 bytes");
_Static_assert(offsetof(struct rtss_app_entry, qwAudioCapturePTTEventPush) == 5032, "8-byte alignment");
_Static_assert(sizeof(struct rtss_app_entry) == 12304, "an application entry is 12304 bytes");

#endif
