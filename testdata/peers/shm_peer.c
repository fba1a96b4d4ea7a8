/* A native Linux peer for shmbridge's interop tests: POSIX shm_open, as C programs use it.
 *
 *   shm_peer write NAME utf8|utf16 TEXT  shm_open("/NAME", O_CREAT|O_EXCL), write TEXT (UTF-8, or converted to
 *                                        UTF-16LE with iconv), NUL-terminated; print READY; hold it until stdin
 *                                        closes or a line arrives; then shm_unlink
 *   shm_peer read NAME utf8|utf16        shm_open("/NAME", O_RDONLY), print the string at its start as hex UTF-8
 *
 * Exit codes: 0 ok, 2 usage, 3 not found, 4 other failure. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIZE 4096

static size_t convert(const char *from, const char *to, char *in, size_t inlen, char *out, size_t outlen) {
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1) return (size_t)-1;
    size_t left = outlen;
    char *o = out;
    if (iconv(cd, &in, &inlen, &o, &left) == (size_t)-1) return (size_t)-1;
    iconv_close(cd);
    return outlen - left;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    char path[300];
    snprintf(path, sizeof path, "/%s", argv[2]);
    int utf16 = strcmp(argv[3], "utf16") == 0;

    if (strcmp(argv[1], "write") == 0 && argc == 5) {
        int fd = shm_open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0) { perror("shm_open"); return 4; }
        if (ftruncate(fd, SIZE) < 0) { perror("ftruncate"); return 4; }
        char *view = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (view == MAP_FAILED) { perror("mmap"); return 4; }
        size_t n = strlen(argv[4]);
        if (utf16) {
            n = convert("UTF-8", "UTF-16LE", argv[4], n, view, SIZE - 2);
            if (n == (size_t)-1) { perror("iconv"); return 4; }
            view[n] = view[n + 1] = 0;
        } else {
            memcpy(view, argv[4], n + 1);
        }
        printf("READY\n");
        fflush(stdout);
        char line[16];
        if (fgets(line, sizeof line, stdin) == NULL) { /* stdin closed: done */ }
        munmap(view, SIZE);
        close(fd);
        shm_unlink(path);
        return 0;
    }
    if (strcmp(argv[1], "read") == 0) {
        int fd = shm_open(path, O_RDONLY, 0);
        if (fd < 0) { perror("shm_open"); return errno == ENOENT ? 3 : 4; }
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_size == 0) return 4;
        const char *view = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (view == MAP_FAILED) { perror("mmap"); return 4; }
        char buf[SIZE * 2];
        size_t n;
        if (utf16) {
            size_t units = 0;
            while (2 * units + 1 < (size_t)st.st_size && (view[2 * units] || view[2 * units + 1])) units++;
            n = convert("UTF-16LE", "UTF-8", (char *)view, 2 * units, buf, sizeof buf);
            if (n == (size_t)-1) { perror("iconv"); return 4; }
        } else {
            n = strnlen(view, st.st_size);
            memcpy(buf, view, n);
        }
        for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)buf[i]);
        printf("\n");
        return 0;
    }
    return 2;
}
