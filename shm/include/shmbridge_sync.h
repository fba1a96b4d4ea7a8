/* shmbridge_sync.h: the named events and mutexes shmbridge makes on Linux, for C (and C++) programs.
 *
 * Windows programs use CreateEvent/OpenEvent/SetEvent/WaitForSingleObject and CreateMutex/ReleaseMutex with
 * the same names; Linux has no named events, so shmbridge defines these two small POSIX shared memory objects
 * (/dev/shm/NAME, what shm_open("/NAME") opens). Both are 32 bytes of native-endian uint32 words, accessed
 * atomically. shmbridge's Go side is shm/sync_linux.go: keep the two in step.
 *
 * Event  (magic "SEV1" = 0x31564553)
 *   word 0 magic    written last by the creator: an object with magic 0 is still being made
 *   word 1 manual   1: manual reset (set wakes every waiter and stays set), 0: auto reset (set wakes one)
 *   word 2 state    1: signaled
 *   word 3 seq      the futex word: +1 on every set and pulse, then FUTEX_WAKE(INT_MAX) on it
 *   word 4 waiters  threads inside wait: a hint only. A process killed inside wait never takes itself off, so
 *                   it may overcount for ever: 0 means nobody waits, more than 0 proves nothing.
 *   set:   state = 1; seq += 1; wake all          reset: state = 0
 *   pulse: manual: state = 0; seq += 1; wake all
 *          auto:   if waiters > 0: set, give a waiter up to 10 ms to take it (state back to 0), then
 *                  CAS(state, 1, 0): a signal nobody took is taken back, whatever the count said.
 *   The rule for every word: a process may die at any instruction, so no word may need a process to undo
 *   what it did for the object to keep its meaning (counts are hints; the mutex's owner word is what a dead
 *   holder is detected by).
 *   wait:  signaled when (manual) state == 1 or seq moved since the wait began; (auto) CAS(state, 1, 0)
 *          succeeds. Else FUTEX_WAIT on seq with the value just read, and look again (wakes can be spurious).
 *
 * Mutex  (magic "SMX1" = 0x31584d53)
 *   word 0 magic
 *   word 1 owner    PID of the holder, 0 when free
 *   lock:   flock(fd, LOCK_EX) on a descriptor of the object (the kernel drops it if the holder dies), then
 *           owner = getpid(). Finding owner != 0 after locking means the last holder died holding it: the
 *           lock is yours, but the data it guards may be half-written (Windows: WAIT_ABANDONED).
 *   unlock: owner = 0, then flock(fd, LOCK_UN).
 *   A flock lock belongs to the open file description: threads of one process that share a descriptor do not
 *   exclude each other; open the object once per thread that locks, or add a process-local mutex.
 *
 * Link nothing: everything here is static inline. Names are given without the leading "/".
 */
#ifndef SHMBRIDGE_SYNC_H
#define SHMBRIDGE_SYNC_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SHMBRIDGE_SYNC_SIZE 32
#define SHMBRIDGE_EVENT_MAGIC 0x31564553u
#define SHMBRIDGE_MUTEX_MAGIC 0x31584d53u

typedef struct {
    uint32_t magic, manual, state, seq, waiters, reserved[3];
} shmbridge_event_t;

typedef struct {
    uint32_t magic, owner, reserved[6];
} shmbridge_mutex_header_t;

typedef struct {
    int fd;
    shmbridge_mutex_header_t *h;
} shmbridge_mutex_t;

/* Maps /dev/shm/NAME; creates it (0600) if create is set and it does not exist. Returns NULL with errno set. */
static inline void *shmbridge__map(const char *name, int create, uint32_t magic, int *fdp, int *createdp) {
    char path[300];
    snprintf(path, sizeof path, "/dev/shm/%s", name);
    int created = 0, fd = open(path, O_RDWR | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT && create) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            created = 1;
            if (ftruncate(fd, SHMBRIDGE_SYNC_SIZE) != 0) { close(fd); unlink(path); return NULL; }
        }
    }
    if (fd < 0) return NULL;
    uint32_t *w = mmap(NULL, SHMBRIDGE_SYNC_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED) { close(fd); return NULL; }
    if (!created) {
        for (int i = 0; __atomic_load_n(&w[0], __ATOMIC_ACQUIRE) == 0 && i < 50; i++) usleep(2000);
        if (__atomic_load_n(&w[0], __ATOMIC_ACQUIRE) != magic) {
            munmap(w, SHMBRIDGE_SYNC_SIZE); close(fd); errno = EINVAL; return NULL;
        }
    }
    *fdp = fd;
    if (createdp) *createdp = created;
    return w;
}

static inline long shmbridge__futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

/* Opens (or, with create, creates) the event NAME. manual and initial apply when it is created. */
static inline shmbridge_event_t *shmbridge_event_open(const char *name, int create, int manual, int initial) {
    int fd, created;
    shmbridge_event_t *e = shmbridge__map(name, create, SHMBRIDGE_EVENT_MAGIC, &fd, &created);
    if (!e) return NULL;
    close(fd); /* the mapping stays */
    if (created) {
        e->manual = manual ? 1 : 0;
        e->state = initial ? 1 : 0;
        __atomic_store_n(&e->magic, SHMBRIDGE_EVENT_MAGIC, __ATOMIC_RELEASE);
    }
    return e;
}

static inline void shmbridge_event_set(shmbridge_event_t *e) {
    __atomic_store_n(&e->state, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&e->seq, 1, __ATOMIC_SEQ_CST);
    shmbridge__futex(&e->seq, FUTEX_WAKE, INT_MAX, NULL);
}

static inline void shmbridge_event_reset(shmbridge_event_t *e) { __atomic_store_n(&e->state, 0, __ATOMIC_SEQ_CST); }

static inline void shmbridge_event_pulse(shmbridge_event_t *e) {
    if (!e->manual) {
        if (__atomic_load_n(&e->waiters, __ATOMIC_SEQ_CST) == 0) return; /* nobody waits: lost, as on Windows */
        shmbridge_event_set(e);
        const struct timespec pause = {0, 50000};
        for (int i = 0; i < 200 && __atomic_load_n(&e->state, __ATOMIC_SEQ_CST) == 1; i++) nanosleep(&pause, NULL);
        uint32_t one = 1; /* nobody took it within ~10 ms (the count may be a dead waiter's): take it back */
        __atomic_compare_exchange_n(&e->state, &one, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_store_n(&e->state, 0, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&e->seq, 1, __ATOMIC_SEQ_CST);
    shmbridge__futex(&e->seq, FUTEX_WAKE, INT_MAX, NULL);
}

/* Waits up to timeout_ms (-1: for ever). Returns 1 if signaled, 0 on timeout. */
static inline int shmbridge_event_wait(shmbridge_event_t *e, int timeout_ms) {
    struct timespec end, now, left;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += timeout_ms / 1000;
    end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (end.tv_nsec >= 1000000000) { end.tv_sec++; end.tv_nsec -= 1000000000; }
    __atomic_add_fetch(&e->waiters, 1, __ATOMIC_SEQ_CST);
    uint32_t start = __atomic_load_n(&e->seq, __ATOMIC_SEQ_CST);
    int got = 0;
    for (;;) {
        uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_SEQ_CST);
        if (e->manual) {
            if (__atomic_load_n(&e->state, __ATOMIC_SEQ_CST) == 1 || s != start) { got = 1; break; }
        } else {
            uint32_t one = 1;
            if (__atomic_compare_exchange_n(&e->state, &one, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) { got = 1; break; }
        }
        const struct timespec *ts = NULL;
        if (timeout_ms >= 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            left.tv_sec = end.tv_sec - now.tv_sec;
            left.tv_nsec = end.tv_nsec - now.tv_nsec;
            if (left.tv_nsec < 0) { left.tv_sec--; left.tv_nsec += 1000000000; }
            if (left.tv_sec < 0) break;
            ts = &left;
        }
        shmbridge__futex(&e->seq, FUTEX_WAIT, s, ts);
    }
    __atomic_sub_fetch(&e->waiters, 1, __ATOMIC_SEQ_CST);
    return got;
}

static inline void shmbridge_event_close(shmbridge_event_t *e) { munmap(e, SHMBRIDGE_SYNC_SIZE); }

/* Opens (or, with create, creates) the mutex NAME, unlocked. Returns 0, or -1 with errno set. */
static inline int shmbridge_mutex_open(shmbridge_mutex_t *m, const char *name, int create) {
    int created;
    m->h = shmbridge__map(name, create, SHMBRIDGE_MUTEX_MAGIC, &m->fd, &created);
    if (!m->h) return -1;
    if (created) __atomic_store_n(&m->h->magic, SHMBRIDGE_MUTEX_MAGIC, __ATOMIC_RELEASE);
    return 0;
}

/* Locks, waiting for ever. Returns 0, SHMBRIDGE_ABANDONED (held, but its last holder died holding it), or -1. */
#define SHMBRIDGE_ABANDONED 1
static inline int shmbridge_mutex_lock(shmbridge_mutex_t *m) {
    while (flock(m->fd, LOCK_EX) != 0)
        if (errno != EINTR) return -1;
    uint32_t prev = __atomic_exchange_n(&m->h->owner, (uint32_t)getpid(), __ATOMIC_SEQ_CST);
    return prev != 0 ? SHMBRIDGE_ABANDONED : 0;
}

static inline int shmbridge_mutex_unlock(shmbridge_mutex_t *m) {
    __atomic_store_n(&m->h->owner, 0, __ATOMIC_SEQ_CST);
    return flock(m->fd, LOCK_UN);
}

static inline void shmbridge_mutex_close(shmbridge_mutex_t *m) {
    munmap(m->h, SHMBRIDGE_SYNC_SIZE);
    close(m->fd);
}

#endif
