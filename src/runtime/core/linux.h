/* linux.h - the container side: namespaces, rootfs and mounts, devices, process attributes. */
#ifndef BERTH_LINUX_H
#define BERTH_LINUX_H
#include "cgroup.h"
#include "spec.h"
#include "util.h"

typedef struct {
  spec_t *spec;
  const cg_layout_t *cg;
  const char *cg_path;
  int sync_fd;    /* SOCK_SEQPACKET to the parent: we send "R" (ready) or "E<message>" */
  int fifo_fd;    /* O_PATH fd of the state dir holding exec.fifo (create), or -1 (run: wait for "G") */
  int console_fd; /* connected --console-socket, or -1 */
  int no_pivot;
  int preserve_fds;
  int in_unified; /* clone3 already placed us in the cgroup2 directory (CLONE_INTO_CGROUP) */
  int hooks_sync; /* stop before pivot_root for the parent's prestart/createRuntime hooks */
  const char *state_creating, *state_created; /* state JSON for hooks, from the parent */
} init_args_t;

/* Runs in the cloned child (pid 1 of the new pid namespace). Never returns. */
void container_init(init_args_t *a) __attribute__((noreturn));

/* Shared with exec: allocate a pty in the current mount namespace, send the master over
   console_fd (SCM_RIGHTS), make the slave our controlling terminal and stdio. */
int setup_console(int console_fd, const proc_spec_t *p, berr_t *e);
/* rlimits, then user (groups, gid, uid) and capabilities, then no_new_privs. */
int apply_rlimits(const proc_spec_t *p, berr_t *e);
int apply_identity(const proc_spec_t *p, berr_t *e);
/* Resolve args[0] against PATH from env (like execvp). */
int find_executable(const char *name, char *const *env, char *out, size_t n, berr_t *e);
/* Tell the parent about an error over fd and exit. */
void child_fail(int fd, const berr_t *e) __attribute__((noreturn));
#endif
