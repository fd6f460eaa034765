'use strict';
// close(), detach(), fromFd() and what a Socket may touch in each state.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel,
  SocketOptionName,
  platform,
} = require('dualmode');
const { checkSocketLeaks, track, socketError, coded, linuxOnly, noHandOffs, noFileDescriptors } = require('./helpers');

checkSocketLeaks();

/** Every member of a Socket except close, [Symbol.dispose] and the always-readable getters. */
const members = {
  fd: (s) => s.fd,
  dualMode: (s) => s.dualMode,
  'dualMode =': (s) => {
    s.dualMode = true;
  },
  isBound: (s) => s.isBound,
  localEndPoint: (s) => s.localEndPoint,
  remoteEndPoint: (s) => s.remoteEndPoint,
  getSocketOption: (s) => s.getSocketOption(SocketOptionLevel.Socket, SocketOptionName.Type),
  setSocketOption: (s) => s.setSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true),
  getRawSocketOption: (s) => s.getRawSocketOption(platform.SOL_SOCKET, platform.SO_TYPE, new Uint8Array(4)),
  setRawSocketOption: (s) => s.setRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, new Uint8Array(4)),
  bind: (s) => s.bind({ address: '::1', port: 0 }),
  listen: (s) => s.listen(),
  detach: (s) => s.detach(),
};

function isOpen(fd) {
  try {
    fs.fstatSync(fd);
    return true;
  } catch (err) {
    assert.equal(err.code, 'EBADF');
    return false;
  }
}

test('close() closes the fd, sets closed, and a second close() does nothing', (t) => {
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  const fd = socket.fd;
  assert.equal(socket.closed, false);
  assert.equal(isOpen(fd), true);
  socket.close();
  assert.equal(socket.closed, true);
  assert.equal(isOpen(fd), false);
  assert.doesNotThrow(() => socket.close());
  assert.doesNotThrow(() => socket[Symbol.dispose]());
  t.diagnostic(`closed fd ${fd}`);
});

test('[Symbol.dispose]() closes the socket', () => {
  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  const fd = socket.fd;
  socket[Symbol.dispose]();
  assert.equal(socket.closed, true);
  assert.equal(isOpen(fd), false);
});

test('after close every member throws ERR_SOCKET_CLOSED (DualMode_Throws_ObjectDisposed, LocalEndPoint_Throws_ObjectDisposed, ...)', async (t) => {
  for (const [name, use] of Object.entries(members)) {
    await t.test(name, () => {
      const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
      socket.close();
      assert.throws(() => use(socket), coded(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed'));
    });
  }
});

test('after close the family, type, protocol and closed stay readable', () => {
  const socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
  socket.close();
  assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(socket.socketType, SocketType.Dgram);
  assert.equal(socket.protocolType, ProtocolType.Udp);
  assert.equal(socket.closed, true);
});

test('a closed IPv4 socket still reports dualMode false and still refuses the setter with ERR_NOT_SUPPORTED, as .NET checks the family first', () => {
  const socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
  socket.close();
  assert.equal(socket.dualMode, false);
  assert.throws(
    () => {
      socket.dualMode = true;
    },
    coded(Error, 'ERR_NOT_SUPPORTED'),
  );
  assert.throws(() => socket.fd, coded(Error, 'ERR_SOCKET_CLOSED'));
});

test('detach() gives the fd to the caller: it stays open and every member then throws ERR_SOCKET_DETACHED naming detach()', async (t) => {
  for (const [name, use] of Object.entries(members)) {
    await t.test(name, () => {
      const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
      const fd = socket.detach();
      try {
        assert.throws(() => use(socket), coded(Error, 'ERR_SOCKET_DETACHED', /detach\(\)/));
        socket.close(); // does nothing: the fd is no longer ours
        assert.equal(isOpen(fd), true);
        assert.equal(socket.closed, false);
      } finally {
        Socket.fromFd(fd).close();
      }
    });
  }
});

test('detach() returns the very fd, and fromFd() adopts that very fd with its family, type and protocol', () => {
  const cases = [
    [AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp],
    [AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp],
    [AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp],
    [AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp],
  ];
  for (const [family, type, protocol] of cases) {
    const socket = new Socket(family, type, protocol);
    const fd = socket.fd;
    assert.equal(socket.detach(), fd);
    const adopted = Socket.fromFd(fd);
    assert.equal(adopted.fd, fd, 'no dup');
    assert.equal(adopted.addressFamily, family);
    assert.equal(adopted.socketType, type);
    assert.equal(adopted.protocolType, protocol);
    adopted.close();
    assert.equal(isOpen(fd), false);
  }
});

test('an adopted fd keeps its options and binding: dual mode and endpoint read from the kernel', (t) => {
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  socket.bind({ address: '127.0.0.1', port: 0 });
  const { port } = socket.localEndPoint;
  const adopted = track(t, Socket.fromFd(socket.detach()));
  assert.equal(adopted.dualMode, true);
  assert.equal(adopted.isBound, true);
  assert.deepEqual(adopted.localEndPoint, { address: '::ffff:127.0.0.1', family: 'IPv6', port });
});

test(
  'fromFd() refuses a file that is not a socket with ENOTSOCK and leaves it open',
  { skip: noFileDescriptors },
  (t) => {
    const file = path.join(os.tmpdir(), `dualmode-${process.pid}-notsock`);
    const fd = fs.openSync(file, 'w+');
    t.after(() => {
      fs.closeSync(fd);
      fs.unlinkSync(file);
    });
    assert.throws(() => Socket.fromFd(fd), socketError('ENOTSOCK', 'getsockopt', { message: new RegExp(`fd ${fd} `) }));
    assert.equal(isOpen(fd), true);
  },
);

test('fromFd() refuses a closed fd with EBADF', { skip: noFileDescriptors }, () => {
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  const fd = socket.fd;
  socket.close();
  assert.throws(() => Socket.fromFd(fd), socketError('EBADF', 'getsockopt'));
});

test(
  'fromFd() refuses a Unix domain socket with EAFNOSUPPORT and leaves it open and working',
  { skip: noFileDescriptors },
  async (t) => {
    const file = path.join(os.tmpdir(), `dualmode-${process.pid}.sock`);
    const server = net.createServer((c) => c.end('ok'));
    await new Promise((resolve) => server.listen(file, resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    assert.throws(
      () => Socket.fromFd(server._handle.fd),
      socketError('EAFNOSUPPORT', 'getsockopt', { message: /not an IPv4 or IPv6 socket; it was left open/ }),
    );
    const reply = await new Promise((resolve, reject) => {
      const client = net.connect(file);
      let data = '';
      client.on('data', (chunk) => (data += chunk));
      client.on('end', () => resolve(data));
      client.on('error', reject);
    });
    assert.equal(reply, 'ok');
  },
);

test('a closed Socket never reaches a file that reuses its fd number', { skip: noFileDescriptors }, (t) => {
  const file = path.join(os.tmpdir(), `dualmode-${process.pid}-reuse`);
  fs.writeFileSync(file, 'untouched');
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  const number = socket.fd;
  socket.close();
  const fd = fs.openSync(file, 'r+');
  t.after(() => {
    fs.closeSync(fd);
    fs.unlinkSync(file);
  });
  assert.equal(fd, number, 'the kernel reused the lowest free number');
  for (const use of Object.values(members)) assert.throws(() => use(socket), coded(Error, 'ERR_SOCKET_CLOSED'));
  socket.close();
  socket[Symbol.dispose]();
  assert.equal(isOpen(fd), true);
  assert.equal(fs.readFileSync(file, 'utf8'), 'untouched');
  assert.equal(fs.fstatSync(fd).isFile(), true);
});

test('a detached Socket never reaches its old fd after the new owner closed it and the number was reused', (t) => {
  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  const fd = socket.detach();
  Socket.fromFd(fd).close();
  const other = track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
  assert.equal(other.fd, fd, 'the number was reused');
  other.dualMode = false;
  for (const use of Object.values(members)) assert.throws(() => use(socket), coded(Error, 'ERR_SOCKET_DETACHED'));
  socket.close();
  assert.equal(other.dualMode, false, 'the new socket is untouched');
  assert.equal(other.fd, fd);
});

test(
  'every socket is created close-on-exec: the kernel flag is set and a spawned child does not inherit it',
  { skip: linuxOnly("reads /proc/self/fdinfo and a child's /proc/<pid>/fd") },
  (t) => {
    const { spawnSync } = require('node:child_process');
    const sockets = [
      track(t, new Socket(SocketType.Stream, ProtocolType.Tcp)),
      track(t, new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)),
    ];
    const O_CLOEXEC = 0o2000000;
    for (const socket of sockets) {
      const flags = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${socket.fd}`, 'utf8'))[1];
      assert.ok((parseInt(flags, 8) & O_CLOEXEC) !== 0, `fd ${socket.fd} has O_CLOEXEC`);
    }
    const child = spawnSync('sh', ['-c', 'ls /proc/$$/fd'], { encoding: 'utf8', timeout: 10000 });
    assert.equal(child.status, 0, child.stderr);
    const inherited = child.stdout.split(/\s+/).filter(Boolean).map(Number);
    for (const socket of sockets) assert.ok(!inherited.includes(socket.fd), `fd ${socket.fd} was inherited`);
  },
);

test(
  'a Socket collected while it owns its fd closes it with a DUALMODE_SOCKET_GC warning; detached and handed-off fds are never touched',
  { skip: noHandOffs },
  () => {
    const { spawnSync } = require('node:child_process');
    const run = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'gc.js')], {
      encoding: 'utf8',
      timeout: 20000,
      cwd: path.join(__dirname, '..'),
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.ownedClosed, true, 'the owned fd was closed on collection');
    assert.deepEqual(result.warnings, ['DUALMODE_SOCKET_GC'], 'one warning, for the one owned fd');
    assert.equal(result.detachedOpen, true, 'a detached fd belongs to the caller');
    assert.equal(result.serverStillServes, true, 'a handed-off fd belongs to Node');
  },
);
