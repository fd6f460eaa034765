// Datagram I/O on a Socket's own descriptor (API.md §8): recvmsg/sendmsg on
// Node's event loop. Each call first tries the system call at once; only
// when the kernel says EAGAIN is it queued, and the addon's watcher (a libuv
// poll handle) is started. On each readiness event the queued calls are
// served in order until EAGAIN; when none is left the watcher stops, so an
// idle Socket neither reads nor keeps the process alive.
import { ipFamily, isIPv4MappedToIPv6 } from './address';
import { AbortError, errnoOf, invalidArgType, SocketError } from './errors';
import { checkRuntime, featureUnavailable } from './runtime';
import { validateInteger, validateObject } from './validate';
import * as sys from './native';
import type { EndPoint } from './native';
import { platform } from './options';

const { AF_INET, AF_INET6 } = platform as Record<string, number>;

// libuv's poll events.
const READABLE = 1;
const WRITABLE = 2;

const EAGAIN = errnoOf('EAGAIN');
const resolved = Promise.resolve();
const ECANCELED = errnoOf('ECANCELED');

/** The local address and interface a datagram arrived on (.NET `IPPacketInformation`). */
export interface PacketInformation {
  /**
   * The local address the datagram was sent to (the header's destination),
   * in the form of the socket's endpoints: `'::ffff:a.b.c.d'` for an IPv4
   * datagram on an IPv6 socket. `''` when the datagram carried none.
   */
  address: string;
  /** The index of the interface it arrived on (as in `/sys/class/net/<name>/ifindex`); 0 when unknown. */
  interface: number;
}

/** What {@link Socket.receiveFrom} resolves with (.NET `SocketReceiveFromResult`). */
export interface ReceiveFromResult {
  /** Bytes written into the buffer; a longer datagram was cut to the buffer's length. */
  receivedBytes: number;
  /** The sender; an IPv4 sender of an IPv6 socket as `'::ffff:a.b.c.d'`. */
  remoteEndPoint: EndPoint;
}

/** What {@link Socket.receiveMessageFrom} resolves with (.NET `SocketReceiveMessageFromResult`). */
export interface ReceiveMessageFromResult extends ReceiveFromResult {
  /** {@link SocketFlags} bits: `Truncated` when the datagram was longer than the buffer, `ControlDataTruncated`, ... */
  socketFlags: number;
  /** Where the datagram arrived: pass it as `sendTo()`'s `from` to answer from that address. */
  packetInformation: PacketInformation;
}

type Settle<T> = { resolve: (value: T) => void; reject: (reason: unknown) => void };

interface Receive extends Settle<ReceiveFromResult | ReceiveMessageFromResult> {
  buffer: Uint8Array;
  info: 0 | 1;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Send extends Settle<number> {
  buffer: Uint8Array;
  address: string;
  port: number;
  fromAddress: string;
  fromInterface: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// A first-in, first-out queue whose entries can be cancelled in place (an
// aborted call is set to null and skipped): O(1) at both ends.
class Queue<T> {
  #items: (T | null)[] = [];
  #head = 0;
  size = 0;

  push(item: T): void {
    this.#items.push(item);
    this.size++;
  }

  /** The first live entry, or undefined. */
  peek(): T | undefined {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head] === null) this.#head++;
    return this.#head < items.length ? (items[this.#head] as T) : undefined;
  }

  shift(): void {
    this.#items[this.#head++] = null;
    this.size--;
    if (this.size === 0) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  remove(item: T): boolean {
    const index = this.#items.indexOf(item, this.#head);
    if (index < 0) return false;
    this.#items[index] = null;
    this.size--;
    return true;
  }

  /** Empties the queue, returning the live entries in order. */
  drain(): T[] {
    const live = this.#items.slice(this.#head).filter((item): item is T => item !== null);
    this.#items = [];
    this.#head = 0;
    this.size = 0;
    return live;
  }
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/** The I/O state of one descriptor; owned by its SocketHandle. @internal */
export class DatagramIO {
  readonly #fd: number;
  readonly #ipv6: boolean;
  readonly #family: number;
  readonly #onWatcher: (watcher: object | undefined) => void;
  #watcher: object | undefined;
  #events = 0;
  #updateDeferred = false;
  #receives = new Queue<Receive>();
  #sends = new Queue<Send>();
  // What recvmsg fills in: [flags, remote address, remote port, local address, interface].
  readonly #meta: [number, string, number, string, number] = [0, '', 0, '', 0];
  /** Whether the packet-information options were turned on (.NET `_receivingPacketInformation`). */
  packetInformation = false;

  /**
   * @param fd - the descriptor, made non-blocking here
   * @param onWatcher - told of the watcher when it is made and closed, for the GC finalizer
   */
  constructor(fd: number, ipv6: boolean, onWatcher: (watcher: object | undefined) => void) {
    sys.nonBlocking(fd);
    this.#fd = fd;
    this.#ipv6 = ipv6;
    this.#family = ipv6 ? AF_INET6 : AF_INET;
    this.#onWatcher = onWatcher;
  }

  /** The addon's watcher, once one was needed. */
  get watcher(): object | undefined {
    return this.#watcher;
  }

  /**
   * Turns packet information on as .NET's SetReceivingPacketInformation does
   * (dotnet-beyond.md §1.3): an IPv4 socket IP_PKTINFO; an IPv6 socket in
   * dual mode bound to :: both options, bound to an IPv4-mapped address
   * IP_PKTINFO only; any other IPv6 socket IPV6_RECVPKTINFO. `dual`: the
   * kernel's dual mode now (false for an IPv4 socket).
   */
  switchOnPacketInformation(dual: boolean): void {
    // SocketPal.Unix.cs CheckDualModePacketInfoSupport: Linux only.
    if (dual && process.platform !== 'linux' && process.platform !== 'android') {
      throw featureUnavailable(`IPv4 packet information on a dual-mode socket is not available on ${process.platform}`);
    }
    let ipv4 = true;
    let ipv6 = false;
    if (this.#ipv6) {
      const bound = sys.getsockname(this.#fd).address;
      const mapped = isIPv4MappedToIPv6(bound);
      ipv4 = dual && (mapped || bound === '::');
      ipv6 = !mapped;
    }
    sys.packetInfo(this.#fd, ipv4 ? 1 : 0, ipv6 ? 1 : 0);
    this.packetInformation = true;
  }

  /** Receives one datagram into `buffer`; `info` 1 asks for packet information. */
  receive(buffer: Uint8Array, info: 0 | 1, signal: AbortSignal | undefined): Promise<ReceiveFromResult> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.#receives.size === 0) {
      const n = sys.recvmsg(this.#fd, this.#family, buffer, info, this.#meta);
      if (n !== EAGAIN)
        return n >= 0 ? Promise.resolve(this.#result(n, info)) : Promise.reject(this.#error(n, 'recvmsg'));
    }
    return new Promise((resolve, reject) => {
      this.#wait(this.#receives, { buffer, info, signal, onAbort: undefined, resolve, reject });
    });
  }

  /** Sends `buffer` to address:port, from fromAddress/fromInterface when set ('' / 0: the kernel chooses). */
  send(
    buffer: Uint8Array,
    address: string,
    port: number,
    fromAddress: string,
    fromInterface: number,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.#sends.size === 0) {
      const n = sys.sendmsg(this.#fd, buffer, port, address, fromAddress, fromInterface);
      if (n !== EAGAIN) return n >= 0 ? Promise.resolve(n) : Promise.reject(this.#error(n, 'sendmsg', address, port));
    }
    return new Promise((resolve, reject) => {
      this.#wait(this.#sends, {
        buffer,
        address,
        port,
        fromAddress,
        fromInterface,
        signal,
        onAbort: undefined,
        resolve,
        reject,
      });
    });
  }

  // Queues a call the kernel could not serve at once, cancellable by its signal.
  #wait<E extends Receive | Send>(queue: Queue<E>, entry: E): void {
    const signal = entry.signal;
    if (signal !== undefined) {
      entry.onAbort = () => {
        if (queue.remove(entry)) this.#cancelled(entry);
      };
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    queue.push(entry);
    this.#update();
  }

  /**
   * Stops all I/O before the descriptor is given up: every pending call
   * rejects with `ECANCELED` and the watcher is closed (before the
   * descriptor, which the caller closes or hands on).
   */
  stop(why: string): void {
    if (this.#watcher !== undefined) {
      sys.unwatch(this.#watcher);
      this.#watcher = undefined;
      this.#events = 0;
      this.#onWatcher(undefined);
    }
    for (const entry of this.#receives.drain()) this.#settle(entry).reject(this.#canceled('recvmsg', why));
    for (const entry of this.#sends.drain()) this.#settle(entry).reject(this.#canceled('sendmsg', why));
  }

  // Called by the watcher with the ready events, or a negative error code when
  // the socket has an error pending (libuv then stopped the watcher): the
  // calls at the head of the queues get it from recvmsg/sendmsg, which also
  // clears it, and the watcher is started again.
  #onEvent = (events: number): void => {
    if (events < 0) this.#events = 0;
    if (events < 0 || (events & READABLE) !== 0) this.#serveReceives();
    if (events < 0 || (events & WRITABLE) !== 0) this.#serveSends();
    this.#scheduleUpdate();
  };

  #serveReceives(): void {
    const queue = this.#receives;
    for (let entry = queue.peek(); entry !== undefined; entry = queue.peek()) {
      const n = sys.recvmsg(this.#fd, this.#family, entry.buffer, entry.info, this.#meta);
      if (n === EAGAIN) return;
      queue.shift();
      const settle = this.#settle(entry);
      if (n >= 0) settle.resolve(this.#result(n, entry.info));
      else settle.reject(this.#error(n, 'recvmsg'));
    }
  }

  #serveSends(): void {
    const queue = this.#sends;
    for (let entry = queue.peek(); entry !== undefined; entry = queue.peek()) {
      const n = sys.sendmsg(this.#fd, entry.buffer, entry.port, entry.address, entry.fromAddress, entry.fromInterface);
      if (n === EAGAIN) return;
      queue.shift();
      const settle = this.#settle(entry);
      if (n >= 0) settle.resolve(n);
      else settle.reject(this.#error(n, 'sendmsg', entry.address, entry.port));
    }
  }

  // The watcher is told what to wait for once the callbacks that the served
  // calls resumed have had their turn: a server that receives again at once
  // keeps the watcher running instead of stopping and restarting it. A
  // promise reaction, not queueMicrotask, which makes an AsyncResource per
  // call (handle.ts registers Sockets the same way).
  #scheduleUpdate(): void {
    if (this.#updateDeferred) return;
    this.#updateDeferred = true;
    resolved.then(this.#deferredUpdate);
  }

  #deferredUpdate = (): void => {
    this.#updateDeferred = false;
    this.#update();
  };

  #update(): void {
    if (this.#updateDeferred) return; // a deferred update is on its way
    const events = (this.#receives.size > 0 ? READABLE : 0) | (this.#sends.size > 0 ? WRITABLE : 0);
    if (events === this.#events) return;
    if (this.#watcher === undefined) {
      this.#watcher = sys.watch(this.#fd, this.#onEvent);
      this.#onWatcher(this.#watcher);
    }
    sys.watchEvents(this.#watcher, events);
    this.#events = events;
  }

  #cancelled(entry: Receive | Send): void {
    this.#settle(entry).reject(abortError(entry.signal!));
    this.#update();
  }

  // Detaches the abort listener of a call that is being settled.
  #settle<E extends Receive | Send>(entry: E): E {
    if (entry.onAbort !== undefined) entry.signal!.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  #result(n: number, info: 0 | 1): ReceiveFromResult | ReceiveMessageFromResult {
    const meta = this.#meta;
    const remoteEndPoint: EndPoint = { address: meta[1], family: this.#ipv6 ? 'IPv6' : 'IPv4', port: meta[2] };
    if (info === 0) return { receivedBytes: n, remoteEndPoint };
    return {
      receivedBytes: n,
      socketFlags: meta[0],
      remoteEndPoint,
      packetInformation: { address: meta[3], interface: meta[4] },
    };
  }

  #error(errno: number, syscall: string, address?: string, port?: number): SocketError {
    return new SocketError(errno, syscall, address === undefined ? {} : { address, port });
  }

  #canceled(syscall: string, why: string): SocketError {
    return new SocketError(ECANCELED, syscall, { hint: why });
  }
}

/** Options of {@link Socket.receiveFrom} and {@link Socket.receiveMessageFrom}. */
export interface ReceiveOptions {
  /** Cancels the call: its promise rejects with an `AbortError` (`code` `'ABORT_ERR'`). */
  signal?: AbortSignal;
}

/** Options of {@link Socket.sendTo}. */
export interface SendToOptions {
  /**
   * The local address and interface to send from (`IPV6_PKTINFO` /
   * `IP_PKTINFO`): the `packetInformation` of a received datagram answers
   * from the address the request came to. `address` `''` or absent and
   * `interface` 0 or absent: the kernel chooses.
   */
  from?: {
    /** The local address to send from (an IP literal); `''` or absent: the kernel chooses. */
    address?: string;
    /** The index of the interface to send through; 0 or absent: the kernel chooses. */
    interface?: number;
  };
  /** Cancels the call if it has to wait: its promise rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** Throws where a Socket's own datagram I/O cannot run: Windows (no overlapped-I/O watcher in the addon), runtimes without libuv. @internal */
export function checkDatagramIO(method: string): void {
  if (process.platform === 'win32') {
    throw featureUnavailable(`${method} is unavailable on Windows: the addon has no overlapped-I/O watcher there`);
  }
  checkRuntime('eventLoop');
}

/** The `signal` of call options, checked. @internal */
export function readSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  const signal = (validateObject(options, 'options') as { signal?: unknown }).signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  return signal;
}

/** `options.from` and `options.signal` of sendTo(), checked; each property read once. @internal */
export function readSendToOptions(options: unknown): {
  source: { address: string; interface: number };
  signal: AbortSignal | undefined;
} {
  const source = { address: '', interface: 0 };
  if (options === undefined) return { source, signal: undefined };
  const opts = validateObject(options, 'options') as { from?: unknown; signal?: unknown };
  const from = opts.from;
  const signal = readSignal(opts);
  if (from !== undefined) {
    const given = validateObject(from, 'options.from') as { address?: unknown; interface?: unknown };
    const address = given.address;
    const index = given.interface;
    if (index !== undefined) source.interface = validateInteger(index, 'options.from.interface', 0, 0xffffffff);
    // A literal is checked in full here: a queued send reaches the addon later.
    if (address !== undefined && address !== '') {
      ipFamily(address, 'options.from.address');
      source.address = address as string;
    }
  }
  return { source, signal };
}
