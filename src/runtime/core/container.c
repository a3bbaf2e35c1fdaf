/* container.c - create/start/state/kill/delete/pause/resume/exec/ps over <root>/<id>/state.json.
 *
 * Creation order (see README.md): parse + validate config.json -> state dir -> cgroups + limits
 * -> exec.fifo -> clone(new namespaces) -> child sets everything up and reports "ready" (or the
 * error) over a SOCK_SEQPACKET pair -> parent writes state.json and the pid file -> exit.
 * `start` opens exec.fifo for reading, which releases the child into execve(). */
#define _GNU_SOURCE
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "console.h"
#include "json.h"
#include "hooks.h"
#include "linux.h"
#include "seccomp.h"
#include "spec.h"

typedef struct {
  char dir[PATH_MAX];
  pid_t pid;
  unsigned long long starttime;
  char *bundle, *rootfs, *created, *cgpath, *oci_version;
  jv_t *annotations;
  jv_t *exec_defaults; /* the container's capabilities, noNewPrivileges, rlimits (NULL: older state) */
  jv_t *seccomp;       /* the container's linux.seccomp, when execDefaults says it had one */
  jv_t *cg_mounts;     /* the cgroup hierarchies it was created in (NULL: older state) */
} state_t;

/* ---------------------------------------------------------------- helpers */

static int valid_id(const char *id) {
  if (id == NULL || id[0] == 0 || strlen(id) > 1024) return 0;
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
          *p == '-' || *p == '.'))
      return 0;
  return strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

static int state_dir(const char *root, const char *id, char *out, size_t n, berr_t *e) {
  if (!valid_id(id)) return berr_set(e, 0, "container `%s`: invalid container id", id ? id : "");
  if (snprintf(out, n, "%s/%s", root, id) >= (int)n) return berr_set(e, ENAMETOOLONG, "container `%s`", id);
  return 0;
}

/* 0 = gone or zombie; 1 = alive. starttime: field 22 of /proc/PID/stat. */
static int proc_alive(pid_t pid, unsigned long long *starttime) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return 0;
  buf[r] = 0;
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] == 0) return 0;
  char st = p[2];
  unsigned long long start = 0;
  /* after ") " : state(3) ppid(4) ... starttime(22) => skip 19 fields after state */
  char *q = p + 2;
  for (int f = 3; f < 22 && q; f++) {
    q = strchr(q, ' ');
    if (q) q++;
  }
  if (q) start = strtoull(q, NULL, 10);
  if (starttime) *starttime = start;
  return st != 'Z' && st != 'X';
}

static int state_load(const char *root, const char *id, state_t *st, berr_t *e) {
  memset(st, 0, sizeof *st);
  if (state_dir(root, id, st->dir, sizeof st->dir, e) < 0) return -1;
  char path[PATH_MAX + 16], *text;
  snprintf(path, sizeof path, "%s/state.json", st->dir);
  if (access(st->dir, F_OK) < 0) return berr_set(e, 0, "container `%s`: does not exist", id);
  if (read_file(path, &text, NULL, e) < 0) return berr_set(e, 0, "container `%s`: does not exist (no state.json)", id);
  char jerr[128];
  jv_t *j = json_parse(text, jerr, sizeof jerr);
  free(text);
  if (j == NULL) return berr_set(e, 0, "parse `%s`: %s", path, jerr);
  jv_t *v;
  st->pid = (v = json_get(j, "pid")) && v->t == J_NUM ? (pid_t)v->i : 0;
  st->starttime = (v = json_get(j, "starttime")) && v->t == J_NUM ? (unsigned long long)v->i : 0;
  const char *s;
  st->bundle = xstrdup((s = json_str(j, "bundle")) ? s : "");
  st->rootfs = xstrdup((s = json_str(j, "rootfs")) ? s : "");
  st->created = xstrdup((s = json_str(j, "created")) ? s : "");
  st->cgpath = xstrdup((s = json_str(j, "cgroupsPath")) ? s : "");
  st->oci_version = xstrdup((s = json_str(j, "ociVersion")) ? s : "1.0.2");
  st->annotations = json_get(j, "annotations");
  st->exec_defaults = json_get(j, "execDefaults");
  if (st->exec_defaults && st->exec_defaults->t != J_OBJ) st->exec_defaults = NULL;
  st->seccomp = st->exec_defaults ? json_get(st->exec_defaults, "seccomp") : NULL;
  st->cg_mounts = json_get(j, "cgroupMounts");
  if (st->cg_mounts && st->cg_mounts->t != J_OBJ) st->cg_mounts = NULL;
  return 0;
}

/* The hierarchies the container was created in, as its state recorded them: its cgroups are
   there (kill --all lists them, delete removes them). Reading /proc/self/mountinfo instead
   (cg_detect) costs the kernel a line per mount, an overlay's long options escaped byte by
   byte: with 30 containers, most of a delete's ~1.4 ms here. Older state: cg_detect. */
static int state_layout(const state_t *st, cg_layout_t *l, berr_t *e) {
  if (st->cg_mounts == NULL) return cg_detect(l, e);
  memset(l, 0, sizeof *l);
  const char *u = json_str(st->cg_mounts, "unified");
  if (u) snprintf(l->unified, sizeof l->unified, "%s", u);
  const jv_t *v1 = json_get(st->cg_mounts, "v1");
  for (const jv_t *h = v1 && v1->t == J_ARR ? v1->child : NULL; h && l->nv1 < CG_MAX_V1; h = h->next) {
    const char *ctrls = json_str(h, "controllers"), *mnt = json_str(h, "mount");
    if (!ctrls || !mnt) continue;
    snprintf(l->v1[l->nv1].ctrls, sizeof l->v1[l->nv1].ctrls, "%s", ctrls);
    snprintf(l->v1[l->nv1].mnt, sizeof l->v1[l->nv1].mnt, "%s", mnt);
    l->nv1++;
  }
  if (l->nv1 == 0 && l->unified[0] == 0) return cg_detect(l, e);
  return 0;
}

static int state_running(const state_t *st) {
  unsigned long long t;
  return st->pid > 0 && proc_alive(st->pid, &t) && t == st->starttime;
}

static const char *state_status(const state_t *st, const cg_layout_t *l) {
  if (!state_running(st)) return "stopped";
  char f[PATH_MAX + 16];
  snprintf(f, sizeof f, "%s/exec.fifo", st->dir);
  if (access(f, F_OK) == 0) return "created";
  if (l && st->cgpath[0] && cg_is_frozen(l, st->cgpath)) return "paused";
  return "running";
}

static int write_pid_file(const char *path, pid_t pid, berr_t *e) {
  char v[32];
  int n = snprintf(v, sizeof v, "%d", (int)pid);
  return write_file_atomic(path, v, (size_t)n, e);
}

/* ---------------------------------------------------------------- signal forwarding for run/exec */

static volatile pid_t fwd_pid;
static void forward(int sig) {
  if (fwd_pid > 0) kill(fwd_pid, sig);
}
static void forward_signals(pid_t pid) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  fwd_pid = pid;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

static int wait_exit(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 255;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

static int connect_console(const char *path, berr_t *e) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return berr_set(e, errno, "socket `%s`", path);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    close(fd);
    return berr_set(e, ENAMETOOLONG, "connect `%s`", path);
  }
  strcpy(sa.sun_path, path);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int err = errno;
    close(fd);
    return berr_set(e, err, "connect `%s`", path);
  }
  return fd;
}

/* poststart / poststop: a failing hook is a warning (OCI), the lifecycle goes on. */
static void run_lifecycle_hooks(const hooks_t *h, int kind, const char *ver, const char *id, const char *status, int pid,
                                const char *bundle, const jv_t *annotations) {
  if (h->n[kind] == 0) return;
  char *st = hooks_state_json(ver, id, status, pid, bundle, annotations);
  berr_t e;
  if (hooks_run(h, kind, st, &e) < 0) {
    char w[BERR_MAX + 16];
    snprintf(w, sizeof w, "warning: %.1000s", e.msg);
    fprintf(stderr, "berth-core: %s\n", w);
    log_error(w);
  }
  free(st);
}

/* Hooks and annotations of a bundle's config.json (for start and delete). */
static int bundle_hooks(const char *bundle, hooks_t *h, const jv_t **annotations, const char **ver) {
  char cfg[PATH_MAX + 16], *text, jerr[128];
  berr_t e;
  memset(h, 0, sizeof *h);
  snprintf(cfg, sizeof cfg, "%s/config.json", bundle);
  if (read_file(cfg, &text, NULL, &e) < 0) return -1;
  jv_t *j = json_parse(text, jerr, sizeof jerr);
  free(text);
  if (j == NULL || hooks_parse(json_get(j, "hooks"), h, &e) < 0) return -1;
  *annotations = json_get(j, "annotations");
  const char *v = json_str(j, "ociVersion");
  *ver = v ? v : "1.0.2";
  return 0;
}

/* ---------------------------------------------------------------- create / run */

int cmd_create(const create_opts_t *o, int run, int *exit_code, berr_t *e) {
  char dir[PATH_MAX];
  if (state_dir(o->root, o->id, dir, sizeof dir, e) < 0) return -1;
  char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
  if (bundle == NULL) return berr_set(e, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  spec_t spec;
  if (spec_load(bundle, &spec, e) < 0) return -1;
  char cgpath[PATH_MAX];
  if (spec.cgroups_path) snprintf(cgpath, sizeof cgpath, "%s%s", spec.cgroups_path[0] == '/' ? "" : "/", spec.cgroups_path);
  else snprintf(cgpath, sizeof cgpath, "/berth/%s", o->id);
  cg_layout_t cg;
  if (cg_detect(&cg, e) < 0) return -1;

  if (mkdir_p(o->root, 0711, e) < 0) return -1;
  if (mkdir(dir, 0711) < 0) {
    if (errno == EEXIST) return berr_set(e, 0, "container `%s`: already exists", o->id);
    return berr_set(e, errno, "mkdir `%s`", dir);
  }
  int cg_made = 0, fifo_fd = -1, console_fd = -1, proxy_fd = -1, master = -1, sv[2] = {-1, -1};
  pid_t pid = -1;
  char fifo[PATH_MAX + 16];
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);

  if (cg_create(&cg, cgpath, &spec.res, e) < 0) goto fail;
  cg_made = 1;
  if (!run) {
    mode_t old = umask(0);
    int r = mkfifo(fifo, 0622);
    umask(old);
    if (r < 0) {
      berr_set(e, errno, "mkfifo `%s`", fifo);
      goto fail;
    }
    fifo_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC); /* the init reopens exec.fifo from here */
    if (fifo_fd < 0) {
      berr_set(e, errno, "open `%s`", fifo);
      goto fail;
    }
  }
  if (o->console_socket && spec.proc.terminal) {
    console_fd = connect_console(o->console_socket, e);
    if (console_fd < 0) goto fail;
  } else if (spec.proc.terminal && run && !o->detach) {
    /* a foreground run without a console socket proxies the pty itself (console.c) */
    int cs[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs) < 0) {
      berr_set(e, errno, "socketpair `console`");
      goto fail;
    }
    proxy_fd = cs[0];
    console_fd = cs[1];
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    berr_set(e, errno, "socketpair `sync`");
    goto fail;
  }
  if (spec.ns_mode[NS_PID] == NSMODE_PATH) {
    int nfd = open(spec.ns_path[NS_PID], O_RDONLY | O_CLOEXEC);
    if (nfd < 0 || setns(nfd, CLONE_NEWPID) < 0) {
      berr_set(e, errno, "setns `%s`", spec.ns_path[NS_PID]);
      if (nfd >= 0) close(nfd);
      goto fail;
    }
    close(nfd);
  }
  unsigned long flags = SIGCHLD;
  for (int k = 0; k < NS_COUNT; k++)
    if (spec.ns_mode[k] == NSMODE_NEW && k != NS_CGROUP) flags |= (unsigned long)ns_clone_flags[k];
  fflush(NULL);
  /* clone3 + CLONE_INTO_CGROUP starts the init inside its cgroup2 directory (no migration);
     older kernels, or a cgroup2 without it, fall back to clone() and a cgroup.procs write */
  int in_unified = 0;
  pid = -1;
  int cgfd = cg_open_unified(&cg, cgpath);
  if (cgfd >= 0) {
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = (flags & ~(unsigned long)CSIGNAL) | CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.cgroup = (unsigned long long)cgfd;
    pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
    if (pid >= 0) in_unified = 1;
    if (pid != 0) close(cgfd);
  }
  if (pid < 0) pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
  if (pid < 0) {
    berr_set(e, errno, "clone `%s`", o->id);
    goto fail;
  }
  if (pid == 0) {
    close(sv[0]);
    init_args_t a = {.spec = &spec,
                     .cg = &cg,
                     .cg_path = cgpath,
                     .sync_fd = sv[1],
                     .fifo_fd = fifo_fd,
                     .console_fd = console_fd,
                     .no_pivot = o->no_pivot,
                     .preserve_fds = o->preserve_fds,
                     .in_unified = in_unified,
                     .hooks_sync = spec.hooks.n[HOOK_PRESTART] + spec.hooks.n[HOOK_CREATE_RUNTIME] +
                                       spec.hooks.n[HOOK_CREATE_CONTAINER] + spec.hooks.n[HOOK_START_CONTAINER] > 0};
    container_init(&a);
  }
  close(sv[1]);
  sv[1] = -1;
  if (console_fd >= 0) {
    close(console_fd);
    console_fd = -1;
  }
  char msg[BERR_MAX + 2];
  ssize_t r;
  for (;;) {
    do r = recv(sv[0], msg, sizeof msg - 1, 0);
    while (r < 0 && errno == EINTR);
    if (r != 1 || msg[0] != 'H') break;
    /* the init stopped before pivot_root: prestart and createRuntime hooks, in our namespace */
    char *creating = hooks_state_json(spec.oci_version, o->id, "creating", pid, bundle, spec.annotations);
    char *created = hooks_state_json(spec.oci_version, o->id, "created", pid, bundle, spec.annotations);
    if (hooks_run(&spec.hooks, HOOK_PRESTART, creating, e) < 0 || hooks_run(&spec.hooks, HOOK_CREATE_RUNTIME, creating, e) < 0) {
      free(creating);
      free(created);
      goto fail;
    }
    sbuf_t m;
    sb_init(&m);
    sb_puts(&m, "C");
    sb_putn(&m, creating, strlen(creating) + 1);
    sb_puts(&m, created);
    free(creating);
    free(created);
    ssize_t sent = send(sv[0], m.s, m.len, MSG_NOSIGNAL);
    sb_free(&m);
    if (sent < 0) {
      berr_set(e, errno, "hooks `%s`", o->id);
      goto fail;
    }
  }
  if (r <= 0 || msg[0] != 'R') {
    if (r > 1 && msg[0] == 'E') {
      msg[r] = 0;
      size_t n = strnlen(msg + 1, sizeof e->msg - 1);
      memcpy(e->msg, msg + 1, n);
      e->msg[n] = 0;
    } else {
      berr_set(e, 0, "create `%s`: the container's init exited during setup", o->id);
    }
    goto fail;
  }
  if (cg_apply_devices(&cg, cgpath, &spec.res, e) < 0) goto fail;
  if (proxy_fd >= 0) {
    /* the init sent its pty master before "R" */
    master = recv_fd(proxy_fd);
    if (master < 0) {
      berr_set(e, errno, "create `%s`: receive the console", o->id);
      goto fail;
    }
    close(proxy_fd);
    proxy_fd = -1;
  }
  unsigned long long starttime = 0;
  proc_alive(pid, &starttime);
  {
    sbuf_t b;
    sb_init(&b);
    char ts[64];
    rfc3339nano(ts, sizeof ts);
    sb_puts(&b, "{\"ociVersion\":");
    sb_json_str(&b, spec.oci_version);
    sb_puts(&b, ",\"id\":");
    sb_json_str(&b, o->id);
    sb_printf(&b, ",\"pid\":%d,\"starttime\":%llu,\"bundle\":", (int)pid, starttime);
    sb_json_str(&b, bundle);
    sb_puts(&b, ",\"rootfs\":");
    sb_json_str(&b, spec.root_path);
    sb_puts(&b, ",\"created\":");
    sb_json_str(&b, ts);
    sb_puts(&b, ",\"cgroupsPath\":");
    sb_json_str(&b, cgpath);
    sb_puts(&b, ",\"cgroupMounts\":{\"unified\":");
    sb_json_str(&b, cg.unified);
    sb_puts(&b, ",\"v1\":[");
    for (int k = 0; k < cg.nv1; k++) {
      sb_puts(&b, k ? ",{\"controllers\":" : "{\"controllers\":");
      sb_json_str(&b, cg.v1[k].ctrls);
      sb_puts(&b, ",\"mount\":");
      sb_json_str(&b, cg.v1[k].mnt);
      sb_puts(&b, "}");
    }
    sb_puts(&b, "]}");
    if (spec.annotations && spec.annotations->t == J_OBJ) {
      sb_puts(&b, ",\"annotations\":");
      json_write_value(&b, spec.annotations);
    }
    /* what an exec inherits from the container when its process does not say (runc keeps
       the whole config in its state for this); saved now so that a bundle edited later
       cannot loosen an exec's privileges or seccomp filter */
    sb_puts(&b, ",\"execDefaults\":{");
    static const char *const inherited[] = {"capabilities", "noNewPrivileges", "rlimits"};
    int first = 1;
    for (size_t k = 0; k < sizeof inherited / sizeof inherited[0]; k++) {
      const jv_t *v = json_get(spec.proc_json, inherited[k]);
      if (v == NULL || v->t == J_NULL) continue;
      sb_printf(&b, "%s\"%s\":", first ? "" : ",", inherited[k]);
      json_write_value(&b, v);
      first = 0;
    }
    if (spec.seccomp_json) {
      sb_puts(&b, first ? "\"seccomp\":" : ",\"seccomp\":");
      json_write_value(&b, spec.seccomp_json);
    }
    sb_puts(&b, "}");
    sb_puts(&b, "}\n");
    char sp[PATH_MAX + 16];
    snprintf(sp, sizeof sp, "%s/state.json", dir);
    int rc = write_file_atomic(sp, b.s, b.len, e);
    sb_free(&b);
    if (rc < 0) goto fail;
  }
  if (o->pid_file && write_pid_file(o->pid_file, pid, e) < 0) goto fail;
  if (!run) {
    close(sv[0]);
    close(fifo_fd);
    return 0;
  }
  forward_signals(pid);
  if (send(sv[0], "G", 1, MSG_NOSIGNAL) != 1) {
    berr_set(e, errno, "start `%s`", o->id);
    goto fail;
  }
  close(sv[0]);
  run_lifecycle_hooks(&spec.hooks, HOOK_POSTSTART, spec.oci_version, o->id, "running", pid, bundle, spec.annotations);
  if (o->detach) return 0;
  if (master >= 0) console_proxy(master, pid, -1);
  *exit_code = wait_exit(pid);
  berr_t ign;
  cg_destroy(&cg, cgpath, &ign);
  rm_rf(dir);
  run_lifecycle_hooks(&spec.hooks, HOOK_POSTSTOP, spec.oci_version, o->id, "stopped", 0, bundle, spec.annotations);
  return 0;

fail:
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  if (sv[0] >= 0) close(sv[0]);
  if (sv[1] >= 0) close(sv[1]);
  if (fifo_fd >= 0) close(fifo_fd);
  if (console_fd >= 0) close(console_fd);
  if (proxy_fd >= 0) close(proxy_fd);
  if (master >= 0) close(master);
  if (cg_made) {
    berr_t ign;
    cg_destroy(&cg, cgpath, &ign);
  }
  rm_rf(dir);
  return -1;
}

/* ---------------------------------------------------------------- start / state / kill / delete */

int cmd_start(const char *root, const char *id, berr_t *e) {
  state_t st;
  if (state_load(root, id, &st, e) < 0) return -1;
  const char *status = state_status(&st, NULL);
  if (strcmp(status, "created") != 0) return berr_set(e, 0, "start `%s`: cannot start a container that is %s", id, status);
  char fifo[PATH_MAX + 16];
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", st.dir);
  int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return berr_set(e, errno, "start `%s`: open exec.fifo", id);
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, 100);
    if (r > 0) {
      char c;
      ssize_t n = read(fd, &c, 1);
      if (n == 1) break;
      if (n == 0 || (n < 0 && errno != EAGAIN)) {
        close(fd);
        return berr_set(e, 0, "start `%s`: the container's init exited before start", id);
      }
    }
    if (!state_running(&st)) {
      close(fd);
      return berr_set(e, 0, "start `%s`: the container's init exited before start", id);
    }
  }
  close(fd);
  unlink(fifo);
  hooks_t h;
  const jv_t *ann;
  const char *ver;
  if (bundle_hooks(st.bundle, &h, &ann, &ver) == 0)
    run_lifecycle_hooks(&h, HOOK_POSTSTART, ver, id, "running", st.pid, st.bundle, ann);
  return 0;
}

int cmd_state(const char *root, const char *id, berr_t *e) {
  state_t st;
  if (state_load(root, id, &st, e) < 0) return -1;
  cg_layout_t cg;
  int have_cg = state_layout(&st, &cg, e) == 0;
  const char *status = state_status(&st, have_cg ? &cg : NULL);
  sbuf_t b;
  sb_init(&b);
  sb_puts(&b, "{\n  \"ociVersion\": ");
  sb_json_str(&b, st.oci_version);
  sb_puts(&b, ",\n  \"id\": ");
  sb_json_str(&b, id);
  sb_printf(&b, ",\n  \"pid\": %d,\n  \"status\": \"%s\",\n  \"bundle\": ", strcmp(status, "stopped") ? (int)st.pid : 0, status);
  sb_json_str(&b, st.bundle);
  sb_puts(&b, ",\n  \"rootfs\": ");
  sb_json_str(&b, st.rootfs);
  sb_puts(&b, ",\n  \"created\": ");
  sb_json_str(&b, st.created);
  sb_puts(&b, ",\n  \"owner\": \"\"");
  if (st.annotations) {
    sb_puts(&b, ",\n  \"annotations\": ");
    json_write_value(&b, st.annotations);
  }
  sb_puts(&b, "\n}\n");
  fputs(b.s, stdout);
  sb_free(&b);
  return 0;
}

int cmd_kill(const char *root, const char *id, const char *sigs, int all, berr_t *e) {
  int sig = signal_from_name(sigs ? sigs : "SIGTERM");
  if (sig < 0) return berr_set(e, 0, "kill `%s`: unknown signal `%s`", id, sigs);
  state_t st;
  if (state_load(root, id, &st, e) < 0) return -1;
  cg_layout_t cg;
  if (state_layout(&st, &cg, e) < 0) return -1;
  if (!state_running(&st)) return berr_set(e, 0, "kill `%s`: container not running", id);
  if (all) return cg_signal_all(&cg, st.cgpath, sig, e);
  if (kill(st.pid, sig) < 0) return berr_set(e, errno, "kill `%s`", id);
  return 0;
}

int cmd_delete(const char *root, const char *id, int force, berr_t *e) {
  state_t st;
  if (state_load(root, id, &st, e) < 0) {
    /* --force: a missing container is not an error (as runc), and a state dir without
       state.json (debris of an interrupted create) is removed */
    char dir[PATH_MAX];
    berr_t ign;
    if (force && state_dir(root, id, dir, sizeof dir, &ign) == 0) {
      rm_rf(dir);
      return 0;
    }
    return -1;
  }
  cg_layout_t cg;
  if (state_layout(&st, &cg, e) < 0) return -1;
  const char *status = state_status(&st, &cg);
  if (strcmp(status, "stopped") != 0) {
    if (!force && strcmp(status, "created") != 0)
      return berr_set(e, 0, "delete `%s`: cannot delete a container that is %s (use --force)", id, status);
    kill(st.pid, SIGKILL);
    berr_t ign;
    if (strcmp(status, "paused") == 0) cg_freeze(&cg, st.cgpath, 0, &ign);
    cg_signal_all(&cg, st.cgpath, SIGKILL, &ign);
    /* the init is reaped by its parent (the shim); wait until it is no longer running */
    struct timespec ts = {0, 1000000};
    for (int i = 0; i < 10000 && state_running(&st); i++) nanosleep(&ts, NULL);
  }
  int rc = 0;
  if (st.cgpath[0]) rc = cg_destroy(&cg, st.cgpath, e);
  rm_rf(st.dir);
  hooks_t h;
  const jv_t *ann;
  const char *ver;
  if (bundle_hooks(st.bundle, &h, &ann, &ver) == 0) run_lifecycle_hooks(&h, HOOK_POSTSTOP, ver, id, "stopped", 0, st.bundle, ann);
  return rc;
}

int cmd_pause(const char *root, const char *id, int pause, berr_t *e) {
  state_t st;
  if (state_load(root, id, &st, e) < 0) return -1;
  cg_layout_t cg;
  if (state_layout(&st, &cg, e) < 0) return -1;
  const char *status = state_status(&st, &cg);
  if (pause && strcmp(status, "running") != 0) return berr_set(e, 0, "pause `%s`: container is %s, not running", id, status);
  if (!pause && strcmp(status, "paused") != 0) return berr_set(e, 0, "resume `%s`: container is %s, not paused", id, status);
  if (cg_freeze(&cg, st.cgpath, pause, e) < 0) return berr_wrap(e, "%s `%s`", pause ? "pause" : "resume", id);
  return 0;
}

int cmd_ps(const char *root, const char *id, int json, berr_t *e) {
  state_t st;
  if (state_load(root, id, &st, e) < 0) return -1;
  cg_layout_t cg;
  if (state_layout(&st, &cg, e) < 0) return -1;
  pid_t *pids;
  int n = cg_pids(&cg, st.cgpath, &pids);
  if (n < 0) n = 0;
  if (json) {
    printf("[");
    for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", (int)pids[i]);
    printf("]\n");
  } else {
    printf("PID\tCMD\n");
    for (int i = 0; i < n; i++) {
      char path[64], *cmd = NULL;
      size_t len = 0;
      berr_t ign;
      snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pids[i]);
      if (read_file(path, &cmd, &len, &ign) == 0) {
        for (size_t k = 0; k + 1 < len; k++)
          if (cmd[k] == 0) cmd[k] = ' ';
      }
      printf("%d\t%s\n", (int)pids[i], cmd ? cmd : "");
      free(cmd);
    }
  }
  if (n) free(pids);
  return 0;
}

int cmd_list(const char *root, berr_t *e) {
  (void)e;
  DIR *d = opendir(root);
  printf("ID\tPID\tSTATUS\tBUNDLE\n");
  if (d == NULL) return 0;
  cg_layout_t cg;
  berr_t ign;
  int have = cg_detect(&cg, &ign) == 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    state_t st;
    if (state_load(root, de->d_name, &st, &ign) < 0) continue;
    const char *status = state_status(&st, have ? &cg : NULL);
    printf("%s\t%d\t%s\t%s\n", de->d_name, strcmp(status, "stopped") ? (int)st.pid : 0, status, st.bundle);
  }
  closedir(d);
  return 0;
}

/* ---------------------------------------------------------------- exec */

/* What an exec inherits from its container: capabilities, noNewPrivileges, rlimits and the
   seccomp filter, as create saved them in state.json; for a container made by an older
   berth-core (no execDefaults), from the bundle's config.json. */
static int container_exec_defaults(const state_t *st, proc_spec_t *d, seccomp_spec_t *sc, berr_t *e) {
  if (st->exec_defaults) {
    if (spec_parse_exec_defaults(st->exec_defaults, d, e) < 0) return -1;
    return seccomp_parse(st->seccomp, sc, e);
  }
  char cfg[PATH_MAX + 16], *text, jerr[256];
  snprintf(cfg, sizeof cfg, "%s/config.json", st->bundle);
  if (read_file(cfg, &text, NULL, e) < 0) return -1;
  jv_t *j = json_parse(text, jerr, sizeof jerr);
  free(text);
  if (j == NULL) return berr_set(e, 0, "parse `%s`: %s", cfg, jerr);
  if (spec_parse_exec_defaults(json_get(j, "process"), d, e) < 0) return -1;
  return seccomp_parse(json_get(json_get(j, "linux"), "seccomp"), sc, e);
}

static void inherit_caps(proc_spec_t *p, const proc_spec_t *d) {
  p->has_caps = d->has_caps;
  p->cap_bnd = d->cap_bnd;
  p->cap_eff = d->cap_eff;
  p->cap_prm = d->cap_prm;
  p->cap_inh = d->cap_inh;
  p->cap_amb = d->cap_amb;
}

/* The exec'd process. As runc: a process (--process FILE) without capabilities gets the
   container's, without noNewPrivileges the container's, without rlimits the container's;
   given ARGS, the bundle's process with ARGS, the container's security settings, and the
   flags (--cap adds to the container's set). Never every capability by omission. */
static int load_exec_process(const exec_opts_t *o, const state_t *st, const proc_spec_t *d, proc_spec_t *p, berr_t *e) {
  char *text;
  char jerr[256];
  if (o->process_file) {
    if (read_file(o->process_file, &text, NULL, e) < 0) return -1;
    jv_t *j = json_parse(text, jerr, sizeof jerr);
    free(text);
    if (j == NULL) return berr_set(e, 0, "parse `%s`: %s", o->process_file, jerr);
    if (spec_parse_process(j, p, e) < 0) return -1;
    if (!p->has_caps) inherit_caps(p, d);
    if (!p->has_nnp) p->nnp = d->nnp;
    if (p->nrlimits == 0) {
      p->rlimits = d->rlimits;
      p->nrlimits = d->nrlimits;
    }
    return 0;
  }
  /* args given: start from the container's own process (env, user, caps, cwd), as runc does */
  char cfg[PATH_MAX + 16];
  snprintf(cfg, sizeof cfg, "%s/config.json", st->bundle);
  if (read_file(cfg, &text, NULL, e) < 0) return -1;
  jv_t *j = json_parse(text, jerr, sizeof jerr);
  free(text);
  if (j == NULL) return berr_set(e, 0, "parse `%s`: %s", cfg, jerr);
  if (o->nargs == 0) return berr_set(e, 0, "exec `%s`: no process given (args or --process)", o->id);
  if (spec_parse_process(json_get(j, "process"), p, e) < 0) return -1;
  inherit_caps(p, d);
  p->nnp = d->nnp;
  p->rlimits = d->rlimits;
  p->nrlimits = d->nrlimits;
  p->args = xcalloc((size_t)o->nargs + 1, sizeof(char *));
  for (int i = 0; i < o->nargs; i++) p->args[i] = o->args[i];
  p->terminal = o->tty;
  if (o->cwd) p->cwd = xstrdup(o->cwd);
  if (o->user) {
    char *end;
    unsigned long uid = strtoul(o->user, &end, 10);
    if (end == o->user || (*end != 0 && *end != ':')) return berr_set(e, 0, "exec `--user %s`: expected uid[:gid]", o->user);
    p->uid = (uid_t)uid;
    if (*end == ':') {
      char *g = end + 1;
      unsigned long gid = strtoul(g, &end, 10);
      if (end == g || *end) return berr_set(e, 0, "exec `--user %s`: expected uid[:gid]", o->user);
      p->gid = (gid_t)gid;
    }
  }
  if (o->nenv) {
    int n = 0;
    while (p->env[n]) n++;
    char **env = xcalloc((size_t)(n + o->nenv + 1), sizeof(char *));
    for (int i = 0; i < n; i++) env[i] = p->env[i];
    for (int k = 0; k < o->nenv; k++) {
      const char *eq = strchr(o->env[k], '=');
      size_t kl = eq ? (size_t)(eq - o->env[k]) : strlen(o->env[k]);
      int replaced = 0;
      for (int i = 0; i < n; i++)
        if (strncmp(env[i], o->env[k], kl) == 0 && env[i][kl] == '=') {
          env[i] = o->env[k];
          replaced = 1;
        }
      if (!replaced) env[n++] = o->env[k];
    }
    env[n] = NULL;
    p->env = env;
  }
  for (int k = 0; k < o->ncaps; k++) {
    int c = cap_from_name(o->caps[k]);
    if (c < 0) return berr_set(e, 0, "capability `%s`: unknown capability", o->caps[k]);
    uint64_t bit = 1ULL << c;
    p->has_caps = 1;
    p->cap_bnd |= bit;
    p->cap_eff |= bit;
    p->cap_prm |= bit;
    p->cap_inh |= bit;
  }
  if (o->nnp) p->nnp = 1;
  return 0;
}

int cmd_exec(const exec_opts_t *o, int *exit_code, berr_t *e) {
  state_t st;
  if (state_load(o->root, o->id, &st, e) < 0) return -1;
  cg_layout_t cg;
  if (state_layout(&st, &cg, e) < 0) return -1;
  const char *status = state_status(&st, &cg);
  if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
    return berr_set(e, 0, "exec `%s`: cannot exec in a container that is %s", o->id, status);
  proc_spec_t d, p;
  seccomp_spec_t sc; /* the container's seccomp filter applies to exec'd processes too */
  if (container_exec_defaults(&st, &d, &sc, e) < 0) return -1;
  if (load_exec_process(o, &st, &d, &p, e) < 0) return -1;
  if (o->tty) p.terminal = 1;
  /* without a console socket, a foreground exec proxies the pty itself; detached, nobody could */
  if (p.terminal && !o->console_socket && o->detach)
    return berr_set(e, 0, "exec `%s`: a detached exec on a terminal needs --console-socket", o->id);

  static const int order[] = {NS_IPC, NS_UTS, NS_NET, NS_CGROUP, NS_MNT};
  int nsfd[NS_COUNT];
  for (int k = 0; k < NS_COUNT; k++) nsfd[k] = -1;
  for (int k = 0; k < NS_COUNT; k++) {
    if (k == NS_USER) continue;
    char a[64], b[64];
    snprintf(a, sizeof a, "/proc/%d/ns/%s", (int)st.pid, ns_proc_names[k]);
    snprintf(b, sizeof b, "/proc/self/ns/%s", ns_proc_names[k]);
    struct stat sa, sb;
    if (stat(a, &sa) < 0) return berr_set(e, errno, "exec `%s`: namespace `%s`", o->id, a);
    if (stat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev) continue;
    nsfd[k] = open(a, O_RDONLY | O_CLOEXEC);
    if (nsfd[k] < 0) return berr_set(e, errno, "exec `%s`: open `%s`", o->id, a);
  }
  int console_fd = -1, proxy_fd = -1;
  if (p.terminal && o->console_socket && (console_fd = connect_console(o->console_socket, e)) < 0) return -1;
  if (p.terminal && !o->console_socket) {
    int cs[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs) < 0) return berr_set(e, errno, "socketpair `console`");
    proxy_fd = cs[0];
    console_fd = cs[1];
  }
  int ep[2];
  if (pipe2(ep, O_CLOEXEC) < 0) return berr_set(e, errno, "pipe `exec`");
  if (nsfd[NS_PID] >= 0 && setns(nsfd[NS_PID], CLONE_NEWPID) < 0)
    return berr_set(e, errno, "exec `%s`: setns `pid`", o->id);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return berr_set(e, errno, "fork `exec`");
  if (pid == 0) {
    berr_t ce;
    close(ep[0]);
    syscall(SYS_close_range, 3 + o->preserve_fds, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    if (st.cgpath[0] && cg_enter(&cg, st.cgpath, 0, &ce) < 0) goto child_fail;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
      int k = order[i];
      if (nsfd[k] >= 0 && setns(nsfd[k], ns_clone_flags[k]) < 0) {
        berr_set(&ce, errno, "setns `%s`", ns_proc_names[k]);
        goto child_fail;
      }
    }
    if (chdir(p.cwd) < 0) {
      berr_set(&ce, errno, "chdir `%s`", p.cwd);
      goto child_fail;
    }
    if (p.terminal) {
      if (setup_console(console_fd, &p, &ce) < 0) goto child_fail;
    }
    if (apply_rlimits(&p, &ce) < 0) goto child_fail;
    char exe[PATH_MAX];
    if (find_executable(p.args[0], p.env, exe, sizeof exe, &ce) < 0) goto child_fail;
    umask(p.has_umask ? p.umask : 022);
    if (!p.nnp && seccomp_install(&sc, &ce) < 0) goto child_fail;
    if (apply_identity(&p, &ce) < 0) goto child_fail;
    if (p.nnp && seccomp_install(&sc, &ce) < 0) goto child_fail;
    execve(exe, p.args, p.env);
    berr_set(&ce, 0, "exec `%s`: %s", p.args[0], errno_text(errno));
  child_fail:
    (void)!write(ep[1], ce.msg, strlen(ce.msg));
    _exit(127);
  }
  close(ep[1]);
  if (console_fd >= 0) close(console_fd);
  /* the pty master, sent before execve; end of stream when the child failed before that */
  int master = -1;
  if (proxy_fd >= 0) {
    master = recv_fd(proxy_fd);
    close(proxy_fd);
  }
  char msg[BERR_MAX];
  ssize_t r = read_all(ep[0], msg, sizeof msg - 1);
  close(ep[0]);
  if (r > 0 || (proxy_fd >= 0 && master < 0)) {
    if (r > 0) {
      msg[r] = 0;
      snprintf(e->msg, sizeof e->msg, "%s", msg);
    } else {
      berr_set(e, errno, "exec `%s`: receive the console", o->id);
      kill(pid, SIGKILL);
    }
    if (master >= 0) close(master);
    waitpid(pid, NULL, 0);
    return -1;
  }
  if (o->pid_file && write_pid_file(o->pid_file, pid, e) < 0) return -1;
  if (o->detach) return 0;
  forward_signals(pid);
  if (master >= 0) console_proxy(master, pid, o->resize_fd);
  *exit_code = wait_exit(pid);
  return 0;
}
