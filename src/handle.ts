// The owner of a Socket's descriptor, as .NET's SafeSocketHandle: whether it
// is open, closed or handed to someone, the finalizer that closes it if the
// program forgets to, its registration with a worker thread's teardown, the
// kernel state the hand-offs rely on (bound, listening, backlog, which
// options were touched), the datagram I/O that runs on it (API.md §8), and
// the hand-offs themselves. Socket keeps the .NET surface; everything about
// the descriptor is here.
import type dgram = require('node:dgram');
import type net = require('node:net');
import { targetAddress } from './address';
import { DatagramIO, type ReceiveFromResult } from './datagram';
import { AddressFamily, SocketOptionName, SocketType } from './enums';
import { errnoOf, kFdTaken, refused, socketClosed, socketDetached, type SocketErrorDetails } from './errors';
import {
  bindWildcard,
  connectFd,
  dgramFromFd,
  listenForServer,
  serverFromFd,
  type ConnectOptions,
  type ToDgramOptions,
  type ToServerOptions,
} from './handoff';
import * as sys from './native';
import type { EndPoint } from './native';
import { platform } from './options';
import { readDualMode, setOption, writeDualMode } from './socket-options';

const { AF_UNSPEC, AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOL_SOCKET, SO_ACCEPTCONN, UV_UDP_REUSE } =
  platform as Record<string, number>;

/** Node's server.listen() default backlog, which Socket.listen() shares. @internal */
export const DEFAULT_BACKLOG = 511;

// The platform's numbers for the .NET values a Socket can be created with
// (plain objects: an integer-keyed property read, no hashing).
const nativeFamily: Readonly<Record<number, number>> = {
  [AddressFamily.Unspecified]: AF_UNSPEC,
  [AddressFamily.InterNetwork]: AF_INET,
  [AddressFamily.InterNetworkV6]: AF_INET6,
};
const nativeType: Readonly<Record<number, number>> = {
  [SocketType.Stream]: SOCK_STREAM,
  [SocketType.Dgram]: SOCK_DGRAM,
  [SocketType.Raw]: SOCK_RAW,
};

// What the dualMode setter's error adds (shared, not made per call).
const rawDualModeHint: SocketErrorDetails = {
  hint: 'the kernel refuses IPV6_V6ONLY on raw sockets, which count as bound',
};
const boundDualModeHint: SocketErrorDetails = {
  hint: 'dualMode must be set before bind(); the kernel refuses IPV6_V6ONLY on a bound socket',
};

/** The hint of a refused `IPV6_V6ONLY` write, by socket type. @internal */
export function dualModeHint(type: SocketType): SocketErrorDetails {
  return type === SocketType.Raw ? rawDualModeHint : boundDualModeHint;
}

/**
 * A new descriptor for a Socket of these .NET values. SocketPal.Unix.cs
 * CreateSocket: IPV6_V6ONLY = 1 on every non-raw IPv6 socket; the dual-mode
 * constructor (`dual`) then clears it (one call here). Like .NET's, that
 * fails on a raw socket (the kernel counts those as bound); the descriptor
 * is closed before the error is thrown. @internal
 */
export function createDescriptor(family: AddressFamily, type: SocketType, protocol: number, dual: boolean): number {
  const fd = sys.socket(nativeFamily[family], nativeType[type], protocol);
  if (family === AddressFamily.InterNetworkV6 && (dual || type !== SocketType.Raw)) {
    try {
      writeDualMode(fd, dual);
    } catch (err) {
      sys.release(fd); // the setsockopt error is the one to report
      throw err;
    }
  }
  return fd;
}

let supportsIPv4: boolean | undefined;
let supportsIPv6: boolean | undefined;

// SocketProtocolSupportPal.Unix.cs: a family is unsupported only when
// socket() says EAFNOSUPPORT or EPROTONOSUPPORT; any other error counts as
// supported.
function probe(family: number): boolean {
  const err = sys.probe(family);
  return err !== errnoOf('EAFNOSUPPORT') && err !== errnoOf('EPROTONOSUPPORT');
}

/** Socket.osSupportsIPv4, computed once. @internal */
export function osSupportsIPv4(): boolean {
  return (supportsIPv4 ??= probe(AF_INET));
}

/** Socket.osSupportsIPv6, computed once; SocketProtocolSupportPal.cs IsIPv6Disabled: "1" or "true" in any case. @internal */
export function osSupportsIPv6(): boolean {
  if (supportsIPv6 === undefined) {
    const value = process.env.DUALMODE_DISABLE_IPV6;
    supportsIPv6 = !(value === '1' || value?.toLowerCase() === 'true') && probe(AF_INET6);
  }
  return supportsIPv6;
}

const OPEN = 0;
const CLOSED = 1;
const DETACHED = 2;
type State = typeof OPEN | typeof CLOSED | typeof DETACHED;

// What the finalizer needs to close a forgotten descriptor: the number and the
// event-loop watcher, never the handle itself. Giving the descriptor up sets
// fd to -1, so the finalizer never touches a descriptor given up (cheaper
// than unregistering).
interface Held {
  fd: number;
  watcher: object | undefined;
}

// A handle collected while it still owns its descriptor closes it, with a
// warning, as Node's FileHandle does. The target is the handle, not the
// Socket: a handle with calls pending is held by its watcher, so it is never
// collected while a promise of it is still waiting.
const owned = new FinalizationRegistry<Held>((held) => {
  const fd = held.fd;
  if (fd < 0) return; // closed, detached or handed off before it was collected
  if (held.watcher !== undefined) sys.unwatch(held.watcher); // before the descriptor
  if (sys.inWorker) sys.own(fd, 0);
  sys.release(fd);
  process.emitWarning(`Closing socket ${fd} on garbage collection: close() every Socket you create`, {
    code: 'DUALMODE_SOCKET_GC',
  });
});

// Handles are registered at the end of the job that made them, and only if
// they still own their descriptor then: the usual create-configure-hand-off
// in one go never pays for the registry. One promise reaction per job (a
// promise job costs less than queueMicrotask, which makes an AsyncResource
// per call); the array is reused from job to job.
const endOfJob = Promise.resolve();
const waiting: SocketHandle[] = [];

function registerWaiting(): void {
  try {
    for (let i = 0; i < waiting.length; i++) waiting[i]!.register();
  } finally {
    waiting.length = 0;
  }
}

/** The descriptor of one Socket and everything tied to its lifetime. @internal */
export class SocketHandle {
  #fd: number;
  readonly #ipv6: boolean;
  #state: State = OPEN;
  #owner = '';
  #held: Held | undefined;
  #io: DatagramIO | undefined;
  #didIO = false;
  // Whether bind()/listen() succeeded, for the hand-offs' "bind and listen
  // if not yet" steps; false for a new socket, read from the kernel for an
  // adopted one. Socket's public getters always ask the kernel.
  #bound: boolean;
  #listening: boolean;
  // The backlog of the last listen(): Node listens again on a hand-off.
  #backlog = DEFAULT_BACKLOG;
  // Option tracking, as .NET's SafeSocketHandle.Unix.OptionTracking.cs
  // TrackSocketOption: whether an option was written on this descriptor.
  // Until then SO_REUSEADDR (and SO_REUSEPORT) hold the OS default 0 and need
  // not be read back before the hand-offs change them. An adopted
  // descriptor's options are unknown: touched.
  #optionsTouched: boolean;

  /**
   * Takes ownership of `fd`, an open socket (`ipv6`: of family
   * InterNetworkV6). `adopted`: what the kernel said of a descriptor the
   * handle did not create.
   */
  constructor(fd: number, ipv6: boolean, adopted?: Described) {
    this.#fd = fd;
    this.#ipv6 = ipv6;
    this.#bound = adopted?.bound ?? false;
    this.#listening = adopted?.listening ?? false;
    this.#optionsTouched = adopted !== undefined;
    // In a worker thread the addon also keeps the descriptor, and closes it
    // if the worker is terminated while the handle still owns it.
    if (sys.inWorker) sys.own(fd, 1);
    if (waiting.push(this) === 1) endOfJob.then(registerWaiting);
  }

  /** Registers with the finalizer, if the descriptor is still owned. */
  register(): void {
    if (this.#state !== OPEN) return;
    this.#held = { fd: this.#fd, watcher: this.#io?.watcher };
    owned.register(this, this.#held);
  }

  /** Whether {@link SocketHandle.close} has been called. */
  get closed(): boolean {
    return this.#state === CLOSED;
  }

  /** The descriptor; throws `ERR_SOCKET_CLOSED` or `ERR_SOCKET_DETACHED` once given up. */
  fdOrThrow(): number {
    if (this.#state === OPEN) return this.#fd;
    throw this.#state === CLOSED ? socketClosed() : socketDetached(this.#owner);
  }

  // The members below act on the open descriptor: the caller has checked
  // (fdOrThrow) that it is.

  /** Whether the kernel says the socket has a local address: its getsockname port is not 0. */
  kernelBound(): boolean {
    return sys.localPort(this.#fd) !== 0;
  }

  /** The peer address (getpeername), null while not connected. */
  peerEndPoint(): EndPoint | null {
    try {
      return sys.getpeername(this.#fd);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOTCONN') return null;
      throw err;
    }
  }

  /**
   * Writes an option by .NET level and name (socket-options.ts setOption),
   * tracked; packet information switched off is switched on again by the
   * next receiveMessageFrom() (.NET).
   */
  setOption(level: number, name: number, value: unknown): void {
    this.#optionsTouched = true;
    setOption(this.#fd, level, name, value, () => this.kernelBound());
    if (name === SocketOptionName.PacketInformation && !value) this.packetInformationOff();
  }

  /** Writes an option as bytes (the platform's level and name), tracked. */
  setRawOption(level: number, name: number, buf: Uint8Array): void {
    this.#optionsTouched = true;
    sys.setsockopt(this.#fd, level, name, buf);
  }

  /**
   * The address a call sends to the kernel (address.ts targetAddress, .NET
   * Socket.cs Serialize): dual mode is read only when an IPv4 address meets
   * an IPv6 socket.
   */
  target(address: unknown, name: string, syscall: string, port: number): string {
    return targetAddress(this.#ipv6, () => readDualMode(this.#fd), address, name, syscall, port);
  }

  /** bind(2) to an address target() returned. */
  bind(address: string, port: number): void {
    sys.bind(this.#fd, port, address);
    this.#bound = true;
  }

  /** listen(2); the backlog is kept for the hand-off, where Node listens again. */
  listen(backlog: number): void {
    sys.listen(this.#fd, backlog);
    this.#backlog = backlog;
    this.#bound = this.#listening = true;
  }

  /**
   * Socket.cs ReceiveFrom: "You must call the Bind method before performing
   * this operation." A socket the kernel bound (by a send) counts as bound.
   */
  checkBound(method: string): void {
    if (this.#bound) return;
    if (!this.kernelBound()) {
      throw Object.assign(new Error(`${method} needs a bound socket: call bind() first (or send first)`), {
        code: 'ERR_SOCKET_NOT_BOUND',
      });
    }
    this.#bound = true;
  }

  /**
   * Receives one datagram; `info` 1 asks for packet information, which the
   * first such call turns on (Socket.cs SetReceivingPacketInformation, once
   * per socket).
   */
  receive(buffer: Uint8Array, info: 0 | 1, signal: AbortSignal | undefined): Promise<ReceiveFromResult> {
    const io = this.datagramIO();
    if (io instanceof Promise) return io;
    if (info === 1 && !io.packetInformation) {
      try {
        io.switchOnPacketInformation(this.#ipv6 && readDualMode(this.#fd));
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') throw err;
        return Promise.reject(err);
      }
    }
    return io.receive(buffer, info, signal);
  }

  /**
   * The descriptor's datagram I/O; made on first use, which makes the
   * descriptor non-blocking: a failure of that system call is the call's
   * rejected promise, as any other.
   */
  datagramIO(): DatagramIO | Promise<never> {
    if (this.#io !== undefined) return this.#io;
    this.#didIO = true;
    try {
      return (this.#io = new DatagramIO(this.#fd, this.#ipv6, (watcher) => {
        if (this.#held !== undefined) this.#held.watcher = watcher;
      }));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Hands a stream socket to Node as a listening net.Server: bound to the
   * wildcard and listening first if it is not yet (handoff.ts
   * listenForServer). A listen that failed after the bind leaves the socket
   * bound: a retry only listens.
   */
  toServer(options: ToServerOptions | undefined): net.Server {
    const fd = this.#fd;
    const state = { bound: this.#bound, listening: this.#listening, reuseUntouched: !this.#optionsTouched };
    try {
      listenForServer(fd, this.#ipv6, state, this.#backlog);
    } finally {
      this.#bound = state.bound;
      this.#listening = state.listening;
    }
    return this.runHandOff(() => serverFromFd(fd, this.#backlog, options), 'a net.Server (toServer())');
  }

  /** Hands a stream socket to Node as a net.Socket connecting to address:port (an address target() returned). */
  connect(address: string, port: number, options: ConnectOptions): net.Socket {
    if (this.#listening) {
      // Socket.cs Connect: a listening socket cannot connect (the kernel says EISCONN).
      throw refused('EISCONN', 'connect', { address, port, hint: 'the socket is listening' });
    }
    const fd = this.#fd;
    return this.runHandOff(() => connectFd(fd, address, port, options), 'a net.Socket (connect())');
  }

  /**
   * Hands a datagram socket to Node as a bound dgram.Socket: bound to the
   * wildcard first if it is not yet; SO_REUSEADDR is put back as it was.
   */
  toDgram(options: Readonly<ToDgramOptions>): dgram.Socket {
    const fd = this.#fd;
    // Only a Socket that sent may have been bound by the kernel: ask it then.
    if (!this.#bound && !(this.#didIO && this.kernelBound())) bindWildcard(fd, this.#ipv6);
    this.#bound = true;
    const reuse = this.#optionsTouched ? sys.getsockoptInt(fd, SOL_SOCKET, UV_UDP_REUSE) : 0;
    const ipv6 = this.#ipv6;
    return this.runHandOff(() => dgramFromFd(fd, ipv6, reuse, options), 'a dgram.Socket (toDgram())');
  }

  /** The packet-information options were switched off: the next receiveMessageFrom() switches them on again (.NET). */
  packetInformationOff(): void {
    if (this.#io !== undefined) this.#io.packetInformation = false;
  }

  /**
   * Closes the descriptor: pending I/O is cancelled and the watcher closed
   * first. Never throws; does nothing once the descriptor is given up.
   */
  close(): void {
    if (this.#state !== OPEN) return;
    const fd = this.#fd;
    this.#forget(CLOSED, undefined);
    sys.release(fd);
  }

  /** Gives the descriptor to `owner` (for `ERR_SOCKET_DETACHED` messages). */
  detachTo(owner: string): void {
    this.#forget(DETACHED, owner);
    this.#owner = owner;
  }

  /**
   * Runs a hand-off. Pending I/O is cancelled first. On success the handle is
   * detached to `owner`; if `adopt` throws after Node took the descriptor
   * (Node then closed it), the handle is closed; otherwise it still owns
   * its open descriptor.
   */
  runHandOff<T>(adopt: () => T, owner: string): T {
    this.#stopIO(owner);
    let result: T;
    try {
      result = adopt();
    } catch (err) {
      if (err !== null && typeof err === 'object' && kFdTaken in err) this.#forget(CLOSED, undefined);
      throw err;
    }
    this.detachTo(owner);
    return result;
  }

  /** Stops the datagram I/O, if any: pending calls reject with `ECANCELED` naming where the descriptor went. */
  #stopIO(owner: string | undefined): void {
    if (this.#io === undefined) return;
    this.#io.stop(owner === undefined ? 'the Socket was closed' : `the descriptor was handed to ${owner}`);
    this.#io = undefined;
  }

  /** Gives up the descriptor (`owner`: to whom; undefined: closed): I/O stops first, then the state changes. */
  #forget(state: typeof CLOSED | typeof DETACHED, owner: string | undefined): void {
    this.#stopIO(owner);
    if (this.#held !== undefined) this.#held.fd = -1;
    if (sys.inWorker) sys.own(this.#fd, 0);
    this.#state = state;
    this.#fd = -1;
  }
}

/** What Socket.fromFd() learns of a descriptor from the kernel. @internal */
export interface Described {
  family: AddressFamily;
  type: SocketType;
  protocol: number;
  bound: boolean;
  listening: boolean;
}

/**
 * The family, type and protocol (.NET values) of an open IPv4 or IPv6
 * socket, and whether it is bound and listening. Anything else is refused,
 * and the descriptor left open. @internal
 */
export function describeDescriptor(fd: number): Described {
  const [family, type, protocol] = sys.describe(fd, { hint: `fd ${fd} is not an open socket` });
  const addressFamily =
    family === AF_INET6 ? AddressFamily.InterNetworkV6 : family === AF_INET ? AddressFamily.InterNetwork : undefined;
  if (addressFamily === undefined) {
    throw refused('EAFNOSUPPORT', 'getsockopt', { hint: `fd ${fd} is not an IPv4 or IPv6 socket; it was left open` });
  }
  const socketType =
    type === SOCK_STREAM
      ? SocketType.Stream
      : type === SOCK_DGRAM
        ? SocketType.Dgram
        : type === SOCK_RAW
          ? SocketType.Raw
          : undefined;
  if (socketType === undefined) {
    throw refused('ESOCKTNOSUPPORT', 'getsockopt', {
      hint: `fd ${fd} is not a stream, datagram or raw socket; it was left open`,
    });
  }
  const bound = sys.localPort(fd) !== 0;
  const listening = socketType === SocketType.Stream && sys.getsockoptInt(fd, SOL_SOCKET, SO_ACCEPTCONN) !== 0;
  return { family: addressFamily, type: socketType, protocol, bound, listening };
}
