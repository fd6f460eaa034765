// getDualMode(): the dual mode of a socket Node made (a net.Server,
// net.Socket or dgram.Socket), or of any descriptor.
import type dgram = require('node:dgram');
import type net = require('node:net');
import { errnoOf, invalidArgType, socketClosed, SocketError } from './errors';
import { nodeDgram, nodeNet } from './handoff';
import * as sys from './native';
import { dgramFd, netSocketFd, serverFd } from './node-internals';
import { platform } from './options';
import { checkRuntime } from './runtime';
import { readDualMode } from './socket-options';
import { validateInt32 } from './validate';

const { AF_INET, AF_INET6 } = platform as Record<string, number>;

function targetFd(target: unknown): number {
  if (typeof target === 'number') return validateInt32(target, 'target', 0);
  const { Server, Socket } = nodeNet();
  const dgramSocket = nodeDgram().Socket;
  let fd: number | undefined;
  let why: string;
  if (target instanceof Server) {
    fd = serverFd(target);
    // A cluster worker's server listens through the primary's socket.
    why = 'the net.Server has no socket in this process (not listening, closed, or served by the cluster primary)';
  } else if (target instanceof Socket) {
    fd = netSocketFd(target);
    why = 'the net.Socket has no open socket (destroyed, or not yet connecting)';
  } else if (target instanceof dgramSocket) {
    fd = dgramFd(target);
    why = 'the dgram.Socket has no open socket (closed, or not yet bound)';
  } else {
    throw invalidArgType('target', 'a net.Server, net.Socket, dgram.Socket or file descriptor', target);
  }
  // Before the answer: on Deno the objects expose no descriptor (runtime.ts).
  checkRuntime('getDualMode');
  if (fd !== undefined) return fd;
  throw socketClosed(why);
}

/**
 * Whether a socket Node made carries IPv4 as well as IPv6: `IPV6_V6ONLY` is 0.
 * `false` for an IPv4 socket. Lets you check what `server.listen(port)` or a
 * `udp6` socket really ended up with.
 *
 * @param target - a listening `net.Server`, a connected `net.Socket`, a bound
 *   `dgram.Socket`, or an fd.
 * @throws Error `ERR_SOCKET_CLOSED` when the target has no open OS socket (a
 *   server not listening or closed, a destroyed socket, a dgram socket closed
 *   or not yet bound); SocketError for an fd that is not an IP socket.
 * @example
 * const server = net.createServer().listen(0);
 * getDualMode(server); // true on Linux with net.ipv6.bindv6only = 0
 */
export function getDualMode(target: net.Server | net.Socket | dgram.Socket | number): boolean {
  const fd = targetFd(target);
  try {
    return readDualMode(fd);
  } catch (err) {
    // An IPv4 socket refuses the IPv6 level; anything else is a real error.
    const [family] = sys.describe(fd);
    if (family === AF_INET) return false;
    if (family === AF_INET6) throw err;
    throw new SocketError(errnoOf('EAFNOSUPPORT'), 'getsockopt', { hint: `fd ${fd} is not an IPv4 or IPv6 socket` });
  }
}
