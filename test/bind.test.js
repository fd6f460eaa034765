'use strict';
// bind(), listen() and the endpoints, mirroring .NET's DualModeBind tests.
const assert = require('node:assert/strict');
const net = require('node:net');
const { test } = require('node:test');
const { Socket, AddressFamily, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks, track, socketError, reaches, noFileDescriptors } = require('./helpers');

checkSocketLeaks();

const dualTcp = (t) => track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
const v6Tcp = (t) => track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
const v4Tcp = (t) => track(t, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

test('a dual-mode socket binds an IPv4 address as ::ffff:a.b.c.d (Socket_BindV4IPEndPoint_Success)', (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '127.0.0.1', port: 0 });
  const local = socket.localEndPoint;
  assert.equal(local.address, '::ffff:127.0.0.1');
  assert.equal(local.family, 'IPv6');
  assert.ok(local.port > 0);
  assert.equal(socket.isBound, true);
});

test('a dual-mode socket binds an IPv4-mapped address as given (Socket_BindMappedV4IPEndPoint_Success)', (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::ffff:127.0.0.1', port: 0 });
  assert.equal(socket.localEndPoint.address, '::ffff:127.0.0.1');
});

test('an IPv6 socket binds an IPv6 address (Socket_BindV6IPEndPoint_Success)', (t) => {
  const socket = v6Tcp(t);
  socket.bind({ address: '::1', port: 0 });
  assert.deepEqual(Object.keys(socket.localEndPoint), ['address', 'family', 'port']);
  assert.equal(socket.localEndPoint.address, '::1');
  assert.equal(socket.localEndPoint.family, 'IPv6');
});

test('an IPv6 socket with dual mode off refuses an IPv4 address with EAFNOSUPPORT and stays as it was (Socket_BindV4IPEndPoint_Throws)', (t) => {
  const socket = v6Tcp(t);
  assert.throws(
    () => socket.bind({ address: '127.0.0.1', port: 4242 }),
    socketError('EAFNOSUPPORT', 'bind', {
      address: '127.0.0.1',
      port: 4242,
      socketErrorCode: 'AddressFamilyNotSupported',
      message: /^bind EAFNOSUPPORT: address family not supported 127\.0\.0\.1:4242 \(.*dualMode = true/,
    }),
  );
  assert.equal(socket.closed, false);
  assert.equal(socket.isBound, false);
  assert.equal(socket.localEndPoint, null);
  assert.equal(socket.dualMode, false);
  socket.bind({ address: '::1', port: 0 });
  assert.equal(socket.isBound, true);
});

test('an IPv4 socket refuses an IPv6 address with EAFNOSUPPORT', (t) => {
  const socket = v4Tcp(t);
  for (const address of ['::1', '::ffff:127.0.0.1', '::']) {
    assert.throws(() => socket.bind({ address, port: 0 }), socketError('EAFNOSUPPORT', 'bind', { address }));
  }
  assert.equal(socket.isBound, false);
  socket.bind({ address: '127.0.0.1', port: 0 });
  assert.equal(socket.localEndPoint.family, 'IPv4');
  assert.equal(socket.localEndPoint.address, '127.0.0.1');
});

test('a bind the kernel refuses is a SocketError in Node form: "bind EADDRINUSE: address already in use [::1]:port"', (t) => {
  const first = dualTcp(t);
  first.bind({ address: '::1', port: 0 });
  first.listen();
  const { port } = first.localEndPoint;
  const second = dualTcp(t);
  assert.throws(
    () => second.bind({ address: '::1', port }),
    socketError('EADDRINUSE', 'bind', {
      message: `bind EADDRINUSE: address already in use [::1]:${port}`,
      address: '::1',
      port,
      socketErrorCode: 'AddressAlreadyInUse',
    }),
  );
  assert.equal(second.isBound, false, 'a failed bind leaves the socket unbound');
  assert.equal(second.dualMode, true, 'and its options unchanged');
});

test('a dual-mode socket on :: and an IPv4 socket on 0.0.0.0 conflict on one port', (t) => {
  const dual = dualTcp(t);
  dual.bind({ address: '::', port: 0 });
  dual.listen();
  const { port } = dual.localEndPoint;
  assert.throws(() => v4Tcp(t).bind({ address: '0.0.0.0', port }), socketError('EADDRINUSE', 'bind'));
});

test('a dual-mode listener on :: accepts IPv4 and IPv6 clients', async (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::', port: 0 });
  socket.listen();
  const { port } = socket.localEndPoint;
  assert.equal(await reaches('127.0.0.1', port), true);
  assert.equal(await reaches('::1', port), true);
});

test('a dual-mode listener bound to 0.0.0.0 is on ::ffff:0.0.0.0 and accepts IPv4 only (AcceptV6BoundToAnyV4_CantConnect)', async (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '0.0.0.0', port: 0 });
  socket.listen();
  assert.equal(socket.localEndPoint.address, '::ffff:0.0.0.0');
  const { port } = socket.localEndPoint;
  assert.equal(await reaches('127.0.0.1', port), true);
  assert.equal(await reaches('::1', port), false);
});

test('an IPv6-only listener on :: refuses IPv4 clients', async (t) => {
  const socket = v6Tcp(t);
  socket.bind({ address: '::', port: 0 });
  socket.listen();
  const { port } = socket.localEndPoint;
  assert.equal(await reaches('::1', port), true);
  assert.equal(await reaches('127.0.0.1', port), false);
});

test('a dual-mode socket bound to ::1 is IPv6-only on Linux: IPv4 clients are refused', async (t) => {
  const socket = dualTcp(t);
  socket.bind({ address: '::1', port: 0 });
  socket.listen();
  assert.equal(socket.dualMode, false);
  assert.equal(await reaches('127.0.0.1', socket.localEndPoint.port), false);
});

test('listen() on an unbound socket lets the kernel bind it: isBound and localEndPoint follow getsockname', (t) => {
  const socket = dualTcp(t);
  assert.equal(socket.isBound, false);
  assert.equal(socket.localEndPoint, null);
  socket.listen();
  assert.equal(socket.isBound, true);
  assert.equal(socket.localEndPoint.address, '::');
  assert.ok(socket.localEndPoint.port > 0);
});

test('listen(backlog) passes the backlog to the kernel, and a datagram socket cannot listen', (t) => {
  const stream = dualTcp(t);
  stream.bind({ address: '::1', port: 0 });
  stream.listen(0);
  const dgram = track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
  assert.throws(() => dgram.listen(), socketError('ENOTSUP', 'listen', { socketErrorCode: 'OperationNotSupported' }));
});

test('remoteEndPoint is null while not connected', (t) => {
  const socket = dualTcp(t);
  assert.equal(socket.remoteEndPoint, null);
  socket.bind({ address: '::', port: 0 });
  socket.listen();
  assert.equal(socket.remoteEndPoint, null);
});

test(
  'remoteEndPoint of a connection from an IPv4 peer to a dual listener is ::ffff:127.0.0.1, never converted back',
  { skip: noFileDescriptors },
  async (t) => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen({ host: '::', port: 0, ipv6Only: false }, resolve));
    const accepted = new Promise((resolve) => server.once('connection', resolve));
    const client = net.connect({ host: '127.0.0.1', port: server.address().port });
    const peer = await accepted;
    t.after(async () => {
      client.destroy();
      peer.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    // Read Node's accepted socket through a Socket, then give the fd back.
    const view = Socket.fromFd(peer._handle.fd);
    try {
      assert.equal(view.addressFamily, AddressFamily.InterNetworkV6);
      assert.equal(view.remoteEndPoint.address, '::ffff:127.0.0.1');
      assert.equal(view.remoteEndPoint.family, 'IPv6');
      assert.equal(view.remoteEndPoint.port, client.localPort);
      assert.equal(view.localEndPoint.address, '::ffff:127.0.0.1');
      assert.equal(view.dualMode, true, 'accepted from a dual listener on ::');
    } finally {
      view.detach();
    }
  },
);

test('link-local addresses need their zone: fe80::1 without one is refused by the kernel', (t) => {
  const socket = v6Tcp(t);
  assert.throws(() => socket.bind({ address: 'fe80::1', port: 0 }), socketError('EINVAL', 'bind'));
  // With a zone the scope id reaches the kernel, which now looks the address up.
  assert.throws(() => socket.bind({ address: 'fe80::1%lo', port: 0 }), socketError('EADDRNOTAVAIL', 'bind'));
  assert.throws(() => socket.bind({ address: 'fe80::1%1', port: 0 }), socketError('EADDRNOTAVAIL', 'bind'));
  assert.equal(socket.isBound, false);
});
