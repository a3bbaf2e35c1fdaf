/* json.h - a small JSON reader (DOM) for config.json, state.json and process.json. */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H
#include <stdint.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype_t;

typedef struct jv {
  jtype_t t;
  char *key;          /* member name when inside an object */
  char *s;            /* J_STR: decoded UTF-8 */
  double n;           /* J_NUM */
  long long i;        /* J_NUM: integer value (saturated) */
  int is_int;         /* J_NUM: the literal had no fraction/exponent */
  int b;              /* J_BOOL */
  int len;            /* J_ARR/J_OBJ: number of children */
  struct jv *child;   /* first child */
  struct jv *next;    /* next sibling */
} jv_t;

/* Parse text; on error returns NULL and writes "<reason> at line L column C" into err. */
jv_t *json_parse(const char *text, char *err, int errlen);
void json_free(jv_t *v);
jv_t *json_get(const jv_t *obj, const char *key); /* NULL when absent or obj is not an object */
const char *json_str(const jv_t *obj, const char *key); /* string member or NULL */
#endif
