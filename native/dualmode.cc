// N-API glue: stateless functions over a socket descriptor, one system call
// each. Arguments are plain numbers, strings and Uint8Arrays already checked
// in TypeScript; they are checked again here so that no input can crash the
// process. Every failure throws an Error shaped like Node's own system
// errors: `code` ('EINVAL'), `errno` (negative, as Node reports it) and
// `syscall`. All OS differences live behind platform.h.
//
// The functions are plain napi_callbacks: one napi_get_cb_info into a stack
// array and one napi_get_value_int32 per argument, no wrapper objects, so a
// call costs what a bare addon's does. node-addon-api registers the module
// and builds the constant table.
//
// The addon's one stateful export is not here: the event-loop watcher of a
// Socket doing its own datagram I/O (watch, watchEvents, unwatch) lives in
// watcher.cc. recvmsg and sendmsg, which it drives, are stateless like the
// rest and return -errno instead of throwing (EAGAIN is their usual answer).
#include <napi.h>

#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "platform.h"
#include "watcher.h"

namespace dualmode {

constexpr size_t kMaxAddress = 63;  // an IPv6 literal with a zone name fits
constexpr size_t kMaxOptionBytes = 65536;
constexpr char kZoneCharacters[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.:-";

static bool ExceptionPending(napi_env env) {
  bool pending = true;
  napi_is_exception_pending(env, &pending);
  return pending;
}

// Throws `message` with `code` as a TypeError, unless an exception is
// already pending (throwing over it would abort the process).
napi_value ThrowTypeError(napi_env env, const char* code, const char* message) {
  if (ExceptionPending(env)) return nullptr;
  napi_value error, code_value, message_value;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) == napi_ok &&
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) == napi_ok &&
      napi_create_type_error(env, code_value, message_value, &error) == napi_ok) {
    napi_throw(env, error);
  }
  return nullptr;
}

// Throws an Error carrying `errno` (negative, as Node reports it) and
// `syscall`. Its `code` and message ("<syscall> <CODE>: <description>") are
// filled in by src/native.ts from Node's own table (util.getSystemErrorMap),
// so that the addon needs no libuv to name an error.
napi_value ThrowSystemError(napi_env env, int err, const char* syscall) {
  if (ExceptionPending(env)) return nullptr;
  napi_value error, message_value, errno_value, syscall_value;
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &message_value) != napi_ok ||
      napi_create_error(env, nullptr, message_value, &error) != napi_ok ||
      napi_create_int32(env, err, &errno_value) != napi_ok ||
      napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value) != napi_ok ||
      napi_set_named_property(env, error, "errno", errno_value) != napi_ok ||
      napi_set_named_property(env, error, "syscall", syscall_value) != napi_ok) {
    return ThrowTypeError(env, "ERR_INTERNAL_ASSERTION", "could not create a system error");
  }
  napi_throw(env, error);
  return nullptr;
}

namespace {

// Reads N int32 arguments; `rest`, when given, receives argument N.
template <size_t N>
bool Args(napi_env env, napi_callback_info info, int32_t (&out)[N], napi_value* rest = nullptr) {
  napi_value argv[N + 1];
  size_t argc = N + 1;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  for (size_t i = 0; i < N; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be of type number");
      return false;
    }
  }
  if (rest != nullptr) *rest = argv[N];
  return true;
}

napi_value Int(napi_env env, int32_t value) {
  napi_value result = nullptr;
  napi_create_int32(env, value, &result);
  return result;
}

// The bytes of a Uint8Array, read without touching its buffer object (safe
// for SharedArrayBuffer-backed and detached views).
bool Bytes(napi_env env, napi_value value, void** data, size_t* length,
           size_t max = kMaxOptionBytes) {
  bool is_typed_array = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, value, &type, length, data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array || (*data == nullptr && *length != 0)) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be a Uint8Array");
    return false;
  }
  if (*length > max) {
    ThrowTypeError(env, "ERR_OUT_OF_RANGE", "buffer too large");
    return false;
  }
  return true;
}

// Parses "a.b.c.d", "x::y" or "fe80::1%eth0" and `port` into `address`.
bool ParseAddress(napi_env env, napi_value value, int32_t port, sockaddr_storage* address,
                  int* length) {
  char text[kMaxAddress + 2];  // one more than allowed shows a longer string
  size_t text_length = 0;
  if (napi_get_value_string_utf8(env, value, text, sizeof(text), &text_length) != napi_ok) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "address must be of type string");
    return false;
  }
  memset(address, 0, sizeof(*address));
  // No longer than a literal can be, and no NUL inside (C would stop there).
  bool ok = text_length <= kMaxAddress && strlen(text) == text_length && port >= 0 && port <= 65535;
  if (ok && strchr(text, ':') != nullptr) {
    sockaddr_in6* in6 = reinterpret_cast<sockaddr_in6*>(address);
    char* zone = strchr(text, '%');
    if (zone != nullptr) {
      *zone++ = '\0';
      // As Node's net.isIPv6: a zone is one or more of [0-9A-Za-z.:-].
      ok = *zone != '\0' && strspn(zone, kZoneCharacters) == strlen(zone);
    }
    ok = ok && inet_pton(AF_INET6, text, &in6->sin6_addr) == 1;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    in6->sin6_scope_id = zone != nullptr ? platform::ScopeId(zone) : 0;
    *length = sizeof(*in6);
  } else if (ok) {
    sockaddr_in* in = reinterpret_cast<sockaddr_in*>(address);
    ok = inet_pton(AF_INET, text, &in->sin_addr) == 1;
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    *length = sizeof(*in);
  }
  if (!ok) ThrowTypeError(env, "ERR_INVALID_IP_ADDRESS", "invalid IP address or port");
  return ok;
}

// As ParseAddress, but '' stands for no address: `address` is zeroed
// (ss_family 0) and the call succeeds.
bool ParseOptionalAddress(napi_env env, napi_value value, sockaddr_storage* address) {
  memset(address, 0, sizeof(*address));
  size_t text_length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &text_length) != napi_ok) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "address must be of type string");
    return false;
  }
  int length;
  return text_length == 0 || ParseAddress(env, value, 0, address, &length);
}

int PortOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  return 0;
}

// The text of an IPv4 or IPv6 address into `text` (kMaxAddress + 1 bytes);
// link-local IPv6 addresses carry their zone, as Node writes them. Empty for
// any other family.
void AddressText(const sockaddr_storage& address, char* text) {
  const size_t size = kMaxAddress + 1;
  text[0] = '\0';
  if (address.ss_family == AF_INET6) {
    const sockaddr_in6& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, text, size) == nullptr) text[0] = '\0';
    if (in6.sin6_scope_id != 0) {
      size_t used = strlen(text);
      text[used] = '%';
      if (!platform::ZoneName(in6.sin6_scope_id, text + used + 1, size - used - 1))
        text[used] = '\0';
    }
  } else if (address.ss_family == AF_INET) {
    const sockaddr_in& in = reinterpret_cast<const sockaddr_in&>(address);
    if (inet_ntop(AF_INET, &in.sin_addr, text, size) == nullptr) text[0] = '\0';
  }
}

// { address, family, port } in the shape of Node's server.address().
napi_value EndPoint(napi_env env, const sockaddr_storage& address, const char* syscall) {
  if (address.ss_family != AF_INET6 && address.ss_family != AF_INET) {
    return ThrowSystemError(env, platform::kAddressFamilyNotSupported, syscall);
  }
  char text[kMaxAddress + 1];
  AddressText(address, text);
  const char* family = address.ss_family == AF_INET6 ? "IPv6" : "IPv4";
  napi_value result, address_value, family_value;
  if (napi_create_object(env, &result) != napi_ok ||
      napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &address_value) != napi_ok ||
      napi_create_string_utf8(env, family, NAPI_AUTO_LENGTH, &family_value) != napi_ok ||
      napi_set_named_property(env, result, "address", address_value) != napi_ok ||
      napi_set_named_property(env, result, "family", family_value) != napi_ok ||
      napi_set_named_property(env, result, "port", Int(env, PortOf(address))) != napi_ok) {
    return nullptr;
  }
  return result;
}

// socket(family, type, protocol) -> fd, close-on-exec.
napi_value Socket(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!Args(env, info, a)) return nullptr;
  int fd;
  int err = platform::OpenSocket(a[0], a[1], a[2], &fd);
  if (err != 0) return ThrowSystemError(env, err, "socket");
  return Int(env, fd);
}

// probe(family) -> 0, or the error code socket(family, SOCK_DGRAM, 0) gave.
napi_value Probe(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!Args(env, info, a)) return nullptr;
  int fd;
  int err = platform::OpenSocket(a[0], SOCK_DGRAM, 0, &fd);
  if (err == 0) platform::CloseSocket(fd);
  return Int(env, err);
}

// close(fd)
napi_value Close(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!Args(env, info, a)) return nullptr;
  int err = platform::CloseSocket(a[0]);
  if (err != 0) return ThrowSystemError(env, err, "close");
  return nullptr;
}

// getsockoptInt(fd, level, name) -> int
napi_value GetOptionInt(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!Args(env, info, a)) return nullptr;
  int value = 0;
  int length = sizeof(value);
  int err = platform::GetOption(a[0], a[1], a[2], &value, &length);
  if (err != 0) return ThrowSystemError(env, err, "getsockopt");
  return Int(env, value);
}

// setsockoptInt(fd, level, name, value)
napi_value SetOptionInt(napi_env env, napi_callback_info info) {
  int32_t a[4];
  if (!Args(env, info, a)) return nullptr;
  int err = platform::SetOption(a[0], a[1], a[2], &a[3], sizeof(a[3]));
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// getsockopt(fd, level, name, bytes) -> number of bytes written
napi_value GetOptionBytes(napi_env env, napi_callback_info info) {
  int32_t a[3];
  napi_value buffer;
  void* data;
  size_t size;
  if (!Args(env, info, a, &buffer) || !Bytes(env, buffer, &data, &size)) return nullptr;
  int length = static_cast<int>(size);
  int err = platform::GetOption(a[0], a[1], a[2], data, &length);
  if (err != 0) return ThrowSystemError(env, err, "getsockopt");
  return Int(env, length);
}

// setsockopt(fd, level, name, bytes)
napi_value SetOptionBytes(napi_env env, napi_callback_info info) {
  int32_t a[3];
  napi_value buffer;
  void* data;
  size_t size;
  if (!Args(env, info, a, &buffer) || !Bytes(env, buffer, &data, &size)) return nullptr;
  int err = platform::SetOption(a[0], a[1], a[2], data, static_cast<int>(size));
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// bind(fd, port, address): the address family follows the literal.
napi_value Bind(napi_env env, napi_callback_info info) {
  int32_t a[2];
  napi_value text;
  sockaddr_storage address;
  int length;
  if (!Args(env, info, a, &text) || !ParseAddress(env, text, a[1], &address, &length))
    return nullptr;
  int err = platform::Bind(a[0], reinterpret_cast<const sockaddr*>(&address), length);
  if (err != 0) return ThrowSystemError(env, err, "bind");
  return nullptr;
}

// listen(fd, backlog)
napi_value Listen(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!Args(env, info, a)) return nullptr;
  int err = platform::Listen(a[0], a[1]);
  if (err != 0) return ThrowSystemError(env, err, "listen");
  return nullptr;
}

// getsockname (or getpeername) of the fd argument into `address`; false,
// with the error thrown, when the call fails.
bool Query(napi_env env, napi_callback_info info, bool peer, sockaddr_storage* address) {
  int32_t a[1];
  if (!Args(env, info, a)) return false;
  int length;
  int err = peer ? platform::PeerAddress(a[0], address, &length)
                 : platform::LocalAddress(a[0], address, &length);
  if (err != 0) ThrowSystemError(env, err, peer ? "getpeername" : "getsockname");
  return err == 0;
}

// localPort(fd) -> the getsockname port, 0 while unbound.
napi_value LocalPort(napi_env env, napi_callback_info info) {
  sockaddr_storage address;
  return Query(env, info, false, &address) ? Int(env, PortOf(address)) : nullptr;
}

// getsockname(fd) -> { address, family, port }
napi_value LocalAddress(napi_env env, napi_callback_info info) {
  sockaddr_storage address;
  return Query(env, info, false, &address) ? EndPoint(env, address, "getsockname") : nullptr;
}

// getpeername(fd) -> { address, family, port }
napi_value PeerAddress(napi_env env, napi_callback_info info) {
  sockaddr_storage address;
  return Query(env, info, true, &address) ? EndPoint(env, address, "getpeername") : nullptr;
}

// dupAbove(fd, minimum) -> a close-on-exec copy numbered minimum or above.
napi_value Duplicate(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!Args(env, info, a)) return nullptr;
  int copy;
  int err = platform::Duplicate(a[0], a[1], &copy);
  if (err != 0) return ThrowSystemError(env, err, "fcntl");
  return Int(env, copy);
}

// describe(fd) -> [family, type, protocol] of an open socket.
napi_value Describe(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!Args(env, info, a)) return nullptr;
  int values[3];
  int err = platform::Describe(a[0], &values[0], &values[1], &values[2]);
  if (err != 0) return ThrowSystemError(env, err, "getsockopt");
  napi_value result;
  if (napi_create_array_with_length(env, 3, &result) != napi_ok) return nullptr;
  for (uint32_t i = 0; i < 3; i++) {
    if (napi_set_element(env, result, i, Int(env, values[i])) != napi_ok) return nullptr;
  }
  return result;
}

// membership(fd, join, group, local, interfaceIndex): joins or leaves a
// multicast group; local '' names no address.
napi_value Membership(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  int32_t fd, join;
  uint32_t interface_index;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &join) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &interface_index) != napi_ok) {
    return ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be of type number");
  }
  sockaddr_storage group, local;
  int length;
  if (!ParseAddress(env, argv[2], 0, &group, &length) ||
      !ParseOptionalAddress(env, argv[3], &local))
    return nullptr;
  int err = platform::SetMembership(fd, join != 0, group, local, interface_index);
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// getLinger(fd) -> [on, seconds]
napi_value GetLinger(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!Args(env, info, a)) return nullptr;
  linger value = {};  // l_onoff and l_linger: ints on Unix, u_shorts on Windows
  int length = sizeof(value);
  int err = platform::GetOption(a[0], SOL_SOCKET, SO_LINGER, &value, &length);
  if (err != 0) return ThrowSystemError(env, err, "getsockopt");
  int on = value.l_onoff, seconds = value.l_linger;
  napi_value result;
  if (napi_create_array_with_length(env, 2, &result) != napi_ok ||
      napi_set_element(env, result, 0, Int(env, on)) != napi_ok ||
      napi_set_element(env, result, 1, Int(env, seconds)) != napi_ok) {
    return nullptr;
  }
  return result;
}

// setLinger(fd, on, seconds)
napi_value SetLinger(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!Args(env, info, a)) return nullptr;
  linger value = {};
  value.l_onoff = static_cast<decltype(value.l_onoff)>(a[1]);
  value.l_linger = static_cast<decltype(value.l_linger)>(a[2]);
  int err = platform::SetOption(a[0], SOL_SOCKET, SO_LINGER, &value, sizeof(value));
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// Datagram I/O (API.md §8). recvmsg and sendmsg return the byte count, or a
// negative errno instead of throwing: EAGAIN is the usual answer of a
// non-blocking socket, not an error, and TypeScript turns the others into a
// SocketError for the promise it rejects.

// The text of `address` as a JavaScript string.
napi_value Text(napi_env env, const sockaddr_storage& address) {
  char text[kMaxAddress + 1];
  AddressText(address, text);
  napi_value value = nullptr;
  napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &value);
  return value;
}

// recvmsg(fd, family, buffer, info, meta) -> bytes received or -errno. meta
// receives [flags, remote address, remote port] and, when `info` is 1,
// [local address, interface].
napi_value ReceiveMessage(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  int32_t fd, family, want_info;
  void* data;
  size_t size;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &family) != napi_ok ||
      napi_get_value_int32(env, argv[3], &want_info) != napi_ok ||
      napi_is_array(env, argv[4], &is_array) != napi_ok || !is_array) {
    return ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "recvmsg(fd, family, buffer, info, meta)");
  }
  if (!Bytes(env, argv[2], &data, &size, INT32_MAX)) return nullptr;
  sockaddr_storage from;
  platform::PacketInfo packet;
  int flags = 0;
  size_t received = 0;
  int err = platform::ReceiveMessage(fd, family, data, size, &from, want_info ? &packet : nullptr,
                                     &flags, &received);
  if (err != 0) return Int(env, err);
  napi_value meta = argv[4];
  if (napi_set_element(env, meta, 0, Int(env, flags)) != napi_ok ||
      napi_set_element(env, meta, 1, Text(env, from)) != napi_ok ||
      napi_set_element(env, meta, 2, Int(env, PortOf(from))) != napi_ok) {
    return nullptr;
  }
  if (want_info &&
      (napi_set_element(env, meta, 3, Text(env, packet.address)) != napi_ok ||
       napi_set_element(env, meta, 4, Int(env, static_cast<int32_t>(packet.interface_index))) !=
           napi_ok)) {
    return nullptr;
  }
  return Int(env, static_cast<int32_t>(received));
}

// sendmsg(fd, buffer, port, address, fromAddress, fromInterface) -> bytes
// sent or -errno. fromAddress '' and fromInterface 0: the kernel chooses.
napi_value SendMessage(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  size_t argc = 6;
  int32_t fd, port;
  uint32_t interface_index;
  void* data;
  size_t size;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &interface_index) != napi_ok) {
    return ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be of type number");
  }
  if (!Bytes(env, argv[1], &data, &size, INT32_MAX)) return nullptr;
  sockaddr_storage to;
  int to_length;
  if (!ParseAddress(env, argv[3], port, &to, &to_length)) return nullptr;
  platform::PacketInfo source;
  source.interface_index = interface_index;
  if (!ParseOptionalAddress(env, argv[4], &source.address)) return nullptr;
  size_t sent = 0;
  int err = platform::SendMessage(fd, data, size, reinterpret_cast<const sockaddr*>(&to), to_length,
                                  source, &sent);
  return Int(env, err != 0 ? err : static_cast<int32_t>(sent));
}

// packetInfo(fd, ipv4, ipv6): turns on the receipt of packet information.
napi_value PacketInfo(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!Args(env, info, a)) return nullptr;
  int err = platform::EnablePacketInfo(a[0], a[1] != 0, a[2] != 0);
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// nonBlocking(fd): O_NONBLOCK, for the event-loop path.
napi_value NonBlocking(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!Args(env, info, a)) return nullptr;
  int err = platform::SetNonBlocking(a[0]);
  if (err != 0) return ThrowSystemError(env, err, "fcntl");
  return nullptr;
}

// A worker thread's environment keeps the descriptors its Sockets own, and
// closes those still owned when it is torn down: terminate() runs no
// finalizer, and Node closes only its own handles (and fs descriptors) then.
// The main thread does not keep them: its teardown is the process's exit.
struct Owned {
  std::unordered_set<int> fds;
};

void CloseOwned(napi_env, void* data, void*) {
  Owned* owned = static_cast<Owned*>(data);
  for (int fd : owned->fds) platform::CloseSocket(fd);
  delete owned;
}

// own(fd, owned): adds fd to, or removes it from, this environment's list.
napi_value Own(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!Args(env, info, a)) return nullptr;
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok) return nullptr;
  if (data == nullptr) {
    data = new Owned();
    if (napi_set_instance_data(env, data, CloseOwned, nullptr) != napi_ok) {
      delete static_cast<Owned*>(data);
      return ThrowTypeError(env, "ERR_INTERNAL_ASSERTION", "could not keep the descriptor list");
    }
  }
  Owned* owned = static_cast<Owned*>(data);
  if (a[1] != 0)
    owned->fds.insert(a[0]);
  else
    owned->fds.erase(a[0]);
  return nullptr;
}

}  // namespace
}  // namespace dualmode

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace dualmode;
  Napi::Object constants = Napi::Object::New(env);
  for (size_t i = 0; i < platform::kConstantCount; i++)
    constants.Set(platform::kConstants[i].name, platform::kConstants[i].value);
  exports.Set("constants", constants);
  const struct {
    const char* name;
    napi_callback callback;
  } functions[] = {
      {"socket", Socket},
      {"probe", Probe},
      {"close", Close},
      {"getsockoptInt", GetOptionInt},
      {"setsockoptInt", SetOptionInt},
      {"getsockopt", GetOptionBytes},
      {"setsockopt", SetOptionBytes},
      {"bind", Bind},
      {"listen", Listen},
      {"localPort", LocalPort},
      {"getsockname", LocalAddress},
      {"getpeername", PeerAddress},
      {"dupAbove", Duplicate},
      {"describe", Describe},
      {"own", Own},
      {"recvmsg", ReceiveMessage},
      {"sendmsg", SendMessage},
      {"packetInfo", PacketInfo},
      {"nonBlocking", NonBlocking},
      {"membership", Membership},
      {"getLinger", GetLinger},
      {"setLinger", SetLinger},
  };
  for (const auto& function : functions) {
    napi_value value;
    if (napi_create_function(env, function.name, NAPI_AUTO_LENGTH, function.callback, nullptr,
                             &value) != napi_ok)
      return exports;
    exports.Set(function.name, Napi::Value(env, value));
  }
  AddWatcher(env, exports);
  return exports;
}

NODE_API_MODULE(dualmode, Init)
