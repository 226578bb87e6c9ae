/* capture.c — the output side under test (see capture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

void cap_init(capture *c) {
    c->fd = memfd_create("capture", MFD_CLOEXEC);
    assert_true(c->fd >= 0);
    io_writer_init(&c->w, c->fd);
    c->data = NULL;
    c->len = 0;
}

void cap_take(capture *c) {
    io_flush(&c->w);
    off_t end = lseek(c->fd, 0, SEEK_END);
    assert_true(end >= 0);
    free(c->data);
    c->data = malloc((size_t)end + 1);
    assert_non_null(c->data);
    assert_int_equal(pread(c->fd, c->data, (size_t)end, 0), end);
    c->data[end] = 0;
    c->len = (size_t)end;
}

void cap_clear(capture *c) {
    assert_int_equal(ftruncate(c->fd, 0), 0);
    assert_int_equal(lseek(c->fd, 0, SEEK_SET), 0);
}

void cap_free(capture *c) {
    io_writer_free(&c->w);
    close(c->fd);
    free(c->data);
}

void bytes_are(const void *got, size_t n, const void *want, size_t wn) {
    if (n != wn || memcmp(got, want, n) != 0) {
        print_error("got %zu bytes:", n);
        for (size_t i = 0; i < n && i < 400; i++) print_error(" %02x", ((const unsigned char *)got)[i]);
        print_error("\nwanted %zu bytes:", wn);
        for (size_t i = 0; i < wn && i < 400; i++) print_error(" %02x", ((const unsigned char *)want)[i]);
        print_error("\n");
    }
    assert_int_equal(n, wn);
    assert_memory_equal(got, want, n);
}

chtype type_of(const char *s) {
    chtype t;
    const char *why = NULL;
    if (chtype_parse(s, strlen(s), &t, &why) < 0) print_error("type '%s': %s\n", s, why);
    assert_int_equal(chtype_parse(s, strlen(s), &t, &why), 0);
    return t;
}

void writer_open(writer_case *c, fmt_kind fmt, int tuple, const char *const *types, int ntypes) {
    assert_true(ntypes <= 64);
    cap_init(&c->cap);
    for (int i = 0; i < ntypes; i++) c->types[i] = type_of(types[i]);
    res_init(&c->res, &c->cap.w, fmt, tuple, c->types, ntypes);
}

void writer_close(writer_case *c) {
    res_free(&c->res);
    cap_free(&c->cap);
}
