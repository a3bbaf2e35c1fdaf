/* container.h - the runtime verbs (runc-compatible CLI semantics). */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H
#include "util.h"

typedef struct {
  const char *root, *id, *bundle, *pid_file, *console_socket;
  int no_pivot, detach, preserve_fds;
} create_opts_t;

typedef struct {
  const char *root, *id, *process_file, *console_socket, *pid_file, *cwd, *user;
  char **env;
  int nenv;
  char **caps;
  int ncaps;
  char **args;
  int nargs;
  int tty, detach, nnp, preserve_fds;
  int resize_fd; /* --resize-fd: window sizes for the proxied pty (-1: none) */
} exec_opts_t;

/* run = 0: create; run = 1: create + start (+ wait unless detach). *exit_code gets the
   container's exit status for a foreground run. */
int cmd_create(const create_opts_t *o, int run, int *exit_code, berr_t *e);
int cmd_start(const char *root, const char *id, berr_t *e);
int cmd_state(const char *root, const char *id, berr_t *e);
int cmd_kill(const char *root, const char *id, const char *sig, int all, berr_t *e);
int cmd_delete(const char *root, const char *id, int force, berr_t *e);
int cmd_pause(const char *root, const char *id, int pause, berr_t *e);
int cmd_ps(const char *root, const char *id, int json, berr_t *e);
int cmd_list(const char *root, berr_t *e);
int cmd_exec(const exec_opts_t *o, int *exit_code, berr_t *e);
#endif
