// .NET's System.Net.Sockets enumerations, with .NET's names and numeric
// values on every OS. Each is a frozen object plus a union type of its values.

/**
 * The address family of a socket (.NET `System.Net.Sockets.AddressFamily`).
 *
 * @enum
 * @example
 * new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp)
 */
export const AddressFamily = Object.freeze({
  /** `AF_UNSPEC` (0 on every OS): no particular family; `socket()` refuses it with `EAFNOSUPPORT`. */
  Unspecified: 0,
  /** `AF_INET` (2 on every OS): IP version 4. */
  InterNetwork: 2,
  /** `AF_INET6`: IP version 6; 23 here and on Windows, mapped to 10 on Linux, 30 on macOS, 28 on FreeBSD. */
  InterNetworkV6: 23,
} as const);
/** One of the values of {@link AddressFamily}. */
export type AddressFamily = (typeof AddressFamily)[keyof typeof AddressFamily];

/**
 * The type of a socket (.NET `System.Net.Sockets.SocketType`).
 *
 * @enum
 */
export const SocketType = Object.freeze({
  /** `SOCK_STREAM`: reliable, ordered, connection-based byte streams (TCP). */
  Stream: 1,
  /** `SOCK_DGRAM`: connectionless, unreliable datagrams of fixed maximum length (UDP). */
  Dgram: 2,
  /** `SOCK_RAW`: raw access to the underlying protocol (ICMP, IP headers); usually needs privileges. */
  Raw: 3,
} as const);
/** One of the values of {@link SocketType}. */
export type SocketType = (typeof SocketType)[keyof typeof SocketType];

/**
 * The protocol of a socket (.NET `System.Net.Sockets.ProtocolType`). The values
 * are IANA protocol numbers, which every OS uses as its `IPPROTO_*` constants;
 * any number 0–255 is accepted where a protocol is expected.
 *
 * @enum
 */
export const ProtocolType = Object.freeze({
  /** 0: the default protocol of the socket type (TCP for `Stream`, UDP for `Dgram`). */
  Unspecified: 0,
  /** `IPPROTO_ICMP` (1): Internet Control Message Protocol, for IPv4 `Raw` (or ping `Dgram`) sockets. */
  Icmp: 1,
  /** `IPPROTO_TCP` (6): Transmission Control Protocol. */
  Tcp: 6,
  /** `IPPROTO_UDP` (17): User Datagram Protocol. */
  Udp: 17,
  /** `IPPROTO_IPV6` (41): Internet Protocol version 6; as a `Raw` socket's protocol, IPv6 encapsulated in IPv4. */
  IPv6: 41,
  /** `IPPROTO_ICMPV6` (58): Internet Control Message Protocol for IPv6. */
  IcmpV6: 58,
} as const);
/** One of the values of {@link ProtocolType}. */
export type ProtocolType = (typeof ProtocolType)[keyof typeof ProtocolType];

/**
 * The level of a socket option (.NET `System.Net.Sockets.SocketOptionLevel`).
 *
 * @enum
 */
export const SocketOptionLevel = Object.freeze({
  /** `IPPROTO_IP` (0): options of IPv4 sockets (`IP_*`). */
  IP: 0,
  /** `IPPROTO_TCP` (6): options of TCP sockets (`TCP_*`). */
  Tcp: 6,
  /** `IPPROTO_UDP` (17): options of UDP sockets (`UDP_*`); none is mapped by getSocketOption/setSocketOption. */
  Udp: 17,
  /** `IPPROTO_IPV6` (41): options of IPv6 sockets (`IPV6_*`). */
  IPv6: 41,
  /** `SOL_SOCKET`: options of every socket (`SO_*`); 65535 here and on Windows and the BSDs, mapped to 1 on Linux. */
  Socket: 65535,
} as const);
/** One of the values of {@link SocketOptionLevel}. */
export type SocketOptionLevel = (typeof SocketOptionLevel)[keyof typeof SocketOptionLevel];

/**
 * The name of a socket option (.NET `System.Net.Sockets.SocketOptionName`),
 * every .NET member with .NET's value. Values repeat across levels (`NoDelay`,
 * `Debug` and `IPOptions` are all 1): the level says which is meant.
 * `IPv6Only` is 27 everywhere and is mapped to the platform's `IPV6_V6ONLY`
 * (26 on Linux).
 *
 * The values are Winsock's. {@link Socket.getSocketOption} and
 * {@link Socket.setSocketOption} translate the integer options of their table
 * to this platform's numbers; the others need {@link Socket.getRawSocketOption}
 * and {@link Socket.setRawSocketOption} with the numbers of {@link platform}.
 *
 * @enum
 */
export const SocketOptionName = Object.freeze({
  // SocketOptionLevel.Socket
  /** `SO_DEBUG` (Socket level): record debugging information. */
  Debug: 1,
  /** `SO_ACCEPTCONN` (Socket level, read-only): 1 when the socket is listening. */
  AcceptConnection: 2,
  /** `SO_REUSEADDR` (Socket level): allow binding to an address that is already in use. On Unix, as .NET, set writes `SO_REUSEADDR` and `SO_REUSEPORT`, get reads `SO_REUSEPORT` (0/1). */
  ReuseAddress: 4,
  /** `SO_KEEPALIVE` (Socket level): send keep-alive probes on an idle connection. */
  KeepAlive: 8,
  /** `SO_DONTROUTE` (Socket level): do not route; send directly to the interface addresses. */
  DontRoute: 16,
  /** `SO_BROADCAST` (Socket level): permit sending broadcast datagrams. */
  Broadcast: 32,
  /** `SO_USELOOPBACK` (Socket level, BSDs and Windows): bypass hardware when possible. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  UseLoopback: 64,
  /** `SO_LINGER` (Socket level): linger on close while unsent data remains; getSocketOption/setSocketOption move it as a {@link LingerOption} `{ enabled, lingerTime }`. */
  Linger: 128,
  /** `SO_OOBINLINE` (Socket level): receive out-of-band data in the normal data stream. */
  OutOfBandInline: 256,
  /** `SO_DONTLINGER` (Socket level, Windows; `~Linger`): close gracefully without lingering. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  DontLinger: -129,
  /** `SO_EXCLUSIVEADDRUSE` (Socket level, Windows; `~ReuseAddress`): bind for exclusive access. On Unix, as .NET, the inverse of `ReuseAddress`, refused once bound (`ERR_SOCKET_ALREADY_BOUND`). */
  ExclusiveAddressUse: -5,
  /** `SO_SNDBUF` (Socket level): the per-socket buffer space reserved for sends, in bytes. */
  SendBuffer: 4097,
  /** `SO_RCVBUF` (Socket level): the per-socket buffer space reserved for receives, in bytes. */
  ReceiveBuffer: 4098,
  /** `SO_SNDLOWAT` (Socket level): the low-water mark for send operations, in bytes. */
  SendLowWater: 4099,
  /** `SO_RCVLOWAT` (Socket level): the low-water mark for receive operations, in bytes. */
  ReceiveLowWater: 4100,
  /** `SO_SNDTIMEO` (Socket level): the timeout of blocking sends; a `timeval` on Unix. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  SendTimeout: 4101,
  /** `SO_RCVTIMEO` (Socket level): the timeout of blocking receives; a `timeval` on Unix. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  ReceiveTimeout: 4102,
  /** `SO_ERROR` (Socket level, read-only): the pending socket error, cleared by reading it. */
  Error: 4103,
  /** `SO_TYPE` (Socket level, read-only): the socket type, read as a .NET {@link SocketType}. */
  Type: 4104,
  /** `SO_REUSE_UNICASTPORT` (Socket level, Windows): defer ephemeral port allocation for outgoing connections, so they can share local ports. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  ReuseUnicastPort: 12295,
  /** `SOMAXCONN`: the largest `listen` backlog; not a real option, and .NET refuses it. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  MaxConnections: 2147483647,
  // SocketOptionLevel.IP and SocketOptionLevel.IPv6
  /** `IP_OPTIONS` (IP level): the IP options inserted into outgoing datagrams, as bytes. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  IPOptions: 1,
  /** `IP_HDRINCL` (IP level): the application supplies the IP header of outgoing datagrams (`Raw` sockets). */
  HeaderIncluded: 2,
  /** `IP_TOS` (IP level): the type-of-service (DSCP/ECN) byte of the IPv4 header. */
  TypeOfService: 3,
  /** `IP_TTL` (IP level): the time-to-live of outgoing unicast IPv4 packets; at the IPv6 level `IPV6_UNICAST_HOPS`, as .NET's `Ttl` uses it. */
  IpTimeToLive: 4,
  /** `IP_MULTICAST_IF` / `IPV6_MULTICAST_IF`: the interface for outgoing multicast; mapped at the IPv6 level (an interface index) only. */
  MulticastInterface: 9,
  /** `IP_MULTICAST_TTL` (IP level) / `IPV6_MULTICAST_HOPS` (IPv6 level): the TTL or hop limit of outgoing multicast. */
  MulticastTimeToLive: 10,
  /** `IP_MULTICAST_LOOP` (IP level) / `IPV6_MULTICAST_LOOP` (IPv6 level): loop outgoing multicast back to this host. */
  MulticastLoopback: 11,
  /** `IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP`: join a multicast group; setSocketOption takes a {@link MulticastOption} (IP level) or {@link IPv6MulticastOption} (IPv6 level). */
  AddMembership: 12,
  /** `IP_DROP_MEMBERSHIP` / `IPV6_LEAVE_GROUP`: leave a multicast group; setSocketOption takes a {@link MulticastOption} (IP level) or {@link IPv6MulticastOption} (IPv6 level). */
  DropMembership: 13,
  /** `IP_DONTFRAGMENT` (IP level, Windows; `IP_MTU_DISCOVER` = `IP_PMTUDISC_DO` / `IP_PMTUDISC_DONT` on Linux, `IP_DONTFRAG` on macOS and the BSDs): do not fragment IPv4 datagrams; read and written as 0/1. */
  DontFragment: 14,
  /** `IP_ADD_SOURCE_MEMBERSHIP` (IP level): join a source-specific multicast group. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  AddSourceMembership: 15,
  /** `IP_DROP_SOURCE_MEMBERSHIP` (IP level): leave a source-specific multicast group. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  DropSourceMembership: 16,
  /** `IP_BLOCK_SOURCE` (IP level): block multicast data from a source. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  BlockSource: 17,
  /** `IP_UNBLOCK_SOURCE` (IP level): unblock a previously blocked multicast source. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  UnblockSource: 18,
  /** `IP_PKTINFO` (IP level) / `IPV6_RECVPKTINFO` (IPv6 level): return the destination address and interface of received packets; unmapped where the OS lacks it. */
  PacketInformation: 19,
  /** `IPV6_UNICAST_HOPS` (IPv6 level): the hop limit of outgoing unicast IPv6 packets, the IPv6 counterpart of the TTL. */
  HopLimit: 21,
  /** `IPV6_PROTECTION_LEVEL` (IPv6 level, Windows): restrict an IPv6 socket to a scope, such as link-local or site-local peers. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  IPProtectionLevel: 23,
  /** `IPV6_V6ONLY` (IPv6 level): 1 = IPv6 only, 0 = dual mode; 27 here and on Windows, mapped to 26 on Linux. */
  IPv6Only: 27,
  // SocketOptionLevel.Tcp
  /** `TCP_NODELAY` (Tcp level): disable the Nagle algorithm for send coalescing. */
  NoDelay: 1,
  /** `TCP_EXPEDITED_1122` (Tcp level, Windows; same value as `Expedited`): use urgent data as RFC 1122 defines it; once set, it stays set. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  BsdUrgent: 2,
  /** `TCP_EXPEDITED_1122` (Tcp level, Windows; same value as `BsdUrgent`): use expedited data as RFC 1122 defines it; once set, it stays set. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  Expedited: 2,
  /** `TCP_KEEPIDLE` (Tcp level; `TCP_KEEPALIVE` on macOS): seconds a connection stays idle before keep-alive probes start. */
  TcpKeepAliveTime: 3,
  /** `TCP_FASTOPEN` (Tcp level): enable TCP Fast Open (RFC 7413); unmapped where the OS lacks it. */
  FastOpen: 15,
  /** `TCP_KEEPCNT` (Tcp level): keep-alive probes sent without an answer before the connection is dropped. */
  TcpKeepAliveRetryCount: 16,
  /** `TCP_KEEPINTVL` (Tcp level): seconds between keep-alive probes while no answer comes. */
  TcpKeepAliveInterval: 17,
  // SocketOptionLevel.Udp
  /** `UDP_NOCHECKSUM` (Udp level, Windows): send UDP datagrams with a zero checksum. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  NoChecksum: 1,
  /** `UDP_CHECKSUM_COVERAGE` (Udp level, Windows): set or get the UDP checksum coverage. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  ChecksumCoverage: 20,
  /** `SO_UPDATE_ACCEPT_CONTEXT` (Socket level, Windows): give a socket accepted by `AcceptEx` its listener's properties. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  UpdateAcceptContext: 28683,
  /** `SO_UPDATE_CONNECT_CONTEXT` (Socket level, Windows): bring a socket connected by `ConnectEx` up to date with its new state. Not mapped by getSocketOption/setSocketOption (use the raw variants). */
  UpdateConnectContext: 28688,
} as const);
/** One of the values of {@link SocketOptionName}. */
export type SocketOptionName = (typeof SocketOptionName)[keyof typeof SocketOptionName];

/**
 * Flags of a received datagram (.NET `System.Net.Sockets.SocketFlags`), as
 * {@link Socket.receiveMessageFrom} reports them in `socketFlags`. Bits,
 * .NET's values on every OS.
 *
 * @enum
 */
export const SocketFlags = Object.freeze({
  /** No flag. */
  None: 0,
  /** `MSG_OOB`: out-of-band data. */
  OutOfBand: 0x1,
  /** `MSG_PEEK`: look at the data without taking it. */
  Peek: 0x2,
  /** `MSG_DONTROUTE`: send without using routing tables. */
  DontRoute: 0x4,
  /** `MSG_TRUNC`: the datagram was longer than the buffer and was cut to its length. */
  Truncated: 0x100,
  /** `MSG_CTRUNC`: the control data (packet information) did not fit. */
  ControlDataTruncated: 0x200,
  /** The datagram was a broadcast (Windows `MSG_BCAST`; Linux does not report it). */
  Broadcast: 0x400,
  /** The datagram was a multicast (Windows `MSG_MCAST`; Linux does not report it). */
  Multicast: 0x800,
  /** The message was sent or received in part. */
  Partial: 0x8000,
} as const);
/** One of the values of {@link SocketFlags}. */
export type SocketFlags = (typeof SocketFlags)[keyof typeof SocketFlags];
