// Hand-off of a prepared descriptor to Node's own net and dgram objects.
// These functions know nothing of the Socket class: they take an fd and
// return the Node object that now owns it.
import type { Cluster } from 'node:cluster';
import type dgram = require('node:dgram');
import type dns = require('node:dns');
import type net = require('node:net');
import { asSocketError, errnoOf, invalidArgType, kFdTaken, SocketError } from './errors';
import * as sys from './native';
import { dgramFd, netSocketFd, serverHasHandle } from './node-internals';
import { checkRuntime, type Feature, featureUnavailable, runtimeLabel } from './runtime';
import { platform } from './options';
import { readDualMode } from './socket-options';
import { validateInt32, validateObject } from './validate';

const { SOL_SOCKET, SO_REUSEADDR, UV_UDP_REUSE } = platform as Record<string, number>;

// Node's net, dgram, dns and cluster modules are loaded on first use: loading
// them costs more than the rest of the package, and many programs never hand off.
let netModule: typeof net | undefined;
let dgramModule: typeof dgram | undefined;
let dnsModule: typeof dns | undefined;
let clusterModule: Cluster | undefined;
/** Node's net module, loaded on first use. @internal */
export const nodeNet = () => (netModule ??= require('node:net') as typeof net);
/** Node's dgram module, loaded on first use. @internal */
export const nodeDgram = () => (dgramModule ??= require('node:dgram') as typeof dgram);
const nodeDns = () => (dnsModule ??= require('node:dns') as typeof dns);
const nodeCluster = () => (clusterModule ??= require('node:cluster') as Cluster);

function taken(err: unknown): never {
  if (err !== null && typeof err === 'object') Object.defineProperty(err, kFdTaken, { value: true });
  throw err;
}

/** Options of {@link Socket.toServer}: those of `net.createServer()`. */
export interface ToServerOptions {
  /** When `false` (the default), a connection ends its writable side once the readable side ends; as `net.createServer({ allowHalfOpen })`. */
  allowHalfOpen?: boolean;
  /** Pause each incoming connection, so no data is read until `socket.resume()`; as `net.createServer({ pauseOnConnect })`. */
  pauseOnConnect?: boolean;
  /** Disable Nagle's algorithm (`TCP_NODELAY`) on each incoming connection; as `net.createServer({ noDelay })`. */
  noDelay?: boolean;
  /** Enable keep-alive (`SO_KEEPALIVE`) on each incoming connection, as `socket.setKeepAlive()`; as `net.createServer({ keepAlive })`. */
  keepAlive?: boolean;
  /** Milliseconds of idle before the first keep-alive probe when `keepAlive` is set (0: the OS default); as `net.createServer({ keepAliveInitialDelay })`. */
  keepAliveInitialDelay?: number;
  /** Overrides the readable and writable `highWaterMark` of every connection's stream; as `net.createServer({ highWaterMark })`. */
  highWaterMark?: number;
}

/** Options of {@link Socket.connect}: those of `net.connect()` that apply to an existing socket. */
export interface ConnectOptions {
  /** When `false` (the default), the socket ends its writable side once the readable side ends; as `net.connect({ allowHalfOpen })`. */
  allowHalfOpen?: boolean;
  /** Disable Nagle's algorithm (`TCP_NODELAY`) once connected; as `net.connect({ noDelay })`. */
  noDelay?: boolean;
  /** Enable keep-alive (`SO_KEEPALIVE`) once connected, as `socket.setKeepAlive()`; as `net.connect({ keepAlive })`. */
  keepAlive?: boolean;
  /** Milliseconds of idle before the first keep-alive probe when `keepAlive` is set (0: the OS default); as `net.connect({ keepAliveInitialDelay })`. */
  keepAliveInitialDelay?: number;
  /** Milliseconds of inactivity before `'timeout'`, as `socket.setTimeout()`. */
  timeout?: number;
}

/** Options of {@link Socket.toDgram}: those of `dgram.createSocket()` that apply to a bound socket. */
export interface ToDgramOptions {
  /** The receive buffer size in bytes (`SO_RCVBUF`), set once bound; 0 keeps the current size. As `dgram.createSocket({ recvBufferSize })`. */
  recvBufferSize?: number;
  /** The send buffer size in bytes (`SO_SNDBUF`), set once bound; 0 keeps the current size. As `dgram.createSocket({ sendBufferSize })`. */
  sendBufferSize?: number;
  /** A resolver for host names, as `dgram.createSocket({ lookup })`; IPv4 results are mapped on a dual-mode socket. */
  lookup?: (hostname: string, options: { family?: number }, callback: LookupCallback) => void;
}

/**
 * The callback a {@link ToDgramOptions.lookup} resolver calls, as `dns.lookup()`'s:
 * an error or `null`, then the address found and its family (4 or 6).
 *
 * @inline
 */
export type LookupCallback = (err: Error | null, address: string, family: number) => void;

// What pick() returns when no options were given (read only, never copied).
const noOptions = Object.freeze({});

/** Copies the named keys of a user object after checking their types; reads each once. */
function pick<T extends object>(
  options: unknown,
  kinds: Record<keyof T & string, 'boolean' | 'number' | 'function'>,
): Readonly<T> {
  if (options === undefined) return noOptions as T;
  const source = validateObject(options, 'options') as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(kinds)) {
    const value = source[key];
    if (value === undefined) continue;
    if (typeof value !== kind) throw invalidArgType(`options.${key}`, `of type ${kind}`, value);
    if (kind === 'number') validateInt32(value, `options.${key}`, 0);
    result[key] = value;
  }
  return result as T;
}

/** @internal */
export function serverOptions(options: unknown): ToServerOptions | undefined {
  // Without options, net.Server is given none (it then skips their checks).
  if (options === undefined) return undefined;
  return pick<ToServerOptions>(options, {
    allowHalfOpen: 'boolean',
    pauseOnConnect: 'boolean',
    noDelay: 'boolean',
    keepAlive: 'boolean',
    keepAliveInitialDelay: 'number',
    highWaterMark: 'number',
  });
}

/** @internal */
export function connectOptions(options: unknown): Readonly<ConnectOptions> {
  return pick<ConnectOptions>(options, {
    allowHalfOpen: 'boolean',
    noDelay: 'boolean',
    keepAlive: 'boolean',
    keepAliveInitialDelay: 'number',
    timeout: 'number',
  });
}

/** @internal */
export function dgramOptions(options: unknown): Readonly<ToDgramOptions> {
  // A buffer size of 0 reaches dgram as it is: Node leaves the size alone then.
  return pick<ToDgramOptions>(options, { recvBufferSize: 'number', sendBufferSize: 'number', lookup: 'function' });
}

/**
 * Throws `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` where the hand-off cannot
 * happen: on Windows, and on runtimes that would lose the descriptor (see
 * runtime.ts). Called before the descriptor is touched. @internal
 */
export function checkPlatform(feature: Exclude<Feature, 'eventLoop'>): void {
  checkRuntime(feature);
}

/** Binds a socket bind() was not called on to the wildcard, `[::]:0` or `0.0.0.0:0`. @internal */
export function bindWildcard(fd: number, ipv6: boolean): void {
  sys.bind(fd, 0, ipv6 ? '::' : '0.0.0.0');
}

/**
 * Gets a stream socket ready for serverFromFd(): an unbound one is bound to
 * the wildcard with SO_REUSEADDR, as Node binds its own listeners on Unix
 * (put back if the bind fails; `reuseUntouched`: it is known to be 0), and
 * one not yet listening listens with `backlog`, so that their errors are
 * thrown here, synchronously. `state` records each step that succeeded. @internal
 */
export function listenForServer(
  fd: number,
  ipv6: boolean,
  state: { bound: boolean; listening: boolean; reuseUntouched: boolean },
  backlog: number,
): void {
  if (!state.bound) {
    const before = state.reuseUntouched ? 0 : sys.getsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR);
    sys.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    try {
      bindWildcard(fd, ipv6);
    } catch (err) {
      try {
        sys.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, before);
      } catch {
        // the bind error is the one to report
      }
      throw err;
    }
    state.bound = true;
  }
  if (!state.listening) {
    sys.listen(fd, backlog);
    state.listening = true;
  }
}

/** A listening net.Server that owns `fd`, which is bound and listening with `backlog`. @internal */
export function serverFromFd(fd: number, backlog: number, options: ToServerOptions | undefined): net.Server {
  const net = nodeNet();
  const server = new net.Server(options); // validates options; the fd is not yet involved
  const cluster = nodeCluster();
  try {
    if (cluster.isWorker) {
      // A cluster worker's listen({ fd }) sends the number to the primary,
      // which would look it up in its own table; a handle listens here.
      server.listen(new net.Socket({ fd, readable: false, writable: false }), backlog);
      // Such a server is the worker's own, so worker.disconnect() would not
      // close it as it closes servers shared through the primary: do that.
      const worker = cluster.worker!;
      const close = () => server.close();
      worker.once('disconnect', close);
      server.once('close', () => worker.off('disconnect', close));
    } else {
      // Node takes the backlog of listen({ fd }) from the second argument.
      server.listen({ fd }, backlog);
    }
  } catch (err) {
    if (!serverHasHandle(server)) throw err;
    server.close();
    taken(err);
  }
  return server;
}

/** A net.Socket that owns `fd` and is connecting to host:port. @internal */
export function connectFd(fd: number, host: string, port: number, options: ConnectOptions): net.Socket {
  const { timeout, ...socketOptions } = options;
  const net = nodeNet();
  // manualStart: read only once connected, as a socket net.connect() makes.
  const socket = new net.Socket({ ...socketOptions, fd, manualStart: true } as net.SocketConstructorOpts);
  // A runtime that ignores the fd would connect a socket of its own, losing
  // dual mode and every option without a word: refuse unless the handle is
  // this very descriptor. (Runtimes known to ignore it never get here.)
  if (netSocketFd(socket) !== fd) {
    socket.destroy();
    throw featureUnavailable(`connect() is unavailable on ${runtimeLabel()}: net.Socket did not adopt the descriptor`);
  }
  try {
    if (timeout !== undefined) socket.setTimeout(timeout);
    socket.connect({ host, port });
  } catch (err) {
    socket.destroy();
    taken(err);
  }
  return socket;
}

// What the lookup of a toDgram() socket needs, one record per socket.
// Node's udp6 handle looks every destination up with family 6, which turns
// 127.0.0.1 into EINVAL: IPv4 is mapped on a dual-mode socket, as .NET's
// Serialize does. Dual mode cannot change once bound, so it is read once,
// when first needed, from the descriptor the dgram.Socket owns (open while
// its lookup runs).
interface Destinations {
  fd: number;
  readonly ipv6: boolean;
  dual: boolean | undefined;
  readonly resolve: NonNullable<ToDgramOptions['lookup']>;
}

function isDual(d: Destinations): boolean {
  return (d.dual ??= readDualMode(d.fd));
}

// As bind() and connect() do (API §3.3): the wrong family is EAFNOSUPPORT.
function deliver(d: Destinations, address: string, found: number, callback: LookupCallback): void {
  if (d.ipv6 ? found === 6 : found === 4) return callback(null, address, found);
  if (d.ipv6 && isDual(d)) return callback(null, `::ffff:${address}`, 6);
  const hint = d.ipv6
    ? 'an IPv4 destination needs dualMode = true on an IPv6 socket'
    : 'an IPv4 socket cannot reach an IPv6 address';
  callback(new SocketError(errnoOf('EAFNOSUPPORT'), 'send', { address, hint }), address, found);
}

// Runs for every send() and connect(): an IP literal costs no allocation.
function lookUp(d: Destinations, hostname: string, callback: LookupCallback): void {
  try {
    const literal = nodeNet().isIP(hostname);
    if (literal !== 0) return deliver(d, hostname, literal, callback);
    const family = !d.ipv6 ? 4 : isDual(d) ? 0 : 6;
    d.resolve(hostname, { family }, (err, address, found) =>
      err ? callback(err, address, found) : deliver(d, address, found, callback),
    );
  } catch (err) {
    callback(asSocketError(err) as Error, '', 0);
  }
}

function lookupFor(d: Destinations): (hostname: string, options: unknown, callback: LookupCallback) => void {
  return (hostname, _options, callback) => lookUp(d, hostname, callback);
}

/**
 * A bound dgram.Socket that owns `fd`; IPv4 destinations are mapped when the
 * socket is dual mode. `reuse` is the value of UV_UDP_REUSE to put back. @internal
 */
export function dgramFromFd(fd: number, ipv6: boolean, reuse: number, options: Readonly<ToDgramOptions>): dgram.Socket {
  const destinations: Destinations = { fd, ipv6, dual: undefined, resolve: options.lookup ?? nodeDns().lookup };
  const socket = nodeDgram().createSocket({
    type: ipv6 ? 'udp6' : 'udp4',
    lookup: lookupFor(destinations),
    recvBufferSize: options.recvBufferSize,
    sendBufferSize: options.sendBufferSize,
  });
  // Node's bind({ fd }) ignores descriptor 0 (it reads as "no fd"): hand over
  // a copy numbered 3 or above, and close 0 once Node owns the copy.
  if (fd === 0) {
    try {
      destinations.fd = sys.dupAbove(fd, 3);
    } catch (err) {
      socket.close(); // unbound: it holds no descriptor, only its handle
      throw err;
    }
  }
  const handed = destinations.fd;
  try {
    // exclusive: bind here even in a cluster worker. 'listening' is emitted
    // synchronously inside this call: the socket comes back bound.
    socket.bind({ fd: handed, exclusive: true } as dgram.BindOptions);
    // libuv's uv_udp_open turned SO_REUSEADDR (SO_REUSEPORT on the BSDs, see
    // UV_UDP_REUSE in the platform table) on, which would let another socket
    // share the port silently: put it back.
    sys.setsockoptInt(handed, SOL_SOCKET, UV_UDP_REUSE, reuse);
  } catch (err) {
    const nodeOwnsIt = dgramFd(socket) === handed;
    if (nodeOwnsIt) socket.close();
    else if (handed !== fd) sys.release(handed);
    if (!nodeOwnsIt) throw asSocketError(err);
    if (handed !== fd) sys.release(fd);
    taken(asSocketError(err));
  }
  if (handed !== fd) sys.release(fd);
  return socket;
}
