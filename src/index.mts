// The ES module entry: the CommonJS build re-exported, so `import` and
// `require` share one implementation (one addon, one set of classes).
export {
  AddressFamily,
  NotSupportedError,
  ProtocolType,
  Socket,
  SocketError,
  SocketFlags,
  SocketOptionLevel,
  SocketOptionName,
  SocketType,
  getDualMode,
  isIPv4MappedToIPv6,
  mapToIPv4,
  mapToIPv6,
  platform,
  type ConnectOptions,
  type EndPoint,
  type IPv6MulticastOption,
  type LingerOption,
  type MulticastOption,
  type PacketInformation,
  type ReceiveFromResult,
  type ReceiveMessageFromResult,
  type ReceiveOptions,
  type SendToOptions,
  type SocketErrorDetails,
  type ToDgramOptions,
  type ToServerOptions,
} from './index.js';
import dualmode from './index.js';
export default dualmode;
