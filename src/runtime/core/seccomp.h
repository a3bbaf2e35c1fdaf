/* seccomp.h - linux.seccomp (OCI) compiled to a classic BPF filter for the native architecture. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H
#include <stdint.h>

#include "json.h"
#include "util.h"

typedef struct {
  unsigned index;
  unsigned long long value, value2;
  int op; /* SC_OP_* */
} sc_arg_t;

typedef struct {
  int nr;
  uint32_t action;
  sc_arg_t *args;
  int nargs;
} sc_rule_t;

typedef struct {
  int present;
  uint32_t default_action;
  sc_rule_t *rules;
  int nrules;
} seccomp_spec_t;

/* Parse linux.seccomp (absent or null: s->present = 0). Syscall names this architecture does
   not have are skipped, as libseccomp does. */
int seccomp_parse(const jv_t *j, seccomp_spec_t *s, berr_t *e);
/* Install the filter on the calling thread (needs no_new_privs or CAP_SYS_ADMIN). */
int seccomp_install(const seccomp_spec_t *s, berr_t *e);
#endif
