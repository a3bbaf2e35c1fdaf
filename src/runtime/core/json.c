/* json.c - recursive-descent JSON parser (RFC 8259), depth-limited, with \u and surrogate decoding. */
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DEPTH 64

typedef struct {
  const char *p, *start;
  char *err;
  int errlen;
  int failed;
} parser_t;

static void fail(parser_t *ps, const char *reason) {
  if (ps->failed) return;
  ps->failed = 1;
  if (*ps->p == 0) reason = "unexpected end of input";
  int line = 1, col = 1;
  for (const char *q = ps->start; q < ps->p && *q; q++) {
    if (*q == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  snprintf(ps->err, (size_t)ps->errlen, "%s at line %d column %d", reason, line, col);
}

static void ws(parser_t *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static jv_t *value(parser_t *ps, int depth);

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static void put_utf8(sbuf_t *b, unsigned cp) {
  char o[4];
  if (cp < 0x80) {
    o[0] = (char)cp;
    sb_putn(b, o, 1);
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, o, 2);
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, o, 3);
  } else {
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, o, 4);
  }
}

static char *string(parser_t *ps) {
  /* ps->p at opening quote */
  ps->p++;
  sbuf_t b;
  sb_init(&b);
  for (;;) {
    unsigned char c = (unsigned char)*ps->p;
    if (c == 0) {
      fail(ps, "unterminated string");
      sb_free(&b);
      return NULL;
    }
    if (c == '"') {
      ps->p++;
      return b.s;
    }
    if (c < 0x20) {
      fail(ps, "control character in string");
      sb_free(&b);
      return NULL;
    }
    if (c != '\\') {
      sb_putn(&b, ps->p, 1);
      ps->p++;
      continue;
    }
    ps->p++;
    char e = *ps->p++;
    switch (e) {
      case '"': sb_putn(&b, "\"", 1); break;
      case '\\': sb_putn(&b, "\\", 1); break;
      case '/': sb_putn(&b, "/", 1); break;
      case 'b': sb_putn(&b, "\b", 1); break;
      case 'f': sb_putn(&b, "\f", 1); break;
      case 'n': sb_putn(&b, "\n", 1); break;
      case 'r': sb_putn(&b, "\r", 1); break;
      case 't': sb_putn(&b, "\t", 1); break;
      case 'u': {
        unsigned cp;
        if (hex4(ps->p, &cp) < 0) {
          fail(ps, "bad \\u escape");
          sb_free(&b);
          return NULL;
        }
        ps->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && ps->p[0] == '\\' && ps->p[1] == 'u') {
          unsigned lo;
          if (hex4(ps->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            ps->p += 6;
          }
        }
        if (cp == 0) {
          fail(ps, "NUL character in string");
          sb_free(&b);
          return NULL;
        }
        put_utf8(&b, cp);
        break;
      }
      default:
        ps->p--;
        fail(ps, "bad escape in string");
        sb_free(&b);
        return NULL;
    }
  }
}

static jv_t *number(parser_t *ps) {
  const char *s = ps->p;
  const char *q = s;
  if (*q == '-') q++;
  if (!(*q >= '0' && *q <= '9')) {
    fail(ps, "invalid number");
    return NULL;
  }
  int is_int = 1;
  while (*q >= '0' && *q <= '9') q++;
  if (*q == '.') {
    is_int = 0;
    q++;
    if (!(*q >= '0' && *q <= '9')) {
      fail(ps, "invalid number");
      return NULL;
    }
    while (*q >= '0' && *q <= '9') q++;
  }
  if (*q == 'e' || *q == 'E') {
    is_int = 0;
    q++;
    if (*q == '+' || *q == '-') q++;
    if (!(*q >= '0' && *q <= '9')) {
      fail(ps, "invalid number");
      return NULL;
    }
    while (*q >= '0' && *q <= '9') q++;
  }
  jv_t *v = xcalloc(1, sizeof *v);
  v->t = J_NUM;
  v->n = strtod(s, NULL);
  v->is_int = is_int;
  if (is_int) {
    errno = 0;
    v->i = strtoll(s, NULL, 10); /* saturates at LLONG_MIN/MAX */
  } else {
    v->i = (long long)v->n;
  }
  ps->p = q;
  return v;
}

static jv_t *container(parser_t *ps, int depth, int obj) {
  jv_t *v = xcalloc(1, sizeof *v);
  v->t = obj ? J_OBJ : J_ARR;
  jv_t **tail = &v->child;
  ps->p++;
  ws(ps);
  if (*ps->p == (obj ? '}' : ']')) {
    ps->p++;
    return v;
  }
  for (;;) {
    char *key = NULL;
    ws(ps);
    if (obj) {
      if (*ps->p != '"') {
        fail(ps, "expected a string key");
        json_free(v);
        return NULL;
      }
      key = string(ps);
      if (key == NULL) {
        json_free(v);
        return NULL;
      }
      ws(ps);
      if (*ps->p != ':') {
        free(key);
        fail(ps, "expected ':'");
        json_free(v);
        return NULL;
      }
      ps->p++;
    }
    jv_t *c = value(ps, depth + 1);
    if (c == NULL) {
      free(key);
      json_free(v);
      return NULL;
    }
    c->key = key;
    *tail = c;
    tail = &c->next;
    v->len++;
    ws(ps);
    if (*ps->p == ',') {
      ps->p++;
      continue;
    }
    if (*ps->p == (obj ? '}' : ']')) {
      ps->p++;
      return v;
    }
    fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    json_free(v);
    return NULL;
  }
}

static jv_t *value(parser_t *ps, int depth) {
  if (depth > MAX_DEPTH) {
    fail(ps, "nesting too deep");
    return NULL;
  }
  ws(ps);
  char c = *ps->p;
  if (c == '{' || c == '[') return container(ps, depth, c == '{');
  if (c == '"') {
    char *s = string(ps);
    if (s == NULL) return NULL;
    jv_t *v = xcalloc(1, sizeof *v);
    v->t = J_STR;
    v->s = s;
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return number(ps);
  jv_t *v = NULL;
  if (strncmp(ps->p, "true", 4) == 0) {
    v = xcalloc(1, sizeof *v);
    v->t = J_BOOL;
    v->b = 1;
    ps->p += 4;
  } else if (strncmp(ps->p, "false", 5) == 0) {
    v = xcalloc(1, sizeof *v);
    v->t = J_BOOL;
    ps->p += 5;
  } else if (strncmp(ps->p, "null", 4) == 0) {
    v = xcalloc(1, sizeof *v);
    v->t = J_NULL;
    ps->p += 4;
  } else {
    fail(ps, c == 0 ? "unexpected end of input" : "unexpected character");
  }
  return v;
}

jv_t *json_parse(const char *text, char *err, int errlen) {
  parser_t ps = {.p = text, .start = text, .err = err, .errlen = errlen, .failed = 0};
  jv_t *v = value(&ps, 0);
  if (v == NULL) return NULL;
  ws(&ps);
  if (*ps.p != 0) {
    fail(&ps, "trailing characters after the document");
    json_free(v);
    return NULL;
  }
  return v;
}

void json_free(jv_t *v) {
  while (v != NULL) {
    jv_t *next = v->next;
    json_free(v->child);
    free(v->key);
    free(v->s);
    free(v);
    v = next;
  }
}

jv_t *json_get(const jv_t *obj, const char *key) {
  if (obj == NULL || obj->t != J_OBJ) return NULL;
  jv_t *found = NULL;
  for (jv_t *c = obj->child; c; c = c->next)
    if (c->key && strcmp(c->key, key) == 0) found = c; /* last one wins, as in Go */
  return found;
}

const char *json_str(const jv_t *obj, const char *key) {
  jv_t *v = json_get(obj, key);
  return v && v->t == J_STR ? v->s : NULL;
}
