// Error classes and the one factory that turns a failed system call into a
// SocketError (Node's system-error shape plus .NET's SocketError name).
import util = require('node:util');

// .NET's errno → SocketError mapping (SocketErrorPal.Unix.cs).
const dotnetNames: Readonly<Record<string, string>> = {
  EACCES: 'AccessDenied',
  EADDRINUSE: 'AddressAlreadyInUse',
  EADDRNOTAVAIL: 'AddressNotAvailable',
  EAFNOSUPPORT: 'AddressFamilyNotSupported',
  EAGAIN: 'WouldBlock',
  EALREADY: 'AlreadyInProgress',
  EBADF: 'OperationAborted',
  ECANCELED: 'OperationAborted',
  ECONNABORTED: 'ConnectionAborted',
  ECONNREFUSED: 'ConnectionRefused',
  ECONNRESET: 'ConnectionReset',
  EDESTADDRREQ: 'DestinationAddressRequired',
  EFAULT: 'Fault',
  EHOSTDOWN: 'HostDown',
  ENXIO: 'HostNotFound',
  EHOSTUNREACH: 'HostUnreachable',
  EINPROGRESS: 'InProgress',
  EINTR: 'Interrupted',
  EINVAL: 'InvalidArgument',
  EISCONN: 'IsConnected',
  EMFILE: 'TooManyOpenSockets',
  EMSGSIZE: 'MessageSize',
  ENETDOWN: 'NetworkDown',
  ENETRESET: 'NetworkReset',
  ENETUNREACH: 'NetworkUnreachable',
  ENFILE: 'TooManyOpenSockets',
  ENOBUFS: 'NoBufferSpaceAvailable',
  ENODATA: 'NoData',
  ENOENT: 'AddressNotAvailable',
  ENOPROTOOPT: 'ProtocolOption',
  ENOTCONN: 'NotConnected',
  ENOTSOCK: 'NotSocket',
  ENOTSUP: 'OperationNotSupported',
  EPERM: 'AccessDenied',
  EPIPE: 'Shutdown',
  EPFNOSUPPORT: 'ProtocolFamilyNotSupported',
  EPROTONOSUPPORT: 'ProtocolNotSupported',
  EPROTOTYPE: 'ProtocolType',
  ESOCKTNOSUPPORT: 'SocketNotSupported',
  ESHUTDOWN: 'Disconnecting',
  ETIMEDOUT: 'TimedOut',
};

/** Set on an error thrown after Node took the descriptor (the Node object was destroyed, closing it). @internal */
export const kFdTaken = Symbol('dualmode.fdTaken');

let errnoByCode: Map<string, number> | undefined;

/** The errno Node uses for `code` on this platform (negative). @internal */
export function errnoOf(code: string): number {
  if (errnoByCode === undefined) {
    errnoByCode = new Map();
    for (const [errno, [name]] of util.getSystemErrorMap()) errnoByCode.set(name, errno);
  }
  const errno = errnoByCode.get(code);
  if (errno === undefined) throw new Error(`unknown system error code ${code}`);
  return errno;
}

/** Where a failed call was aimed, and what to add to its message. */
export interface SocketErrorDetails {
  /** The address the call used, as it reached the kernel. */
  address?: string;
  /** The port the call used. */
  port?: number;
  /** A sentence appended to the message in parentheses: why, and what to do. */
  hint?: string;
}

/**
 * A system call on a socket failed (.NET's `SocketException`). The shape is
 * Node's own system error, plus `socketErrorCode`, the name of .NET's
 * `SocketError` member.
 *
 * @example
 * try { socket.bind({ address: '::', port: 80 }) } catch (err) {
 *   if (err instanceof SocketError && err.code === 'EACCES') ...
 * }
 */
export class SocketError extends Error {
  /** The system error name, as Node writes it: `'EADDRINUSE'`. */
  readonly code: string;
  /** The error number as Node reports it (negative on Unix): `util.getSystemErrorName(errno) === code`. */
  readonly errno: number;
  /** The system call that failed: `'bind'`, `'setsockopt'`, ... */
  readonly syscall: string;
  /** The address the call used, when there was one (absent otherwise). */
  declare readonly address?: string;
  /** The port the call used, when there was one (absent otherwise). */
  declare readonly port?: number;
  /** .NET's `SocketError` name for `code` (`'AddressAlreadyInUse'`), `'SocketError'` when .NET has none. */
  readonly socketErrorCode: string;

  /**
   * @param errno - the error number as Node reports it (`-98`, or `errnoOf('EADDRINUSE')`)
   * @param syscall - the system call that failed
   */
  constructor(errno: number, syscall: string, details: SocketErrorDetails = {}) {
    // An errno libuv has no name for keeps util.getSystemErrorName's answer
    // ("Unknown system error -33"), so that getSystemErrorName(errno) === code.
    const [code, description] = util.getSystemErrorMap().get(errno) ?? [
      util.getSystemErrorName(errno),
      'unknown error',
    ];
    let message = `${syscall} ${code}: ${description}`;
    if (details.address !== undefined) {
      const host = details.address.includes(':') ? `[${details.address}]` : details.address;
      message += details.port === undefined ? ` ${host}` : ` ${host}:${details.port}`;
    }
    if (details.hint !== undefined) message += ` (${details.hint})`;
    super(message);
    this.name = 'SocketError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (details.address !== undefined) Object.assign(this, { address: details.address });
    if (details.port !== undefined) Object.assign(this, { port: details.port });
    this.socketErrorCode = dotnetNames[code] ?? 'SocketError';
  }
}

/**
 * The operation is not supported on this kind of socket (.NET's
 * `NotSupportedException`), such as setting `dualMode` on an IPv4 socket.
 */
export class NotSupportedError extends Error {
  /** Always `'ERR_NOT_SUPPORTED'`. */
  readonly code = 'ERR_NOT_SUPPORTED';
  constructor(message = 'This protocol version is not supported.') {
    super(message);
    this.name = 'NotSupportedError';
  }
}

/**
 * A call was cancelled through its `AbortSignal`: Node's own `AbortError`
 * shape (`name` `'AbortError'`, `code` `'ABORT_ERR'`), with the signal's
 * reason as `cause`. @internal
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

interface NativeError {
  errno: number;
  syscall: string;
}

function isNativeError(err: unknown): err is NativeError {
  return (
    err instanceof Error &&
    typeof (err as Partial<NativeError>).errno === 'number' &&
    typeof (err as Partial<NativeError>).syscall === 'string'
  );
}

/**
 * A system error (the addon's, or Node's own) as a SocketError; a SocketError
 * or any other error as it is. The addon's errors are turned into
 * SocketErrors by the sys layer (native.ts) only. @internal
 */
export function asSocketError(err: unknown, details?: SocketErrorDetails): unknown {
  return isNativeError(err) && !(err instanceof SocketError) ? new SocketError(err.errno, err.syscall, details) : err;
}

/** A SocketError for a call refused before it reached the kernel. @internal */
export function refused(code: string, syscall: string, details: SocketErrorDetails): SocketError {
  return new SocketError(errnoOf(code), syscall, details);
}

type CodedError<E extends Error> = E & { code: string };

function coded<E extends Error>(err: E, code: string): CodedError<E> {
  return Object.assign(err, { code });
}

/** How Node's own errors describe a received value; never calls user code that could throw. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    try {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name !== '') return `Received an instance of ${name}`;
    } catch {
      // a Proxy or a throwing getter: fall through
    }
    return 'Received an object';
  }
  let shown = util.inspect(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof value} (${shown})`;
}

function subject(name: string): string {
  return name.includes('.') ? `The "${name}" property` : `The "${name}" argument`;
}

/** @internal */
export function invalidArgType(name: string, expected: string, value: unknown): CodedError<TypeError> {
  return coded(new TypeError(`${subject(name)} must be ${expected}. ${describe(value)}`), 'ERR_INVALID_ARG_TYPE');
}

/** @internal */
export function outOfRange(name: string, range: string, value: unknown): CodedError<RangeError> {
  const shown = typeof value === 'number' ? String(value) : describe(value);
  return coded(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** @internal */
export function missingArgs(names: string[]): CodedError<TypeError> {
  const list = names.map((name) => `"${name}"`).join(' and ');
  return coded(new TypeError(`The ${list} arguments must be specified`), 'ERR_MISSING_ARGS');
}

/** @internal */
export function invalidIPAddress(value: string): CodedError<TypeError> {
  return coded(new TypeError(`Invalid IP address: ${value}`), 'ERR_INVALID_IP_ADDRESS');
}

/** @internal */
export function badPort(name: string, value: number): CodedError<RangeError> {
  return coded(
    new RangeError(`${name} should be an integer >= 0 and < 65536. Received ${String(value)}.`),
    'ERR_SOCKET_BAD_PORT',
  );
}

/** @internal */
export function socketClosed(detail?: string): CodedError<Error> {
  return coded(
    new Error(detail === undefined ? 'Socket is closed' : `Socket is closed: ${detail}`),
    'ERR_SOCKET_CLOSED',
  );
}

/** @internal */
export function socketDetached(owner: string): CodedError<Error> {
  return coded(new Error(`Socket is detached: its file descriptor now belongs to ${owner}`), 'ERR_SOCKET_DETACHED');
}
