'use strict';
const {
  checkSocketLeaks,
  track,
  connectError,
  childEnv,
  startExample,
  noHandOffs,
  testsNeeding,
} = require('./helpers');
checkSocketLeaks();
const test = testsNeeding(noHandOffs);

// The hand-off examples (echo-server, http-server, udp-responder, systemd-fd)
// run as a user would run them: each is a child process that prints
// `listening on [::]:<port>`, is talked to over IPv4 (127.0.0.1) and IPv6
// (::1), and must exit 0 on SIGTERM or SIGINT. Every step is bounded.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const dgram = require('node:dgram');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { Socket, AddressFamily, SocketType, ProtocolType } = require('dualmode');

const root = path.join(__dirname, '..');
const WAIT_MS = 10_000;
const LISTENING = /^listening on \[::\]:(\d+)$/;

/** `promise`, or a rejection naming `what` when it takes longer than `ms`. */
function bounded(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The port of an example's `listening on [::]:<port>` line. */
async function listeningPort(example) {
  const port = Number((await example.line(LISTENING))[1]);
  assert.ok(Number.isInteger(port) && port > 0 && port <= 65535, `port ${port}`);
  return port;
}

/** Connects to host:port, sends `payload` (then half-closes) and resolves with all it read before the close. */
function exchange(host, port, payload = '') {
  return bounded(
    new Promise((resolve, reject) => {
      let text = '';
      let localAddress;
      const client = net.connect({ host, port }, () => {
        localAddress = client.localAddress;
        client.end(payload);
      });
      client.setEncoding('utf8');
      client.on('data', (chunk) => (text += chunk));
      client.on('error', reject);
      client.on('close', () => resolve({ text, localAddress }));
    }),
    `a TCP client of ${host}:${port}`,
  );
}

/** An HTTP GET of http://host:port/ with `agent`; resolves with { status, body }. */
function get(host, port, agent = false) {
  return bounded(
    new Promise((resolve, reject) => {
      const request = http.get({ host, port, path: '/', agent }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body }));
        response.on('error', reject);
      });
      request.on('error', reject);
    }),
    `GET http://${net.isIPv6(host) ? `[${host}]` : host}:${port}/`,
  );
}

/** Sends one datagram from a udp4/udp6 socket to host:port and resolves with the answer's text. */
function datagram(type, host, port, payload) {
  const udp = dgram.createSocket(type);
  return bounded(
    new Promise((resolve, reject) => {
      udp.on('error', reject);
      udp.on('message', (message, rinfo) => resolve({ text: String(message), from: rinfo }));
      udp.send(payload, port, host);
    }),
    `a datagram to ${host}:${port}`,
  ).finally(() => udp.close());
}

/** A port that was free a moment ago (bound to [::]:0, then closed). */
function freePort(t) {
  const probe = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  probe.bind({ address: '::', port: 0 });
  const { port } = probe.localEndPoint;
  probe.close();
  return port;
}

test('examples/echo-server.js echoes over IPv4 and IPv6 and exits 0 on SIGTERM', async (t) => {
  const example = startExample(t, 'echo-server.js');
  const port = await listeningPort(example);

  const v4 = await exchange('127.0.0.1', port, 'hello over IPv4\n');
  assert.equal(v4.localAddress, '127.0.0.1');
  assert.equal(v4.text, 'hello over IPv4\n');

  const big = `${'0123456789abcdef'.repeat(8192)}\n`; // 128 KiB: more than one read
  const v6 = await exchange('::1', port, big);
  assert.equal(v6.localAddress, '::1');
  assert.equal(v6.text.length, big.length);
  assert.equal(v6.text, big);

  assert.deepEqual(await example.stop('SIGTERM'), { code: 0, signal: null });
  assert.equal(example.stderr, '');
  assert.deepEqual(example.stdout.split('\n'), [`listening on [::]:${port}`, '']);
  assert.equal(await connectError('127.0.0.1', port), 'ECONNREFUSED', 'the listener closed with the process');
});

test('examples/echo-server.js listens on the port given as its argument and exits 0 on SIGINT with a client still connected', async (t) => {
  const wanted = freePort(t);
  const example = startExample(t, 'echo-server.js', { args: [String(wanted)] });
  assert.equal(await listeningPort(example), wanted);

  // A client that stays connected must not keep the server from exiting.
  const client = net.connect({ host: '::1', port: wanted });
  t.after(() => client.destroy());
  client.setEncoding('utf8');
  const clientClosed = new Promise((resolve) => client.once('close', resolve));
  client.on('error', () => {});
  const echoed = new Promise((resolve) => client.once('data', resolve));
  client.write('still here');
  assert.equal(await bounded(echoed, 'the echo to the lingering client'), 'still here');

  assert.deepEqual(await example.stop('SIGINT'), { code: 0, signal: null });
  await bounded(clientClosed, 'the lingering client being disconnected');
  assert.equal(example.stderr, '');
});

test('examples/http-server.js answers IPv4 clients as ::ffff:127.0.0.1 and IPv6 clients as ::1, and exits 0 on SIGTERM despite a keep-alive connection', async (t) => {
  const example = startExample(t, 'http-server.js');
  const port = await listeningPort(example);

  assert.deepEqual(await get('127.0.0.1', port), { status: 200, body: 'hello ::ffff:127.0.0.1\n' });
  assert.deepEqual(await get('::1', port), { status: 200, body: 'hello ::1\n' });

  // A keep-alive connection left open in the agent's pool. The example must
  // drop it at once: waiting for Node's keep-alive timeout (5 s) is too late.
  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  assert.deepEqual(await get('127.0.0.1', port, agent), { status: 200, body: 'hello ::ffff:127.0.0.1\n' });
  assert.equal(Object.keys(agent.freeSockets).length, 1, 'the connection is kept alive');

  assert.deepEqual(await example.stop('SIGTERM', 3000), { code: 0, signal: null });
  assert.equal(example.stderr, '');
  assert.equal(await connectError('::1', port), 'ECONNREFUSED');
});

test('examples/udp-responder.js answers every datagram with the sender address, IPv4 senders as ::ffff:127.0.0.1', async (t) => {
  const example = startExample(t, 'udp-responder.js');
  const port = await listeningPort(example);

  const v4 = await datagram('udp4', '127.0.0.1', port, 'who am I?');
  assert.equal(v4.text, 'you are ::ffff:127.0.0.1');
  assert.equal(v4.from.address, '127.0.0.1', 'the answer came back over IPv4');
  assert.equal(v4.from.port, port);

  const v6 = await datagram('udp6', '::1', port, 'and me?');
  assert.equal(v6.text, 'you are ::1');
  assert.equal(v6.from.address, '::1');
  assert.equal(v6.from.port, port);

  assert.deepEqual(await example.stop('SIGTERM'), { code: 0, signal: null });
  assert.equal(example.stderr, '');
});

test('examples/systemd-fd.js adopts the dual-mode listener passed as fd 3 with LISTEN_FDS=1 and serves IPv4 and IPv6 clients', async (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  socket.bind({ address: '::', port: 0 });
  socket.listen();
  const { port } = socket.localEndPoint;
  const example = startExample(t, 'systemd-fd.js', { env: { LISTEN_FDS: '1', LISTEN_PID: undefined }, fd3: socket.fd });
  socket.close(); // the child has its own copy now; this one must not keep the port open

  assert.equal(await listeningPort(example), port);
  assert.deepEqual(example.stdout.split('\n'), [
    'addressFamily: InterNetworkV6',
    'dualMode: true',
    `listening on [::]:${port}`,
    '',
  ]);

  const v4 = await exchange('127.0.0.1', port);
  assert.equal(v4.text, 'hello ::ffff:127.0.0.1\n');
  const v6 = await exchange('::1', port);
  assert.equal(v6.text, 'hello ::1\n');

  assert.deepEqual(await example.stop('SIGTERM'), { code: 0, signal: null });
  assert.equal(example.stderr, '');
  assert.equal(await connectError('127.0.0.1', port), 'ECONNREFUSED', 'no copy of the listener is left open');
});

test('examples/systemd-fd.js accepts LISTEN_PID equal to its own pid and reports an IPv6-only listener as such', async (t) => {
  const socket = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.dualMode, false);
  socket.bind({ address: '::', port: 0 });
  socket.listen();
  const { port } = socket.localEndPoint;
  const example = startExample(t, 'systemd-fd.js', {
    env: { LISTEN_FDS: '1', LISTEN_PID: undefined },
    fd3: socket.fd,
    viaShell: true, // sh -c 'LISTEN_PID=$$ exec node examples/systemd-fd.js'
  });
  socket.close();

  assert.equal(await listeningPort(example), port);
  assert.deepEqual(example.stdout.split('\n').slice(0, 2), ['addressFamily: InterNetworkV6', 'dualMode: false']);
  assert.equal((await exchange('::1', port)).text, 'hello ::1\n');
  assert.equal(await connectError('127.0.0.1', port), 'ECONNREFUSED', 'an IPv6-only listener refuses IPv4');

  assert.deepEqual(await example.stop('SIGTERM'), { code: 0, signal: null });
  assert.equal(example.stderr, '');
});

test('examples/systemd-fd.js explains and exits 1 without LISTEN_FDS, or when LISTEN_PID names another process', () => {
  const script = path.join(root, 'examples', 'systemd-fd.js');
  const run = (env) =>
    spawnSync(process.execPath, [script], { cwd: root, env: childEnv(env), encoding: 'utf8', timeout: WAIT_MS });

  const missing = run({ LISTEN_FDS: undefined, LISTEN_PID: undefined });
  assert.equal(missing.error, undefined);
  assert.equal(missing.status, 1, missing.stderr);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /No socket was passed to this process/);

  const otherPid = run({ LISTEN_FDS: '1', LISTEN_PID: String(process.pid) }); // this test's pid, not the child's
  assert.equal(otherPid.error, undefined);
  assert.equal(otherPid.status, 1, otherPid.stderr);
  assert.equal(otherPid.stdout, '');
  assert.match(otherPid.stderr, /No socket was passed to this process/);
});
