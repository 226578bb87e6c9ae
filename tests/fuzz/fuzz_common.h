/* fuzz_common.h — what every libFuzzer target here shares.
 *
 * The format readers read from a file descriptor, as the binaries do, so a
 * fuzz input is put behind a memfd; writers write into a real io_writer
 * whose bytes are either checked in memory or dropped into /dev/null.
 * A broken property calls fuzz_fail(), which aborts so libFuzzer saves the
 * input (ASan and UBSan findings abort by themselves). */
#ifndef CDC_FUZZ_COMMON_H
#define CDC_FUZZ_COMMON_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define fuzz_fail(...) \
    do { fprintf(stderr, "fuzz property failed at %s:%d: ", __FILE__, __LINE__); \
         fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

/* A read-only-from-start descriptor holding [data, data+n). */
static inline int fuzz_memfd(const void *data, size_t n) {
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd < 0) fuzz_fail("memfd_create failed");
    const char *p = data;
    while (n) {
        ssize_t put = write(fd, p, n);
        if (put <= 0) fuzz_fail("memfd write failed");
        p += put;
        n -= (size_t)put;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) fuzz_fail("lseek failed");
    return fd;
}

/* /dev/null for output nobody reads, opened once. */
static inline int fuzz_devnull(void) {
    static int fd = -1;
    if (fd < 0) fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fuzz_fail("cannot open /dev/null");
    return fd;
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static inline char *fuzz_copy(const void *s, size_t n) {
    char *p = malloc(n ? n : 1);
    if (!p) fuzz_fail("out of memory");
    if (n) memcpy(p, s, n);
    return p;
}

#endif
