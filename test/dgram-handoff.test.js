'use strict';
// toDgram(): the hand-off of a datagram Socket to Node's dgram, mirroring
// .NET's DualModeConnectionlessSendTo / DualModeConnectionlessReceiveFrom
// tests. Only loopback addresses are used.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const dgram = require('node:dgram');
const EventEmitter = require('node:events');
const path = require('node:path');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel,
  SocketOptionName,
  getDualMode,
  SocketError,
  platform,
} = require('dualmode');
const {
  checkSocketLeaks,
  track,
  socketError,
  coded,
  withTimeout,
  delay,
  fdTarget,
  linuxOnly,
  noHandOffs,
  noFdTable,
  testsNeeding,
  trackUdp,
} = require('./helpers');

checkSocketLeaks();
const test = testsNeeding(noHandOffs);
const testFds = testsNeeding(noHandOffs || noFdTable); // these read /proc/self/fd too

const TIMEOUT = 3000; // every wait for something that should happen
const QUIET = 150; // how long "nothing arrives" is watched, after a later datagram did arrive

const dualUdp = (t) => track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
const v6Udp = (t) => track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
const v4Udp = (t) => track(t, new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));

/** Hands `socket` to dgram and registers the result for teardown. */
const handOff = (t, socket, options) => trackUdp(t, socket.toDgram(options));

/** A plain Node dgram socket of `type` bound to address:0, once it is listening. */
async function nodeUdp(t, type, address, options = {}) {
  const udp = trackUdp(t, dgram.createSocket({ type, ...options }));
  await withTimeout(
    new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, address, () => {
        udp.off('error', reject);
        resolve();
      });
    }),
    TIMEOUT,
    `bind ${type} ${address}`,
  );
  return udp;
}

/** Sends and resolves when the send callback reports success; rejects with its error. */
function send(udp, text, port, address) {
  return withTimeout(
    new Promise((resolve, reject) => udp.send(text, port, address, (err) => (err ? reject(err) : resolve()))),
    TIMEOUT,
    `send "${text}" to ${address}`,
  );
}

/** Records every datagram `udp` receives; `next(text)` waits (bounded) for the one with that payload. */
function inbox(udp) {
  const received = [];
  const waiters = new Set();
  udp.on('message', (msg, rinfo) => {
    received.push({ text: msg.toString(), rinfo });
    for (const wake of waiters) wake();
  });
  return {
    received,
    has: (text) => received.some((m) => m.text === text),
    next(text, ms = TIMEOUT) {
      let check;
      const arrived = new Promise((resolve) => {
        check = () => {
          const found = received.find((m) => m.text === text);
          if (found) resolve(found.rinfo);
        };
        waiters.add(check);
        check();
      });
      return withTimeout(arrived, ms, `datagram "${text}"`).finally(() => waiters.delete(check));
    },
  };
}

/** The fd inside a dgram socket: Node keeps its handle behind the 'state symbol' (read here on its own, as src/node-internals.ts reads it). */
function dgramFd(udp) {
  const symbol = Object.getOwnPropertySymbols(udp).find((s) => s.description === 'state symbol');
  assert.ok(symbol, "Node's dgram state symbol is where src/node-internals.ts expects it");
  return udp[symbol].handle.fd;
}

/** SO_REUSEADDR of `fd`, read through a Socket that adopts it and then gives it back (never closes it). */
function reuseAddressOf(t, fd) {
  const adopted = track(t, Socket.fromFd(fd));
  try {
    // Raw: (Socket, ReuseAddress) reads SO_REUSEPORT, as .NET does on Unix.
    const buf = new Uint8Array(4);
    adopted.getRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, buf);
    return new DataView(buf.buffer).getInt32(0, true);
  } finally {
    adopted.detach();
  }
}

/** Binds a plain Node dgram socket to `port`; resolves 'listening' or the bind error's code. */
function tryBind(t, options, port, address) {
  const udp = trackUdp(t, dgram.createSocket(options));
  return withTimeout(
    new Promise((resolve) => {
      udp.once('error', (err) => resolve(err.code));
      udp.bind(port, address, () => resolve('listening'));
    }),
    TIMEOUT,
    `bind to port ${port}`,
  );
}

// --- What toDgram() returns ------------------------------------------------

test('toDgram() on an unbound dual-mode socket returns a udp6 dgram.Socket already bound to [::]:port; its "listening" was emitted inside the call, so callers must not wait for it', async (t) => {
  const socket = dualUdp(t);
  assert.equal(socket.isBound, false);
  const emitted = [];
  // Record the events emitted while toDgram() runs: shadow EventEmitter's emit
  // on dgram.Socket.prototype for the duration of the call only.
  assert.equal(Object.hasOwn(dgram.Socket.prototype, 'emit'), false);
  dgram.Socket.prototype.emit = function emit(name, ...args) {
    emitted.push(name);
    return EventEmitter.prototype.emit.call(this, name, ...args);
  };
  let udp;
  try {
    udp = handOff(t, socket);
  } finally {
    delete dgram.Socket.prototype.emit;
  }
  assert.ok(udp instanceof dgram.Socket);
  assert.equal(udp.type, 'udp6');
  assert.deepEqual(emitted, ['listening'], "'listening' was emitted synchronously, before toDgram() returned");
  const address = udp.address(); // throws ERR_SOCKET_DGRAM_NOT_RUNNING unless bound
  assert.equal(address.address, '::');
  assert.equal(address.family, 'IPv6');
  assert.ok(Number.isInteger(address.port) && address.port > 0, `port ${address.port}`);
  assert.equal(getDualMode(udp), true, 'dual mode survived the hand-off');

  // A listener attached after the call is never called: nobody may wait for it.
  let lateListening = false;
  udp.once('listening', () => (lateListening = true));
  await delay(QUIET);
  assert.equal(lateListening, false);
});

testFds(
  'after toDgram() the Socket is detached: its members throw ERR_SOCKET_DETACHED naming the dgram.Socket, and close() does nothing',
  async (t) => {
    const socket = dualUdp(t);
    const fd = socket.fd;
    const target = fdTarget(fd);
    const udp = handOff(t, socket);
    assert.equal(dgramFd(udp), fd, 'the dgram socket owns that very descriptor');
    const detached = coded(Error, 'ERR_SOCKET_DETACHED', /dgram\.Socket/);
    assert.throws(() => socket.fd, detached);
    assert.throws(() => socket.dualMode, detached);
    assert.throws(() => socket.localEndPoint, detached);
    assert.throws(() => socket.toDgram(), detached);
    assert.throws(() => socket.detach(), detached);
    assert.equal(socket.closed, false);
    assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
    assert.doesNotThrow(() => socket.close());
    assert.equal(fdTarget(fd), target, "the Socket's close() left the dgram socket's descriptor open");
    const box = inbox(udp);
    await send(udp, 'still mine', udp.address().port, '::1');
    await box.next('still mine');
  },
);

test('toDgram() on an IPv4 socket returns a udp4 dgram.Socket bound to 0.0.0.0', (t) => {
  const udp = handOff(t, v4Udp(t));
  assert.equal(udp.type, 'udp4');
  const address = udp.address();
  assert.equal(address.address, '0.0.0.0');
  assert.equal(address.family, 'IPv4');
  assert.ok(address.port > 0);
  assert.equal(getDualMode(udp), false);
});

test('toDgram() on an IPv6 socket with dual mode off returns a udp6 dgram.Socket bound to [::]:port that stays IPv6-only', (t) => {
  const udp = handOff(t, v6Udp(t));
  assert.equal(udp.type, 'udp6');
  assert.equal(udp.address().address, '::');
  assert.equal(getDualMode(udp), false);
});

// --- SendTo ----------------------------------------------------------------

test("Node's own udp6 socket cannot send to 127.0.0.1 (EINVAL): the gap toDgram()'s address mapping fills", async (t) => {
  const plain = await nodeUdp(t, 'udp6', '::');
  await assert.rejects(send(plain, 'plain', 9, '127.0.0.1'), (err) => {
    assert.equal(err.code, 'EINVAL');
    assert.equal(err.syscall, 'send');
    return true;
  });
});

test('a dual-mode dgram socket sends to 127.0.0.1 and an IPv4 host receives it (SendToV4IPEndPointToV4Host_Success)', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const server = await nodeUdp(t, 'udp4', '127.0.0.1');
  const box = inbox(server);
  await send(udp, 'to v4 host', server.address().port, '127.0.0.1');
  const rinfo = await box.next('to v4 host');
  assert.equal(rinfo.address, '127.0.0.1');
  assert.equal(rinfo.family, 'IPv4');
  assert.equal(rinfo.port, udp.address().port);
});

test('a dual-mode dgram socket sends to ::1 and an IPv6 host receives it (SendToV6IPEndPointToV6Host_Success)', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const server = await nodeUdp(t, 'udp6', '::1');
  const box = inbox(server);
  await send(udp, 'to v6 host', server.address().port, '::1');
  const rinfo = await box.next('to v6 host');
  assert.equal(rinfo.address, '::1');
  assert.equal(rinfo.port, udp.address().port);
});

test('a dual-mode dgram socket reaches a dual-mode host on :: at 127.0.0.1 and at ::1 (SendToV4IPEndPointToDualHost_Success, SendToV6IPEndPointToDualHost_Success)', async (t) => {
  const client = handOff(t, dualUdp(t));
  const server = handOff(t, dualUdp(t));
  const box = inbox(server);
  const { port } = server.address();
  await send(client, 'via v4', port, '127.0.0.1');
  await send(client, 'via v6', port, '::1');
  const v4 = await box.next('via v4');
  const v6 = await box.next('via v6');
  assert.equal(v4.address, '::ffff:127.0.0.1');
  assert.equal(v4.family, 'IPv6');
  assert.equal(v4.port, client.address().port);
  assert.equal(v6.address, '::1');
  assert.equal(v6.port, client.address().port);
});

test('an IPv6 dgram socket with dual mode off refuses 127.0.0.1: the send callback gets a SocketError EAFNOSUPPORT that names dualMode (Socket_SendToV4IPEndPointToV4Host_Throws)', async (t) => {
  const udp = handOff(t, v6Udp(t));
  const server = await nodeUdp(t, 'udp4', '127.0.0.1');
  const box = inbox(server);
  await assert.rejects(
    send(udp, 'refused', server.address().port, '127.0.0.1'),
    socketError('EAFNOSUPPORT', 'send', {
      address: '127.0.0.1',
      socketErrorCode: 'AddressFamilyNotSupported',
      message: /dualMode/,
    }),
  );
  // The socket is still usable for IPv6 afterwards.
  const v6 = await nodeUdp(t, 'udp6', '::1');
  const v6box = inbox(v6);
  await send(udp, 'after refusal', v6.address().port, '::1');
  await v6box.next('after refusal');
  assert.equal(box.has('refused'), false);
});

test('without a send callback, the EAFNOSUPPORT of an IPv4 destination on an IPv6-only dgram socket arrives as an "error" event', async (t) => {
  const udp = handOff(t, v6Udp(t));
  const errored = withTimeout(
    EventEmitter.once(udp, 'error').then(([err]) => err),
    TIMEOUT,
    "'error' event",
  );
  udp.send('no callback', 9, '127.0.0.1');
  const err = await errored;
  socketError('EAFNOSUPPORT', 'send', { address: '127.0.0.1', message: /dualMode/ })(err);
});

test('an IPv6-only dgram socket on :: is not reached by an IPv4 sender, while an IPv6 sender reaches it (SendToV4IPEndPointToV6Host_NotReceived)', async (t) => {
  const udp = handOff(t, v6Udp(t));
  const box = inbox(udp);
  const { port } = udp.address();
  const v4 = await nodeUdp(t, 'udp4', '127.0.0.1');
  const v6 = await nodeUdp(t, 'udp6', '::1');
  await send(v4, 'v4 sender', port, '127.0.0.1');
  await send(v6, 'v6 sender', port, '::1');
  await box.next('v6 sender');
  await delay(QUIET);
  assert.equal(box.has('v4 sender'), false, 'an IPv4 datagram reached an IPv6-only socket');
});

// --- ReceiveFrom -----------------------------------------------------------

test('a dual-mode dgram socket on :: receives an IPv4 sender as ::ffff:127.0.0.1, family IPv6 (ReceiveFromV4BoundToAnyV6_Success)', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const box = inbox(udp);
  const sender = await nodeUdp(t, 'udp4', '127.0.0.1');
  await send(sender, 'from v4', udp.address().port, '127.0.0.1');
  const rinfo = await box.next('from v4');
  assert.equal(rinfo.address, '::ffff:127.0.0.1');
  assert.equal(rinfo.family, 'IPv6');
  assert.equal(rinfo.port, sender.address().port);
});

test('a dual-mode dgram socket on :: receives an IPv6 sender as ::1 (ReceiveFromV6BoundToAnyV6_Success)', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const box = inbox(udp);
  const sender = await nodeUdp(t, 'udp6', '::1');
  await send(sender, 'from v6', udp.address().port, '::1');
  const rinfo = await box.next('from v6');
  assert.equal(rinfo.address, '::1');
  assert.equal(rinfo.family, 'IPv6');
  assert.equal(rinfo.port, sender.address().port);
});

test(
  'a dual-mode socket bound to ::1 before toDgram() is IPv6-only on Linux: IPv4 datagrams do not arrive and sends to IPv4 fail (ReceiveFromV4BoundToSpecificV6_NotReceived_Linux)',
  { skip: linuxOnly('the kernel clears dual mode on a specific IPv6 bind') },
  async (t) => {
    const socket = dualUdp(t);
    assert.equal(socket.dualMode, true);
    socket.bind({ address: '::1', port: 0 });
    assert.equal(socket.dualMode, false, 'the kernel set IPV6_V6ONLY when the socket was bound to ::1');
    const udp = handOff(t, socket);
    assert.equal(udp.address().address, '::1');
    assert.equal(getDualMode(udp), false);
    const box = inbox(udp);
    const { port } = udp.address();
    const v4 = await nodeUdp(t, 'udp4', '127.0.0.1');
    const v6 = await nodeUdp(t, 'udp6', '::1');
    await send(v4, 'v4 to ::1 socket', port, '127.0.0.1');
    await send(v6, 'v6 to ::1 socket', port, '::1');
    await box.next('v6 to ::1 socket');
    await delay(QUIET);
    assert.equal(box.has('v4 to ::1 socket'), false);

    // An IPv4 literal is refused because the kernel says the socket is IPv6-only ...
    await assert.rejects(send(udp, 'x', v4.address().port, '127.0.0.1'), socketError('EAFNOSUPPORT', 'send'));
    // ... and the kernel itself refuses the mapped form from an IPv6-only socket.
    await assert.rejects(send(udp, 'x', v4.address().port, '::ffff:127.0.0.1'), (err) => {
      assert.equal(err.code, 'ENETUNREACH');
      return true;
    });
  },
);

test('a dual-mode socket bound to 127.0.0.1 before toDgram() sits on ::ffff:127.0.0.1 and talks with IPv4 peers (ReceiveFromV4BoundToSpecificV4_Success)', async (t) => {
  const socket = dualUdp(t);
  socket.bind({ address: '127.0.0.1', port: 0 });
  const bound = socket.localEndPoint;
  const udp = handOff(t, socket);
  assert.deepEqual(udp.address(), { address: '::ffff:127.0.0.1', family: 'IPv6', port: bound.port });
  assert.equal(getDualMode(udp), true);
  const box = inbox(udp);
  const peer = await nodeUdp(t, 'udp4', '127.0.0.1');
  const peerBox = inbox(peer);
  await send(peer, 'hello', bound.port, '127.0.0.1');
  const rinfo = await box.next('hello');
  assert.equal(rinfo.address, '::ffff:127.0.0.1');
  assert.equal(rinfo.port, peer.address().port);
  await send(udp, 'reply', rinfo.port, '127.0.0.1');
  const back = await peerBox.next('reply');
  assert.equal(back.address, '127.0.0.1');
  assert.equal(back.port, bound.port);
});

test('a dual-mode socket bound to 0.0.0.0 before toDgram() (::ffff:0.0.0.0) receives IPv4 but not IPv6 (ReceiveFromV4BoundToAnyV4_Success, ReceiveFromV6BoundToAnyV4_NotReceived)', async (t) => {
  const socket = dualUdp(t);
  socket.bind({ address: '0.0.0.0', port: 0 });
  const udp = handOff(t, socket);
  assert.equal(udp.address().address, '::ffff:0.0.0.0');
  const box = inbox(udp);
  const { port } = udp.address();
  const v4 = await nodeUdp(t, 'udp4', '127.0.0.1');
  const v6 = await nodeUdp(t, 'udp6', '::1');
  await send(v6, 'v6 to v4-any', port, '::1');
  await send(v4, 'v4 to v4-any', port, '127.0.0.1');
  const rinfo = await box.next('v4 to v4-any');
  assert.equal(rinfo.address, '::ffff:127.0.0.1');
  await delay(QUIET);
  assert.equal(box.has('v6 to v4-any'), false);
});

test('connect() on a dual-mode dgram socket to 127.0.0.1 maps the address: remoteAddress() is ::ffff:127.0.0.1 and send() without an address reaches the IPv4 peer', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const peer = await nodeUdp(t, 'udp4', '127.0.0.1');
  const box = inbox(peer);
  const peerPort = peer.address().port;
  await withTimeout(
    new Promise((resolve, reject) => udp.connect(peerPort, '127.0.0.1', (err) => (err ? reject(err) : resolve()))),
    TIMEOUT,
    'connect',
  );
  assert.deepEqual(udp.remoteAddress(), { address: '::ffff:127.0.0.1', family: 'IPv6', port: peerPort });
  await withTimeout(
    new Promise((resolve, reject) => udp.send('connected', (err) => (err ? reject(err) : resolve()))),
    TIMEOUT,
    'send on a connected socket',
  );
  const rinfo = await box.next('connected');
  assert.equal(rinfo.port, udp.address().port);
});

test('connect() on an IPv6-only dgram socket to 127.0.0.1 fails with EAFNOSUPPORT', async (t) => {
  const udp = handOff(t, v6Udp(t));
  const err = await withTimeout(new Promise((resolve) => udp.connect(9, '127.0.0.1', resolve)), TIMEOUT, 'connect');
  assert.ok(err, 'connect reported an error');
  const { SocketError } = require('dualmode');
  assert.ok(err instanceof SocketError, String(err && err.stack));
  assert.equal(err.code, 'EAFNOSUPPORT');
  assert.equal(err.address, '127.0.0.1');
  assert.match(err.message, /dualMode/);
  assert.throws(() => udp.remoteAddress(), coded(Error, 'ERR_SOCKET_DGRAM_NOT_CONNECTED'));
});

// --- SO_REUSEADDR ----------------------------------------------------------

testFds(
  "toDgram() puts SO_REUSEADDR back to 0 after Node's uv_udp_open turned it on, so no other socket can share the port",
  async (t) => {
    const socket = dualUdp(t);
    assert.equal(socket.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress), 0);
    const fd = socket.fd;
    const udp = handOff(t, socket);
    assert.equal(dgramFd(udp), fd);
    assert.equal(reuseAddressOf(t, fd), 0);
    assert.ok(fdTarget(fd), 'reading the option left the descriptor open');
    const { port } = udp.address();
    // A second socket that asks for SO_REUSEADDR itself would share the port if
    // the first one still had it on; a plain one never can.
    assert.equal(await tryBind(t, { type: 'udp6', reuseAddr: true }, port, '::'), 'EADDRINUSE');
    assert.equal(await tryBind(t, { type: 'udp6' }, port, '::'), 'EADDRINUSE');
    // The dgram socket still works after all this.
    const box = inbox(udp);
    await send(udp, 'alive', port, '127.0.0.1');
    await box.next('alive');
  },
);

test('a ReuseAddress set to 1 before toDgram() stays 1, and then a reuseAddr socket may share the port', async (t) => {
  const socket = dualUdp(t);
  socket.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, 1);
  const fd = socket.fd;
  const udp = handOff(t, socket);
  assert.equal(reuseAddressOf(t, fd), 1);
  assert.equal(await tryBind(t, { type: 'udp6', reuseAddr: true }, udp.address().port, '::'), 'listening');
});

// --- Options ---------------------------------------------------------------

test('toDgram({ recvBufferSize, sendBufferSize }) applies them as dgram.createSocket() does', async (t) => {
  const plainDefault = await nodeUdp(t, 'udp6', '::');
  const plainSized = await nodeUdp(t, 'udp6', '::', { recvBufferSize: 65536, sendBufferSize: 65536 });
  assert.notEqual(
    plainSized.getRecvBufferSize(),
    plainDefault.getRecvBufferSize(),
    'the size chosen differs from the default',
  );
  assert.notEqual(
    plainSized.getSendBufferSize(),
    plainDefault.getSendBufferSize(),
    'the size chosen differs from the default',
  );
  const udp = handOff(t, dualUdp(t), { recvBufferSize: 65536, sendBufferSize: 65536 });
  assert.ok(udp.getRecvBufferSize() >= 65536);
  assert.equal(udp.getRecvBufferSize(), plainSized.getRecvBufferSize());
  assert.equal(udp.getSendBufferSize(), plainSized.getSendBufferSize());
});

test('invalid toDgram() options throw before the hand-off and leave the Socket open, unbound and not detached', (t) => {
  const socket = dualUdp(t);
  const fd = socket.fd;
  const cases = [
    ['x', TypeError, 'ERR_INVALID_ARG_TYPE', /"options" argument/],
    [null, TypeError, 'ERR_INVALID_ARG_TYPE', /"options" argument/],
    [{ recvBufferSize: -1 }, RangeError, 'ERR_OUT_OF_RANGE', /options\.recvBufferSize/],
    [{ sendBufferSize: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE', /options\.sendBufferSize/],
    [{ recvBufferSize: '65536' }, TypeError, 'ERR_INVALID_ARG_TYPE', /options\.recvBufferSize/],
    [{ lookup: 5 }, TypeError, 'ERR_INVALID_ARG_TYPE', /options\.lookup/],
  ];
  for (const [options, Class, code, message] of cases) {
    assert.throws(() => socket.toDgram(options), coded(Class, code, message), `options ${String(options)}`);
    assert.equal(socket.closed, false);
    assert.equal(socket.fd, fd, 'still owned, not detached');
    assert.equal(socket.isBound, false, 'the throw came before the wildcard bind');
    assert.equal(socket.dualMode, true);
  }
  const udp = handOff(t, socket);
  assert.equal(dgramFd(udp), fd, 'and it can still be handed off');
});

test('a custom lookup resolves host names for send(), and its IPv4 answer is mapped on a dual-mode socket', async (t) => {
  const calls = [];
  const answers = { 'v4-peer.test': ['127.0.0.1', 4], 'v6-peer.test': ['::1', 6] };
  const lookup = (hostname, options, callback) => {
    calls.push(hostname);
    const answer = answers[hostname];
    if (answer) callback(null, ...answer);
    else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  };
  const udp = handOff(t, dualUdp(t), { lookup });
  const v4 = await nodeUdp(t, 'udp4', '127.0.0.1');
  const v6 = await nodeUdp(t, 'udp6', '::1');
  const v4box = inbox(v4);
  const v6box = inbox(v6);
  await send(udp, 'by name v4', v4.address().port, 'v4-peer.test');
  await send(udp, 'by name v6', v6.address().port, 'v6-peer.test');
  assert.equal((await v4box.next('by name v4')).port, udp.address().port);
  assert.equal((await v6box.next('by name v6')).port, udp.address().port);
  await assert.rejects(send(udp, 'nowhere', 9, 'missing.test'), { code: 'ENOTFOUND' });
  assert.deepEqual(calls, ['v4-peer.test', 'v6-peer.test', 'missing.test']);
});

test("a custom lookup's IPv4 answer on an IPv6-only dgram socket is refused with EAFNOSUPPORT", async (t) => {
  const lookup = (hostname, options, callback) => callback(null, '127.0.0.1', 4);
  const udp = handOff(t, v6Udp(t), { lookup });
  await assert.rejects(send(udp, 'x', 9, 'v4-peer.test'), socketError('EAFNOSUPPORT', 'send', { message: /dualMode/ }));
});

// --- Wrong type, closed, ownership -----------------------------------------

test('toDgram() on a stream socket throws ERR_SOCKET_BAD_TYPE and leaves the Socket open and usable', (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  const fd = socket.fd;
  assert.throws(
    () => socket.toDgram(),
    (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.code, 'ERR_SOCKET_BAD_TYPE');
      assert.match(err.message, /datagram/);
      return true;
    },
  );
  assert.equal(socket.closed, false);
  assert.equal(socket.fd, fd);
  assert.equal(socket.isBound, false);
  socket.bind({ address: '::1', port: 0 });
  socket.listen();
  assert.ok(socket.localEndPoint.port > 0);
});

test('toDgram() after close() throws ERR_SOCKET_CLOSED', (t) => {
  const socket = dualUdp(t);
  socket.close();
  assert.throws(() => socket.toDgram(), coded(Error, 'ERR_SOCKET_CLOSED'));
  assert.throws(() => socket.toDgram({ recvBufferSize: 65536 }), coded(Error, 'ERR_SOCKET_CLOSED'));
});

testFds(
  "udp.close() closes the handed-off descriptor, once: the Socket's close() afterwards touches nothing, not even a new socket that reuses the number",
  async (t) => {
    const socket = dualUdp(t);
    const fd = socket.fd;
    const target = fdTarget(fd);
    assert.match(target, /^socket:/);
    const udp = handOff(t, socket);
    await withTimeout(new Promise((resolve) => udp.close(resolve)), TIMEOUT, 'udp.close()');
    assert.notEqual(fdTarget(fd), target, 'the descriptor was closed by udp.close()');
    // The lowest free number is usually handed out next: likely the same fd.
    const fresh = dualUdp(t);
    const freshTarget = fdTarget(fresh.fd);
    socket.close();
    assert.equal(fdTarget(fresh.fd), freshTarget, 'a new socket survived the old Socket.close()');
    assert.equal(fresh.dualMode, true);
    if (fresh.fd !== fd) t.diagnostic(`the new socket got fd ${fresh.fd}, not ${fd}: the reuse case did not arise`);
  },
);

test('toDgram() on a Socket whose descriptor is 0 hands over that very socket or throws leaving it open, never a different socket (Node ignores bind({ fd: 0 }))', () => {
  const fixture = path.join(__dirname, 'fixtures', 'dgram-fd0.js');
  const run = spawnSync(process.execPath, [fixture], {
    encoding: 'utf8',
    timeout: 20000,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  assert.equal(run.status, 0, `fixture failed: ${run.stderr}${run.error ?? ''}`);
  const facts = JSON.parse(run.stdout);
  assert.equal(facts.socketFd, 0, 'the fixture made a Socket on fd 0');
  if (facts.threw !== null) {
    assert.equal(
      facts.socketStillOwnsFd0,
      true,
      `toDgram() threw ${facts.threw} and must leave the Socket owning fd 0`,
    );
  } else {
    assert.equal(facts.udpPort, facts.boundPort, 'the dgram socket is the very socket the Socket had bound');
    assert.equal(facts.fd0OpenAfterUdpClose, false, 'udp.close() released fd 0');
  }
});

// --- Volume ----------------------------------------------------------------

test('1000 datagrams from IPv4 and IPv6 senders (500 each) all reach one dual-mode dgram socket on loopback, at least 99 % of them, within 20 s', async (t) => {
  const udp = handOff(t, dualUdp(t));
  const { port } = udp.address();
  const counts = { '::ffff:127.0.0.1': 0, '::1': 0 };
  const others = [];
  let total = 0;
  let wake = null;
  udp.on('message', (msg, rinfo) => {
    if (rinfo.address in counts) counts[rinfo.address]++;
    else others.push(rinfo.address);
    total++;
    wake?.();
  });
  const v4 = await nodeUdp(t, 'udp4', '127.0.0.1');
  const v6 = await nodeUdp(t, 'udp6', '::1');
  const deadline = Date.now() + 20000;
  /** Waits until `count` datagrams have arrived or `ms` passed (never past the deadline). */
  const arrivals = async (count, ms) => {
    const until = Math.min(deadline, Date.now() + ms);
    while (total < count && Date.now() < until) {
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
    }
    wake = null;
  };
  // Batches of 50 (25 per family), each awaited (bounded) before the next, so
  // that the receive buffer is never the reason for a loss.
  for (let batch = 0; batch < 20; batch++) {
    const sends = [];
    for (let i = 0; i < 25; i++) {
      sends.push(send(v4, `v4 ${batch} ${i}`, port, '127.0.0.1'));
      sends.push(send(v6, `v6 ${batch} ${i}`, port, '::1'));
    }
    await Promise.all(sends);
    await arrivals((batch + 1) * 50, 1000);
    assert.ok(Date.now() < deadline, `1000 datagrams took more than 20 s (${total} received so far)`);
  }
  await arrivals(1000, 2000); // stragglers of the last batch
  assert.deepEqual(others, [], 'datagrams came only from ::ffff:127.0.0.1 and ::1');
  assert.ok(counts['::ffff:127.0.0.1'] >= 495, `IPv4 datagrams received: ${counts['::ffff:127.0.0.1']} of 500`);
  assert.ok(counts['::1'] >= 495, `IPv6 datagrams received: ${counts['::1']} of 500`);
  assert.ok(total >= 990 && total <= 1000, `received ${total} of 1000`);
});

test('an IPv4 toDgram() socket refuses an IPv6 destination with SocketError EAFNOSUPPORT, as bind and connect do', async (t) => {
  const socket = track(t, new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
  const udp = socket.toDgram();
  t.after(() => udp.close());
  const err = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no send callback within 5 s')), 5000);
    udp.send('x', 9, '::1', (e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
  assert.ok(err instanceof SocketError, String(err));
  assert.equal(err.code, 'EAFNOSUPPORT');
  assert.match(err.message, /an IPv4 socket cannot reach an IPv6 address/);
});
