// Shared by the N-API glue (dualmode.cc) and the event-loop watcher
// (watcher.cc), the addon's one stateful part.
#pragma once

#include <napi.h>

namespace dualmode {

// Throws a TypeError with `code`, unless an exception is already pending.
Napi::Value ThrowTypeError(Napi::Env env, const char* code, const char* message);
// Throws Node's system-error shape for error code `err` (a negative errno).
Napi::Value ThrowSystemError(Napi::Env env, int err, const char* syscall);
// An int32 argument; false, with a TypeError thrown, for a non-number.
// Inline: it is on every call's path.
inline bool Int32(const Napi::Value& value, int32_t* out) {
  if (napi_get_value_int32(value.Env(), value, out) == napi_ok) return true;
  ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "argument must be of type number");
  return false;
}
// Adds watch(), watchEvents() and unwatch() to the exports.
void AddWatcher(Napi::Env env, Napi::Object exports);

}  // namespace dualmode
