// The ES module entry: the CommonJS build re-exported, so `import` and
// `require` share one implementation (one addon, one set of classes).
import dualmode from './index.js';

export const {
  AddressFamily,
  NotSupportedError,
  ProtocolType,
  Socket,
  SocketError,
  SocketOptionLevel,
  SocketOptionName,
  SocketType,
  getDualMode,
  isIPv4MappedToIPv6,
  mapToIPv4,
  mapToIPv6,
  platform,
} = dualmode;
export default dualmode;
