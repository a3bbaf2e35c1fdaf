/* linux.c - what the container's init does between clone() and execve():
 *   join cgroups -> join namespaces given by path -> new cgroup ns -> hostname
 *   -> mounts (propagation, bind rootfs, spec mounts, devices, /dev symlinks) -> pivot_root
 *   -> sysctls, readonly/masked paths, read-only root -> console -> oom_score_adj, rlimits
 *   -> executable lookup, cwd, umask -> user, groups, capabilities, no_new_privs
 *   -> "ready" to the parent -> wait for start (exec.fifo or "G") -> execve. */
#define _GNU_SOURCE
#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void child_fail(int fd, const berr_t *e) {
  char buf[BERR_MAX + 1];
  buf[0] = 'E';
  size_t n = strlen(e->msg);
  memcpy(buf + 1, e->msg, n);
  if (fd < 0 || send(fd, buf, n + 1, MSG_NOSIGNAL) < 0) {
    dprintf(2, "berth-core: %s\n", e->msg);
  }
  _exit(1);
}

/* ---------------------------------------------------------------- paths inside the rootfs */

/* Resolve unsafe (absolute, inside the container) against root, following symlinks as if root
   were "/", so that a symlink in the image cannot point a mount outside the rootfs. */
static int secure_join(const char *root, const char *unsafe, char *out, size_t n, berr_t *e) {
  char rest[PATH_MAX * 2], cur[PATH_MAX] = "";
  snprintf(rest, sizeof rest, "%s", unsafe);
  int links = 0;
  char *p = rest;
  while (*p) {
    while (*p == '/') p++;
    if (*p == 0) break;
    char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    char comp[NAME_MAX + 1];
    if (len > NAME_MAX) return berr_set(e, ENAMETOOLONG, "path `%s`", unsafe);
    memcpy(comp, p, len);
    comp[len] = 0;
    p += len;
    if (strcmp(comp, ".") == 0) continue;
    if (strcmp(comp, "..") == 0) {
      char *last = strrchr(cur, '/');
      if (last) *last = 0;
      continue;
    }
    char cand[PATH_MAX], full[PATH_MAX];
    if (snprintf(cand, sizeof cand, "%s/%s", cur, comp) >= (int)sizeof cand ||
        snprintf(full, sizeof full, "%s%s", root, cand) >= (int)sizeof full)
      return berr_set(e, ENAMETOOLONG, "path `%s`", unsafe);
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
      if (++links > 40) return berr_set(e, ELOOP, "path `%s`", unsafe);
      char target[PATH_MAX];
      ssize_t r = readlink(full, target, sizeof target - 1);
      if (r < 0) return berr_set(e, errno, "readlink `%s`", full);
      target[r] = 0;
      char nrest[PATH_MAX * 2];
      if (snprintf(nrest, sizeof nrest, "%s/%s", target, p) >= (int)sizeof nrest)
        return berr_set(e, ENAMETOOLONG, "path `%s`", unsafe);
      snprintf(rest, sizeof rest, "%s", nrest);
      p = rest;
      if (target[0] == '/') cur[0] = 0;
      continue;
    }
    snprintf(cur, sizeof cur, "%s", cand);
  }
  if (snprintf(out, n, "%s%s", root, cur[0] ? cur : "") >= (int)n) return berr_set(e, ENAMETOOLONG, "path `%s`", unsafe);
  return 0;
}

/* Create the mount point: a directory, or an empty file when binding a non-directory. */
static int make_mountpoint(const char *path, int file, berr_t *e) {
  struct stat st;
  if (stat(path, &st) == 0) return 0;
  if (!file) return mkdir_p(path, 0755, e);
  char parent[PATH_MAX];
  snprintf(parent, sizeof parent, "%s", path);
  char *s = strrchr(parent, '/');
  if (s && s != parent) {
    *s = 0;
    if (mkdir_p(parent, 0755, e) < 0) return -1;
  }
  int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return berr_set(e, errno, "create mount point `%s`", path);
  close(fd);
  return 0;
}

/* ---------------------------------------------------------------- mount options */

typedef struct {
  unsigned long flags;    /* flags for the mount itself */
  unsigned long clear;    /* flags explicitly cleared (rw, suid, ...) */
  unsigned long pgflags;  /* propagation, applied after */
  int bind, rec;
  char data[1024];
} mopts_t;

static void parse_opts(const mount_spec_t *m, mopts_t *o) {
  static const struct {
    const char *name;
    int clear;
    unsigned long flag;
  } fl[] = {{"ro", 0, MS_RDONLY},         {"rw", 1, MS_RDONLY},          {"nosuid", 0, MS_NOSUID},
            {"suid", 1, MS_NOSUID},       {"nodev", 0, MS_NODEV},        {"dev", 1, MS_NODEV},
            {"noexec", 0, MS_NOEXEC},     {"exec", 1, MS_NOEXEC},        {"sync", 0, MS_SYNCHRONOUS},
            {"async", 1, MS_SYNCHRONOUS}, {"dirsync", 0, MS_DIRSYNC},    {"remount", 0, MS_REMOUNT},
            {"mand", 0, MS_MANDLOCK},     {"nomand", 1, MS_MANDLOCK},    {"atime", 1, MS_NOATIME},
            {"noatime", 0, MS_NOATIME},   {"diratime", 1, MS_NODIRATIME}, {"nodiratime", 0, MS_NODIRATIME},
            {"relatime", 0, MS_RELATIME}, {"norelatime", 1, MS_RELATIME}, {"strictatime", 0, MS_STRICTATIME},
            {"nostrictatime", 1, MS_STRICTATIME}};
  static const struct {
    const char *name;
    unsigned long flag;
  } pg[] = {{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
            {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE},             {"rslave", MS_SLAVE | MS_REC},
            {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC}};
  memset(o, 0, sizeof *o);
  for (int i = 0; i < m->nopts; i++) {
    const char *opt = m->options[i];
    int done = 0;
    if (strcmp(opt, "bind") == 0) {
      o->bind = 1;
      continue;
    }
    if (strcmp(opt, "rbind") == 0) {
      o->bind = o->rec = 1;
      continue;
    }
    for (size_t k = 0; k < sizeof fl / sizeof fl[0] && !done; k++) {
      if (strcmp(opt, fl[k].name) != 0) continue;
      if (fl[k].clear) {
        o->flags &= ~fl[k].flag;
        o->clear |= fl[k].flag;
      } else {
        o->flags |= fl[k].flag;
      }
      done = 1;
    }
    for (size_t k = 0; k < sizeof pg / sizeof pg[0] && !done; k++) {
      if (strcmp(opt, pg[k].name) == 0) {
        o->pgflags |= pg[k].flag;
        done = 1;
      }
    }
    if (done || strcmp(opt, "tmpcopyup") == 0 || strncmp(opt, "idmap", 5) == 0) continue;
    if (o->data[0]) strncat(o->data, ",", sizeof o->data - strlen(o->data) - 1);
    strncat(o->data, opt, sizeof o->data - strlen(o->data) - 1);
  }
  if (strcmp(m->type, "bind") == 0) o->bind = 1;
}

static unsigned long statvfs_flags(const char *path) {
  struct statvfs sv;
  unsigned long f = 0;
  if (statvfs(path, &sv) < 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
  return f;
}

/* One cgroup hierarchy at dest. Sharing berth-core's cgroup namespace, the container gets a bind
   of the host's mount (runc does the same): the same tree, but a new cgroup2 mount in the
   initial cgroup namespace is not neutral: it applies its (empty) options to the host's cgroup2
   root (nsdelegate, favordynmods, memory_localevents... switched off) and, since Linux 6.18,
   takes cgroup_threadgroup_rwsem for writing, an RCU grace period (10-20 ms) per start. In a
   cgroup namespace of its own a mount shows the container's own cgroup as root: mounted. */
static int mount_hierarchy(const init_args_t *a, const char *host_mnt, const char *dest, const char *fstype,
                           const char *ctrls, unsigned long fl, berr_t *e) {
  if (a->spec->ns_mode[NS_CGROUP] == NSMODE_HOST) {
    if (mount(host_mnt, dest, NULL, MS_BIND, NULL) < 0) return berr_set(e, errno, "mount `%s` to `%s`", host_mnt, dest);
    if (mount(NULL, dest, NULL, MS_BIND | MS_REMOUNT | fl, NULL) < 0) return berr_set(e, errno, "remount `%s`", dest);
    return 0;
  }
  if (mount(fstype, dest, fstype, fl, ctrls) < 0) {
    if (ctrls) return berr_set(e, errno, "mount `cgroup` (%s) to `%s`", ctrls, dest);
    return berr_set(e, errno, "mount `cgroup2` to `%s`", dest);
  }
  return 0;
}

static int mount_cgroupfs(const init_args_t *a, const char *dest, const mopts_t *o, berr_t *e) {
  const cg_layout_t *l = a->cg;
  unsigned long fl = o->flags & ~(unsigned long)MS_REMOUNT;
  if (l->nv1 == 0) return mount_hierarchy(a, l->unified, dest, "cgroup2", NULL, fl, e);
  if (mount("tmpfs", dest, "tmpfs", (fl & ~(unsigned long)MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return berr_set(e, errno, "mount `tmpfs` to `%s`", dest);
  for (int i = 0; i < l->nv1; i++) {
    const char *base = strrchr(l->v1[i].mnt, '/');
    base = base ? base + 1 : l->v1[i].mnt;
    char sub[PATH_MAX];
    if (snprintf(sub, sizeof sub, "%s/%s", dest, base) >= (int)sizeof sub) return berr_set(e, ENAMETOOLONG, "mount `cgroup` to `%s`", dest);
    if (mkdir(sub, 0755) < 0 && errno != EEXIST) return berr_set(e, errno, "mkdir `%s`", sub);
    if (mount_hierarchy(a, l->v1[i].mnt, sub, "cgroup", l->v1[i].ctrls, fl | MS_NOSUID | MS_NODEV | MS_NOEXEC, e) < 0) return -1;
  }
  if (l->unified[0]) {
    char sub[PATH_MAX];
    if (snprintf(sub, sizeof sub, "%s/unified", dest) >= (int)sizeof sub) return berr_set(e, ENAMETOOLONG, "mount `cgroup2` to `%s`", dest);
    if (mkdir(sub, 0755) < 0 && errno != EEXIST) return berr_set(e, errno, "mkdir `%s`", sub);
    if (mount_hierarchy(a, l->unified, sub, "cgroup2", NULL, fl | MS_NOSUID | MS_NODEV | MS_NOEXEC, e) < 0) return -1;
  }
  if ((fl & MS_RDONLY) &&
      mount(NULL, dest, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return berr_set(e, errno, "remount `%s` read-only", dest);
  return 0;
}

static int do_mount(init_args_t *a, const mount_spec_t *m, int *dev_mounted, berr_t *e) {
  const char *root = a->spec->root_path;
  char dest[PATH_MAX];
  if (secure_join(root, m->dest, dest, sizeof dest, e) < 0) return -1;
  mopts_t o;
  parse_opts(m, &o);
  if (o.bind) {
    struct stat st;
    if (stat(m->source, &st) < 0) return berr_set(e, errno, "mount `%s` to `%s`", m->source, m->dest);
    if (make_mountpoint(dest, !S_ISDIR(st.st_mode), e) < 0) return -1;
    if (mount(m->source, dest, NULL, MS_BIND | (o.rec ? MS_REC : 0), NULL) < 0)
      return berr_set(e, errno, "mount `%s` to `%s`", m->source, m->dest);
    unsigned long extra = o.flags & ~(unsigned long)(MS_REMOUNT | MS_BIND | MS_REC);
    if (extra) {
      unsigned long keep = statvfs_flags(dest) & ~o.clear;
      if (mount(NULL, dest, NULL, MS_BIND | MS_REMOUNT | extra | keep, NULL) < 0)
        return berr_set(e, errno, "remount `%s`", m->dest);
    }
  } else {
    if (make_mountpoint(dest, 0, e) < 0) return -1;
    if (strcmp(m->type, "cgroup") == 0) {
      if (mount_cgroupfs(a, dest, &o, e) < 0) return -1;
    } else {
      const char *src = m->source[0] ? m->source : m->type;
      if (mount(src, dest, m->type, o.flags, o.data[0] ? o.data : NULL) < 0) {
        int err = errno;
        /* sysfs needs a network namespace of our own; fall back to binding the host's (as runc) */
        if (strcmp(m->type, "sysfs") == 0 && (err == EPERM || err == EBUSY)) {
          if (mount("/sys", dest, NULL, MS_BIND | MS_REC, NULL) < 0)
            return berr_set(e, errno, "mount `sysfs` to `%s`", m->dest);
          if ((o.flags & MS_RDONLY) && mount(NULL, dest, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | statvfs_flags(dest), NULL) < 0)
            return berr_set(e, errno, "remount `%s` read-only", m->dest);
        } else {
          return berr_set(e, err, "mount `%s` to `%s`", m->type, m->dest);
        }
      }
    }
    if (strcmp(m->dest, "/dev") == 0) *dev_mounted = 1;
  }
  if (o.pgflags && mount(NULL, dest, NULL, o.pgflags, NULL) < 0)
    return berr_set(e, errno, "set propagation of `%s`", m->dest);
  return 0;
}

static int make_devices(const init_args_t *a, berr_t *e) {
  static const struct {
    const char *name;
    unsigned maj, min;
  } defs[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
  const char *root = a->spec->root_path;
  char path[PATH_MAX];
  mode_t old = umask(0);
  for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
    snprintf(path, sizeof path, "%s/dev/%s", root, defs[i].name);
    if (mknod(path, S_IFCHR | 0666, makedev(defs[i].maj, defs[i].min)) < 0 && errno != EEXIST) {
      umask(old);
      return berr_set(e, errno, "mknod `/dev/%s`", defs[i].name);
    }
  }
  for (int i = 0; i < a->spec->ndevices; i++) {
    const device_spec_t *d = &a->spec->devices[i];
    if (secure_join(root, d->path, path, sizeof path, e) < 0) goto fail;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *s = strrchr(parent, '/');
    if (s) *s = 0;
    if (mkdir_p(parent, 0755, e) < 0) goto fail;
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
    unlink(path);
    if (mknod(path, type | (d->has_mode ? (d->mode & 07777) : 0666), makedev(d->major, d->minor)) < 0) {
      berr_set(e, errno, "mknod `%s`", d->path);
      goto fail;
    }
    if (chown(path, d->uid, d->gid) < 0) {
      berr_set(e, errno, "chown `%s`", d->path);
      goto fail;
    }
  }
  umask(old);
  static const char *const links[][2] = {{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
                                         {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
                                         {"pts/ptmx", "ptmx"}};
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    snprintf(path, sizeof path, "%s/dev/%s", root, links[i][1]);
    if (symlink(links[i][0], path) < 0 && errno != EEXIST) return berr_set(e, errno, "symlink `/dev/%s`", links[i][1]);
  }
  if (access("/proc/kcore", F_OK) == 0) {
    snprintf(path, sizeof path, "%s/dev/core", root);
    if (symlink("/proc/kcore", path) < 0 && errno != EEXIST) return berr_set(e, errno, "symlink `/dev/core`");
  }
  return 0;
fail:
  umask(old);
  return -1;
}

static int pivot(const char *rootfs, int no_pivot, berr_t *e) {
  if (no_pivot) {
    if (chdir(rootfs) < 0) return berr_set(e, errno, "chdir `%s`", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) return berr_set(e, errno, "move `%s` to `/`", rootfs);
    if (chroot(".") < 0) return berr_set(e, errno, "chroot `%s`", rootfs);
    if (chdir("/") < 0) return berr_set(e, errno, "chdir `/`");
    return 0;
  }
  int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) return berr_set(e, errno, "open `/`");
  int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) {
    close(oldroot);
    return berr_set(e, errno, "open `%s`", rootfs);
  }
  int rc = -1;
  if (fchdir(newroot) < 0) {
    berr_set(e, errno, "chdir `%s`", rootfs);
  } else if (syscall(SYS_pivot_root, ".", ".") < 0) {
    berr_set(e, errno, "pivot_root `%s`", rootfs);
  } else if (fchdir(oldroot) < 0) {
    berr_set(e, errno, "chdir to the old root");
  } else if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) {
    berr_set(e, errno, "make the old root rslave");
  } else if (umount2(".", MNT_DETACH) < 0) {
    berr_set(e, errno, "unmount the old root");
  } else if (chdir("/") < 0) {
    berr_set(e, errno, "chdir `/`");
  } else {
    rc = 0;
  }
  close(oldroot);
  close(newroot);
  return rc;
}

static unsigned long propagation_flags(const char *p) {
  if (p == NULL) return MS_SLAVE | MS_REC;
  if (strcmp(p, "private") == 0) return MS_PRIVATE;
  if (strcmp(p, "rprivate") == 0) return MS_PRIVATE | MS_REC;
  if (strcmp(p, "slave") == 0) return MS_SLAVE;
  if (strcmp(p, "rslave") == 0) return MS_SLAVE | MS_REC;
  if (strcmp(p, "shared") == 0) return MS_SHARED;
  if (strcmp(p, "rshared") == 0) return MS_SHARED | MS_REC;
  if (strcmp(p, "unbindable") == 0) return MS_UNBINDABLE;
  if (strcmp(p, "runbindable") == 0) return MS_UNBINDABLE | MS_REC;
  return 0;
}

static int setup_rootfs(init_args_t *a, berr_t *e) {
  const spec_t *s = a->spec;
  unsigned long pf = propagation_flags(s->rootfs_propagation);
  if (pf == 0) return berr_set(e, 0, "config `linux.rootfsPropagation`: `%s` is not a propagation mode", s->rootfs_propagation);
  /* shared propagation is set on the rootfs below; the host tree itself is made rslave first */
  unsigned long host_pf = (pf & (MS_SHARED | MS_UNBINDABLE)) ? (MS_SLAVE | MS_REC) : pf;
  if (mount(NULL, "/", NULL, host_pf, NULL) < 0) return berr_set(e, errno, "set propagation of `/`");
  if (mount(s->root_path, s->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return berr_set(e, errno, "bind rootfs `%s`", s->root_path);
  if ((pf & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, s->root_path, NULL, pf, NULL) < 0)
    return berr_set(e, errno, "set propagation of `%s`", s->root_path);
  int dev_mounted = 0;
  for (int i = 0; i < s->nmounts; i++)
    if (do_mount(a, &s->mounts[i], &dev_mounted, e) < 0) return -1;
  if (dev_mounted && make_devices(a, e) < 0) return -1;
  if (a->hooks_sync) {
    /* prestart/createRuntime run in the parent now (runtime namespace); it answers with the
       state JSON ("creating" NUL "created"); createContainer runs here, before pivot_root */
    static char msg[65536];
    if (send(a->sync_fd, "H", 1, MSG_NOSIGNAL) < 0) return berr_set(e, errno, "hooks `sync`");
    ssize_t n = recv(a->sync_fd, msg, sizeof msg - 1, 0);
    if (n <= 0 || msg[0] != 'C') _exit(1); /* the parent reports the hook's failure */
    msg[n] = 0;
    a->state_creating = msg + 1;
    a->state_created = msg + 1 + strlen(msg + 1) + 1;
    if ((char *)a->state_created > msg + n) a->state_created = a->state_creating;
    if (hooks_run(&s->hooks, HOOK_CREATE_CONTAINER, a->state_creating, e) < 0) return -1;
  }
  return pivot(s->root_path, a->no_pivot, e);
}

static int finalize_rootfs(const spec_t *s, berr_t *e) {
  for (int i = 0; i < s->nsysctls; i++) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "/proc/sys/%s", s->sysctl_keys[i]);
    for (char *c = p + 10; *c; c++)
      if (*c == '.') *c = '/';
    if (write_str(p, s->sysctl_vals[i], e) < 0) return berr_wrap(e, "sysctl `%s`", s->sysctl_keys[i]);
  }
  for (int i = 0; i < s->nreadonly; i++) {
    const char *p = s->readonly[i];
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
      if (errno == ENOENT) continue;
      return berr_set(e, errno, "readonly path `%s`", p);
    }
    if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | statvfs_flags(p), NULL) < 0)
      return berr_set(e, errno, "remount `%s` read-only", p);
  }
  for (int i = 0; i < s->nmasked; i++) {
    const char *p = s->masked[i];
    struct stat st;
    if (stat(p, &st) < 0) {
      if (errno == ENOENT) continue;
      return berr_set(e, errno, "masked path `%s`", p);
    }
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) : mount("/dev/null", p, NULL, MS_BIND, NULL);
    if (r < 0) return berr_set(e, errno, "mask `%s`", p);
  }
  if (s->root_ro && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | statvfs_flags("/"), NULL) < 0)
    return berr_set(e, errno, "remount `/` read-only");
  return 0;
}

/* ---------------------------------------------------------------- console */

static int send_fd(int sock, int fd, berr_t *e) {
  char name[] = "/dev/ptmx";
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) return berr_set(e, errno, "send `console` to the console socket");
  return 0;
}

int setup_console(int console_fd, const proc_spec_t *p, berr_t *e) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return berr_set(e, errno, "open `/dev/ptmx`");
  if (unlockpt(master) < 0) return berr_set(e, errno, "unlockpt `/dev/ptmx`");
  char name[64];
  if (ptsname_r(master, name, sizeof name) != 0) return berr_set(e, errno, "ptsname `/dev/ptmx`");
  int slave = open(name, O_RDWR | O_NOCTTY);
  if (slave < 0) return berr_set(e, errno, "open `%s`", name);
  if (fchown(slave, p->uid, p->gid) < 0) return berr_set(e, errno, "chown `%s`", name);
  if (p->cons_h && p->cons_w) {
    struct winsize ws = {.ws_row = (unsigned short)p->cons_h, .ws_col = (unsigned short)p->cons_w};
    ioctl(slave, TIOCSWINSZ, &ws);
  }
  if (send_fd(console_fd, master, e) < 0) return -1;
  close(master);
  close(console_fd);
  setsid();
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return berr_set(e, errno, "set controlling terminal `%s`", name);
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return berr_set(e, errno, "dup2 `%s`", name);
  if (slave > 2) close(slave);
  return 0;
}

/* ---------------------------------------------------------------- process attributes */

int apply_rlimits(const proc_spec_t *p, berr_t *e) {
  for (int i = 0; i < p->nrlimits; i++) {
    struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
    if (setrlimit(p->rlimits[i].type, &rl) < 0) return berr_set(e, errno, "setrlimit `%d`", p->rlimits[i].type);
  }
  return 0;
}

static int last_cap(void) {
  static int cached = -1;
  if (cached >= 0) return cached;
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  char buf[16] = "";
  if (fd >= 0) {
    ssize_t r = read(fd, buf, sizeof buf - 1);
    if (r > 0) buf[r] = 0;
    close(fd);
  }
  cached = buf[0] ? atoi(buf) : CAP_LAST_CAP;
  return cached;
}

int apply_identity(const proc_spec_t *p, berr_t *e) {
  int lc = last_cap();
  uint64_t known = lc >= 63 ? ~0ULL : ((1ULL << (lc + 1)) - 1);
  if (p->has_caps) {
    for (int c = 0; c <= lc; c++) {
      if (p->cap_bnd & (1ULL << c)) continue;
      if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) return berr_set(e, errno, "drop capability `%d`", c);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return berr_set(e, errno, "prctl `PR_SET_KEEPCAPS`");
  }
  if (setgroups((size_t)p->nagids, p->agids) < 0) return berr_set(e, errno, "setgroups `%d groups`", p->nagids);
  if (setresgid(p->gid, p->gid, p->gid) < 0) return berr_set(e, errno, "setgid `%u`", (unsigned)p->gid);
  if (setresuid(p->uid, p->uid, p->uid) < 0) return berr_set(e, errno, "setuid `%u`", (unsigned)p->uid);
  if (p->has_caps) {
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return berr_set(e, errno, "prctl `PR_SET_KEEPCAPS`");
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    uint64_t eff = p->cap_eff & known, prm = p->cap_prm & known, inh = p->cap_inh & known;
    data[0].effective = (uint32_t)eff;
    data[1].effective = (uint32_t)(eff >> 32);
    data[0].permitted = (uint32_t)prm;
    data[1].permitted = (uint32_t)(prm >> 32);
    data[0].inheritable = (uint32_t)inh;
    data[1].inheritable = (uint32_t)(inh >> 32);
    if (syscall(SYS_capset, &hdr, data) < 0) return berr_set(e, errno, "capset `process.capabilities`");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
      return berr_set(e, errno, "prctl `PR_CAP_AMBIENT_CLEAR_ALL`");
    for (int c = 0; c <= lc; c++) {
      if (!(p->cap_amb & (1ULL << c))) continue;
      /* the kernel only allows ambient caps that are permitted and inheritable; like runc, skip others */
      if (!(prm & inh & (1ULL << c))) continue;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
        return berr_set(e, errno, "raise ambient capability `%d`", c);
    }
  }
  if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return berr_set(e, errno, "prctl `PR_SET_NO_NEW_PRIVS`");
  return 0;
}

static int is_exec_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int find_executable(const char *name, char *const *env, char *out, size_t n, berr_t *e) {
  if (strchr(name, '/')) {
    struct stat st;
    if (stat(name, &st) < 0) return berr_set(e, 0, "exec `%s`: %s", name, errno_text(errno));
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) return berr_set(e, 0, "exec `%s`: %s", name, errno_text(EACCES));
    snprintf(out, n, "%s", name);
    return 0;
  }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (char *const *v = env; v && *v; v++)
    if (strncmp(*v, "PATH=", 5) == 0) path = *v + 5;
  const char *p = path;
  while (1) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    char cand[PATH_MAX];
    if (len == 0) snprintf(cand, sizeof cand, "./%s", name);
    else snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p, name);
    if (is_exec_file(cand)) {
      snprintf(out, n, "%s", cand);
      return 0;
    }
    if (!colon) break;
    p = colon + 1;
  }
  return berr_set(e, 0, "exec `%s`: executable file not found in $PATH", name);
}

/* ---------------------------------------------------------------- the init itself */

void container_init(init_args_t *a) {
  spec_t *s = a->spec;
  proc_spec_t *p = &s->proc;
  berr_t e;
  int fd = a->sync_fd;

  /* berth-core's own descriptors are CLOEXEC; make sure nothing else leaks into the container */
  syscall(SYS_close_range, 3 + a->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  if (cg_enter_ex(a->cg, a->cg_path, 0, a->in_unified, &e) < 0) child_fail(fd, &e);
  static const int join_order[] = {NS_IPC, NS_UTS, NS_NET, NS_CGROUP, NS_MNT};
  for (size_t i = 0; i < sizeof join_order / sizeof join_order[0]; i++) {
    int k = join_order[i];
    if (s->ns_mode[k] != NSMODE_PATH) continue;
    int nfd = open(s->ns_path[k], O_RDONLY | O_CLOEXEC);
    if (nfd < 0) {
      berr_set(&e, errno, "namespace `%s`", s->ns_path[k]);
      child_fail(fd, &e);
    }
    if (setns(nfd, ns_clone_flags[k]) < 0) {
      berr_set(&e, errno, "setns `%s`", s->ns_path[k]);
      child_fail(fd, &e);
    }
    close(nfd);
  }
  if (s->ns_mode[NS_CGROUP] == NSMODE_NEW && unshare(CLONE_NEWCGROUP) < 0) {
    berr_set(&e, errno, "unshare `cgroup namespace`");
    child_fail(fd, &e);
  }
  if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
    berr_set(&e, errno, "sethostname `%s`", s->hostname);
    child_fail(fd, &e);
  }
  if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
    berr_set(&e, errno, "setdomainname `%s`", s->domainname);
    child_fail(fd, &e);
  }
  if (setup_rootfs(a, &e) < 0 || finalize_rootfs(s, &e) < 0) child_fail(fd, &e);
  if (p->terminal) {
    if (a->console_fd < 0) {
      berr_set(&e, 0, "console `process.terminal`: a terminal was asked for but no --console-socket was given");
      child_fail(fd, &e);
    }
    if (setup_console(a->console_fd, p, &e) < 0) child_fail(fd, &e);
  } else {
    setsid();
  }
  if (p->has_oom) {
    char v[16];
    snprintf(v, sizeof v, "%d", p->oom_score_adj);
    if (write_str("/proc/self/oom_score_adj", v, &e) < 0) child_fail(fd, &e);
  }
  if (apply_rlimits(p, &e) < 0) child_fail(fd, &e);
  char exe[PATH_MAX];
  if (find_executable(p->args[0], p->env, exe, sizeof exe, &e) < 0) child_fail(fd, &e);
  if (chdir(p->cwd) < 0) {
    berr_set(&e, errno, "chdir `%s`", p->cwd);
    child_fail(fd, &e);
  }
  if (p->has_umask) umask(p->umask);
  else umask(022);
  /* seccomp as late as possible; without no_new_privs it must go in while we still hold
     CAP_SYS_ADMIN, i.e. before the user switch and capability drop (as runc) */
  if (!p->nnp && seccomp_install(&s->seccomp, &e) < 0) child_fail(fd, &e);
  if (apply_identity(p, &e) < 0) child_fail(fd, &e);
  if (p->nnp && seccomp_install(&s->seccomp, &e) < 0) child_fail(fd, &e);

  /* ready: the parent records the state and exits (create) or releases us (run) */
  if (send(fd, "R", 1, MSG_NOSIGNAL) < 0) _exit(1);
  if (a->fifo_fd >= 0) {
    close(fd);
    /* relative to the state dir's fd: works after pivot_root, with or without /proc */
    int w = openat(a->fifo_fd, "exec.fifo", O_WRONLY | O_CLOEXEC);
    if (w < 0) {
      dprintf(2, "berth-core: open `exec.fifo`: %s\n", strerror(errno));
      _exit(1);
    }
    if (write(w, "0", 1) != 1) _exit(1);
    close(w);
    close(a->fifo_fd);
  } else {
    char go;
    if (recv(fd, &go, 1, 0) != 1 || go != 'G') _exit(1);
    close(fd);
  }
  if (s->hooks.n[HOOK_START_CONTAINER] > 0 &&
      hooks_run(&s->hooks, HOOK_START_CONTAINER, a->state_created ? a->state_created : "{}", &e) < 0) {
    dprintf(2, "berth-core: %s\n", e.msg);
    _exit(127);
  }
  execve(exe, p->args, p->env);
  dprintf(2, "berth-core: exec `%s`: %s\n", p->args[0], errno_text(errno));
  _exit(127);
}
