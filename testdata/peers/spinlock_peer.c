/* A native producer that shares a spinlock with its readers as Le Mans Ultimate does, for shmbridge's spinlock
 * tests. The game's protocol (its SDK's SharedMemoryInterface.hpp, class SharedMemoryLock; the facts are in
 * docs/layouts.md, "Consistent frames"): a mapping of two 32-bit words {waiters, busy}; a holder takes busy
 * from 0 to 1 by compare-and-swap, spinning up to 4000 times; then counts itself in waiters and sleeps on an
 * auto-reset event; a release stores 0 in busy and sets the event if waiters is above 0.
 *
 *   spinlock_peer DATA LOCK EVENT
 *
 * It creates the 4 KiB mapping DATA, the 8-byte lock mapping LOCK (waiters at 0, busy at 4, both 0) and the
 * auto-reset event EVENT (Windows: CreateFileMappingA and CreateEventA, the names as given; Linux: shm_open of
 * "/NAME" and shm/include/shmbridge_sync.h's event), prints READY, and until stdin closes writes frames:
 * 64 uint32 words at offset 8, all set to the frame's number, one word at a time with a pause between, while
 * it holds the lock, with a gap between frames. Its slow path is the one the game's means: it tries the lock
 * again after every wake, and takes itself off waiters once it has it (the game's returns after one wake
 * without taking busy, and never takes itself off: see the docs).
 *
 * It watches for what a reader must never do, and exits with the first it saw:
 *   5  busy was 0 while it held the lock: a reader stored 0 into a lock it had not taken
 *   6  it slept 5 s on EVENT while the lock was held: a release did not set the event for it
 *   7  waiters was changed by someone else
 * On exit it prints to stderr the frames written, the slow paths taken and the wakes. Exit codes: 0 ok,
 * 2 usage, 4 failure.
 *
 * Build: cc -std=gnu11 -O2 -Wall -Werror -o spinlock_peer spinlock_peer.c -lpthread
 *        x86_64-w64-mingw32-gcc -std=gnu11 -O2 -Wall -Werror -o spinlock_peer.exe spinlock_peer.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_SIZE 4096
#define WORDS 64
#define SPINS 4000

static volatile int done;
static int verdict;
static long frames, slow_paths, wakes;

static void watch_stdin(void) {
    char buf[64];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    done = 1;
}

#ifdef _WIN32
#include <windows.h>

typedef HANDLE event_t;

static void *create(const char *name, size_t size) {
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size, name);
    if (!h || GetLastError() == ERROR_ALREADY_EXISTS) {
        fprintf(stderr, "%s: cannot create it (%lu)\n", name, GetLastError());
        return NULL;
    }
    return MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, size);
}

static event_t event_create(const char *name) { return CreateEventA(NULL, FALSE, FALSE, name); }
static int event_wait(event_t e, int ms) { return WaitForSingleObject(e, (DWORD)ms) == WAIT_OBJECT_0; }
static void event_set(event_t e) { SetEvent(e); }

static DWORD WINAPI stdin_thread(LPVOID arg) {
    (void)arg;
    watch_stdin();
    return 0;
}
static void start_watch(void) { CreateThread(NULL, 0, stdin_thread, NULL, 0, NULL); }

static void gap(void) { /* 50 µs between frames */
    LARGE_INTEGER f, t0, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    do {
        SwitchToThread();
        QueryPerformanceCounter(&t);
    } while ((t.QuadPart - t0.QuadPart) * 1000000 / f.QuadPart < 50);
}

static void remove_objects(char **names) { (void)names; /* they go with the last handle */ }
#else
#include "../../shm/include/shmbridge_sync.h"
#include <pthread.h>

typedef shmbridge_event_t *event_t;

static void *create(const char *name, size_t size) {
    char path[300];
    snprintf(path, sizeof path, "/%s", name);
    int fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        perror(name);
        return NULL;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static event_t event_create(const char *name) { return shmbridge_event_open(name, 1, 0, 0); }
static int event_wait(event_t e, int ms) { return shmbridge_event_wait(e, ms); }
static void event_set(event_t e) { shmbridge_event_set(e); }

static void *stdin_thread(void *arg) {
    (void)arg;
    watch_stdin();
    return NULL;
}
static void start_watch(void) {
    pthread_t th;
    pthread_create(&th, NULL, stdin_thread, NULL);
}

static void gap(void) { /* 50 µs between frames, as a producer at its rate has */
    struct timespec d = {0, 50 * 1000};
    nanosleep(&d, NULL);
}

static void remove_objects(char **names) {
    char path[300];
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/%s", names[i]);
        shm_unlink(path);
    }
    snprintf(path, sizeof path, "/dev/shm/%s", names[2]);
    unlink(path);
}
#endif

static void note(int code) {
    if (verdict == 0) verdict = code;
}

/* the game's YieldProcessor(): a spin-wait hint to the core */
static inline void cpu_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int32_t *waiters, *busy;
static event_t event;

static int try_take(void) {
    int32_t zero = 0;
    return __atomic_compare_exchange_n(busy, &zero, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static void lock(void) {
    for (int i = 0; i < SPINS; i++) {
        if (try_take()) return;
        cpu_pause();
    }
    slow_paths++;
    __atomic_add_fetch(waiters, 1, __ATOMIC_SEQ_CST);
    while (!try_take()) {
        if (!event_wait(event, 5000)) {
            note(6);
            fprintf(stderr, "spinlock_peer: slept 5 s on the event while the lock was held (busy %d)\n", (int)__atomic_load_n(busy, __ATOMIC_SEQ_CST));
        } else {
            wakes++;
        }
    }
    __atomic_sub_fetch(waiters, 1, __ATOMIC_SEQ_CST);
}

static void unlock(void) {
    __atomic_store_n(busy, 0, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(waiters, __ATOMIC_SEQ_CST) > 0) event_set(event);
}

static void pause_a_little(void) {
    for (volatile int i = 0; i < 400; i++) {
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: spinlock_peer DATA LOCK EVENT\n");
        return 2;
    }
    unsigned char *data = create(argv[1], DATA_SIZE);
    int32_t *lockdata = create(argv[2], 8);
    event = event_create(argv[3]);
    if (!data || !lockdata || !event) {
        fprintf(stderr, "spinlock_peer: cannot create the objects\n");
        return 4;
    }
    waiters = &lockdata[0];
    busy = &lockdata[1];
    uint32_t *words = (uint32_t *)(data + 8);
    start_watch();
    printf("READY\n");
    fflush(stdout);
    for (uint32_t n = 1; !done; n++) {
        lock();
        int32_t w0 = __atomic_load_n(waiters, __ATOMIC_SEQ_CST);
        for (int i = 0; i < WORDS; i++) {
            __atomic_store_n(&words[i], n, __ATOMIC_RELAXED);
            pause_a_little();
        }
        if (__atomic_load_n(busy, __ATOMIC_SEQ_CST) != 1) note(5);
        if (__atomic_load_n(waiters, __ATOMIC_SEQ_CST) != w0) note(7); /* one writer thread: nobody else counts */
        unlock();
        frames++;
        gap();
    }
    fprintf(stderr, "spinlock_peer: %ld frames, %ld slow paths, %ld wakes\n", frames, slow_paths, wakes);
    remove_objects(argv + 1);
    return verdict;
}
