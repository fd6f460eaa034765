'use strict';
// Run by test/fault.test.js in a child process with test/native/fault.so
// preloaded: `node fault-fixture.js <scenario>`. Each scenario arms one
// injected failure (see fault.c) right before the call under test, disarms
// it, and reports what happened as one JSON object on stdout:
//
//   { error, before, after, ... }
//
// `error` describes what the call threw (class, code, errno, syscall,
// message, address, port, socketErrorCode); `before`/`after` are this
// process's socket descriptors ("fd -> socket:[inode]") when the scenario
// started and once it has released everything. The parent reads the shim's
// log (FAULT_LOG) itself and makes the assertions, so that a failure names
// the scenario. If a leaked handle keeps this process alive, it exits 3
// after 3 s.
const fs = require('node:fs');
const { openSockets } = require('../fd-table');
const os = require('node:os');
const dualmode = require('dualmode');

const { Socket, AddressFamily, SocketType, ProtocolType, SocketOptionLevel, SocketOptionName, SocketError, platform } =
  dualmode;

const ERRNO = os.constants.errno;
const F_DUPFD_CLOEXEC = 1030; // Linux

/** What /proc says descriptor `fd` is, or null when it is not open. */
function fdTarget(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

let armCount = 0;

/**
 * Arms an injected failure of `syscall` with errno `code` ('EMFILE') and the
 * filters of fault.c (fd, level, optname, value, cmd, family, after, times);
 * `second` arms the FAULT2_ slot as well.
 */
function arm(syscall, code, filters = {}, second) {
  disarm();
  const set = (prefix, name, errCode, extra) => {
    if (!(errCode in ERRNO)) throw new Error(`unknown errno ${errCode}`);
    process.env[`${prefix}SYSCALL`] = name;
    process.env[`${prefix}ERRNO`] = String(ERRNO[errCode]);
    for (const [key, value] of Object.entries(extra)) process.env[`${prefix}${key.toUpperCase()}`] = String(value);
  };
  set('FAULT_', syscall, code, filters);
  if (second) set('FAULT2_', second.syscall, second.code, second.filters ?? {});
  process.env.FAULT_ARM = String(++armCount); // restarts the shim's match count
}

function disarm() {
  for (const key of Object.keys(process.env)) {
    if (/^FAULT2?_/.test(key) && key !== 'FAULT_LOG') delete process.env[key];
  }
}

/** Runs `fn` with the fault armed; returns its error described, or null. */
function attempt(fn) {
  try {
    fn();
    return null;
  } catch (err) {
    return describe(err);
  } finally {
    disarm();
  }
}

function describe(err) {
  if (err === null || typeof err !== 'object') return { thrown: String(err) };
  return {
    class: err.constructor?.name,
    isSocketError: err instanceof SocketError,
    name: err.name,
    code: err.code,
    errno: err.errno,
    syscall: err.syscall,
    message: err.message,
    address: err.address,
    port: err.port,
    socketErrorCode: err.socketErrorCode,
    kFdTaken: Object.getOwnPropertySymbols(err).map(String),
  };
}

/** What a Socket's public state is: open, closed or detached (by the error its fd getter throws). */
function state(socket) {
  try {
    return { state: 'open', fd: socket.fd };
  } catch (err) {
    return {
      state: err.code === 'ERR_SOCKET_CLOSED' ? 'closed' : err.code === 'ERR_SOCKET_DETACHED' ? 'detached' : err.code,
    };
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until this process's sockets are `expected` again (Node closes on a later tick), at most 2 s. */
async function settle(expected) {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && JSON.stringify(openSockets()) !== JSON.stringify(expected)) await delay(10);
}

const v6 = (type = SocketType.Stream, protocol = ProtocolType.Tcp) =>
  new Socket(AddressFamily.InterNetworkV6, type, protocol);
const v4 = (type = SocketType.Stream, protocol = ProtocolType.Tcp) =>
  new Socket(AddressFamily.InterNetwork, type, protocol);
// SO_REUSEADDR itself: (Socket, ReuseAddress) reads SO_REUSEPORT, as .NET does on Unix.
const reuseOf = (socket) => {
  const buf = new Uint8Array(4);
  socket.getRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, buf);
  return new DataView(buf.buffer).getInt32(0, true);
};
const closeServer = (server) => new Promise((resolve) => server.close(() => resolve()));
const closeUdp = (udp) => new Promise((resolve) => udp.close(() => resolve()));

const scenarios = {
  // socket() itself fails: nothing was opened, nothing may be left.
  async 'socket-EMFILE'() {
    arm('socket', 'EMFILE');
    return { error: attempt(() => v6()) };
  },
  async 'socket-ENOBUFS'() {
    arm('socket', 'ENOBUFS');
    return { error: attempt(() => v4(SocketType.Dgram, ProtocolType.Udp)) };
  },
  async 'socket-EACCES'() {
    void Socket.osSupportsIPv6; // probe first, so that the fault hits the constructor's socket()
    arm('socket', 'EACCES');
    return { error: attempt(() => new Socket(SocketType.Stream, ProtocolType.Tcp)) };
  },

  // setsockopt(IPV6_V6ONLY) at creation fails after socket() succeeded.
  async 'v6only-ENOBUFS'() {
    arm('setsockopt', 'ENOBUFS', { level: platform.IPPROTO_IPV6, optname: platform.IPV6_V6ONLY, value: 1 });
    return { error: attempt(() => v6()) };
  },
  async 'v6only-EINVAL-dual'() {
    void Socket.osSupportsIPv6;
    arm('setsockopt', 'EINVAL', { level: platform.IPPROTO_IPV6, optname: platform.IPV6_V6ONLY, value: 0 });
    return { error: attempt(() => new Socket(SocketType.Dgram, ProtocolType.Udp)) };
  },
  // ... and the close() of the cleanup fails as well: the error to report is
  // still the setsockopt one.
  async 'v6only-then-close-EIO'() {
    arm(
      'setsockopt',
      'ENOBUFS',
      { level: platform.IPPROTO_IPV6, optname: platform.IPV6_V6ONLY },
      { syscall: 'close', code: 'EIO' },
    );
    return { error: attempt(() => v6()) };
  },

  // bind() fails: the Socket is untouched and can bind afterwards.
  async 'bind-EADDRINUSE'() {
    const socket = v6();
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('bind', 'EADDRINUSE', { fd });
    const error = attempt(() => socket.bind({ address: '::1', port: 4321 }));
    const facts = { error, ...stillUsable(socket, fd, inode) };
    socket.bind({ address: '::1', port: 0 });
    facts.boundAfterwards = socket.isBound;
    socket.close();
    return facts;
  },
  async 'bind-EACCES'() {
    const socket = v6();
    socket.dualMode = true;
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('bind', 'EACCES', { fd });
    const error = attempt(() => socket.bind({ address: '127.0.0.1', port: 80 }));
    const facts = { error, ...stillUsable(socket, fd, inode) };
    socket.bind({ address: '127.0.0.1', port: 0 });
    facts.boundAfterwards = socket.isBound;
    socket.close();
    return facts;
  },

  // listen() fails: the Socket stays open and can listen afterwards.
  async 'listen-EADDRINUSE'() {
    const socket = v4();
    socket.bind({ address: '127.0.0.1', port: 0 });
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('listen', 'EADDRINUSE', { fd });
    const error = attempt(() => socket.listen());
    const facts = { error, ...stillUsable(socket, fd, inode) };
    socket.listen();
    facts.listeningAfterwards =
      socket.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) === 1;
    socket.close();
    return facts;
  },

  // getsockopt(IPV6_V6ONLY) in the dualMode getter.
  async 'dualMode-getsockopt-EINVAL'() {
    const socket = v6();
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('getsockopt', 'EINVAL', { fd, level: platform.IPPROTO_IPV6, optname: platform.IPV6_V6ONLY });
    const error = attempt(() => socket.dualMode);
    const facts = { error, ...stillUsable(socket, fd, inode), dualModeAfterwards: socket.dualMode };
    socket.close();
    return facts;
  },

  // getsockname() in isBound and localEndPoint.
  async 'getsockname-ENOBUFS'() {
    const socket = v6();
    socket.bind({ address: '::1', port: 0 });
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('getsockname', 'ENOBUFS', { fd });
    const error = attempt(() => socket.isBound);
    arm('getsockname', 'ENOBUFS', { fd });
    const endPointError = attempt(() => socket.localEndPoint);
    const facts = { error, endPointError, ...stillUsable(socket, fd, inode) };
    facts.boundAfterwards = socket.isBound;
    facts.localEndPointAfterwards = socket.localEndPoint;
    socket.close();
    return facts;
  },

  // toServer(): its wildcard bind fails; SO_REUSEADDR goes back to what it was.
  async 'toServer-bind-EADDRINUSE'() {
    return toServerBindFails(false);
  },
  async 'toServer-bind-EADDRINUSE-reuse-on'() {
    return toServerBindFails(true);
  },
  // ... and putting SO_REUSEADDR back fails too: the bind error is the one to report.
  async 'toServer-bind-then-restore-ENOBUFS'() {
    const socket = v6();
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm(
      'bind',
      'EADDRINUSE',
      { fd },
      {
        syscall: 'setsockopt',
        code: 'ENOBUFS',
        filters: { fd, level: platform.SOL_SOCKET, optname: platform.SO_REUSEADDR, value: 0 },
      },
    );
    const error = attempt(() => socket.toServer());
    const facts = { error, ...stillUsable(socket, fd, inode) };
    socket.close();
    return facts;
  },
  // toServer(): the native listen fails: the Socket stays open, not detached.
  async 'toServer-listen-EADDRINUSE'() {
    const socket = v6();
    socket.dualMode = true;
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('listen', 'EADDRINUSE', { fd });
    const error = attempt(() => socket.toServer());
    const facts = { error, ...stillUsable(socket, fd, inode) };
    const server = socket.toServer();
    facts.serverListening = server.listening;
    facts.afterwards = state(socket);
    await closeServer(server);
    return facts;
  },
  // toServer(): Node's own listen() on the adopted fd fails (after the
  // native one succeeded): Node reports it as an 'error' event and closes
  // the fd; the Socket was handed off.
  async 'toServer-node-listen-EADDRINUSE'() {
    const socket = v6();
    const fd = socket.fd;
    arm('listen', 'EADDRINUSE', { fd, after: 2 });
    let server;
    const error = attempt(() => {
      server = socket.toServer();
    });
    const facts = { error, afterwards: state(socket) };
    if (server) {
      const event = await Promise.race([
        new Promise((resolve) => server.once('error', resolve)),
        delay(2000).then(() => null),
      ]);
      disarm();
      facts.serverError = event && describe(event);
      facts.serverListening = server.listening;
      server.close();
    }
    return facts;
  },

  // toDgram(): libuv turned SO_REUSEADDR on and putting it back fails, after
  // Node took the fd. The Socket ends closed (not detached), nothing leaks.
  async 'toDgram-reuse-restore-ENOBUFS'() {
    const socket = v6(SocketType.Dgram, ProtocolType.Udp);
    const fd = socket.fd;
    // libuv writes 1, the restore writes the old value 0: fail only the latter.
    arm('setsockopt', 'ENOBUFS', { fd, level: platform.SOL_SOCKET, optname: platform.UV_UDP_REUSE, value: 0 });
    const error = attempt(() => socket.toDgram());
    return { error, afterwards: state(socket), closedFlag: socket.closed, fd };
  },
  // toDgram(): reading SO_REUSEADDR before the hand-off fails.
  async 'toDgram-reuse-read-EINVAL'() {
    const socket = v6(SocketType.Dgram, ProtocolType.Udp);
    // An option set by the user: toDgram() must read SO_REUSEADDR to put it back.
    socket.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
    socket.bind({ address: '::1', port: 0 });
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('getsockopt', 'EINVAL', { fd, level: platform.SOL_SOCKET, optname: platform.UV_UDP_REUSE });
    const error = attempt(() => socket.toDgram());
    const facts = { error, ...stillUsable(socket, fd, inode) };
    const udp = socket.toDgram();
    facts.udpPort = udp.address().port;
    await closeUdp(udp);
    return facts;
  },
  // toDgram() of descriptor 0: the F_DUPFD_CLOEXEC copy fails; the Socket
  // keeps fd 0 and can be handed off afterwards.
  async 'toDgram-fd0-dup-EMFILE'() {
    const socket = v6(SocketType.Dgram, ProtocolType.Udp);
    socket.dualMode = true;
    socket.bind({ address: '::1', port: 0 });
    const fd = socket.fd;
    const inode = fdTarget(fd);
    arm('fcntl', 'EMFILE', { fd, cmd: F_DUPFD_CLOEXEC });
    const error = attempt(() => socket.toDgram());
    const facts = { error, socketFd: fd, ...stillUsable(socket, fd, inode) };
    const udp = socket.toDgram();
    facts.udpPort = udp.address().port;
    facts.afterwards = state(socket);
    await closeUdp(udp);
    facts.fd0AfterUdpClose = fdTarget(0);
    return facts;
  },
  // toDgram() of descriptor 0: the copy fails after the dgram.Socket was
  // made (unbound); that socket must be closed, not left behind with its handle.
  async 'toDgram-fd0-dup-EMFILE-dgram-closed'() {
    const dgram = require('node:dgram');
    const made = [];
    const createSocket = dgram.createSocket;
    dgram.createSocket = function (...args) {
      const udp = createSocket.apply(this, args);
      made.push(udp);
      return udp;
    };
    const socket = v6(SocketType.Dgram, ProtocolType.Udp);
    socket.bind({ address: '::1', port: 0 });
    const fd = socket.fd;
    arm('fcntl', 'EMFILE', { fd, cmd: F_DUPFD_CLOEXEC });
    const error = attempt(() => socket.toDgram());
    dgram.createSocket = createSocket;
    // close() emits 'close' on the next tick: listening now is in time.
    const closed = await Promise.all(
      made.map(
        (udp) =>
          new Promise((resolve) => {
            udp.once('close', () => resolve(true));
            setTimeout(() => resolve(false), 500);
          }),
      ),
    );
    const facts = { error, socketFd: fd, made: made.length, closed, afterwards: state(socket) };
    socket.close();
    return facts;
  },
  // toDgram() of descriptor 0: Node owns the copy and closing the original
  // fd 0 reports EIO (Linux released it anyway). The hand-off must not leave
  // the Socket claiming fd 0, nor the dgram socket orphaned.
  async 'toDgram-fd0-close-EIO'() {
    const socket = v6(SocketType.Dgram, ProtocolType.Udp);
    socket.bind({ address: '::1', port: 0 });
    const fd = socket.fd;
    arm('close', 'EIO', { fd });
    let udp;
    const error = attempt(() => {
      udp = socket.toDgram();
    });
    const facts = { error, socketFd: fd, afterwards: state(socket), returned: udp !== undefined };
    if (udp) await closeUdp(udp);
    // A Socket still claiming fd 0 is not closed here: the number was
    // released and may belong to someone else now.
    return facts;
  },

  // close() fails: it still never throws and the Socket is closed.
  async 'close-EINTR'() {
    return closeFails('EINTR');
  },
  async 'close-EIO'() {
    return closeFails('EIO');
  },

  // fromFd(): describing the fd fails; the fd is left open, untouched.
  async 'fromFd-getsockopt-ENOBUFS'() {
    const owner = v6();
    const fd = owner.fd;
    const inode = fdTarget(fd);
    arm('getsockopt', 'ENOBUFS', { fd, level: platform.SOL_SOCKET });
    const error = attempt(() => Socket.fromFd(fd));
    const facts = { error, fdStillOpen: fdTarget(fd) === inode && inode !== null };
    owner.close();
    return facts;
  },
  async 'fromFd-getsockname-ENOBUFS'() {
    const owner = v6();
    const fd = owner.fd;
    const inode = fdTarget(fd);
    arm('getsockname', 'ENOBUFS', { fd });
    const error = attempt(() => Socket.fromFd(fd));
    const facts = { error, fdStillOpen: fdTarget(fd) === inode && inode !== null };
    owner.close();
    return facts;
  },

  // osSupportsIPv6's probe: only EAFNOSUPPORT / EPROTONOSUPPORT mean "no".
  async 'probe-EMFILE'() {
    arm('socket', 'EMFILE', { family: platform.AF_INET6 });
    let supported;
    const error = attempt(() => {
      supported = Socket.osSupportsIPv6;
    });
    const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
    const facts = { error, supported, family: socket.addressFamily, dualMode: socket.dualMode };
    socket.close();
    return facts;
  },
  async 'probe-EAFNOSUPPORT'() {
    arm('socket', 'EAFNOSUPPORT', { family: platform.AF_INET6 });
    let supported;
    const error = attempt(() => {
      supported = Socket.osSupportsIPv6;
    });
    const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
    const facts = { error, supported, family: socket.addressFamily, dualMode: socket.dualMode };
    socket.close();
    return facts;
  },
};

/** The Socket still owns the same open descriptor and works. */
function stillUsable(socket, fd, inode) {
  return {
    afterError: state(socket),
    sameFd: (() => {
      try {
        return socket.fd === fd;
      } catch {
        return false;
      }
    })(),
    sameInode: inode !== null && fdTarget(fd) === inode,
    boundAfterError: (() => {
      try {
        return socket.isBound;
      } catch (err) {
        return err.code;
      }
    })(),
  };
}

async function toServerBindFails(reuseOn) {
  const socket = v6();
  socket.dualMode = true;
  if (reuseOn) socket.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
  const reuseBefore = reuseOf(socket);
  const fd = socket.fd;
  const inode = fdTarget(fd);
  arm('bind', 'EADDRINUSE', { fd });
  const error = attempt(() => socket.toServer());
  const facts = { error, reuseBefore, reuseAfter: reuseOf(socket), ...stillUsable(socket, fd, inode) };
  const server = socket.toServer();
  facts.serverListening = server.listening;
  facts.serverAddress = server.address();
  facts.afterwards = state(socket);
  await closeServer(server);
  return facts;
}

async function closeFails(code) {
  const socket = v6();
  const fd = socket.fd;
  arm('close', code, { fd });
  const error = attempt(() => socket.close());
  const facts = { error, closedFlag: socket.closed, afterwards: state(socket), fdTarget: fdTarget(fd), fd };
  facts.secondClose = attempt(() => socket.close());
  return facts;
}

// Datagram I/O (API.md §8): a receiver on ::1 and the Socket under test.
function udpPair() {
  const receiver = v6(SocketType.Dgram, ProtocolType.Udp);
  receiver.bind({ address: '::1', port: 0 });
  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  socket.bind({ address: '::', port: 0 });
  return { receiver, socket, to: { address: '::1', port: receiver.localEndPoint.port } };
}

const settled = (promise) =>
  promise.then(
    (value) => ({ value }),
    (err) => ({ error: describe(err) }),
  );

async function received(receiver, count) {
  const texts = [];
  for (let i = 0; i < count; i++) {
    const buffer = Buffer.alloc(16);
    const { receivedBytes } = await receiver.receiveFrom(buffer, { signal: AbortSignal.timeout(2000) });
    texts.push(buffer.toString('utf8', 0, receivedBytes));
  }
  return texts;
}

Object.assign(scenarios, {
  // The kernel's send buffer is full once: the send waits for the watcher
  // (writable), the next send queues behind it, both go out in order.
  async 'sendmsg-EAGAIN'() {
    const { receiver, socket, to } = udpPair();
    arm('sendmsg', 'EAGAIN', { fd: socket.fd });
    const first = settled(socket.sendTo(Buffer.from('first'), to));
    const second = settled(socket.sendTo(Buffer.from('second'), to));
    disarm();
    const facts = { first: await first, second: await second, texts: await received(receiver, 2) };
    socket.close();
    receiver.close();
    return facts;
  },
  // sendmsg fails: the promise rejects with a SocketError naming the
  // destination; the Socket stays usable.
  async 'sendmsg-ENOBUFS'() {
    const { receiver, socket, to } = udpPair();
    arm('sendmsg', 'ENOBUFS', { fd: socket.fd });
    const failed = await settled(socket.sendTo(Buffer.from('lost'), to));
    disarm();
    const facts = { error: failed.error, retry: await settled(socket.sendTo(Buffer.from('kept'), to)) };
    facts.texts = await received(receiver, 1);
    socket.close();
    receiver.close();
    return facts;
  },
  // recvmsg fails once when the watcher says readable: the first pending
  // receive rejects, the second gets the datagram.
  async 'recvmsg-ENOMEM'() {
    const { receiver, socket } = udpPair();
    const port = socket.localEndPoint.port;
    arm('recvmsg', 'ENOMEM', { fd: socket.fd, after: 2 }); // 1: the immediate try (EAGAIN)
    const first = settled(socket.receiveFrom(Buffer.alloc(16)));
    const second = settled(socket.receiveMessageFrom(Buffer.alloc(16)));
    await receiver.sendTo(Buffer.from('data'), { address: '::1', port });
    const facts = { first: await first, second: await second };
    disarm();
    socket.close();
    receiver.close();
    return facts;
  },
  // Making the descriptor non-blocking fails on the first I/O: that call
  // rejects with the fcntl error; the Socket stays open and the next works.
  async 'fcntl-nonblocking-EBADF'() {
    const { receiver, socket, to } = udpPair();
    arm('fcntl', 'EBADF', { fd: socket.fd, cmd: 4 /* F_SETFL */ });
    const failed = await settled(socket.sendTo(Buffer.from('x'), to));
    disarm();
    const facts = {
      error: failed.error,
      afterError: state(socket),
      retry: await settled(socket.sendTo(Buffer.from('y'), to)),
    };
    facts.texts = await received(receiver, 1);
    socket.close();
    receiver.close();
    return facts;
  },
  // close() with calls pending: each rejects ECANCELED, the descriptor is
  // closed exactly once and the watcher no longer holds the loop.
  async 'close-pending'() {
    const { receiver, socket } = udpPair();
    const fd = socket.fd;
    const pending = [];
    for (let i = 0; i < 100; i++) pending.push(settled(socket.receiveFrom(Buffer.alloc(4))));
    socket.close();
    const results = await Promise.all(pending);
    receiver.close();
    return { fd, codes: [...new Set(results.map((r) => r.error?.code))] };
  },
});

async function main() {
  const name = process.argv[2];
  const scenario = scenarios[name];
  if (scenario === undefined) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  // Load everything the scenario needs before the baseline.
  require('node:net');
  require('node:dgram');
  // The fd-0 scenarios need the next socket to get descriptor 0.
  if (name.includes('fd0')) fs.closeSync(0);
  const before = openSockets();
  const facts = await scenario();
  disarm();
  await settle(before);
  facts.before = before;
  facts.after = openSockets();
  process.stdout.write(`${JSON.stringify(facts)}\n`);
  // Whatever the scenario leaked must not keep this child alive for ever:
  // exit 3 if a handle is still holding the loop after 3 s.
  setTimeout(() => {
    process.stderr.write('the event loop is still alive 3 s after the scenario: a handle leaked\n');
    process.exit(3);
  }, 3000).unref();
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err && err.stack}\n`);
    process.exitCode = 1;
  });
}

module.exports = { scenarios: Object.keys(scenarios) };
