'use strict';
// Datagram I/O on the Socket itself (API.md §8): receiveFrom,
// receiveMessageFrom with packet information, sendTo with `from`, on
// loopback. The .NET cases are those of DualModeSocketTest.cs
// (DualModeConnectionlessReceiveMessageFrom), whose sync, Begin and SAEA
// variants collapse into one Node call here.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { describe, test: testEverywhere } = require('node:test');
const {
  AddressFamily,
  ProtocolType,
  Socket,
  SocketFlags,
  SocketOptionLevel,
  SocketOptionName,
  SocketType,
  mapToIPv6,
  platform,
} = require('dualmode');
const {
  checkSocketLeaks,
  coded,
  socketError,
  track,
  withTimeout,
  linuxOnly,
  noDatagramIO,
  noDualPacketInfo,
  testsNeeding,
} = require('./helpers');

checkSocketLeaks();
// The one test that runs on Windows too (testEverywhere) checks that these methods refuse there.
const test = testsNeeding(noDatagramIO);
const testDualPacketInfo = testsNeeding(noDatagramIO || noDualPacketInfo);

const { Dgram, Stream, Raw } = SocketType;
const { Udp, Tcp } = ProtocolType;
const { InterNetwork: V4, InterNetworkV6: V6 } = AddressFamily;

/** A dual-mode UDP socket (.NET's new Socket(SocketType.Dgram, ProtocolType.Udp)) bound to address:0. */
function dualServer(t, address) {
  const server = track(t, new Socket(Dgram, Udp));
  server.bind({ address, port: 0 });
  return server;
}

/** A UDP socket of the family of `address` (plain IPv4 or IPv6-only). */
function client(t, address) {
  return track(t, new Socket(address.includes(':') ? V6 : V4, Dgram, Udp));
}

/** Resolves with the result of `receiving`, or rejects after `ms` when nothing arrived. */
function within(receiving, ms = 5000) {
  return withTimeout(receiving, ms, 'receiving a datagram');
}

/** A receive that must get nothing: it is aborted after `ms` and must reject with the AbortError. */
async function receivesNothing(socket, ms = 150) {
  const controller = new AbortController();
  const receiving = socket.receiveMessageFrom(Buffer.alloc(64), { signal: controller.signal });
  setTimeout(() => controller.abort(), ms);
  await assert.rejects(receiving, { name: 'AbortError', code: 'ABORT_ERR' });
}

const sockopt = (socket, level, name) => {
  const buf = new Uint8Array(4);
  socket.getRawSocketOption(level, name, buf);
  return new DataView(buf.buffer).getInt32(0, true);
};

// DualModeConnectionlessReceiveMessageFrom: dual server bound to listenOn,
// plain-family client sends 1 byte to connectTo.
describe('DualModeConnectionlessReceiveMessageFrom (.NET cases that run on Linux)', () => {
  const cases = [
    ['ReceiveMessageFromV4BoundToSpecificMappedV4_Success', '::ffff:127.0.0.1', '127.0.0.1'],
    ['ReceiveMessageFromV4BoundToAnyMappedV4_Success', '::ffff:0.0.0.0', '127.0.0.1'],
    ['ReceiveMessageFromV4BoundToSpecificV4_Success', '127.0.0.1', '127.0.0.1'],
    ['ReceiveMessageFromV4BoundToAnyV4_Success', '0.0.0.0', '127.0.0.1'],
    ['ReceiveMessageFromV6BoundToSpecificV6_Success', '::1', '::1'],
    ['ReceiveMessageFromV6BoundToAnyV6_Success', '::', '::1'],
    ['ReceiveMessageFromV4BoundToAnyV6_Success', '::', '127.0.0.1'],
  ];
  for (const [name, listenOn, connectTo] of cases) {
    testDualPacketInfo(
      `${name}: bound to ${listenOn}, a datagram to ${connectTo} reports its sender and destination`,
      async (t) => {
        const server = dualServer(t, listenOn);
        const port = server.localEndPoint.port;
        // The helper's "false start": a receive with nothing sent gets nothing.
        await receivesNothing(server);
        const sender = client(t, connectTo);
        const receiving = server.receiveMessageFrom(Buffer.alloc(1024));
        assert.equal(await sender.sendTo(Buffer.from([7]), { address: connectTo, port }), 1);
        const result = await within(receiving);
        assert.equal(result.receivedBytes, 1);
        assert.equal(result.socketFlags, SocketFlags.None);
        assert.deepEqual(result.remoteEndPoint, {
          address: mapToIPv6(connectTo),
          family: 'IPv6',
          port: sender.localEndPoint.port,
        });
        // API.md §8: the destination in the form of remoteEndPoint (.NET gives
        // plain 127.0.0.1 because its caller passed an IPv4 endpoint).
        assert.equal(result.packetInformation.address, mapToIPv6(connectTo));
        assert.equal(result.packetInformation.interface, loopbackIndex());
      },
    );
  }

  for (const ipv4 of [true, false]) {
    testDualPacketInfo(
      `ReceiveMessageFromAsync_SocketAsyncEventArgs_Success(ipv4: ${ipv4}): five 10-byte datagrams, each with its sender and destination`,
      async (t) => {
        const receiver = track(t, new Socket(V6, Dgram, Udp));
        receiver.dualMode = true;
        receiver.setSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
        receiver.setSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
        receiver.bind({ address: '::', port: 0 });
        const port = receiver.localEndPoint.port;
        let sender;
        if (ipv4) {
          sender = track(t, new Socket(V4, Dgram, Udp));
          sender.bind({ address: '127.0.0.1', port: 0 });
        } else {
          sender = track(t, new Socket(Dgram, Udp));
          sender.bind({ address: '::ffff:127.0.0.1', port: 0 });
        }
        const senderPort = sender.localEndPoint.port;
        for (let i = 0; i < 5; i++) {
          const receiving = receiver.receiveMessageFrom(Buffer.alloc(1024));
          await sender.sendTo(Buffer.alloc(10, i), { address: '127.0.0.1', port });
          const result = await within(receiving);
          assert.equal(result.receivedBytes, 10);
          assert.deepEqual(result.remoteEndPoint, { address: '::ffff:127.0.0.1', family: 'IPv6', port: senderPort });
          assert.ok(['127.0.0.1', '::ffff:127.0.0.1'].includes(result.packetInformation.address));
        }
      },
    );
  }

  test('Socket_ReceiveMessageFromV4IPEndPointFromV4Client_Throws: with dualMode off an IPv4 endpoint is refused', (t) => {
    const socket = track(t, new Socket(V6, Dgram, Udp));
    socket.bind({ address: '::1', port: 0 });
    assert.throws(
      () => socket.sendTo(Buffer.from([1]), { address: '127.0.0.1', port: 9 }),
      socketError('EAFNOSUPPORT', 'sendmsg', { message: /dualMode = true/ }),
    );
  });

  const notReceived = [
    ['ReceiveMessageFromV6BoundToSpecificV4_NotReceived', '127.0.0.1', '::1'],
    ['ReceiveMessageFromV6BoundToAnyV4_NotReceived', '0.0.0.0', '::1'],
    ['BeginReceiveMessageFromV4BoundToSpecificV6_NotReceived_Linux', '::1', '127.0.0.1'],
  ];
  for (const [name, listenOn, connectTo] of notReceived) {
    testDualPacketInfo(`${name}: bound to ${listenOn}, a datagram to ${connectTo} never arrives`, async (t) => {
      const server = dualServer(t, listenOn);
      const port = server.localEndPoint.port;
      const sender = client(t, connectTo);
      await sender.sendTo(Buffer.from([1]), { address: connectTo, port }).catch(() => {});
      await receivesNothing(server, 200);
      // Linux turns dual mode off when an IPv6 socket binds a specific IPv6 address.
      if (listenOn === '::1') assert.equal(server.dualMode, false);
    });
  }
});

function loopbackIndex() {
  return Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8'));
}

describe('packet information is switched on lazily, as .NET does', () => {
  const { IPPROTO_IP, IPPROTO_IPV6, IP_PKTINFO, IPV6_RECVPKTINFO } = platform;
  const rows = [
    // family, dual, bind address, IP_PKTINFO, IPV6_RECVPKTINFO (dotnet-beyond.md §1.3)
    ['a dual-mode socket bound to ::', V6, true, '::', 1, 1],
    ['a dual-mode socket bound to ::ffff:127.0.0.1', V6, true, '::ffff:127.0.0.1', 1, 0],
    ['a dual-mode socket bound to 0.0.0.0 (mapped)', V6, true, '0.0.0.0', 1, 0],
    ['a dual-mode socket bound to ::1 (the kernel turned dual mode off)', V6, true, '::1', 0, 1],
    ['an IPv6-only socket bound to ::', V6, false, '::', 0, 1],
    ['an IPv4 socket', V4, false, '127.0.0.1', 1, null],
  ];
  for (const [title, family, dual, address, ipInfo, ipv6Info] of rows) {
    testDualPacketInfo(
      `${title}: IP_PKTINFO ${ipInfo}, IPV6_RECVPKTINFO ${ipv6Info ?? 'n/a'} after the first receiveMessageFrom()`,
      async (t) => {
        const socket = track(t, new Socket(family, Dgram, Udp));
        if (dual) socket.dualMode = true;
        socket.bind({ address, port: 0 });
        assert.equal(sockopt(socket, IPPROTO_IP, IP_PKTINFO), 0, 'off before');
        // receiveFrom() does not switch it on.
        await receivesNothing({ receiveMessageFrom: (b, o) => socket.receiveFrom(b, o) }, 10);
        assert.equal(sockopt(socket, IPPROTO_IP, IP_PKTINFO), 0, 'receiveFrom() left it off');
        await receivesNothing(socket, 10);
        assert.equal(sockopt(socket, IPPROTO_IP, IP_PKTINFO), ipInfo);
        if (ipv6Info !== null) assert.equal(sockopt(socket, IPPROTO_IPV6, IPV6_RECVPKTINFO), ipv6Info);
      },
    );
  }

  testDualPacketInfo(
    'switched off by setSocketOption(PacketInformation, false), the next receiveMessageFrom() switches it on again',
    async (t) => {
      const socket = dualServer(t, '::');
      await receivesNothing(socket, 10);
      assert.equal(sockopt(socket, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
      socket.setSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, false);
      socket.setSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, false);
      assert.equal(sockopt(socket, IPPROTO_IPV6, IPV6_RECVPKTINFO), 0);
      const sender = client(t, '::1');
      const receiving = socket.receiveMessageFrom(Buffer.alloc(16));
      assert.equal(sockopt(socket, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
      assert.equal(sockopt(socket, IPPROTO_IP, IP_PKTINFO), 1);
      await sender.sendTo(Buffer.from('x'), { address: '::1', port: socket.localEndPoint.port });
      assert.equal((await within(receiving)).packetInformation.address, '::1');
    },
  );

  testDualPacketInfo('a datagram queued before packet information was on may come without it', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '127.0.0.1');
    await sender.sendTo(Buffer.from('early'), { address: '127.0.0.1', port: socket.localEndPoint.port });
    const result = await within(socket.receiveMessageFrom(Buffer.alloc(16)));
    assert.equal(result.receivedBytes, 5);
    assert.ok(['', '::ffff:127.0.0.1'].includes(result.packetInformation.address));
    assert.equal(typeof result.packetInformation.interface, 'number');
  });
});

describe('results: sizes, flags and address forms', () => {
  testDualPacketInfo(
    'an IPv4 datagram on a dual-mode socket carries IPV6_PKTINFO and IP_PKTINFO without ControlDataTruncated',
    async (t) => {
      const socket = dualServer(t, '::');
      const sender = client(t, '127.0.0.1');
      // Turned on by the call; both messages arrive for an IPv4 datagram (72 bytes on x64).
      const receiving = socket.receiveMessageFrom(Buffer.alloc(64));
      await sender.sendTo(Buffer.from('both'), { address: '127.0.0.1', port: socket.localEndPoint.port });
      const result = await within(receiving);
      assert.equal(result.socketFlags & SocketFlags.ControlDataTruncated, 0);
      assert.equal(result.socketFlags, SocketFlags.None);
      assert.equal(result.packetInformation.address, '::ffff:127.0.0.1');
    },
  );

  testDualPacketInfo(
    'a datagram longer than the buffer is cut to it and flagged Truncated, with no error',
    async (t) => {
      const socket = dualServer(t, '::');
      const sender = client(t, '::1');
      const buffer = Buffer.alloc(4);
      const receiving = socket.receiveMessageFrom(buffer);
      await sender.sendTo(Buffer.from('0123456789'), { address: '::1', port: socket.localEndPoint.port });
      const result = await within(receiving);
      assert.equal(result.receivedBytes, 4);
      assert.equal(result.socketFlags, SocketFlags.Truncated);
      assert.equal(buffer.toString(), '0123');
    },
  );

  testDualPacketInfo('an empty datagram is received as 0 bytes, not truncated', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '127.0.0.1');
    const receiving = socket.receiveMessageFrom(Buffer.alloc(8));
    assert.equal(await sender.sendTo(new Uint8Array(0), { address: '127.0.0.1', port: socket.localEndPoint.port }), 0);
    const result = await within(receiving);
    assert.equal(result.receivedBytes, 0);
    assert.equal(result.socketFlags, SocketFlags.None);
  });

  testDualPacketInfo('a zero-length buffer takes a datagram and reports it Truncated', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    const receiving = socket.receiveMessageFrom(new Uint8Array(0));
    const next = socket.receiveFrom(Buffer.alloc(8));
    const port = socket.localEndPoint.port;
    await sender.sendTo(Buffer.from('abc'), { address: '::1', port });
    await sender.sendTo(Buffer.from('def'), { address: '::1', port });
    const result = await within(receiving);
    assert.equal(result.receivedBytes, 0);
    assert.equal(result.socketFlags, SocketFlags.Truncated);
    assert.equal((await within(next)).receivedBytes, 3, 'the second datagram goes to the second call');
  });

  test('receiveFrom() results have no packetInformation and no socketFlags', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '127.0.0.1');
    const receiving = socket.receiveFrom(Buffer.alloc(8));
    await sender.sendTo(Buffer.from('hi'), { address: '127.0.0.1', port: socket.localEndPoint.port });
    const result = await within(receiving);
    assert.deepEqual(Object.keys(result).sort(), ['receivedBytes', 'remoteEndPoint']);
    assert.equal(result.remoteEndPoint.address, '::ffff:127.0.0.1');
  });

  test(
    'an IPv4 socket reports IPv4 forms for sender and destination',
    { skip: linuxOnly('reads the loopback index in /sys/class/net') },
    async (t) => {
      const socket = track(t, new Socket(V4, Dgram, Udp));
      socket.bind({ address: '0.0.0.0', port: 0 });
      const sender = client(t, '127.0.0.1');
      const receiving = socket.receiveMessageFrom(Buffer.alloc(8));
      await sender.sendTo(Buffer.from('v4'), { address: '127.0.0.1', port: socket.localEndPoint.port });
      const result = await within(receiving);
      assert.deepEqual(result.remoteEndPoint, {
        address: '127.0.0.1',
        family: 'IPv4',
        port: sender.localEndPoint.port,
      });
      assert.deepEqual(result.packetInformation, { address: '127.0.0.1', interface: loopbackIndex() });
    },
  );

  test('any Uint8Array works as the buffer, a view into a larger buffer included', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    const backing = new Uint8Array(32).fill(0xee);
    const view = new Uint8Array(backing.buffer, 8, 4);
    const receiving = socket.receiveFrom(view);
    await sender.sendTo(new Uint8Array([1, 2, 3, 4, 5, 6]).subarray(1, 5), {
      address: '::1',
      port: socket.localEndPoint.port,
    });
    assert.equal((await within(receiving)).receivedBytes, 4);
    assert.deepEqual([...backing.subarray(6, 14)], [0xee, 0xee, 2, 3, 4, 5, 0xee, 0xee]);
  });
});

describe('sendTo: mapping, refusal and the source address', () => {
  test('maps an IPv4 destination on a dual-mode socket and resolves with the bytes sent', async (t) => {
    const socket = track(t, new Socket(Dgram, Udp));
    const receiver = client(t, '127.0.0.1');
    receiver.bind({ address: '127.0.0.1', port: 0 });
    const receiving = receiver.receiveFrom(Buffer.alloc(8));
    assert.equal(
      await socket.sendTo(Buffer.from('mapped'), { address: '127.0.0.1', port: receiver.localEndPoint.port }),
      6,
    );
    assert.equal((await within(receiving)).receivedBytes, 6);
  });

  test('refuses the wrong family exactly as bind does, synchronously', (t) => {
    const v4 = track(t, new Socket(V4, Dgram, Udp));
    assert.throws(
      () => v4.sendTo(Buffer.from([1]), { address: '::1', port: 9 }),
      socketError('EAFNOSUPPORT', 'sendmsg', { address: '::1', port: 9 }),
    );
    const v6only = track(t, new Socket(V6, Dgram, Udp));
    assert.throws(
      () => v6only.sendTo(Buffer.from([1]), { address: '127.0.0.1', port: 9 }),
      socketError('EAFNOSUPPORT', 'sendmsg', { address: '127.0.0.1', port: 9 }),
    );
    assert.equal(v6only.isBound, false, 'nothing was sent');
  });

  test('an unbound socket is bound by its first send, and keeps that port for receiveFrom() and toDgram()', async (t) => {
    const socket = track(t, new Socket(Dgram, Udp));
    assert.throws(() => socket.receiveFrom(Buffer.alloc(1)), coded(Error, 'ERR_SOCKET_NOT_BOUND'));
    const peer = client(t, '::1');
    peer.bind({ address: '::1', port: 0 });
    await socket.sendTo(Buffer.from('ping'), { address: '::1', port: peer.localEndPoint.port });
    const port = socket.localEndPoint.port;
    assert.notEqual(port, 0);
    const receiving = socket.receiveFrom(Buffer.alloc(8));
    await peer.sendTo(Buffer.from('pong'), { address: '::1', port });
    assert.equal((await within(receiving)).remoteEndPoint.port, peer.localEndPoint.port);
    const udp = socket.toDgram();
    t.after(() => udp.close());
    assert.equal(udp.address().port, port);
  });

  // The loopback network is 127.0.0.0/8: 127.0.0.2 is a second local address.
  testDualPacketInfo(
    "a reply without `from` leaves from the route's address; with `from` (plain or mapped) from the address asked",
    async (t) => {
      const server = dualServer(t, '::');
      const port = server.localEndPoint.port;
      const asker = track(t, new Socket(V4, Dgram, Udp));
      asker.bind({ address: '127.0.0.1', port: 0 });
      const askerEnd = { address: '127.0.0.1', port: asker.localEndPoint.port };
      const request = server.receiveMessageFrom(Buffer.alloc(16));
      await asker.sendTo(Buffer.from('q'), { address: '127.0.0.2', port });
      const { remoteEndPoint, packetInformation } = await within(request);
      assert.equal(packetInformation.address, '::ffff:127.0.0.2');

      const reply = async (from) => {
        const receiving = asker.receiveFrom(Buffer.alloc(16));
        await server.sendTo(Buffer.from('a'), askerEnd, from === undefined ? undefined : { from });
        return (await within(receiving)).remoteEndPoint.address;
      };
      assert.equal(await reply(undefined), '127.0.0.1', "the kernel picks the route's source");
      assert.equal(await reply(packetInformation), '127.0.0.2', 'packetInformation as received (mapped)');
      assert.equal(await reply({ address: '127.0.0.2' }), '127.0.0.2', 'plain IPv4 on a dual-mode socket');
      assert.equal(await reply({ address: '127.0.0.3', interface: loopbackIndex() }), '127.0.0.3');
      assert.equal(await reply({ address: '', interface: 0 }), '127.0.0.1', 'empty: the kernel chooses');
      assert.equal(remoteEndPoint.address, '::ffff:127.0.0.1');
    },
  );

  test(
    'an IPv4 socket sends from a chosen source with IP_PKTINFO',
    { skip: linuxOnly('127.0.0.0/8 on loopback') },
    async (t) => {
      const socket = track(t, new Socket(V4, Dgram, Udp));
      const receiver = client(t, '127.0.0.1');
      receiver.bind({ address: '127.0.0.1', port: 0 });
      const receiving = receiver.receiveFrom(Buffer.alloc(8));
      await socket.sendTo(
        Buffer.from('x'),
        { address: '127.0.0.1', port: receiver.localEndPoint.port },
        { from: { address: '127.0.0.9' } },
      );
      assert.equal((await within(receiving)).remoteEndPoint.address, '127.0.0.9');
    },
  );

  test("a source that is not local, or of the wrong kind, is the kernel's error as a rejected promise", async (t) => {
    const server = dualServer(t, '::');
    const to4 = { address: '127.0.0.1', port: 9 };
    await assert.rejects(
      server.sendTo(Buffer.from('x'), to4, { from: { address: '192.0.2.1' } }),
      (err) => ['EINVAL', 'EADDRNOTAVAIL', 'ENETUNREACH'].includes(err.code) && err.syscall === 'sendmsg',
    );
    await assert.rejects(
      server.sendTo(Buffer.from('x'), { address: '::1', port: 9 }, { from: { address: '2001:db8::1' } }),
      (err) => ['EINVAL', 'EADDRNOTAVAIL'].includes(err.code),
    );
    // A plain IPv6 source towards an IPv4 destination.
    await assert.rejects(
      server.sendTo(Buffer.from('x'), to4, { from: { address: '::1' } }),
      socketError('EINVAL', 'sendmsg'),
    );
  });

  test('a `from` address the socket cannot use is refused synchronously with EAFNOSUPPORT', (t) => {
    const v6only = track(t, new Socket(V6, Dgram, Udp));
    assert.throws(
      () => v6only.sendTo(Buffer.from([1]), { address: '::1', port: 9 }, { from: { address: '127.0.0.1' } }),
      socketError('EAFNOSUPPORT', 'sendmsg'),
    );
    const v4 = track(t, new Socket(V4, Dgram, Udp));
    assert.throws(
      () => v4.sendTo(Buffer.from([1]), { address: '127.0.0.1', port: 9 }, { from: { address: '::ffff:127.0.0.1' } }),
      socketError('EAFNOSUPPORT', 'sendmsg'),
    );
  });
});

describe('pending calls, cancellation and close', () => {
  testDualPacketInfo('several pending receives are served in the order they were made', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    const buffers = [0, 1, 2, 3, 4].map(() => Buffer.alloc(4));
    const pending = buffers.map((buffer, i) =>
      i % 2 ? socket.receiveFrom(buffer) : socket.receiveMessageFrom(buffer),
    );
    for (let i = 0; i < 5; i++)
      await sender.sendTo(Buffer.from([i]), { address: '::1', port: socket.localEndPoint.port });
    await within(Promise.all(pending));
    assert.deepEqual(
      buffers.map((b) => b[0]),
      [0, 1, 2, 3, 4],
    );
  });

  // With IPV6_RECVERR / IP_RECVERR (Linux 25 / 11) the ICMP port unreachable
  // of a send becomes an error pending on the socket: epoll reports POLLERR,
  // libuv stops the watcher, and the next recvmsg returns the error.
  test('an error the kernel reports on the socket rejects the first pending call alone; the next is served', async (t) => {
    const socket = dualServer(t, '::');
    const on = new Uint8Array(new Int32Array([1]).buffer);
    socket.setRawSocketOption(platform.IPPROTO_IPV6, 25, on);
    socket.setRawSocketOption(platform.IPPROTO_IP, 11, on);
    const closed = client(t, '::1');
    closed.bind({ address: '::1', port: 0 });
    const deadPort = closed.localEndPoint.port;
    closed.close();
    const first = socket.receiveFrom(Buffer.alloc(8));
    const second = socket.receiveFrom(Buffer.alloc(8));
    await socket.sendTo(Buffer.from('x'), { address: '::1', port: deadPort });
    await assert.rejects(within(first), socketError('ECONNREFUSED', 'recvmsg'));
    const sender = client(t, '::1');
    await sender.sendTo(Buffer.from('next'), { address: '::1', port: socket.localEndPoint.port });
    assert.equal((await within(second)).receivedBytes, 4);
  });

  testDualPacketInfo(
    '10,000 pending calls, then close(): each rejects with ECANCELED and the descriptor is closed once',
    async (t) => {
      const socket = dualServer(t, '::');
      const fd = socket.fd;
      const buffer = Buffer.alloc(1);
      const pending = [];
      for (let i = 0; i < 10000; i++)
        pending.push(i % 2 ? socket.receiveFrom(buffer) : socket.receiveMessageFrom(buffer));
      socket.close();
      assert.equal(socket.closed, true);
      const results = await Promise.allSettled(pending);
      assert.equal(results.length, 10000);
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.equal(result.reason.code, 'ECANCELED');
        assert.equal(result.reason.socketErrorCode, 'OperationAborted');
      }
      assert.match(results[0].reason.message, /^recvmsg ECANCELED: .*the Socket was closed/);
      assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' }, 'the descriptor is closed');
      assert.throws(() => socket.receiveFrom(buffer), coded(Error, 'ERR_SOCKET_CLOSED'));
    },
  );

  test('[Symbol.dispose]() cancels pending calls as close() does', async (t) => {
    const socket = dualServer(t, '::');
    const receiving = socket.receiveFrom(Buffer.alloc(1));
    socket[Symbol.dispose]();
    await assert.rejects(receiving, socketError('ECANCELED', 'recvmsg'));
  });

  test('an already aborted signal rejects without receiving: the datagram goes to the next call', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    await sender.sendTo(Buffer.from('kept'), { address: '::1', port: socket.localEndPoint.port });
    const controller = new AbortController();
    controller.abort(new Error('no thanks'));
    const aborted = socket.receiveFrom(Buffer.alloc(8), { signal: controller.signal });
    await assert.rejects(
      aborted,
      (err) => err.name === 'AbortError' && err.code === 'ABORT_ERR' && err.cause.message === 'no thanks',
    );
    assert.equal((await within(socket.receiveFrom(Buffer.alloc(8)))).receivedBytes, 4);
    // sendTo with an aborted signal sends nothing.
    const receiver = client(t, '::1');
    receiver.bind({ address: '::1', port: 0 });
    await assert.rejects(
      socket.sendTo(
        Buffer.from('no'),
        { address: '::1', port: receiver.localEndPoint.port },
        { signal: controller.signal },
      ),
      { name: 'AbortError' },
    );
    await assert.rejects(
      withTimeout(receiver.receiveFrom(Buffer.alloc(8), { signal: AbortSignal.timeout(100) }), 5000, 'abort'),
      { name: 'AbortError' },
    );
  });

  testDualPacketInfo('aborting a pending call rejects it alone; the others stay pending and are served', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '127.0.0.1');
    const controller = new AbortController();
    const first = socket.receiveFrom(Buffer.alloc(8));
    const second = socket.receiveMessageFrom(Buffer.alloc(8), { signal: controller.signal });
    const third = socket.receiveFrom(Buffer.alloc(8));
    controller.abort();
    await assert.rejects(second, { name: 'AbortError', code: 'ABORT_ERR' });
    const port = socket.localEndPoint.port;
    await sender.sendTo(Buffer.from('1'), { address: '127.0.0.1', port });
    await sender.sendTo(Buffer.from('22'), { address: '127.0.0.1', port });
    assert.equal((await within(first)).receivedBytes, 1);
    assert.equal((await within(third)).receivedBytes, 2);
  });

  test('a Socket that did I/O still hands off: pending calls reject with ECANCELED, the dgram.Socket gets the next datagram', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '127.0.0.1');
    const port = socket.localEndPoint.port;
    const done = socket.receiveFrom(Buffer.alloc(8));
    await sender.sendTo(Buffer.from('before'), { address: '127.0.0.1', port });
    await within(done);
    const pending = socket.receiveFrom(Buffer.alloc(8));
    const udp = socket.toDgram();
    t.after(() => udp.close());
    await assert.rejects(pending, socketError('ECANCELED', 'recvmsg', { message: /handed to a dgram.Socket/ }));
    assert.equal(udp.address().port, port);
    const message = new Promise((resolve) =>
      udp.once('message', (msg, rinfo) => resolve([String(msg), rinfo.address])),
    );
    await sender.sendTo(Buffer.from('after'), { address: '127.0.0.1', port });
    assert.deepEqual(await within(message), ['after', '::ffff:127.0.0.1']);
    assert.throws(() => socket.receiveFrom(Buffer.alloc(1)), coded(Error, 'ERR_SOCKET_DETACHED'));
  });

  testDualPacketInfo('detach() after I/O cancels pending calls and returns the open descriptor', async (t) => {
    const socket = dualServer(t, '::');
    const pending = socket.receiveMessageFrom(Buffer.alloc(8));
    const fd = socket.detach();
    await assert.rejects(pending, socketError('ECANCELED', 'recvmsg'));
    const adopted = track(t, Socket.fromFd(fd));
    const sender = client(t, '::1');
    const receiving = adopted.receiveFrom(Buffer.alloc(8));
    await sender.sendTo(Buffer.from('again'), { address: '::1', port: adopted.localEndPoint.port });
    assert.equal((await within(receiving)).receivedBytes, 5);
  });
});

describe('bad input and state: synchronous errors, nothing queued', () => {
  test('a stream or raw socket throws ERR_SOCKET_BAD_TYPE from all three methods', (t) => {
    const stream = track(t, new Socket(Stream, Tcp));
    for (const call of [
      () => stream.receiveFrom(Buffer.alloc(1)),
      () => stream.receiveMessageFrom(Buffer.alloc(1)),
      () => stream.sendTo(Buffer.alloc(1), { address: '::1', port: 9 }),
    ]) {
      assert.throws(call, coded(TypeError, 'ERR_SOCKET_BAD_TYPE', /needs a datagram socket/));
    }
    let raw;
    try {
      raw = track(t, new Socket(V4, Raw, ProtocolType.Icmp));
    } catch {
      return; // no raw sockets for this user
    }
    assert.throws(() => raw.receiveFrom(Buffer.alloc(1)), coded(TypeError, 'ERR_SOCKET_BAD_TYPE'));
  });

  test('an unbound socket refuses to receive with ERR_SOCKET_NOT_BOUND', (t) => {
    const socket = track(t, new Socket(Dgram, Udp));
    assert.throws(() => socket.receiveFrom(Buffer.alloc(1)), coded(Error, 'ERR_SOCKET_NOT_BOUND', /bind\(\) first/));
    assert.throws(() => socket.receiveMessageFrom(Buffer.alloc(1)), coded(Error, 'ERR_SOCKET_NOT_BOUND'));
  });

  test('closed and detached Sockets throw ERR_SOCKET_CLOSED and ERR_SOCKET_DETACHED', (t) => {
    const closed = new Socket(Dgram, Udp);
    closed.close();
    assert.throws(() => closed.sendTo(Buffer.alloc(1), { address: '::1', port: 9 }), coded(Error, 'ERR_SOCKET_CLOSED'));
    const detached = new Socket(Dgram, Udp);
    const fd = detached.detach();
    t.after(() => Socket.fromFd(fd).close());
    assert.throws(() => detached.receiveMessageFrom(Buffer.alloc(1)), coded(Error, 'ERR_SOCKET_DETACHED'));
  });

  test('bad buffers, endpoints, sources and signals throw Node-style codes', (t) => {
    const socket = dualServer(t, '::');
    const to = { address: '::1', port: 9 };
    const cases = [
      [() => socket.receiveFrom('text'), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.receiveFrom(new Uint16Array(2)), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.receiveMessageFrom(Buffer.alloc(1), 'opts'), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.receiveFrom(Buffer.alloc(1), { signal: {} }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(null, to), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(Buffer.alloc(1), null), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(Buffer.alloc(1), { address: 'localhost', port: 9 }), TypeError, 'ERR_INVALID_IP_ADDRESS'],
      [() => socket.sendTo(Buffer.alloc(1), { address: '1.2.3', port: 9 }), TypeError, 'ERR_INVALID_IP_ADDRESS'],
      [() => socket.sendTo(Buffer.alloc(1), { address: '::1', port: 65536 }), RangeError, 'ERR_SOCKET_BAD_PORT'],
      [() => socket.sendTo(Buffer.alloc(1), { address: 1, port: 9 }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: 'x' }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: { address: 'nope' } }), TypeError, 'ERR_INVALID_IP_ADDRESS'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: { address: 7 } }), TypeError, 'ERR_INVALID_ARG_TYPE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: { interface: -1 } }), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: { interface: 2 ** 32 } }), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { from: { interface: 1.5 } }), RangeError, 'ERR_OUT_OF_RANGE'],
      [() => socket.sendTo(Buffer.alloc(1), to, { signal: 'x' }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [call, Class, code] of cases) assert.throws(call, coded(Class, code), String(call));
    // Nothing was queued: the socket still receives normally.
    assert.equal(socket.closed, false);
  });

  test('a buffer backed by a SharedArrayBuffer is read and written safely', async (t) => {
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    const shared = new Uint8Array(new SharedArrayBuffer(8));
    const receiving = socket.receiveFrom(shared);
    await sender.sendTo(new Uint8Array(new SharedArrayBuffer(3)).fill(9), {
      address: '::1',
      port: socket.localEndPoint.port,
    });
    assert.equal((await within(receiving)).receivedBytes, 3);
    assert.deepEqual([...shared.subarray(0, 4)], [9, 9, 9, 0]);
  });
});

describe('platforms and async context', () => {
  testEverywhere(
    'on Windows the three methods throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM; on macOS only a dual-mode receiveMessageFrom does, as .NET',
    () => {
      const { spawnSync } = require('node:child_process');
      const path = require('node:path');
      // process.platform is read when the methods are called; the package is
      // loaded first, as on Linux.
      const code = `
      const { Socket, SocketType, ProtocolType, AddressFamily } = require('dualmode');
      const attempt = (call) => { try { const p = call(); p.catch(() => {}); return 'returned'; } catch (err) { return err.code; } };
      const results = {};
      const dual = new Socket(SocketType.Dgram, ProtocolType.Udp);
      dual.bind({ address: '::', port: 0 });
      const v6only = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
      v6only.bind({ address: '::1', port: 0 });
      Object.defineProperty(process, 'platform', { value: 'win32', configurable: true });
      results.win32 = [
        attempt(() => dual.receiveFrom(Buffer.alloc(1))),
        attempt(() => dual.receiveMessageFrom(Buffer.alloc(1))),
        attempt(() => dual.sendTo(Buffer.alloc(1), { address: '::1', port: 9 })),
      ];
      Object.defineProperty(process, 'platform', { value: 'darwin', configurable: true });
      results.darwin = [
        attempt(() => dual.receiveMessageFrom(Buffer.alloc(1))),
        attempt(() => v6only.receiveMessageFrom(Buffer.alloc(1))),
        attempt(() => dual.receiveFrom(Buffer.alloc(1))),
      ];
      results.open = !dual.closed && !v6only.closed;
      dual.close();
      v6only.close();
      process.stdout.write(JSON.stringify(results));
    `;
      const run = spawnSync(process.execPath, ['-e', code], {
        cwd: path.join(__dirname, '..'),
        encoding: 'utf8',
        timeout: 20000,
      });
      assert.equal(run.status, 0, run.stderr);
      const unavailable = 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM';
      assert.deepEqual(JSON.parse(run.stdout), {
        win32: [unavailable, unavailable, unavailable],
        darwin: [unavailable, 'returned', 'returned'],
        open: true,
      });
    },
  );

  test('an AsyncLocalStorage store set around a call is there after it resolves', async (t) => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const storage = new AsyncLocalStorage();
    const socket = dualServer(t, '::');
    const sender = client(t, '::1');
    const seen = storage.run('request 1', async () => {
      await socket.receiveFrom(Buffer.alloc(8));
      return storage.getStore();
    });
    await sender.sendTo(Buffer.from('als'), { address: '::1', port: socket.localEndPoint.port });
    assert.equal(await within(seen), 'request 1');
  });
});
