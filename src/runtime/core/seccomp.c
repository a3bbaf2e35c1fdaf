/* seccomp.c - compile linux.seccomp into classic BPF and install it.
 *
 * Program: check the architecture (other architectures, and x32 syscall numbers, get the
 * default action), load the syscall number, then one block per (rule, syscall name) in the
 * order given: a number compare, the argument compares (64-bit, as two 32-bit words; all must
 * hold), and the rule's action; a block that does not match falls through to the next one.
 * The last instruction returns the default action. */
#define _GNU_SOURCE
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
  const char *name;
  int nr;
} syscall_table[] = {
#include "syscalls.inc"
};

enum { SC_OP_NE, SC_OP_LT, SC_OP_LE, SC_OP_EQ, SC_OP_GE, SC_OP_GT, SC_OP_MASKED_EQ };

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "berth-core's seccomp support knows x86_64 and aarch64"
#endif

static int syscall_nr(const char *name) {
  for (size_t i = 0; i < sizeof syscall_table / sizeof syscall_table[0]; i++)
    if (strcmp(syscall_table[i].name, name) == 0) return syscall_table[i].nr;
  return -1;
}

static int parse_action(const char *a, const jv_t *errno_ret, int def_errno, uint32_t *out, berr_t *e) {
  unsigned data = errno_ret && errno_ret->t == J_NUM ? (unsigned)errno_ret->i & 0xFFFF : (unsigned)def_errno;
  if (a == NULL) return berr_set(e, 0, "seccomp `action`: missing");
  if (strcmp(a, "SCMP_ACT_ALLOW") == 0) *out = SECCOMP_RET_ALLOW;
  else if (strcmp(a, "SCMP_ACT_ERRNO") == 0) *out = SECCOMP_RET_ERRNO | data;
  else if (strcmp(a, "SCMP_ACT_KILL") == 0 || strcmp(a, "SCMP_ACT_KILL_THREAD") == 0) *out = SECCOMP_RET_KILL_THREAD;
  else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0) *out = SECCOMP_RET_KILL_PROCESS;
  else if (strcmp(a, "SCMP_ACT_TRAP") == 0) *out = SECCOMP_RET_TRAP;
  else if (strcmp(a, "SCMP_ACT_LOG") == 0) *out = SECCOMP_RET_LOG;
  else if (strcmp(a, "SCMP_ACT_TRACE") == 0) *out = SECCOMP_RET_TRACE | data;
  else return berr_set(e, 0, "seccomp `%s`: unsupported action", a);
  return 0;
}

int seccomp_parse(const jv_t *j, seccomp_spec_t *s, berr_t *e) {
  memset(s, 0, sizeof *s);
  if (j == NULL || j->t == J_NULL) return 0;
  if (j->t != J_OBJ) return berr_set(e, 0, "config `linux.seccomp`: expected an object");
  s->present = 1;
  jv_t *v = json_get(j, "defaultErrnoRet");
  int def_errno = v && v->t == J_NUM ? (int)v->i : EPERM;
  if (parse_action(json_str(j, "defaultAction"), v, EPERM, &s->default_action, e) < 0)
    return berr_wrap(e, "config `linux.seccomp.defaultAction`");
  jv_t *arches = json_get(j, "architectures");
  (void)arches; /* rules apply to the native architecture; others get the default action */
  jv_t *calls = json_get(j, "syscalls");
  if (calls == NULL || calls->t == J_NULL) return 0;
  if (calls->t != J_ARR) return berr_set(e, 0, "config `linux.seccomp.syscalls`: expected an array");
  int cap = 16;
  s->rules = xcalloc((size_t)cap, sizeof(sc_rule_t));
  for (jv_t *c = calls->child; c; c = c->next) {
    uint32_t action;
    if (parse_action(json_str(c, "action"), json_get(c, "errnoRet"), def_errno, &action, e) < 0) return -1;
    sc_arg_t *args = NULL;
    int nargs = 0;
    jv_t *av = json_get(c, "args");
    if (av && av->t == J_ARR && av->len > 0) {
      args = xcalloc((size_t)av->len, sizeof *args);
      for (jv_t *a = av->child; a; a = a->next) {
        static const char *const ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                          "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
        const char *op = json_str(a, "op");
        int k;
        for (k = 0; k < 7; k++)
          if (op && strcmp(op, ops[k]) == 0) break;
        if (k == 7) return berr_set(e, 0, "seccomp `%s`: unknown argument operator", op ? op : "?");
        jv_t *ix = json_get(a, "index"), *val = json_get(a, "value"), *v2 = json_get(a, "valueTwo");
        if (!ix || ix->t != J_NUM || ix->i < 0 || ix->i > 5) return berr_set(e, 0, "seccomp `args[].index`: expected 0..5");
        sc_arg_t *x = &args[nargs++];
        x->index = (unsigned)ix->i;
        x->op = k;
        /* values can exceed 2^63: take the literal's double when the integer saturated */
        x->value = val && val->t == J_NUM ? (val->n >= 9.2e18 ? (unsigned long long)val->n : (unsigned long long)val->i) : 0;
        x->value2 = v2 && v2->t == J_NUM ? (v2->n >= 9.2e18 ? (unsigned long long)v2->n : (unsigned long long)v2->i) : 0;
      }
    }
    jv_t *names = json_get(c, "names");
    if (!names || names->t != J_ARR) {
      const char *one = json_str(c, "name");
      if (!one) return berr_set(e, 0, "config `linux.seccomp.syscalls[].names`: expected an array");
    }
    for (jv_t *n = names ? names->child : NULL; n; n = n->next) {
      if (n->t != J_STR) continue;
      int nr = syscall_nr(n->s);
      if (nr < 0) continue;
      if (s->nrules == cap) {
        cap *= 2;
        sc_rule_t *nrls = realloc(s->rules, (size_t)cap * sizeof(sc_rule_t));
        if (!nrls) return berr_set(e, ENOMEM, "seccomp `rules`");
        s->rules = nrls;
      }
      s->rules[s->nrules++] = (sc_rule_t){.nr = nr, .action = action, .args = args, .nargs = nargs};
    }
  }
  return 0;
}

typedef struct {
  struct sock_filter *f;
  size_t n, cap;
} prog_t;

static size_t put(prog_t *p, unsigned short code, unsigned k, unsigned char jt, unsigned char jf) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 256;
    struct sock_filter *nf = realloc(p->f, p->cap * sizeof *nf);
    if (!nf) {
      free(p->f);
      p->f = NULL;
      p->n = p->cap = 0;
      return 0;
    }
    p->f = nf;
  }
  if (!p->f) return 0;
  p->f[p->n] = (struct sock_filter){.code = code, .jt = jt, .jf = jf, .k = k};
  return p->n++;
}

#define LD(off) put(&p, BPF_LD | BPF_W | BPF_ABS, (unsigned)(off), 0, 0)
#define RET(k) put(&p, BPF_RET | BPF_K, (k), 0, 0)
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

int seccomp_install(const seccomp_spec_t *s, berr_t *e) {
  if (!s->present) return 0;
  prog_t p = {0};
  LD(offsetof(struct seccomp_data, arch));
  put(&p, BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
  RET(s->default_action);
  LD(offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
  put(&p, BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1); /* x32 numbers */
  RET(s->default_action);
#endif
  for (int r = 0; r < s->nrules; r++) {
    const sc_rule_t *rl = &s->rules[r];
    if (rl->nargs == 0) {
      put(&p, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)rl->nr, 0, 1);
      RET(rl->action);
      continue;
    }
    /* block: jeq nr (else -> after the block); arg checks (fail -> reload); ret action; reload nr */
    size_t fails[64];
    int nf = 0;
    size_t head = put(&p, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)rl->nr, 0, 0);
    for (int a = 0; a < rl->nargs && nf < 60; a++) {
      const sc_arg_t *x = &rl->args[a];
      unsigned vhi = (unsigned)(x->value >> 32), vlo = (unsigned)x->value;
      switch (x->op) {
        case SC_OP_EQ:
          LD(ARG_HI(x->index));
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 0); /* jf -> fail */
          LD(ARG_LO(x->index));
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, vlo, 0, 0);
          break;
        case SC_OP_NE:
          LD(ARG_HI(x->index));
          put(&p, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 2); /* hi differs: condition holds */
          LD(ARG_LO(x->index));
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, vlo, 0, 0) | (1UL << 62); /* jt -> fail */
          break;
        case SC_OP_MASKED_EQ: {
          unsigned mhi = vhi, mlo = vlo, whi = (unsigned)(x->value2 >> 32), wlo = (unsigned)x->value2;
          LD(ARG_HI(x->index));
          put(&p, BPF_ALU | BPF_AND | BPF_K, mhi, 0, 0);
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, whi, 0, 0);
          LD(ARG_LO(x->index));
          put(&p, BPF_ALU | BPF_AND | BPF_K, mlo, 0, 0);
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, wlo, 0, 0);
          break;
        }
        case SC_OP_GE:
        case SC_OP_GT:
          LD(ARG_HI(x->index));
          put(&p, BPF_JMP | BPF_JGT | BPF_K, vhi, 3, 0); /* hi greater: holds (skip to next cond) */
          fails[nf++] = put(&p, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 0);
          LD(ARG_LO(x->index));
          fails[nf++] = put(&p, BPF_JMP | (x->op == SC_OP_GE ? BPF_JGE : BPF_JGT) | BPF_K, vlo, 0, 0);
          break;
        case SC_OP_LT:
        case SC_OP_LE:
          LD(ARG_HI(x->index));
          fails[nf++] = put(&p, BPF_JMP | BPF_JGT | BPF_K, vhi, 0, 0) | (1UL << 62); /* hi greater: fails */
          put(&p, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 2);                           /* hi less: holds */
          LD(ARG_LO(x->index));
          fails[nf++] = put(&p, BPF_JMP | (x->op == SC_OP_LT ? BPF_JGE : BPF_JGT) | BPF_K, vlo, 0, 0) | (1UL << 62);
          break;
      }
    }
    RET(rl->action);
    size_t reload = LD(offsetof(struct seccomp_data, nr));
    if (!p.f) return berr_set(e, ENOMEM, "seccomp `filter`");
    if (reload - head > 255) return berr_set(e, E2BIG, "seccomp `filter`: argument block too long");
    p.f[head].jf = (unsigned char)(reload + 1 - head - 1); /* nr differs: skip the whole block */
    for (int k = 0; k < nf; k++) {
      int on_true = (fails[k] >> 62) & 1;
      size_t at = fails[k] & ~(1UL << 62);
      unsigned char off = (unsigned char)(reload - at - 1);
      if (on_true) p.f[at].jt = off;
      else p.f[at].jf = off;
    }
  }
  RET(s->default_action);
  if (!p.f) return berr_set(e, ENOMEM, "seccomp `filter`");
  if (p.n > BPF_MAXINSNS) {
    free(p.f);
    return berr_set(e, E2BIG, "seccomp `filter`: %zu instructions", p.n);
  }
  struct sock_fprog fp = {.len = (unsigned short)p.n, .filter = p.f};
  int rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
  int err = errno;
  free(p.f);
  if (rc < 0) return berr_set(e, err, "seccomp `filter`");
  return 0;
}
