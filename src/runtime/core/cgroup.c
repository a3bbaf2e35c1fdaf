/* cgroup.c - create, fill, freeze and remove a container's cgroups.
 * v1: one directory per mounted hierarchy (limits live there).
 * v2: one directory under the cgroup2 mount, controllers enabled along the path.
 * hybrid: both - limits in v1, and the process also joins the same path under the cgroup2
 * mount (as runc does), so tools reading /proc/PID/cgroup's "0::" line see the container. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int is_ctrl_opt(const char *o) {
  static const char *const known[] = {"cpu",   "cpuacct", "cpuset", "memory",     "devices", "freezer",
                                      "blkio", "pids",    "net_cls", "net_prio", "perf_event", "hugetlb",
                                      "rdma",  "misc"};
  if (strncmp(o, "name=", 5) == 0) return 1;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(o, known[i]) == 0) return 1;
  return 0;
}

int cg_detect(cg_layout_t *l, berr_t *e) {
  memset(l, 0, sizeof *l);
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL) return berr_set(e, errno, "open `/proc/self/mountinfo`");
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
    char *sep = strstr(line, " - ");
    if (sep == NULL) continue;
    char fstype[32], source[256], superopts[1024];
    if (sscanf(sep + 3, "%31s %255s %1023s", fstype, source, superopts) != 3) continue;
    char mnt[256];
    if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1) continue;
    if (strcmp(fstype, "cgroup2") == 0) {
      if (l->unified[0] == 0) snprintf(l->unified, sizeof l->unified, "%s", mnt);
    } else if (strcmp(fstype, "cgroup") == 0 && l->nv1 < CG_MAX_V1) {
      char ctrls[128] = "";
      char *save, *tok;
      for (tok = strtok_r(superopts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!is_ctrl_opt(tok)) continue;
        if (ctrls[0]) strncat(ctrls, ",", sizeof ctrls - strlen(ctrls) - 1);
        strncat(ctrls, tok, sizeof ctrls - strlen(ctrls) - 1);
      }
      if (ctrls[0] == 0) continue;
      int dup = 0;
      for (int i = 0; i < l->nv1; i++)
        if (strcmp(l->v1[i].ctrls, ctrls) == 0) dup = 1;
      if (dup) continue;
      snprintf(l->v1[l->nv1].ctrls, sizeof l->v1[l->nv1].ctrls, "%s", ctrls);
      snprintf(l->v1[l->nv1].mnt, sizeof l->v1[l->nv1].mnt, "%s", mnt);
      l->nv1++;
    }
  }
  fclose(f);
  if (l->nv1 == 0 && l->unified[0] == 0) return berr_set(e, 0, "cgroups `/sys/fs/cgroup`: no cgroup hierarchy is mounted");
  return 0;
}

int cg_v1_find(const cg_layout_t *l, const char *ctl) {
  size_t n = strlen(ctl);
  for (int i = 0; i < l->nv1; i++) {
    const char *p = l->v1[i].ctrls;
    while (p && *p) {
      if (strncmp(p, ctl, n) == 0 && (p[n] == 0 || p[n] == ',')) return i;
      p = strchr(p, ',');
      if (p) p++;
    }
  }
  return -1;
}

static void join(char *out, size_t n, const char *a, const char *b, const char *c) {
  if (snprintf(out, n, "%s%s%s%s%s", a, b[0] == '/' ? "" : "/", b, c ? "/" : "", c ? c : "") >= (int)n) out[n - 1] = 0;
}

static int pure_v2(const cg_layout_t *l) { return l->nv1 == 0 && l->unified[0]; }

/* mkdir each level of path under mnt; with cpuset, copy cpus/mems from the parent into new levels;
   with pure v2, enable the parent's controllers in each level's subtree_control. */
static int make_dirs(const char *mnt, const char *path, int cpuset, int v2, berr_t *e) {
  char buf[1024];
  join(buf, sizeof buf, mnt, path, NULL);
  size_t base = strlen(mnt);
  for (char *p = buf + base + 1;; p++) {
    if (*p != '/' && *p != 0) continue;
    char save = *p;
    *p = 0;
    if (v2) {
      /* enable controllers of the parent level for its children */
      char parent[1024], ctl[512], sub[1100];
      snprintf(parent, sizeof parent, "%s", buf);
      char *slash = strrchr(parent, '/');
      if (slash && slash > parent + base - 1) {
        *slash = 0;
        if (strlen(parent) < strlen(mnt)) snprintf(parent, sizeof parent, "%s", mnt);
        snprintf(sub, sizeof sub, "%s/cgroup.controllers", parent);
        int fd = open(sub, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
          ssize_t r = read(fd, ctl, sizeof ctl - 1);
          close(fd);
          if (r > 0) {
            ctl[r] = 0;
            char want[600] = "";
            char *save2, *tok;
            for (tok = strtok_r(ctl, " \n", &save2); tok; tok = strtok_r(NULL, " \n", &save2)) {
              if (strcmp(tok, "cpu") && strcmp(tok, "memory") && strcmp(tok, "pids") && strcmp(tok, "cpuset") &&
                  strcmp(tok, "io"))
                continue;
              strncat(want, "+", sizeof want - strlen(want) - 1);
              strncat(want, tok, sizeof want - strlen(want) - 1);
              strncat(want, " ", sizeof want - strlen(want) - 1);
            }
            if (want[0]) {
              snprintf(sub, sizeof sub, "%s/cgroup.subtree_control", parent);
              berr_t ign;
              write_str(sub, want, &ign);
            }
          }
        }
      }
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return berr_set(e, errno, "mkdir `%s`", buf);
    if (cpuset) {
      /* a new cpuset level starts empty and nothing can join it: copy the parent's cpus/mems.
         Checked on existing levels too - another create may have made the dir a moment ago. */
      char parent[1024], f[1100], val[256];
      snprintf(parent, sizeof parent, "%s", buf);
      *strrchr(parent, '/') = 0;
      static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
      for (int i = 0; i < 2; i++) {
        snprintf(f, sizeof f, "%s/%s", buf, files[i]);
        int fd = open(f, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t r = read(fd, val, sizeof val - 1);
        close(fd);
        if (r > 1) continue; /* already set */
        snprintf(f, sizeof f, "%s/%s", parent, files[i]);
        fd = open(f, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        r = read(fd, val, sizeof val - 1);
        close(fd);
        if (r <= 0) continue;
        val[r] = 0;
        snprintf(f, sizeof f, "%s/%s", buf, files[i]);
        if (write_str(f, val, e) < 0) return -1;
      }
    }
    *p = save;
    if (save == 0) break;
  }
  return 0;
}

static int wr(const char *dir, const char *file, const char *val, berr_t *e) {
  char p[1200];
  snprintf(p, sizeof p, "%s/%s", dir, file);
  if (write_str(p, val, e) < 0) return -1;
  return 0;
}

static int apply_v1(const cg_layout_t *l, const char *path, const resources_t *r, berr_t *e) {
  char dir[1024], v[64];
  int i;
  if ((i = cg_v1_find(l, "memory")) >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (r->has_mem && r->mem > 0) {
      snprintf(v, sizeof v, "%lld", r->mem);
      if (wr(dir, "memory.limit_in_bytes", v, e) < 0) return -1;
    }
    if (r->has_memres && r->memres > 0) {
      snprintf(v, sizeof v, "%lld", r->memres);
      if (wr(dir, "memory.soft_limit_in_bytes", v, e) < 0) return -1;
    }
    if (r->has_swap && r->swap != 0) {
      char f[1100];
      snprintf(f, sizeof f, "%s/memory.memsw.limit_in_bytes", dir);
      if (access(f, F_OK) == 0) {
        snprintf(v, sizeof v, "%lld", r->swap);
        if (wr(dir, "memory.memsw.limit_in_bytes", v, e) < 0) return -1;
      }
    }
  } else if (r->has_mem && r->mem > 0) {
    return berr_set(e, 0, "cgroup `memory`: the memory controller is not available");
  }
  if ((i = cg_v1_find(l, "cpu")) >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (r->has_shares && r->shares > 0) {
      snprintf(v, sizeof v, "%llu", r->shares);
      if (wr(dir, "cpu.shares", v, e) < 0) return -1;
    }
    if (r->has_period && r->period > 0) {
      snprintf(v, sizeof v, "%llu", r->period);
      if (wr(dir, "cpu.cfs_period_us", v, e) < 0) return -1;
    }
    if (r->has_quota && r->quota != 0) {
      snprintf(v, sizeof v, "%lld", r->quota);
      if (wr(dir, "cpu.cfs_quota_us", v, e) < 0) return -1;
    }
  }
  if ((i = cg_v1_find(l, "cpuset")) >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (r->cpus && wr(dir, "cpuset.cpus", r->cpus, e) < 0) return -1;
    if (r->mems && wr(dir, "cpuset.mems", r->mems, e) < 0) return -1;
  }
  if ((i = cg_v1_find(l, "pids")) >= 0 && r->has_pids) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (r->pids > 0) snprintf(v, sizeof v, "%lld", r->pids);
    else snprintf(v, sizeof v, "max");
    if (wr(dir, "pids.max", v, e) < 0) return -1;
  }
  if ((i = cg_v1_find(l, "blkio")) >= 0 && r->has_blkio_weight) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    snprintf(v, sizeof v, "%u", r->blkio_weight);
    char f[1100];
    snprintf(f, sizeof f, "%s/blkio.weight", dir);
    if (access(f, F_OK) == 0 && wr(dir, "blkio.weight", v, e) < 0) return -1;
  }
  return 0;
}

/* Device rules are applied once the container's root is set up (as runc does): the init
   creates its device nodes first, which a deny-all rule would otherwise forbid (mknod). */
/* cgroup v2 has no devices controller: the rules become an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
   attached to the container's cgroup. Rules are checked last to first; the first match decides
   (the last matching rule wins, as when writing them in order to v1 devices.allow/deny);
   no match denies. The runtime's default devices are appended as allow rules. */
static const devrule_t default_devices[] = {
    {1, 'c', 1, 3, "rwm"}, {1, 'c', 1, 5, "rwm"}, {1, 'c', 1, 7, "rwm"}, {1, 'c', 1, 8, "rwm"}, {1, 'c', 1, 9, "rwm"},
    {1, 'c', 5, 0, "rwm"}, {1, 'c', 5, 1, "rwm"}, {1, 'c', 5, 2, "rwm"}, {1, 'c', 136, -1, "rwm"}};

static void emit(struct bpf_insn *prog, size_t *n, int code, int dst, int src, short off, int imm) {
  prog[*n] = (struct bpf_insn){.code = (unsigned char)code, .dst_reg = (unsigned char)dst, .src_reg = (unsigned char)src, .off = off, .imm = imm};
  (*n)++;
}

static int bpf_devices(const char *dir, const resources_t *r, berr_t *e) {
  int nd = (int)(sizeof default_devices / sizeof default_devices[0]);
  int total = r->ndevrules + nd;
  size_t cap = 8 + (size_t)total * 7;
  struct bpf_insn *prog = xcalloc(cap, sizeof *prog);
  size_t n = 0;
#define INS(c, d, s_, o, i) emit(prog, &n, (c), (d), (s_), (o), (i))
  INS(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);         /* r2 = ctx->access_type */
  INS(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);       /* r3 = r2 */
  INS(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);      /* r3 = access (mknod 1, read 2, write 4) */
  INS(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xFFFF);  /* r2 = type (block 1, char 2) */
  INS(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);         /* r4 = major */
  INS(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);         /* r5 = minor */
  int unconditional = 0;
  for (int k = total - 1; k >= 0; k--) {
    const devrule_t *d = k >= r->ndevrules ? &default_devices[k - r->ndevrules] : &r->devrules[k];
    int mask = 0;
    for (const char *a = d->access; *a; a++) mask |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
    /* block: [type check] [access check: 3 insns] [major check] [minor check] mov r0, exit.
       A failed check jumps to the first instruction after the block. */
    int len = (d->type != 'a') + (mask != 7 ? 3 : 0) + (d->major >= 0) + (d->minor >= 0) + 2;
    size_t start = n;
#define SKIP() ((short)(len - 1 - (int)(n - start)))
    if (d->type != 'a') INS(BPF_JMP | BPF_JNE | BPF_K, 2, 0, SKIP(), d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    if (mask != 7) {
      INS(BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);     /* r1 = access */
      INS(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, ~mask); /* r1 &= ~allowed: nonzero = asks for more */
      INS(BPF_JMP | BPF_JNE | BPF_K, 1, 0, SKIP(), 0);
    }
    if (d->major >= 0) INS(BPF_JMP | BPF_JNE | BPF_K, 4, 0, SKIP(), (int)d->major);
    if (d->minor >= 0) INS(BPF_JMP | BPF_JNE | BPF_K, 5, 0, SKIP(), (int)d->minor);
#undef SKIP
    INS(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow ? 1 : 0);
    INS(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    if (len == 2) { /* matches everything: earlier rules and the default are unreachable */
      unconditional = 1;
      break;
    }
  }
  if (!unconditional) {
    INS(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
    INS(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  }
#undef INS
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (unsigned long)prog;
  attr.insn_cnt = (unsigned)n;
  attr.license = (unsigned long)"Apache-2.0";
  int pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
  int err = errno;
  if (pfd < 0 && err == EINVAL) {
    /* load again with the verifier's log, and report its last line */
    static char log[8192];
    attr.log_buf = (unsigned long)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    log[0] = 0;
    syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    size_t ll = strlen(log);
    while (ll > 0 && log[ll - 1] == '\n') log[--ll] = 0;
    char *last = strrchr(log, '\n');
    if (last) { /* the last line is the verifier's statistics: report the one before it */
      *last = 0;
      char *prev = strrchr(log, '\n');
      last = prev ? prev : NULL;
    }
    free(prog);
    return berr_set(e, 0, "bpf `device filter`: rejected by the verifier: %s", last ? last + 1 : log);
  }
  free(prog);
  if (pfd < 0) return berr_set(e, err, "bpf `device filter`");
  int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dfd < 0) {
    err = errno;
    close(pfd);
    return berr_set(e, err, "open `%s`", dir);
  }
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (unsigned)dfd;
  attr.attach_bpf_fd = (unsigned)pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  int rc = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr);
  err = errno;
  close(dfd);
  close(pfd);
  if (rc < 0) return berr_set(e, err, "bpf attach `device filter` to `%s`", dir);
  return 0;
}

int cg_apply_devices(const cg_layout_t *l, const char *path, const resources_t *r, berr_t *e) {
  char dir[1024];
  int i;
  if (cg_v1_find(l, "devices") < 0 && l->unified[0] && r->ndevrules > 0) {
    join(dir, sizeof dir, l->unified, path, NULL);
    return bpf_devices(dir, r, e);
  }
  if ((i = cg_v1_find(l, "devices")) >= 0 && r->ndevrules > 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    for (int k = 0; k < r->ndevrules; k++) {
      const devrule_t *d = &r->devrules[k];
      char rule[64], maj[24], min[24];
      if (d->major < 0) snprintf(maj, sizeof maj, "*");
      else snprintf(maj, sizeof maj, "%lld", d->major);
      if (d->minor < 0) snprintf(min, sizeof min, "*");
      else snprintf(min, sizeof min, "%lld", d->minor);
      if (d->type == 'a') snprintf(rule, sizeof rule, "a");
      else snprintf(rule, sizeof rule, "%c %s:%s %s", d->type, maj, min, d->access);
      if (wr(dir, d->allow ? "devices.allow" : "devices.deny", rule, e) < 0) return -1;
    }
    /* the devices every container gets (as runc): null zero full random urandom tty, console, ptmx, pts */
    static const char *const defaults[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                                           "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"};
    for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++)
      if (wr(dir, "devices.allow", defaults[k], e) < 0) return -1;
  }
  return 0;
}

static int apply_v2(const char *dir, const resources_t *r, berr_t *e) {
  char v[96];
  if (r->has_mem && r->mem > 0) {
    snprintf(v, sizeof v, "%lld", r->mem);
    if (wr(dir, "memory.max", v, e) < 0) return -1;
  }
  if (r->has_memres && r->memres > 0) {
    snprintf(v, sizeof v, "%lld", r->memres);
    if (wr(dir, "memory.low", v, e) < 0) return -1;
  }
  if (r->has_swap && r->swap != 0) {
    /* OCI swap is memory+swap; cgroup v2 wants swap alone */
    if (r->swap < 0) snprintf(v, sizeof v, "max");
    else snprintf(v, sizeof v, "%lld", r->has_mem && r->mem > 0 && r->swap >= r->mem ? r->swap - r->mem : r->swap);
    char f[1100];
    snprintf(f, sizeof f, "%s/memory.swap.max", dir);
    if (access(f, F_OK) == 0 && wr(dir, "memory.swap.max", v, e) < 0) return -1;
  }
  if (r->has_shares && r->shares > 0) {
    unsigned long long w = 1 + ((r->shares < 2 ? 0 : r->shares - 2) * 9999) / 262142;
    snprintf(v, sizeof v, "%llu", w > 10000 ? 10000 : w);
    if (wr(dir, "cpu.weight", v, e) < 0) return -1;
  }
  if ((r->has_quota && r->quota != 0) || (r->has_period && r->period > 0)) {
    unsigned long long period = r->has_period && r->period ? r->period : 100000;
    if (r->has_quota && r->quota > 0) snprintf(v, sizeof v, "%lld %llu", r->quota, period);
    else snprintf(v, sizeof v, "max %llu", period);
    if (wr(dir, "cpu.max", v, e) < 0) return -1;
  }
  if (r->cpus && wr(dir, "cpuset.cpus", r->cpus, e) < 0) return -1;
  if (r->mems && wr(dir, "cpuset.mems", r->mems, e) < 0) return -1;
  if (r->has_pids) {
    if (r->pids > 0) snprintf(v, sizeof v, "%lld", r->pids);
    else snprintf(v, sizeof v, "max");
    if (wr(dir, "pids.max", v, e) < 0) return -1;
  }
  return 0;
}

int cg_create(const cg_layout_t *l, const char *path, const resources_t *res, berr_t *e) {
  for (int i = 0; i < l->nv1; i++) {
    int cpuset = cg_v1_find(l, "cpuset") == i;
    if (make_dirs(l->v1[i].mnt, path, cpuset, 0, e) < 0) goto fail;
  }
  if (l->unified[0] && make_dirs(l->unified, path, 0, pure_v2(l), e) < 0) goto fail;
  if (l->nv1 > 0) {
    if (apply_v1(l, path, res, e) < 0) goto fail;
  } else {
    char dir[1024];
    join(dir, sizeof dir, l->unified, path, NULL);
    if (apply_v2(dir, res, e) < 0) goto fail;
  }
  return 0;
fail:;
  berr_t ign;
  cg_destroy(l, path, &ign);
  return -1;
}

int cg_enter(const cg_layout_t *l, const char *path, pid_t pid, berr_t *e) { return cg_enter_ex(l, path, pid, 0, e); }

int cg_enter_ex(const cg_layout_t *l, const char *path, pid_t pid, int skip_unified, berr_t *e) {
  char dir[1024], v[32];
  snprintf(v, sizeof v, "%d", (int)pid);
  for (int i = 0; i < l->nv1; i++) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (wr(dir, "cgroup.procs", v, e) < 0) return -1;
  }
  if (l->unified[0] && !skip_unified) {
    join(dir, sizeof dir, l->unified, path, NULL);
    if (wr(dir, "cgroup.procs", v, e) < 0) return -1;
  }
  return 0;
}

int cg_open_unified(const cg_layout_t *l, const char *path) {
  char dir[1024];
  if (!l->unified[0]) return -1;
  join(dir, sizeof dir, l->unified, path, NULL);
  return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* The directory whose cgroup.procs lists the container's processes. */
static void procs_dir(const cg_layout_t *l, const char *path, char *dir, size_t n) {
  int i = cg_v1_find(l, "pids");
  if (i < 0) i = cg_v1_find(l, "memory");
  if (i >= 0) join(dir, n, l->v1[i].mnt, path, NULL);
  else if (l->unified[0]) join(dir, n, l->unified, path, NULL);
  else if (l->nv1 > 0) join(dir, n, l->v1[0].mnt, path, NULL);
  else dir[0] = 0;
}

static int read_pids(const char *dir, pid_t **out) {
  char f[1100];
  snprintf(f, sizeof f, "%s/cgroup.procs", dir);
  char *text;
  berr_t ign;
  *out = NULL;
  if (read_file(f, &text, NULL, &ign) < 0) return -1;
  int n = 0, cap = 16;
  pid_t *a = xmalloc((size_t)cap * sizeof *a);
  for (char *p = text; *p;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) break;
    if (n == cap) {
      cap *= 2;
      pid_t *na = realloc(a, (size_t)cap * sizeof *a);
      if (!na) break;
      a = na;
    }
    a[n++] = (pid_t)v;
    p = end;
    while (*p == '\n') p++;
  }
  free(text);
  *out = a;
  return n;
}

int cg_pids(const cg_layout_t *l, const char *path, pid_t **out) {
  char dir[1024];
  procs_dir(l, path, dir, sizeof dir);
  return read_pids(dir, out);
}

int cg_signal_all(const cg_layout_t *l, const char *path, int sig, berr_t *e) {
  pid_t *pids;
  int n = cg_pids(l, path, &pids);
  if (n < 0) return berr_set(e, errno, "cgroup `%s`: cannot list processes", path);
  for (int i = 0; i < n; i++) kill(pids[i], sig);
  free(pids);
  return 0;
}

static void nap(long ms) {
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

int cg_freeze(const cg_layout_t *l, const char *path, int freeze, berr_t *e) {
  char dir[1024], f[1100];
  int i = cg_v1_find(l, "freezer");
  if (i >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (wr(dir, "freezer.state", freeze ? "FROZEN" : "THAWED", e) < 0) return -1;
    snprintf(f, sizeof f, "%s/freezer.state", dir);
    for (int k = 0; k < 5000; k++) { /* FREEZING -> FROZEN; bounded wait (~10 s) */
      char *st;
      if (read_file(f, &st, NULL, e) < 0) return -1;
      int done = strncmp(st, freeze ? "FROZEN" : "THAWED", 6) == 0;
      free(st);
      if (done) return 0;
      if (freeze && k % 50 == 49) wr(dir, "freezer.state", "FROZEN", e);
      nap(2);
    }
    return berr_set(e, EBUSY, "freeze `%s`", path);
  }
  if (l->unified[0]) {
    join(dir, sizeof dir, l->unified, path, NULL);
    if (wr(dir, "cgroup.freeze", freeze ? "1" : "0", e) < 0) return -1;
    snprintf(f, sizeof f, "%s/cgroup.events", dir);
    for (int k = 0; k < 5000; k++) {
      char *ev;
      if (read_file(f, &ev, NULL, e) < 0) return -1;
      char *fr = strstr(ev, "frozen ");
      int done = fr && fr[7] == (freeze ? '1' : '0');
      free(ev);
      if (done) return 0;
      nap(2);
    }
    return berr_set(e, EBUSY, "freeze `%s`", path);
  }
  return berr_set(e, 0, "freeze `%s`: no freezer available", path);
}

int cg_is_frozen(const cg_layout_t *l, const char *path) {
  char dir[1024], f[1100];
  berr_t ign;
  char *st;
  int i = cg_v1_find(l, "freezer");
  if (i >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    snprintf(f, sizeof f, "%s/freezer.state", dir);
    if (read_file(f, &st, NULL, &ign) < 0) return 0;
    int r = strncmp(st, "FROZEN", 6) == 0;
    free(st);
    return r;
  }
  if (l->unified[0]) {
    join(dir, sizeof dir, l->unified, path, NULL);
    snprintf(f, sizeof f, "%s/cgroup.freeze", dir);
    if (read_file(f, &st, NULL, &ign) < 0) return 0;
    int r = st[0] == '1';
    free(st);
    return r;
  }
  return 0;
}

int cg_destroy(const cg_layout_t *l, const char *path, berr_t *e) {
  char dir[1024];
  int rc = 0;
  /* Kill what is left: freeze (so nothing forks meanwhile), SIGKILL everything, thaw. */
  pid_t *pids;
  int n = cg_pids(l, path, &pids);
  if (n > 0) {
    berr_t ign;
    int frozen = cg_freeze(l, path, 1, &ign) == 0;
    for (int round = 0; round < 100; round++) {
      free(pids);
      n = cg_pids(l, path, &pids);
      if (n <= 0) break;
      for (int k = 0; k < n; k++) kill(pids[k], SIGKILL);
      if (frozen) {
        cg_freeze(l, path, 0, &ign);
        frozen = 0;
      }
      nap(1);
    }
    if (frozen) cg_freeze(l, path, 0, &ign);
  }
  free(pids);
  for (int i = -1; i < l->nv1; i++) {
    if (i < 0) {
      if (!l->unified[0]) continue;
      join(dir, sizeof dir, l->unified, path, NULL);
    } else {
      join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    }
    /* rmdir fails with EBUSY while exiting tasks are still attached: poll with a deadline */
    int ok = 0;
    for (int k = 0; k < 2000; k++) {
      if (rmdir(dir) == 0 || errno == ENOENT) {
        ok = 1;
        break;
      }
      if (errno != EBUSY) break;
      nap(1);
    }
    if (!ok && rc == 0) rc = berr_set(e, errno, "rmdir `%s`", dir);
  }
  return rc;
}

int cg_oom_file(const cg_layout_t *l, const char *path, char *out, size_t n) {
  char dir[1024];
  int i = cg_v1_find(l, "memory");
  if (i >= 0) {
    join(dir, sizeof dir, l->v1[i].mnt, path, NULL);
    if (snprintf(out, n, "%s/memory.oom_control", dir) >= (int)n) return -1;
    return 0;
  }
  if (l->unified[0]) {
    join(dir, sizeof dir, l->unified, path, NULL);
    if (snprintf(out, n, "%s/memory.events", dir) >= (int)n) return -1;
    return 0;
  }
  return -1;
}

long long cg_read_oom_kills(const char *file) {
  char buf[1024];
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return -1;
  buf[r] = 0;
  char *p = strstr(buf, "oom_kill ");
  if (p == NULL) return -1;
  return atoll(p + 9);
}
