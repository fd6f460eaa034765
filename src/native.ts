// The compiled addon (native/dualmode.cc), loaded by node-gyp-build from
// build/ or prebuilds/. Every function does one system call and throws
// Node's system-error shape ({ code, errno, syscall }) on failure: the addon
// throws the errno and the syscall, and this module names the error from
// Node's own table, so that the addon needs N-API and the C library only.
import path = require('node:path');
import util = require('node:util');
import { isMainThread } from 'node:worker_threads';

/** A socket address in the shape of Node's `server.address()`. */
export interface EndPoint {
  /** The IP address as text: `'127.0.0.1'`, `'::'`; an IPv4 peer of a dual-mode socket shows as `'::ffff:a.b.c.d'`. */
  address: string;
  /** The address family: `'IPv6'` for every address of an IPv6 socket, IPv4-mapped ones included. */
  family: 'IPv4' | 'IPv6';
  /** The port number, 0–65535. */
  port: number;
}

/** @internal */
export interface Binding {
  readonly constants: Readonly<Record<string, number>>;
  /** True in a worker thread's environment, whose teardown closes the fds registered with own(). */
  readonly inWorker: boolean;
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
  // Datagram I/O: byte counts, or a negative errno (EAGAIN: try again when the watcher says).
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
  // The event-loop watcher, the addon's one piece of state (native/watcher.cc).
  watch(fd: number, callback: (events: number) => void): object;
  watchEvents(watcher: object, events: number): void;
  unwatch(watcher: object): void;
}

const load: (dir: string) => unknown = require('node-gyp-build');

type Raw = Omit<Binding, 'inWorker'> & Record<string, unknown>;

let descriptions: Map<number, [string, string]> | undefined;

/**
 * Gives an error the addon threw its `code` and Node's message,
 * `"<syscall> <CODE>: <description>"` (the description as libuv words it).
 */
function named(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { errno, syscall } = err as { errno?: unknown; syscall?: unknown };
  if (typeof errno !== 'number' || typeof syscall !== 'string' || 'code' in err) return err;
  descriptions ??= util.getSystemErrorMap();
  const [code, description] = descriptions.get(errno) ?? [util.getSystemErrorName(errno), 'unknown error'];
  Object.assign(err, { code });
  err.message = `${syscall} ${code}: ${description}`;
  return err;
}

function wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    try {
      return fn(...args);
    } catch (err) {
      throw named(err);
    }
  };
}

const raw = load(path.join(__dirname, '..')) as Raw;
const wrapped: Record<string, unknown> = {
  constants: raw.constants,
  // Worker teardown closes the fds registered with own(); the main thread's
  // is the process's exit. Read from JS: the runtime's loop says nothing
  // reliable about it (Deno's main thread does not run libuv's default loop).
  inWorker: !isMainThread,
};
// The calls of the hot paths go straight to the addon: every caller turns
// their errors into a SocketError itself (fromNative / asSocketError, from
// errno and syscall), and recvmsg/sendmsg return -errno. A wrapper would cost
// a call and an arguments array per system call.
const direct = new Set([
  'socket',
  'close',
  'bind',
  'localPort',
  'getsockoptInt',
  'setsockoptInt',
  'recvmsg',
  'sendmsg',
]);
for (const [name, value] of Object.entries(raw)) {
  if (typeof value !== 'function') continue;
  wrapped[name] = direct.has(name) ? value : wrap(value as (...args: unknown[]) => unknown);
}

/** @internal */
export const binding = wrapped as unknown as Binding;

/**
 * Closes a descriptor that is being given up. The kernel releases it even
 * when close() reports an error, so there is nothing to report. @internal
 */
export function release(fd: number): void {
  try {
    binding.close(fd);
  } catch {
    // released anyway
  }
}
