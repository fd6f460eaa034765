'use strict';
// Load: one toServer() echo server, 500 clients connected to it at the same
// time (half IPv4, half IPv6), 64 KiB of seeded bytes each, every byte
// checked on the way back. The clients run in a child process
// (fixtures/echo-clients.js) so that each process holds about 500 sockets,
// well inside a default descriptor limit of 1024; the child waits until the
// server has accepted all 500 before any client sends.
const assert = require('node:assert/strict');
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { test } = require('node:test');
const { Socket, SocketType, ProtocolType, getDualMode } = require('dualmode');
const { checkSocketLeaks, openSockets } = require('../helpers');
const { bounded, settle, payload, fdLimit, openFdCount } = require('./fixtures/common');

checkSocketLeaks();

const CLIENTS = 500;
const SIZE = 64 * 1024;
const BOUND_MS = 60_000; // the whole exchange
const fixture = path.join(__dirname, 'fixtures', 'echo-clients.js');

/** Forks the client process; its messages are queued, `next(kind)` takes the next one (bounded). */
function startClients(t, port) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const child = fork(fixture, [String(port), String(CLIENTS)], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const queue = [];
  const waiters = [];
  let ended = null;
  child.on('message', (message) => (waiters.length > 0 ? waiters.shift().resolve(message) : queue.push(message)));
  child.once('exit', (code, signal) => {
    ended = `the client process exited (code ${code}, signal ${signal}):\n${output}`;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${waiter.what}: ${ended}`));
  });
  return {
    output: () => output,
    exited: (ms) => bounded(exited, ms, 'the client process ending'),
    send: (message) => child.send(message),
    next(what, ms) {
      return bounded(
        new Promise((resolve, reject) => {
          if (queue.length > 0) resolve(queue.shift());
          else if (ended) reject(new Error(`${what}: ${ended}`));
          else waiters.push({ what, resolve, reject });
        }),
        ms,
        what,
      );
    },
  };
}

test('a toServer() echo server holds 500 concurrent clients, half IPv4 and half IPv6, and echoes 64 KiB to each byte for byte', async (t) => {
  // Each process needs CLIENTS sockets plus what it has open already.
  const needed = CLIENTS + openFdCount() + 64;
  const limit = fdLimit();
  if (limit < needed) {
    return t.skip(`the descriptor limit (ulimit -n) is ${limit}; this test needs ${needed} per process`);
  }
  const started = Date.now();
  const before = openSockets();

  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  assert.equal(socket.dualMode, true);
  let server;
  try {
    server = socket.toServer(); // [::]:0, backlog 511
  } finally {
    socket.close(); // does nothing after a hand-off
  }
  const live = new Set();
  const seen = []; // per accepted connection: remote address, bytes received, error
  let serverError = null;
  server.on('error', (err) => (serverError = err));
  server.on('connection', (conn) => {
    const record = { remoteAddress: conn.remoteAddress, remoteFamily: conn.remoteFamily, bytes: 0, error: null };
    seen.push(record);
    live.add(conn);
    conn.on('data', (chunk) => (record.bytes += chunk.length));
    conn.on('error', (err) => (record.error = err.code));
    conn.on('close', () => live.delete(conn));
    conn.pipe(conn);
  });
  t.after(async () => {
    for (const conn of live) conn.destroy();
    if (server.listening) await bounded(new Promise((resolve) => server.close(resolve)), 5000, 'closing the server');
  });
  assert.equal(getDualMode(server), true);
  const { port } = server.address();

  const clients = startClients(t, port);
  const connected = await clients.next('all 500 clients connecting', 30_000);
  assert.equal(connected.kind, 'connected');
  assert.equal(connected.clients.length, CLIENTS);
  assert.deepEqual(
    connected.clients.filter((c) => c.error !== null),
    [],
    'no client failed to connect',
  );
  for (const c of connected.clients) {
    // A dual-mode Socket is an IPv6 socket: its IPv4 address shows mapped.
    const local = c.via === 'Socket (dual mode)' ? `::ffff:${c.host}` : c.host;
    assert.equal(c.localAddress, local, `client ${c.i} (${c.via}) to ${c.host}`);
  }

  // All 500 are open at once, on the server's side too, before any byte moves.
  const all = await settle(() => live.size === CLIENTS, 20_000);
  assert.ok(all, `the server accepted ${live.size} of ${CLIENTS} connections`);
  assert.equal(seen.length, CLIENTS, 'one connection per client, none dropped and retried');
  assert.ok(
    seen.every((r) => r.bytes === 0),
    'nothing was sent before every client was connected',
  );

  clients.send('go');
  const remaining = BOUND_MS - (Date.now() - started);
  const done = await clients.next('all 500 echoes', Math.max(remaining, 1));
  assert.equal(done.kind, 'done');
  assert.equal(done.results.length, CLIENTS);
  for (const r of done.results) {
    const what = `client ${r.i} (${r.via} to ${r.host})`;
    assert.equal(r.error, null, what);
    assert.equal(r.received, SIZE, `${what}: bytes echoed`);
    assert.equal(r.mismatchAt, -1, `${what}: first wrong byte`);
    const expected = crypto
      .createHash('sha256')
      .update(payload(r.i + 1, SIZE))
      .digest('hex');
    assert.equal(r.sha256, expected, `${what}: the echo is the payload`);
  }
  assert.equal(new Set(done.results.map((r) => r.sha256)).size, CLIENTS, 'every client sent its own bytes');

  // The server side: every connection got 64 KiB, half from each family.
  assert.ok(await settle(() => live.size === 0, 5000), `${live.size} server connections still open`);
  assert.equal(serverError, null, 'the server emitted no error');
  assert.deepEqual(
    seen.filter((r) => r.bytes !== SIZE || r.error !== null),
    [],
    'every server connection received exactly 64 KiB and ended cleanly',
  );
  const byAddress = {};
  for (const r of seen) {
    const key = `${r.remoteAddress} ${r.remoteFamily}`;
    byAddress[key] = (byAddress[key] ?? 0) + 1;
  }
  assert.deepEqual(byAddress, { '::ffff:127.0.0.1 IPv6': CLIENTS / 2, '::1 IPv6': CLIENTS / 2 });

  assert.deepEqual(await clients.exited(5000), { code: 0, signal: null }, clients.output());
  assert.equal(clients.output(), '', 'the client process wrote nothing (no error, no warning)');
  const elapsed = Date.now() - started;
  assert.ok(elapsed < BOUND_MS, `took ${elapsed} ms`);
  t.diagnostic(`500 clients x 64 KiB echoed in ${elapsed} ms`);

  const closing = new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  await bounded(closing, 5000, 'closing the server');
  assert.ok(await settle(() => JSON.stringify(openSockets()) === JSON.stringify(before), 1000));
  assert.deepEqual(openSockets(), before, 'no descriptor left behind');
});
