/* cgroup.h - cgroup v1, v2 and hybrid layouts, detected from /proc/self/mountinfo. */
#ifndef BERTH_CGROUP_H
#define BERTH_CGROUP_H
#include <sys/types.h>

#include "spec.h"
#include "util.h"

#define CG_MAX_V1 16

typedef struct {
  char ctrls[128]; /* superblock options naming the controllers: "cpu", "cpu,cpuacct", "name=systemd" */
  char mnt[256];
} cg_v1_t;

typedef struct {
  int nv1;
  cg_v1_t v1[CG_MAX_V1];
  char unified[256]; /* cgroup2 mount point, "" if none */
} cg_layout_t;

int cg_detect(cg_layout_t *l, berr_t *e);
/* Index of the v1 hierarchy carrying controller ctl, or -1. */
int cg_v1_find(const cg_layout_t *l, const char *ctl);
/* Create the container's cgroup in every hierarchy and apply resources. */
int cg_create(const cg_layout_t *l, const char *path, const resources_t *res, berr_t *e);
/* linux.resources.devices (v1 devices controller; v2: an eBPF device program). */
int cg_apply_devices(const cg_layout_t *l, const char *path, const resources_t *res, berr_t *e);
/* Move the calling process (pid 0) or pid into the cgroup in every hierarchy. */
int cg_enter(const cg_layout_t *l, const char *path, pid_t pid, berr_t *e);
int cg_enter_ex(const cg_layout_t *l, const char *path, pid_t pid, int skip_unified, berr_t *e);
/* O_PATH fd of the container's cgroup2 directory (for clone3 CLONE_INTO_CGROUP), or -1. */
int cg_open_unified(const cg_layout_t *l, const char *path);
/* Kill everything left in the cgroup and remove its directories. Best effort; -1 if a dir stays. */
int cg_destroy(const cg_layout_t *l, const char *path, berr_t *e);
int cg_freeze(const cg_layout_t *l, const char *path, int freeze, berr_t *e);
int cg_is_frozen(const cg_layout_t *l, const char *path);
/* Signal all processes of the cgroup. */
int cg_signal_all(const cg_layout_t *l, const char *path, int sig, berr_t *e);
/* pids in the cgroup (malloc'd array); returns count or -1. */
int cg_pids(const cg_layout_t *l, const char *path, pid_t **out);
/* Path of the memory OOM-kill counter file for the cgroup (v1 memory.oom_control or v2 memory.events). */
int cg_oom_file(const cg_layout_t *l, const char *path, char *out, size_t n);
long long cg_read_oom_kills(const char *file);
#endif
