/* console.h - a foreground run/exec on a terminal without --console-socket. */
#ifndef BERTH_CONSOLE_H
#define BERTH_CONSOLE_H
#include <sys/types.h>

/* Copies between our stdin/stdout and the container's pty master (as runc does when it is
   given --tty without a console socket): stdin in raw mode while it is a terminal, its
   window size passed on now and on SIGWINCH. Returns once `pid` has exited and the pty has
   nothing more to say (every slave closed, or 100 ms of silence when something else still
   holds one). Does not reap `pid`. Closes master. resize_fd (>= 0) carries window sizes from a
   caller without a terminal of its own: 4 bytes each, rows and columns as uint16 BE. */
void console_proxy(int master, pid_t pid, int resize_fd);
#endif
