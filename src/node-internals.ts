// Every read of Node's private state, one named function each, so that a
// Node release that changes one of them breaks one place, and
// test/node-internals.test.js names it. Each comment says which Node file
// the read relies on (lib/ and src/ of nodejs/node; checked on v20 to v26).
// Nothing else in the package reads a private field or an internal symbol.
import type dgram = require('node:dgram');
import type net = require('node:net');

/** A libuv handle wrap of Node's (TCPWrap, PipeWrap, UDPWrap) as far as its `fd` getter. */
interface HandleWrap {
  fd?: unknown;
}

// A descriptor as a handle wrap's `fd` getter reports it: the number, or
// undefined for none (closed handle, Windows' -1, or no getter at all).
function fdOf(handle: HandleWrap | null | undefined): number | undefined {
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Whether a net.Server has a handle: lib/net.js sets `server._handle` in
 * setupListenHandle (listen) and sets it back to null in Server#close.
 * @internal
 */
export function serverHasHandle(server: net.Server): boolean {
  return (server as unknown as { _handle?: unknown })._handle != null;
}

/**
 * The descriptor a net.Server listens on: lib/net.js `server._handle`, a
 * TCPWrap whose `fd` getter is LibuvStreamWrap's (src/stream_wrap.cc
 * GetFD). undefined when it has none in this process (not listening,
 * closed, or a cluster worker served by the primary). @internal
 */
export function serverFd(server: net.Server): number | undefined {
  return fdOf((server as unknown as { _handle?: HandleWrap | null })._handle);
}

/**
 * The descriptor of a net.Socket: lib/net.js `socket._handle` (made in the
 * constructor for `new net.Socket({ fd })`, null once destroyed), whose `fd`
 * getter is LibuvStreamWrap's (src/stream_wrap.cc GetFD). @internal
 */
export function netSocketFd(socket: net.Socket): number | undefined {
  return fdOf((socket as unknown as { _handle?: HandleWrap | null })._handle);
}

/**
 * The descriptor of a dgram.Socket: lib/dgram.js keeps its UDPWrap as
 * `this[kStateSymbol].handle` (null once closed), kStateSymbol being
 * lib/internal/dgram.js `Symbol('state symbol')`; the public `_handle`
 * getter would emit DEP0112. The `fd` getter is src/udp_wrap.cc GetFD.
 * @internal
 */
export function dgramFd(socket: dgram.Socket): number | undefined {
  const symbol = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  if (symbol === undefined) return undefined;
  return fdOf((socket as unknown as Record<symbol, { handle?: HandleWrap | null } | undefined>)[symbol]?.handle);
}
