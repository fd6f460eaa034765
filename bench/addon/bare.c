// The bare N-API baseline of `npm run bench`: one system call per function,
// no wrappers. Same argument style as native/dualmode.cc (napi_get_cb_info,
// one napi_get_value_int32 per argument, napi_create_int32 for the result),
// but plain C node_api.h instead of node-addon-api, so the difference between
// this and dualmode is everything the library adds.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ARGS 4

static napi_value Fail(napi_env env, const char* syscall) {
  char message[128];
  snprintf(message, sizeof(message), "%s: %s", syscall, strerror(errno));
  napi_throw_error(env, NULL, message);
  return NULL;
}

// Reads `count` int32 arguments; throws and returns 0 on a bad one.
static int Ints(napi_env env, napi_callback_info info, size_t count, int32_t* out,
                napi_value* argv) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "argument must be of type number");
      return 0;
    }
  }
  return 1;
}

static napi_value Int(napi_env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

// socket(family, type, protocol) -> fd (SOCK_CLOEXEC, as dualmode and libuv)
static napi_value Socket(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t a[3];
  if (!Ints(env, info, 3, a, argv)) return NULL;
  int fd = socket(a[0], a[1] | SOCK_CLOEXEC, a[2]);
  if (fd < 0) return Fail(env, "socket");
  return Int(env, fd);
}

static napi_value Close(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t a[1];
  if (!Ints(env, info, 1, a, argv)) return NULL;
  if (close(a[0]) < 0 && errno != EINTR) return Fail(env, "close");
  return NULL;
}

// getsockoptInt(fd, level, name) -> int
static napi_value GetOptionInt(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t a[3];
  if (!Ints(env, info, 3, a, argv)) return NULL;
  int value = 0;
  socklen_t length = sizeof(value);
  if (getsockopt(a[0], a[1], a[2], &value, &length) < 0) return Fail(env, "getsockopt");
  return Int(env, value);
}

// setsockoptInt(fd, level, name, value)
static napi_value SetOptionInt(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t a[4];
  if (!Ints(env, info, 4, a, argv)) return NULL;
  if (setsockopt(a[0], a[1], a[2], &a[3], sizeof(a[3])) < 0) return Fail(env, "setsockopt");
  return NULL;
}

// bind6(fd, address, port): an IPv6 literal, parsed into a stack buffer.
static napi_value Bind6(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  size_t argc = MAX_ARGS;
  int32_t fd, port;
  char text[64];
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], text, sizeof(text), &length) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "bind6(fd: number, address: string, port: number)");
    return NULL;
  }
  struct sockaddr_in6 in6;
  memset(&in6, 0, sizeof(in6));
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons((uint16_t)port);
  if (inet_pton(AF_INET6, text, &in6.sin6_addr) != 1) {
    napi_throw_type_error(env, "ERR_INVALID_IP_ADDRESS", "invalid IPv6 address");
    return NULL;
  }
  if (bind(fd, (struct sockaddr*)&in6, sizeof(in6)) < 0) return Fail(env, "bind");
  return NULL;
}

static napi_value Listen(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t a[2];
  if (!Ints(env, info, 2, a, argv)) return NULL;
  if (listen(a[0], a[1]) < 0) return Fail(env, "listen");
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"socket", NULL, Socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getsockoptInt", NULL, GetOptionInt, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setsockoptInt", NULL, SetOptionInt, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind6", NULL, Bind6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listen", NULL, Listen, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
