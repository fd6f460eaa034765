'use strict';
// The hand-off to Node's net: Socket.toServer() and Socket.connect(), with
// real sockets on loopback, mirroring .NET's DualModeConnectToIPEndPoint,
// DualModeAccept and AgnosticListenerTest.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { test: testEverywhere } = require('node:test');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel: Level,
  SocketOptionName: Name,
  getDualMode,
  platform,
} = require('dualmode');
const {
  checkSocketLeaks,
  testsNeeding,
  noHandOffs,
  noFdTable,
  linuxOnly,
  fdTarget,
  track,
  socketError,
  coded,
} = require('./helpers');

checkSocketLeaks();
// The one test that runs on Windows too (testEverywhere) checks that the hand-offs refuse there.
const test = testsNeeding(noHandOffs);
const testFds = testsNeeding(noHandOffs || noFdTable); // these read /proc/self/fd too

const TIMEOUT = 5000;

const dualTcp = (t) => track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
const v6Tcp = (t) => track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
const v4Tcp = (t) => track(t, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

/** Binds `socket` to address:0 and returns it. */
function bound(socket, address) {
  socket.bind({ address, port: 0 });
  return socket;
}

/** Resolves with the first argument of `event`; rejects on 'error' or after `ms`. */
function waitFor(emitter, event, ms = TIMEOUT) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'`));
    }, ms);
    const onEvent = (value) => {
      cleanup();
      resolve(value);
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    function cleanup() {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      if (event !== 'error') emitter.off('error', onError);
    }
    emitter.on(event, onEvent);
    if (event !== 'error') emitter.on('error', onError);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Destroys `client` when test `t` ends; returns it. */
function trackClient(t, client) {
  t.after(() => client.destroy());
  return client;
}

/**
 * Hands `socket` to Node with toServer(options); every connection echoes
 * what it receives unless `echoes` is false. Closes the server and its
 * connections when `t` ends.
 */
function serve(t, socket, options, { echoes = true } = {}) {
  const server = socket.toServer(options);
  const connections = [];
  server.on('connection', (conn) => {
    connections.push(conn);
    conn.on('error', () => {}); // a peer's reset during teardown
    if (echoes) conn.on('data', (chunk) => conn.write(chunk));
  });
  t.after(async () => {
    for (const conn of connections) conn.destroy();
    if (server.listening) await closeServer(server);
  });
  return { server, connections, port: server.address().port };
}

/** server.close(), resolved once it has closed; bounded. */
function closeServer(server, ms = TIMEOUT) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server.close() did not finish within ${ms} ms`)), ms);
    server.close((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Writes `payload` and resolves with as many bytes as came back; bounded. */
function echo(client, payload, ms = TIMEOUT) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let length = 0;
    const timer = setTimeout(() => finish(new Error(`no echo within ${ms} ms`)), ms);
    const onData = (chunk) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= payload.length) finish(null);
    };
    const onClose = () => finish(new Error('closed before the echo came back'));
    function finish(err) {
      clearTimeout(timer);
      client.off('data', onData).off('error', finish).off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    }
    client.on('data', onData).on('error', finish).on('close', onClose);
    client.write(payload);
  });
}

/**
 * assert.throws() for a hand-off: if `fn` wrongly returns a Node object, it
 * is closed when `t` ends, so the failure is reported instead of a hang.
 */
function refuses(t, fn, matcher, message) {
  let result;
  try {
    assert.throws(
      () => {
        result = fn();
      },
      matcher,
      message,
    );
  } finally {
    if (result instanceof net.Socket) t.after(() => result.destroy());
    else if (result instanceof net.Server) t.after(() => result.close());
  }
}

/** Reads an int option of a socket Node owns through a borrowed Socket, then gives the fd back. */
/** SO_REUSEADDR itself ((Socket, ReuseAddress) reads SO_REUSEPORT, as .NET does on Unix). */
function reuseAddrOf(socket) {
  const buf = new Uint8Array(4);
  socket.getRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, buf);
  return new DataView(buf.buffer).getInt32(0, true);
}

function peekReuseAddr(fd) {
  const view = Socket.fromFd(fd);
  try {
    return reuseAddrOf(view);
  } finally {
    view.detach();
  }
}

function peekOption(fd, level, name) {
  const view = Socket.fromFd(fd);
  try {
    return view.getSocketOption(level, name);
  } finally {
    view.detach();
  }
}

// ---------------------------------------------------------------------------
// 1. The connect / accept matrix.

// Servers made with Socket + toServer(). `ipv4` / `ipv6`: whether a client of
// that family reaches it. `family`: how it reports peers. `acceptedDual`:
// dualMode of an accepted socket on Linux (DualModeAcceptBase's
// AssertDualModeEnabled: true only for a listener on :: or a mapped address).
const SERVERS = [
  {
    name: 'an IPv4 socket on 127.0.0.1',
    dotnet: 'AcceptV4BoundToSpecificV4_Success, ConnectV6IPEndPointToV4Host_Fails',
    make: v4Tcp,
    address: '127.0.0.1',
    local: '127.0.0.1',
    ipv4: true,
    ipv6: false,
    family: 'IPv4',
    acceptedDual: false,
  },
  {
    name: 'an IPv6-only socket (InterNetworkV6, dualMode false) on ::',
    dotnet: 'ConnectV4IPEndPointToV6Host_Fails, ConnectV6IPEndPointToV6Host_Success',
    make: v6Tcp,
    address: '::',
    local: '::',
    ipv4: false,
    ipv6: true,
    family: 'IPv6',
    acceptedDual: false,
  },
  {
    name: 'a dual-mode socket on ::',
    dotnet: 'ConnectV4IPEndPointToDualHost_Success, AcceptV4BoundToAnyV6_Success, AcceptV6BoundToAnyV6_Success',
    make: dualTcp,
    address: '::',
    local: '::',
    ipv4: true,
    ipv6: true,
    family: 'IPv6',
    acceptedDual: true,
  },
  {
    name: 'a dual-mode socket on 0.0.0.0 (::ffff:0.0.0.0, IPv4 only)',
    dotnet: 'AcceptV4BoundToAnyV4_Success, AcceptV6BoundToAnyV4_CantConnect',
    make: dualTcp,
    address: '0.0.0.0',
    local: '::ffff:0.0.0.0',
    ipv4: true,
    ipv6: false,
    family: 'IPv6',
    acceptedDual: true,
  },
  {
    name: 'a dual-mode socket on ::1 (no longer dual on Linux)',
    dotnet: 'AcceptV6BoundToSpecificV6_Success, AcceptV4BoundToSpecificV6_CantConnect',
    make: dualTcp,
    address: '::1',
    local: '::1',
    ipv4: false,
    ipv6: true,
    family: 'IPv6',
    acceptedDual: false,
  },
  {
    name: 'a dual-mode socket on 127.0.0.1 (::ffff:127.0.0.1)',
    dotnet: 'AcceptV4BoundToSpecificV4_Success, AcceptV6BoundToSpecificV4_CantConnect',
    make: dualTcp,
    address: '127.0.0.1',
    local: '::ffff:127.0.0.1',
    ipv4: true,
    ipv6: false,
    family: 'IPv6',
    acceptedDual: true,
  },
];

// `form` / `family`: the client's own view of the server address (and of its
// local address), which is the mapped form on a dual-mode Socket.
const CLIENTS = [
  {
    name: 'net.connect() to 127.0.0.1',
    target: '127.0.0.1',
    form: '127.0.0.1',
    family: 'IPv4',
    connect: (t, port) => net.connect({ host: '127.0.0.1', port }),
  },
  {
    name: 'net.connect() to ::1',
    target: '::1',
    form: '::1',
    family: 'IPv6',
    connect: (t, port) => net.connect({ host: '::1', port }),
  },
  {
    name: 'a dual-mode Socket.connect() to 127.0.0.1 (::ffff:127.0.0.1)',
    target: '127.0.0.1',
    form: '::ffff:127.0.0.1',
    family: 'IPv6',
    connect: (t, port) => dualTcp(t).connect({ address: '127.0.0.1', port }),
  },
  {
    name: 'a dual-mode Socket.connect() to ::1',
    target: '::1',
    form: '::1',
    family: 'IPv6',
    connect: (t, port) => dualTcp(t).connect({ address: '::1', port }),
  },
  {
    name: 'an IPv4 Socket.connect() to 127.0.0.1',
    target: '127.0.0.1',
    form: '127.0.0.1',
    family: 'IPv4',
    connect: (t, port) => v4Tcp(t).connect({ address: '127.0.0.1', port }),
  },
];

/**
 * A server as `spec` says, on a fresh port. The family the server refuses is
 * blocked on that port by a socket that is bound but not listening (the
 * kernel answers it with RST), so that no listener of a test running in
 * parallel can answer there (.NET's PortBlocker).
 */
function matrixServer(t, spec) {
  for (let attempt = 1; ; attempt++) {
    const socket = spec.make(t);
    socket.bind({ address: spec.address, port: 0 });
    const { port } = socket.localEndPoint;
    try {
      if (!spec.ipv4) v4Tcp(t).bind({ address: '0.0.0.0', port });
      if (!spec.ipv6) v6Tcp(t).bind({ address: '::', port });
    } catch (err) {
      socket.close();
      if (err.code === 'EADDRINUSE' && attempt < 10) continue;
      throw err;
    }
    return serve(t, socket);
  }
}

for (const spec of SERVERS) {
  test(`${spec.name} accepts exactly the clients .NET says, and echoes (DualModeConnectToIPEndPoint / DualModeAccept: ${spec.dotnet})`, async (t) => {
    for (const client of CLIENTS) {
      const reaches = client.target === '127.0.0.1' ? spec.ipv4 : spec.ipv6;
      const title = `${client.name} ${reaches ? 'connects and round-trips data' : 'is refused with ECONNREFUSED'}`;
      await t.test(title, async (t) => {
        const { server, connections, port } = matrixServer(t, spec);
        assert.equal(server.listening, true);
        assert.deepEqual(server.address(), { address: spec.local, family: spec.family, port });
        const accepted = reaches ? waitFor(server, 'connection') : null;
        const conn = trackClient(t, client.connect(t, port));
        assert.ok(conn instanceof net.Socket);

        if (!reaches) {
          const err = await waitFor(conn, 'error');
          assert.equal(err.code, 'ECONNREFUSED');
          assert.equal(err.syscall, 'connect');
          assert.equal(err.address, client.form);
          assert.equal(err.port, port);
          assert.equal(connections.length, 0, 'the server accepted nothing');
          return;
        }

        await waitFor(conn, 'connect');
        const peer = await accepted;
        // The client's view: the server address as the client asked for it.
        assert.equal(conn.remoteAddress, client.form);
        assert.equal(conn.remoteFamily, client.family);
        assert.equal(conn.remotePort, port);
        assert.equal(conn.localAddress, client.form);
        assert.equal(conn.localFamily, client.family);
        // The server's view (AgnosticListenerTest.ConnectWithV4AndV6_Success):
        // an IPv4 peer on an IPv6 listener is ::ffff:127.0.0.1, family IPv6.
        const peerAddress =
          spec.family === 'IPv4' ? '127.0.0.1' : client.target === '127.0.0.1' ? '::ffff:127.0.0.1' : '::1';
        assert.equal(peer.remoteAddress, peerAddress);
        assert.equal(peer.remoteFamily, spec.family);
        assert.equal(peer.remotePort, conn.localPort);
        assert.equal(peer.localAddress, peerAddress);
        assert.equal(peer.localPort, port);
        assert.equal(getDualMode(peer), spec.acceptedDual, 'dualMode of the accepted socket (AssertDualModeEnabled)');
        assert.equal(connections.length, 1);

        const payload = Buffer.from(`${client.name} -> ${spec.name}`);
        assert.deepEqual(await echo(conn, payload), payload);
      });
    }
  });
}

// ---------------------------------------------------------------------------
// 2. A family mismatch is refused before anything reaches Node.

testFds(
  'connect() to an IPv4 address on an IPv6 socket with dualMode false throws EAFNOSUPPORT synchronously and leaves the Socket open (Socket_ConnectV4IPEndPointToV4Host_Throws, Socket_BeginConnectV4IPAddressToV4Host_Throws)',
  async (t) => {
    const { port } = serve(t, bound(v6Tcp(t), '::1'));
    const socket = v6Tcp(t);
    assert.equal(socket.dualMode, false);
    const fd = socket.fd;
    const before = fdTarget(fd);
    for (const address of ['127.0.0.1', '0.0.0.0']) {
      refuses(
        t,
        () => socket.connect({ address, port }),
        socketError('EAFNOSUPPORT', 'connect', {
          address,
          port,
          socketErrorCode: 'AddressFamilyNotSupported',
          message: /dualMode/,
        }),
      );
    }
    // Not detached, not closed: the very same descriptor, still unconnected.
    assert.equal(socket.closed, false);
    assert.equal(socket.fd, fd);
    assert.equal(fdTarget(fd), before);
    assert.equal(socket.dualMode, false);
    assert.equal(socket.remoteEndPoint, null);
    // And usable: it connects over IPv6.
    const client = trackClient(t, socket.connect({ address: '::1', port }));
    await waitFor(client, 'connect');
    assert.equal(client.remoteAddress, '::1');
  },
);

testFds(
  'connect() to an IPv6 address on an IPv4 socket throws EAFNOSUPPORT synchronously and leaves the Socket open',
  async (t) => {
    const { port } = serve(t, bound(v4Tcp(t), '127.0.0.1'));
    const socket = v4Tcp(t);
    const fd = socket.fd;
    const before = fdTarget(fd);
    for (const address of ['::1', '::ffff:127.0.0.1', '::']) {
      refuses(
        t,
        () => socket.connect({ address, port }),
        socketError('EAFNOSUPPORT', 'connect', { address, port, socketErrorCode: 'AddressFamilyNotSupported' }),
      );
    }
    assert.equal(socket.closed, false);
    assert.equal(socket.fd, fd);
    assert.equal(fdTarget(fd), before);
    assert.equal(socket.remoteEndPoint, null);
    const client = trackClient(t, socket.connect({ address: '127.0.0.1', port }));
    await waitFor(client, 'connect');
    assert.equal(client.remoteAddress, '127.0.0.1');
  },
);

// ---------------------------------------------------------------------------
// 3. What connect() and toServer() return, and the detached Socket.

test('connect() returns a net.Socket that connects like net.connect(): connecting first, then connect and ready with its addresses', async (t) => {
  const { port } = serve(t, dualTcp(t));
  const socket = dualTcp(t);
  const client = trackClient(t, socket.connect({ address: '127.0.0.1', port }));
  assert.ok(client instanceof net.Socket);
  assert.equal(client.connecting, true);
  assert.equal(client.pending, true);
  assert.equal(client.readyState, 'opening');
  assert.equal(client.remoteAddress, undefined);
  const ready = waitFor(client, 'ready');
  await waitFor(client, 'connect');
  await ready;
  assert.equal(client.connecting, false);
  assert.equal(client.pending, false);
  assert.equal(client.readyState, 'open');
  assert.equal(client.remoteAddress, '::ffff:127.0.0.1');
  assert.equal(client.remoteFamily, 'IPv6');
  assert.equal(client.remotePort, port);
  assert.equal(client.localAddress, '::ffff:127.0.0.1');
  assert.ok(client.localPort > 0);
  assert.equal(getDualMode(client), true, 'dual mode set before the hand-off stays in force');
  const payload = Buffer.from('round trip');
  assert.deepEqual(await echo(client, payload), payload);
});

test('after connect() the Socket is detached: its members throw ERR_SOCKET_DETACHED naming net.Socket, and close() does nothing', async (t) => {
  const { port } = serve(t, dualTcp(t));
  const socket = dualTcp(t);
  const client = trackClient(t, socket.connect({ address: '::1', port }));
  const detached = coded(Error, 'ERR_SOCKET_DETACHED', /net\.Socket/);
  assert.throws(() => socket.fd, detached);
  assert.throws(() => socket.dualMode, detached);
  assert.throws(() => socket.localEndPoint, detached);
  refuses(t, () => socket.connect({ address: '::1', port }), detached);
  refuses(t, () => socket.toServer(), detached);
  assert.throws(() => socket.detach(), detached);
  assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(socket.socketType, SocketType.Stream);
  socket.close();
  socket[Symbol.dispose]();
  await waitFor(client, 'connect');
  const payload = Buffer.from('still mine');
  assert.deepEqual(await echo(client, payload), payload, 'the net.Socket still owns a working descriptor');
});

test('after toServer() the Socket is detached: its members throw ERR_SOCKET_DETACHED naming net.Server, and close() does nothing', async (t) => {
  const socket = dualTcp(t);
  const { server, port } = serve(t, socket);
  assert.ok(server instanceof net.Server);
  const detached = coded(Error, 'ERR_SOCKET_DETACHED', /net\.Server/);
  assert.throws(() => socket.fd, detached);
  assert.throws(() => socket.isBound, detached);
  assert.throws(() => socket.listen(), detached);
  refuses(t, () => socket.toServer(), detached);
  refuses(t, () => socket.connect({ address: '::1', port }), detached);
  socket.close();
  assert.equal(server.listening, true);
  const client = trackClient(t, net.connect({ host: '127.0.0.1', port }));
  await waitFor(client, 'connect');
  const payload = Buffer.from('server still listening');
  assert.deepEqual(await echo(client, payload), payload);
});

test('connect() from a bound Socket keeps its local address and port', async (t) => {
  const { server, port } = serve(t, dualTcp(t));
  const socket = dualTcp(t);
  socket.bind({ address: '127.0.0.1', port: 0 });
  const local = socket.localEndPoint;
  assert.equal(local.address, '::ffff:127.0.0.1');
  const accepted = waitFor(server, 'connection');
  const client = trackClient(t, socket.connect({ address: '127.0.0.1', port }));
  await waitFor(client, 'connect');
  assert.equal(client.localAddress, local.address);
  assert.equal(client.localPort, local.port);
  assert.equal((await accepted).remotePort, local.port);
});

// ---------------------------------------------------------------------------
// 4. A refused connection leaves nothing behind.

test('a refused connect() emits ECONNREFUSED, closes the descriptor and lets the process exit by itself', () => {
  const fixture = path.join(__dirname, 'fixtures', 'net-refused.js');
  const started = Date.now();
  const child = spawnSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 10_000 });
  const elapsed = Date.now() - started;
  assert.equal(child.error, undefined, `the child did not exit by itself: ${child.error}`);
  assert.equal(child.signal, null, child.stderr);
  assert.equal(child.status, 0, child.stderr);
  assert.ok(elapsed < 5000, `the child took ${elapsed} ms`);
  const report = JSON.parse(child.stdout);
  assert.equal(report.dualModeBefore, true);
  assert.deepEqual(report.error, {
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '::ffff:127.0.0.1',
    port: report.port,
  });
  assert.match(report.fdBefore, /^socket:\[\d+\]$/);
  assert.notEqual(report.fdAtError, report.fdBefore, 'the descriptor is closed by the time of the error');
  assert.equal(report.fstatAtError, 'EBADF');
  assert.equal(report.closeHadError, true);
  assert.equal(report.destroyed, true);
  assert.deepEqual(report.socketsLeft, []);
});

// ---------------------------------------------------------------------------
// 5. toServer(): bind, listen and the server it returns.

test('toServer() binds an unbound dual-mode socket to [::]:0 with SO_REUSEADDR and accepts IPv4 and IPv6 clients', async (t) => {
  const socket = dualTcp(t);
  assert.equal(socket.isBound, false);
  assert.equal(reuseAddrOf(socket), 0);
  const { server, port } = serve(t, socket);
  assert.equal(server.address().address, '::');
  assert.equal(server.address().family, 'IPv6');
  assert.ok(port > 0);
  assert.equal(peekReuseAddr(server._handle.fd), 1);
  assert.equal(getDualMode(server), true);
  for (const [host, form] of [
    ['127.0.0.1', '::ffff:127.0.0.1'],
    ['::1', '::1'],
  ]) {
    const accepted = waitFor(server, 'connection');
    const client = trackClient(t, net.connect({ host, port }));
    await waitFor(client, 'connect');
    assert.equal((await accepted).remoteAddress, form);
  }
});

test('toServer() binds an unbound IPv4 socket to 0.0.0.0:0', async (t) => {
  const socket = v4Tcp(t);
  const { server, port } = serve(t, socket);
  assert.deepEqual(server.address(), { address: '0.0.0.0', family: 'IPv4', port });
  assert.ok(port > 0);
  assert.equal(peekReuseAddr(server._handle.fd), 1);
  assert.equal(getDualMode(server), false);
  const client = trackClient(t, net.connect({ host: '127.0.0.1', port }));
  await waitFor(client, 'connect');
});

test('toServer() keeps the address of an already-bound socket and leaves its SO_REUSEADDR alone', (t) => {
  for (const [address, local] of [
    ['::1', '::1'],
    ['127.0.0.1', '::ffff:127.0.0.1'],
  ]) {
    const socket = dualTcp(t);
    socket.bind({ address, port: 0 });
    const { port } = socket.localEndPoint;
    const { server } = serve(t, socket);
    assert.deepEqual(server.address(), { address: local, family: 'IPv6', port });
    assert.equal(peekReuseAddr(server._handle.fd), 0);
  }
});

test('toServer() on a socket that already listens keeps it listening: a connection queued before the hand-off is accepted', async (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::1', port: 0 });
  socket.listen();
  const { port } = socket.localEndPoint;
  // The kernel completes the handshake into the backlog; nobody accepts yet.
  const client = trackClient(t, net.connect({ host: '::1', port }));
  await waitFor(client, 'connect');
  const { server } = serve(t, socket);
  const peer = await waitFor(server, 'connection');
  assert.equal(peer.remotePort, client.localPort);
  assert.equal(server.address().port, port);
});

/** The accept-queue limit the kernel holds for the listener on [::1]:port (Send-Q of ss), or undefined without ss. */
function backlogOf(port) {
  const ss = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8', timeout: TIMEOUT });
  if (ss.error && ss.error.code === 'ENOENT') return undefined;
  assert.equal(ss.status, 0, ss.stderr);
  const line = ss.stdout
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .find((columns) => columns[3] === `[::1]:${port}`);
  assert.ok(line, `ss lists no listener on [::1]:${port}: ${ss.stdout}`);
  return Number(line[2]);
}

test(
  'toServer() on a socket not yet listening listens with backlog 511, as server.listen() does',
  { skip: linuxOnly('reads net.core.somaxconn in /proc/sys') },
  (t) => {
    const socket = dualTcp(t);
    socket.bind({ address: '::1', port: 0 });
    const backlog = backlogOf(serve(t, socket).port);
    if (backlog === undefined) return t.skip('ss (iproute2) is not installed');
    const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    assert.equal(backlog, Math.min(511, somaxconn));
  },
);

// Node's server.listen({ fd, backlog }) ignores options.backlog on the fd
// path (only a positional backlog counts); toServer() passes it positionally.
test('listen(5) then toServer() keeps backlog 5', (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::1', port: 0 });
  socket.listen(5);
  const backlog = backlogOf(serve(t, socket).port);
  if (backlog === undefined) return t.skip('ss (iproute2) is not installed');
  assert.equal(backlog, 5);
});

testFds(
  'toServer() throws EADDRINUSE from listen synchronously when another socket listens on the port, and the Socket stays open and usable',
  async (t) => {
    const first = dualTcp(t);
    const second = dualTcp(t);
    // SO_REUSEADDR alone: both bind, the second cannot listen (ReuseAddress would add SO_REUSEPORT, which lets both listen).
    for (const socket of [first, second])
      socket.setRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, new Uint8Array(new Int32Array([1]).buffer));
    first.bind({ address: '::1', port: 0 });
    const { port } = first.localEndPoint;
    second.bind({ address: '::1', port });
    first.listen();
    const fd = second.fd;
    const before = fdTarget(fd);
    refuses(
      t,
      () => second.toServer(),
      socketError('EADDRINUSE', 'listen', { socketErrorCode: 'AddressAlreadyInUse' }),
    );
    assert.equal(second.closed, false);
    assert.equal(second.fd, fd);
    assert.equal(fdTarget(fd), before);
    assert.deepEqual(second.localEndPoint, { address: '::1', family: 'IPv6', port });
    // Usable: once the port is free it becomes the server there.
    first.close();
    const { server } = serve(t, second);
    assert.equal(server.address().port, port);
    const accepted = waitFor(server, 'connection');
    const client = trackClient(t, net.connect({ host: '::1', port }));
    await waitFor(client, 'connect');
    await accepted;
  },
);

test('toServer() returns a server that is already listening, and still emits listening afterwards', async (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::1', port: 0 });
  const { port } = socket.localEndPoint;
  const { server } = serve(t, socket);
  assert.equal(server.listening, true);
  assert.deepEqual(server.address(), { address: '::1', family: 'IPv6', port });
  await waitFor(server, 'listening');
  assert.equal(server.listening, true);
});

testFds('server.close() closes the descriptor once: the handed-off Socket never closes the number again', async (t) => {
  const socket = dualTcp(t);
  const { server } = serve(t, socket);
  const fd = server._handle.fd;
  const before = fdTarget(fd);
  assert.match(before, /^socket:/);
  await closeServer(server);
  assert.notEqual(fdTarget(fd), before, 'the descriptor is closed');
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' });
  // Let a new socket take the number, then close() the handed-off Socket.
  let reuser;
  for (let i = 0; i < 1024 && reuser === undefined; i++) {
    const other = dualTcp(t);
    if (other.fd === fd) reuser = other;
  }
  assert.ok(reuser, `no new socket got descriptor ${fd}`);
  const reused = fdTarget(fd);
  socket.close();
  assert.equal(fdTarget(fd), reused, 'the new socket on that number is untouched');
  assert.equal(reuser.closed, false);
  assert.equal(reuseAddrOf(reuser), 0);
});

// ---------------------------------------------------------------------------
// 6. Bad input: nothing is handed over, the Socket stays as it was.

test('toServer() and connect() on a datagram socket throw ERR_SOCKET_BAD_TYPE and leave the Socket open and usable', (t) => {
  const udp = track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
  const fd = udp.fd;
  const badType = (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'ERR_SOCKET_BAD_TYPE');
    return true;
  };
  refuses(t, () => udp.toServer(), badType);
  refuses(t, () => udp.connect({ address: '::1', port: 9 }), badType);
  assert.equal(udp.closed, false);
  assert.equal(udp.fd, fd);
  udp.bind({ address: '::1', port: 0 });
  assert.equal(udp.localEndPoint.address, '::1');
});

testFds('options that are not an object throw ERR_INVALID_ARG_TYPE and leave the Socket open', (t) => {
  const socket = dualTcp(t);
  const fd = socket.fd;
  const before = fdTarget(fd);
  for (const options of [5, 'pauseOnConnect', true, null]) {
    refuses(t, () => socket.toServer(options), coded(TypeError, 'ERR_INVALID_ARG_TYPE', /options/));
    refuses(
      t,
      () => socket.connect({ address: '::1', port: 9 }, options),
      coded(TypeError, 'ERR_INVALID_ARG_TYPE', /options/),
    );
  }
  assert.equal(socket.closed, false);
  assert.equal(socket.fd, fd);
  assert.equal(fdTarget(fd), before);
});

testFds(
  'an option of the wrong type throws before the descriptor is handed over; the Socket stays open and can still hand off',
  async (t) => {
    const listener = dualTcp(t);
    const cases = [
      [{ pauseOnConnect: 'yes' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ noDelay: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ highWaterMark: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
    ];
    for (const [options, Class, code] of cases) {
      refuses(t, () => listener.toServer(options), coded(Class, code), JSON.stringify(options));
    }
    assert.equal(listener.closed, false);
    assert.equal(listener.isBound, false, 'toServer() bound nothing');
    const { port } = serve(t, listener);

    const socket = dualTcp(t);
    const fd = socket.fd;
    const before = fdTarget(fd);
    for (const [options, Class, code] of [
      [{ noDelay: 'yes' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ timeout: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ timeout: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ keepAlive: 'on' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ]) {
      refuses(t, () => socket.connect({ address: '::1', port }, options), coded(Class, code), JSON.stringify(options));
    }
    assert.equal(socket.closed, false);
    assert.equal(socket.fd, fd);
    assert.equal(fdTarget(fd), before);
    assert.equal(socket.remoteEndPoint, null);
    const client = trackClient(t, socket.connect({ address: '::1', port }));
    await waitFor(client, 'connect');
  },
);

testFds('an fd named in the options is never adopted: toServer() and connect() use their own descriptor', async (t) => {
  const other = dualTcp(t);
  other.bind({ address: '::1', port: 0 });
  other.listen();
  const otherPort = other.localEndPoint.port;
  const otherFd = other.fd;
  const otherLink = fdTarget(otherFd);

  const mine = dualTcp(t);
  mine.bind({ address: '::1', port: 0 });
  const minePort = mine.localEndPoint.port;
  const { server } = serve(t, mine, { fd: otherFd });
  assert.equal(server.address().port, minePort);
  assert.notEqual(server._handle.fd, otherFd);

  const client = trackClient(t, dualTcp(t).connect({ address: '::1', port: minePort }, { fd: otherFd }));
  await waitFor(client, 'connect');
  assert.notEqual(client._handle.fd, otherFd);
  assert.equal(client.remotePort, minePort);

  assert.equal(other.fd, otherFd, 'the other Socket is not detached');
  assert.equal(other.closed, false);
  assert.equal(fdTarget(otherFd), otherLink);
  assert.equal(other.localEndPoint.port, otherPort);
});

testFds('connect() with a bad endpoint throws synchronously and leaves the Socket untouched', (t) => {
  const socket = dualTcp(t);
  const fd = socket.fd;
  const before = fdTarget(fd);
  refuses(t, () => socket.connect({ address: '::1', port: 70000 }), coded(RangeError, 'ERR_SOCKET_BAD_PORT'));
  refuses(t, () => socket.connect({ address: '::1', port: -1 }), coded(RangeError, 'ERR_SOCKET_BAD_PORT'));
  refuses(t, () => socket.connect({ address: 'localhost', port: 80 }), coded(TypeError, 'ERR_INVALID_IP_ADDRESS'));
  refuses(t, () => socket.connect({ address: 1, port: 80 }), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
  refuses(t, () => socket.connect(), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
  assert.equal(socket.closed, false);
  assert.equal(socket.fd, fd);
  assert.equal(fdTarget(fd), before);
  assert.equal(socket.isBound, false);
  assert.equal(socket.dualMode, true);
});

test('connect() and toServer() after close() throw ERR_SOCKET_CLOSED', (t) => {
  const socket = dualTcp(t);
  socket.close();
  refuses(t, () => socket.connect({ address: '::1', port: 9 }), coded(Error, 'ERR_SOCKET_CLOSED'));
  refuses(t, () => socket.toServer(), coded(Error, 'ERR_SOCKET_CLOSED'));
  assert.equal(socket.closed, true);
});

// ---------------------------------------------------------------------------
// 7. Options reach Node's objects.

test('toServer({ pauseOnConnect: true }) hands out paused connections', async (t) => {
  const paused = serve(t, dualTcp(t), { pauseOnConnect: true }, { echoes: false });
  const plain = serve(t, dualTcp(t), undefined, { echoes: false });

  const plainAccepted = waitFor(plain.server, 'connection');
  trackClient(t, net.connect({ host: '::1', port: plain.port }));
  assert.notEqual((await plainAccepted).readableFlowing, false, 'without the option a connection is not paused');

  const accepted = waitFor(paused.server, 'connection');
  const client = trackClient(t, net.connect({ host: '127.0.0.1', port: paused.port }));
  await waitFor(client, 'connect');
  const conn = await accepted;
  assert.equal(conn.readableFlowing, false);
  const received = [];
  conn.on('data', (chunk) => received.push(chunk));
  client.write('hello');
  await sleep(100);
  assert.deepEqual(received, [], 'nothing is read while paused');
  const arrived = waitFor(conn, 'data');
  conn.resume();
  await arrived;
  assert.equal(Buffer.concat(received).toString(), 'hello');
});

test('connect(endPoint, { noDelay: true, timeout: 50 }) sets TCP_NODELAY and emits timeout', async (t) => {
  const { port } = serve(t, dualTcp(t), undefined, { echoes: false });

  const plain = trackClient(t, dualTcp(t).connect({ address: '::1', port }));
  await waitFor(plain, 'connect');
  assert.equal(peekOption(plain._handle.fd, Level.Tcp, Name.NoDelay), 0, 'off unless asked for');

  const client = trackClient(t, dualTcp(t).connect({ address: '::1', port }, { noDelay: true, timeout: 50 }));
  assert.equal(client.timeout, 50);
  const timedOut = waitFor(client, 'timeout', 2000);
  await waitFor(client, 'connect');
  assert.notEqual(peekOption(client._handle.fd, Level.Tcp, Name.NoDelay), 0);
  await timedOut;
  assert.equal(client.destroyed, false, "'timeout' only notifies, as with net.connect");
});

testEverywhere(
  'on Windows, where Node cannot adopt a socket, the hand-offs throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM and the Socket stays open',
  () => {
    const { spawnSync } = require('node:child_process');
    // process.platform is what the hand-offs check when called; the rest of
    // the package works as on Linux in this child. The package is loaded
    // first, so that node-gyp-build finds the Linux addon whatever it looks at.
    const code = `
    const { Socket, SocketType, ProtocolType, getDualMode } = require('dualmode');
    Object.defineProperty(process, 'platform', { value: 'win32' });
    const results = {};
    const stream = new Socket(SocketType.Stream, ProtocolType.Tcp);
    const dgram = new Socket(SocketType.Dgram, ProtocolType.Udp);
    for (const [name, call] of [
      ['toServer', () => stream.toServer()],
      ['connect', () => stream.connect({ address: '127.0.0.1', port: 9 })],
      ['toDgram', () => dgram.toDgram()],
      ['getDualMode', () => getDualMode(new (require('node:net').Server)())],
    ]) {
      try { call(); results[name] = 'returned'; } catch (err) { results[name] = err.code; }
    }
    results.stillOpen = !stream.closed && stream.dualMode === true && !dgram.closed && dgram.dualMode === true;
    results.fdStillWorks = getDualMode(stream.fd);
    stream.close();
    dgram.close();
    process.stdout.write(JSON.stringify(results));
  `;
    const run = spawnSync(process.execPath, ['-e', code], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      toServer: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
      connect: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
      toDgram: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
      getDualMode: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
      stillOpen: true,
      fdStillWorks: true,
    });
  },
);
