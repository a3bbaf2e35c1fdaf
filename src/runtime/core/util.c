/* util.c - error convention, small file helpers, logging. */
#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *log_path;
static int log_json;

int berr_set(berr_t *e, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  if (errnum != 0 && n >= 0 && (size_t)n < sizeof e->msg)
    snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(errnum));
  return -1;
}

const char *errno_text(int errnum) {
  static char buf[128];
  snprintf(buf, sizeof buf, "%s", strerror(errnum));
  if (buf[0] >= 'A' && buf[0] <= 'Z') buf[0] = (char)(buf[0] - 'A' + 'a');
  return buf;
}

int berr_wrap(berr_t *e, const char *fmt, ...) {
  char prefix[BERR_MAX], old[BERR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  if (snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old) >= (int)sizeof e->msg) e->msg[sizeof e->msg - 1] = 0;
  return -1;
}

void log_configure(const char *path, int json) {
  log_path = path;
  log_json = json;
}

void log_error(const char *msg) {
  if (log_path == NULL) return;
  int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  sbuf_t b;
  sb_init(&b);
  char ts[64];
  rfc3339nano(ts, sizeof ts);
  if (log_json) {
    sb_puts(&b, "{\"level\":\"error\",\"msg\":");
    sb_json_str(&b, msg);
    sb_puts(&b, ",\"time\":");
    sb_json_str(&b, ts);
    sb_puts(&b, "}\n");
  } else {
    sb_printf(&b, "time=\"%s\" level=error msg=", ts);
    sb_json_str(&b, msg);
    sb_puts(&b, "\n");
  }
  (void)write_all(fd, b.s, b.len);
  sb_free(&b);
  close(fd);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) {
    fputs("berth: out of memory\n", stderr);
    _exit(1);
  }
  return p;
}

void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (p == NULL) {
    fputs("berth: out of memory\n", stderr);
    _exit(1);
  }
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xmalloc(n);
  memcpy(p, s, n);
  return p;
}

ssize_t read_all(int fd, char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int read_file(const char *path, char **out, size_t *len, berr_t *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berr_set(e, errno, "open `%s`", path);
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        close(fd);
        return berr_set(e, ENOMEM, "read `%s`", path);
      }
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      free(buf);
      close(fd);
      return berr_set(e, err, "read `%s`", path);
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = 0;
  *out = buf;
  if (len) *len = n;
  return 0;
}

int write_file(const char *path, int flags, const char *data, size_t len, berr_t *e) {
  int fd = open(path, flags | O_CLOEXEC, 0644);
  if (fd < 0) return berr_set(e, errno, "open `%s`", path);
  if (write_all(fd, data, len) < 0) {
    int err = errno;
    close(fd);
    return berr_set(e, err, "write `%s`", path);
  }
  if (close(fd) < 0) return berr_set(e, errno, "write `%s`", path);
  return 0;
}

int write_str(const char *path, const char *s, berr_t *e) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return berr_set(e, errno, "open `%s`", path);
  ssize_t w = write(fd, s, strlen(s));
  int err = errno;
  close(fd);
  if (w < 0) return berr_set(e, err, "write `%s` to `%s`", s, path);
  return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len, berr_t *e) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid()) >= (int)sizeof tmp) return berr_set(e, ENAMETOOLONG, "write `%s`", path);
  if (write_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, data, len, e) < 0) return -1;
  if (rename(tmp, path) < 0) {
    int err = errno;
    unlink(tmp);
    return berr_set(e, err, "rename `%s`", path);
  }
  return 0;
}

/* The directory itself first, its parents only when missing (ENOENT): usually the parents
   exist, and a walk from "/" costs one mkdir per level (a container's create made ~50). */
static int mkdir_up(char *buf, mode_t mode, berr_t *e) {
  if (mkdir(buf, mode) == 0 || errno == EEXIST) return 0;
  if (errno != ENOENT) return berr_set(e, errno, "mkdir `%s`", buf);
  char *slash = strrchr(buf, '/');
  if (slash == NULL || slash == buf) return berr_set(e, ENOENT, "mkdir `%s`", buf);
  *slash = 0;
  int r = mkdir_up(buf, mode, e);
  *slash = '/';
  if (r < 0) return -1;
  if (mkdir(buf, mode) < 0 && errno != EEXIST) return berr_set(e, errno, "mkdir `%s`", buf);
  return 0;
}

int mkdir_p(const char *path, mode_t mode, berr_t *e) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf) return berr_set(e, ENAMETOOLONG, "mkdir `%s`", path);
  memcpy(buf, path, n + 1);
  while (n > 1 && buf[n - 1] == '/') buf[--n] = 0; /* "a/b/" is "a/b" */
  return mkdir_up(buf, mode, e);
}

int rm_rf(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  DIR *d = opendir(path);
  if (d == NULL) return -1;
  struct dirent *de;
  char child[4096];
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (snprintf(child, sizeof child, "%s/%s", path, de->d_name) >= (int)sizeof child) continue;
    rm_rf(child);
  }
  closedir(d);
  return rmdir(path);
}

int path_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void sb_init(sbuf_t *b) {
  b->cap = 256;
  b->len = 0;
  b->s = xmalloc(b->cap);
  b->s[0] = 0;
}

void sb_putn(sbuf_t *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    while (b->len + n + 1 > b->cap) b->cap *= 2;
    char *ns = realloc(b->s, b->cap);
    if (ns == NULL) {
      fputs("berth: out of memory\n", stderr);
      _exit(1);
    }
    b->s = ns;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_puts(sbuf_t *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_printf(sbuf_t *b, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_putn(b, tmp, (size_t)n);
    return;
  }
  char *big = xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_putn(b, big, (size_t)n);
  free(big);
}

void sb_json_str(sbuf_t *b, const char *s) {
  sb_putn(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    switch (*p) {
      case '"': sb_putn(b, "\\\"", 2); break;
      case '\\': sb_putn(b, "\\\\", 2); break;
      case '\n': sb_putn(b, "\\n", 2); break;
      case '\r': sb_putn(b, "\\r", 2); break;
      case '\t': sb_putn(b, "\\t", 2); break;
      default:
        if (*p < 0x20) {
          snprintf(esc, sizeof esc, "\\u%04x", *p);
          sb_puts(b, esc);
        } else {
          sb_putn(b, (const char *)p, 1);
        }
    }
  }
  sb_putn(b, "\"", 1);
}

void sb_free(sbuf_t *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

void rfc3339nano(char *out, size_t n) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  if (ts.tv_nsec == 0) {
    snprintf(out, n, "%sZ", base);
    return;
  }
  char frac[16];
  snprintf(frac, sizeof frac, "%09ld", ts.tv_nsec);
  size_t fl = strlen(frac);
  while (fl > 0 && frac[fl - 1] == '0') frac[--fl] = 0;
  snprintf(out, n, "%s.%sZ", base, frac);
}

int recv_fd(int sock) {
  char b[64];
  struct iovec iov = {.iov_base = b, .iov_len = sizeof b};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  errno = EPROTO;
  return -1;
}
