/* files.c — a whole file into memory (see files.h). */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"

char *tfile_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    tbuf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) tb_put(&b, chunk, got);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        tb_free(&b);
        errno = EIO;
        return NULL;
    }
    if (n) *n = b.n;
    return tb_take(&b);
}
