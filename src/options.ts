// The one table from .NET's (SocketOptionLevel, SocketOptionName) to the
// platform's (level, name) numbers, as .NET's native layer has it
// (pal_networking.c TryGetPlatformSocketOption). Only options whose value is a
// plain `int` on every OS are here; the pairs .NET treats specially
// (ReuseAddress, ExclusiveAddressUse, DontFragment, Type, Linger, the
// memberships) are in socket-options.ts; others are reached with the raw variants.
import { SocketOptionLevel as Level, SocketOptionName as Name } from './enums';
import { constants } from './native';

/**
 * The platform's own numbers that dualmode uses (`AF_INET6`, `IPPROTO_IPV6`,
 * `IPV6_V6ONLY`, `SOL_SOCKET`, `SO_REUSEADDR`, ...), for
 * {@link Socket.getRawSocketOption} and {@link Socket.setRawSocketOption}.
 * Options this OS lacks are absent.
 *
 * @example
 * platform.IPV6_V6ONLY // 26 on Linux, 27 on macOS, FreeBSD and Windows
 */
export const platform: Readonly<Record<string, number>> = Object.freeze({ ...constants });

type Row = [level: number, name: number, platformLevel: string, platformName: string];

const rows: Row[] = [
  [Level.Socket, Name.Debug, 'SOL_SOCKET', 'SO_DEBUG'],
  [Level.Socket, Name.AcceptConnection, 'SOL_SOCKET', 'SO_ACCEPTCONN'],
  [Level.Socket, Name.ReuseAddress, 'SOL_SOCKET', 'SO_REUSEADDR'],
  [Level.Socket, Name.KeepAlive, 'SOL_SOCKET', 'SO_KEEPALIVE'],
  [Level.Socket, Name.DontRoute, 'SOL_SOCKET', 'SO_DONTROUTE'],
  [Level.Socket, Name.Broadcast, 'SOL_SOCKET', 'SO_BROADCAST'],
  [Level.Socket, Name.OutOfBandInline, 'SOL_SOCKET', 'SO_OOBINLINE'],
  [Level.Socket, Name.SendBuffer, 'SOL_SOCKET', 'SO_SNDBUF'],
  [Level.Socket, Name.ReceiveBuffer, 'SOL_SOCKET', 'SO_RCVBUF'],
  [Level.Socket, Name.SendLowWater, 'SOL_SOCKET', 'SO_SNDLOWAT'],
  [Level.Socket, Name.ReceiveLowWater, 'SOL_SOCKET', 'SO_RCVLOWAT'],
  [Level.Socket, Name.Error, 'SOL_SOCKET', 'SO_ERROR'],
  [Level.Socket, Name.Type, 'SOL_SOCKET', 'SO_TYPE'],
  [Level.IP, Name.TypeOfService, 'IPPROTO_IP', 'IP_TOS'],
  [Level.IP, Name.HeaderIncluded, 'IPPROTO_IP', 'IP_HDRINCL'],
  [Level.IP, Name.IpTimeToLive, 'IPPROTO_IP', 'IP_TTL'],
  [Level.IP, Name.MulticastTimeToLive, 'IPPROTO_IP', 'IP_MULTICAST_TTL'],
  [Level.IP, Name.MulticastLoopback, 'IPPROTO_IP', 'IP_MULTICAST_LOOP'],
  [Level.IP, Name.PacketInformation, 'IPPROTO_IP', 'IP_PKTINFO'],
  [Level.IPv6, Name.IPv6Only, 'IPPROTO_IPV6', 'IPV6_V6ONLY'],
  // Linux's IPV6_HOPLIMIT is a receive-side ancillary option getsockopt refuses.
  [Level.IPv6, Name.HopLimit, 'IPPROTO_IPV6', 'IPV6_UNICAST_HOPS'],
  // What .NET's Ttl uses on an IPv6 socket.
  [Level.IPv6, Name.IpTimeToLive, 'IPPROTO_IPV6', 'IPV6_UNICAST_HOPS'],
  [Level.IPv6, Name.MulticastInterface, 'IPPROTO_IPV6', 'IPV6_MULTICAST_IF'],
  [Level.IPv6, Name.MulticastTimeToLive, 'IPPROTO_IPV6', 'IPV6_MULTICAST_HOPS'],
  [Level.IPv6, Name.MulticastLoopback, 'IPPROTO_IPV6', 'IPV6_MULTICAST_LOOP'],
  [Level.IPv6, Name.PacketInformation, 'IPPROTO_IPV6', 'IPV6_RECVPKTINFO'],
  [Level.Tcp, Name.NoDelay, 'IPPROTO_TCP', 'TCP_NODELAY'],
  [Level.Tcp, Name.TcpKeepAliveTime, 'IPPROTO_TCP', 'TCP_KEEPIDLE'],
  [Level.Tcp, Name.TcpKeepAliveInterval, 'IPPROTO_TCP', 'TCP_KEEPINTVL'],
  [Level.Tcp, Name.TcpKeepAliveRetryCount, 'IPPROTO_TCP', 'TCP_KEEPCNT'],
  [Level.Tcp, Name.FastOpen, 'IPPROTO_TCP', 'TCP_FASTOPEN'],
];

const table = new Map<number, Map<number, readonly [number, number]>>();
for (const [level, name, platformLevel, platformName] of rows) {
  const nativeLevel = platform[platformLevel];
  const nativeName = platform[platformName];
  if (nativeLevel === undefined || nativeName === undefined) continue;
  let names = table.get(level);
  if (names === undefined) table.set(level, (names = new Map()));
  names.set(name, [nativeLevel, nativeName]);
}

/** The platform's (level, name) for a .NET pair, or undefined when it has none. @internal */
export function platformOption(level: number, name: number): readonly [number, number] | undefined {
  return table.get(level)?.get(name);
}
