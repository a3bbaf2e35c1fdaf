/* main.c - berth-core's command line, compatible with runc's:
 *   berth-core [--root DIR] [--log FILE] [--log-format text|json] VERB [flags] ID [args]
 * Errors: "berth-core: <verb> `<object>`: <reason>" on stderr, exit status 1 (README.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "util.h"

#define BERTH_CORE_VERSION "0.1.0"

static void usage(void) {
  fputs("usage: berth-core [--root DIR] [--log FILE] [--log-format text|json] COMMAND [flags] ID\n"
        "commands: create run start state kill delete exec pause resume ps list spec-version\n",
        stderr);
}

static int die(const berr_t *e) {
  fprintf(stderr, "berth-core: %s\n", e->msg);
  log_error(e->msg);
  return 1;
}

/* Match "--name VALUE", "--name=VALUE", "-n VALUE". Returns 1 and sets *val on match. */
static int opt_val(int argc, char **argv, int *i, const char *lng, const char *shrt, const char **val) {
  const char *a = argv[*i];
  size_t n = strlen(lng);
  if (strncmp(a, lng, n) == 0 && a[n] == '=') {
    *val = a + n + 1;
    return 1;
  }
  if (strcmp(a, lng) == 0 || (shrt && strcmp(a, shrt) == 0)) {
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
  }
  return 0;
}

static int opt_flag(const char *a, const char *lng, const char *shrt) {
  return strcmp(a, lng) == 0 || (shrt && strcmp(a, shrt) == 0);
}

int main(int argc, char **argv) {
  const char *root = "/run/berth-core", *log_path = NULL, *log_fmt = "text";
  berr_t e;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *v;
    int r;
    if ((r = opt_val(argc, argv, &i, "--root", NULL, &root)) != 0 ||
        (r = opt_val(argc, argv, &i, "--log", NULL, &log_path)) != 0 ||
        (r = opt_val(argc, argv, &i, "--log-format", NULL, &log_fmt)) != 0 ||
        (r = opt_val(argc, argv, &i, "--criu", NULL, &v)) != 0 ||
        (r = opt_val(argc, argv, &i, "--rootless", NULL, &v)) != 0) {
      if (r < 0) {
        berr_set(&e, 0, "option `%s`: needs a value", argv[i]);
        return die(&e);
      }
      continue;
    }
    if (opt_flag(argv[i], "--version", "-v")) {
      printf("berth-core version " BERTH_CORE_VERSION "\nspec: 1.0.2\n");
      return 0;
    }
    if (opt_flag(argv[i], "--help", "-h")) {
      usage();
      return 0;
    }
    if (opt_flag(argv[i], "--debug", NULL)) continue;
    if (opt_flag(argv[i], "--systemd-cgroup", NULL)) {
      berr_set(&e, 0, "option `--systemd-cgroup`: the systemd cgroup driver is not supported");
      return die(&e);
    }
    berr_set(&e, 0, "option `%s`: unknown global option", argv[i]);
    return die(&e);
  }
  log_configure(log_path, strcmp(log_fmt, "json") == 0);
  static char root_abs[4096];
  if (root[0] != '/') {
    /* state.json records paths; keep them independent of the caller's cwd (as runc) */
    char cwd[2048];
    if (getcwd(cwd, sizeof cwd) == NULL || snprintf(root_abs, sizeof root_abs, "%s/%s", cwd, root) >= (int)sizeof root_abs) {
      berr_set(&e, ENAMETOOLONG, "option `--root %s`", root);
      return die(&e);
    }
    root = root_abs;
  }
  if (strcmp(log_fmt, "json") != 0 && strcmp(log_fmt, "text") != 0) {
    berr_set(&e, 0, "option `--log-format`: `%s` is neither text nor json", log_fmt);
    return die(&e);
  }
  if (i >= argc) {
    usage();
    return 1;
  }
  const char *verb = argv[i++];

  /* verb flags, then positional arguments */
  create_opts_t co = {.root = root};
  exec_opts_t xo = {.root = root, .resize_fd = -1};
  xo.env = calloc((size_t)argc, sizeof(char *));
  xo.caps = calloc((size_t)argc, sizeof(char *));
  int force = 0, all = 0, json = 0;
  const char *format = NULL;
  char *pos[4] = {0};
  int npos = 0;
  int is_exec = strcmp(verb, "exec") == 0;
  for (; i < argc; i++) {
    const char *a = argv[i], *v;
    int r = 0;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || a[1] == 0) {
      if (npos < 4) pos[npos++] = argv[i];
      if (is_exec) {
        i++;
        break; /* everything after the ID is the command */
      }
      continue;
    }
    if ((r = opt_val(argc, argv, &i, "--bundle", "-b", &v)) > 0) co.bundle = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--pid-file", NULL, &v)) > 0) co.pid_file = xo.pid_file = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--console-socket", NULL, &v)) > 0) co.console_socket = xo.console_socket = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--process", "-p", &v)) > 0) xo.process_file = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--cwd", NULL, &v)) > 0) xo.cwd = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--env", "-e", &v)) > 0) xo.env[xo.nenv++] = (char *)v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--user", "-u", &v)) > 0) xo.user = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--cap", "-c", &v)) > 0) xo.caps[xo.ncaps++] = (char *)v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--resize-fd", NULL, &v)) > 0) xo.resize_fd = atoi(v);
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--preserve-fds", NULL, &v)) > 0) co.preserve_fds = xo.preserve_fds = atoi(v);
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--format", strcmp(verb, "delete") ? "-f" : NULL, &v)) > 0) format = v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--process-label", NULL, &v)) > 0) (void)v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--apparmor", NULL, &v)) > 0) (void)v;
    else if (r == 0 && (r = opt_val(argc, argv, &i, "--signal", "-s", &v)) > 0) pos[npos < 4 ? npos++ : 3] = (char *)v;
    else if (r == 0 && opt_flag(a, "--detach", "-d")) co.detach = xo.detach = 1;
    else if (r == 0 && opt_flag(a, "--tty", "-t")) xo.tty = 1;
    else if (r == 0 && opt_flag(a, "--no-new-privs", NULL)) xo.nnp = 1;
    else if (r == 0 && opt_flag(a, "--no-pivot", NULL)) co.no_pivot = 1;
    else if (r == 0 && opt_flag(a, "--no-new-keyring", NULL)) continue;
    else if (r == 0 && opt_flag(a, "--no-subreaper", NULL)) continue;
    else if (r == 0 && opt_flag(a, "--force", "-f")) force = 1;
    else if (r == 0 && opt_flag(a, "--all", "-a")) all = 1;
    else if (r == 0 && opt_flag(a, "--quiet", "-q")) continue;
    else if (r == 0 && a[1] != 0 && a[0] == '-' && (a[1] >= '0' && a[1] <= '9') && strcmp(verb, "kill") == 0) {
      if (npos < 4) pos[npos++] = argv[i];
    } else if (r == 0) {
      berr_set(&e, 0, "%s `%s`: unknown option", verb, a);
      return die(&e);
    }
    if (r < 0) {
      berr_set(&e, 0, "%s `%s`: needs a value", verb, a);
      return die(&e);
    }
  }
  if (format) json = strcmp(format, "json") == 0;
  const char *id = pos[0];
  int rc = 0, code = 0;
  if (strcmp(verb, "spec-version") == 0) {
    puts("1.0.2");
    return 0;
  }
  if (strcmp(verb, "list") == 0) return cmd_list(root, &e) < 0 ? die(&e) : 0;
  if (id == NULL) {
    berr_set(&e, 0, "%s `%s`: a container id is required", verb, verb);
    return die(&e);
  }
  co.id = xo.id = id;
  if (strcmp(verb, "create") == 0) {
    rc = cmd_create(&co, 0, &code, &e);
  } else if (strcmp(verb, "run") == 0) {
    rc = cmd_create(&co, 1, &code, &e);
    if (rc == 0) return code;
  } else if (strcmp(verb, "start") == 0) {
    rc = cmd_start(root, id, &e);
  } else if (strcmp(verb, "state") == 0) {
    rc = cmd_state(root, id, &e);
  } else if (strcmp(verb, "kill") == 0) {
    rc = cmd_kill(root, id, pos[1], all, &e);
  } else if (strcmp(verb, "delete") == 0) {
    rc = cmd_delete(root, id, force, &e);
  } else if (strcmp(verb, "pause") == 0) {
    rc = cmd_pause(root, id, 1, &e);
  } else if (strcmp(verb, "resume") == 0) {
    rc = cmd_pause(root, id, 0, &e);
  } else if (strcmp(verb, "ps") == 0) {
    rc = cmd_ps(root, id, json, &e);
  } else if (is_exec) {
    xo.args = argv + i;
    xo.nargs = argc - i;
    rc = cmd_exec(&xo, &code, &e);
    if (rc == 0) return code;
  } else {
    berr_set(&e, 0, "command `%s`: unknown command", verb);
    rc = -1;
  }
  return rc < 0 ? die(&e) : 0;
}
