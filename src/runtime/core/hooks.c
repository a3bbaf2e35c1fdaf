/* hooks.c - run OCI hooks: fork, exec the hook with the container state on stdin, wait (with
 * the hook's timeout), report a non-zero exit as "hook `<path>`: <reason>". */
#define _GNU_SOURCE
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const kind_names[HOOK_KINDS] = {"prestart", "createRuntime", "createContainer",
                                                   "startContainer", "poststart", "poststop"};

static char **strarr(const jv_t *v) {
  if (v == NULL || v->t != J_ARR) return NULL;
  char **a = xcalloc((size_t)v->len + 1, sizeof(char *));
  int i = 0;
  for (jv_t *c = v->child; c; c = c->next)
    if (c->t == J_STR) a[i++] = c->s;
  a[i] = NULL;
  return a;
}

int hooks_parse(const jv_t *j, hooks_t *h, berr_t *e) {
  memset(h, 0, sizeof *h);
  if (j == NULL || j->t == J_NULL) return 0;
  if (j->t != J_OBJ) return berr_set(e, 0, "config `hooks`: expected an object");
  for (int k = 0; k < HOOK_KINDS; k++) {
    jv_t *arr = json_get(j, kind_names[k]);
    if (arr == NULL || arr->t == J_NULL) continue;
    if (arr->t != J_ARR) return berr_set(e, 0, "config `hooks.%s`: expected an array", kind_names[k]);
    h->list[k] = xcalloc((size_t)arr->len, sizeof(hook_t));
    for (jv_t *c = arr->child; c; c = c->next) {
      const char *p = json_str(c, "path");
      if (p == NULL || p[0] != '/') return berr_set(e, 0, "config `hooks.%s[].path`: expected an absolute path", kind_names[k]);
      hook_t *hk = &h->list[k][h->n[k]++];
      hk->path = xstrdup(p);
      hk->args = strarr(json_get(c, "args"));
      hk->env = strarr(json_get(c, "env"));
      jv_t *t = json_get(c, "timeout");
      if (t && t->t == J_NUM) {
        if (t->i <= 0) return berr_set(e, 0, "config `hooks.%s[].timeout`: must be positive", kind_names[k]);
        hk->timeout = (int)t->i;
      }
    }
  }
  return 0;
}

void json_write_value(sbuf_t *b, const jv_t *v) {
  switch (v->t) {
    case J_NULL: sb_puts(b, "null"); break;
    case J_BOOL: sb_puts(b, v->b ? "true" : "false"); break;
    case J_NUM:
      if (v->is_int) sb_printf(b, "%lld", v->i);
      else sb_printf(b, "%.17g", v->n);
      break;
    case J_STR: sb_json_str(b, v->s); break;
    case J_ARR:
    case J_OBJ:
      sb_puts(b, v->t == J_ARR ? "[" : "{");
      for (jv_t *c = v->child; c; c = c->next) {
        if (c != v->child) sb_puts(b, ",");
        if (v->t == J_OBJ) {
          sb_json_str(b, c->key);
          sb_puts(b, ":");
        }
        json_write_value(b, c);
      }
      sb_puts(b, v->t == J_ARR ? "]" : "}");
      break;
  }
}

char *hooks_state_json(const char *oci_version, const char *id, const char *status, int pid, const char *bundle,
                       const jv_t *annotations) {
  sbuf_t b;
  sb_init(&b);
  sb_puts(&b, "{\"ociVersion\":");
  sb_json_str(&b, oci_version);
  sb_puts(&b, ",\"id\":");
  sb_json_str(&b, id);
  sb_puts(&b, ",\"status\":");
  sb_json_str(&b, status);
  if (pid > 0) sb_printf(&b, ",\"pid\":%d", pid);
  sb_puts(&b, ",\"bundle\":");
  sb_json_str(&b, bundle);
  if (annotations && annotations->t == J_OBJ) {
    sb_puts(&b, ",\"annotations\":");
    json_write_value(&b, annotations);
  }
  sb_puts(&b, "}");
  return b.s;
}

static int run_one(const hook_t *hk, const char *state, berr_t *e) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) < 0) return berr_set(e, errno, "hook `%s`", hk->path);
  if (pipe2(out, O_CLOEXEC) < 0) {
    close(in[0]);
    close(in[1]);
    return berr_set(e, errno, "hook `%s`", hk->path);
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    return berr_set(e, errno, "hook `%s`", hk->path);
  }
  if (pid == 0) {
    /* stdin: the state; stdout and stderr: captured, shown only if the hook fails (as runc) */
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    char *def_args[] = {hk->path, NULL};
    char *no_env[] = {NULL};
    execve(hk->path, hk->args && hk->args[0] ? hk->args : def_args, hk->env ? hk->env : no_env);
    dprintf(2, "%s", strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  signal(SIGPIPE, SIG_IGN);
  (void)write_all(in[1], state, strlen(state)); /* a hook need not read its stdin */
  close(in[1]);
  char text[1024];
  size_t tl = 0;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int timed_out = 0;
  for (;;) {
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    int r = poll(&p, 1, hk->timeout ? 100 : -1);
    if (r > 0) {
      char buf[512];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break; /* EOF: the hook (and whatever it started) closed its output */
      size_t take = (size_t)n < sizeof text - 1 - tl ? (size_t)n : sizeof text - 1 - tl;
      memcpy(text + tl, buf, take);
      tl += take;
    }
    if (hk->timeout) {
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec >= hk->timeout) {
        kill(pid, SIGKILL);
        timed_out = 1;
        break;
      }
    }
  }
  close(out[0]);
  text[tl] = 0;
  while (tl > 0 && (text[tl - 1] == '\n' || text[tl - 1] == ' ')) text[--tl] = 0;
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return berr_set(e, errno, "hook `%s`", hk->path);
  if (timed_out) return berr_set(e, 0, "hook `%s`: timed out after %d s", hk->path, hk->timeout);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status))
    return berr_set(e, 0, "hook `%s`: exited with status %d%s%s", hk->path, WEXITSTATUS(status), tl ? ": " : "", text);
  return berr_set(e, 0, "hook `%s`: killed by signal %d", hk->path, WTERMSIG(status));
}

int hooks_run(const hooks_t *h, int kind, const char *state_json, berr_t *e) {
  for (int i = 0; i < h->n[kind]; i++)
    if (run_one(&h->list[kind][i], state_json, e) < 0) return berr_wrap(e, "%s", kind_names[kind]);
  return 0;
}
