'use strict';
// getDualMode(target): what IPV6_V6ONLY a socket Node made really carries.
// Where Node's behaviour is surprising, the tests check the answer against
// what an IPv4 peer actually experiences rather than hard-coding it.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const dgram = require('node:dgram');
const { once } = require('node:events');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test, before } = require('node:test');
const { Socket, AddressFamily, SocketType, ProtocolType, getDualMode } = require('dualmode');
const {
  checkSocketLeaks,
  noHandOffs,
  noFileDescriptors,
  noNamespace,
  inNamespace,
  trackUdp,
  hostBindv6only,
  track,
  socketError,
  coded,
  withTimeout,
  delay,
  reaches: reachesWithin,
} = require('./helpers');

const reaches = (host, port) => reachesWithin(host, port, TIMEOUT);

checkSocketLeaks();

const TIMEOUT = 3000;
const QUIET = 150;

const bindv6only = String(hostBindv6only());
// A socket Node makes without setting IPV6_V6ONLY itself starts with !bindv6only.
const systemDefaultDual = bindv6only === '0';

/** A listening net.Server, closed (with its connections) when test `t` ends. */
async function listening(t, options) {
  const server = net.createServer();
  const connections = new Set();
  server.on('connection', (conn) => connections.add(conn));
  t.after(() => {
    for (const conn of connections) conn.destroy();
    server.close();
  });
  await withTimeout(
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options, () => {
        server.off('error', reject);
        resolve();
      });
    }),
    TIMEOUT,
    `listen ${JSON.stringify(options)}`,
  );
  return server;
}

/** A connected client to host:port and the server's side of it; both destroyed when `t` ends. */
async function connectedPair(t, server, host) {
  const accepted = once(server, 'connection');
  const client = net.connect({ host, port: server.address().port });
  t.after(() => client.destroy());
  await withTimeout(once(client, 'connect'), TIMEOUT, `connect to ${host}`);
  const [conn] = await withTimeout(accepted, TIMEOUT, 'accept');
  return { client, conn };
}

/** A Node dgram socket made with `options`, bound with bind(...args), once listening. */
async function nodeUdp(t, options, ...args) {
  const udp = trackUdp(t, dgram.createSocket(options));
  await withTimeout(
    new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(...args, () => {
        udp.off('error', reject);
        resolve();
      });
    }),
    TIMEOUT,
    `bind ${JSON.stringify(options)}`,
  );
  return udp;
}

/** Whether a datagram from `sender` to address:port arrives at `receiver` (bounded). */
async function datagramArrives(receiver, sender, port, address) {
  const text = `probe ${Math.random()}`;
  let arrived = false;
  const onMessage = (msg) => {
    if (msg.toString() === text) arrived = true;
  };
  receiver.on('message', onMessage);
  try {
    await withTimeout(
      new Promise((resolve, reject) => sender.send(text, port, address, (err) => (err ? reject(err) : resolve()))),
      TIMEOUT,
      'send',
    );
    const deadline = Date.now() + QUIET * 2;
    while (!arrived && Date.now() < deadline) await delay(10);
    return arrived;
  } finally {
    receiver.off('message', onMessage);
  }
}

/** The fd inside a dgram socket, behind Node's internal 'state symbol'. */
function dgramFd(udp) {
  const symbol = Object.getOwnPropertySymbols(udp).find((s) => s.description === 'state symbol');
  assert.ok(symbol, "Node's dgram state symbol");
  return udp[symbol].handle.fd;
}

// --- net -------------------------------------------------------------------

test(
  'a net.Server from listen(0) is dual-mode (libuv clears IPV6_V6ONLY for TCP), and an IPv4 client really reaches it',
  { skip: noHandOffs },
  async (t) => {
    const server = await listening(t, { port: 0 });
    assert.equal(server.address().address, '::');
    assert.equal(getDualMode(server), true);
    assert.equal(await reaches('127.0.0.1', server.address().port), true);
  },
);

test(
  "listen({ host: '::', port: 0, ipv6Only: true }) is not dual-mode, and an IPv4 client is refused",
  { skip: noHandOffs },
  async (t) => {
    const server = await listening(t, { host: '::', port: 0, ipv6Only: true });
    assert.equal(getDualMode(server), false);
    assert.equal(await reaches('127.0.0.1', server.address().port), false);
    assert.equal(await reaches('::1', server.address().port), true);
  },
);

test(
  'listen({ port: 0, ipv6Only: true }) without a host: getDualMode() says exactly whether an IPv4 client reaches it (Node 20 ignores ipv6Only there)',
  { skip: noHandOffs },
  async (t) => {
    const server = await listening(t, { port: 0, ipv6Only: true });
    const dual = getDualMode(server);
    const ipv4Reaches = await reaches('127.0.0.1', server.address().port);
    t.diagnostic(`getDualMode = ${dual}, IPv4 client reaches it = ${ipv4Reaches} (Node ${process.version})`);
    assert.equal(dual, ipv4Reaches);
  },
);

test("an IPv4 server (listen(0, '127.0.0.1')) is not dual-mode", { skip: noHandOffs }, async (t) => {
  const server = await listening(t, { port: 0, host: '127.0.0.1' });
  assert.equal(server.address().family, 'IPv4');
  assert.equal(getDualMode(server), false);
});

test(
  "connected net.Sockets: the accepted side carries its listener's mode; the client side is IPv4 (false) or a fresh IPv6 socket that follows bindv6only",
  { skip: noHandOffs },
  async (t) => {
    const dual = await listening(t, { port: 0 });
    const v6only = await listening(t, { host: '::', port: 0, ipv6Only: true });

    const viaV4 = await connectedPair(t, dual, '127.0.0.1');
    assert.equal(viaV4.conn.remoteAddress, '::ffff:127.0.0.1');
    assert.equal(getDualMode(viaV4.conn), true, 'accepted from a dual-mode listener');
    assert.equal(getDualMode(viaV4.client), false, 'an IPv4 client socket');

    const viaV6 = await connectedPair(t, dual, '::1');
    assert.equal(getDualMode(viaV6.conn), true, 'accepted from a dual-mode listener');
    assert.equal(getDualMode(viaV6.client), systemDefaultDual, `an IPv6 client socket with bindv6only=${bindv6only}`);

    const toV6only = await connectedPair(t, v6only, '::1');
    assert.equal(getDualMode(toV6only.conn), false, 'accepted from an IPv6-only listener');
    assert.equal(getDualMode(toV6only.client), systemDefaultDual);
  },
);

// --- dgram -----------------------------------------------------------------

test(
  `a bound udp6 dgram socket follows net.ipv6.bindv6only (${bindv6only} here, so ${systemDefaultDual}), and that is what an IPv4 sender finds`,
  { skip: noHandOffs },
  async (t) => {
    const udp = await nodeUdp(t, 'udp6', 0);
    assert.equal(getDualMode(udp), systemDefaultDual);
    const v4 = await nodeUdp(t, 'udp4', 0, '127.0.0.1');
    const v6 = await nodeUdp(t, 'udp6', 0, '::1');
    const { port } = udp.address();
    assert.equal(await datagramArrives(udp, v6, port, '::1'), true, 'the IPv6 control datagram arrives');
    assert.equal(await datagramArrives(udp, v4, port, '127.0.0.1'), getDualMode(udp));
  },
);

test('a bound udp4 dgram socket is not dual-mode', { skip: noHandOffs }, async (t) => {
  const udp = await nodeUdp(t, 'udp4', 0, '127.0.0.1');
  assert.equal(getDualMode(udp), false);
});

test('a raw fd number gives the same answer as the Node object that owns it', { skip: noHandOffs }, async (t) => {
  const dual = await listening(t, { port: 0 });
  const v6only = await listening(t, { host: '::', port: 0, ipv6Only: true });
  const v4 = await listening(t, { host: '127.0.0.1', port: 0 });
  for (const server of [dual, v6only, v4]) {
    const fd = server._handle.fd;
    assert.ok(Number.isInteger(fd) && fd > 2, `fd ${fd}`);
    assert.equal(getDualMode(fd), getDualMode(server));
  }
  assert.deepEqual(
    [dual, v6only, v4].map((s) => getDualMode(s._handle.fd)),
    [true, false, false],
  );
  const udp6 = await nodeUdp(t, 'udp6', 0);
  const udp4 = await nodeUdp(t, 'udp4', 0, '127.0.0.1');
  assert.equal(getDualMode(dgramFd(udp6)), systemDefaultDual);
  assert.equal(getDualMode(dgramFd(udp4)), false);
});

test("a dualmode Socket's fd gives the same answer as socket.dualMode, in every configuration", (t) => {
  const make = [
    () => new Socket(SocketType.Stream, ProtocolType.Tcp),
    () => new Socket(SocketType.Dgram, ProtocolType.Udp),
    () => new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp),
    () => new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp),
    () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp),
    () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp),
  ];
  const seen = [];
  for (const create of make) {
    const socket = track(t, create());
    assert.equal(getDualMode(socket.fd), socket.dualMode);
    seen.push(getDualMode(socket.fd));
    if (socket.addressFamily === AddressFamily.InterNetworkV6) {
      socket.dualMode = !socket.dualMode;
      assert.equal(getDualMode(socket.fd), socket.dualMode, 'after switching');
      socket.dualMode = true;
      socket.bind({ address: '::1', port: 0 });
      assert.equal(getDualMode(socket.fd), socket.dualMode, 'after a bind to ::1');
    }
  }
  assert.deepEqual(seen, [true, true, false, false, false, false]);
});

// --- A host whose default is IPv6-only (net.ipv6.bindv6only=1) -------------

const fixture = path.join(__dirname, 'fixtures', 'getdualmode-bindv6only.js');
const script = ['ip link set lo up', 'sysctl -qw net.ipv6.bindv6only=1'].join(' && ');
const skip = noNamespace();
let facts;
let failure = 'the fixture did not run';

// A failing fixture fails the namespace tests only, not the whole file.
before(() => {
  if (skip) return;
  const run = inNamespace(script, fixture);
  if (run.status === 0) facts = JSON.parse(run.stdout);
  else failure = `fixture failed (status ${run.status}): ${run.stderr}${run.error ?? ''}`;
});

/** The facts the namespace fixture printed; fails the calling test when it did not run. */
function nsFacts() {
  assert.ok(facts, failure);
  return facts;
}

test('in a namespace with bindv6only=1, the setting is really 1 there and unchanged on the host', { skip }, () => {
  assert.equal(nsFacts().bindv6only, '1');
  assert.equal(String(hostBindv6only()), bindv6only);
});

test(
  "with bindv6only=1, Node's udp6 socket from bind(0) is IPv6-only, and IPv4 datagrams do not reach it",
  { skip },
  () => {
    const { nodeUdp6 } = nsFacts();
    assert.deepEqual(nodeUdp6, { dual: false, ipv6Arrives: true, ipv4Arrives: false, ipv4From: null });
  },
);

test(
  "with bindv6only=1, even dgram.createSocket({ type: 'udp6', ipv6Only: false }) is IPv6-only: Node cannot make a dual-mode UDP socket there",
  { skip },
  () => {
    const { nodeUdp6Ipv6OnlyFalse } = nsFacts();
    assert.deepEqual(nodeUdp6Ipv6OnlyFalse, { dual: false, ipv6Arrives: true, ipv4Arrives: false, ipv4From: null });
  },
);

test(
  'with bindv6only=1, new Socket(Dgram, Udp).toDgram() is dual-mode and receives an IPv4 datagram as ::ffff:127.0.0.1',
  { skip },
  () => {
    const { dualmodeToDgram } = nsFacts();
    assert.deepEqual(dualmodeToDgram, {
      dual: true,
      ipv6Arrives: true,
      ipv4Arrives: true,
      ipv4From: '::ffff:127.0.0.1',
    });
  },
);

test(
  "with bindv6only=1, Node's net.createServer().listen(0) is still dual-mode (libuv sets IPV6_V6ONLY explicitly for TCP)",
  { skip },
  () => {
    const { nodeTcpListen } = nsFacts();
    assert.deepEqual(nodeTcpListen, { dual: true, ipv4Reaches: true });
  },
);

// --- No deprecation warning ------------------------------------------------

test(
  'getDualMode() on a dgram socket emits no deprecation warning (no DEP0112), even under --throw-deprecation',
  { skip: noHandOffs },
  () => {
    const child = path.join(__dirname, 'fixtures', 'getdualmode-deprecation.js');
    const run = (mode) =>
      spawnSync(process.execPath, ['--throw-deprecation', child, mode], {
        encoding: 'utf8',
        timeout: 20000,
        cwd: path.join(__dirname, '..'),
      });
    const clean = run('getDualMode');
    assert.equal(clean.status, 0, `getDualMode() failed under --throw-deprecation: ${clean.stderr}`);
    assert.deepEqual(JSON.parse(clean.stdout), { dual: systemDefaultDual, warnings: [] });
    assert.doesNotMatch(clean.stderr, /DEP0112|DeprecationWarning/);
    // The control: reading the public _handle getter in the same way does throw
    // DEP0112, where Node still has it (it is gone from Node 26 on).
    const control = run('_handle');
    const major = Number(process.versions.node.split('.')[0]);
    if ('_handle' in dgram.Socket.prototype || major < 26) {
      assert.notEqual(control.status, 0, 'the control was expected to die of DEP0112');
      assert.match(control.stderr, /DEP0112/);
    } else {
      assert.equal(control.status, 0, control.stderr);
      assert.deepEqual(JSON.parse(control.stdout), { dual: 'no _handle', warnings: [] });
    }
  },
);

// --- Errors ----------------------------------------------------------------

test(
  'a target with no open OS socket throws ERR_SOCKET_CLOSED: a server not listening, a closed server, a destroyed net.Socket, an unbound or closed dgram socket',
  { skip: noHandOffs },
  async (t) => {
    const closed = coded(Error, 'ERR_SOCKET_CLOSED');
    assert.throws(() => getDualMode(net.createServer()), closed, 'a server not listening');

    const server = await listening(t, { port: 0 });
    const { client, conn } = await connectedPair(t, server, '::1');
    assert.equal(getDualMode(client), systemDefaultDual);
    client.destroy();
    assert.throws(() => getDualMode(client), closed, 'a destroyed client');
    conn.destroy();
    assert.throws(() => getDualMode(conn), closed, 'a destroyed accepted socket');
    assert.throws(() => getDualMode(new net.Socket()), closed, 'a net.Socket never connected');
    assert.equal(getDualMode(server), true);
    await withTimeout(new Promise((resolve) => server.close(resolve)), TIMEOUT, 'server.close()');
    assert.throws(() => getDualMode(server), closed, 'a closed server');

    const unbound = trackUdp(t, dgram.createSocket('udp6'));
    assert.throws(() => getDualMode(unbound), closed, 'a dgram socket not yet bound');
    const udp = await nodeUdp(t, 'udp6', 0);
    assert.equal(typeof getDualMode(udp), 'boolean');
    udp.close();
    assert.throws(() => getDualMode(udp), closed, 'a closed dgram socket');
  },
);

test('a target that is not a socket object or fd number throws TypeError ERR_INVALID_ARG_TYPE', () => {
  for (const value of [{}, 'x', null, undefined, 3n, true, [3]]) {
    assert.throws(() => getDualMode(value), coded(TypeError, 'ERR_INVALID_ARG_TYPE', /"target"/), String(value));
  }
  assert.throws(() => getDualMode(), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
});

test('an fd number that is negative or not an integer throws RangeError ERR_OUT_OF_RANGE', () => {
  for (const value of [-1, 1.5, NaN, 2 ** 31]) {
    assert.throws(() => getDualMode(value), coded(RangeError, 'ERR_OUT_OF_RANGE', /"target"/), String(value));
  }
});

test('a closed fd number throws SocketError EBADF', { skip: noFileDescriptors }, () => {
  const fd = fs.openSync(__filename, 'r');
  fs.closeSync(fd);
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' }, 'the number is free');
  assert.throws(() => getDualMode(fd), socketError('EBADF', 'getsockopt'));
});

test('a regular file fd throws SocketError ENOTSOCK', { skip: noFileDescriptors }, (t) => {
  const fd = fs.openSync(__filename, 'r');
  t.after(() => fs.closeSync(fd));
  assert.throws(() => getDualMode(fd), socketError('ENOTSOCK', 'getsockopt', { socketErrorCode: 'NotSocket' }));
});

test('a Unix-domain socket fd throws SocketError EAFNOSUPPORT', { skip: noFileDescriptors }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = await listening(t, path.join(dir, 'unix.sock'));
  const fd = server._handle.fd;
  assert.ok(fd > 2);
  assert.throws(
    () => getDualMode(fd),
    socketError('EAFNOSUPPORT', 'getsockopt', { message: /not an IPv4 or IPv6 socket/ }),
  );
  assert.throws(() => getDualMode(server), socketError('EAFNOSUPPORT', 'getsockopt'));
});
