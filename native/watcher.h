// Shared by the N-API glue (dualmode.cc) and the event-loop watcher
// (watcher.cc), the addon's one stateful part.
#pragma once

#include <node_api.h>

namespace dualmode {

// Throws a TypeError with `code`, unless an exception is already pending.
napi_value ThrowTypeError(napi_env env, const char* code, const char* message);
// Throws Node's system-error shape for error code `err` (a negative errno).
napi_value ThrowSystemError(napi_env env, int err, const char* syscall);
// Adds watch(), watchEvents() and unwatch() to the exports.
void AddWatcher(napi_env env, napi_value exports);

}  // namespace dualmode
