'use strict';
// The runtime suite: the core API and every hand-off, run under Node, Bun and
// Deno by scripts/test-runtimes.js (a plain runner: Bun and Deno have test
// runners of their own, not node:test). Real sockets on loopback only.
//
// Each hand-off is first tried on the runtime itself, with a descriptor the
// package made and Node's documented API (server.listen({ fd }),
// new net.Socket({ fd }).connect(), dgram bind({ fd }), `_handle.fd`): the
// runtime either uses that very descriptor (checked against the kernel:
// getsockname/getpeername of the fd) or not. Then the package must agree:
// where the runtime can, the hand-off works with real IPv4 and IPv6 clients;
// where it cannot, it throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM naming the
// runtime, synchronously, with the Socket still open — never a silent
// fallback. Prints one line per test, then "N passed, N failed"; with
// `--json <file>` writes what each hand-off did, for the README's table.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');

const dm = require(path.join(__dirname, '..', '..'));
const {
  Socket,
  SocketType,
  ProtocolType,
  AddressFamily,
  SocketOptionLevel,
  SocketOptionName,
  SocketError,
  getDualMode,
} = dm;

const versions = process.versions;
const runtime = versions.bun
  ? `Bun ${versions.bun}`
  : versions.deno
    ? `Deno ${versions.deno}`
    : `Node.js ${process.version}`;
const TEST_MS = 10000;

const tests = [];
const test = (title, fn) => tests.push({ title, fn });
const outcome = {}; // hand-off → 'works' | 'refused'

// Everything a test opens, closed when it ends whatever happens.
let cleanups = [];
const later = (fn) => cleanups.push(fn);
function track(socket) {
  later(() => socket.close());
  return socket;
}
const tcp = () => track(new Socket(SocketType.Stream, ProtocolType.Tcp));
const udp = () => track(new Socket(SocketType.Dgram, ProtocolType.Udp));

function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
    if (event !== 'error') {
      emitter.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    }
  });
}

function refusedHere(err) {
  assert.equal(err.code, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', err.stack);
  assert.ok(err.message.includes(runtime), `the message names ${runtime}: ${err.message}`);
  return true;
}

// A listener the package did not make, for connect() to reach.
async function plainListener(host) {
  const server = net.createServer((conn) => {
    conn.on('error', () => {}); // a probe client may reset
    conn.end(`hello ${conn.remoteAddress}`);
  });
  later(() => new Promise((resolve) => server.close(() => resolve())));
  server.listen(0, host);
  await once(server, 'listening');
  return server.address().port;
}

async function fetchText(host, port) {
  const client = net.connect(port, host);
  later(() => client.destroy());
  let text = '';
  client.setEncoding('utf8');
  client.on('data', (chunk) => (text += chunk));
  await once(client, 'end');
  return text;
}

// --- Core API ---------------------------------------------------------------

test('new Socket(Stream, Tcp) is an IPv6 socket in dual mode', () => {
  const s = tcp();
  assert.equal(s.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(s.socketType, SocketType.Stream);
  assert.equal(s.protocolType, ProtocolType.Tcp);
  assert.equal(typeof s.fd, 'number');
  assert.equal(s.dualMode, true);
  assert.equal(s.getSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only), 0);
});

test('dualMode round-trips through IPV6_V6ONLY', () => {
  const s = tcp();
  s.dualMode = false;
  assert.equal(s.getSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only), 1);
  assert.equal(s.dualMode, false);
  s.dualMode = true;
  assert.equal(s.getSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only), 0);
});

test('dualMode on an IPv4 socket: false, and setting it throws ERR_NOT_SUPPORTED', () => {
  const s = track(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
  assert.equal(s.dualMode, false);
  assert.throws(() => (s.dualMode = true), { code: 'ERR_NOT_SUPPORTED' });
});

test('bind and the endpoints come from the kernel', () => {
  const s = tcp();
  assert.equal(s.isBound, false);
  s.bind({ address: '::1', port: 0 });
  const local = s.localEndPoint;
  assert.equal(local.address, '::1');
  assert.equal(local.family, 'IPv6');
  assert.ok(local.port > 0);
  assert.equal(s.isBound, true);
  assert.equal(s.remoteEndPoint, null);
});

test('an IPv4 address binds a dual-mode socket as ::ffff:127.0.0.1', () => {
  const s = udp();
  s.bind({ address: '127.0.0.1', port: 0 });
  assert.equal(s.localEndPoint.address, '::ffff:127.0.0.1');
});

test('listen makes a listener that accepts a runtime client', async () => {
  const s = tcp();
  s.bind({ address: '::1', port: 0 });
  s.listen(8);
  assert.equal(s.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection), 1);
  const client = net.connect(s.localEndPoint.port, '::1');
  later(() => client.destroy());
  await once(client, 'connect');
});

test('options round-trip: ReuseAddress, NoDelay, ReceiveBuffer', () => {
  const s = tcp();
  assert.equal(s.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress), 0);
  s.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
  assert.notEqual(s.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress), 0);
  s.setSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay, 1);
  assert.notEqual(s.getSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay), 0);
  s.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 65536);
  assert.ok(s.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer) >= 65536);
});

test("a failed bind is a SocketError in Node's shape: EADDRINUSE with errno, syscall, address and message", () => {
  const a = tcp();
  a.bind({ address: '::1', port: 0 });
  a.listen();
  const { port } = a.localEndPoint;
  const b = tcp();
  assert.throws(
    () => b.bind({ address: '::1', port }),
    (err) => {
      assert.ok(err instanceof SocketError);
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.syscall, 'bind');
      assert.ok(err.errno < 0);
      assert.equal(util.getSystemErrorName(err.errno), 'EADDRINUSE');
      assert.equal(err.message, `bind EADDRINUSE: address already in use [::1]:${port}`);
      assert.equal(err.socketErrorCode, 'AddressAlreadyInUse');
      return true;
    },
  );
});

test("bad arguments throw synchronously with Node's codes", () => {
  const s = tcp();
  assert.throws(() => s.bind({ address: 1, port: 0 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => s.bind({ address: 'nowhere', port: 0 }), { code: 'ERR_INVALID_IP_ADDRESS' });
  assert.throws(() => s.bind({ address: '::1', port: 70000 }), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => new Socket(99, ProtocolType.Tcp), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => s.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, 'yes'), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
});

test('fromFd adopts a detached descriptor with its options; close ends it', () => {
  const s = tcp();
  s.dualMode = false;
  s.bind({ address: '::1', port: 0 });
  const { port } = s.localEndPoint;
  const fd = s.detach();
  assert.throws(() => s.localEndPoint, { code: 'ERR_SOCKET_DETACHED' });
  const adopted = track(Socket.fromFd(fd));
  assert.equal(adopted.fd, fd);
  assert.equal(adopted.dualMode, false);
  assert.equal(adopted.localEndPoint.port, port);
  adopted.close();
  assert.equal(adopted.closed, true);
  assert.throws(() => adopted.dualMode, { code: 'ERR_SOCKET_CLOSED' });
  assert.throws(
    () => Socket.fromFd(fd),
    (err) => err.code === 'EBADF' || err.code === 'ENOTSOCK',
  );
});

test('a Socket made in a worker thread works there', async () => {
  const { Worker } = require('node:worker_threads');
  const code = `
    const { parentPort } = require('node:worker_threads');
    const { Socket, SocketType, ProtocolType } = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
    const s = new Socket(SocketType.Stream, ProtocolType.Tcp);
    const dual = s.dualMode;
    s.bind({ address: '::', port: 0 });
    parentPort.postMessage({ dual, port: s.localEndPoint.port });
    s.close();
  `;
  const worker = new Worker(code, { eval: true });
  later(() => worker.terminate());
  const [message] = await once(worker, 'message');
  assert.equal(message.dual, true);
  assert.ok(message.port > 0);
});

// --- Hand-offs --------------------------------------------------------------

// Does the runtime's server.listen({ fd }) serve on that very descriptor?
async function runtimeListensOnFd() {
  const s = tcp();
  s.bind({ address: '::1', port: 0 });
  s.listen();
  const { port } = s.localEndPoint;
  const server = net.createServer((conn) => {
    conn.on('error', () => {});
    conn.end('fd');
  });
  later(() => new Promise((resolve) => server.close(() => resolve())));
  try {
    server.listen({ fd: s.fd });
    await once(server, 'listening');
  } catch {
    return false;
  }
  // The server owns the descriptor now, or nothing does: either way not s.
  if (server.address()?.port !== port) return false;
  s.detach();
  return (await fetchText('::1', port)) === 'fd';
}

test('toServer(): works with IPv4 and IPv6 clients where the runtime listens on the fd, else refuses', async () => {
  const capable = await runtimeListensOnFd();
  const s = tcp();
  if (!capable) {
    assert.throws(() => s.toServer(), refusedHere);
    assert.equal(s.dualMode, true, 'the Socket stays open');
    outcome.toServer = 'refused';
    return;
  }
  const server = s.toServer();
  later(() => new Promise((resolve) => server.close(() => resolve())));
  assert.throws(() => s.fd, { code: 'ERR_SOCKET_DETACHED' });
  server.on('connection', (conn) => {
    conn.on('error', () => {});
    conn.end(`hello ${conn.remoteAddress}`);
  });
  const { port, address } = server.address();
  assert.equal(address, '::');
  assert.equal(await fetchText('127.0.0.1', port), 'hello ::ffff:127.0.0.1');
  assert.equal(await fetchText('::1', port), 'hello ::1');
  outcome.toServer = 'works';
});

// Does the runtime's new net.Socket({ fd }).connect() connect that very
// descriptor? Compared with the kernel: the port the fd was bound to, and
// the fd's own peer.
async function runtimeConnectsFd(port) {
  const s = tcp();
  s.bind({ address: '::1', port: 0 });
  const bound = s.localEndPoint.port;
  const fd = s.fd;
  let client;
  try {
    client = new net.Socket({ fd });
    client.connect({ host: '::1', port });
    await once(client, 'connect');
  } catch {
    client?.destroy();
    return false;
  }
  const usedFd = client.localPort === bound;
  let peer = null;
  try {
    peer = s.remoteEndPoint;
  } catch {
    // the runtime closed the descriptor it was given
  }
  if (usedFd && peer !== null && peer.port === port) {
    s.detach(); // the runtime's socket owns it
    client.destroy();
    return true;
  }
  client.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  // Whatever the runtime did with the fd, s must not close a number it may
  // have reused: close it only if it is still this unconnected socket.
  try {
    if (s.localEndPoint.port === bound) return false;
  } catch {
    // gone
  }
  s.detach();
  return false;
}

test('connect(): uses this descriptor (checked by getsockname) where the runtime does, else refuses before touching it', async () => {
  const port = await plainListener('::');
  const capable = await runtimeConnectsFd(port);
  const s = tcp();
  s.dualMode = true;
  s.bind({ address: '::', port: 0 });
  const bound = s.localEndPoint.port;
  if (!capable) {
    assert.throws(() => s.connect({ address: '127.0.0.1', port }), refusedHere);
    assert.equal(s.localEndPoint.port, bound, 'the Socket stays open and untouched');
    assert.equal(s.remoteEndPoint, null, 'not connected by anyone');
    outcome.connect = 'refused';
    return;
  }
  for (const address of ['127.0.0.1', '::1']) {
    const c = address === '::1' ? tcp() : s;
    if (c !== s) c.bind({ address: '::', port: 0 });
    const before = c.localEndPoint.port;
    const client = c.connect({ address, port });
    later(() => client.destroy());
    await once(client, 'connect');
    assert.equal(client.localPort, before, 'the connected socket is the one bound here');
    let text = '';
    client.setEncoding('utf8');
    client.on('data', (chunk) => (text += chunk));
    await once(client, 'end');
    assert.equal(text, address === '::1' ? 'hello ::1' : 'hello ::ffff:127.0.0.1');
  }
  outcome.connect = 'works';
});

// Does the runtime's dgram bind({ fd }) come back bound to that descriptor?
function runtimeBindsFd() {
  const s = udp();
  s.bind({ address: '::1', port: 0 });
  const { port } = s.localEndPoint;
  const socket = dgram.createSocket('udp6');
  try {
    socket.bind({ fd: s.fd });
    if (socket.address().port !== port) throw new Error('another socket');
  } catch {
    try {
      socket.close();
    } catch {
      // never bound
    }
    return false;
  }
  s.detach();
  later(() => socket.close());
  return true;
}

test('toDgram(): exchanges datagrams with IPv4 and IPv6 peers where the runtime binds the fd, else refuses', async () => {
  const capable = runtimeBindsFd();
  const s = udp();
  if (!capable) {
    assert.throws(() => s.toDgram(), refusedHere);
    assert.equal(s.dualMode, true, 'the Socket stays open');
    outcome.toDgram = 'refused';
    return;
  }
  const server = s.toDgram();
  later(() => server.close());
  server.on('message', (msg, rinfo) => server.send(`${msg} from ${rinfo.address}`, rinfo.port, rinfo.address));
  const { port } = server.address();
  for (const [type, address, seen] of [
    ['udp4', '127.0.0.1', '::ffff:127.0.0.1'],
    ['udp6', '::1', '::1'],
  ]) {
    const peer = dgram.createSocket(type);
    later(() => peer.close());
    peer.send('ping', port, address);
    const [reply] = await once(peer, 'message');
    assert.equal(String(reply), `ping from ${seen}`);
  }
  outcome.toDgram = 'works';
});

test('getDualMode(): reads net and dgram objects where the runtime exposes their descriptor, else refuses; an fd always works', async () => {
  const dual = net.createServer().listen({ port: 0, host: '::' });
  const v6only = net.createServer().listen({ port: 0, host: '::', ipv6Only: true });
  for (const server of [dual, v6only]) later(() => new Promise((resolve) => server.close(() => resolve())));
  await Promise.all([once(dual, 'listening'), once(v6only, 'listening')]);
  const exposed = typeof dual._handle?.fd === 'number';
  if (!exposed) {
    assert.throws(() => getDualMode(dual), refusedHere);
    outcome.getDualMode = 'refused';
  } else {
    assert.equal(getDualMode(dual), true);
    assert.equal(getDualMode(v6only), false);
    const u = dgram.createSocket({ type: 'udp6', ipv6Only: true });
    later(() => u.close());
    u.bind(0, '::');
    await once(u, 'listening');
    assert.equal(getDualMode(u), false);
    outcome.getDualMode = 'works';
  }
  const s = tcp();
  assert.equal(getDualMode(s.fd), true);
  s.dualMode = false;
  assert.equal(getDualMode(s.fd), false);
});

test('receiveFrom/receiveMessageFrom/sendTo: real datagrams where the runtime exposes libuv, else refused before any native I/O', async () => {
  const server = udp();
  server.bind({ address: '::', port: 0 });
  const port = server.localEndPoint.port;
  const client = udp();
  if (versions.bun || versions.deno) {
    // Calling libuv there would abort the process: the package must refuse first.
    assert.throws(() => server.receiveFrom(Buffer.alloc(8)), refusedHere);
    assert.throws(() => server.receiveMessageFrom(Buffer.alloc(8)), refusedHere);
    assert.throws(() => client.sendTo(Buffer.from('x'), { address: '127.0.0.1', port }), refusedHere);
    assert.equal(server.closed, false);
    outcome.datagramIO = 'refused';
    return;
  }
  for (const [to, from] of [
    ['127.0.0.1', '::ffff:127.0.0.1'],
    ['::1', '::1'],
  ]) {
    const request = server.receiveMessageFrom(Buffer.alloc(16));
    await client.sendTo(Buffer.from('ping'), { address: to, port });
    const { receivedBytes, remoteEndPoint, packetInformation } = await request;
    assert.equal(receivedBytes, 4);
    assert.equal(remoteEndPoint.address, from);
    assert.equal(packetInformation.address, from);
    const reply = client.receiveFrom(Buffer.alloc(16));
    await server.sendTo(Buffer.from('pong'), remoteEndPoint, { from: packetInformation });
    assert.equal((await reply).remoteEndPoint.address, from);
  }
  outcome.datagramIO = 'works';
});

test('close() never throws, in any state', () => {
  const s = new Socket(SocketType.Stream, ProtocolType.Tcp);
  s.close();
  s.close();
  assert.equal(s.closed, true);
  const d = new Socket(SocketType.Dgram, ProtocolType.Udp);
  const fd = d.detach();
  d.close();
  Socket.fromFd(fd).close();
});

// --- Runner -----------------------------------------------------------------

// The socket descriptors of this process (Linux; elsewhere none are checked).
const fdTable = require('../fd-table');
const openSockets = () => (process.platform === 'linux' ? fdTable.openSockets() : []);

test('no socket descriptor leaked by the tests above', async () => {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && JSON.stringify(openSockets()) !== JSON.stringify(baseline)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(openSockets(), baseline);
});

let baseline;

async function main() {
  let passed = 0;
  let failed = 0;
  baseline = openSockets();
  for (const { title, fn } of tests) {
    cleanups = [];
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${TEST_MS} ms`)), TEST_MS);
        }),
      ]);
      passed++;
      process.stdout.write(`ok - ${title}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(
        `not ok - ${title}\n  ${String(err && err.stack)
          .split('\n')
          .join('\n  ')}\n`,
      );
    } finally {
      clearTimeout(timer);
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch {
          // already closed
        }
      }
    }
  }
  process.stdout.write(`${runtime}: ${passed} passed, ${failed} failed\n`);
  const json = process.argv.indexOf('--json');
  if (json !== -1) {
    fs.writeFileSync(process.argv[json + 1], JSON.stringify({ runtime, passed, failed, handOffs: outcome }, null, 2));
  }
  process.exit(failed === 0 ? 0 : 1);
}

main();
