// The addon's one piece of state (API.md §1, §8): an event-loop watcher for a
// Socket that does its own datagram I/O. It is a libuv poll handle on the
// descriptor, on the loop of the environment that made it (Node's main
// thread or a worker), and calls a JavaScript function with the events that
// are ready; the I/O itself is done by the stateless functions of
// dualmode.cc. Only runtimes with libuv reach this file: TypeScript refuses
// datagram I/O on the others before calling it.
//
// Lifetime: JavaScript holds the watcher through an external. The watcher is
// closed exactly once, before its descriptor, by the first of:
//   - unwatch() (close, detach, hand-off, the GC finalizer of the Socket),
//   - the external's finalizer (a safety net: the Socket's own finalizer
//     calls unwatch() first),
//   - the environment's teardown (a worker terminated with calls pending),
//     through an async cleanup hook, which lets the loop run the close.
// While it polls, the watcher holds its callback strongly (and keeps the
// loop alive); while idle, weakly, so an idle Socket can be collected.
//
// The exports use node-addon-api as dualmode.cc does. The watcher's own
// handles (the callback's reference, its async context) are plain N-API
// handles, released by hand: node-addon-api's wrappers release theirs in
// their destructors, which must not run at environment teardown, when the
// N-API state goes with the environment and only libuv may be touched.
#include "watcher.h"

#include <uv.h>

namespace dualmode {
namespace {

struct Watcher;

// What the external points to; outlives the watcher when unwatch() ran first.
struct Slot {
  Watcher* watcher;
};

struct Watcher {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  napi_async_cleanup_hook_handle cleanup;
  Slot* slot;
  int events;  // what poll is started for; 0 when stopped
};

void Closed(uv_handle_t* handle) { delete static_cast<Watcher*>(handle->data); }

void ClosedOnTeardown(uv_handle_t* handle) {
  Watcher* watcher = static_cast<Watcher*>(handle->data);
  napi_remove_async_cleanup_hook(watcher->cleanup);
  delete watcher;
}

// Environment teardown: only libuv is touched; N-API state goes with the env.
void Teardown(napi_async_cleanup_hook_handle, void* data) {
  Watcher* watcher = static_cast<Watcher*>(data);
  if (watcher->slot != nullptr) watcher->slot->watcher = nullptr;
  watcher->slot = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&watcher->poll), ClosedOnTeardown);
}

void Close(Watcher* watcher) {
  if (watcher->slot != nullptr) watcher->slot->watcher = nullptr;
  watcher->slot = nullptr;
  napi_remove_async_cleanup_hook(watcher->cleanup);
  napi_delete_reference(watcher->env, watcher->callback);
  napi_async_destroy(watcher->env, watcher->context);
  // uv_close stops the poll now, so the descriptor may be closed right after.
  uv_close(reinterpret_cast<uv_handle_t*>(&watcher->poll), Closed);
}

void SlotFinalized(Napi::Env, Slot* slot) {
  if (slot->watcher != nullptr) Close(slot->watcher);
  delete slot;
}

void OnPoll(uv_poll_t* poll, int status, int events) {
  Watcher* watcher = static_cast<Watcher*>(poll->data);
  napi_env env = watcher->env;  // the watcher may be closed by the callback
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver, argument, result;
  bool have_callback =
      napi_get_reference_value(env, watcher->callback, &callback) == napi_ok && callback != nullptr;
  if (status < 0) {
    // libuv stops the poll when the socket has an error pending (POLLERR,
    // reported as UV_EBADF): the callback learns it and may start it again.
    uint32_t count;
    napi_reference_unref(env, watcher->callback, &count);
    watcher->events = 0;
  }
  if (have_callback && napi_get_global(env, &receiver) == napi_ok &&
      napi_create_int32(env, status < 0 ? status : events, &argument) == napi_ok &&
      napi_make_callback(env, watcher->context, receiver, callback, 1, &argument, &result) ==
          napi_pending_exception) {
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

// The watcher an external holds (nullptr once closed); false, with a
// TypeError thrown, when `value` is not one.
bool From(const Napi::Value& value, Watcher** watcher) {
  if (!value.IsExternal()) {
    ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "argument must be a watcher");
    return false;
  }
  *watcher = value.As<Napi::External<Slot>>().Data()->watcher;
  return true;
}

// watch(fd, callback) -> watcher: polls nothing until watchEvents().
Napi::Value Watch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!Int32(info[0], &fd)) return Napi::Value();
  if (!info[1].IsFunction())
    return ThrowTypeError(env, "ERR_INVALID_ARG_TYPE", "watch(fd, callback)");
  uv_loop_t* loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return Napi::Value();
  Watcher* watcher = new Watcher();
  watcher->env = env;
  watcher->poll.data = watcher;
  int err = uv_poll_init(loop, &watcher->poll, fd);
  if (err != 0) {
    delete watcher;
    return ThrowSystemError(env, err, "uv_poll_init");
  }
  Slot* slot = new Slot{watcher};
  watcher->slot = slot;
  if (napi_create_reference(env, info[1], 0, &watcher->callback) != napi_ok ||
      napi_async_init(env, nullptr, Napi::String::New(env, "dualmode:Socket"), &watcher->context) !=
          napi_ok ||
      napi_add_async_cleanup_hook(env, Teardown, watcher, &watcher->cleanup) != napi_ok) {
    // Only reachable when the engine is out of memory: leave the handle for
    // the loop to reap rather than risk a half-made one.
    return ThrowTypeError(env, "ERR_INTERNAL_ASSERTION", "could not create the watcher");
  }
  return Napi::External<Slot>::New(env, slot, SlotFinalized);
}

// watchEvents(watcher, events): polls for UV_READABLE | UV_WRITABLE, or
// stops polling (0). Polling holds the callback strongly.
Napi::Value WatchEvents(const Napi::CallbackInfo& info) {
  Watcher* watcher;
  int32_t events;
  if (!From(info[0], &watcher) || !Int32(info[1], &events) || watcher == nullptr) {
    return Napi::Value();  // a closed watcher polls nothing
  }
  events &= UV_READABLE | UV_WRITABLE;
  if (events == watcher->events) return Napi::Value();
  int err =
      events != 0 ? uv_poll_start(&watcher->poll, events, OnPoll) : uv_poll_stop(&watcher->poll);
  if (err != 0) return ThrowSystemError(info.Env(), err, "uv_poll_start");
  uint32_t count;
  if (watcher->events == 0) napi_reference_ref(watcher->env, watcher->callback, &count);
  if (events == 0) napi_reference_unref(watcher->env, watcher->callback, &count);
  watcher->events = events;
  return Napi::Value();
}

// unwatch(watcher): closes it; the descriptor may be closed right after.
// Does nothing the second time.
Napi::Value Unwatch(const Napi::CallbackInfo& info) {
  Watcher* watcher;
  if (!From(info[0], &watcher)) return Napi::Value();
  if (watcher != nullptr) Close(watcher);
  return Napi::Value();
}

}  // namespace

void AddWatcher(Napi::Env env, Napi::Object exports) {
  exports.Set("watch", Napi::Function::New<Watch>(env, "watch"));
  exports.Set("watchEvents", Napi::Function::New<WatchEvents>(env, "watchEvents"));
  exports.Set("unwatch", Napi::Function::New<Unwatch>(env, "unwatch"));
}

}  // namespace dualmode
