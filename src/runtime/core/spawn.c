/* berth-spawn - berthd's spawn server (src/engine/spawn-server.ts): runs host tools for it, so
 * that node does not fork itself per child (its spawn blocks the event loop ~3 ms).
 *
 *   berth-spawn DIR
 *
 * Requests come on stdin, one id per line; the request itself is DIR/<id>.c: NUL-terminated
 * fields, the working directory ("" to keep ours), the stdin file, then argv; the request file
 * (and a stdin file DIR/<id>.i) is deleted once read (once the tool has it open). The tool runs with
 * stdout in DIR/<id>.o and stderr in DIR/<id>.e, default signal dispositions and an empty mask;
 * when it ends, "<id> <status>\n" goes to stdout (status: exit code, 128+N for signal N; 127
 * with "<file>: not found" on stderr when it cannot be executed for lack of the file, as sh
 * says). At EOF on stdin it waits for the running tools, removes DIR and exits.
 * Compared with the /bin/sh loop it replaces: one vfork per tool instead of two forks of a
 * shell, and a request read whole instead of one byte per read(2).
 * argv[0] "@umount" is done here, in a forked child: umount2(2) on each target ("-l" or
 * "--lazy" before them: MNT_DETACH), "umount: TARGET: reason" on stderr for each failure,
 * status 0 (all unmounted), 32 (none) or 64 (some), as umount(8). util-linux's umount reads
 * and parses the whole mountinfo once per target (with 30 containers' overlays, most of its
 * ~5 ms per run here); this costs a fork. Not vfork: umount2 waits for an RCU grace period,
 * which the server itself must not.
 * argv[0] "@mount-overlay" OPTIONS TARGET likewise: mount(2) of an overlay in a forked child,
 * in the request's working directory (relative lower dirs resolve there, as for mount(8)),
 * "mount: TARGET: reason" and status 32 on failure, as mount(8). mount(8) costs ~3-7 ms per
 * container start here (libmount reads the mountinfo and the fstab), on the start's path. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_JOBS 4096

static struct {
  pid_t pid;
  char id[24];
} jobs[MAX_JOBS];
static int njobs;

static int reap(int block);

static void reply(const char *id, int status) {
  char line[64];
  int n = snprintf(line, sizeof line, "%s %d\n", id, status);
  /* one short write: whole lines, never interleaved */
  while (write(1, line, (size_t)n) < 0 && errno == EINTR) {
  }
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  ssize_t w = write(fd, text, strlen(text));
  close(fd);
  return w < 0 ? -1 : 0;
}

/* The kernel's struct sigaction, for the raw rt_sigaction calls (glibc's differs). */
struct raw_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  unsigned long mask;
};

/* The child of an "@umount" request: stdout and stderr already on the request's files. */
static int builtin_umount(char **targets) {
  int flags = 0, done = 0, failed = 0;
  for (char **t = targets; *t; t++) {
    if (strcmp(*t, "-l") == 0 || strcmp(*t, "--lazy") == 0) {
      flags |= MNT_DETACH;
      continue;
    }
    if (umount2(*t, flags) == 0) {
      done++;
      continue;
    }
    failed++;
    /* umount(8)'s words for the common cases: callers look for "busy" */
    const char *why = errno == EINVAL ? "not mounted." : errno == EBUSY ? "target is busy." : strerror(errno);
    dprintf(2, "umount: %s: %s\n", *t, why);
  }
  return failed == 0 ? 0 : done == 0 ? 32 : 64;
}

/* The child of an "@mount-overlay" request: argv = OPTIONS TARGET, cwd already the request's. */
static int builtin_mount_overlay(char **args) {
  if (!args[0] || !args[1] || args[2]) {
    dprintf(2, "berth-spawn: @mount-overlay OPTIONS TARGET\n");
    return 1;
  }
  if (mount("overlay", args[1], "overlay", 0, args[0]) == 0) return 0;
  dprintf(2, "mount: %s: %s\n", args[1], strerror(errno));
  return 32;
}

/* The request's own stdin file (<dir>/<id>.i), once the tool has it open (or never will). */
static void unlink_stdin(const char *dir, const char *id, const char *file) {
  char own[4096];
  snprintf(own, sizeof own, "%s/%s.i", dir, id);
  if (strcmp(file, own) == 0) unlink(own);
}

/* Start the request <id>: 0, or -1 when it was answered at once (could not start). */
static int start(const char *dir, const char *id) {
  char path[4096], out[4096], err[4096];
  snprintf(path, sizeof path, "%s/%s.c", dir, id);
  snprintf(out, sizeof out, "%s/%s.o", dir, id);
  snprintf(err, sizeof err, "%s/%s.e", dir, id);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    if (fd >= 0) close(fd);
    reply(id, 126);
    return -1;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
  close(fd);
  unlink(path); /* read whole: berthd need not delete it (one system call less on its event loop) */
  if (got < 0 || got != st.st_size) {
    free(buf);
    reply(id, 126);
    return -1;
  }
  buf[(size_t)got] = 0;
  /* fields: cwd, stdin, argv... each NUL-terminated (as many as the file holds) */
  size_t count = 0;
  for (ssize_t k = 0; k < got; k++) count += buf[k] == 0;
  char **fields = calloc(count + 2, sizeof *fields);
  int nf = 0;
  for (char *p = buf; fields && p < buf + got; p += strlen(p) + 1) fields[nf++] = p;
  if (nf < 3) {
    free(fields);
    free(buf);
    reply(id, 126);
    return -1;
  }
  char **argv = &fields[2];
  fields[nf] = NULL;

  pid_t pid;
  while (njobs >= MAX_JOBS && reap(1) == 0) {
  }
  int is_umount = strcmp(argv[0], "@umount") == 0;
  if (is_umount || strcmp(argv[0], "@mount-overlay") == 0) {
    pid = fork();
    if (pid == 0) {
      int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
      if (fields[0][0] != 0 && chdir(fields[0]) < 0) {
        dprintf(2, "%s: %s\n", fields[0], strerror(errno));
        _exit(127);
      }
      _exit(is_umount ? builtin_umount(argv + 1) : builtin_mount_overlay(argv + 1));
    }
    unlink_stdin(dir, id, fields[1]);
    free(fields);
    free(buf);
    if (pid < 0) {
      write_file(out, "");
      write_file(err, "berth-spawn: fork failed\n");
      reply(id, 126);
      return -1;
    }
    if (njobs < MAX_JOBS) {
      jobs[njobs].pid = pid;
      snprintf(jobs[njobs].id, sizeof jobs[njobs].id, "%s", id);
      njobs++;
    }
    return 0;
  }
  /* vfork, not posix_spawn: glibc's posix_spawn gives the child SIG_IGN for its internal
     signals (32, 33), which would reach the containers (berth-shim cannot reset those with
     sigaction). The child uses raw system calls only; errno comes back through `rc`. */
  volatile int rc = 0;
  pid = vfork();
  if (pid == 0) {
    /* Only an ignored signal survives exec: the ones inherited ignored were reset once in
       main, SIGPIPE (ignored by the server itself) is reset here. */
    struct raw_sigaction dfl = {SIG_DFL, 0, NULL, 0};
    syscall(SYS_rt_sigaction, SIGPIPE, &dfl, NULL, sizeof dfl.mask);
    unsigned long none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
    int in = (int)syscall(SYS_openat, AT_FDCWD, fields[1], O_RDONLY, 0);
    int o = in < 0 ? -1 : (int)syscall(SYS_openat, AT_FDCWD, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = o < 0 ? -1 : (int)syscall(SYS_openat, AT_FDCWD, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (e < 0 || syscall(SYS_dup2, in, 0) < 0 || syscall(SYS_dup2, o, 1) < 0 || syscall(SYS_dup2, e, 2) < 0 ||
        (fields[0][0] && syscall(SYS_chdir, fields[0]) < 0)) {
      rc = errno ? errno : EIO;
      syscall(SYS_exit, 127);
    }
    if (in > 2) syscall(SYS_close, in);
    if (o > 2) syscall(SYS_close, o);
    if (e > 2) syscall(SYS_close, e);
    syscall(SYS_execve, argv[0], argv, environ);
    rc = errno ? errno : EIO;
    syscall(SYS_exit, 127);
  }
  if (pid < 0) rc = errno;
  else if (rc != 0) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  if (rc != 0) {
    /* what sh would have said; the caller reads ENOENT from 127 + "not found" (a missing
       working directory or stdin file is the same errno: said as it is) */
    char msg[4200];
    int missing = rc == ENOENT && access(argv[0], X_OK) != 0;
    snprintf(msg, sizeof msg, "berth-spawn: %s: %s\n", argv[0], missing ? "not found" : strerror(rc));
    write_file(out, "");
    write_file(err, msg);
    free(fields);
    free(buf);
    reply(id, rc == ENOENT ? 127 : 126);
    return -1;
  }
  unlink_stdin(dir, id, fields[1]);
  free(fields);
  free(buf);
  if (njobs < MAX_JOBS) {
    jobs[njobs].pid = pid;
    snprintf(jobs[njobs].id, sizeof jobs[njobs].id, "%s", id);
    njobs++;
  }
  return 0;
}

/* Answer for the tools that ended; with block, wait for one first (-1: none left). */
static int reap(int block) {
  for (int first = 1;; first = 0) {
    int ws;
    pid_t p = waitpid(-1, &ws, block && first ? 0 : WNOHANG);
    if (p <= 0) return p < 0 && first ? -1 : 0;
    int status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    for (int k = 0; k < njobs; k++) {
      if (jobs[k].pid != p) continue;
      reply(jobs[k].id, status);
      jobs[k] = jobs[--njobs];
      break;
    }
  }
}

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
  }
  rmdir(dir);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: berth-spawn DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  /* Dispositions inherited as ignored (berthd's own, a shell's SIGINT/SIGQUIT) would reach
     every tool and container: back to default once here, not in each child. Raw system
     calls, which also reach glibc's internal signals; handlers are left alone (exec drops
     them). */
  for (int sig = 1; sig <= 64; sig++) {
    struct raw_sigaction old, dfl = {SIG_DFL, 0, NULL, 0};
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) == 0 && old.handler == SIG_IGN)
      syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  }
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  char in[8192];
  size_t len = 0;
  int eof = 0;
  while (!eof) {
    struct pollfd pf[2] = {{.fd = 0, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
    if (poll(pf, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pf[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {
      }
      reap(0);
    }
    if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t n = read(0, in + len, sizeof in - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = 1;
      break;
    }
    len += (size_t)n;
    char *line = in, *nl;
    while ((nl = memchr(line, '\n', len - (size_t)(line - in))) != NULL) {
      *nl = 0;
      /* ids are digits: anything else is not ours */
      if (*line && strspn(line, "0123456789") == strlen(line) && strlen(line) < sizeof jobs[0].id) start(dir, line);
      line = nl + 1;
    }
    len -= (size_t)(line - in);
    memmove(in, line, len);
    if (len == sizeof in - 1) len = 0; /* an endless line: drop it */
  }
  while (njobs > 0 && reap(1) == 0) {
  }
  remove_dir(dir);
  return 0;
}
