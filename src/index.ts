/**
 * dualmode: exact control over IPv6 dual mode (`IPV6_V6ONLY`) for Node.js
 * sockets, with the semantics of .NET's `Socket.DualMode`.
 *
 * @packageDocumentation
 */
export { isIPv4MappedToIPv6, mapToIPv4, mapToIPv6 } from './address';
export { AddressFamily, ProtocolType, SocketFlags, SocketOptionLevel, SocketOptionName, SocketType } from './enums';
export type {
  PacketInformation,
  ReceiveFromResult,
  ReceiveMessageFromResult,
  ReceiveOptions,
  SendToOptions,
} from './datagram';
export { getDualMode } from './get-dual-mode';
export type { ConnectOptions, ToDgramOptions, ToServerOptions } from './handoff';
export { NotSupportedError, SocketError, type SocketErrorDetails } from './errors';
export type { EndPoint } from './native';
export { platform } from './options';
export { Socket } from './socket';
export type { IPv6MulticastOption, LingerOption, MulticastOption } from './socket-options';
