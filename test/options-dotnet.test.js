'use strict';
// .NET's option surface (API.md §9): the pairs .NET's native layer treats
// specially, the object values, the typed properties with .NET's family
// rules, and, beyond .NET, both halves of a dual-mode socket. Every round trip
// reads the initial value, checks that it differs from the one about to be
// set, sets it, reads it back, and checks the kernel's own value with a raw
// getsockopt (socket2's pattern).
const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, test } = require('node:test');
const {
  AddressFamily,
  NotSupportedError,
  ProtocolType,
  Socket,
  SocketOptionLevel: Level,
  SocketOptionName: Name,
  SocketType,
  platform: P,
} = require('dualmode');
const {
  checkSocketLeaks,
  coded,
  socketError,
  track,
  noNamespace,
  inNamespace,
  noHandOffs,
  noDatagramIO,
} = require('./helpers');

checkSocketLeaks();

const { InterNetwork: V4, InterNetworkV6: V6 } = AddressFamily;
const udp = (t, family) =>
  track(
    t,
    family === undefined
      ? new Socket(SocketType.Dgram, ProtocolType.Udp)
      : new Socket(family, SocketType.Dgram, ProtocolType.Udp),
  );
const tcp = (t, family) =>
  track(
    t,
    family === undefined
      ? new Socket(SocketType.Stream, ProtocolType.Tcp)
      : new Socket(family, SocketType.Stream, ProtocolType.Tcp),
  );

/** The kernel's int value of (level, name), read raw. */
function raw(socket, level, name) {
  const buf = new Uint8Array(4);
  socket.getRawSocketOption(level, name, buf);
  return new DataView(buf.buffer).getInt32(0, true);
}

/** socket2's round trip: initial value, a different one set, read back, and the kernel's own value. */
function roundTrip(socket, get, set, value, kernel) {
  const initial = get();
  assert.notDeepEqual(initial, value, 'the initial value differs from the one set');
  set(value);
  assert.deepEqual(get(), value);
  kernel();
  return initial;
}

describe("the option table, as .NET's TryGetPlatformSocketOption", () => {
  test('(Socket, ReuseAddress) sets SO_REUSEADDR and SO_REUSEPORT and reads SO_REUSEPORT as 0/1', (t) => {
    const socket = udp(t);
    const get = () => socket.getSocketOption(Level.Socket, Name.ReuseAddress);
    roundTrip(
      socket,
      get,
      (v) => socket.setSocketOption(Level.Socket, Name.ReuseAddress, v),
      1,
      () => {
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEADDR), 1);
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEPORT), 1);
      },
    );
    socket.setSocketOption(Level.Socket, Name.ReuseAddress, 7);
    assert.equal(get(), 1, 'normalised to 0/1');
    socket.setSocketOption(Level.Socket, Name.ReuseAddress, false);
    assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEADDR), 0);
    assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEPORT), 0);
  });

  test('(Socket, ReuseAddress) reads SO_REUSEPORT alone: SO_REUSEADDR set raw still reads 0', (t) => {
    const socket = udp(t);
    socket.setRawSocketOption(P.SOL_SOCKET, P.SO_REUSEADDR, new Uint8Array(new Int32Array([1]).buffer));
    assert.equal(socket.getSocketOption(Level.Socket, Name.ReuseAddress), 0);
    socket.setRawSocketOption(P.SOL_SOCKET, P.SO_REUSEPORT, new Uint8Array(new Int32Array([5]).buffer));
    assert.equal(socket.getSocketOption(Level.Socket, Name.ReuseAddress), 1);
  });

  test('(Socket, ExclusiveAddressUse) is the inverse of ReuseAddress, 0/1 only, and refused once bound', (t) => {
    const socket = udp(t);
    const get = () => socket.getSocketOption(Level.Socket, Name.ExclusiveAddressUse);
    roundTrip(
      socket,
      get,
      (v) => socket.setSocketOption(Level.Socket, Name.ExclusiveAddressUse, v),
      0,
      () => {
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEADDR), 1);
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEPORT), 1);
      },
    );
    assert.throws(
      () => socket.setSocketOption(Level.Socket, Name.ExclusiveAddressUse, 2),
      socketError('EINVAL', 'setsockopt'),
    );
    assert.equal(get(), 0, 'a refused value changes nothing');
    socket.bind({ address: '::', port: 0 });
    assert.throws(
      () => socket.setSocketOption(Level.Socket, Name.ExclusiveAddressUse, true),
      coded(Error, 'ERR_SOCKET_ALREADY_BOUND', 'The socket must not be bound or connected.'),
    );
    assert.throws(() => (socket.exclusiveAddressUse = true), coded(Error, 'ERR_SOCKET_ALREADY_BOUND'));
    assert.equal(get(), 0);
  });

  test('(IPv6, IpTimeToLive) is IPV6_UNICAST_HOPS', (t) => {
    const socket = udp(t, V6);
    roundTrip(
      socket,
      () => socket.getSocketOption(Level.IPv6, Name.IpTimeToLive),
      (v) => socket.setSocketOption(Level.IPv6, Name.IpTimeToLive, v),
      9,
      () => assert.equal(raw(socket, P.IPPROTO_IPV6, P.IPV6_UNICAST_HOPS), 9),
    );
  });

  test('(IP, DontFragment) is IP_MTU_DISCOVER with 1 ↔ IP_PMTUDISC_DO and 0 ↔ IP_PMTUDISC_DONT', (t) => {
    const socket = udp(t, V4);
    const get = () => socket.getSocketOption(Level.IP, Name.DontFragment);
    roundTrip(
      socket,
      get,
      (v) => socket.setSocketOption(Level.IP, Name.DontFragment, v),
      1,
      () => assert.equal(raw(socket, P.IPPROTO_IP, P.IP_MTU_DISCOVER), P.IP_PMTUDISC_DO),
    );
    socket.setSocketOption(Level.IP, Name.DontFragment, false);
    assert.equal(raw(socket, P.IPPROTO_IP, P.IP_MTU_DISCOVER), P.IP_PMTUDISC_DONT);
    assert.equal(get(), 0);
  });

  test("(Socket, Type) reads .NET's SocketType, and is read-only", (t) => {
    assert.equal(udp(t).getSocketOption(Level.Socket, Name.Type), SocketType.Dgram);
    const socket = tcp(t);
    assert.equal(socket.getSocketOption(Level.Socket, Name.Type), SocketType.Stream);
    assert.throws(
      () => socket.setSocketOption(Level.Socket, Name.Type, SocketType.Stream),
      socketError('ENOPROTOOPT', 'setsockopt'),
    );
  });

  test('(Socket, Linger) takes and returns { enabled, lingerTime }', (t) => {
    const socket = tcp(t);
    const get = () => socket.getSocketOption(Level.Socket, Name.Linger);
    const initial = roundTrip(
      socket,
      get,
      (v) => socket.setSocketOption(Level.Socket, Name.Linger, v),
      { enabled: true, lingerTime: 5 },
      () => {
        const buf = new Uint8Array(8);
        assert.equal(socket.getRawSocketOption(P.SOL_SOCKET, P.SO_LINGER, buf), 8);
        const view = new DataView(buf.buffer);
        assert.deepEqual([view.getInt32(0, true), view.getInt32(4, true)], [1, 5]);
      },
    );
    assert.deepEqual(initial, { enabled: false, lingerTime: 0 });
  });

  test("getting a membership is the kernel's refusal, as .NET's getsockopt on Linux", (t) => {
    const socket = udp(t);
    assert.throws(() => socket.getSocketOption(Level.IP, Name.AddMembership), socketError('ENOPROTOOPT', 'getsockopt'));
  });
});

describe('SocketOptionNameTest cases that apply to Linux', () => {
  const v4udp = (t) => udp(t, V4);

  test('ExclusiveAddress_Default_Unix: a new socket is exclusive, ReuseAddress 0', (t) => {
    const a = v4udp(t);
    assert.equal(a.getSocketOption(Level.Socket, Name.ExclusiveAddressUse), 1);
    assert.equal(a.exclusiveAddressUse, true);
    assert.equal(a.getSocketOption(Level.Socket, Name.ReuseAddress), 0);
  });

  for (const value of [1, 0]) {
    test(`SettingExclusiveAddress_SetsReuseAddress(${value}) and SettingReuseAddress_SetsExclusiveAddress`, (t) => {
      const a = v4udp(t);
      a.setSocketOption(Level.Socket, Name.ExclusiveAddressUse, value);
      assert.equal(a.getSocketOption(Level.Socket, Name.ExclusiveAddressUse), value);
      assert.equal(a.getSocketOption(Level.Socket, Name.ReuseAddress), value === 1 ? 0 : 1);
      const b = v4udp(t);
      b.setSocketOption(Level.Socket, Name.ReuseAddress, value);
      assert.equal(b.getSocketOption(Level.Socket, Name.ReuseAddress), value);
      assert.equal(b.getSocketOption(Level.Socket, Name.ExclusiveAddressUse), value === 1 ? 0 : 1);
    });
  }

  // ReuseAddress(exclusiveAddressUse, firstSocketReuseAddress, secondSocketReuseAddress, expectFailure),
  // the rows of the theory that runs on every OS.
  const rows = [
    [null, null, null, true],
    [null, null, false, true],
    [null, false, false, true],
    [null, true, false, true],
    [null, true, true, false],
    [true, null, null, true],
    [true, null, false, true],
    [true, null, true, true],
    [true, false, null, true],
    [true, false, false, true],
    [true, false, true, true],
  ];
  for (const [exclusive, first, second, failure] of rows) {
    test(`ReuseAddress(${exclusive}, ${first}, ${second}, ${failure}): the second bind ${failure ? 'fails' : 'succeeds'}`, (t) => {
      const a = v4udp(t);
      if (exclusive !== null) a.setSocketOption(Level.Socket, Name.ExclusiveAddressUse, exclusive);
      if (first !== null) a.setSocketOption(Level.Socket, Name.ReuseAddress, first);
      a.bind({ address: '127.0.0.1', port: 0 });
      const b = v4udp(t);
      if (second !== null) b.setSocketOption(Level.Socket, Name.ReuseAddress, second);
      const bind = () => b.bind({ address: '127.0.0.1', port: a.localEndPoint.port });
      if (failure) assert.throws(bind, socketError('EADDRINUSE', 'bind'));
      else bind();
    });
  }

  test('ExclusiveAddressUseTcp: an exclusive listener keeps its port', (t) => {
    const a = tcp(t, V4);
    a.exclusiveAddressUse = true;
    a.bind({ address: '127.0.0.1', port: 0 });
    a.listen(10);
    const b = tcp(t, V4);
    assert.throws(
      () => b.bind({ address: '127.0.0.1', port: a.localEndPoint.port }),
      socketError('EADDRINUSE', 'bind', { socketErrorCode: 'AddressAlreadyInUse' }),
    );
  });

  test('ReuseAddressUdp: ReuseAddress binds the port of a socket that another program opened with SO_REUSEADDR', (t) => {
    const s1 = v4udp(t);
    s1.setRawSocketOption(P.SOL_SOCKET, P.SO_REUSEADDR, new Uint8Array(new Int32Array([1]).buffer));
    s1.bind({ address: '0.0.0.0', port: 0 });
    const s2 = v4udp(t);
    s2.setSocketOption(Level.Socket, Name.ReuseAddress, true);
    s2.bind({ address: '0.0.0.0', port: s1.localEndPoint.port });
    assert.equal(s2.localEndPoint.port, s1.localEndPoint.port);
  });

  test(
    'two dual-mode UDP sockets with ReuseAddress share [::]:port, and a datagram to it arrives',
    { skip: noDatagramIO },
    async (t) => {
      const a = udp(t);
      const b = udp(t);
      a.setSocketOption(Level.Socket, Name.ReuseAddress, true);
      b.setSocketOption(Level.Socket, Name.ReuseAddress, true);
      a.bind({ address: '::', port: 0 });
      b.bind({ address: '::', port: a.localEndPoint.port });
      const sender = udp(t, V4);
      const controller = new AbortController();
      const options = { signal: controller.signal };
      const received = Promise.race([a.receiveFrom(Buffer.alloc(4), options), b.receiveFrom(Buffer.alloc(4), options)]);
      await sender.sendTo(Buffer.from('x'), { address: '127.0.0.1', port: a.localEndPoint.port });
      assert.equal((await received).receivedBytes, 1);
      controller.abort();
    },
  );
});

describe("typed properties, with .NET's rules by family", () => {
  test('ttl: IP_TTL on IPv4, IPV6_UNICAST_HOPS on IPv6; 0–255', (t) => {
    const v4 = udp(t, V4);
    roundTrip(
      v4,
      () => v4.ttl,
      (v) => (v4.ttl = v),
      17,
      () => assert.equal(raw(v4, P.IPPROTO_IP, P.IP_TTL), 17),
    );
    const v6 = udp(t, V6);
    roundTrip(
      v6,
      () => v6.ttl,
      (v) => (v6.ttl = v),
      18,
      () => assert.equal(raw(v6, P.IPPROTO_IPV6, P.IPV6_UNICAST_HOPS), 18),
    );
    for (const bad of [-1, 256, 1.5]) assert.throws(() => (v4.ttl = bad), coded(RangeError, 'ERR_OUT_OF_RANGE'));
    assert.throws(() => (v4.ttl = '5'), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
    assert.equal(v4.ttl, 17, 'a refused value changes nothing');
  });

  test("noDelay: TCP_NODELAY; on UDP the kernel's error", (t) => {
    const socket = tcp(t);
    roundTrip(
      socket,
      () => socket.noDelay,
      (v) => (socket.noDelay = v),
      true,
      () => assert.equal(raw(socket, P.IPPROTO_TCP, P.TCP_NODELAY), 1),
    );
    assert.throws(() => (socket.noDelay = 1), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
    assert.throws(() => udp(t).noDelay, socketError('ENOPROTOOPT', 'getsockopt'));
  });

  test('dontFragment: IPv4, or IPv6 in dual mode (the IPv4 option, as .NET 9); NotSupportedError on a non-dual IPv6 socket', (t) => {
    const v4 = udp(t, V4);
    roundTrip(
      v4,
      () => v4.dontFragment,
      (v) => (v4.dontFragment = v),
      true,
      () => assert.equal(raw(v4, P.IPPROTO_IP, P.IP_MTU_DISCOVER), P.IP_PMTUDISC_DO),
    );
    const v6only = udp(t, V6);
    assert.throws(() => v6only.dontFragment, {
      name: 'NotSupportedError',
      code: 'ERR_NOT_SUPPORTED',
      message: 'This protocol version is not supported.',
    });
    assert.throws(
      () => (v6only.dontFragment = true),
      (err) => err instanceof NotSupportedError && err.code === 'ERR_NOT_SUPPORTED',
    );
    assert.equal(
      raw(v6only, P.IPPROTO_IP, P.IP_MTU_DISCOVER),
      raw(udp(t, V6), P.IPPROTO_IP, P.IP_MTU_DISCOVER),
      'nothing changed',
    );
  });

  test('multicastLoopback: IP_MULTICAST_LOOP on IPv4, IPV6_MULTICAST_LOOP on IPv6', (t) => {
    const v4 = udp(t, V4);
    roundTrip(
      v4,
      () => v4.multicastLoopback,
      (v) => (v4.multicastLoopback = v),
      false,
      () => assert.equal(raw(v4, P.IPPROTO_IP, P.IP_MULTICAST_LOOP), 0),
    );
    const v6 = udp(t, V6);
    roundTrip(
      v6,
      () => v6.multicastLoopback,
      (v) => (v6.multicastLoopback = v),
      false,
      () => {
        assert.equal(raw(v6, P.IPPROTO_IPV6, P.IPV6_MULTICAST_LOOP), 0);
        assert.equal(raw(v6, P.IPPROTO_IP, P.IP_MULTICAST_LOOP), 1, 'a non-dual socket leaves the IPv4 twin alone');
      },
    );
  });

  test('enableBroadcast: SO_BROADCAST; false for a stream socket, as .NET', (t) => {
    const socket = udp(t);
    roundTrip(
      socket,
      () => socket.enableBroadcast,
      (v) => (socket.enableBroadcast = v),
      true,
      () => assert.equal(raw(socket, P.SOL_SOCKET, P.SO_BROADCAST), 1),
    );
    assert.equal(tcp(t).enableBroadcast, false);
  });

  test('exclusiveAddressUse: SO_REUSEADDR and SO_REUSEPORT both 0', (t) => {
    const socket = tcp(t);
    roundTrip(
      socket,
      () => socket.exclusiveAddressUse,
      (v) => (socket.exclusiveAddressUse = v),
      false,
      () => {
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEADDR), 1);
        assert.equal(raw(socket, P.SOL_SOCKET, P.SO_REUSEPORT), 1);
      },
    );
  });

  test('receiveBufferSize and sendBufferSize: SO_RCVBUF and SO_SNDBUF (Linux doubles); below 0 is a RangeError', (t) => {
    const socket = udp(t);
    roundTrip(
      socket,
      () => socket.receiveBufferSize,
      (v) => (socket.receiveBufferSize = v / 2),
      8192,
      () => assert.equal(raw(socket, P.SOL_SOCKET, P.SO_RCVBUF), 8192),
    );
    roundTrip(
      socket,
      () => socket.sendBufferSize,
      (v) => (socket.sendBufferSize = v / 2),
      8192,
      () => assert.equal(raw(socket, P.SOL_SOCKET, P.SO_SNDBUF), 8192),
    );
    assert.throws(() => (socket.receiveBufferSize = -1), coded(RangeError, 'ERR_OUT_OF_RANGE'));
    assert.throws(() => (socket.sendBufferSize = -1), coded(RangeError, 'ERR_OUT_OF_RANGE'));
  });

  test('lingerState: { enabled, lingerTime } with lingerTime 0–65535', (t) => {
    const socket = tcp(t);
    roundTrip(
      socket,
      () => socket.lingerState,
      (v) => (socket.lingerState = v),
      { enabled: true, lingerTime: 65535 },
      () => {
        const buf = new Uint8Array(8);
        socket.getRawSocketOption(P.SOL_SOCKET, P.SO_LINGER, buf);
        assert.equal(new DataView(buf.buffer).getInt32(4, true), 65535);
      },
    );
    for (const [bad, Class, code] of [
      [null, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ enabled: 'yes', lingerTime: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ enabled: true, lingerTime: 65536 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ enabled: true, lingerTime: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ enabled: true }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ]) {
      assert.throws(() => (socket.lingerState = bad), coded(Class, code));
      assert.throws(() => socket.setSocketOption(Level.Socket, Name.Linger, bad), coded(Class, code));
    }
    assert.throws(() => socket.setSocketOption(Level.Socket, Name.Linger, 5), coded(TypeError, 'ERR_INVALID_ARG_TYPE'));
    assert.deepEqual(socket.lingerState, { enabled: true, lingerTime: 65535 }, 'nothing changed');
  });

  test('every typed property throws ERR_SOCKET_CLOSED after close() and ERR_SOCKET_DETACHED after detach()', (t) => {
    const names = [
      'ttl',
      'noDelay',
      'dontFragment',
      'multicastLoopback',
      'enableBroadcast',
      'exclusiveAddressUse',
      'receiveBufferSize',
      'sendBufferSize',
      'lingerState',
    ];
    const closed = new Socket(SocketType.Stream, ProtocolType.Tcp);
    closed.close();
    const detached = new Socket(SocketType.Stream, ProtocolType.Tcp);
    const fd = detached.detach();
    t.after(() => Socket.fromFd(fd).close());
    for (const name of names) {
      assert.throws(() => closed[name], coded(Error, 'ERR_SOCKET_CLOSED'), name);
      assert.throws(() => detached[name], coded(Error, 'ERR_SOCKET_DETACHED'), name);
    }
  });
});

describe('object values: memberships', () => {
  test('bad MulticastOption and IPv6MulticastOption values throw Node-style errors and change nothing', (t) => {
    const socket = udp(t);
    for (const [level, value, Class, code] of [
      [Level.IP, 5, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [Level.IP, null, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [Level.IP, { group: 'nope' }, TypeError, 'ERR_INVALID_IP_ADDRESS'],
      [Level.IP, { group: 7 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [Level.IP, { group: 'ff02::1' }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IP, { group: '239.1.2.3', localAddress: '::1' }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IP, { group: '239.1.2.3', interfaceIndex: 0x1000000 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IP, { group: '239.1.2.3', interfaceIndex: -1 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IPv6, { group: '239.1.2.3' }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IPv6, { group: 'ff02::1', interfaceIndex: 2 ** 32 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [Level.IPv6, true, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ]) {
      assert.throws(
        () => socket.setSocketOption(level, Name.AddMembership, value),
        coded(Class, code),
        JSON.stringify(value),
      );
    }
  });

  test("dropping a group never joined is the kernel's EADDRNOTAVAIL, naming the group", (t) => {
    assert.throws(
      () => udp(t).setSocketOption(Level.IP, Name.DropMembership, { group: '239.1.2.3', localAddress: '127.0.0.1' }),
      socketError('EADDRNOTAVAIL', 'setsockopt', { address: '239.1.2.3' }),
    );
  });

  test('a group the kernel refuses is its error: an IPv4 membership on an IPv6 TCP socket is EPROTO', (t) => {
    assert.throws(
      () => tcp(t).setSocketOption(Level.IP, Name.AddMembership, { group: '239.1.2.3' }),
      socketError('EPROTO', 'setsockopt'),
    );
  });

  // In a private network namespace (unshare -n) whose only interface is lo,
  // with multicast switched on for it: nothing can leave the namespace.
  test('an IPv4 group joins on a dual-mode IPv6 UDP socket: a datagram to it arrives, and stops after DropMembership', (t) => {
    if (noNamespace()) return t.skip(noNamespace());
    // Multicast on before up, so that the kernel adds lo's ff00::/8 route.
    const script = ['ip link set lo multicast on', 'ip link set lo up', 'ip route add 224.0.0.0/4 dev lo'].join(' && ');
    const run = inNamespace(script, path.join(__dirname, 'fixtures', 'multicast.js'));
    assert.equal(run.status, 0, `fixture failed: ${run.stderr}${run.error ?? ''}`);
    const facts = JSON.parse(run.stdout);
    assert.equal(facts.dualMode, true);
    assert.deepEqual(facts.joined, { receivedBytes: 5, from: '::ffff:127.0.0.1', to: '::ffff:239.255.0.7' });
    assert.equal(facts.afterDrop, 'nothing');
    assert.equal(facts.ipv6Joined, true, 'ff02::1:7 is in /proc/net/igmp6 after AddMembership');
    assert.equal(facts.ipv6Dropped, true, 'and gone after DropMembership');
  });
});

describe('both halves of a dual-mode socket (beyond .NET)', () => {
  test(".NET's own (IPv6, IpTimeToLive) leaves IP_TTL alone: the trap the ttl property closes", (t) => {
    const socket = udp(t);
    socket.setSocketOption(Level.IPv6, Name.IpTimeToLive, 5);
    assert.equal(raw(socket, P.IPPROTO_IPV6, P.IPV6_UNICAST_HOPS), 5);
    assert.equal(raw(socket, P.IPPROTO_IP, P.IP_TTL), 64);
  });

  test('a value one half refuses changes neither: ttl 0 on a dual-mode socket (IP_TTL refuses 0)', (t) => {
    const socket = udp(t);
    socket.ttl = 40;
    assert.throws(() => (socket.ttl = 0), socketError('EINVAL', 'setsockopt'));
    assert.deepEqual([raw(socket, P.IPPROTO_IPV6, P.IPV6_UNICAST_HOPS), raw(socket, P.IPPROTO_IP, P.IP_TTL)], [40, 40]);
  });

  test('on a dual-mode socket ttl, dontFragment and multicastLoopback set both the IPv6 option and its IPv4 twin', (t) => {
    const socket = udp(t);
    socket.ttl = 7;
    assert.deepEqual([raw(socket, P.IPPROTO_IPV6, P.IPV6_UNICAST_HOPS), raw(socket, P.IPPROTO_IP, P.IP_TTL)], [7, 7]);
    socket.dontFragment = true;
    assert.deepEqual(
      [raw(socket, P.IPPROTO_IP, P.IP_MTU_DISCOVER), raw(socket, P.IPPROTO_IPV6, P.IPV6_MTU_DISCOVER)],
      [P.IP_PMTUDISC_DO, P.IPV6_PMTUDISC_DO],
    );
    socket.dontFragment = false;
    assert.deepEqual(
      [raw(socket, P.IPPROTO_IP, P.IP_MTU_DISCOVER), raw(socket, P.IPPROTO_IPV6, P.IPV6_MTU_DISCOVER)],
      [P.IP_PMTUDISC_DONT, P.IPV6_PMTUDISC_DONT],
    );
    socket.multicastLoopback = false;
    assert.deepEqual(
      [raw(socket, P.IPPROTO_IPV6, P.IPV6_MULTICAST_LOOP), raw(socket, P.IPPROTO_IP, P.IP_MULTICAST_LOOP)],
      [0, 0],
    );
    assert.equal(socket.ttl, 7);
  });

  test(
    'on the wire: IPv4 and IPv6 datagrams of one dual-mode socket with ttl = 7 both carry TTL / hop limit 7',
    { skip: noDatagramIO },
    async (t) => {
      // A Python receiver reads IP_TTL / IPV6_HOPLIMIT control messages
      // (IP_RECVTTL, IPV6_RECVHOPLIMIT), which Node cannot.
      const receiver = `
import socket, sys, json
recvttl, recvhoplimit = int(sys.argv[1]), int(sys.argv[2])
out = {}
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind(('127.0.0.1', 0)); s4.setsockopt(socket.IPPROTO_IP, recvttl, 1)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(('::1', 0)); s6.setsockopt(socket.IPPROTO_IPV6, recvhoplimit, 1)
s4.settimeout(5); s6.settimeout(5)
print(json.dumps([s4.getsockname()[1], s6.getsockname()[1]]), flush=True)
for name, s in (('ipv4', s4), ('ipv6', s6)):
    data, anc, flags, addr = s.recvmsg(64, 64)
    out[name] = [int.from_bytes(d[:4], sys.byteorder) for (level, kind, d) in anc]
print(json.dumps(out), flush=True)
`;
      const { spawn } = require('node:child_process');
      const readline = require('node:readline');
      const { withTimeout } = require('./helpers');
      // (Python's socket module names neither option on every version: pass the numbers.)
      const python = spawn('python3', ['-c', receiver, String(P.IP_RECVTTL), String(P.IPV6_RECVHOPLIMIT)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      t.after(() => python.kill());
      let stderr = '';
      python.stderr.on('data', (d) => (stderr += d));
      const spawned = await new Promise((resolve) => {
        python.once('spawn', () => resolve(true));
        python.once('error', () => resolve(false));
      });
      if (!spawned) return t.skip('python3 is not installed');
      const lines = readline.createInterface({ input: python.stdout })[Symbol.asyncIterator]();
      const [port4, port6] = JSON.parse(
        (await withTimeout(lines.next(), 10000, `the receiver's ports (${stderr})`)).value,
      );
      const socket = udp(t);
      socket.ttl = 7;
      await socket.sendTo(Buffer.from('v4'), { address: '127.0.0.1', port: port4 });
      await socket.sendTo(Buffer.from('v6'), { address: '::1', port: port6 });
      const seen = JSON.parse((await withTimeout(lines.next(), 10000, `the receiver's result (${stderr})`)).value);
      assert.deepEqual(seen, { ipv4: [7], ipv6: [7] });
    },
  );
});

describe('hand-offs keep SO_REUSEADDR right with the new ReuseAddress', () => {
  const kernel = (fd) => {
    const s = Socket.fromFd(fd);
    try {
      return [raw(s, P.SOL_SOCKET, P.SO_REUSEADDR), raw(s, P.SOL_SOCKET, P.SO_REUSEPORT)];
    } finally {
      s.detach(); // still the Node object's
    }
  };

  for (const reuse of [false, true]) {
    test(
      `toDgram() with ReuseAddress ${reuse}: SO_REUSEADDR and SO_REUSEPORT stay ${reuse ? 1 : 0}`,
      { skip: noHandOffs },
      async (t) => {
        const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
        if (reuse) socket.setSocketOption(Level.Socket, Name.ReuseAddress, true);
        const fd = socket.fd;
        const dgram = socket.toDgram();
        t.after(() => dgram.close());
        assert.deepEqual(kernel(fd), reuse ? [1, 1] : [0, 0]);
      },
    );

    test(
      `toServer() with exclusiveAddressUse ${!reuse}: SO_REUSEADDR 1 as Node's listeners, SO_REUSEPORT ${reuse ? 1 : 0}`,
      { skip: noHandOffs },
      async (t) => {
        const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.exclusiveAddressUse = !reuse;
        const fd = socket.fd;
        const server = socket.toServer();
        t.after(() => new Promise((resolve) => server.close(resolve)));
        assert.deepEqual(kernel(fd), [1, reuse ? 1 : 0]);
      },
    );
  }
});
