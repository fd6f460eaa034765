// The compiled addon (native/dualmode.cc), loaded by node-gyp-build from
// build/ or prebuilds/, and the sys layer over it: one plain function per
// addon function. Every addon function does one system call and throws an
// Error carrying `errno` and `syscall` on failure (the addon needs N-API and
// the C library only); the functions here are the one place that turns such
// an error into a SocketError (Node's system-error shape, named from Node's
// own table). recvmsg and sendmsg return a negative errno instead: they are
// the datagram hot path, and their callers build the error.
//
// Each wrapper calls the addon inside a try with its arguments as they are:
// V8 inlines that, so the wrapper costs nothing on the hot paths
// (`socket.dualMode`, create-bind-close, the hand-offs). No rest arguments,
// no apply, no allocation per call.
import path = require('node:path');
import { isMainThread } from 'node:worker_threads';
import { asSocketError, invalidIPAddress, type SocketErrorDetails } from './errors';

/** A socket address in the shape of Node's `server.address()`. */
export interface EndPoint {
  /** The IP address as text: `'127.0.0.1'`, `'::'`; an IPv4 peer of a dual-mode socket shows as `'::ffff:a.b.c.d'`. */
  address: string;
  /** The address family: `'IPv6'` for every address of an IPv6 socket, IPv4-mapped ones included. */
  family: 'IPv4' | 'IPv6';
  /** The port number, 0–65535. */
  port: number;
}

// What the addon exports.
interface Addon {
  readonly constants: Readonly<Record<string, number>>;
  own(fd: number, owned: 0 | 1): void;
  socket(family: number, type: number, protocol: number): number;
  probe(family: number): number;
  close(fd: number): void;
  getsockoptInt(fd: number, level: number, name: number): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  getsockopt(fd: number, level: number, name: number, buf: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, buf: Uint8Array): void;
  bind(fd: number, port: number, address: string): void;
  listen(fd: number, backlog: number): void;
  localPort(fd: number): number;
  getsockname(fd: number): EndPoint;
  getpeername(fd: number): EndPoint;
  describe(fd: number): [family: number, type: number, protocol: number];
  dupAbove(fd: number, minimum: number): number;
  recvmsg(fd: number, family: number, buf: Uint8Array, info: 0 | 1, meta: unknown[]): number;
  sendmsg(
    fd: number,
    buf: Uint8Array,
    port: number,
    address: string,
    fromAddress: string,
    fromInterface: number,
  ): number;
  packetInfo(fd: number, ipv4: 0 | 1, ipv6: 0 | 1): void;
  membership(fd: number, join: 0 | 1, group: string, local: string, interfaceIndex: number): void;
  getLinger(fd: number): [on: number, seconds: number];
  setLinger(fd: number, on: number, seconds: number): void;
  nonBlocking(fd: number): void;
  watch(fd: number, callback: (events: number) => void): object;
  watchEvents(watcher: object, events: number): void;
  unwatch(watcher: object): void;
}

const load: (dir: string) => unknown = require('node-gyp-build');
const addon = load(path.join(__dirname, '..')) as Addon;

/** The platform's numbers (AF_INET6, IPV6_V6ONLY, ...), as the addon was compiled. @internal */
export const constants = addon.constants;

/**
 * True in a worker thread, whose teardown closes the fds registered with
 * own(); the main thread's is the process's exit. Read from JS: the
 * runtime's loop says nothing reliable about it (Deno's main thread does not
 * run libuv's default loop). @internal
 */
export const inWorker = !isMainThread;

/** Registers (1) or unregisters (0) `fd` with the worker's teardown. @internal */
export function own(fd: number, owned: 0 | 1): void {
  try {
    addon.own(fd, owned);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** socket(2). @internal */
export function socket(family: number, type: number, protocol: number): number {
  try {
    return addon.socket(family, type, protocol);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Creates and closes a UDP socket of `family`: 0, or the negative errno socket(2) failed with. @internal */
export function probe(family: number): number {
  try {
    return addon.probe(family);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** close(2). @internal */
export function close(fd: number): void {
  try {
    addon.close(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/**
 * Closes a descriptor that is being given up. The kernel releases it even
 * when close() reports an error, so there is nothing to report. @internal
 */
export function release(fd: number): void {
  try {
    addon.close(fd);
  } catch {
    // released anyway
  }
}

/** getsockopt(2) of an int option. @internal */
export function getsockoptInt(fd: number, level: number, name: number): number {
  try {
    return addon.getsockoptInt(fd, level, name);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** setsockopt(2) of an int option; `details` (a shared constant, not made per call) goes into the error. @internal */
export function setsockoptInt(
  fd: number,
  level: number,
  name: number,
  value: number,
  details?: SocketErrorDetails,
): void {
  try {
    addon.setsockoptInt(fd, level, name, value);
  } catch (err) {
    throw asSocketError(err, details);
  }
}

/** getsockopt(2) into `buf`; returns the length the kernel wrote. @internal */
export function getsockopt(fd: number, level: number, name: number, buf: Uint8Array): number {
  try {
    return addon.getsockopt(fd, level, name, buf);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** setsockopt(2) from `buf`. @internal */
export function setsockopt(fd: number, level: number, name: number, buf: Uint8Array): void {
  try {
    addon.setsockopt(fd, level, name, buf);
  } catch (err) {
    throw asSocketError(err);
  }
}

/**
 * bind(2) to address:port; the error names both. A literal the caller let
 * through unchecked (the family fitted) and the addon could not parse is
 * `ERR_INVALID_IP_ADDRESS`. @internal
 */
export function bind(fd: number, port: number, address: string): void {
  try {
    addon.bind(fd, port, address);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_INVALID_IP_ADDRESS') throw invalidIPAddress(address);
    throw asSocketError(err, { address, port });
  }
}

/** listen(2). @internal */
export function listen(fd: number, backlog: number): void {
  try {
    addon.listen(fd, backlog);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** The port of getsockname(2): 0 while unbound. @internal */
export function localPort(fd: number): number {
  try {
    return addon.localPort(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** getsockname(2). @internal */
export function getsockname(fd: number): EndPoint {
  try {
    return addon.getsockname(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** getpeername(2). @internal */
export function getpeername(fd: number): EndPoint {
  try {
    return addon.getpeername(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** The platform's family, type and protocol of a socket (SO_DOMAIN, SO_TYPE, SO_PROTOCOL). @internal */
export function describe(fd: number, details?: SocketErrorDetails): [family: number, type: number, protocol: number] {
  try {
    return addon.describe(fd);
  } catch (err) {
    throw asSocketError(err, details);
  }
}

/** fcntl(F_DUPFD_CLOEXEC): a copy of `fd` numbered `minimum` or above. @internal */
export function dupAbove(fd: number, minimum: number): number {
  try {
    return addon.dupAbove(fd, minimum);
  } catch (err) {
    throw asSocketError(err);
  }
}

/**
 * recvmsg(2) into `buf`: the byte count, or a negative errno (EAGAIN: try
 * again when the watcher says). `meta` receives [flags, remote address,
 * remote port, local address, interface]. The addon itself: no wrapper on
 * the datagram hot path. @internal
 */
export const recvmsg: Addon['recvmsg'] = addon.recvmsg;

/** sendmsg(2) of `buf`: the byte count, or a negative errno, as recvmsg. @internal */
export const sendmsg: Addon['sendmsg'] = addon.sendmsg;

/** Turns IP_PKTINFO / IPV6_RECVPKTINFO on. @internal */
export function packetInfo(fd: number, ipv4: 0 | 1, ipv6: 0 | 1): void {
  try {
    addon.packetInfo(fd, ipv4, ipv6);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Joins (1) or leaves (0) a multicast group; the error names the group. @internal */
export function membership(fd: number, join: 0 | 1, group: string, local: string, interfaceIndex: number): void {
  try {
    addon.membership(fd, join, group, local, interfaceIndex);
  } catch (err) {
    throw asSocketError(err, { address: group });
  }
}

/** SO_LINGER as [l_onoff, l_linger]. @internal */
export function getLinger(fd: number): [on: number, seconds: number] {
  try {
    return addon.getLinger(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Writes SO_LINGER. @internal */
export function setLinger(fd: number, on: number, seconds: number): void {
  try {
    addon.setLinger(fd, on, seconds);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Makes `fd` non-blocking (O_NONBLOCK). @internal */
export function nonBlocking(fd: number): void {
  try {
    addon.nonBlocking(fd);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** The event-loop watcher of `fd` (native/watcher.cc, the addon's one piece of state). @internal */
export function watch(fd: number, callback: (events: number) => void): object {
  try {
    return addon.watch(fd, callback);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Sets the events (libuv's READABLE 1 | WRITABLE 2) the watcher waits for; 0 stops it. @internal */
export function watchEvents(watcher: object, events: number): void {
  try {
    addon.watchEvents(watcher, events);
  } catch (err) {
    throw asSocketError(err);
  }
}

/** Closes the watcher (before its descriptor is closed or handed on). @internal */
export function unwatch(watcher: object): void {
  try {
    addon.unwatch(watcher);
  } catch (err) {
    throw asSocketError(err);
  }
}
