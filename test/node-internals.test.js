'use strict';
// src/node-internals.ts: every read of Node's private state (server._handle,
// socket._handle, dgram's 'state symbol'), pinned against real Node objects
// on loopback. Each read must give the descriptor the kernel says the object
// has: the fd is adopted with Socket.fromFd() (then given back with detach(),
// never closed), and its getsockname/getpeername must be the object's own
// address. A Node release that moves one of these internals fails here,
// by name, before any hand-off misbehaves.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const { once } = require('node:events');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test, after } = require('node:test');
const esbuild = require('esbuild');
const { Socket } = require('dualmode');
const { checkSocketLeaks } = require('./helpers');

const TIMEOUT = { timeout: 5000 };

// The module is not exported by the package (dist/index.js bundles it): it
// is compiled from src/ here, alone (it has no runtime imports).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-node-internals-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const compiled = path.join(dir, 'node-internals.js');
const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'node-internals.ts'), 'utf8');
fs.writeFileSync(
  compiled,
  esbuild.transformSync(source, { loader: 'ts', format: 'cjs', platform: 'node', target: 'node20' }).code,
);
const internals = require(compiled);

// After the compile: esbuild's service keeps its pipes open.
checkSocketLeaks();

test('src/node-internals.ts exports exactly the reads this file pins', () => {
  assert.deepEqual(Object.keys(internals).sort(), ['dgramFd', 'netSocketFd', 'serverFd', 'serverHasHandle']);
});

/** The kernel's view of `fd` through the package: [getsockname, getpeername], the fd left open. */
function kernelView(fd) {
  const socket = Socket.fromFd(fd);
  try {
    return { local: socket.localEndPoint, remote: socket.remoteEndPoint };
  } finally {
    assert.equal(socket.detach(), fd);
  }
}

/** What /proc says `fd` is (socket:[inode]), or null on another OS. */
function procTarget(fd) {
  return process.platform === 'linux' ? fs.readlinkSync(`/proc/self/fd/${fd}`) : null;
}

async function listeningServer(t, host) {
  const server = net.createServer((conn) => conn.destroy());
  t.after(() => server.close());
  server.listen({ host, port: 0 });
  await once(server, 'listening');
  return server;
}

for (const host of ['127.0.0.1', '::1']) {
  test(
    `serverHasHandle and serverFd (net.Server#_handle.fd, lib/net.js) on a server listening on ${host}`,
    TIMEOUT,
    async (t) => {
      const idle = net.createServer();
      assert.equal(internals.serverHasHandle(idle), false, 'net.Server#_handle is null before listen()');
      assert.equal(internals.serverFd(idle), undefined);

      const server = await listeningServer(t, host);
      assert.equal(
        internals.serverHasHandle(server),
        true,
        'net.Server#_handle is set by listen() (lib/net.js setupListenHandle)',
      );
      const fd = internals.serverFd(server);
      assert.equal(typeof fd, 'number', "net.Server#_handle.fd (the TCP wrap's fd getter) no longer gives a number");
      const { address, port } = server.address();
      assert.deepEqual(
        kernelView(fd).local,
        { address, family: host.includes(':') ? 'IPv6' : 'IPv4', port },
        "net.Server#_handle.fd is not the listening socket's descriptor",
      );
      assert.match(procTarget(fd) ?? 'socket:[0]', /^socket:\[\d+\]$/);

      server.close();
      await once(server, 'close');
      assert.equal(internals.serverHasHandle(server), false, 'net.Server#_handle is null again after close()');
      assert.equal(internals.serverFd(server), undefined);
    },
  );

  test(`netSocketFd (net.Socket#_handle.fd, lib/net.js) on a connected socket to ${host}`, TIMEOUT, async (t) => {
    const server = await listeningServer(t, host);
    const { port } = server.address();
    const client = net.connect({ host, port });
    t.after(() => client.destroy());
    await once(client, 'connect');
    const fd = internals.netSocketFd(client);
    assert.equal(typeof fd, 'number', "net.Socket#_handle.fd (the TCP wrap's fd getter) no longer gives a number");
    const family = host.includes(':') ? 'IPv6' : 'IPv4';
    assert.deepEqual(
      kernelView(fd),
      {
        local: { address: client.localAddress, family, port: client.localPort },
        remote: { address: host, family, port },
      },
      "net.Socket#_handle.fd is not the connected socket's descriptor",
    );
    client.destroy();
    await once(client, 'close');
    assert.equal(internals.netSocketFd(client), undefined, 'net.Socket#_handle is null once destroyed');
  });

  const type = host.includes(':') ? 'udp6' : 'udp4';
  test(
    `dgramFd (dgram.Socket[kStateSymbol].handle.fd, lib/dgram.js) on a ${type} socket bound to ${host}`,
    TIMEOUT,
    async (t) => {
      const udp = dgram.createSocket(type);
      t.after(() => {
        try {
          udp.close();
        } catch {
          // closed by the test
        }
      });
      assert.ok(
        Object.getOwnPropertySymbols(udp).some((s) => s.description === 'state symbol'),
        "dgram.Socket has no own 'state symbol' property (lib/internal/dgram.js kStateSymbol)",
      );
      assert.equal(internals.dgramFd(udp), undefined, 'an unbound dgram.Socket has no descriptor yet');
      udp.bind(0, host);
      await once(udp, 'listening');
      const fd = internals.dgramFd(udp);
      assert.equal(
        typeof fd,
        'number',
        "dgram.Socket[kStateSymbol].handle.fd (the UDP wrap's fd getter) no longer gives a number",
      );
      assert.deepEqual(
        kernelView(fd).local,
        udp.address(),
        "dgram.Socket[kStateSymbol].handle.fd is not the bound socket's descriptor",
      );
      udp.close();
      await once(udp, 'close');
      assert.equal(internals.dgramFd(udp), undefined, 'dgram.Socket[kStateSymbol].handle is null once closed');
    },
  );
}
