// N-API glue: stateless functions over a socket descriptor, one system call
// each, written with node-addon-api. Each C++ function bears the name of its
// export (getsockoptInt is GetSockOptInt, getsockname GetSockName, dupAbove
// DupAbove). Arguments are plain numbers, strings and Uint8Arrays already
// checked in TypeScript; they are checked again here so that no input can
// crash the process. Every failure throws an Error shaped like Node's own
// system errors: `errno` (negative, as Node reports it) and `syscall`;
// src/native.ts adds `code` and the message.
//
// node-addon-api throughout: CallbackInfo, Value, Object, Array, Uint8Array,
// Error, and Function::New for registration. Three places use the C API
// under it instead:
// - getsockoptInt and setsockoptInt (the dualMode getter and setter) are
//   plain napi_callbacks that read their int32 arguments with FastInts():
//   building a CallbackInfo (receiver, data, six argument slots) costs about
//   8 ns there, 4 % of a setsockopt round trip (npm run bench, "bare N-API").
// - Int32() reads an int32 argument with the C API: node-addon-api's
//   Int32Value throws a generic Error on a non-number, not our TypeError.
// - AddressArgument() reads an address string into a stack buffer, where
//   Utf8Value would allocate a std::string on bind's and sendmsg's path.
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

// Throws `message` with `code` as a TypeError, unless an exception is
// already pending (throwing over it would abort the process).
Napi::Value ThrowTypeError(Napi::Env env, const char* code, const char* message) {
  if (env.IsExceptionPending()) return Napi::Value();
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
  return Napi::Value();
}

// Throws an Error carrying `errno` (negative, as Node reports it) and
// `syscall`. Its `code` and message ("<syscall> <CODE>: <description>") are
// filled in by src/native.ts from Node's own table (util.getSystemErrorMap),
// so that the addon needs no libuv to name an error.
Napi::Value ThrowSystemError(Napi::Env env, int err, const char* syscall) {
  if (env.IsExceptionPending()) return Napi::Value();
  Napi::Error error = Napi::Error::New(env, syscall);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.ThrowAsJavaScriptException();
  return Napi::Value();
}

namespace {

// A uint32 argument (an interface index); false, with a TypeError thrown,
// for a non-number.
bool Uint32(const Napi::Value& value, uint32_t* out) {
  if (napi_get_value_uint32(value.Env(), value, out) == napi_ok) return true;
  ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "argument must be of type number");
  return false;
}

// The first N arguments, as int32s.
template <size_t N>
bool Ints(const Napi::CallbackInfo& info, int32_t (&out)[N]) {
  for (size_t i = 0; i < N; i++) {
    if (!Int32(info[i], &out[i])) return false;
  }
  return true;
}

// The first N arguments as int32s, read without a CallbackInfo: for the two
// functions behind the dualMode getter and setter (see the file header).
template <size_t N>
bool FastInts(napi_env env, napi_callback_info info, int32_t (&out)[N]) {
  size_t argc = N;
  napi_value argv[N];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  for (size_t i = 0; i < N; i++) {
    if (!Int32(Napi::Value(env, argv[i]), &out[i])) return false;
  }
  return true;
}

Napi::Value Int(Napi::Env env, int32_t value) { return Napi::Number::New(env, value); }

// The bytes of a Uint8Array, read without touching its buffer object (safe
// for SharedArrayBuffer-backed and detached views).
bool Bytes(const Napi::Value& value, void** data, size_t* length, size_t max = kMaxOptionBytes) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray()) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be a Uint8Array");
    return false;
  }
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  *data = bytes.Data();
  *length = bytes.ElementLength();
  if (bytes.TypedArrayType() != napi_uint8_array || (*data == nullptr && *length != 0)) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "argument must be a Uint8Array");
    return false;
  }
  if (*length > max) {
    ThrowTypeError(env, "ERR_OUT_OF_RANGE", "buffer too large");
    return false;
  }
  return true;
}

// An address argument into `text` (kMaxAddress + 2 bytes: one more than
// allowed shows a longer string); false, with a TypeError thrown, for a
// non-string.
bool AddressArgument(const Napi::Value& value, char* text, size_t* length) {
  if (napi_get_value_string_utf8(value.Env(), value, text, kMaxAddress + 2, length) == napi_ok)
    return true;
  ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "address must be of type string");
  return false;
}

// Parses `text` ("a.b.c.d", "x::y" or "fe80::1%eth0", `length` bytes as
// read, in a buffer of kMaxAddress + 2) and `port` into `address`.
bool ParseAddressText(Napi::Env env, char* text, size_t text_length, int32_t port,
                      sockaddr_storage* address, int* length) {
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

// An address argument and `port` into `address`.
bool ParseAddress(const Napi::Value& value, int32_t port, sockaddr_storage* address, int* length) {
  char text[kMaxAddress + 2];
  size_t text_length = 0;
  return AddressArgument(value, text, &text_length) &&
         ParseAddressText(value.Env(), text, text_length, port, address, length);
}

// As ParseAddress, but '' stands for no address: `address` is zeroed
// (ss_family 0) and the call succeeds.
bool ParseOptionalAddress(const Napi::Value& value, sockaddr_storage* address) {
  char text[kMaxAddress + 2];
  size_t text_length = 0;
  memset(address, 0, sizeof(*address));
  if (!AddressArgument(value, text, &text_length)) return false;
  int length;
  return text_length == 0 || ParseAddressText(value.Env(), text, text_length, 0, address, &length);
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
Napi::Value EndPoint(Napi::Env env, const sockaddr_storage& address, const char* syscall) {
  if (address.ss_family != AF_INET6 && address.ss_family != AF_INET) {
    return ThrowSystemError(env, platform::kAddressFamilyNotSupported, syscall);
  }
  char text[kMaxAddress + 1];
  AddressText(address, text);
  Napi::Object result = Napi::Object::New(env);
  result.Set("address", Napi::String::New(env, text));
  result.Set("family", Napi::String::New(env, address.ss_family == AF_INET6 ? "IPv6" : "IPv4"));
  result.Set("port", Int(env, PortOf(address)));
  return result;
}

// socket(family, type, protocol) -> fd, close-on-exec.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  int32_t a[3];
  if (!Ints(info, a)) return Napi::Value();
  int fd;
  int err = platform::OpenSocket(a[0], a[1], a[2], &fd);
  if (err != 0) return ThrowSystemError(info.Env(), err, "socket");
  return Int(info.Env(), fd);
}

// probe(family) -> 0, or the error code socket(family, SOCK_DGRAM, 0) gave.
Napi::Value Probe(const Napi::CallbackInfo& info) {
  int32_t a[1];
  if (!Ints(info, a)) return Napi::Value();
  int fd;
  int err = platform::OpenSocket(a[0], SOCK_DGRAM, 0, &fd);
  if (err == 0) platform::CloseSocket(fd);
  return Int(info.Env(), err);
}

// close(fd)
Napi::Value Close(const Napi::CallbackInfo& info) {
  int32_t a[1];
  if (!Ints(info, a)) return Napi::Value();
  int err = platform::CloseSocket(a[0]);
  if (err != 0) return ThrowSystemError(info.Env(), err, "close");
  return Napi::Value();
}

// getsockoptInt(fd, level, name) -> int
napi_value GetSockOptInt(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!FastInts(env, info, a)) return nullptr;
  int value = 0;
  int length = sizeof(value);
  int err = platform::GetOption(a[0], a[1], a[2], &value, &length);
  if (err != 0) return ThrowSystemError(env, err, "getsockopt");
  return Int(env, value);
}

// setsockoptInt(fd, level, name, value)
napi_value SetSockOptInt(napi_env env, napi_callback_info info) {
  int32_t a[4];
  if (!FastInts(env, info, a)) return nullptr;
  int err = platform::SetOption(a[0], a[1], a[2], &a[3], sizeof(a[3]));
  if (err != 0) return ThrowSystemError(env, err, "setsockopt");
  return nullptr;
}

// getsockopt(fd, level, name, bytes) -> number of bytes written
Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  int32_t a[3];
  void* data;
  size_t size;
  if (!Ints(info, a) || !Bytes(info[3], &data, &size)) return Napi::Value();
  int length = static_cast<int>(size);
  int err = platform::GetOption(a[0], a[1], a[2], data, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  return Int(info.Env(), length);
}

// setsockopt(fd, level, name, bytes)
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  int32_t a[3];
  void* data;
  size_t size;
  if (!Ints(info, a) || !Bytes(info[3], &data, &size)) return Napi::Value();
  int err = platform::SetOption(a[0], a[1], a[2], data, static_cast<int>(size));
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return Napi::Value();
}

// bind(fd, port, address): the address family follows the literal.
Napi::Value Bind(const Napi::CallbackInfo& info) {
  int32_t a[2];
  sockaddr_storage address;
  int length;
  if (!Ints(info, a) || !ParseAddress(info[2], a[1], &address, &length)) return Napi::Value();
  int err = platform::Bind(a[0], reinterpret_cast<const sockaddr*>(&address), length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "bind");
  return Napi::Value();
}

// listen(fd, backlog)
Napi::Value Listen(const Napi::CallbackInfo& info) {
  int32_t a[2];
  if (!Ints(info, a)) return Napi::Value();
  int err = platform::Listen(a[0], a[1]);
  if (err != 0) return ThrowSystemError(info.Env(), err, "listen");
  return Napi::Value();
}

// getsockname (or getpeername) of the fd argument into `address`; false,
// with the error thrown, when the call fails.
bool Query(const Napi::CallbackInfo& info, bool peer, sockaddr_storage* address) {
  int32_t a[1];
  if (!Ints(info, a)) return false;
  int length;
  int err = peer ? platform::PeerAddress(a[0], address, &length)
                 : platform::LocalAddress(a[0], address, &length);
  if (err != 0) ThrowSystemError(info.Env(), err, peer ? "getpeername" : "getsockname");
  return err == 0;
}

// localPort(fd) -> the getsockname port, 0 while unbound.
Napi::Value LocalPort(const Napi::CallbackInfo& info) {
  sockaddr_storage address;
  return Query(info, false, &address) ? Int(info.Env(), PortOf(address)) : Napi::Value();
}

// getsockname(fd) -> { address, family, port }
Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  sockaddr_storage address;
  return Query(info, false, &address) ? EndPoint(info.Env(), address, "getsockname")
                                      : Napi::Value();
}

// getpeername(fd) -> { address, family, port }
Napi::Value GetPeerName(const Napi::CallbackInfo& info) {
  sockaddr_storage address;
  return Query(info, true, &address) ? EndPoint(info.Env(), address, "getpeername") : Napi::Value();
}

// dupAbove(fd, minimum) -> a close-on-exec copy numbered minimum or above.
Napi::Value DupAbove(const Napi::CallbackInfo& info) {
  int32_t a[2];
  if (!Ints(info, a)) return Napi::Value();
  int copy;
  int err = platform::Duplicate(a[0], a[1], &copy);
  if (err != 0) return ThrowSystemError(info.Env(), err, "fcntl");
  return Int(info.Env(), copy);
}

// An array of int32s.
template <size_t N>
Napi::Value IntArray(Napi::Env env, const int (&values)[N]) {
  Napi::Array result = Napi::Array::New(env, N);
  for (uint32_t i = 0; i < N; i++) result.Set(i, Int(env, values[i]));
  return result;
}

// describe(fd) -> [family, type, protocol] of an open socket.
Napi::Value Describe(const Napi::CallbackInfo& info) {
  int32_t a[1];
  if (!Ints(info, a)) return Napi::Value();
  int values[3];
  int err = platform::Describe(a[0], &values[0], &values[1], &values[2]);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  return IntArray(info.Env(), values);
}

// membership(fd, join, group, local, interfaceIndex): joins or leaves a
// multicast group; local '' names no address.
Napi::Value Membership(const Napi::CallbackInfo& info) {
  int32_t a[2];
  uint32_t interface_index;
  sockaddr_storage group, local;
  int length;
  if (!Ints(info, a) || !Uint32(info[4], &interface_index) ||
      !ParseAddress(info[2], 0, &group, &length) || !ParseOptionalAddress(info[3], &local)) {
    return Napi::Value();
  }
  int err = platform::SetMembership(a[0], a[1] != 0, group, local, interface_index);
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return Napi::Value();
}

// getLinger(fd) -> [on, seconds]
Napi::Value GetLinger(const Napi::CallbackInfo& info) {
  int32_t a[1];
  if (!Ints(info, a)) return Napi::Value();
  linger value = {};  // l_onoff and l_linger: ints on Unix, u_shorts on Windows
  int length = sizeof(value);
  int err = platform::GetOption(a[0], SOL_SOCKET, SO_LINGER, &value, &length);
  if (err != 0) return ThrowSystemError(info.Env(), err, "getsockopt");
  const int values[2] = {value.l_onoff, value.l_linger};
  return IntArray(info.Env(), values);
}

// setLinger(fd, on, seconds)
Napi::Value SetLinger(const Napi::CallbackInfo& info) {
  int32_t a[3];
  if (!Ints(info, a)) return Napi::Value();
  linger value = {};
  value.l_onoff = static_cast<decltype(value.l_onoff)>(a[1]);
  value.l_linger = static_cast<decltype(value.l_linger)>(a[2]);
  int err = platform::SetOption(a[0], SOL_SOCKET, SO_LINGER, &value, sizeof(value));
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return Napi::Value();
}

// Datagram I/O (API.md §8). recvmsg and sendmsg return the byte count, or a
// negative errno instead of throwing: EAGAIN is the usual answer of a
// non-blocking socket, not an error, and TypeScript turns the others into a
// SocketError for the promise it rejects.

// The text of `address` as a JavaScript string.
Napi::Value Text(Napi::Env env, const sockaddr_storage& address) {
  char text[kMaxAddress + 1];
  AddressText(address, text);
  return Napi::String::New(env, text);
}

// recvmsg(fd, family, buffer, info, meta) -> bytes received or -errno. meta
// receives [flags, remote address, remote port] and, when `info` is 1,
// [local address, interface].
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, family, want_info;
  void* data;
  size_t size;
  if (!Int32(info[0], &fd) || !Int32(info[1], &family) || !Int32(info[3], &want_info) ||
      !Bytes(info[2], &data, &size, INT32_MAX)) {
    return Napi::Value();
  }
  if (!info[4].IsArray()) {
    return ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "recvmsg(fd, family, buffer, info, meta)");
  }
  sockaddr_storage from;
  platform::PacketInfo packet;
  int flags = 0;
  size_t received = 0;
  int err = platform::ReceiveMessage(fd, family, data, size, &from, want_info ? &packet : nullptr,
                                     &flags, &received);
  if (err != 0) return Int(env, err);
  Napi::Array meta = info[4].As<Napi::Array>();
  if (!meta.Set(0u, Int(env, flags)) || !meta.Set(1u, Text(env, from)) ||
      !meta.Set(2u, Int(env, PortOf(from)))) {
    return Napi::Value();
  }
  if (want_info && (!meta.Set(3u, Text(env, packet.address)) ||
                    !meta.Set(4u, Int(env, static_cast<int32_t>(packet.interface_index))))) {
    return Napi::Value();
  }
  return Int(env, static_cast<int32_t>(received));
}

// sendmsg(fd, buffer, port, address, fromAddress, fromInterface) -> bytes
// sent or -errno. fromAddress '' and fromInterface 0: the kernel chooses.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  int32_t fd, port;
  void* data;
  size_t size;
  sockaddr_storage to;
  int to_length;
  platform::PacketInfo source;
  if (!Int32(info[0], &fd) || !Int32(info[2], &port) || !Uint32(info[5], &source.interface_index) ||
      !Bytes(info[1], &data, &size, INT32_MAX) || !ParseAddress(info[3], port, &to, &to_length) ||
      !ParseOptionalAddress(info[4], &source.address)) {
    return Napi::Value();
  }
  size_t sent = 0;
  int err = platform::SendMessage(fd, data, size, reinterpret_cast<const sockaddr*>(&to), to_length,
                                  source, &sent);
  return Int(info.Env(), err != 0 ? err : static_cast<int32_t>(sent));
}

// packetInfo(fd, ipv4, ipv6): turns on the receipt of packet information.
Napi::Value PacketInfo(const Napi::CallbackInfo& info) {
  int32_t a[3];
  if (!Ints(info, a)) return Napi::Value();
  int err = platform::EnablePacketInfo(a[0], a[1] != 0, a[2] != 0);
  if (err != 0) return ThrowSystemError(info.Env(), err, "setsockopt");
  return Napi::Value();
}

// nonBlocking(fd): O_NONBLOCK, for the event-loop path.
Napi::Value NonBlocking(const Napi::CallbackInfo& info) {
  int32_t a[1];
  if (!Ints(info, a)) return Napi::Value();
  int err = platform::SetNonBlocking(a[0]);
  if (err != 0) return ThrowSystemError(info.Env(), err, "fcntl");
  return Napi::Value();
}

// A worker thread's environment keeps the descriptors its Sockets own, and
// closes those still owned when it is torn down: terminate() runs no
// finalizer, and Node closes only its own handles (and fs descriptors) then.
// The main thread does not keep them: its teardown is the process's exit.
// Kept as the environment's instance data (Env::SetInstanceData), which is
// deleted, closing what is left, at teardown.
struct Owned {
  std::unordered_set<int> fds;
  ~Owned() {
    for (int fd : fds) platform::CloseSocket(fd);
  }
};

// own(fd, owned): adds fd to, or removes it from, this environment's list.
Napi::Value Own(const Napi::CallbackInfo& info) {
  int32_t a[2];
  if (!Ints(info, a)) return Napi::Value();
  Napi::Env env = info.Env();
  Owned* owned = env.GetInstanceData<Owned>();
  if (owned == nullptr) {
    owned = new Owned();
    env.SetInstanceData(owned);
    if (env.IsExceptionPending()) {
      delete owned;
      return Napi::Value();
    }
  }
  if (a[1] != 0)
    owned->fds.insert(a[0]);
  else
    owned->fds.erase(a[0]);
  return Napi::Value();
}

}  // namespace
}  // namespace dualmode

// A function over a plain napi_callback (no CallbackInfo).
static Napi::Function FastFunction(Napi::Env env, napi_callback callback, const char* name) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED(env,
                       napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn),
                       Napi::Function());
  return Napi::Function(env, fn);
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace dualmode;
  Napi::Object constants = Napi::Object::New(env);
  for (size_t i = 0; i < platform::kConstantCount; i++)
    constants.Set(platform::kConstants[i].name, platform::kConstants[i].value);
  exports.Set("constants", constants);
  exports.Set("socket", Napi::Function::New<Socket>(env, "socket"));
  exports.Set("probe", Napi::Function::New<Probe>(env, "probe"));
  exports.Set("close", Napi::Function::New<Close>(env, "close"));
  exports.Set("getsockoptInt", FastFunction(env, GetSockOptInt, "getsockoptInt"));
  exports.Set("setsockoptInt", FastFunction(env, SetSockOptInt, "setsockoptInt"));
  exports.Set("getsockopt", Napi::Function::New<GetSockOpt>(env, "getsockopt"));
  exports.Set("setsockopt", Napi::Function::New<SetSockOpt>(env, "setsockopt"));
  exports.Set("bind", Napi::Function::New<Bind>(env, "bind"));
  exports.Set("listen", Napi::Function::New<Listen>(env, "listen"));
  exports.Set("localPort", Napi::Function::New<LocalPort>(env, "localPort"));
  exports.Set("getsockname", Napi::Function::New<GetSockName>(env, "getsockname"));
  exports.Set("getpeername", Napi::Function::New<GetPeerName>(env, "getpeername"));
  exports.Set("dupAbove", Napi::Function::New<DupAbove>(env, "dupAbove"));
  exports.Set("describe", Napi::Function::New<Describe>(env, "describe"));
  exports.Set("own", Napi::Function::New<Own>(env, "own"));
  exports.Set("recvmsg", Napi::Function::New<RecvMsg>(env, "recvmsg"));
  exports.Set("sendmsg", Napi::Function::New<SendMsg>(env, "sendmsg"));
  exports.Set("packetInfo", Napi::Function::New<PacketInfo>(env, "packetInfo"));
  exports.Set("nonBlocking", Napi::Function::New<NonBlocking>(env, "nonBlocking"));
  exports.Set("membership", Napi::Function::New<Membership>(env, "membership"));
  exports.Set("getLinger", Napi::Function::New<GetLinger>(env, "getLinger"));
  exports.Set("setLinger", Napi::Function::New<SetLinger>(env, "setLinger"));
  AddWatcher(env, exports);
  return exports;
}

NODE_API_MODULE(dualmode, Init)
