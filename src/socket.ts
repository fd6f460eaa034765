// The Socket class: .NET's System.Net.Sockets.Socket construction, DualMode,
// options, bind and listen over a descriptor the class owns until it is
// closed, detached or handed to Node.
import { ipFamily } from './address';
import {
  AddressFamily,
  SocketOptionLevel,
  SocketOptionLevel as Level,
  SocketOptionName,
  SocketType,
  type ProtocolType,
} from './enums';
import {
  checkDatagramIO,
  readSendToOptions,
  readSignal,
  type ReceiveFromResult,
  type ReceiveMessageFromResult,
  type ReceiveOptions,
  type SendToOptions,
} from './datagram';
import { NotSupportedError, missingArgs } from './errors';
import {
  checkPlatform,
  connectOptions,
  dgramOptions,
  serverOptions,
  type ConnectOptions,
  type ToDgramOptions,
  type ToServerOptions,
} from './handoff';
import {
  createDescriptor,
  DEFAULT_BACKLOG,
  describeDescriptor,
  dualModeHint,
  osSupportsIPv4,
  osSupportsIPv6,
  SocketHandle,
  type Described,
} from './handle';
import * as sys from './native';
import type { EndPoint } from './native';
import type dgram = require('node:dgram');
import type net = require('node:net');
import {
  getFlag,
  getLinger,
  getMulticastLoopback,
  getOption,
  getTtl,
  readDontFragment,
  readDualMode,
  readLinger,
  setBothHalves,
  setLinger,
  setPlainOption,
  writeDontFragment,
  writeDualMode,
  type IPv6MulticastOption,
  type LingerOption,
  type MulticastOption,
  type OptionValue,
} from './socket-options';
import {
  readEndPoint,
  validateBoolean,
  validateBytes,
  validateInt32,
  validateInteger,
  validateMember,
} from './validate';

const MAX_OPTION_BYTES = 65536;

// The private constructor path of Socket.fromFd: not exported, so only this
// module can adopt a descriptor.
const kAdopt = Symbol('dualmode.adopt');

interface Adopted extends Described {
  fd: number;
}

/**
 * A socket with the semantics of .NET's `System.Net.Sockets.Socket`: create
 * it, choose its dual mode and other options, bind it, then use it or hand it
 * to Node. The Socket owns its file descriptor until {@link Socket.close},
 * {@link Socket.detach} or a hand-off.
 *
 * @example
 * const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
 * socket.dualMode; // true: an IPv6 socket that also carries IPv4
 * socket.bind({ address: '::', port: 0 });
 * socket.localEndPoint; // { address: '::', family: 'IPv6', port: 41234 }
 * socket.close();
 */
export class Socket implements Disposable {
  readonly #handle: SocketHandle;
  readonly #family: AddressFamily;
  readonly #type: SocketType;
  readonly #protocol: number;

  /**
   * Creates an IPv6 socket in dual mode when the OS supports IPv6
   * ({@link Socket.osSupportsIPv6}), otherwise an IPv4 socket, as .NET's
   * `new Socket(SocketType, ProtocolType)` does.
   *
   * @throws SocketError when the OS refuses the type/protocol pair (`EPROTONOSUPPORT`, ...).
   */
  constructor(socketType: SocketType, protocolType: ProtocolType | number);
  /**
   * Creates a socket of the given family, as .NET's
   * `new Socket(AddressFamily, SocketType, ProtocolType)`. An `InterNetworkV6`
   * socket that is not `Raw` gets `IPV6_V6ONLY = 1` at creation on every OS,
   * so it starts with `dualMode === false` whatever the system default is.
   *
   * @throws SocketError when the OS refuses the combination (`EAFNOSUPPORT`, `EPROTONOSUPPORT`, ...).
   */
  constructor(addressFamily: AddressFamily, socketType: SocketType, protocolType: ProtocolType | number);
  constructor(first: unknown, second: unknown, third?: unknown) {
    if (first === kAdopt) {
      const adopted = second as Adopted;
      this.#family = adopted.family;
      this.#type = adopted.type;
      this.#protocol = adopted.protocol;
      this.#handle = new SocketHandle(adopted.fd, this.#ipv6, adopted);
      return;
    }
    if (arguments.length < 2) throw missingArgs(['socketType', 'protocolType']);
    // Socket.cs: Socket(SocketType, ProtocolType) is IPv6 + DualMode = true
    // when OSSupportsIPv6, else IPv4.
    const three = arguments.length > 2;
    const dual = !three && osSupportsIPv6();
    const v4OrV6 = dual ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
    this.#family = three ? validateMember(first, 'addressFamily', AddressFamily) : v4OrV6;
    this.#type = validateMember(three ? second : first, 'socketType', SocketType);
    this.#protocol = validateInteger(three ? third : second, 'protocolType', 0, 255);
    this.#handle = new SocketHandle(createDescriptor(this.#family, this.#type, this.#protocol, dual), this.#ipv6);
  }

  /**
   * Adopts an open IPv4 or IPv6 socket, such as one passed by systemd
   * (`LISTEN_FDS`): the very descriptor, not a copy (`socket.fd === fd`).
   * Its family, type and protocol are read from the kernel. The Socket owns
   * the descriptor from then on.
   *
   * @throws SocketError `EBADF` when `fd` is not open, `ENOTSOCK` when it is
   *   not a socket, `EAFNOSUPPORT` when it is not an IPv4/IPv6 socket,
   *   `ESOCKTNOSUPPORT` when it is not a stream, datagram or raw socket. A
   *   refused descriptor is left open and untouched.
   * @example
   * const server = Socket.fromFd(3).toServer(); // systemd socket activation
   */
  static fromFd(fd: number): Socket {
    validateInt32(fd, 'fd', 0);
    const adopted: Adopted = { fd, ...describeDescriptor(fd) };
    return Reflect.construct(Socket, [kAdopt, adopted]) as Socket;
  }

  /**
   * Whether this OS can create IPv4 sockets (.NET `Socket.OSSupportsIPv4`).
   * Computed once, by creating a UDP socket: only `EAFNOSUPPORT` and
   * `EPROTONOSUPPORT` mean "not supported".
   */
  static get osSupportsIPv4(): boolean {
    return osSupportsIPv4();
  }

  /**
   * Whether this OS can create IPv6 sockets (.NET `Socket.OSSupportsIPv6`).
   * Computed once, as {@link Socket.osSupportsIPv4}. `DUALMODE_DISABLE_IPV6=1`
   * (or `true`) in the environment makes it `false`, as .NET's
   * `DOTNET_SYSTEM_NET_DISABLEIPV6` does.
   */
  static get osSupportsIPv6(): boolean {
    return osSupportsIPv6();
  }

  /** The address family (.NET value). Readable in every state. */
  get addressFamily(): AddressFamily {
    return this.#family;
  }

  /** The socket type (.NET value). Readable in every state. */
  get socketType(): SocketType {
    return this.#type;
  }

  /** The protocol (.NET value, the IANA protocol number). Readable in every state. */
  get protocolType(): ProtocolType | number {
    return this.#protocol;
  }

  /** The file descriptor this Socket owns. */
  get fd(): number {
    return this.#open();
  }

  /** Whether {@link Socket.close} has been called. Readable in every state. */
  get closed(): boolean {
    return this.#handle.closed;
  }

  /**
   * Whether this IPv6 socket also carries IPv4: `IPV6_V6ONLY` is 0
   * (.NET `Socket.DualMode`).
   *
   * The getter reads `getsockopt(IPPROTO_IPV6, IPV6_V6ONLY)` every time; it is
   * `false` for a socket that is not `InterNetworkV6` (without a system
   * call, even after close). On Linux and the BSDs it turns `false` once the
   * socket is bound to a specific IPv6 address, because the kernel does that.
   *
   * The setter writes `IPV6_V6ONLY = value ? 0 : 1`, even when the value is
   * unchanged. It must run before `bind`: the kernel refuses it afterwards.
   *
   * OS defaults: Linux `net.ipv6.bindv6only` (normally 0), BSDs 0, Windows 1;
   * dualmode sets it at creation, so a new Socket's value never depends on them.
   * See {@link https://man7.org/linux/man-pages/man7/ipv6.7.html ipv6(7)} and
   * {@link https://learn.microsoft.com/windows/win32/winsock/ipproto-ipv6-socket-options IPPROTO_IPV6 socket options}.
   *
   * @throws NotSupportedError (`ERR_NOT_SUPPORTED`) when set on a non-IPv6 socket.
   * @throws SocketError `EINVAL` when set after bind.
   * @example
   * const socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
   * socket.dualMode;        // false
   * socket.dualMode = true; // IPv4 peers now reach it as ::ffff:a.b.c.d
   */
  get dualMode(): boolean {
    // Socket.cs DualMode: the family is checked before anything else.
    if (this.#family !== AddressFamily.InterNetworkV6) return false;
    return readDualMode(this.#open());
  }

  /** Sets `IPV6_V6ONLY = value ? 0 : 1`, before `bind`; see the getter. */
  set dualMode(value: boolean) {
    if (this.#family !== AddressFamily.InterNetworkV6) throw new NotSupportedError();
    writeDualMode(this.#open(), validateBoolean(value, 'dualMode'), dualModeHint(this.#type));
  }

  /**
   * Whether the socket has a local address: its `getsockname` port is not 0.
   * Read from the kernel every time, so it is right for adopted descriptors
   * and for sockets the kernel bound implicitly.
   */
  get isBound(): boolean {
    this.#open();
    return this.#handle.kernelBound();
  }

  /**
   * The local address (`getsockname`), `null` while unbound. An IPv6 socket
   * reports IPv6 forms; an IPv4 address bound in dual mode shows as
   * `::ffff:a.b.c.d`.
   */
  get localEndPoint(): EndPoint | null {
    const endPoint = sys.getsockname(this.#open());
    return endPoint.port === 0 ? null : endPoint;
  }

  /**
   * The peer address (`getpeername`), `null` while not connected. IPv4 peers
   * of an IPv6 socket show as `::ffff:a.b.c.d`.
   */
  get remoteEndPoint(): EndPoint | null {
    this.#open();
    return this.#handle.peerEndPoint();
  }

  /**
   * Reads an option by its .NET level and name, translated to the platform's
   * numbers (`IPv6Only` 27 becomes Linux's `IPV6_V6ONLY` 26). Boolean options
   * read as 0 or 1, exactly what the kernel holds. As .NET's native layer:
   * `(Socket, ReuseAddress)` reads `SO_REUSEPORT` (0/1), `ExclusiveAddressUse`
   * is its inverse, `(IP, DontFragment)` is 1 when `IP_MTU_DISCOVER` is
   * `IP_PMTUDISC_DO`, `(Socket, Type)` is a {@link SocketType}, and
   * `(Socket, Linger)` returns a {@link LingerOption}.
   *
   * @throws SocketError `ENOPROTOOPT` when this platform has no mapping for
   *   the pair, or the kernel's error.
   * @example
   * socket.getSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only); // 0 or 1
   */
  getSocketOption(level: typeof SocketOptionLevel.Socket, name: typeof SocketOptionName.Linger): LingerOption;
  getSocketOption(level: SocketOptionLevel | number, name: SocketOptionName | number): number;
  getSocketOption(level: SocketOptionLevel | number, name: SocketOptionName | number): OptionValue {
    const fd = this.#open();
    validateInt32(level, 'level');
    validateInt32(name, 'name');
    return getOption(fd, level, name);
  }

  /**
   * Writes an option by its .NET level and name; `true`/`false` are written
   * as 1/0. As .NET: `(Socket, ReuseAddress)` sets `SO_REUSEADDR` and
   * `SO_REUSEPORT`; `ExclusiveAddressUse` is its inverse and refused once
   * bound; `(IP, DontFragment)` sets `IP_MTU_DISCOVER` to `IP_PMTUDISC_DO` or
   * `IP_PMTUDISC_DONT`. Object values: `(Socket, Linger)` takes a
   * {@link LingerOption}; `(IP, AddMembership | DropMembership)` a
   * {@link MulticastOption} (an IPv4 group joins on a dual-mode IPv6 socket
   * too); `(IPv6, AddMembership | DropMembership)` an {@link IPv6MulticastOption}.
   *
   * @throws SocketError `ENOPROTOOPT` when this platform has no mapping for
   *   the pair, or the kernel's error; Error `ERR_SOCKET_ALREADY_BOUND` for
   *   `ExclusiveAddressUse` on a bound socket.
   * @example
   * socket.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
   * socket.setSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, { group: '239.1.2.3' });
   */
  setSocketOption(
    level: SocketOptionLevel | number,
    name: SocketOptionName | number,
    value: number | boolean | LingerOption | MulticastOption | IPv6MulticastOption,
  ): void {
    this.#open();
    validateInt32(level, 'level');
    validateInt32(name, 'name');
    this.#handle.setOption(level, name, value);
  }

  /**
   * Reads an option as bytes, with the platform's own level and name numbers
   * (see {@link platform}). Returns how many bytes the kernel wrote into `buf`.
   *
   * @param buf - 1 to 65536 bytes to receive the value.
   * @example
   * const buf = new Uint8Array(4);
   * socket.getRawSocketOption(platform.IPPROTO_IPV6, platform.IPV6_V6ONLY, buf); // 4
   */
  getRawSocketOption(level: number, name: number, buf: Uint8Array): number {
    const fd = this.#open();
    validateInt32(level, 'level');
    validateInt32(name, 'name');
    validateBytes(buf, 'buf', 1, MAX_OPTION_BYTES);
    return sys.getsockopt(fd, level, name, buf);
  }

  /**
   * Writes an option as bytes, with the platform's own level and name numbers
   * (see {@link platform}).
   *
   * @param buf - 0 to 65536 bytes, the value as the kernel expects it.
   */
  setRawSocketOption(level: number, name: number, buf: Uint8Array): void {
    this.#open();
    validateInt32(level, 'level');
    validateInt32(name, 'name');
    validateBytes(buf, 'buf', 0, MAX_OPTION_BYTES);
    this.#handle.setRawOption(level, name, buf);
  }

  // .NET's option properties (Socket.cs); getters read the kernel every
  // time. Their rules by family are in socket-options.ts.

  /**
   * The time to live of outgoing unicast packets (.NET `Socket.Ttl`):
   * `IP_TTL` on an IPv4 socket, `IPV6_UNICAST_HOPS` on an IPv6 one. Beyond
   * .NET: on a socket in dual mode the setter also sets `IP_TTL`, so its IPv4
   * packets get the same TTL (.NET leaves them at the system default).
   *
   * @throws RangeError `ERR_OUT_OF_RANGE` outside 0–255.
   */
  get ttl(): number {
    return getTtl(this.#open(), this.#ipv6);
  }

  /** Sets the TTL / hop limit (0–255); see the getter. */
  set ttl(value: number) {
    const fd = this.#open();
    setBothHalves(fd, this.#ipv6, SocketOptionName.IpTimeToLive, validateInteger(value, 'ttl', 0, 255));
  }

  /** Whether Nagle's algorithm is off (`TCP_NODELAY`, .NET `Socket.NoDelay`); a non-TCP socket gets the kernel's error. */
  get noDelay(): boolean {
    return getFlag(this.#open(), Level.Tcp, SocketOptionName.NoDelay);
  }

  /** Sets `TCP_NODELAY`; see the getter. */
  set noDelay(value: boolean) {
    const fd = this.#open();
    setPlainOption(fd, Level.Tcp, SocketOptionName.NoDelay, validateBoolean(value, 'noDelay'));
  }

  /**
   * Whether IPv4 datagrams are sent with the don't-fragment bit (.NET
   * `Socket.DontFragment`, .NET 9 rules): `IP_MTU_DISCOVER` =
   * `IP_PMTUDISC_DO` on Linux, `IP_DONTFRAG` on macOS and the BSDs. An IPv4
   * socket or an IPv6 socket in dual mode; the getter reads the IPv4 option.
   * Beyond .NET: on a dual-mode socket the setter also sets the IPv6 twin
   * (`IPV6_MTU_DISCOVER` / `IPV6_DONTFRAG`).
   *
   * @throws NotSupportedError on an IPv6 socket that is not in dual mode.
   */
  get dontFragment(): boolean {
    return readDontFragment(this.#open(), this.#ipv6);
  }

  /** Sets don't-fragment; see the getter. */
  set dontFragment(value: boolean) {
    const fd = this.#open();
    writeDontFragment(fd, this.#ipv6, validateBoolean(value, 'dontFragment'));
  }

  /**
   * Whether outgoing multicast is looped back to this host (.NET
   * `Socket.MulticastLoopback`): `IP_MULTICAST_LOOP` on an IPv4 socket,
   * `IPV6_MULTICAST_LOOP` on an IPv6 one (read by the getter). Beyond .NET: on
   * a socket in dual mode the setter also sets `IP_MULTICAST_LOOP`.
   */
  get multicastLoopback(): boolean {
    return getMulticastLoopback(this.#open(), this.#ipv6);
  }

  /** Sets multicast loopback; see the getter. */
  set multicastLoopback(value: boolean) {
    const fd = this.#open();
    setBothHalves(fd, this.#ipv6, SocketOptionName.MulticastLoopback, validateBoolean(value, 'multicastLoopback'));
  }

  /** Whether broadcast datagrams may be sent (`SO_BROADCAST`, .NET `Socket.EnableBroadcast`); `false` for a stream socket, as .NET. */
  get enableBroadcast(): boolean {
    const fd = this.#open();
    return this.#type !== SocketType.Stream && getFlag(fd, Level.Socket, SocketOptionName.Broadcast);
  }

  /** Sets `SO_BROADCAST`; see the getter. */
  set enableBroadcast(value: boolean) {
    const fd = this.#open();
    setPlainOption(fd, Level.Socket, SocketOptionName.Broadcast, validateBoolean(value, 'enableBroadcast'));
  }

  /**
   * Whether no other socket may bind the same port (.NET
   * `Socket.ExclusiveAddressUse`): on Unix the inverse of `ReuseAddress`,
   * `SO_REUSEADDR` and `SO_REUSEPORT` both 0. `true` for a new socket.
   *
   * @throws Error `ERR_SOCKET_ALREADY_BOUND` when set on a bound socket.
   */
  get exclusiveAddressUse(): boolean {
    return getFlag(this.#open(), Level.Socket, SocketOptionName.ExclusiveAddressUse);
  }

  /** Sets exclusive use (before bind); see the getter. */
  set exclusiveAddressUse(value: boolean) {
    this.#open();
    this.#handle.setOption(
      Level.Socket,
      SocketOptionName.ExclusiveAddressUse,
      validateBoolean(value, 'exclusiveAddressUse'),
    );
  }

  /** The receive buffer size in bytes (`SO_RCVBUF`, .NET `Socket.ReceiveBufferSize`); Linux reports twice what was set. @throws RangeError below 0. */
  get receiveBufferSize(): number {
    return getOption(this.#open(), Level.Socket, SocketOptionName.ReceiveBuffer) as number;
  }

  /** Sets `SO_RCVBUF`; see the getter. */
  set receiveBufferSize(value: number) {
    const fd = this.#open();
    setPlainOption(fd, Level.Socket, SocketOptionName.ReceiveBuffer, validateInt32(value, 'receiveBufferSize', 0));
  }

  /** The send buffer size in bytes (`SO_SNDBUF`, .NET `Socket.SendBufferSize`); Linux reports twice what was set. @throws RangeError below 0. */
  get sendBufferSize(): number {
    return getOption(this.#open(), Level.Socket, SocketOptionName.SendBuffer) as number;
  }

  /** Sets `SO_SNDBUF`; see the getter. */
  set sendBufferSize(value: number) {
    const fd = this.#open();
    setPlainOption(fd, Level.Socket, SocketOptionName.SendBuffer, validateInt32(value, 'sendBufferSize', 0));
  }

  /**
   * Whether and how long `close()` lingers while unsent data remains
   * (`SO_LINGER`, .NET `Socket.LingerState`).
   *
   * @throws TypeError / RangeError for a value that is not `{ enabled: boolean, lingerTime: 0–65535 }`.
   */
  get lingerState(): LingerOption {
    return getLinger(this.#open());
  }

  /** Sets `SO_LINGER`; see the getter. */
  set lingerState(value: LingerOption) {
    setLinger(this.#open(), readLinger(value, 'lingerState'));
  }

  get #ipv6(): boolean {
    return this.#family === AddressFamily.InterNetworkV6;
  }

  /**
   * Binds to a local address. On a dual-mode socket an IPv4 address is mapped
   * to `::ffff:a.b.c.d` first, as .NET does (`0.0.0.0` becomes
   * `::ffff:0.0.0.0`, which accepts IPv4 only; `::` accepts both families).
   * A bind that throws leaves the socket as it was.
   *
   * @param endPoint - `address`: an IP literal (zone ids such as
   *   `fe80::1%eth0` accepted); `port`: 0–65535, 0 for any.
   * @throws SocketError `EAFNOSUPPORT` for an IPv4 address on an IPv6 socket
   *   whose dualMode is false, or an IPv6 address on an IPv4 socket;
   *   otherwise the kernel's error (`EADDRINUSE`, `EACCES`, `EINVAL`, ...).
   * @example
   * socket.bind({ address: '127.0.0.1', port: 0 }); // binds ::ffff:127.0.0.1 when dual
   */
  bind(endPoint: { address: string; port: number }): void {
    this.#open();
    const { address, port } = readEndPoint(endPoint);
    this.#handle.bind(this.#handle.target(address, 'endPoint.address', 'bind', port), port);
  }

  /**
   * Starts listening for connections (stream sockets). An unbound socket is
   * bound by the kernel to the wildcard address and a free port first.
   *
   * @param backlog - the queue length, 511 by default as Node's `server.listen()`.
   */
  listen(backlog: number = DEFAULT_BACKLOG): void {
    this.#open();
    this.#handle.listen(validateInt32(backlog, 'backlog', 0));
  }

  /**
   * Receives one datagram into `buffer` (.NET `ReceiveFromAsync`). Resolves
   * with the number of bytes and the sender; a datagram longer than `buffer`
   * is cut to its length. Several calls may be pending; they are served in
   * the order they were made. IPv4 senders of an IPv6 socket appear as
   * `::ffff:a.b.c.d`. The I/O runs on Node's event loop (`recvmsg` on a
   * non-blocking descriptor); a Socket with calls pending keeps the process
   * alive, an idle one does not.
   *
   * @param buffer - where the datagram goes; any length, 0 included.
   * @param options - `signal`: an `AbortSignal` that cancels this call (the
   *   promise rejects with an `AbortError`; other calls stay pending).
   * @throws Error `ERR_SOCKET_BAD_TYPE` on a stream or raw socket;
   *   `ERR_SOCKET_NOT_BOUND` on an unbound socket (bind first, or send first:
   *   a send binds implicitly); `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` on
   *   Windows and on runtimes without libuv.
   * @example
   * const { receivedBytes, remoteEndPoint } = await socket.receiveFrom(buffer);
   */
  receiveFrom(buffer: Uint8Array, options?: ReceiveOptions): Promise<ReceiveFromResult> {
    this.#checkDatagramIO('receiveFrom()');
    validateBytes(buffer, 'buffer', 0, Infinity);
    const signal = readSignal(options);
    this.#handle.checkBound('receiveFrom()');
    return this.#handle.receive(buffer, 0, signal);
  }

  /**
   * Receives one datagram with its packet information (.NET
   * `ReceiveMessageFromAsync`): besides what {@link Socket.receiveFrom}
   * gives, the local address it was sent to and the interface it arrived on,
   * and `socketFlags` (`Truncated`, `ControlDataTruncated`). The address has
   * the form of the sender's: `::ffff:a.b.c.d` for an IPv4 datagram on an
   * IPv6 socket. Pass `packetInformation` to {@link Socket.sendTo} as `from`
   * to answer from the address the client asked.
   *
   * The first call turns packet information on, as .NET does: on a dual-mode
   * socket bound to `::`, `IPV6_RECVPKTINFO` and `IP_PKTINFO`; bound to an
   * IPv4-mapped address, `IP_PKTINFO`; any other IPv6 socket
   * `IPV6_RECVPKTINFO`; an IPv4 socket `IP_PKTINFO`. Datagrams queued before
   * that may come without it (`address` `''`, `interface` 0). See
   * {@link https://man7.org/linux/man-pages/man7/ipv6.7.html ipv6(7)} and
   * {@link https://man7.org/linux/man-pages/man7/ip.7.html ip(7)}.
   *
   * @throws as {@link Socket.receiveFrom}; also
   *   `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` for a dual-mode socket where the
   *   OS cannot report IPv4 packet information on it (all but Linux, as .NET).
   * @example
   * const { remoteEndPoint, packetInformation } = await socket.receiveMessageFrom(buffer);
   * await socket.sendTo(reply, remoteEndPoint, { from: packetInformation });
   */
  receiveMessageFrom(buffer: Uint8Array, options?: ReceiveOptions): Promise<ReceiveMessageFromResult> {
    this.#checkDatagramIO('receiveMessageFrom()');
    validateBytes(buffer, 'buffer', 0, Infinity);
    const signal = readSignal(options);
    this.#handle.checkBound('receiveMessageFrom()');
    return this.#handle.receive(buffer, 1, signal) as Promise<ReceiveMessageFromResult>;
  }

  /**
   * Sends `buffer` as one datagram to `endPoint` (.NET `SendToAsync`) and
   * resolves with the number of bytes sent. On a dual-mode socket an IPv4
   * address is mapped to `::ffff:a.b.c.d`; a family the socket cannot reach
   * is refused as by `bind` (`EAFNOSUPPORT`, thrown). An unbound socket is
   * bound by the kernel to a free port, and stays bound to it.
   *
   * Beyond .NET: `options.from` sends from that local address and interface
   * (`IPV6_PKTINFO` / `IP_PKTINFO`): pass the `packetInformation` of a
   * received datagram to answer from the address the request came to, which
   * is what lets one dual-mode socket serve a host with many addresses.
   * `from.address` follows the same family rules as `endPoint.address` (an
   * IPv4 address on a dual-mode socket, plain or mapped); `''` or an absent
   * address and interface 0 let the kernel choose. A `from` address that is
   * not local fails with the kernel's error (`EINVAL`, `EADDRNOTAVAIL` or
   * `ENETUNREACH` on Linux), as a rejected promise.
   *
   * @param buffer - the datagram; any length the protocol allows, 0 included.
   * @param endPoint - `address`: an IP literal; `port`: 0–65535.
   * @param options - `from`: `{ address, interface? }`; `signal`: an `AbortSignal`.
   * @throws as {@link Socket.receiveFrom}, but an unbound socket is fine.
   * @example
   * await socket.sendTo(Buffer.from('hi'), { address: '127.0.0.1', port: 5300 });
   */
  sendTo(buffer: Uint8Array, endPoint: { address: string; port: number }, options?: SendToOptions): Promise<number> {
    this.#checkDatagramIO('sendTo()');
    validateBytes(buffer, 'buffer', 0, Infinity);
    const { address, port } = readEndPoint(endPoint);
    ipFamily(address, 'endPoint.address');
    const { source, signal } = readSendToOptions(options);
    const handle = this.#handle;
    const from = source.address === '' ? '' : handle.target(source.address, 'options.from.address', 'sendmsg', port);
    const target = handle.target(address, 'endPoint.address', 'sendmsg', port);
    const io = handle.datagramIO();
    return io instanceof Promise ? io : io.send(buffer, target, port, from, source.interface, signal);
  }

  /**
   * Hands a stream socket to Node as a listening `net.Server`. An unbound
   * socket is bound to the wildcard (`[::]:0` or `0.0.0.0:0`) with
   * `SO_REUSEADDR`, as Node binds its own listeners; a socket not yet
   * listening listens with backlog 511. Errors of those steps (such as
   * `EADDRINUSE`) are thrown here. The options set before, dual mode first of
   * all, stay in force. Works in the primary, in `cluster` workers and in
   * `worker_threads`.
   *
   * Afterwards this Socket is detached: the server owns the descriptor and
   * closes it on `server.close()`.
   *
   * @param options - those of `net.createServer()`.
   * @throws Error `ERR_SOCKET_BAD_TYPE` on a datagram or raw socket (the Socket stays open).
   * @throws Error `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` on Windows.
   * @example
   * const server = new Socket(SocketType.Stream, ProtocolType.Tcp).toServer();
   * server.on('connection', (conn) => conn.end(`hello ${conn.remoteAddress}\n`));
   * server.address(); // { address: '::', family: 'IPv6', port: 38211 }; IPv4 clients welcome
   */
  toServer(options?: ToServerOptions): net.Server {
    this.#open();
    checkPlatform('toServer');
    this.#checkType(SocketType.Stream, 'toServer()');
    return this.#handle.toServer(serverOptions(options));
  }

  /**
   * Hands a stream socket to Node as a `net.Socket` connecting to
   * `endPoint`; it emits `'connect'` or `'error'` exactly as one made by
   * `net.connect()`. On a dual-mode socket an IPv4 address is mapped to
   * `::ffff:a.b.c.d`; on an IPv6 socket whose dualMode is false it throws
   * here, before any system call (as .NET's `Connect(IPAddress)`). A failed
   * connection closes the descriptor and does not keep the process alive.
   *
   * @param endPoint - `address`: an IP literal; `port`: 1–65535 (0 is refused by the kernel).
   * @param options - those of `net.connect()` that apply to an existing socket.
   * @throws SocketError `EAFNOSUPPORT` for an address of the wrong family.
   * @throws Error `ERR_SOCKET_BAD_TYPE` on a datagram or raw socket (the Socket stays open).
   * @throws Error `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` on Windows, Bun and Deno, whose net.Socket would not use the descriptor.
   * @example
   * const client = new Socket(SocketType.Stream, ProtocolType.Tcp).connect({ address: '127.0.0.1', port: 8080 });
   * client.on('connect', () => client.remoteAddress); // '::ffff:127.0.0.1'
   */
  connect(endPoint: { address: string; port: number }, options?: ConnectOptions): net.Socket {
    this.#open();
    checkPlatform('connect');
    this.#checkType(SocketType.Stream, 'connect()');
    const { address, port } = readEndPoint(endPoint);
    // Node would look up a host name: only a valid literal may pass.
    ipFamily(address, 'endPoint.address');
    const target = this.#handle.target(address, 'endPoint.address', 'connect', port);
    return this.#handle.connect(target, port, connectOptions(options));
  }

  /**
   * Hands a datagram socket to Node as a bound `dgram.Socket` (`udp6` for an
   * IPv6 socket). An unbound socket is bound to `[::]:0` or `0.0.0.0:0`
   * first. On a dual-mode socket `send(msg, port, '192.0.2.1')` maps the IPv4
   * destination (Node's own udp6 socket fails with `EINVAL`), and IPv4 peers
   * appear in `rinfo.address` as `::ffff:a.b.c.d`; with dual mode off an IPv4
   * destination fails with `EAFNOSUPPORT`.
   *
   * The socket comes back bound: its `'listening'` event has already been
   * emitted, so do not wait for it. `SO_REUSEADDR`, which Node turns on for
   * an adopted UDP socket, is put back as it was.
   *
   * @param options - those of `dgram.createSocket()` that apply to a bound socket.
   * @throws Error `ERR_SOCKET_BAD_TYPE` on a stream or raw socket (the Socket stays open).
   * @throws Error `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` on Windows, Bun and Deno, whose dgram cannot take the descriptor as it is.
   * @example
   * const udp = new Socket(SocketType.Dgram, ProtocolType.Udp).toDgram();
   * udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address));
   */
  toDgram(options?: ToDgramOptions): dgram.Socket {
    this.#open();
    checkPlatform('toDgram');
    this.#checkType(SocketType.Dgram, 'toDgram()');
    return this.#handle.toDgram(dgramOptions(options));
  }

  /**
   * Gives up the descriptor and returns it: from now on the caller owns it
   * and must close it. Every member but `close()`, `closed` and the type
   * getters then throws `ERR_SOCKET_DETACHED`.
   */
  detach(): number {
    const fd = this.#open();
    this.#handle.detachTo('the caller of detach()');
    return fd;
  }

  /**
   * Closes the descriptor. Never throws; does nothing on a closed, detached or
   * handed-off Socket. Afterwards every member but `closed` and the type
   * getters throws `ERR_SOCKET_CLOSED`, so a later descriptor that reuses the
   * number is never reached through this Socket.
   */
  close(): void {
    this.#handle.close();
  }

  /** Same as {@link Socket.close}, for `using socket = new Socket(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  // Datagram I/O needs a datagram socket, and an event loop the addon can watch.
  #checkDatagramIO(method: string): void {
    this.#open();
    checkDatagramIO(method);
    this.#checkType(SocketType.Dgram, method);
  }

  #checkType(type: SocketType, method: string): void {
    if (this.#type === type) return;
    const wanted = type === SocketType.Stream ? 'stream' : 'datagram';
    throw Object.assign(new TypeError(`${method} needs a ${wanted} socket`), { code: 'ERR_SOCKET_BAD_TYPE' });
  }

  #open(): number {
    return this.#handle.fdOrThrow();
  }
}
