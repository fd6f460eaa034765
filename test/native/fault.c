// Fault injection for the socket system calls the dualmode addon and libuv
// make: an LD_PRELOAD shim, built at test time by test/fault.test.js with
//
//   cc -shared -fPIC -o fault.so test/native/fault.c -ldl
//
// and preloaded into a child node process (after libasan when the suite runs
// under the sanitizers). It wraps socket, setsockopt, getsockopt, bind,
// listen, getsockname, recvmsg, sendmsg, fcntl (and glibc's fcntl64) and
// close, and logs
// syscall(SYS_close).
//
// Arming. The configuration is read from the environment on every wrapped
// call made on the main thread, so a fixture arms a fault right before the
// call under test with `process.env.FAULT_SYSCALL = ...` (Node's process.env
// calls setenv) and disarms it by deleting the variable. Calls from other
// threads (libuv's pool, V8's workers) never fail and never read the
// environment, so they cannot race the main thread's setenv.
//
//   FAULT_SYSCALL  the call to fail: socket, setsockopt, getsockopt, bind,
//                  listen, getsockname, recvmsg, sendmsg, fcntl, close.
//                  Unset: nothing fails.
//   FAULT_ERRNO    the errno it fails with, a number (required).
//   FAULT_AFTER    the first matching call to fail: 1 (default) is the first
//   FAULT_TIMES    how many matching calls fail from there (default 1; 0: all)
//   FAULT_ARM      any token; when it changes, the match count starts again
//                  (set a fresh one each time you arm).
//   Filters, all optional, that a call must match to count:
//   FAULT_FD       the descriptor argument (not for socket)
//   FAULT_LEVEL    setsockopt/getsockopt level
//   FAULT_OPTNAME  setsockopt/getsockopt option name
//   FAULT_VALUE    setsockopt: the int value being written
//   FAULT_CMD      fcntl: the command (F_DUPFD_CLOEXEC is 1030 on Linux)
//   FAULT_FAMILY   socket: the address family; bind: the address's family
//
// A second, independent fault can be armed with the same variables prefixed
// FAULT2_ (FAULT2_SYSCALL, FAULT2_ERRNO, ...; FAULT_ARM resets both).
//
// A failed close() still closes the descriptor first, as Linux does for
// EINTR and EIO (the number is released whatever close returns). Every other
// failed call does nothing and returns -1 with errno set.
//
// Log. When FAULT_LOG names a file (read once, at load), every call to
// socket, fcntl(F_DUPFD*) and close (and syscall(SYS_close), which libuv
// uses) from any thread appends a line there, so a test can check that every
// descriptor opened was closed:
//
//   socket <fd>            socket() returned fd (or -1 and <errno>)
//   dup <fd> <newfd>       fcntl(fd, F_DUPFD[_CLOEXEC]) returned newfd
//   close <fd> <result>    close(fd) returned result (0, or -errno)
//   fault <syscall> <fd> <errno>   an injected failure
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int log_fd = -1;

__attribute__((constructor)) static void fault_init(void) {
  const char* path = getenv("FAULT_LOG");
  if (path != NULL && *path != '\0') {
    // O_CLOEXEC: a child spawned by the fixture must not inherit it. The
    // number is moved high so that it never takes a slot a test counts on.
    int fd =
        (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      int high = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 900);
      if (high >= 0) {
        syscall(SYS_close, fd);
        fd = high;
      }
      log_fd = fd;
    }
  }
}

static void fault_log(const char* format, ...) {
  if (log_fd < 0) return;
  char line[128];
  va_list args;
  va_start(args, format);
  int length = vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (length > 0 && (size_t)length < sizeof(line)) {
    ssize_t written = syscall(SYS_write, log_fd, line, (size_t)length);
    (void)written;
  }
}

static int on_main_thread(void) { return syscall(SYS_gettid) == getpid(); }

// Reads an integer variable `prefix` + `name`; returns 0 when it is unset.
static int env_int(const char* prefix, const char* name, long* out) {
  char key[64];
  snprintf(key, sizeof(key), "%s%s", prefix, name);
  const char* text = getenv(key);
  if (text == NULL || *text == '\0') return 0;
  char* end;
  long value = strtol(text, &end, 0);
  if (*end != '\0') return 0;
  *out = value;
  return 1;
}

static const char* const kPrefixes[] = {"FAULT_", "FAULT2_"};
enum { kSpecs = sizeof(kPrefixes) / sizeof(kPrefixes[0]) };
static long matched[kSpecs];  // matching calls seen since the last arming
static char arm_token[128];

// The filter arguments of one call; a filter the call lacks is -1 / unused.
typedef struct {
  long fd, level, optname, value, cmd, family;
  int has_value;
} call_t;

// Returns the errno to fail this call with, 0 to let it through.
static int should_fail(const char* syscall_name, const call_t* call) {
  if (!on_main_thread()) return 0;
  const char* token = getenv("FAULT_ARM");
  if (token == NULL) token = "";
  if (strncmp(token, arm_token, sizeof(arm_token) - 1) != 0) {
    strncpy(arm_token, token, sizeof(arm_token) - 1);
    memset(matched, 0, sizeof(matched));
  }
  for (int i = 0; i < kSpecs; i++) {
    const char* prefix = kPrefixes[i];
    char key[64];
    snprintf(key, sizeof(key), "%sSYSCALL", prefix);
    const char* name = getenv(key);
    if (name == NULL || strcmp(name, syscall_name) != 0) continue;
    long err = 0, after = 1, times = 1, want;
    if (!env_int(prefix, "ERRNO", &err) || err <= 0) continue;
    env_int(prefix, "AFTER", &after);
    env_int(prefix, "TIMES", &times);
    if (env_int(prefix, "FD", &want) && want != call->fd) continue;
    if (env_int(prefix, "LEVEL", &want) && want != call->level) continue;
    if (env_int(prefix, "OPTNAME", &want) && want != call->optname) continue;
    if (env_int(prefix, "VALUE", &want) && (!call->has_value || want != call->value)) continue;
    if (env_int(prefix, "CMD", &want) && want != call->cmd) continue;
    if (env_int(prefix, "FAMILY", &want) && want != call->family) continue;
    long n = ++matched[i];
    if (n < after) continue;
    if (times > 0 && n >= after + times) continue;
    fault_log("fault %s %ld %ld\n", syscall_name, call->fd, err);
    return (int)err;
  }
  return 0;
}

typedef int (*socket_fn)(int, int, int);
typedef int (*setsockopt_fn)(int, int, int, const void*, socklen_t);
typedef int (*getsockopt_fn)(int, int, int, void*, socklen_t*);
typedef int (*bind_fn)(int, const struct sockaddr*, socklen_t);
typedef int (*listen_fn)(int, int);
typedef int (*getsockname_fn)(int, struct sockaddr*, socklen_t*);
typedef int (*close_fn)(int);
typedef ssize_t (*recvmsg_fn)(int, struct msghdr*, int);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr*, int);

// Looks up the next definition of `name` (libc's, or libasan's interceptor).
#define REAL(name)              \
  static name##_fn real_##name; \
  if (real_##name == NULL) real_##name = (name##_fn)dlsym(RTLD_NEXT, #name)

int socket(int domain, int type, int protocol) {
  REAL(socket);
  call_t call = {-1, -1, -1, 0, -1, domain, 0};
  int err = should_fail("socket", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  int fd = real_socket(domain, type, protocol);
  int saved = errno;
  if (fd >= 0)
    fault_log("socket %d\n", fd);
  else
    fault_log("socket -1 %d\n", saved);
  errno = saved;
  return fd;
}

int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) {
  REAL(setsockopt);
  call_t call = {fd, level, optname, 0, -1, -1, 0};
  if (optval != NULL && optlen == sizeof(int)) {
    int value;
    memcpy(&value, optval, sizeof(value));
    call.value = value;
    call.has_value = 1;
  }
  int err = should_fail("setsockopt", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_setsockopt(fd, level, optname, optval, optlen);
}

int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) {
  REAL(getsockopt);
  call_t call = {fd, level, optname, 0, -1, -1, 0};
  int err = should_fail("getsockopt", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_getsockopt(fd, level, optname, optval, optlen);
}

int bind(int fd, const struct sockaddr* address, socklen_t length) {
  REAL(bind);
  call_t call = {fd, -1, -1, 0, -1, address != NULL ? address->sa_family : -1, 0};
  int err = should_fail("bind", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_bind(fd, address, length);
}

int listen(int fd, int backlog) {
  REAL(listen);
  call_t call = {fd, -1, -1, 0, -1, -1, 0};
  int err = should_fail("listen", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_listen(fd, backlog);
}

int getsockname(int fd, struct sockaddr* address, socklen_t* length) {
  REAL(getsockname);
  call_t call = {fd, -1, -1, 0, -1, -1, 0};
  int err = should_fail("getsockname", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_getsockname(fd, address, length);
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  REAL(recvmsg);
  call_t call = {fd, -1, -1, 0, -1, -1, 0};
  int err = should_fail("recvmsg", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_recvmsg(fd, msg, flags);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  REAL(sendmsg);
  call_t call = {fd, -1, -1, 0, -1, -1, 0};
  int err = should_fail("sendmsg", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return real_sendmsg(fd, msg, flags);
}

static int fcntl_common(const char* real_name, int fd, int cmd, void* arg) {
  static int (*real_fcntl)(int, int, ...);
  static int (*real_fcntl64)(int, int, ...);
  int (**slot)(int, int, ...) = strcmp(real_name, "fcntl64") == 0 ? &real_fcntl64 : &real_fcntl;
  if (*slot == NULL) *slot = (int (*)(int, int, ...))dlsym(RTLD_NEXT, real_name);
  if (*slot == NULL) *slot = (int (*)(int, int, ...))dlsym(RTLD_NEXT, "fcntl");
  call_t call = {fd, -1, -1, 0, cmd, -1, 0};
  int err = should_fail("fcntl", &call);
  if (err != 0) {
    errno = err;
    return -1;
  }
  int result = (*slot)(fd, cmd, arg);
  if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && result >= 0) {
    int saved = errno;
    fault_log("dup %d %d\n", fd, result);
    errno = saved;
  }
  return result;
}

// Every fcntl command's third argument is an int or a pointer; both travel
// in one register on the ABIs this runs on.
int fcntl(int fd, int cmd, ...) {
  va_list args;
  va_start(args, cmd);
  void* arg = va_arg(args, void*);
  va_end(args);
  return fcntl_common("fcntl", fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list args;
  va_start(args, cmd);
  void* arg = va_arg(args, void*);
  va_end(args);
  return fcntl_common("fcntl64", fd, cmd, arg);
}

// libuv closes its descriptors with syscall(SYS_close, fd) on Linux, not
// close(): log those too (never failed), so that a descriptor handed to Node
// shows as closed when Node closes it.
long syscall(long number, ...) {
  static long (*real_syscall)(long, ...);
  if (real_syscall == NULL) real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  va_list args;
  va_start(args, number);
  long a = va_arg(args, long), b = va_arg(args, long), c = va_arg(args, long);
  long d = va_arg(args, long), e = va_arg(args, long), f = va_arg(args, long);
  va_end(args);
  long result = real_syscall(number, a, b, c, d, e, f);
  if (number == SYS_close && (int)a != log_fd) {
    int saved = errno;
    fault_log("close %d %d\n", (int)a, result == 0 ? 0 : -saved);
    errno = saved;
  }
  return result;
}

int close(int fd) {
  REAL(close);
  call_t call = {fd, -1, -1, 0, -1, -1, 0};
  // Never let anyone close the log.
  if (fd == log_fd && fd >= 0) return 0;
  int err = should_fail("close", &call);
  int result = real_close(fd);
  int saved = errno;
  if (err != 0) {
    // Linux releases the descriptor whatever close() reports: so does this.
    fault_log("close %d %d\n", fd, result == 0 ? -err : -saved);
    errno = err;
    return -1;
  }
  fault_log("close %d %d\n", fd, result == 0 ? 0 : -saved);
  errno = saved;
  return result;
}
