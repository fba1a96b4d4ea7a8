/* MSI Afterburner's hardware monitoring: the mapping MAHMSharedMemory (shared memory format v2.0), a header
 * that says where and how large its two tables are, then the data sources (one entry each) and the GPUs.
 *
 * Facts from MAHMSharedMemory.h of Afterburner's SDK (Samples\SDK\Include), as kept in
 * github.com/GTA5Oracle/EliteSpeedrunTool (RTSS/MSIAB/MAHMSharedMemory.h, commit 147c6e1a): the signature
 * 'MAHM' (0xDEAD while the memory is being freed), the version (major << 16) + minor, 0x00020000 for v2.0,
 * the members' names, order and types (MAX_PATH is 260; the poll time is a 32-bit time_t on 64-bit builds
 * too), and where the tables lie: the entries at dwHeaderSize, dwNumEntries of dwEntrySize bytes each, the GPU
 * entries right after them, dwNumGpuEntries of dwGpuEntrySize bytes. A reader uses those sizes, not sizeof:
 * a later Afterburner may grow an entry.
 *
 * Protocol: none. Afterburner rewrites the entries' data and the poll time once per polling period (1 s by
 * default, Settings > Monitoring); time names the poll. */
#ifndef SHMBRIDGE_AFTERBURNER_H
#define SHMBRIDGE_AFTERBURNER_H
#include <stddef.h>
#include <stdint.h>

#define MAHM_SIGNATURE 0x4D41484Du /* 'MAHM' as MSVC reads the multi-character constant */
#define MAHM_DEAD 0xDEADu
#define MAHM_VERSION_2_0 0x00020000u
#define MAHM_PATH 260 /* MAX_PATH */

struct mahm_header {
    uint32_t dwSignature;
    uint32_t dwVersion;
    uint32_t dwHeaderSize; /* where the entries start */
    uint32_t dwNumEntries;
    uint32_t dwEntrySize;
    int32_t time; /* the last poll, seconds since 1970 */
    /* v2.0 */
    uint32_t dwNumGpuEntries;
    uint32_t dwGpuEntrySize;
};

/* One data source ("GPU temperature", "Framerate", ...). */
struct mahm_entry {
    char szSrcName[MAHM_PATH];
    char szSrcUnits[MAHM_PATH];
    char szLocalizedSrcName[MAHM_PATH]; /* in the language of Afterburner's interface */
    char szLocalizedSrcUnits[MAHM_PATH];
    char szRecommendedFormat[MAHM_PATH]; /* a printf format, "%.0f" */
    float data;     /* the last value polled; FLT_MAX when there is none */
    float minLimit; /* the graph's range */
    float maxLimit;
    uint32_t dwFlags; /* 1 shown in the OSD, 2 on the keyboard LCD, 4 in the tray */
    /* v2.0 */
    uint32_t dwGpu;   /* the GPU's index, 0xFFFFFFFF for a source of no GPU (the framerate) */
    uint32_t dwSrcId; /* what is measured: 0x00 GPU temperature, 0x20 core clock, 0x50 framerate, ... */
};

/* One GPU. */
struct mahm_gpu_entry {
    char szGpuId[MAHM_PATH]; /* VEN_xxxx&DEV_xxxx&SUBSYS_xxxxxxxx&REV_xx&BUS_n&DEV_n&FN_n */
    char szFamily[MAHM_PATH];
    char szDevice[MAHM_PATH];
    char szDriver[MAHM_PATH];
    char szBIOS[MAHM_PATH];
    uint32_t dwMemAmount; /* KB */
};

_Static_assert(sizeof(struct mahm_header) == 32, "the v2.0 header is 32 bytes");
_Static_assert(offsetof(struct mahm_header, time) == 20, "the poll time at 20");
_Static_assert(sizeof(struct mahm_entry) == 1324, "an entry is 1324 bytes");
_Static_assert(offsetof(struct mahm_entry, data) == 1300, "the data after five paths");
_Static_assert(sizeof(struct mahm_gpu_entry) == 1304, "a GPU entry is 1304 bytes");

#endif
