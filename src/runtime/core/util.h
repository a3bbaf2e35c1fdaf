/* util.h - error convention, small file helpers, logging (shared by berth-core and berth-shim). */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H
#include <stddef.h>
#include <sys/types.h>

#define BERR_MAX 1024

/* An error: one human-readable message "<verb> `<object>`: <strerror or reason>". */
typedef struct {
  char msg[BERR_MAX];
} berr_t;

/* Fill *e with the formatted message, followed by ": strerror(errnum)" when errnum != 0.
   Always returns -1 so that callers can `return berr_set(...)`. */
int berr_set(berr_t *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefix an existing message: "<prefix>: <old message>". Returns -1. */
int berr_wrap(berr_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* strerror(errnum) as Go and runc write it, first letter lower case ("permission denied"):
   clients match these words in an exec's error (docker run exits 126 or 127 on them). */
const char *errno_text(int errnum);

/* Global logging configuration (--log, --log-format). */
void log_configure(const char *path, int json);
void log_error(const char *msg);

int read_file(const char *path, char **out, size_t *len, berr_t *e);
/* Write the whole buffer; flags as open(2) (O_WRONLY|O_CREAT|O_TRUNC etc.). */
int write_file(const char *path, int flags, const char *data, size_t len, berr_t *e);
int write_str(const char *path, const char *s, berr_t *e); /* O_WRONLY, no create (cgroup/proc files) */
int write_file_atomic(const char *path, const char *data, size_t len, berr_t *e);
int mkdir_p(const char *path, mode_t mode, berr_t *e);
int rm_rf(const char *path);
int path_exists(const char *path);
int is_dir(const char *path);

/* Growable string buffer. */
typedef struct {
  char *s;
  size_t len, cap;
} sbuf_t;
void sb_init(sbuf_t *b);
void sb_putn(sbuf_t *b, const char *s, size_t n);
void sb_puts(sbuf_t *b, const char *s);
void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_str(sbuf_t *b, const char *s); /* quoted, escaped JSON string */
void sb_free(sbuf_t *b);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
char *xstrdup(const char *s);

/* RFC 3339 with nanoseconds, UTC, trailing zeros trimmed (Go's RFC3339Nano). */
void rfc3339nano(char *out, size_t n);

/* Read the whole of fd into a buffer until EOF. */
ssize_t read_all(int fd, char *buf, size_t n);
int write_all(int fd, const void *buf, size_t n);
/* The file descriptor of one SCM_RIGHTS message on a unix socket (close-on-exec), or -1
   with errno (EPROTO: a message without one, or end of stream). */
int recv_fd(int sock);
#endif
