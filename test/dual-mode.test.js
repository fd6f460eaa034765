'use strict';
// Construction and the dualMode property, mirroring .NET's DualModeSocketTest.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel,
  SocketOptionName,
  NotSupportedError,
  platform,
} = require('dualmode');
const { checkSocketLeaks, track, socketError, coded, socketsUnchangedBy, hostBindv6only } = require('./helpers');

checkSocketLeaks();

const v6only = (socket) => {
  const buf = new Uint8Array(4);
  socket.getRawSocketOption(platform.IPPROTO_IPV6, platform.IPV6_V6ONLY, buf);
  return new DataView(buf.buffer).getInt32(0, true);
};

test('new Socket(Stream, Tcp) is an IPv6 socket in dual mode (DualModeConstructor_InterNetworkV6Default)', (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(socket.addressFamily, 23);
  assert.equal(socket.socketType, SocketType.Stream);
  assert.equal(socket.protocolType, ProtocolType.Tcp);
  assert.equal(socket.dualMode, true);
  assert.equal(v6only(socket), 0, 'IPV6_V6ONLY is 0 in the kernel');
});

test('new Socket(Dgram, Udp) starts dual and can be switched both ways (DualModeUdpConstructor_DualModeConfgiureable)', (t) => {
  const socket = track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
  assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(socket.dualMode, true);
  socket.dualMode = false;
  assert.equal(socket.dualMode, false);
  assert.equal(v6only(socket), 1);
  socket.dualMode = true;
  assert.equal(socket.dualMode, true);
  assert.equal(v6only(socket), 0);
});

test('an explicit InterNetworkV6 socket starts with dual mode off and is configurable (NormalConstructor_DualModeConfgiureable)', (t) => {
  for (const [type, protocol] of [
    [SocketType.Stream, ProtocolType.Tcp],
    [SocketType.Dgram, ProtocolType.Udp],
  ]) {
    const socket = track(t, new Socket(AddressFamily.InterNetworkV6, type, protocol));
    assert.equal(socket.dualMode, false, 'IPV6_V6ONLY = 1 is set at creation');
    assert.equal(v6only(socket), 1);
    socket.dualMode = true;
    assert.equal(socket.dualMode, true);
    socket.dualMode = false;
    assert.equal(socket.dualMode, false);
  }
});

test('an explicit raw IPv6 socket keeps the system default of IPV6_V6ONLY (SocketPal.Unix CreateSocket skips Raw)', (t) => {
  const systemDefault = hostBindv6only();
  let socket;
  try {
    socket = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6));
  } catch (err) {
    if (err.code === 'EPERM' || err.code === 'EACCES') return t.skip(`raw sockets need privileges: ${err.message}`);
    throw err;
  }
  assert.equal(socket.socketType, SocketType.Raw);
  assert.equal(socket.dualMode, systemDefault === 0);
});

test('new Socket(Raw, IcmpV6) throws EINVAL as .NET does (its DualMode = true fails on a raw socket) and leaves no fd', (t) => {
  try {
    new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6).close();
  } catch (err) {
    if (err.code === 'EPERM' || err.code === 'EACCES') return t.skip(`raw sockets need privileges: ${err.message}`);
    throw err;
  }
  socketsUnchangedBy(t, () =>
    assert.throws(() => new Socket(SocketType.Raw, ProtocolType.IcmpV6), socketError('EINVAL', 'setsockopt')),
  );
});

test('setting dualMode on a raw IPv6 socket explains that the kernel counts raw sockets as bound', (t) => {
  let socket;
  try {
    socket = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6));
  } catch (err) {
    if (err.code === 'EPERM' || err.code === 'EACCES') return t.skip(`raw sockets need privileges: ${err.message}`);
    throw err;
  }
  const before = socket.dualMode;
  assert.throws(
    () => {
      socket.dualMode = !before;
    },
    socketError('EINVAL', 'setsockopt', { message: /raw sockets/ }),
  );
  assert.equal(socket.dualMode, before);
});

test('an IPv4 socket reports dualMode false and refuses to set it (IPv4Constructor_DualModeThrows)', (t) => {
  const socket = track(t, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.dualMode, false);
  for (const value of [true, false]) {
    assert.throws(
      () => {
        socket.dualMode = value;
      },
      (err) => {
        assert.ok(err instanceof NotSupportedError);
        assert.ok(err instanceof Error);
        assert.equal(err.name, 'NotSupportedError');
        assert.equal(err.code, 'ERR_NOT_SUPPORTED');
        assert.equal(err.message, 'This protocol version is not supported.');
        return true;
      },
    );
  }
  assert.equal(socket.dualMode, false);
});

test('the getter reads the kernel every time: a change made behind its back shows at once', (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.dualMode, true);
  const one = new Uint8Array(new Int32Array([1]).buffer);
  socket.setRawSocketOption(platform.IPPROTO_IPV6, platform.IPV6_V6ONLY, one);
  assert.equal(socket.dualMode, false);
  socket.setSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, 0);
  assert.equal(socket.dualMode, true);
});

test('setting dualMode after bind throws EINVAL saying it must be set before bind, for true and false alike (Socket_EnableDualModeAfterV4Bind_Throws)', (t) => {
  const socket = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
  socket.dualMode = true;
  socket.bind({ address: '127.0.0.1', port: 0 });
  for (const value of [false, true]) {
    assert.throws(
      () => {
        socket.dualMode = value;
      },
      socketError('EINVAL', 'setsockopt', { message: /before bind/, socketErrorCode: 'InvalidArgument' }),
    );
  }
  assert.equal(socket.dualMode, true, 'a failed set changes nothing');
});

test('on Linux dual mode turns false after a bind to a specific IPv6 address, because the kernel does that', (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.dualMode, true);
  socket.bind({ address: '::1', port: 0 });
  assert.equal(socket.dualMode, false);
});

test('dual mode stays on after a bind to :: or to an IPv4-mapped address', (t) => {
  for (const address of ['::', '::ffff:127.0.0.1', '127.0.0.1', '0.0.0.0']) {
    const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
    socket.bind({ address, port: 0 });
    assert.equal(socket.dualMode, true, address);
  }
});

test('Socket.osSupportsIPv4 and osSupportsIPv6 are true on this host and stable', () => {
  assert.equal(Socket.osSupportsIPv4, true);
  assert.equal(Socket.osSupportsIPv6, true);
  assert.equal(Socket.osSupportsIPv6, Socket.osSupportsIPv6);
  assert.throws(() => {
    'use strict';
    Socket.osSupportsIPv6 = false;
  }, TypeError);
  assert.equal(Socket.osSupportsIPv6, true);
});

test('invalid family/type/protocol combinations throw the OS error and leave no fd (CreateSocket.DualMode_Failure)', () => {
  const cases = [
    [[AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Udp], 'EPROTONOSUPPORT'],
    [[AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Tcp], 'EPROTONOSUPPORT'],
    [[AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.IcmpV6], 'EPROTONOSUPPORT'],
    [[SocketType.Stream, ProtocolType.Udp], 'EPROTONOSUPPORT'],
    [[AddressFamily.Unspecified, SocketType.Stream, ProtocolType.Tcp], 'EAFNOSUPPORT'],
  ];
  for (const [args, code] of cases) {
    assert.throws(() => new Socket(...args), socketError(code, 'socket'), JSON.stringify(args));
  }
});

test('constructor errors carry .NET SocketError names, and too few arguments throw ERR_MISSING_ARGS', () => {
  assert.throws(
    () => new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Udp),
    socketError('EPROTONOSUPPORT', 'socket', { socketErrorCode: 'ProtocolNotSupported' }),
  );
  assert.throws(
    () => new Socket(SocketType.Stream),
    coded(TypeError, 'ERR_MISSING_ARGS', 'The "socketType" and "protocolType" arguments must be specified'),
  );
  assert.throws(() => new Socket(), coded(TypeError, 'ERR_MISSING_ARGS'));
});
