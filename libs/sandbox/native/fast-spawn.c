// Spawns bubblewrap without fork(): clone(CLONE_VM | CLONE_VFORK) copies no page tables, and the
// child sets its rlimits and credentials itself, which spares the exec of prlimit(1).
// Between clone and execve the child shares the runner's memory, so it only makes raw system
// calls on data prepared beforehand, with every signal blocked until its handlers are reset.
#define _GNU_SOURCE
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_STACK (64 * 1024)
#define MAX_FDS 256
#define MAX_LIMITS 16

enum { STDIO_IGNORE = 0, STDIO_PIPE = 1 };

typedef struct {
  const char *file;
  char **argv;
  char **envp;
  int nfds;
  int src[MAX_FDS];
  int tmp[MAX_FDS];
  int nlimits;
  int resource[MAX_LIMITS];
  struct rlimit limit[MAX_LIMITS];
  long uid;
  long gid;
  int err_fd;
  // Highest fd number open in the parent before clone (for hosts without close_range).
  int max_fd;
} spawn_plan;

struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  unsigned long mask;
};

static void child_fail(const spawn_plan *p, int step) {
  int report[2] = {step, errno};
  syscall(SYS_write, p->err_fd, report, sizeof report);
  syscall(SYS_exit_group, 127);
}

static int child_main(void *arg) {
  spawn_plan *p = arg;
  // No handler of the runner may run in this shared address space; ignored signals (SIGPIPE)
  // would also stay ignored across execve.
  struct kernel_sigaction dfl = {.handler = SIG_DFL};
  for (int sig = 1; sig < _NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(unsigned long));
  }
  unsigned long none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);

  int keep = p->nfds + 1;
  int err_fd = syscall(SYS_fcntl, p->err_fd, F_DUPFD_CLOEXEC, keep + 64);
  if (err_fd < 0) child_fail(p, 1);
  p->err_fd = err_fd;
  for (int i = 0; i < p->nfds; i++) {
    p->tmp[i] = syscall(SYS_fcntl, p->src[i], F_DUPFD_CLOEXEC, keep + 64);
    if (p->tmp[i] < 0) child_fail(p, 1);
  }
  for (int i = 0; i < p->nfds; i++) {
    if (syscall(SYS_dup3, p->tmp[i], i, 0) < 0) child_fail(p, 1);
  }
  if (syscall(SYS_dup3, err_fd, p->nfds, O_CLOEXEC) < 0) child_fail(p, 1);
  p->err_fd = p->nfds;
  // Kernels before 5.9, or a seccomp profile that denies close_range: close one by one what the
  // parent had open (every fd opened since is close-on-exec, as Node and libuv open them all).
  if (syscall(SYS_close_range, keep, ~0U, 0) < 0) {
    for (int fd = keep; fd <= p->max_fd; fd++) syscall(SYS_close, fd);
  }

  for (int i = 0; i < p->nlimits; i++) {
    if (syscall(SYS_prlimit64, 0, p->resource[i], &p->limit[i], NULL) < 0) child_fail(p, 2);
  }
  if (p->gid >= 0) {
    if (syscall(SYS_setgroups, 0, NULL) < 0) child_fail(p, 3);
    if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0) child_fail(p, 3);
  }
  if (p->uid >= 0 && syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0) child_fail(p, 3);
  syscall(SYS_execve, p->file, p->argv, p->envp);
  child_fail(p, 4);
  return 0;
}

typedef struct {
  pid_t pid;
  napi_threadsafe_function tsfn;
} exit_watch;

static void *watch_exit(void *arg) {
  exit_watch *w = arg;
  siginfo_t info;
  // WNOWAIT: the zombie keeps the pid until the main thread reaps it, so a kill() in between
  // can never reach a recycled pid.
  while (waitid(P_PID, w->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  // napi_closing: the environment is going away and has released the function itself.
  if (napi_call_threadsafe_function(w->tsfn, (void *)(intptr_t)w->pid, napi_tsfn_blocking) != napi_closing) {
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_release);
  }
  free(w);
  return NULL;
}

static void deliver_exit(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  if (env == NULL) return;
  pid_t pid = (pid_t)(intptr_t)data;
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int rc;
  while ((rc = waitid(P_PID, pid, &info, WEXITED | WNOHANG)) < 0 && errno == EINTR) {
  }
  if (rc < 0 || info.si_pid == 0) return;
  napi_value args[2], undefined;
  napi_get_null(env, &args[0]);
  napi_get_null(env, &args[1]);
  if (info.si_code == CLD_EXITED) {
    napi_create_int32(env, info.si_status, &args[0]);
  } else {
    napi_create_int32(env, info.si_status, &args[1]);
  }
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, callback, 2, args, NULL);
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, message);
  return NULL;
}

// NULL also for a string with a NUL byte, which C would silently cut short.
static char *string_arg(napi_env env, napi_value value) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (s && (napi_get_value_string_utf8(env, value, s, len + 1, &len) != napi_ok || strlen(s) != len)) {
    free(s);
    return NULL;
  }
  return s;
}

static int close_range_works;

static int highest_open_fd(void) {
  int highest = 1024;
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) return 65535;
  for (struct dirent *e; (e = readdir(dir));) {
    int fd = atoi(e->d_name);
    if (fd > highest) highest = fd;
  }
  closedir(dir);
  return highest;
}

static char **string_array(napi_env env, napi_value value) {
  uint32_t n = 0;
  if (napi_get_array_length(env, value, &n) != napi_ok) return NULL;
  char **out = calloc(n + 1, sizeof(char *));
  for (uint32_t i = 0; out && i < n; i++) {
    napi_value item;
    napi_get_element(env, value, i, &item);
    out[i] = string_arg(env, item);
    if (!out[i]) {
      for (uint32_t j = 0; j < i; j++) free(out[j]);
      free(out);
      return NULL;
    }
  }
  return out;
}

static void free_strings(char **list) {
  if (!list) return;
  for (char **s = list; *s; s++) free(*s);
  free(list);
}

static int int_at(napi_env env, napi_value array, uint32_t i, int64_t *out) {
  napi_value item;
  if (napi_get_element(env, array, i, &item) != napi_ok) return 0;
  return napi_get_value_int64(env, item, out) == napi_ok;
}

static void close_all(int *fds, int n) {
  for (int i = 0; i < n; i++) {
    if (fds[i] >= 0) close(fds[i]);
  }
}

// spawn(file, argv, env, stdio, uid, gid, limits, onExit) → [pid, ...parent ends (-1 for ignore)]
// stdio[i]: 0 = /dev/null, 1 = a socketpair (as child_process makes); limits: [resource, soft, hard]…
// uid/gid -1: unchanged. onExit(code, signalNumber) runs once, after the child is reaped.
static napi_value spawn(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 8;
  napi_value a[8];
  napi_get_cb_info(env, cbinfo, &argc, a, NULL, NULL);
  if (argc != 8) {
    napi_throw_type_error(env, NULL, "spawn expects 8 arguments");
    return NULL;
  }
  spawn_plan *p = calloc(1, sizeof *p);
  if (!p) return throw_errno(env, "calloc", ENOMEM);
  napi_value result = NULL;
  int parent_end[MAX_FDS], child_end[MAX_FDS];
  uint32_t nfds = 0, nlimits = 0;
  int64_t v = 0;
  char *file = string_arg(env, a[0]);
  p->argv = string_array(env, a[1]);
  p->envp = string_array(env, a[2]);
  p->file = file;
  napi_get_array_length(env, a[3], &nfds);
  napi_get_array_length(env, a[6], &nlimits);
  if (!file || !p->argv || !p->envp || nfds > MAX_FDS || nlimits % 3 != 0 || nlimits / 3 > MAX_LIMITS) {
    napi_throw_type_error(env, NULL, "spawn: bad arguments");
    goto out;
  }
  p->nfds = (int)nfds;
  for (uint32_t i = 0; i < nfds; i++) parent_end[i] = child_end[i] = -1;
  for (uint32_t i = 0; i < nfds; i++) {
    if (!int_at(env, a[3], i, &v)) {
      napi_throw_type_error(env, NULL, "spawn: bad stdio");
      goto fail_fds;
    }
    if (v == STDIO_PIPE) {
      int pair[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
        throw_errno(env, "socketpair", errno);
        goto fail_fds;
      }
      parent_end[i] = pair[0];
      child_end[i] = pair[1];
    } else {
      child_end[i] = open("/dev/null", (i == 0 ? O_RDONLY : O_RDWR) | O_CLOEXEC);
      if (child_end[i] < 0) {
        throw_errno(env, "open /dev/null", errno);
        goto fail_fds;
      }
    }
    p->src[i] = child_end[i];
  }
  p->nlimits = (int)(nlimits / 3);
  for (int i = 0; i < p->nlimits; i++) {
    int64_t r, soft, hard;
    if (!int_at(env, a[6], 3 * i, &r) || !int_at(env, a[6], 3 * i + 1, &soft) || !int_at(env, a[6], 3 * i + 2, &hard)) {
      napi_throw_type_error(env, NULL, "spawn: bad limits");
      goto fail_fds;
    }
    p->resource[i] = (int)r;
    p->limit[i].rlim_cur = (rlim_t)soft;
    p->limit[i].rlim_max = (rlim_t)hard;
  }
  if (napi_get_value_int64(env, a[4], &v) != napi_ok) v = -1;
  p->uid = (long)v;
  if (napi_get_value_int64(env, a[5], &v) != napi_ok) v = -1;
  p->gid = (long)v;

  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) < 0) {
    throw_errno(env, "pipe2", errno);
    goto fail_fds;
  }
  p->err_fd = err_pipe[1];
  p->max_fd = close_range_works ? 0 : highest_open_fd();
  void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    close(err_pipe[0]);
    close(err_pipe[1]);
    throw_errno(env, "mmap", errno);
    goto fail_fds;
  }
  napi_threadsafe_function tsfn;
  napi_value resource_name;
  napi_create_string_utf8(env, "fast-spawn-exit", NAPI_AUTO_LENGTH, &resource_name);
  if (napi_create_threadsafe_function(env, a[7], NULL, resource_name, 0, 1, NULL, NULL, NULL, deliver_exit, &tsfn) != napi_ok) {
    munmap(stack, CHILD_STACK);
    close(err_pipe[0]);
    close(err_pipe[1]);
    napi_throw_error(env, NULL, "spawn: cannot create the exit callback");
    goto fail_fds;
  }

  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(child_main, (char *)stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, p);
  int clone_errno = errno;
  exit_watch *w = NULL;
  pthread_t thread;
  int thread_err = 0;
  if (pid > 0) {
    w = malloc(sizeof *w);
    if (w) {
      w->pid = pid;
      w->tsfn = tsfn;
      pthread_attr_t attr;
      pthread_attr_init(&attr);
      pthread_attr_setstacksize(&attr, 64 * 1024);
      pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
      thread_err = pthread_create(&thread, &attr, watch_exit, w);
      pthread_attr_destroy(&attr);
    } else {
      thread_err = ENOMEM;
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  munmap(stack, CHILD_STACK);
  close(err_pipe[1]);
  close_all(child_end, p->nfds);

  if (pid < 0) {
    close(err_pipe[0]);
    napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
    close_all(parent_end, p->nfds);
    throw_errno(env, "clone", clone_errno);
    goto out;
  }
  int report[2];
  ssize_t got;
  while ((got = read(err_pipe[0], report, sizeof report)) < 0 && errno == EINTR) {
  }
  close(err_pipe[0]);
  if (got > 0 || thread_err) {
    // With a watcher, it reaps the child (its callback finds no NativeChild); reaping here could
    // let the watcher wait on a recycled pid.
    if (thread_err) {
      free(w);
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
    }
    close_all(parent_end, p->nfds);
    static const char *steps[] = {"", "fds", "prlimit", "credentials", "execve"};
    char what[64];
    snprintf(what, sizeof what, "spawn %s (%s)", file, thread_err ? "thread" : steps[report[0] < 5 ? report[0] : 0]);
    throw_errno(env, what, thread_err ? thread_err : report[1]);
    goto out;
  }

  napi_create_array_with_length(env, p->nfds + 1, &result);
  napi_value item;
  napi_create_int32(env, pid, &item);
  napi_set_element(env, result, 0, item);
  for (int i = 0; i < p->nfds; i++) {
    napi_create_int32(env, parent_end[i], &item);
    napi_set_element(env, result, i + 1, item);
  }
  goto out;

fail_fds:
  close_all(parent_end, p->nfds);
  close_all(child_end, p->nfds);
out:
  free(file);
  free_strings(p->argv);
  free_strings(p->envp);
  free(p);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, constants, value;
  close_range_works = syscall(SYS_close_range, ~0U - 1, ~0U, 0) == 0;
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, spawn, NULL, &fn);
  napi_set_named_property(env, exports, "spawn", fn);
  napi_create_object(env, &constants);
  napi_create_int32(env, RLIMIT_CORE, &value);
  napi_set_named_property(env, constants, "RLIMIT_CORE", value);
  napi_create_int32(env, RLIMIT_FSIZE, &value);
  napi_set_named_property(env, constants, "RLIMIT_FSIZE", value);
  napi_create_int32(env, RLIMIT_NOFILE, &value);
  napi_set_named_property(env, constants, "RLIMIT_NOFILE", value);
  napi_set_named_property(env, exports, "constants", constants);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
