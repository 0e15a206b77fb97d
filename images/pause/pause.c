/* Flotilla's pause program: the pod's infra container. It holds the pod's namespaces, reaps the
 * zombies re-parented to it (when the PID namespace is shared) and exits 0 on SIGTERM or SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "dev"
#endif

static void on_terminate(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  int saved = errno;
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int install(int sig, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--version") == 0) {
      printf("flotilla-pause %s\n", VERSION);
      return 0;
    }
  }
  if (getpid() != 1) fprintf(stderr, "flotilla-pause: warning: not running as PID 1\n");
  if (install(SIGINT, on_terminate, 0) < 0 || install(SIGTERM, on_terminate, 0) < 0) {
    perror("flotilla-pause: sigaction(SIGINT/SIGTERM)");
    return 1;
  }
  if (install(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
    perror("flotilla-pause: sigaction(SIGCHLD)");
    return 2;
  }
  for (;;) pause();
  fprintf(stderr, "flotilla-pause: pause() returned, which it never does\n");
  return 42;
}
