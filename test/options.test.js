'use strict';
// getSocketOption / setSocketOption through the .NET → platform table, and
// the raw byte variants. Round trips follow socket2's pattern: read the
// initial value, check it differs from the one about to be set, set, read back.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel: Level,
  SocketOptionName: Name,
  platform,
} = require('dualmode');
const { checkSocketLeaks, track, socketError } = require('./helpers');

checkSocketLeaks();

const tcp6 = (t) => track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
const udp6 = (t) => track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
const tcp4 = (t) => track(t, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
const udp4 = (t) => track(t, new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));

const int32 = (n) => new Uint8Array(new Int32Array([n]).buffer);
const readInt32 = (socket, level, name) => {
  const buf = new Uint8Array(4);
  assert.equal(socket.getRawSocketOption(level, name, buf), 4);
  return new Int32Array(buf.buffer)[0];
};

test('the enums carry .NET values on every OS: IPv6Only is 27, and platform maps it to Linux IPV6_V6ONLY 26', () => {
  assert.equal(Name.IPv6Only, 27);
  assert.equal(Level.IPv6, 41);
  assert.equal(Level.Socket, 65535);
  assert.equal(Name.ReuseAddress, 4);
  assert.equal(Name.KeepAlive, 8);
  assert.equal(Name.Broadcast, 32);
  assert.equal(Name.ReceiveBuffer, 4098);
  assert.equal(Name.SendBuffer, 4097);
  assert.equal(Name.Type, 4104);
  assert.equal(Name.Error, 4103);
  assert.equal(Name.NoDelay, 1);
  assert.equal(Name.IpTimeToLive, 4);
  assert.equal(Name.HopLimit, 21);
  assert.equal(Name.MulticastLoopback, 11);
  assert.equal(platform.IPV6_V6ONLY, process.platform === 'linux' ? 26 : 27);
  assert.equal(platform.IPPROTO_IPV6, 41);
  assert.equal(platform.AF_INET, 2);
  assert.equal(platform.AF_INET6, process.platform === 'linux' ? 10 : platform.AF_INET6);
  assert.ok(Object.isFrozen(Name) && Object.isFrozen(Level) && Object.isFrozen(platform));
});

test('getSocketOption(IPv6, IPv6Only) returns exactly what the kernel holds, 0 or 1', (t) => {
  const dual = tcp6(t);
  assert.equal(dual.getSocketOption(Level.IPv6, Name.IPv6Only), 0);
  assert.equal(readInt32(dual, platform.IPPROTO_IPV6, platform.IPV6_V6ONLY), 0);
  const v6 = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
  assert.equal(v6.getSocketOption(Level.IPv6, Name.IPv6Only), 1);
  assert.equal(readInt32(v6, platform.IPPROTO_IPV6, platform.IPV6_V6ONLY), 1);
});

test('setSocketOption(IPv6, IPv6Only, value) writes IPV6_V6ONLY and dualMode follows it', (t) => {
  const socket = udp6(t);
  assert.equal(socket.dualMode, true);
  socket.setSocketOption(Level.IPv6, Name.IPv6Only, true);
  assert.equal(readInt32(socket, platform.IPPROTO_IPV6, platform.IPV6_V6ONLY), 1);
  assert.equal(socket.dualMode, false);
  socket.setSocketOption(Level.IPv6, Name.IPv6Only, 0);
  assert.equal(socket.dualMode, true);
  socket.setSocketOption(Level.IPv6, Name.IPv6Only, 1);
  assert.equal(socket.dualMode, false);
});

const roundTrips = [
  ['Socket/ReuseAddress (SO_REUSEADDR) as a boolean', tcp6, Level.Socket, Name.ReuseAddress, true, 1],
  ['Socket/KeepAlive (SO_KEEPALIVE)', tcp6, Level.Socket, Name.KeepAlive, 1, 1],
  ['Socket/Broadcast (SO_BROADCAST)', udp4, Level.Socket, Name.Broadcast, true, 1],
  ['Socket/OutOfBandInline (SO_OOBINLINE)', tcp6, Level.Socket, Name.OutOfBandInline, 1, 1],
  ['Socket/DontRoute (SO_DONTROUTE)', udp6, Level.Socket, Name.DontRoute, 1, 1],
  ['Socket/ReceiveLowWater (SO_RCVLOWAT)', tcp6, Level.Socket, Name.ReceiveLowWater, 100, 100],
  ['IP/IpTimeToLive (IP_TTL)', udp4, Level.IP, Name.IpTimeToLive, 33, 33],
  ['IP/TypeOfService (IP_TOS)', udp4, Level.IP, Name.TypeOfService, 0x10, 0x10],
  ['IP/MulticastTimeToLive (IP_MULTICAST_TTL)', udp4, Level.IP, Name.MulticastTimeToLive, 7, 7],
  ['IP/MulticastLoopback (IP_MULTICAST_LOOP)', udp4, Level.IP, Name.MulticastLoopback, false, 0],
  ['IP/PacketInformation (IP_PKTINFO)', udp4, Level.IP, Name.PacketInformation, true, 1],
  ['IPv6/HopLimit (IPV6_UNICAST_HOPS)', udp6, Level.IPv6, Name.HopLimit, 42, 42],
  ['IPv6/MulticastTimeToLive (IPV6_MULTICAST_HOPS)', udp6, Level.IPv6, Name.MulticastTimeToLive, 9, 9],
  ['IPv6/MulticastLoopback (IPV6_MULTICAST_LOOP)', udp6, Level.IPv6, Name.MulticastLoopback, false, 0],
  ['IPv6/PacketInformation (IPV6_RECVPKTINFO)', udp6, Level.IPv6, Name.PacketInformation, true, 1],
  ['Tcp/NoDelay (TCP_NODELAY)', tcp6, Level.Tcp, Name.NoDelay, true, 1],
  ['Tcp/TcpKeepAliveTime (TCP_KEEPIDLE)', tcp6, Level.Tcp, Name.TcpKeepAliveTime, 60, 60],
  ['Tcp/TcpKeepAliveInterval (TCP_KEEPINTVL)', tcp6, Level.Tcp, Name.TcpKeepAliveInterval, 11, 11],
  ['Tcp/TcpKeepAliveRetryCount (TCP_KEEPCNT)', tcp6, Level.Tcp, Name.TcpKeepAliveRetryCount, 4, 4],
];

for (const [what, make, level, name, value, expected] of roundTrips) {
  test(`${what} round-trips through the option table`, (t) => {
    const socket = make(t);
    const initial = socket.getSocketOption(level, name);
    assert.notEqual(initial, expected, 'the initial value differs from the one about to be set');
    socket.setSocketOption(level, name, value);
    assert.equal(socket.getSocketOption(level, name), expected);
  });
}

test('(IPv6, HopLimit) is IPV6_UNICAST_HOPS: the raw option with the platform number sees the value', (t) => {
  const socket = udp6(t);
  socket.setSocketOption(Level.IPv6, Name.HopLimit, 17);
  assert.equal(readInt32(socket, platform.IPPROTO_IPV6, platform.IPV6_UNICAST_HOPS), 17);
});

test('(IP, IpTimeToLive) is IP_TTL: the raw option with the platform number sees the value', (t) => {
  const socket = tcp4(t);
  socket.setSocketOption(Level.IP, Name.IpTimeToLive, 21);
  assert.equal(readInt32(socket, platform.IPPROTO_IP, platform.IP_TTL), 21);
});

test('read-only options report the kernel state: Type, Error and AcceptConnection', (t) => {
  const socket = tcp6(t);
  assert.equal(socket.getSocketOption(Level.Socket, Name.Type), platform.SOCK_STREAM);
  assert.equal(udp6(t).getSocketOption(Level.Socket, Name.Type), platform.SOCK_DGRAM);
  assert.equal(socket.getSocketOption(Level.Socket, Name.Error), 0);
  assert.equal(socket.getSocketOption(Level.Socket, Name.AcceptConnection), 0);
  socket.listen();
  assert.equal(socket.getSocketOption(Level.Socket, Name.AcceptConnection), 1);
});

test('ReceiveBuffer and SendBuffer take a size the kernel may round (Linux doubles it)', (t) => {
  const socket = udp6(t);
  socket.setSocketOption(Level.Socket, Name.ReceiveBuffer, 8192);
  socket.setSocketOption(Level.Socket, Name.SendBuffer, 8192);
  assert.equal(socket.getSocketOption(Level.Socket, Name.ReceiveBuffer), 16384);
  assert.equal(socket.getSocketOption(Level.Socket, Name.SendBuffer), 16384);
});

test('a .NET pair the platform has no integer mapping for throws ENOPROTOOPT before any syscall, naming the pair', (t) => {
  const socket = tcp6(t);
  const unmapped = [
    [Level.Socket, Name.DontLinger],
    [Level.Socket, Name.ReceiveTimeout],
    [Level.Socket, Name.SendTimeout],
    [Level.IP, Name.AddSourceMembership],
    [Level.IP, Name.IPOptions],
    [Level.Udp, Name.NoChecksum],
    [Level.IPv6, Name.IPProtectionLevel],
    [Level.IPv6, 999],
    [12345, Name.IPv6Only],
  ];
  for (const [level, name] of unmapped) {
    const expected = new RegExp(`SocketOptionLevel ${level} / SocketOptionName ${name} has no integer mapping`);
    assert.throws(
      () => socket.getSocketOption(level, name),
      socketError('ENOPROTOOPT', 'getsockopt', { message: expected, socketErrorCode: 'ProtocolOption' }),
    );
    assert.throws(() => socket.setSocketOption(level, name, 1), socketError('ENOPROTOOPT', 'setsockopt'));
  }
});

test('an option of the wrong family is the kernel error, as .NET reports it: IPv6Only on an IPv4 socket', (t) => {
  const socket = tcp4(t);
  assert.throws(() => socket.getSocketOption(Level.IPv6, Name.IPv6Only), socketError('ENOTSUP', 'getsockopt'));
  assert.throws(() => socket.setSocketOption(Level.IPv6, Name.IPv6Only, 0), socketError('ENOPROTOOPT', 'setsockopt'));
  assert.equal(socket.dualMode, false);
});

test('setting IPv6Only after bind throws EINVAL and leaves the value as it was', (t) => {
  const socket = tcp6(t);
  socket.bind({ address: '::', port: 0 });
  assert.throws(() => socket.setSocketOption(Level.IPv6, Name.IPv6Only, 1), socketError('EINVAL', 'setsockopt'));
  assert.equal(socket.getSocketOption(Level.IPv6, Name.IPv6Only), 0);
});

test('getRawSocketOption returns the bytes written; a short buffer gets a truncated value', (t) => {
  const socket = tcp6(t);
  const big = new Uint8Array(16).fill(0xaa);
  assert.equal(socket.getRawSocketOption(platform.SOL_SOCKET, platform.SO_TYPE, big), 4);
  assert.equal(new DataView(big.buffer).getInt32(0, true), platform.SOCK_STREAM);
  assert.equal(big[4], 0xaa, 'bytes past the value are untouched');
  const one = new Uint8Array(1);
  assert.equal(socket.getRawSocketOption(platform.SOL_SOCKET, platform.SO_TYPE, one), 1);
});

test('setRawSocketOption writes the bytes as given; the kernel checks their length', (t) => {
  const socket = udp6(t);
  socket.setRawSocketOption(platform.IPPROTO_IPV6, platform.IPV6_UNICAST_HOPS, int32(5));
  assert.equal(socket.getSocketOption(Level.IPv6, Name.HopLimit), 5);
  assert.throws(
    () => socket.setRawSocketOption(platform.IPPROTO_IPV6, platform.IPV6_V6ONLY, new Uint8Array(1)),
    socketError('EINVAL', 'setsockopt'),
  );
  assert.equal(socket.dualMode, true, 'the refused write changed nothing');
});

test(
  'raw options reach what the table does not map: SO_LINGER as a struct',
  { skip: process.platform !== 'linux' && 'SO_LINGER is 13 on Linux only' },
  (t) => {
    const socket = tcp6(t);
    const linger = new Uint8Array(new Int32Array([1, 7]).buffer);
    socket.setRawSocketOption(platform.SOL_SOCKET, 13 /* SO_LINGER on Linux */, linger);
    const back = new Uint8Array(8);
    assert.equal(socket.getRawSocketOption(platform.SOL_SOCKET, 13, back), 8);
    assert.deepEqual([...new Int32Array(back.buffer)], [1, 7]);
  },
);

test('an unknown raw option is the kernel error ENOPROTOOPT', (t) => {
  const socket = tcp6(t);
  assert.throws(
    () => socket.getRawSocketOption(platform.IPPROTO_IPV6, 9999, new Uint8Array(4)),
    socketError('ENOPROTOOPT', 'getsockopt'),
  );
});
