/* berth-init - a minimal init for containers (`init: true`): runs as pid 1, starts the
 * command as its child, forwards signals to it, reaps every zombie that is reparented to it,
 * and exits with the command's status (128+N when the command was killed by signal N).
 *
 *   berth-init [--] COMMAND [ARGS...]
 *
 * Static, libc only, no allocation: bind-mounted read-only into any image (runtime-ts mounts it
 * at /sbin/berth-init). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) first++;
  if (first >= argc) {
    fputs("usage: berth-init [--] COMMAND [ARGS...]\n", stderr);
    return 2;
  }
  /* not pid 1 (e.g. the pid namespace is shared): still reap what is reparented to us */
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t child = fork();
  if (child < 0) {
    fprintf(stderr, "berth-init: fork `%s`: %s\n", argv[first], strerror(errno));
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* own process group; in the foreground of the terminal when there is one */
    setpgid(0, 0);
    if (isatty(0)) {
      signal(SIGTTOU, SIG_IGN);
      tcsetpgrp(0, getpid());
      signal(SIGTTOU, SIG_DFL);
    }
    execvp(argv[first], argv + first);
    fprintf(stderr, "berth-init: exec `%s`: %s\n", argv[first], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  int status = 0;
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      /* forward; the signals that stop a terminal job are passed on too */
      kill(child, sig);
      continue;
    }
    pid_t p;
    int ws;
    while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
      if (p != child) continue;
      status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      child = -1;
    }
    if (child < 0) break;
  }
  /* the command is gone: reap what is left without blocking, then leave (the pid namespace
     goes with us and the kernel kills the rest) */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  return status;
}
