/* console.c - the pty proxy behind `berth-core exec --tty` / `run` of a terminal bundle when
 * no --console-socket is given: the process's pty master comes back to berth-core over a
 * socketpair (the same SCM_RIGHTS message a console socket gets) and is copied to and from
 * berth-core's own stdio, so a caller that cannot receive a file descriptor (a shell, Node,
 * script(1)) still gets a terminal. */
#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static volatile sig_atomic_t winch;
static void on_winch(int sig) {
  (void)sig;
  winch = 1;
}

static void copy_winsize(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) (void)ioctl(to, TIOCSWINSZ, &ws);
}

/* exited, not yet reaped (the caller reaps) */
static int has_exited(pid_t pid) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) return errno == ECHILD;
  return si.si_pid == pid;
}

void console_proxy(int master, pid_t pid, int resize_fd) {
  int in_tty = isatty(STDIN_FILENO);
  struct termios saved;
  int raw = 0;
  if (in_tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
    struct termios t = saved;
    cfmakeraw(&t);
    raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
  }
  if (in_tty) copy_winsize(STDIN_FILENO, master);
  int fl = fcntl(master, F_GETFL);
  if (fl >= 0) (void)fcntl(master, F_SETFL, fl | O_NONBLOCK);

  /* SIGWINCH resizes the pty (the kernel then signals the foreground process group) instead
     of being forwarded; it is only let in during ppoll, so no resize is missed */
  sigset_t block, orig, during;
  sigemptyset(&block);
  sigaddset(&block, SIGWINCH);
  sigprocmask(SIG_BLOCK, &block, &orig);
  struct sigaction sa, old_sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_winch;
  sigaction(SIGWINCH, &sa, &old_sa);
  during = orig;
  sigdelset(&during, SIGWINCH);
  struct sigaction ign, old_pipe; /* a reader of our stdout going away is EPIPE, not death */
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old_pipe);

  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* < 0 before Linux 5.3: poll every 100 ms */
  char out[16384], in[4096];
  size_t in_len = 0, in_off = 0;
  int in_open = 1, exited = 0;
  unsigned char rs[4];
  size_t rs_len = 0;
  for (;;) {
    if (winch) {
      winch = 0;
      if (in_tty) copy_winsize(STDIN_FILENO, master);
    }
    struct pollfd f[4] = {
        {.fd = master, .events = POLLIN | (in_off < in_len ? POLLOUT : 0)},
        {.fd = in_open && in_off >= in_len ? STDIN_FILENO : -1, .events = POLLIN},
        {.fd = exited ? -1 : pidfd, .events = POLLIN},
        {.fd = resize_fd, .events = POLLIN},
    };
    struct timespec tick = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
    int n = ppoll(f, 4, exited || pidfd < 0 ? &tick : NULL, &during);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (f[0].revents & POLLOUT) {
      ssize_t w = write(master, in + in_off, in_len - in_off);
      if (w > 0) in_off += (size_t)w;
      else if (w < 0 && errno != EAGAIN && errno != EINTR) in_off = in_len; /* the pty is gone: drop the input */
    }
    if (f[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(master, out, sizeof out);
      if (r > 0) {
        if (write_all(STDOUT_FILENO, out, (size_t)r) < 0 && errno == EPIPE) break;
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        break; /* EIO: every slave is closed */
      }
    }
    if (f[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(STDIN_FILENO, in, sizeof in);
      if (r > 0) {
        in_len = (size_t)r;
        in_off = 0;
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        in_open = 0; /* our stdin ended; the process keeps its terminal */
      }
    }
    if (f[3].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(resize_fd, rs + rs_len, sizeof rs - rs_len);
      if (r > 0 && (rs_len += (size_t)r) == sizeof rs) {
        struct winsize ws = {.ws_row = (unsigned short)(rs[0] << 8 | rs[1]), .ws_col = (unsigned short)(rs[2] << 8 | rs[3])};
        (void)ioctl(master, TIOCSWINSZ, &ws);
        rs_len = 0;
      } else if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        resize_fd = -1; /* the caller is done resizing */
      }
    }
    if (!exited && (pidfd >= 0 ? (f[2].revents & POLLIN) != 0 : has_exited(pid))) exited = 1;
    else if (exited && n == 0) break; /* exited, and the pty has been quiet for a tick */
  }
  if (pidfd >= 0) close(pidfd);
  close(master);
  sigaction(SIGWINCH, &old_sa, NULL);
  sigaction(SIGPIPE, &old_pipe, NULL);
  sigprocmask(SIG_SETMASK, &orig, NULL);
  if (raw) tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
}
