/* A native Linux peer for shmbridge's synchronization interop tests: shm_open mappings plus the events and
 * mutexes of shm/include/shmbridge_sync.h. The same roles as sync_peer_win.c:
 *
 *   sync_peer server MAP READY ACK TEXT  create the mapping and two auto-reset events, write TEXT (NUL-terminated),
 *                                        print READY, set READY, wait up to 20 s for ACK: exit 0 if it came, 5 if not
 *   sync_peer client MAP READY ACK       open them (retrying up to 10 s), wait up to 20 s for READY, print the
 *                                        text as hex, set ACK; exit 0, or 5 if READY never came
 *   sync_peer hold MUTEX MS              open the mutex, lock it, print LOCKED, sleep MS, unlock, print RELEASED
 *   sync_peer abandon MUTEX              open the mutex, lock it, print LOCKED, exit without unlocking
 *   sync_peer tick MAP EVENT N MS        open the mapping (4 KiB) and EVENT ("-": none); N times, every MS ms:
 *                                        write the count (uint32, little-endian) at 0 and its low byte over bytes
 *                                        4-63 (64 bytes changed), then set EVENT, and reset it 5 ms later (a
 *                                        manual-reset event fires once per tick); print DONE
 *   sync_peer stamp MAP N MS             open the mapping; N times, every MS ms, write the wall-clock time in
 *                                        milliseconds since 1970 (uint64, little-endian) at 0; print DONE
 *   sync_peer poll MAP OFF N MS          open the mapping (retrying up to 10 s); N times, every MS ms, print the
 *                                        int32 at OFF
 *   sync_peer stampns MAP EVENT N US     open the mapping and EVENT ("-": none); N times, every US µs, fill bytes
 *                                        8-1031 with the frame's number, store CLOCK_MONOTONIC in ns (uint64) at 0,
 *                                        and set EVENT; print DONE
 *   sync_peer latency MAP N MS           open the mapping; poll the uint64 at 0 (every 20 µs) until it changed N
 *                                        times, or nothing changed for MS ms (60 s before the first change),
 *                                        printing the age of each new value (ns, against CLOCK_MONOTONIC): the
 *                                        latency of a stampns producer's frame
 *   sync_peer follow MAP EVENT N OFF STRIDE K
 *                                        open the mapping and EVENT (retrying up to 10 s); N times, wait up to
 *                                        10 s for EVENT and print the largest of K int32s at OFF, OFF+STRIDE, …
 *                                        (a ring's tick counters: the newest frame); print DONE
 *
 * MAP is a /dev/shm name, or an absolute path: a file, mapped as a file-backed mapping's.
 * Exit codes: 0 ok, 2 usage, 4 failure, 5 timeout. */
#include "../../shm/include/shmbridge_sync.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE 4096

static void ready(const char *what) { printf("%s\n", what); fflush(stdout); }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char *map_shm(const char *name, int create) {
    char path[300];
    snprintf(path, sizeof path, "/%s", name);
    /* An absolute path is a file (a file-backed mapping's); a name, /dev/shm's. */
    int fd = name[0] == '/' ? open(name, O_RDWR | (create ? O_CREAT | O_EXCL : 0), 0600)
                            : shm_open(path, O_RDWR | (create ? O_CREAT | O_EXCL : 0), 0600);
    if (fd < 0) return NULL;
    if (create && ftruncate(fd, SIZE) != 0) return NULL;
    char *v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return v == MAP_FAILED ? NULL : v;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    const char *role = argv[1];
    if (strcmp(role, "server") == 0 && argc == 6) {
        char *view = map_shm(argv[2], 1);
        shmbridge_event_t *rd = shmbridge_event_open(argv[3], 1, 0, 0), *ack = shmbridge_event_open(argv[4], 1, 0, 0);
        if (!view || !rd || !ack) { perror("server"); return 4; }
        memcpy(view, argv[5], strlen(argv[5]) + 1);
        ready("READY");
        shmbridge_event_set(rd);
        return shmbridge_event_wait(ack, 20000) ? 0 : 5;
    }
    if (strcmp(role, "client") == 0 && argc == 5) {
        char *view = NULL;
        shmbridge_event_t *rd = NULL, *ack = NULL;
        for (int i = 0; i < 1000 && !(view && rd && ack); i++) {
            if (!view) view = map_shm(argv[2], 0);
            if (!rd) rd = shmbridge_event_open(argv[3], 0, 0, 0);
            if (!ack) ack = shmbridge_event_open(argv[4], 0, 0, 0);
            if (!(view && rd && ack)) usleep(10000);
        }
        if (!view || !rd || !ack) { perror("client"); return 4; }
        ready("OPENED");
        if (!shmbridge_event_wait(rd, 20000)) return 5;
        for (const char *p = view; *p && p < view + SIZE; p++) printf("%02x", (unsigned char)*p);
        printf("\n");
        fflush(stdout);
        shmbridge_event_set(ack);
        return 0;
    }
    if ((strcmp(role, "hold") == 0 && argc == 4) || (strcmp(role, "abandon") == 0 && argc == 3)) {
        shmbridge_mutex_t m;
        if (shmbridge_mutex_open(&m, argv[2], 1) != 0) { perror("mutex"); return 4; }
        if (shmbridge_mutex_lock(&m) < 0) { perror("lock"); return 4; }
        ready("LOCKED");
        if (strcmp(role, "abandon") == 0) _exit(0); /* the kernel drops the flock; the owner word stays */
        usleep(atoi(argv[3]) * 1000);
        shmbridge_mutex_unlock(&m);
        ready("RELEASED");
        return 0;
    }
    if (strcmp(role, "tick") == 0 && argc == 6) {
        char *view = map_shm(argv[2], 0);
        shmbridge_event_t *ev = strcmp(argv[3], "-") == 0 ? NULL : shmbridge_event_open(argv[3], 0, 0, 0);
        if (!view || (strcmp(argv[3], "-") != 0 && !ev)) { perror("tick"); return 4; }
        int n = atoi(argv[4]), ms = atoi(argv[5]);
        for (unsigned i = 1; i <= (unsigned)n; i++) {
            memset(view + 4, (int)(i & 0xff), 60);
            __atomic_store_n((unsigned *)view, i, __ATOMIC_SEQ_CST);
            if (ev) {
                shmbridge_event_set(ev);
                usleep(5000);
                shmbridge_event_reset(ev);
            }
            usleep((ms > 5 && ev ? ms - 5 : ms) * 1000);
        }
        ready("DONE");
        return 0;
    }
    if (strcmp(role, "stampns") == 0 && argc == 6) {
        char *view = map_shm(argv[2], 0);
        shmbridge_event_t *ev = strcmp(argv[3], "-") == 0 ? NULL : shmbridge_event_open(argv[3], 0, 0, 0);
        if (!view || (strcmp(argv[3], "-") != 0 && !ev)) { perror("stampns"); return 4; }
        int n = atoi(argv[4]), us = atoi(argv[5]);
        for (int i = 1; i <= n; i++) {
            memset(view + 8, i & 0xff, 1024);
            __atomic_store_n((uint64_t *)view, now_ns(), __ATOMIC_SEQ_CST);
            if (ev) shmbridge_event_set(ev);
            usleep(us);
        }
        ready("DONE");
        return 0;
    }
    if (strcmp(role, "latency") == 0 && argc == 5) {
        char *view = NULL;
        for (int i = 0; i < 1000 && !view; i++)
            if (!(view = map_shm(argv[2], 0))) usleep(10000);
        if (!view) { perror("latency"); return 4; }
        int n = atoi(argv[3]);
        uint64_t idle = (uint64_t)atoi(argv[4]) * 1000000, until = now_ns() + 60000000000u;
        uint64_t last = __atomic_load_n((uint64_t *)view, __ATOMIC_SEQ_CST);
        struct timespec pause = {0, 20000};
        for (int seen = 0; seen < n && now_ns() < until;) {
            uint64_t v = __atomic_load_n((uint64_t *)view, __ATOMIC_SEQ_CST);
            if (v != last) {
                uint64_t now = now_ns();
                printf("%llu\n", (unsigned long long)(now - v));
                last = v;
                seen++;
                until = now + idle;
            } else {
                nanosleep(&pause, NULL);
            }
        }
        fflush(stdout);
        return 0;
    }
    if (strcmp(role, "poll") == 0 && argc == 6) {
        char *view = NULL;
        for (int i = 0; i < 1000 && !view; i++)
            if (!(view = map_shm(argv[2], 0))) usleep(10000);
        if (!view) { perror("poll"); return 4; }
        int off = atoi(argv[3]), n = atoi(argv[4]), ms = atoi(argv[5]);
        if (off < 0 || off + 4 > SIZE) return 2;
        for (int i = 0; i < n; i++) {
            printf("%d\n", __atomic_load_n((int *)(view + off), __ATOMIC_SEQ_CST));
            fflush(stdout);
            usleep(ms * 1000);
        }
        return 0;
    }
    if (strcmp(role, "follow") == 0 && argc == 8) {
        char *view = NULL;
        shmbridge_event_t *ev = NULL;
        for (int i = 0; i < 1000 && !(view && ev); i++) {
            if (!view) view = map_shm(argv[2], 0);
            if (!ev) ev = shmbridge_event_open(argv[3], 0, 0, 0);
            if (!(view && ev)) usleep(10000);
        }
        if (!view || !ev) { perror("follow"); return 4; }
        ready("OPENED");
        int n = atoi(argv[4]), off = atoi(argv[5]), stride = atoi(argv[6]), k = atoi(argv[7]);
        if (off < 0 || stride < 0 || k < 1 || off + (k - 1) * stride + 4 > SIZE) return 2;
        for (int i = 0; i < n; i++) {
            if (!shmbridge_event_wait(ev, 10000)) return 5;
            int newest = 0;
            for (int j = 0; j < k; j++) {
                int v = __atomic_load_n((int *)(view + off + j * stride), __ATOMIC_SEQ_CST);
                if (j == 0 || v > newest) newest = v;
            }
            printf("%d\n", newest);
            fflush(stdout);
        }
        ready("DONE");
        return 0;
    }
    if (strcmp(role, "stamp") == 0 && argc == 5) {
        char *view = map_shm(argv[2], 0);
        if (!view) { perror("stamp"); return 4; }
        int n = atoi(argv[3]), ms = atoi(argv[4]);
        for (int i = 0; i < n; i++) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
            __atomic_store_n((uint64_t *)view, now, __ATOMIC_SEQ_CST); /* x86-64 and arm64: little-endian */
            usleep(ms * 1000);
        }
        ready("DONE");
        return 0;
    }
    return 2;
}
