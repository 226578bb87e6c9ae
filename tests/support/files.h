/* files.h — a whole file into memory, for the tests (fixtures, manifests,
 * JSONTestSuite cases, logs, the bench's reports). */
#ifndef CDC_TEST_FILES_H
#define CDC_TEST_FILES_H

#include <stddef.h>

/* The file's bytes, malloc'd and NUL-terminated (*n, when n is not NULL,
 * excludes the NUL); NULL with errno set when it cannot be read. */
char *tfile_read(const char *path, size_t *n);

#endif
