/* A native producer that writes its frames field by field, slowly enough to tear, for shmbridge's consistency
 * tests. It creates the 4 KiB mapping NAME (shm_open), prints READY, and writes frames until stdin closes:
 * each frame is 64 uint32 words, all set to the frame's number, one word at a time with a pause between.
 *
 *   frame_writer NAME seqlock   u32 seq at 0 (odd while writing), the words at 8
 *   frame_writer NAME pair      u32 begin at 0, u32 end at 4 (begin bumped before, end after), the words at 8
 *   frame_writer NAME ring      u32 num_buf (3) at 0, u32 buf_len (256) at 4, 3 x {s32 tick, s32 offset} at 8,
 *                               the buffers at 64, 320 and 576; each frame goes to the next buffer, its tick set
 *                               after its words
 *   frame_writer NAME mutex MX  the words at 8, written while holding the named mutex MX (shmbridge_sync.h)
 *   frame_writer NAME none      the words at 8, no protection
 *
 * Exit codes: 0 ok, 2 usage, 4 failure. */
#include "../../shm/include/shmbridge_sync.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE 4096
#define WORDS 64

static volatile int done;

static void *watch_stdin(void *arg) {
    (void)arg;
    char buf[64];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    done = 1;
    return NULL;
}

static void pause_a_little(void) {
    for (volatile int i = 0; i < 400; i++) {
    }
}

static void write_words(volatile uint32_t *w, uint32_t v) {
    for (int i = 0; i < WORDS; i++) {
        __atomic_store_n(&w[i], v, __ATOMIC_RELAXED);
        pause_a_little();
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: frame_writer NAME seqlock|pair|ring|mutex MX|none\n");
        return 2;
    }
    char path[300];
    snprintf(path, sizeof path, "/%s", argv[1]);
    int fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ftruncate(fd, SIZE) != 0) {
        perror("shm_open");
        return 4;
    }
    unsigned char *base = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        return 4;
    }
    const char *mode = argv[2];
    shmbridge_mutex_t mx = {0};
    if (strcmp(mode, "mutex") == 0 && (argc < 4 || shmbridge_mutex_open(&mx, argv[3], 1) != 0)) {
        fprintf(stderr, "mutex: cannot open\n");
        return 4;
    }
    uint32_t *u = (uint32_t *)base;
    if (strcmp(mode, "ring") == 0) {
        u[0] = 3;
        u[1] = 256;
        for (int b = 0; b < 3; b++) {
            u[2 + 2 * b] = 0;
            u[3 + 2 * b] = 64 + 256 * b;
        }
    }
    pthread_t th;
    pthread_create(&th, NULL, watch_stdin, NULL);
    printf("READY\n");
    fflush(stdout);
    for (uint32_t n = 1; !done; n++) {
        if (strcmp(mode, "seqlock") == 0) {
            __atomic_store_n(&u[0], 2 * n - 1, __ATOMIC_SEQ_CST);
            write_words(u + 2, n);
            __atomic_store_n(&u[0], 2 * n, __ATOMIC_SEQ_CST);
        } else if (strcmp(mode, "pair") == 0) {
            __atomic_store_n(&u[0], n, __ATOMIC_SEQ_CST);
            write_words(u + 2, n);
            __atomic_store_n(&u[1], n, __ATOMIC_SEQ_CST);
        } else if (strcmp(mode, "ring") == 0) {
            int b = n % 3;
            write_words((uint32_t *)(base + 64 + 256 * b), n);
            __atomic_store_n(&u[2 + 2 * b], n, __ATOMIC_SEQ_CST);
        } else if (strcmp(mode, "mutex") == 0) {
            shmbridge_mutex_lock(&mx);
            write_words(u + 2, n);
            shmbridge_mutex_unlock(&mx);
        } else {
            write_words(u + 2, n);
        }
        struct timespec gap = {0, 50 * 1000}; /* a gap between frames, as a producer at its rate has */
        nanosleep(&gap, NULL);
    }
    munmap(base, SIZE);
    close(fd);
    shm_unlink(path);
    return 0;
}
