// .NET's System.Net.Sockets enumerations, with .NET's names and numeric
// values on every OS. Each is a frozen object plus a union type of its values.

/**
 * The address family of a socket (.NET `System.Net.Sockets.AddressFamily`).
 *
 * @example
 * new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp)
 */
export const AddressFamily = Object.freeze({
  Unspecified: 0,
  InterNetwork: 2,
  InterNetworkV6: 23,
} as const);
/** One of the values of {@link AddressFamily}. */
export type AddressFamily = (typeof AddressFamily)[keyof typeof AddressFamily];

/** The type of a socket (.NET `System.Net.Sockets.SocketType`). */
export const SocketType = Object.freeze({
  Stream: 1,
  Dgram: 2,
  Raw: 3,
} as const);
/** One of the values of {@link SocketType}. */
export type SocketType = (typeof SocketType)[keyof typeof SocketType];

/**
 * The protocol of a socket (.NET `System.Net.Sockets.ProtocolType`). The values
 * are IANA protocol numbers, which every OS uses as its `IPPROTO_*` constants;
 * any number 0–255 is accepted where a protocol is expected.
 */
export const ProtocolType = Object.freeze({
  Unspecified: 0,
  Icmp: 1,
  Tcp: 6,
  Udp: 17,
  IPv6: 41,
  IcmpV6: 58,
} as const);
/** One of the values of {@link ProtocolType}. */
export type ProtocolType = (typeof ProtocolType)[keyof typeof ProtocolType];

/** The level of a socket option (.NET `System.Net.Sockets.SocketOptionLevel`). */
export const SocketOptionLevel = Object.freeze({
  IP: 0,
  Tcp: 6,
  Udp: 17,
  IPv6: 41,
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
 */
export const SocketOptionName = Object.freeze({
  // SocketOptionLevel.Socket
  Debug: 1,
  AcceptConnection: 2,
  ReuseAddress: 4,
  KeepAlive: 8,
  DontRoute: 16,
  Broadcast: 32,
  UseLoopback: 64,
  Linger: 128,
  OutOfBandInline: 256,
  DontLinger: -129,
  ExclusiveAddressUse: -5,
  SendBuffer: 4097,
  ReceiveBuffer: 4098,
  SendLowWater: 4099,
  ReceiveLowWater: 4100,
  SendTimeout: 4101,
  ReceiveTimeout: 4102,
  Error: 4103,
  Type: 4104,
  ReuseUnicastPort: 12295,
  MaxConnections: 2147483647,
  // SocketOptionLevel.IP and SocketOptionLevel.IPv6
  IPOptions: 1,
  HeaderIncluded: 2,
  TypeOfService: 3,
  IpTimeToLive: 4,
  MulticastInterface: 9,
  MulticastTimeToLive: 10,
  MulticastLoopback: 11,
  AddMembership: 12,
  DropMembership: 13,
  DontFragment: 14,
  AddSourceMembership: 15,
  DropSourceMembership: 16,
  BlockSource: 17,
  UnblockSource: 18,
  PacketInformation: 19,
  HopLimit: 21,
  IPProtectionLevel: 23,
  IPv6Only: 27,
  // SocketOptionLevel.Tcp
  NoDelay: 1,
  BsdUrgent: 2,
  Expedited: 2,
  TcpKeepAliveTime: 3,
  FastOpen: 15,
  TcpKeepAliveRetryCount: 16,
  TcpKeepAliveInterval: 17,
  // SocketOptionLevel.Udp
  NoChecksum: 1,
  ChecksumCoverage: 20,
  UpdateAcceptContext: 28683,
  UpdateConnectContext: 28688,
} as const);
/** One of the values of {@link SocketOptionName}. */
export type SocketOptionName = (typeof SocketOptionName)[keyof typeof SocketOptionName];
