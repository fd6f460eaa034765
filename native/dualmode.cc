// N-API glue: stateless functions over a socket descriptor, one system call
// each. Arguments are plain numbers, strings and Uint8Arrays already checked
// in TypeScript; they are checked again here so that no input can crash the
// process. Every failure throws an Error shaped like Node's own system
// errors: `code` ('EINVAL'), `errno` (negative, as Node reports it) and
// `syscall`. All OS differences live behind platform.h.
#include <napi.h>

#include <cstdio>
#include <cstring>

#include "platform.h"

namespace dualmode {
namespace {

constexpr size_t kMaxAddress = 64;  // an IPv6 literal with a zone name fits

// Throws `message` with `code` as a TypeError, unless an exception is
// already pending (throwing over it would abort the process).
Napi::Value ThrowTypeError(Napi::Env env, const char* code, const char* message) {
  if (!env.IsExceptionPending()) {
    napi_value error;
    napi_value code_value;
    napi_value message_value;
    if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) == napi_ok &&
        napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) == napi_ok &&
        napi_create_type_error(env, code_value, message_value, &error) == napi_ok) {
      napi_throw(env, error);
    }
  }
  return env.Undefined();
}

// Throws Node's system-error shape for libuv error code `err`:
// message "<syscall> <CODE>: <description>", errno, code and syscall.
Napi::Value ThrowSystemError(Napi::Env env, int err, const char* syscall) {
  if (env.IsExceptionPending()) return env.Undefined();
  char name[32];
  char description[128];
  char message[256];
  uv_err_name_r(err, name, sizeof(name));
  uv_strerror_r(err, description, sizeof(description));
  snprintf(message, sizeof(message), "%s %s: %s", syscall, name, description);
  napi_value error;
  napi_value code_value;
  napi_value message_value;
  napi_value errno_value;
  napi_value syscall_value;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code_value) != napi_ok ||
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) != napi_ok ||
      napi_create_error(env, code_value, message_value, &error) != napi_ok ||
      napi_create_int32(env, err, &errno_value) != napi_ok ||
      napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value) != napi_ok ||
      napi_set_named_property(env, error, "errno", errno_value) != napi_ok ||
      napi_set_named_property(env, error, "syscall", syscall_value) != napi_ok) {
    return ThrowTypeError(env, "ERR_INTERNAL_ASSERTION", "could not create a system error");
  }
  napi_throw(env, error);
  return env.Undefined();
}

bool GetInt(const Napi::CallbackInfo& info, size_t index, int32_t* out) {
  if (napi_get_value_int32(info.Env(), info[index], out) == napi_ok) return true;
  ThrowTypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "argument must be of type number");
  return false;
}

// The bytes of a Uint8Array argument, read without touching its buffer
// object (safe for SharedArrayBuffer-backed and detached views).
bool GetBytes(const Napi::CallbackInfo& info, size_t index, void** data, size_t* length) {
  napi_env env = info.Env();
  bool is_typed_array = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, info[index], &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, info[index], &type, length, data, nullptr, nullptr) !=
          napi_ok ||
      type != napi_uint8_array || (*data == nullptr && *length != 0)) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be a Uint8Array");
    return false;
  }
  return true;
}

Napi::Value Int(Napi::Env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return Napi::Value(env, result);
}

// Parses "a.b.c.d", "x::y" or "fe80::1%eth0" and `port` into `address`.
bool ParseAddress(const Napi::CallbackInfo& info, size_t index, int32_t port,
                  sockaddr_storage* address, int* length) {
  napi_env env = info.Env();
  char text[kMaxAddress];
  size_t text_length = 0;
  if (napi_get_value_string_utf8(env, info[index], text, sizeof(text), &text_length) != napi_ok) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "address must be of type string");
    return false;
  }
  memset(address, 0, sizeof(*address));
  bool ok = text_length < sizeof(text) - 1 && port >= 0 && port <= 65535;
  if (ok && strchr(text, ':') != nullptr) {
    sockaddr_in6* in6 = reinterpret_cast<sockaddr_in6*>(address);
    char* zone = strchr(text, '%');
    if (zone != nullptr) *zone++ = '\0';
    ok = uv_inet_pton(AF_INET6, text, &in6->sin6_addr) == 0;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    in6->sin6_scope_id = zone != nullptr ? platform::ScopeId(zone) : 0;
    *length = sizeof(*in6);
  } else if (ok) {
    sockaddr_in* in = reinterpret_cast<sockaddr_in*>(address);
    ok = uv_inet_pton(AF_INET, text, &in->sin_addr) == 0;
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    *length = sizeof(*in);
  }
  if (!ok) ThrowTypeError(env, "ERR_INVALID_IP_ADDRESS", "invalid IP address or port");
  return ok;
}

// { address, family, port } in the shape of Node's server.address();
// link-local IPv6 addresses carry their zone, as Node writes them.
Napi::Value EndPoint(Napi::Env env, const sockaddr_storage& address, const char* syscall) {
  char text[kMaxAddress];
  int port;
  const char* family;
  if (address.ss_family == AF_INET6) {
    const sockaddr_in6& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    uv_ip6_name(&in6, text, sizeof(text));
    if (in6.sin6_scope_id != 0) {
      size_t used = strlen(text);
      size_t zone_size = sizeof(text) - used - 1;
      text[used] = '%';
      if (uv_if_indextoiid(in6.sin6_scope_id, text + used + 1, &zone_size) != 0)
        text[used] = '\0';
    }
    port = ntohs(in6.sin6_port);
    family = "IPv6";
  } else if (address.ss_family == AF_INET) {
    const sockaddr_in& in = reinterpret_cast<const sockaddr_in&>(address);
    uv_ip4_name(&in, text, sizeof(text));
    port = ntohs(in.sin_port);
    family = "IPv4";
  } else {
    return ThrowSystemError(env, UV_EAFNOSUPPORT, syscall);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("address", Napi::String::New(env, text));
  result.Set("family", Napi::String::New(env, family));
  result.Set("port", Int(env, port));
  return result;
}

// socket(family, type, protocol) -> fd, close-on-exec.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  int32_t family, type, protocol;
  if (!GetInt(info, 0, &family) || !GetInt(info, 1, &type) || !GetInt(info, 2, &protocol))
    return info.Env().Undefined();
  int fd;
  int err = platform::OpenSocket(family, type, protocol, &fd);
  if (err != 0) return ThrowSystemError(info.Env(), err, "socket");
  return Int(info.Env(), fd);
}

// probe(family) -> 0, or the error code socket(family, SOCK_DGRAM, 0) gave.
Napi::Value Probe(const Napi::CallbackInfo& info) {
  int32_t family;
  if (!GetInt(info, 0, &family)) return info.Env().Undefined();
  int fd;
  int err = platform::OpenSocket(family, SOCK_DGRAM, 0, &fd);
  if (err == 0) platform::CloseSocket(fd);
  return Int(info.Env(), err);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!GetInt(info, 0, &fd)) return info.Env().Undefined();
  int err = platform::CloseSocket(fd);
  if (err != 0) return ThrowSystemError(info.Env(), err, "close");
  return info.Env().Undefined();
}

// getsockoptInt(fd, level, name) -> int
Napi::Value GetOptionInt(const Napi::CallbackInfo& info) {
  int32_t fd, level, name;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &level) || !GetInt(info, 2, &name))
    return info.Env().Undefined();
  int value = 0;
  int length = sizeof(value);
  int err = platform::GetOption(fd, level, name, &value, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  return Int(info.Env(), value);
}

// setsockoptInt(fd, level, name, value)
Napi::Value SetOptionInt(const Napi::CallbackInfo& info) {
  int32_t fd, level, name, value;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &level) || !GetInt(info, 2, &name) ||
      !GetInt(info, 3, &value))
    return info.Env().Undefined();
  int err = platform::SetOption(fd, level, name, &value, sizeof(value));
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return info.Env().Undefined();
}

// getsockopt(fd, level, name, bytes) -> number of bytes written
Napi::Value GetOptionBytes(const Napi::CallbackInfo& info) {
  int32_t fd, level, name;
  void* data;
  size_t size;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &level) || !GetInt(info, 2, &name) ||
      !GetBytes(info, 3, &data, &size))
    return info.Env().Undefined();
  if (size > 65536) return ThrowTypeError(info.Env(), "ERR_OUT_OF_RANGE", "buffer too large");
  int length = static_cast<int>(size);
  int err = platform::GetOption(fd, level, name, data, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  return Int(info.Env(), length);
}

// setsockopt(fd, level, name, bytes)
Napi::Value SetOptionBytes(const Napi::CallbackInfo& info) {
  int32_t fd, level, name;
  void* data;
  size_t size;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &level) || !GetInt(info, 2, &name) ||
      !GetBytes(info, 3, &data, &size))
    return info.Env().Undefined();
  if (size > 65536) return ThrowTypeError(info.Env(), "ERR_OUT_OF_RANGE", "buffer too large");
  int err = platform::SetOption(fd, level, name, data, static_cast<int>(size));
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return info.Env().Undefined();
}

// bind(fd, address, port): the address family follows the literal.
Napi::Value Bind(const Napi::CallbackInfo& info) {
  int32_t fd, port;
  sockaddr_storage address;
  int length;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 2, &port) ||
      !ParseAddress(info, 1, port, &address, &length))
    return info.Env().Undefined();
  int err = platform::Bind(fd, reinterpret_cast<const sockaddr*>(&address), length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "bind");
  return info.Env().Undefined();
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  int32_t fd, backlog;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &backlog)) return info.Env().Undefined();
  int err = platform::Listen(fd, backlog);
  if (err != 0) return ThrowSystemError(info.Env(), err, "listen");
  return info.Env().Undefined();
}

// getsockname(fd) -> { address, family, port }
Napi::Value LocalAddress(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!GetInt(info, 0, &fd)) return info.Env().Undefined();
  sockaddr_storage address;
  int length;
  int err = platform::LocalAddress(fd, &address, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockname");
  return EndPoint(info.Env(), address, "getsockname");
}

// getpeername(fd) -> { address, family, port }
Napi::Value PeerAddress(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!GetInt(info, 0, &fd)) return info.Env().Undefined();
  sockaddr_storage address;
  int length;
  int err = platform::PeerAddress(fd, &address, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getpeername");
  return EndPoint(info.Env(), address, "getpeername");
}

// dupAbove(fd, minimum) -> a close-on-exec copy numbered minimum or above.
Napi::Value Duplicate(const Napi::CallbackInfo& info) {
  int32_t fd, minimum;
  if (!GetInt(info, 0, &fd) || !GetInt(info, 1, &minimum)) return info.Env().Undefined();
  int copy;
  int err = platform::Duplicate(fd, minimum, &copy);
  if (err != 0) return ThrowSystemError(info.Env(), err, "fcntl");
  return Int(info.Env(), copy);
}

// describe(fd) -> [family, type, protocol] of an open socket.
Napi::Value Describe(const Napi::CallbackInfo& info) {
  int32_t fd;
  if (!GetInt(info, 0, &fd)) return info.Env().Undefined();
  int family, type, protocol;
  int err = platform::Describe(fd, &family, &type, &protocol);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  Napi::Array result = Napi::Array::New(info.Env(), 3);
  result.Set(0u, Int(info.Env(), family));
  result.Set(1u, Int(info.Env(), type));
  result.Set(2u, Int(info.Env(), protocol));
  return result;
}

}  // namespace
}  // namespace dualmode

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace dualmode;
  Napi::Object constants = Napi::Object::New(env);
  for (size_t i = 0; i < platform::kConstantCount; i++)
    constants.Set(platform::kConstants[i].name, Int(env, platform::kConstants[i].value));
  exports.Set("constants", constants);
  exports.Set("socket", Napi::Function::New<Socket>(env, "socket"));
  exports.Set("probe", Napi::Function::New<Probe>(env, "probe"));
  exports.Set("close", Napi::Function::New<Close>(env, "close"));
  exports.Set("getsockoptInt", Napi::Function::New<GetOptionInt>(env, "getsockoptInt"));
  exports.Set("setsockoptInt", Napi::Function::New<SetOptionInt>(env, "setsockoptInt"));
  exports.Set("getsockopt", Napi::Function::New<GetOptionBytes>(env, "getsockopt"));
  exports.Set("setsockopt", Napi::Function::New<SetOptionBytes>(env, "setsockopt"));
  exports.Set("bind", Napi::Function::New<Bind>(env, "bind"));
  exports.Set("listen", Napi::Function::New<Listen>(env, "listen"));
  exports.Set("getsockname", Napi::Function::New<LocalAddress>(env, "getsockname"));
  exports.Set("getpeername", Napi::Function::New<PeerAddress>(env, "getpeername"));
  exports.Set("describe", Napi::Function::New<Describe>(env, "describe"));
  exports.Set("dupAbove", Napi::Function::New<Duplicate>(env, "dupAbove"));
  return exports;
}

NODE_API_MODULE(dualmode, Init)
