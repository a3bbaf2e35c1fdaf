/* spec.h - the parts of an OCI runtime config.json that berth-core implements. */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H
#include <stdint.h>
#include <sys/types.h>

#include "hooks.h"
#include "json.h"
#include "seccomp.h"
#include "util.h"

enum { NS_PID, NS_NET, NS_IPC, NS_UTS, NS_MNT, NS_CGROUP, NS_USER, NS_COUNT };
enum { NSMODE_HOST = 0, NSMODE_NEW = 1, NSMODE_PATH = 2 };

extern const char *const ns_names[NS_COUNT];     /* "pid", "network", ... (OCI names) */
extern const char *const ns_proc_names[NS_COUNT]; /* "pid", "net", ... (/proc/PID/ns names) */
extern const int ns_clone_flags[NS_COUNT];

typedef struct {
  int type; /* RLIMIT_* */
  uint64_t soft, hard;
} rlim_spec_t;

typedef struct {
  int terminal;
  unsigned cons_h, cons_w;
  uid_t uid;
  gid_t gid;
  gid_t *agids;
  int nagids;
  int has_umask;
  mode_t umask;
  char **args; /* NULL-terminated */
  char **env;  /* NULL-terminated */
  char *cwd;
  int has_caps;
  uint64_t cap_bnd, cap_eff, cap_prm, cap_inh, cap_amb;
  int nnp, has_nnp; /* has_nnp: noNewPrivileges was given */
  rlim_spec_t *rlimits;
  int nrlimits;
  int has_oom;
  int oom_score_adj;
} proc_spec_t;

typedef struct {
  char *dest, *type, *source;
  char **options;
  int nopts;
} mount_spec_t;

typedef struct {
  int allow;
  char type; /* 'a', 'c', 'b' */
  long long major, minor; /* -1 = wildcard */
  char access[4];
} devrule_t;

typedef struct {
  char *path;
  char type;
  long long major, minor;
  int has_mode;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} device_spec_t;

typedef struct {
  int has_mem, has_memres, has_swap, has_shares, has_quota, has_period, has_pids;
  long long mem, memres, swap, quota, pids;
  unsigned long long shares, period;
  char *cpus, *mems;
  int has_blkio_weight;
  unsigned blkio_weight;
  devrule_t *devrules;
  int ndevrules;
} resources_t;

typedef struct {
  char *oci_version;
  proc_spec_t proc;
  char *root_path; /* absolute */
  int root_ro;
  char *hostname, *domainname;
  mount_spec_t *mounts;
  int nmounts;
  int ns_mode[NS_COUNT];
  char *ns_path[NS_COUNT];
  char *cgroups_path;
  resources_t res;
  char **sysctl_keys, **sysctl_vals;
  int nsysctls;
  char **masked, **readonly;
  int nmasked, nreadonly;
  char *rootfs_propagation;
  device_spec_t *devices;
  int ndevices;
  seccomp_spec_t seccomp;
  hooks_t hooks;
  jv_t *annotations; /* kept for `state` */
  jv_t *proc_json;    /* config.json's process (for the exec defaults saved in state.json) */
  jv_t *seccomp_json; /* linux.seccomp, or NULL */
} spec_t;

/* Parse bundle/config.json. bundle must be absolute. */
int spec_load(const char *bundle, spec_t *s, berr_t *e);
/* Parse an OCI "process" object (config.json's process, or exec --process FILE). */
int spec_parse_process(const jv_t *p, proc_spec_t *out, berr_t *e);
/* The container's security settings an exec inherits when its process does not give them
   (runc's rule): capabilities, noNewPrivileges, rlimits. `d` is the "execDefaults" object
   create saved in state.json ({"capabilities":..,"noNewPrivileges":..,"rlimits":..}). */
int spec_parse_exec_defaults(const jv_t *d, proc_spec_t *out, berr_t *e);
int cap_from_name(const char *name);
int rlimit_from_name(const char *name);
int signal_from_name(const char *name); /* "KILL", "SIGKILL", "9"; -1 if unknown */
#endif
