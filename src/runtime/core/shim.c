/* berth-shim - the parent of one container: survives its launcher, keeps the container's stdio,
 * writes the Docker json-file log, serves attach.sock, reaps the init and records exit.json.
 *
 *   berth-shim --runtime PATH [--runtime-arg ARG]... --id ID --bundle DIR --state-dir DIR
 *              --log FILE [--log-max-size BYTES] [--log-max-file N] [--tty] [--stdin]
 *
 * The launching invocation exits 0 once `<runtime> create` succeeded (printing
 * {"shimPid":N,"initPid":M} on stdout), or prints the runtime's error and exits 1, leaving nothing
 * behind. The shim itself runs detached (setsid, double fork) as a child subreaper. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

#define MAX_CLIENTS 16
#define LINE_MAX_BYTES 16384
#define MAX_RT_ARGS 32

typedef struct {
  const char *runtime, *id, *bundle, *state_dir, *log;
  const char *rt_args[MAX_RT_ARGS];
  int nrt;
  int tty, stdin_open;
} shim_opts_t;

static char bundle_abs[PATH_MAX], state_abs[PATH_MAX], log_abs[PATH_MAX];

/* ---------------------------------------------------------------- json-file log */

typedef struct {
  const char *name; /* "stdout" / "stderr" */
  char buf[LINE_MAX_BYTES];
  size_t len;
} stream_t;

static FILE *logf;
/* --log-max-size (0: unlimited) and --log-max-file: Docker's json-file rotation; the size of
   the current file is kept here so a rotation needs no stat */
static long long log_max_size, log_size;
static int log_max_file = 1;

/* Decode one UTF-8 sequence; returns its length, or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t len;
  unsigned cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/* JSON string body as Docker's json-file writes it: control chars as \uXXXX (or \n \r \t ...),
   < > & as \u003c \u003e \u0026, U+2028/2029 escaped, invalid UTF-8 as \ufffd. */
static void put_escaped(FILE *f, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '<': fputs("\\u003c", f); break;
        case '>': fputs("\\u003e", f); break;
        case '&': fputs("\\u0026", f); break;
        default:
          if (c < 0x20 || c == 0x7f) fprintf(f, "\\u%04x", c);
          else fputc(c, f);
      }
      i++;
      continue;
    }
    size_t l = utf8_len(p + i, n - i);
    if (l == 0) {
      fputs("\\ufffd", f);
      i++;
      continue;
    }
    if (l == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      fputs(p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", f);
    } else {
      fwrite(p + i, 1, l, f);
    }
    i += l;
  }
}

/* Docker's rotation: once the file has reached max-size, FILE.(N-2) → FILE.(N-1), …, FILE →
   FILE.1 and a new FILE; with one file, FILE is truncated. A reader holding the old file open
   finishes it and moves on to the new one (it changed inode, or shrank). */
static void log_rotate(void) {
  char from[PATH_MAX + 16], to[PATH_MAX + 16];
  fclose(logf);
  for (int i = log_max_file - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", log_abs);
    else snprintf(from, sizeof from, "%s.%d", log_abs, i - 1);
    snprintf(to, sizeof to, "%s.%d", log_abs, i);
    (void)rename(from, to);
  }
  logf = fopen(log_abs, "we");
  log_size = 0;
}

static void log_entry(const stream_t *st, const char *data, size_t n) {
  if (!logf || n == 0) return;
  if (log_max_size > 0 && log_size >= log_max_size) {
    log_rotate();
    if (!logf) return;
  }
  char ts[64];
  rfc3339nano(ts, sizeof ts);
  fputs("{\"log\":\"", logf);
  put_escaped(logf, data, n);
  fprintf(logf, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", st->name, ts);
  if (log_max_size > 0) log_size = ftell(logf);
}

/* Feed output into the line splitter: full lines (with \n) and 16 KiB partial chunks. */
static void stream_feed(stream_t *st, const char *data, size_t n) {
  while (n > 0) {
    const char *nl = memchr(data, '\n', n);
    size_t take = nl ? (size_t)(nl - data) + 1 : n;
    size_t room = LINE_MAX_BYTES - st->len;
    if (take > room) {
      take = room;
      nl = NULL;
    }
    memcpy(st->buf + st->len, data, take);
    st->len += take;
    data += take;
    n -= take;
    if (nl || st->len == LINE_MAX_BYTES) {
      log_entry(st, st->buf, st->len);
      st->len = 0;
    }
  }
}

static void stream_flush(stream_t *st) {
  if (st->len) log_entry(st, st->buf, st->len);
  st->len = 0;
}

/* ---------------------------------------------------------------- small helpers */

static int listen_unix(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    close(fd);
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(sa.sun_path, path);
  unlink(path);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  chmod(path, 0600);
  return fd;
}

static void sfile(char *out, size_t n, const char *name) {
  if (snprintf(out, n, "%s/%s", state_abs, name) >= (int)n) out[n - 1] = 0;
}

static void report(int fd, const char *msg) {
  if (fd >= 0) (void)write_all(fd, msg, strlen(msg));
}

/* ---------------------------------------------------------------- attach.sock
 * Both ways, frames in Docker's multiplexed-stream shape: [type, 0, 0, 0, length (uint32 BE)]
 * then length bytes. Shim → client: 1 stdout, 2 stderr (a tty's output is all 1), from the
 * moment the client connected; the shim closes the connection once the container exited
 * and its output is drained. Client → shim: 0 stdin bytes, 3 close the container's stdin
 * (StdinOnce; not for a tty), 4 resize the tty (rows, cols: uint16 BE each), 5 start the container:
 * the shim runs `<runtime> start ID` (attach clients connected before this frame are accepted
 * first, so they miss no output) and answers with frame 6 [status byte][the runtime's output];
 * such a control client gets no output frames. This saves berthd a process of its own for the
 * start. 7 signal the container ([signal, all] bytes: all = every process of its cgroup, as
 * `<runtime> kill --all`), answered by frame 8 [status]: 0 sent, 1 not running (its init has
 * exited: the shim, its parent, has not reaped it yet or has, so the pid is never another
 * process's), 2 failed; a control client too. This saves berthd a `<runtime> kill` per stop.
 * A client that
 * does not take its output holds the container's output back (as Docker's attach does) while
 * the container runs; once it has exited, such a client is dropped after 3 s. */

enum { F_STDIN = 0, F_STDOUT = 1, F_STDERR = 2, F_CLOSE_STDIN = 3, F_RESIZE = 4, F_START = 5, F_STARTED = 6, F_KILL = 7, F_KILLED = 8 };

typedef struct {
  int fd;
  unsigned char hdr[8], ctl[4];
  unsigned hlen, clen;
  uint32_t left; /* payload bytes of the current frame still to come */
  int control;   /* asked for the start: no output frames */
} client_t;

static client_t clients[MAX_CLIENTS];
static int nclients;

/* the container's stdin (pipe or pty master; nonblocking) and what it has not taken yet */
static int in_fd = -1, in_is_pty, in_close_after;
static char in_pend[8192];
static size_t in_len;

static void close_stdin(void) {
  if (in_fd >= 0 && !in_is_pty) close(in_fd);
  if (!in_is_pty) in_fd = -1;
  in_len = 0;
  in_close_after = 0;
}

/* Write what is pending, then `data`; keep what the container does not take now. */
static void stdin_put(const char *data, size_t n) {
  if (in_fd < 0) return;
  if (in_len > 0) {
    ssize_t w = write(in_fd, in_pend, in_len);
    if (w > 0) memmove(in_pend, in_pend + w, in_len - (size_t)w), in_len -= (size_t)w;
    else if (w < 0 && errno != EAGAIN && errno != EINTR) return close_stdin();
  }
  if (in_len == 0 && n > 0) {
    ssize_t w = write(in_fd, data, n);
    if (w < 0 && errno != EAGAIN && errno != EINTR) return close_stdin();
    if (w > 0) data += w, n -= (size_t)w;
  }
  if (n > sizeof in_pend - in_len) n = sizeof in_pend - in_len; /* cannot happen: see the loop */
  memcpy(in_pend + in_len, data, n);
  in_len += n;
  if (in_len == 0 && in_close_after) close_stdin();
}

static int client_send(int fd, int stream, const char *data, size_t n);
static void runtime_start(client_t *c);
static void container_kill(client_t *c);

static void client_control(client_t *c, int tty_fd) {
  if (c->hdr[0] == F_CLOSE_STDIN) {
    if (in_is_pty) return;
    if (in_len > 0) in_close_after = 1;
    else close_stdin();
  } else if (c->hdr[0] == F_START) {
    runtime_start(c);
  } else if (c->hdr[0] == F_KILL && c->clen == 2) {
    container_kill(c);
  } else if (c->hdr[0] == F_RESIZE && c->clen == 4 && tty_fd >= 0) {
    struct winsize ws = {.ws_row = (unsigned short)(c->ctl[0] << 8 | c->ctl[1]),
                         .ws_col = (unsigned short)(c->ctl[2] << 8 | c->ctl[3])};
    (void)ioctl(tty_fd, TIOCSWINSZ, &ws);
  }
}

/* Bytes from a client: split into frames; stdin goes on, control frames act. */
static void client_input(client_t *c, const unsigned char *p, size_t n, int tty_fd) {
  while (n > 0) {
    if (c->hlen < 8) {
      c->hdr[c->hlen++] = *p++;
      n--;
      if (c->hlen < 8) continue;
      c->left = (uint32_t)c->hdr[4] << 24 | (uint32_t)c->hdr[5] << 16 | (uint32_t)c->hdr[6] << 8 | c->hdr[7];
      c->clen = 0;
    } else {
      size_t take = n < c->left ? n : c->left;
      if (c->hdr[0] == F_STDIN) {
        stdin_put((const char *)p, take);
      } else {
        size_t room = sizeof c->ctl - c->clen, k = take < room ? take : room;
        memcpy(c->ctl + c->clen, p, k);
        c->clen += (unsigned)k;
      }
      p += take, n -= take, c->left -= (uint32_t)take;
    }
    if (c->hlen == 8 && c->left == 0) {
      if (c->hdr[0] != F_STDIN) client_control(c, tty_fd);
      c->hlen = 0;
    }
  }
}

/* How many of a client's bytes may be read now. All of them while the container keeps up
   with its stdin. While stdin is pending (the container is not reading it: before its start it
   cannot), only what cannot be stdin: the rest of a frame's header or a control frame's
   payload; a client in the middle of a stdin frame waits (0). So a control frame, a start
   above all, is never held behind stdin nobody reads: on its own connection, as berthd sends
   it, it is read at once (a start held behind the stdin of `docker run -i` was a deadlock),
   and at most one read's worth of stdin (in_pend) is ever pending. */
static size_t client_readable(const client_t *c) {
  if (in_len == 0) return SIZE_MAX;
  if (c->hlen < 8) return 8 - c->hlen;
  if (c->hdr[0] == F_STDIN) return 0;
  return c->left;
}

/* ctrls (a /proc/PID/cgroup field: "cpu,cpuacct") names controller ctl */
static int has_ctrl(const char *ctrls, const char *ctl) {
  size_t n = strlen(ctl);
  for (const char *p = ctrls; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
    if (strncmp(p, ctl, n) == 0 && (p[n] == 0 || p[n] == ',')) return 1;
  return 0;
}

/* the container's init, and whether it has been reaped */
static pid_t init_pid;
static int init_reaped;

/* exited (reaped or not yet) */
static int init_gone(void) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (init_reaped) return 1;
  return waitid(P_PID, (id_t)init_pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == init_pid;
}

/* One output frame to a client, whole: blocking, as long as the container runs (SO_SNDTIMEO
   wakes us each second to look); 3 s more once it has exited. -1 = drop the client. */
static int client_send(int fd, int stream, const char *data, size_t n) {
  int late = 0;
  unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                        (unsigned char)(n >> 8), (unsigned char)n};
  struct iovec iov[2] = {{h, sizeof h}, {(void *)data, n}};
  struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
  size_t left = sizeof h + n;
  while (left > 0) {
    ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && (!init_gone() || ++late < 3)) continue;
      return -1;
    }
    left -= (size_t)w;
    while (w > 0 && m.msg_iovlen > 0) {
      size_t k = (size_t)w < m.msg_iov[0].iov_len ? (size_t)w : m.msg_iov[0].iov_len;
      m.msg_iov[0].iov_base = (char *)m.msg_iov[0].iov_base + k;
      m.msg_iov[0].iov_len -= k;
      w -= (ssize_t)k;
      if (m.msg_iov[0].iov_len == 0) m.msg_iov++, m.msg_iovlen--;
    }
  }
  return 0;
}

static void drop_client(int k) {
  close(clients[k].fd);
  clients[k] = clients[--nclients];
}

static void broadcast(int stream, const char *data, size_t n) {
  for (int k = 0; k < nclients;) {
    if (clients[k].control) k++;
    else if (client_send(clients[k].fd, stream, data, n) < 0) drop_client(k);
    else k++;
  }
}

/* The output is over: each client reads it to the end (EOF), and hangs up first. Closing
   at once would make a client that is writing at that moment (a stdin frame) meet a closed
   socket, EPIPE, on which some (node's) drop what they have not read yet. 500 ms at most. */
static void hang_up_clients(void) {
  for (int k = 0; k < nclients; k++) shutdown(clients[k].fd, SHUT_WR);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (nclients > 0) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long left = 500 - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
    struct pollfd pf[MAX_CLIENTS];
    for (int k = 0; k < nclients; k++) pf[k] = (struct pollfd){.fd = clients[k].fd, .events = POLLIN};
    if (left <= 0 || poll(pf, (nfds_t)nclients, (int)left) <= 0) break;
    char junk[512];
    for (int k = nclients - 1; k >= 0; k--) {
      if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = recv(clients[k].fd, junk, sizeof junk, MSG_DONTWAIT);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) drop_client(k);
    }
  }
  while (nclients > 0) drop_client(nclients - 1);
}

/* the listening attach.sock, and what `<runtime> start` needs (set by run_shim) */
static int attach_l = -1;
static const char *rt_path, *ctr_id;
static const char *const *rt_extra;
static int rt_nextra;

/* `<runtime> [runtime args] ARGS...` (ARGS NULL-terminated) with its stdio on in, out and err
   (-1: /dev/null) and the signal state of a fresh process (the shim blocks SIGCHLD for its
   signalfd and ignores SIGPIPE and SIGHUP). Returns its pid, or -1 (errno) when it cannot fork. */
static pid_t spawn_runtime(const char *const *args, int in, int out, int err) {
  const char *argv[MAX_RT_ARGS + 16];
  int ac = 0;
  argv[ac++] = rt_path;
  for (int i = 0; i < rt_nextra; i++) argv[ac++] = rt_extra[i];
  for (int i = 0; args[i] && ac < (int)(sizeof argv / sizeof argv[0]) - 1; i++) argv[ac++] = args[i];
  argv[ac] = NULL;
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (dup2(in >= 0 ? in : devnull, 0) < 0 || dup2(out >= 0 ? out : devnull, 1) < 0 || dup2(err >= 0 ? err : devnull, 2) < 0) _exit(127);
  execv(rt_path, (char *const *)argv);
  dprintf(2, "berth-shim: exec `%s`: %s\n", rt_path, strerror(errno));
  _exit(127);
}

static void accept_clients(void) {
  int c;
  while (attach_l >= 0 && (c = accept4(attach_l, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
    if (nclients >= MAX_CLIENTS) {
      close(c);
      continue;
    }
    struct timeval tv = {.tv_sec = 1};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    clients[nclients++] = (client_t){.fd = c};
  }
}

/* Frame 5: `<runtime> start ID`, answered by frame 6 [status][output]. The attach clients that
   connected before the request are in the listen queue: taken first, they see all the output. */
static void runtime_start(client_t *c) {
  c->control = 1;
  accept_clients();
  char out[4096];
  size_t len = 1;
  int status = 1, p[2];
  if (pipe2(p, O_CLOEXEC) < 0) {
    len += (size_t)snprintf(out + 1, sizeof out - 1, "berth-shim: pipe: %s", strerror(errno));
  } else {
    const char *args[] = {"start", ctr_id, NULL};
    pid_t pid = spawn_runtime(args, -1, p[1], p[1]);
    close(p[1]);
    if (pid < 0) {
      len += (size_t)snprintf(out + 1, sizeof out - 1, "berth-shim: fork: %s", strerror(errno));
    } else {
      /* read to EOF before waiting: a long message must not block the runtime on a full pipe */
      for (;;) {
        char junk[512];
        int full = len >= sizeof out;
        ssize_t r = full ? read(p[0], junk, sizeof junk) : read(p[0], out + len, sizeof out - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (!full) len += (size_t)r;
      }
      int st = 0;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    close(p[0]);
  }
  out[0] = (char)(status > 255 ? 255 : status);
  (void)client_send(c->fd, F_STARTED, out, len);
}

/* the container's cgroup (from /proc/INIT/cgroup, in the hierarchy whose cgroup.procs
   cg_signal_all reads), "" when unknown */
static cg_layout_t ctr_layout;
static char ctr_cgpath[PATH_MAX];

/* Frame 7: the signal, to the init or (all) every process of the container's cgroup. */
static void container_kill(client_t *c) {
  c->control = 1;
  int sig = c->ctl[0], all = c->ctl[1];
  char status = 0;
  berr_t e;
  if (init_gone()) status = 1;
  /* all: the cgroup's processes or a failure (2: the driver then asks the runtime's kill
     --all), never the init alone answered as if every process had been signalled */
  else if (all) status = ctr_cgpath[0] && cg_signal_all(&ctr_layout, ctr_cgpath, sig, &e) == 0 ? 0 : 2;
  else if (kill(init_pid, sig) < 0) status = errno == ESRCH ? 1 : 2;
  (void)client_send(c->fd, F_KILLED, &status, 1);
}

/* ---------------------------------------------------------------- the shim */

static int run_shim(const shim_opts_t *o, int status_fd, int made_state_dir) {
  char path[PATH_MAX], errbuf[8192];
  rt_path = o->runtime;
  ctr_id = o->id;
  rt_extra = o->rt_args;
  rt_nextra = o->nrt;
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

  sfile(path, sizeof path, "shim.pid");
  char pidbuf[32];
  int pl = snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
  berr_t e;
  if (write_file_atomic(path, pidbuf, (size_t)pl, &e) < 0) {
    snprintf(errbuf, sizeof errbuf, "E%s", e.msg);
    report(status_fd, errbuf);
    return 1;
  }

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, console_l = -1;
  char console_path[PATH_MAX];
  sfile(console_path, sizeof console_path, "console.sock");
  if (pipe2(err_pipe, O_CLOEXEC) < 0) goto sys_fail;
  if (o->tty) {
    if ((console_l = listen_unix(console_path)) < 0) goto sys_fail;
  } else {
    if (pipe2(out_pipe, O_CLOEXEC) < 0) goto sys_fail;
    if (o->stdin_open && pipe2(in_pipe, O_CLOEXEC) < 0) goto sys_fail;
  }

  /* <runtime> [args] create --bundle B --pid-file S/init.pid [--console-socket S/console.sock] ID */
  char initpid_path[PATH_MAX];
  sfile(initpid_path, sizeof initpid_path, "init.pid");
  const char *args[9] = {"create", "--bundle", bundle_abs, "--pid-file", initpid_path};
  int na = 5;
  if (o->tty) {
    args[na++] = "--console-socket";
    args[na++] = console_path;
  }
  args[na++] = o->id;
  args[na] = NULL;
  pid_t rt = spawn_runtime(args, in_pipe[0], out_pipe[1], err_pipe[1]);
  if (rt < 0) goto sys_fail;
  if (in_pipe[0] >= 0) close(in_pipe[0]);
  if (out_pipe[1] >= 0) close(out_pipe[1]);
  close(err_pipe[1]);
  int st;
  while (waitpid(rt, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    /* the runtime failed: everything on the stderr pipe is its message (the container never ran) */
    fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
    errbuf[0] = 'E';
    ssize_t n = read(err_pipe[0], errbuf + 1, sizeof errbuf - 2);
    if (n < 0) n = 0;
    while (n > 0 && (errbuf[n] == '\n' || errbuf[n] == ' ')) n--;
    errbuf[n + 1] = 0;
    if (n == 0) snprintf(errbuf, sizeof errbuf, "E%s create `%s`: failed with status %d", o->runtime, o->id,
                         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    report(status_fd, errbuf);
    goto cleanup_files;
  }
  /* keep reading the runtime's stderr pipe only in non-tty mode (there it is the container's stderr) */
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  if (o->tty) {
    close(err_pipe[0]);
    err_fd = -1;
    int c = accept4(console_l, NULL, NULL, SOCK_CLOEXEC);
    out_fd = c >= 0 ? recv_fd(c) : -1;
    if (c >= 0) close(c);
    close(console_l);
    unlink(console_path);
    if (out_fd < 0) {
      snprintf(errbuf, sizeof errbuf, "Econsole `%s`: the runtime sent no terminal", console_path);
      report(status_fd, errbuf);
      goto kill_cleanup;
    }
  }
  char *pidtxt;
  if (read_file(initpid_path, &pidtxt, NULL, &e) < 0) {
    snprintf(errbuf, sizeof errbuf, "E%s", e.msg);
    report(status_fd, errbuf);
    goto kill_cleanup;
  }
  pid_t init = (pid_t)atoi(pidtxt);
  init_pid = init;
  free(pidtxt);

  /* OOM counter of the container's memory cgroup (read from /proc/INIT/cgroup) */
  char oomfile[PATH_MAX] = "";
  long long oom_base = -1;
  {
    cg_layout_t l;
    char cgf[64], *cgtext;
    snprintf(cgf, sizeof cgf, "/proc/%d/cgroup", (int)init);
    if (cg_detect(&l, &e) == 0 && read_file(cgf, &cgtext, NULL, &e) == 0) {
      ctr_layout = l;
      /* the hierarchy cg_signal_all lists: pids, else memory (v1), else the unified one */
      const char *procs_ctl = cg_v1_find(&l, "pids") >= 0 ? "pids" : cg_v1_find(&l, "memory") >= 0 ? "memory" : NULL;
      char *line, *save;
      for (line = strtok_r(cgtext, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        const char *ctrls = c1 + 1, *cgp = c2 + 1;
        if (procs_ctl ? has_ctrl(ctrls, procs_ctl) : ctrls[0] == 0)
          snprintf(ctr_cgpath, sizeof ctr_cgpath, "%s", cgp);
        if (oomfile[0]) continue;
        int mem_v1 = strstr(ctrls, "memory") != NULL && cg_v1_find(&l, "memory") >= 0;
        if (mem_v1) snprintf(oomfile, sizeof oomfile, "%s%s/memory.oom_control", l.v1[cg_v1_find(&l, "memory")].mnt, cgp);
        else if (ctrls[0] == 0 && l.nv1 == 0 && l.unified[0])
          snprintf(oomfile, sizeof oomfile, "%s%s/memory.events", l.unified, cgp);
      }
      free(cgtext);
    }
    if (oomfile[0]) oom_base = cg_read_oom_kills(oomfile);
  }

  char attach_path[PATH_MAX];
  sfile(attach_path, sizeof attach_path, "attach.sock");
  logf = fopen(log_abs, "ae");
  if (logf != NULL && fseek(logf, 0, SEEK_END) == 0) log_size = ftell(logf);
  if (logf == NULL) {
    snprintf(errbuf, sizeof errbuf, "Eberth-shim: open `%s`: %s", log_abs, strerror(errno));
    report(status_fd, errbuf);
    goto kill_cleanup;
  }
  attach_l = listen_unix(attach_path);
  if (attach_l < 0) {
    snprintf(errbuf, sizeof errbuf, "Eberth-shim: listen `%s`: %s", attach_path, strerror(errno));
    fclose(logf);
    report(status_fd, errbuf);
    goto kill_cleanup;
  }

  char okmsg[64];
  snprintf(okmsg, sizeof okmsg, "O%d", (int)init);
  report(status_fd, okmsg);
  close(status_fd);
  status_fd = -1;

  /* ---- event loop ---- */
  stream_t s_out = {.name = "stdout"}, s_err = {.name = "stderr"};
  int tty_fd = o->tty ? out_fd : -1; /* the pty master: stdin, resize */
  in_is_pty = o->tty;
  in_fd = o->tty ? out_fd : in_pipe[1];
  if (in_fd >= 0) fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
  int exited = 0, exit_code = 0, exit_sig = 0;
  char exited_at[64] = "";
  char buf[8192];
  for (;;) {
    struct pollfd pf[5 + MAX_CLIENTS];
    int n = 0, i_out = -1, i_err = -1, i_sig = -1, i_l = -1, i_in = -1;
    if (out_fd >= 0) pf[i_out = n++] = (struct pollfd){.fd = out_fd, .events = POLLIN};
    if (err_fd >= 0) pf[i_err = n++] = (struct pollfd){.fd = err_fd, .events = POLLIN};
    if (!exited) pf[i_sig = n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
    if (attach_l >= 0) pf[i_l = n++] = (struct pollfd){.fd = attach_l, .events = POLLIN};
    /* while the container has not taken the stdin already read, no more stdin is read (it waits
       in the sockets; see client_readable) */
    if (in_len > 0 && in_fd >= 0) pf[i_in = n++] = (struct pollfd){.fd = in_fd, .events = POLLOUT};
    int base = n, pfc[MAX_CLIENTS]; /* pf[base + i] is clients[pfc[i]] */
    for (int k = 0; k < nclients; k++) {
      if (client_readable(&clients[k]) == 0) continue; /* its hangup too waits: no spinning on POLLHUP */
      pfc[n - base] = k;
      pf[n++] = (struct pollfd){.fd = clients[k].fd, .events = POLLIN};
    }
    if (exited && out_fd < 0 && err_fd < 0) break;
    /* after the init exited, wait for the pipes to drain; give up if nothing comes for 500 ms
       (a process outside the container's pid namespace may still hold them) */
    int r = poll(pf, (nfds_t)n, exited ? 500 : -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (r == 0 && exited) break;
    /* accept before copying output, so a client that connected before the output was written
       receives it */
    if (i_l >= 0 && (pf[i_l].revents & POLLIN)) accept_clients();
    for (int which = 0; which < 2; which++) {
      int idx = which ? i_err : i_out;
      if (idx < 0 || !(pf[idx].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int *fdp = which ? &err_fd : &out_fd;
      ssize_t got = read(*fdp, buf, sizeof buf);
      if (got <= 0) {
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        stream_flush(which ? &s_err : &s_out);
        if (*fdp != tty_fd) close(*fdp);
        *fdp = -1;
        continue;
      }
      stream_feed(which ? &s_err : &s_out, buf, (size_t)got);
      broadcast(which ? F_STDERR : F_STDOUT, buf, (size_t)got);
    }
    if (logf) fflush(logf);
    if (i_sig >= 0 && (pf[i_sig].revents & POLLIN)) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {
      }
      int ws;
      pid_t p;
      while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
        if (p != init) continue;
        exited = 1;
        init_reaped = 1;
        rfc3339nano(exited_at, sizeof exited_at);
        if (WIFEXITED(ws)) exit_code = WEXITSTATUS(ws);
        else if (WIFSIGNALED(ws)) {
          exit_sig = WTERMSIG(ws);
          exit_code = 128 + exit_sig;
        }
      }
    }
    if (i_in >= 0 && (pf[i_in].revents & (POLLOUT | POLLERR | POLLHUP))) stdin_put(NULL, 0);
    /* clients, from the last: a dropped one is replaced by the last of the list */
    for (int k = n - 1; k >= base; k--) {
      if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int j = pfc[k - base];
      if (j >= nclients || clients[j].fd != pf[k].fd) continue;
      size_t want = client_readable(&clients[j]);
      if (want == 0) continue;
      ssize_t got = recv(clients[j].fd, buf, want < sizeof buf ? want : sizeof buf, MSG_DONTWAIT);
      if (got > 0) {
        client_input(&clients[j], (const unsigned char *)buf, (size_t)got, tty_fd);
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      drop_client(j);
    }
  }
  if (tty_fd >= 0) close(tty_fd);
  stream_flush(&s_out);
  stream_flush(&s_err);
  if (logf) fclose(logf);
  if (attach_l >= 0) close(attach_l);
  unlink(attach_path);
  hang_up_clients();
  /* reap any other orphans that ended up with us */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  int oom = 0;
  if (oomfile[0] && oom_base >= 0) oom = cg_read_oom_kills(oomfile) > oom_base;
  if (!exited) {
    rfc3339nano(exited_at, sizeof exited_at);
    exit_code = 255;
  }
  char rec[256];
  int rl;
  if (exit_sig)
    rl = snprintf(rec, sizeof rec, "{\"exitCode\":%d,\"signal\":%d,\"exitedAt\":\"%s\"%s}\n", exit_code, exit_sig, exited_at,
                  oom ? ",\"oomKilled\":true" : "");
  else
    rl = snprintf(rec, sizeof rec, "{\"exitCode\":%d,\"exitedAt\":\"%s\"%s}\n", exit_code, exited_at,
                  oom ? ",\"oomKilled\":true" : "");
  sfile(path, sizeof path, "exit.json");
  write_file_atomic(path, rec, (size_t)rl, &e);
  return 0;

sys_fail:
  snprintf(errbuf, sizeof errbuf, "Eberth-shim `%s`: %s", o->id, strerror(errno));
  report(status_fd, errbuf);
  goto cleanup_files;
kill_cleanup : {
  /* created but we cannot serve it: remove the container again */
  const char *args[] = {"delete", "--force", o->id, NULL};
  pid_t d = spawn_runtime(args, -1, -1, -1);
  if (d > 0) waitpid(d, NULL, 0);
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}
cleanup_files:
  sfile(path, sizeof path, "shim.pid");
  unlink(path);
  sfile(path, sizeof path, "init.pid");
  unlink(path);
  unlink(console_path);
  if (made_state_dir) rmdir(state_abs);
  return 1;
}

static int usage(const char *why) {
  fprintf(stderr,
          "berth-shim: %s\nusage: berth-shim --runtime PATH [--runtime-arg ARG]... --id ID --bundle DIR "
          "--state-dir DIR --log FILE [--log-max-size BYTES] [--log-max-file N] [--tty] [--stdin]\n",
          why);
  return 2;
}

/* A launcher's ignored signals and blocked mask survive exec and would reach the runtime and
   the container (a shell's background job has SIGINT and SIGQUIT ignored): start from the
   defaults, as `env --default-signal` did, without that extra exec. */
static void default_signals(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) (void)sigaction(sig, &dfl, NULL); /* EINVAL for libc's own: fine */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

int main(int argc, char **argv) {
  shim_opts_t o;
  memset(&o, 0, sizeof o);
  default_signals();
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = NULL;
    if (strcmp(a, "--tty") == 0) {
      o.tty = 1;
      continue;
    }
    if (strcmp(a, "--stdin") == 0) {
      o.stdin_open = 1;
      continue;
    }
    if (strcmp(a, "--log-max-size") == 0 || strcmp(a, "--log-max-file") == 0) {
      char *end;
      long long v = i + 1 < argc ? strtoll(argv[i + 1], &end, 10) : -1;
      if (v < 0 || *end != 0 || (a[10] == 'f' && (v < 1 || v > 1000))) return usage("--log-max-size/--log-max-file need a number");
      if (a[10] == 'f') log_max_file = (int)v;
      else log_max_size = v;
      i++;
      continue;
    }
    if (strcmp(a, "--runtime") == 0) dst = &o.runtime;
    else if (strcmp(a, "--id") == 0) dst = &o.id;
    else if (strcmp(a, "--bundle") == 0) dst = &o.bundle;
    else if (strcmp(a, "--state-dir") == 0) dst = &o.state_dir;
    else if (strcmp(a, "--log") == 0) dst = &o.log;
    else if (strcmp(a, "--runtime-arg") == 0) {
      if (i + 1 >= argc || o.nrt >= MAX_RT_ARGS) return usage("--runtime-arg needs a value");
      o.rt_args[o.nrt++] = argv[++i];
      continue;
    } else {
      char m[256];
      snprintf(m, sizeof m, "option `%.200s`: unknown option", a);
      return usage(m);
    }
    if (i + 1 >= argc) return usage("an option needs a value");
    *dst = argv[++i];
  }
  if (!o.runtime || !o.id || !o.bundle || !o.state_dir || !o.log)
    return usage("--runtime, --id, --bundle, --state-dir and --log are required");
  if (realpath(o.bundle, bundle_abs) == NULL) {
    fprintf(stderr, "berth-shim: bundle `%s`: %s\n", o.bundle, strerror(errno));
    return 1;
  }
  int made_state_dir = 0;
  if (mkdir(o.state_dir, 0711) == 0) made_state_dir = 1;
  else if (errno != EEXIST) {
    fprintf(stderr, "berth-shim: mkdir `%s`: %s\n", o.state_dir, strerror(errno));
    return 1;
  }
  if (realpath(o.state_dir, state_abs) == NULL) {
    fprintf(stderr, "berth-shim: state dir `%s`: %s\n", o.state_dir, strerror(errno));
    return 1;
  }
  if (o.log[0] == '/') {
    snprintf(log_abs, sizeof log_abs, "%s", o.log);
  } else {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || snprintf(log_abs, sizeof log_abs, "%s/%s", cwd, o.log) >= (int)sizeof log_abs) {
      fprintf(stderr, "berth-shim: log `%s`: path too long\n", o.log);
      return 1;
    }
  }
  char rt_abs[PATH_MAX];
  if (strchr(o.runtime, '/') != NULL) {
    /* the shim runs from "/": make a relative runtime path absolute now */
    if (realpath(o.runtime, rt_abs) == NULL) {
      fprintf(stderr, "berth-shim: runtime `%s`: %s\n", o.runtime, strerror(errno));
      return 1;
    }
    o.runtime = rt_abs;
  } else {
    /* search PATH so that `--runtime runc` works */
    const char *path = getenv("PATH");
    int found = 0;
    for (const char *p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; p && *p && !found;) {
      const char *c = strchr(p, ':');
      size_t l = c ? (size_t)(c - p) : strlen(p);
      snprintf(rt_abs, sizeof rt_abs, "%.*s/%s", (int)l, p, o.runtime);
      if (access(rt_abs, X_OK) == 0) found = 1;
      p = c ? c + 1 : NULL;
    }
    if (!found) {
      fprintf(stderr, "berth-shim: runtime `%s`: not found in $PATH\n", o.runtime);
      return 1;
    }
    o.runtime = rt_abs;
  }

  int sp[2];
  if (pipe2(sp, O_CLOEXEC) < 0) {
    fprintf(stderr, "berth-shim: pipe: %s\n", strerror(errno));
    return 1;
  }
  fflush(NULL);
  pid_t c = fork();
  if (c < 0) {
    fprintf(stderr, "berth-shim: fork: %s\n", strerror(errno));
    return 1;
  }
  if (c == 0) {
    close(sp[0]);
    setsid();
    pid_t g = fork();
    if (g != 0) _exit(g < 0 ? 1 : 0);
    /* the shim: no controlling terminal, stdio on /dev/null, no inherited descriptors */
    if (chdir("/") < 0) _exit(1);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
      if (devnull > 2) close(devnull);
    }
    if (sp[1] != 3) {
      dup3(sp[1], 3, O_CLOEXEC);
      close(sp[1]);
    }
    syscall(SYS_close_range, 4U, ~0U, 0U);
    _exit(run_shim(&o, 3, made_state_dir));
  }
  close(sp[1]);
  int ws;
  waitpid(c, &ws, 0);
  char msg[8192];
  ssize_t n = read_all(sp[0], msg, sizeof msg - 1);
  close(sp[0]);
  if (n <= 0) {
    fprintf(stderr, "berth-shim: create `%s`: the shim exited without reporting\n", o.id);
    return 1;
  }
  msg[n] = 0;
  if (msg[0] == 'O') {
    char spath[PATH_MAX + 16], *spid = NULL;
    berr_t e;
    snprintf(spath, sizeof spath, "%s/shim.pid", state_abs);
    read_file(spath, &spid, NULL, &e);
    printf("{\"shimPid\":%d,\"initPid\":%d}\n", spid ? atoi(spid) : 0, atoi(msg + 1));
    return 0;
  }
  fprintf(stderr, "%s\n", msg + 1);
  return 1;
}
