/* io.h — buffered file-descriptor I/O for the UDF protocol.
 *
 * ClickHouse streams whole blocks through a pipe, so the reader pulls large
 * reads into one growable buffer and hands out views into it; nothing goes
 * through stdio.  A row may be larger than the buffer (a 64 MB message), so
 * the buffer grows to hold the current row, and shrinks back afterwards.
 *
 * Views stay valid until the next call that reads: io_need() may move the
 * buffer.  To read a row made of several fields, callers io_mark() the row's
 * first byte and keep offsets from the mark; compaction preserves everything
 * from the mark onward, so offsets survive while pointers may not. */
#ifndef CDC_IO_H
#define CDC_IO_H

#include <stddef.h>
#include <stdint.h>

typedef struct io_reader {
    int fd;
    char *buf;
    size_t cap;
    size_t mark;     /* start of the row being read; bytes before it may be discarded */
    size_t pos;      /* next unread byte */
    size_t len;      /* bytes valid in buf */
    int eof;         /* read() returned 0 */
} io_reader;

typedef struct io_writer {
    int fd;
    char *buf;
    size_t cap;
    size_t len;
} io_writer;

void io_reader_init(io_reader *r, int fd);
void io_reader_free(io_reader *r);
/* Make at least n bytes available at buf+pos.  Returns the number available
 * (less than n only at end of input). */
size_t io_need(io_reader *r, size_t n);
/* Start a new row at the current position. */
static inline void io_mark(io_reader *r) { r->mark = r->pos; }
static inline const char *io_at(const io_reader *r, size_t off_from_mark) { return r->buf + r->mark + off_from_mark; }
static inline size_t io_offset(const io_reader *r) { return r->pos - r->mark; }
/* Find the next '\n' at or after pos, reading as needed.  Returns its offset
 * from pos, or -1 at end of input (then `io_need(r, 1)` tells if bytes remain). */
long io_find_newline(io_reader *r);

void io_writer_init(io_writer *w, int fd);
void io_writer_free(io_writer *w);
void io_write(io_writer *w, const void *p, size_t n);
static inline void io_putc(io_writer *w, char c) {
    if (w->len == w->cap) io_write(w, &c, 1);
    else w->buf[w->len++] = c;
}
/* Reserve n bytes of contiguous space; write them, then io_commit(). */
char *io_reserve(io_writer *w, size_t n);
static inline void io_commit(io_writer *w, size_t n) { w->len += n; }
void io_flush(io_writer *w);

/* Best-effort: enlarge a pipe's kernel buffer (F_SETPIPE_SZ). */
void io_grow_pipe(int fd, int bytes);

#endif
