/* spec.c - read config.json (OCI runtime spec) into spec_t, rejecting what we cannot honour. */
#define _GNU_SOURCE
#include "spec.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

const char *const ns_names[NS_COUNT] = {"pid", "network", "ipc", "uts", "mount", "cgroup", "user"};
const char *const ns_proc_names[NS_COUNT] = {"pid", "net", "ipc", "uts", "mnt", "cgroup", "user"};
const int ns_clone_flags[NS_COUNT] = {CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
                                      CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUSER};

static const char *const cap_names[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
    "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

int cap_from_name(const char *name) {
  const char *n = name;
  for (int i = 0; i < (int)(sizeof cap_names / sizeof cap_names[0]); i++) {
    if (strcasecmp(n, cap_names[i]) == 0 || strcasecmp(n, cap_names[i] + 4) == 0) return i;
  }
  return -1;
}

static const struct {
  const char *name;
  int v;
} rlimits[] = {{"RLIMIT_CPU", RLIMIT_CPU},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},
               {"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_STACK", RLIMIT_STACK},
               {"RLIMIT_CORE", RLIMIT_CORE},     {"RLIMIT_RSS", RLIMIT_RSS},
               {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_NOFILE", RLIMIT_NOFILE},
               {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
               {"RLIMIT_LOCKS", RLIMIT_LOCKS},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
               {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
               {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME}};

int rlimit_from_name(const char *name) {
  for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
    if (strcmp(name, rlimits[i].name) == 0) return rlimits[i].v;
  return -1;
}

int signal_from_name(const char *name) {
  char *end;
  long n = strtol(name, &end, 10);
  if (*name && *end == 0) return n > 0 && n < NSIG ? (int)n : -1;
  const char *s = name;
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  static const struct {
    const char *n;
    int v;
  } t[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
           {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"IOT", SIGIOT},   {"BUS", SIGBUS},
           {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
           {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
           {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
           {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG},
           {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
           {"WINCH", SIGWINCH}, {"IO", SIGIO},   {"POLL", SIGPOLL}, {"PWR", SIGPWR},
           {"SYS", SIGSYS}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcasecmp(s, t[i].n) == 0) return t[i].v;
  if (strncasecmp(s, "RTMIN", 5) == 0) {
    if (s[5] == 0) return SIGRTMIN;
    if (s[5] == '+') return SIGRTMIN + atoi(s + 6);
  }
  if (strncasecmp(s, "RTMAX", 5) == 0) {
    if (s[5] == 0) return SIGRTMAX;
    if (s[5] == '-') return SIGRTMAX - atoi(s + 6);
  }
  return -1;
}

/* ---- typed accessors with errors naming the key path ---- */

static int want(const jv_t *v, jtype_t t, const char *path, berr_t *e) {
  static const char *const tn[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
  if (v->t != t) return berr_set(e, 0, "config `%s`: expected %s", path, tn[t]);
  return 0;
}

static int get_strarr(const jv_t *v, const char *path, char ***out, int *count, berr_t *e) {
  if (want(v, J_ARR, path, e) < 0) return -1;
  char **a = xcalloc((size_t)v->len + 1, sizeof *a);
  int i = 0;
  for (jv_t *c = v->child; c; c = c->next) {
    if (c->t != J_STR) {
      free(a);
      return berr_set(e, 0, "config `%s[%d]`: expected a string", path, i);
    }
    a[i++] = c->s;
  }
  a[i] = NULL;
  *out = a;
  if (count) *count = i;
  return 0;
}

static int get_uint(const jv_t *v, const char *path, unsigned long long max, unsigned long long *out, berr_t *e) {
  if (want(v, J_NUM, path, e) < 0) return -1;
  if (!v->is_int || v->i < 0 || (unsigned long long)v->i > max)
    return berr_set(e, 0, "config `%s`: expected an integer between 0 and %llu", path, max);
  *out = (unsigned long long)v->i;
  return 0;
}

static int get_caps(const jv_t *arr, const char *path, uint64_t *mask, berr_t *e) {
  if (arr == NULL) return 0;
  if (want(arr, J_ARR, path, e) < 0) return -1;
  for (jv_t *c = arr->child; c; c = c->next) {
    if (c->t != J_STR) return berr_set(e, 0, "config `%s`: expected strings", path);
    int cap = cap_from_name(c->s);
    if (cap < 0) return berr_set(e, 0, "capability `%s`: unknown capability", c->s);
    *mask |= 1ULL << cap;
  }
  return 0;
}

/* capabilities, noNewPrivileges and rlimits of a process object (or of state.json's
   execDefaults, which has the same members) */
static int parse_security(const jv_t *p, proc_spec_t *out, berr_t *e) {
  jv_t *v;
  jv_t *caps = json_get(p, "capabilities");
  if (caps && caps->t != J_NULL) {
    if (want(caps, J_OBJ, "process.capabilities", e) < 0) return -1;
    out->has_caps = 1;
    if (get_caps(json_get(caps, "bounding"), "process.capabilities.bounding", &out->cap_bnd, e) < 0 ||
        get_caps(json_get(caps, "effective"), "process.capabilities.effective", &out->cap_eff, e) < 0 ||
        get_caps(json_get(caps, "permitted"), "process.capabilities.permitted", &out->cap_prm, e) < 0 ||
        get_caps(json_get(caps, "inheritable"), "process.capabilities.inheritable", &out->cap_inh, e) < 0 ||
        get_caps(json_get(caps, "ambient"), "process.capabilities.ambient", &out->cap_amb, e) < 0)
      return -1;
  }
  if ((v = json_get(p, "noNewPrivileges")) && v->t == J_BOOL) {
    out->has_nnp = 1;
    out->nnp = v->b;
  }
  if ((v = json_get(p, "rlimits")) && v->t != J_NULL) {
    if (want(v, J_ARR, "process.rlimits", e) < 0) return -1;
    out->rlimits = xcalloc((size_t)v->len, sizeof(rlim_spec_t));
    for (jv_t *c = v->child; c; c = c->next) {
      const char *type = json_str(c, "type");
      int r = type ? rlimit_from_name(type) : -1;
      if (r < 0) return berr_set(e, 0, "rlimit `%s`: unknown rlimit type", type ? type : "?");
      unsigned long long soft = 0, hard = 0;
      jv_t *sv = json_get(c, "soft"), *hv = json_get(c, "hard");
      if (!sv || !hv) return berr_set(e, 0, "rlimit `%s`: soft and hard are required", type);
      if (get_uint(sv, "process.rlimits[].soft", UINT64_MAX, &soft, e) < 0 ||
          get_uint(hv, "process.rlimits[].hard", UINT64_MAX, &hard, e) < 0)
        return -1;
      if (sv->n >= 1.8446744073709552e19) soft = RLIM_INFINITY;
      if (hv->n >= 1.8446744073709552e19) hard = RLIM_INFINITY;
      out->rlimits[out->nrlimits++] = (rlim_spec_t){.type = r, .soft = soft, .hard = hard};
    }
  }
  return 0;
}

int spec_parse_exec_defaults(const jv_t *d, proc_spec_t *out, berr_t *e) {
  memset(out, 0, sizeof *out);
  if (d == NULL || d->t != J_OBJ) return berr_set(e, 0, "state `execDefaults`: expected an object");
  return parse_security(d, out, e);
}

int spec_parse_process(const jv_t *p, proc_spec_t *out, berr_t *e) {
  memset(out, 0, sizeof *out);
  if (p == NULL || p->t != J_OBJ) return berr_set(e, 0, "config `process`: expected an object");
  jv_t *v;
  if ((v = json_get(p, "terminal")) && v->t == J_BOOL) out->terminal = v->b;
  if ((v = json_get(p, "consoleSize")) && v->t == J_OBJ) {
    unsigned long long h = 0, w = 0;
    jv_t *hv = json_get(v, "height"), *wv = json_get(v, "width");
    if (hv && get_uint(hv, "process.consoleSize.height", 65535, &h, e) < 0) return -1;
    if (wv && get_uint(wv, "process.consoleSize.width", 65535, &w, e) < 0) return -1;
    out->cons_h = (unsigned)h;
    out->cons_w = (unsigned)w;
  }
  jv_t *user = json_get(p, "user");
  if (user) {
    if (want(user, J_OBJ, "process.user", e) < 0) return -1;
    unsigned long long x;
    if ((v = json_get(user, "uid"))) {
      if (get_uint(v, "process.user.uid", UINT32_MAX - 1, &x, e) < 0) return -1;
      out->uid = (uid_t)x;
    }
    if ((v = json_get(user, "gid"))) {
      if (get_uint(v, "process.user.gid", UINT32_MAX - 1, &x, e) < 0) return -1;
      out->gid = (gid_t)x;
    }
    if ((v = json_get(user, "umask")) && v->t != J_NULL) {
      if (get_uint(v, "process.user.umask", 0777, &x, e) < 0) return -1;
      out->has_umask = 1;
      out->umask = (mode_t)x;
    }
    if ((v = json_get(user, "additionalGids")) && v->t != J_NULL) {
      if (want(v, J_ARR, "process.user.additionalGids", e) < 0) return -1;
      out->agids = xcalloc((size_t)v->len, sizeof(gid_t));
      for (jv_t *c = v->child; c; c = c->next) {
        if (get_uint(c, "process.user.additionalGids[]", UINT32_MAX - 1, &x, e) < 0) return -1;
        out->agids[out->nagids++] = (gid_t)x;
      }
    }
    if ((v = json_get(user, "username")) && v->t == J_STR && v->s[0])
      return berr_set(e, 0, "config `process.user.username`: not supported (give a numeric uid)");
  }
  v = json_get(p, "args");
  if (v == NULL) return berr_set(e, 0, "config `process.args`: missing");
  if (get_strarr(v, "process.args", &out->args, NULL, e) < 0) return -1;
  if (out->args[0] == NULL || out->args[0][0] == 0) return berr_set(e, 0, "config `process.args`: must not be empty");
  if ((v = json_get(p, "env")) && v->t != J_NULL) {
    if (get_strarr(v, "process.env", &out->env, NULL, e) < 0) return -1;
  } else {
    out->env = xcalloc(1, sizeof(char *));
  }
  const char *cwd = json_str(p, "cwd");
  out->cwd = xstrdup(cwd && cwd[0] ? cwd : "/");
  if (out->cwd[0] != '/') return berr_set(e, 0, "config `process.cwd`: `%s` is not an absolute path", out->cwd);
  if (parse_security(p, out, e) < 0) return -1;
  if ((v = json_get(p, "oomScoreAdj")) && v->t == J_NUM) {
    if (!v->is_int || v->i < -1000 || v->i > 1000)
      return berr_set(e, 0, "config `process.oomScoreAdj`: expected an integer between -1000 and 1000");
    out->has_oom = 1;
    out->oom_score_adj = (int)v->i;
  }
  return 0;
}

static int parse_devrule(const jv_t *c, devrule_t *r, berr_t *e) {
  memset(r, 0, sizeof *r);
  jv_t *v = json_get(c, "allow");
  if (!v || v->t != J_BOOL) return berr_set(e, 0, "config `linux.resources.devices[].allow`: expected a boolean");
  r->allow = v->b;
  const char *t = json_str(c, "type");
  r->type = t && t[0] ? t[0] : 'a';
  if (r->type != 'a' && r->type != 'c' && r->type != 'b')
    return berr_set(e, 0, "config `linux.resources.devices[].type`: `%s` is not a, b or c", t);
  r->major = (v = json_get(c, "major")) && v->t == J_NUM ? v->i : -1;
  r->minor = (v = json_get(c, "minor")) && v->t == J_NUM ? v->i : -1;
  const char *acc = json_str(c, "access");
  snprintf(r->access, sizeof r->access, "%s", acc && acc[0] ? acc : "rwm");
  if (strspn(r->access, "rwm") != strlen(r->access))
    return berr_set(e, 0, "config `linux.resources.devices[].access`: `%s` is not made of r, w, m", r->access);
  return 0;
}

static int get_ll(const jv_t *v, const char *path, long long *out, int *has, berr_t *e) {
  if (v == NULL || v->t == J_NULL) return 0;
  if (want(v, J_NUM, path, e) < 0) return -1;
  if (!v->is_int) return berr_set(e, 0, "config `%s`: expected an integer", path);
  *out = v->i;
  *has = 1;
  return 0;
}

static int parse_resources(const jv_t *r, resources_t *res, berr_t *e) {
  if (r == NULL || r->t == J_NULL) return 0;
  if (want(r, J_OBJ, "linux.resources", e) < 0) return -1;
  jv_t *m = json_get(r, "memory");
  if (m && m->t == J_OBJ) {
    if (get_ll(json_get(m, "limit"), "linux.resources.memory.limit", &res->mem, &res->has_mem, e) < 0 ||
        get_ll(json_get(m, "reservation"), "linux.resources.memory.reservation", &res->memres, &res->has_memres, e) < 0 ||
        get_ll(json_get(m, "swap"), "linux.resources.memory.swap", &res->swap, &res->has_swap, e) < 0)
      return -1;
  }
  jv_t *c = json_get(r, "cpu");
  if (c && c->t == J_OBJ) {
    long long x;
    int has = 0;
    if (get_ll(json_get(c, "shares"), "linux.resources.cpu.shares", &x, &has, e) < 0) return -1;
    if (has) {
      res->has_shares = 1;
      res->shares = (unsigned long long)x;
    }
    if (get_ll(json_get(c, "quota"), "linux.resources.cpu.quota", &res->quota, &res->has_quota, e) < 0) return -1;
    has = 0;
    if (get_ll(json_get(c, "period"), "linux.resources.cpu.period", &x, &has, e) < 0) return -1;
    if (has) {
      res->has_period = 1;
      res->period = (unsigned long long)x;
    }
    const char *s;
    if ((s = json_str(c, "cpus")) && s[0]) res->cpus = xstrdup(s);
    if ((s = json_str(c, "mems")) && s[0]) res->mems = xstrdup(s);
  }
  jv_t *p = json_get(r, "pids");
  if (p && p->t == J_OBJ && get_ll(json_get(p, "limit"), "linux.resources.pids.limit", &res->pids, &res->has_pids, e) < 0)
    return -1;
  jv_t *b = json_get(r, "blockIO");
  jv_t *w;
  if (b && b->t == J_OBJ && (w = json_get(b, "weight")) && w->t == J_NUM && w->i > 0) {
    res->has_blkio_weight = 1;
    res->blkio_weight = (unsigned)w->i;
  }
  jv_t *d = json_get(r, "devices");
  if (d && d->t != J_NULL) {
    if (want(d, J_ARR, "linux.resources.devices", e) < 0) return -1;
    res->devrules = xcalloc((size_t)d->len, sizeof(devrule_t));
    for (jv_t *x = d->child; x; x = x->next)
      if (parse_devrule(x, &res->devrules[res->ndevrules++], e) < 0) return -1;
  }
  return 0;
}

int spec_load(const char *bundle, spec_t *s, berr_t *e) {
  memset(s, 0, sizeof *s);
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/config.json", bundle) >= (int)sizeof path)
    return berr_set(e, ENAMETOOLONG, "open `%s/config.json`", bundle);
  char *text;
  if (read_file(path, &text, NULL, e) < 0) return -1;
  char jerr[256];
  jv_t *root = json_parse(text, jerr, sizeof jerr);
  free(text);
  if (root == NULL) return berr_set(e, 0, "parse `%s`: %s", path, jerr);
  if (root->t != J_OBJ) return berr_set(e, 0, "parse `%s`: the document is not an object", path);
  const char *ver = json_str(root, "ociVersion");
  s->oci_version = xstrdup(ver ? ver : "1.0.2");
  if (spec_parse_process(json_get(root, "process"), &s->proc, e) < 0) return -1;

  jv_t *r = json_get(root, "root");
  const char *rp = r ? json_str(r, "path") : NULL;
  if (rp == NULL || rp[0] == 0) return berr_set(e, 0, "config `root.path`: missing");
  char full[PATH_MAX];
  if (rp[0] == '/') snprintf(full, sizeof full, "%s", rp);
  else if (snprintf(full, sizeof full, "%s/%s", bundle, rp) >= (int)sizeof full)
    return berr_set(e, ENAMETOOLONG, "rootfs `%s`", rp);
  char *real = realpath(full, NULL);
  if (real == NULL) return berr_set(e, errno, "rootfs `%s`", full);
  if (!is_dir(real)) return berr_set(e, ENOTDIR, "rootfs `%s`", full);
  s->root_path = real;
  jv_t *v;
  if ((v = json_get(r, "readonly")) && v->t == J_BOOL) s->root_ro = v->b;
  const char *h;
  if ((h = json_str(root, "hostname")) && h[0]) s->hostname = xstrdup(h);
  if ((h = json_str(root, "domainname")) && h[0]) s->domainname = xstrdup(h);

  jv_t *ms = json_get(root, "mounts");
  if (ms && ms->t != J_NULL) {
    if (want(ms, J_ARR, "mounts", e) < 0) return -1;
    s->mounts = xcalloc((size_t)ms->len, sizeof(mount_spec_t));
    int i = 0;
    for (jv_t *m = ms->child; m; m = m->next, i++) {
      mount_spec_t *mt = &s->mounts[s->nmounts++];
      const char *d = json_str(m, "destination");
      if (d == NULL || d[0] != '/') return berr_set(e, 0, "config `mounts[%d].destination`: expected an absolute path", i);
      mt->dest = xstrdup(d);
      const char *t = json_str(m, "type");
      const char *src = json_str(m, "source");
      mt->source = xstrdup(src ? src : "");
      jv_t *o = json_get(m, "options");
      if (o && o->t != J_NULL && get_strarr(o, "mounts[].options", &mt->options, &mt->nopts, e) < 0) return -1;
      int bind = 0;
      for (int k = 0; k < mt->nopts; k++)
        if (strcmp(mt->options[k], "bind") == 0 || strcmp(mt->options[k], "rbind") == 0) bind = 1;
      mt->type = xstrdup(t && t[0] ? t : (bind ? "bind" : "none"));
      if (strcmp(mt->type, "bind") == 0 && mt->source[0] != '/' && mt->source[0]) {
        char sp[PATH_MAX];
        snprintf(sp, sizeof sp, "%s/%s", bundle, mt->source);
        free(mt->source);
        mt->source = xstrdup(sp);
      }
    }
  }

  jv_t *lx = json_get(root, "linux");
  if (lx && lx->t == J_OBJ) {
    jv_t *nss = json_get(lx, "namespaces");
    if (nss && nss->t != J_NULL) {
      if (want(nss, J_ARR, "linux.namespaces", e) < 0) return -1;
      for (jv_t *n = nss->child; n; n = n->next) {
        const char *t = json_str(n, "type");
        int k;
        for (k = 0; k < NS_COUNT; k++)
          if (t && strcmp(t, ns_names[k]) == 0) break;
        if (k == NS_COUNT) return berr_set(e, 0, "namespace `%s`: unknown namespace type", t ? t : "?");
        if (k == NS_USER) return berr_set(e, 0, "namespace `user`: user namespaces are not supported by berth-core");
        const char *p = json_str(n, "path");
        if (p && p[0]) {
          s->ns_mode[k] = NSMODE_PATH;
          s->ns_path[k] = xstrdup(p);
        } else {
          s->ns_mode[k] = NSMODE_NEW;
        }
      }
    }
    const char *cp = json_str(lx, "cgroupsPath");
    if (cp && cp[0]) {
      if (strstr(cp, "..")) return berr_set(e, 0, "config `linux.cgroupsPath`: `%s` must not contain ..", cp);
      if (strchr(cp, ':')) return berr_set(e, 0, "config `linux.cgroupsPath`: `%s`: systemd cgroup paths are not supported", cp);
      s->cgroups_path = xstrdup(cp);
    }
    if (parse_resources(json_get(lx, "resources"), &s->res, e) < 0) return -1;
    jv_t *sc = json_get(lx, "sysctl");
    if (sc && sc->t == J_OBJ) {
      s->sysctl_keys = xcalloc((size_t)sc->len, sizeof(char *));
      s->sysctl_vals = xcalloc((size_t)sc->len, sizeof(char *));
      for (jv_t *x = sc->child; x; x = x->next) {
        if (x->t != J_STR) return berr_set(e, 0, "config `linux.sysctl.%s`: expected a string", x->key);
        if (strstr(x->key, "..") || strchr(x->key, '/')) return berr_set(e, 0, "sysctl `%s`: invalid name", x->key);
        s->sysctl_keys[s->nsysctls] = x->key;
        s->sysctl_vals[s->nsysctls++] = x->s;
      }
    }
    if ((v = json_get(lx, "maskedPaths")) && v->t != J_NULL &&
        get_strarr(v, "linux.maskedPaths", &s->masked, &s->nmasked, e) < 0)
      return -1;
    if ((v = json_get(lx, "readonlyPaths")) && v->t != J_NULL &&
        get_strarr(v, "linux.readonlyPaths", &s->readonly, &s->nreadonly, e) < 0)
      return -1;
    if (seccomp_parse(json_get(lx, "seccomp"), &s->seccomp, e) < 0) return -1;
    const char *prop = json_str(lx, "rootfsPropagation");
    if (prop && prop[0]) s->rootfs_propagation = xstrdup(prop);
    jv_t *devs = json_get(lx, "devices");
    if (devs && devs->t == J_ARR) {
      s->devices = xcalloc((size_t)devs->len, sizeof(device_spec_t));
      for (jv_t *d = devs->child; d; d = d->next) {
        device_spec_t *dv = &s->devices[s->ndevices++];
        const char *p = json_str(d, "path"), *t = json_str(d, "type");
        if (!p || p[0] != '/' || !t || (t[0] != 'c' && t[0] != 'b' && t[0] != 'u' && t[0] != 'p'))
          return berr_set(e, 0, "config `linux.devices`: each device needs an absolute path and type c, b, u or p");
        dv->path = xstrdup(p);
        dv->type = t[0] == 'u' ? 'c' : t[0];
        dv->major = (v = json_get(d, "major")) && v->t == J_NUM ? v->i : 0;
        dv->minor = (v = json_get(d, "minor")) && v->t == J_NUM ? v->i : 0;
        if ((v = json_get(d, "fileMode")) && v->t == J_NUM) {
          dv->has_mode = 1;
          dv->mode = (mode_t)v->i;
        }
        dv->uid = (v = json_get(d, "uid")) && v->t == J_NUM ? (uid_t)v->i : 0;
        dv->gid = (v = json_get(d, "gid")) && v->t == J_NUM ? (gid_t)v->i : 0;
      }
    }
  }
  if (s->hostname && s->ns_mode[NS_UTS] != NSMODE_NEW)
    return berr_set(e, 0, "config `hostname`: setting the hostname needs a new uts namespace");
  if (s->ns_mode[NS_MNT] != NSMODE_NEW)
    return berr_set(e, 0, "config `linux.namespaces`: berth-core needs a new mount namespace");
  if (hooks_parse(json_get(root, "hooks"), &s->hooks, e) < 0) return -1;
  s->annotations = json_get(root, "annotations");
  s->proc_json = json_get(root, "process");
  s->seccomp_json = lx && lx->t == J_OBJ ? json_get(lx, "seccomp") : NULL;
  if (s->seccomp_json && s->seccomp_json->t == J_NULL) s->seccomp_json = NULL;
  return 0;
}
