// The owner of a Socket's descriptor, as .NET's SafeSocketHandle: whether it
// is open, closed or handed to someone, the finalizer that closes it if the
// program forgets to, its registration with a worker thread's teardown, and
// the datagram I/O that runs on it (API.md §8). Socket keeps the .NET surface;
// everything about the descriptor's lifetime is here.
import { DatagramIO } from './datagram';
import { AddressFamily, SocketType } from './enums';
import { kFdTaken, refused, socketClosed, socketDetached } from './errors';
import * as sys from './native';
import { platform } from './options';

const { AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOL_SOCKET, SO_ACCEPTCONN } = platform as Record<
  string,
  number
>;

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
  #state: State = OPEN;
  #owner = '';
  #held: Held | undefined;
  #io: DatagramIO | undefined;
  #didIO = false;

  /** Takes ownership of `fd`, an open socket. */
  constructor(fd: number) {
    this.#fd = fd;
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

  /** Whether datagram I/O ever ran on the descriptor (a send may have bound it implicitly). */
  get didIO(): boolean {
    return this.#didIO;
  }

  /** The datagram I/O of this descriptor, made on first use. `ipv6`: the socket's family. */
  io(ipv6: boolean): DatagramIO {
    if (this.#io !== undefined) return this.#io;
    this.#didIO = true;
    return (this.#io = new DatagramIO(this.fdOrThrow(), ipv6, (watcher) => {
      if (this.#held !== undefined) this.#held.watcher = watcher;
    }));
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
