/* hooks.h - OCI lifecycle hooks (prestart, createRuntime, createContainer, startContainer,
 * poststart, poststop). */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H
#include "json.h"
#include "util.h"

typedef struct {
  char *path;
  char **args; /* NULL-terminated; NULL = { path } */
  char **env;  /* NULL-terminated; NULL = empty */
  int timeout; /* seconds, 0 = none */
} hook_t;

enum { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER, HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KINDS };

typedef struct {
  hook_t *list[HOOK_KINDS];
  int n[HOOK_KINDS];
} hooks_t;

int hooks_parse(const jv_t *j, hooks_t *h, berr_t *e);
/* Run the hooks of one kind in order with the state JSON on their stdin; the first failure
   (exit status, signal, timeout) stops and is reported. */
int hooks_run(const hooks_t *h, int kind, const char *state_json, berr_t *e);
/* {"ociVersion","id","status","pid","bundle","annotations"} as the OCI state. */
char *hooks_state_json(const char *oci_version, const char *id, const char *status, int pid, const char *bundle,
                       const jv_t *annotations);
void json_write_value(sbuf_t *b, const jv_t *v);
#endif
