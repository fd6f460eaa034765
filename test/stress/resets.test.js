'use strict';
// Faults: peers that go away in the middle of a transfer. Clients stream
// to a toServer() echo server and, once half their bytes have come back,
// either destroy() their socket (close(); the kernel sends FIN, or RST when
// echoed bytes are still unread) or resetAndDestroy() it (always RST). Every
// server connection must end with 'close' (after 'end' or an ECONNRESET /
// EPIPE 'error'), the server must keep listening and serve new clients of
// both families byte for byte, and no descriptor may be left behind.
const assert = require('node:assert/strict');
const net = require('node:net');
const { test } = require('node:test');
const { Socket, AddressFamily, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks, openSockets } = require('../helpers');
const { bounded, settle, payload } = require('./fixtures/common');

checkSocketLeaks();

const PER_GROUP = 32; // clients per way of leaving
const TOTAL_BYTES = 256 * 1024; // what each client would send
const CHUNK = 16 * 1024;
const WINDOW = 64 * 1024; // bytes a client has in flight at most
const WAIT_MS = 30_000;

/** A client of host:port; half of them made by Socket.connect() (dual mode or IPv6-only), half by net.connect(). */
function connectClient(i, host, port) {
  if (i % 2 === 0) return net.connect({ host, port });
  const socket =
    host === '::1' && i % 4 === 3
      ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp)
      : new Socket(SocketType.Stream, ProtocolType.Tcp);
  try {
    return socket.connect({ address: host, port });
  } catch (err) {
    socket.close();
    throw err;
  }
}

/**
 * Streams up to TOTAL_BYTES (at most WINDOW unechoed) and leaves by `how`
 * once half of them have come back. Resolves with what it saw, once closed.
 */
function quitter(i, host, port, how) {
  return new Promise((resolve) => {
    const client = connectClient(i, host, port);
    const data = payload(i + 1000, TOTAL_BYTES);
    const state = { i, host, how, localPort: null, written: 0, echoed: 0, left: false, error: null };
    const pump = () => {
      while (!state.left && state.written < TOTAL_BYTES && state.written - state.echoed < WINDOW) {
        client.write(data.subarray(state.written, state.written + CHUNK));
        state.written += CHUNK;
      }
    };
    client.on('connect', () => {
      state.localPort = client.localPort;
      pump();
    });
    client.on('data', (chunk) => {
      state.echoed += chunk.length;
      if (!state.left && state.echoed >= TOTAL_BYTES / 2) {
        state.left = true;
        if (how === 'reset') client.resetAndDestroy();
        else client.destroy();
      } else pump();
    });
    client.on('error', (err) => (state.error = err.code));
    client.on('close', () => resolve(state));
  });
}

/** Sends 64 KiB, ends, and resolves with what came back before 'close'. */
function echoOnce(host, port, seed) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const client = net.connect({ host, port });
    client.on('connect', () => client.end(payload(seed, 64 * 1024)));
    client.on('data', (chunk) => chunks.push(chunk));
    client.on('error', reject);
    client.on('close', () => resolve({ echoed: Buffer.concat(chunks), localAddress: client.localAddress }));
  });
}

test('a toServer() server whose peers destroy or reset their sockets mid-transfer sees every connection close, survives and keeps serving, with no descriptor leaked', async (t) => {
  const before = openSockets();
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  let server;
  try {
    server = socket.toServer();
  } finally {
    socket.close();
  }
  const live = new Set();
  const records = new Map(); // 'address port' of the peer -> what the server's side saw
  let serverError = null;
  server.on('error', (err) => (serverError = err));
  server.on('connection', (conn) => {
    const record = {
      remoteAddress: conn.remoteAddress,
      bytes: 0,
      end: false,
      error: null,
      closed: false,
      hadError: null,
    };
    records.set(`${conn.remoteAddress} ${conn.remotePort}`, record);
    live.add(conn);
    conn.on('data', (chunk) => {
      record.bytes += chunk.length;
      conn.write(chunk);
    });
    conn.on('end', () => (record.end = true));
    conn.on('error', (err) => (record.error ??= err.code));
    conn.on('close', (hadError) => {
      record.closed = true;
      record.hadError = hadError;
      live.delete(conn);
    });
  });
  t.after(async () => {
    for (const conn of live) conn.destroy();
    if (server.listening) await bounded(new Promise((resolve) => server.close(resolve)), 5000, 'closing the server');
  });
  const { port } = server.address();
  const withServer = openSockets();

  const runs = [];
  for (let i = 0; i < 2 * PER_GROUP; i++) {
    const host = i % 4 < 2 ? '127.0.0.1' : '::1';
    const how = i < PER_GROUP ? 'destroy' : 'reset';
    runs.push(quitter(i, host, port, how));
  }
  const clients = await bounded(Promise.all(runs), WAIT_MS, 'the clients leaving');
  for (const c of clients) {
    const what = `client ${c.i} (${c.how}, ${c.host})`;
    assert.equal(c.left, true, `${what} left halfway, it did not fail first (error ${c.error})`);
    assert.ok(c.written < TOTAL_BYTES, `${what}: left before writing everything (${c.written})`);
  }

  // The server side: every connection closed; each saw about half the bytes.
  assert.ok(await settle(() => live.size === 0, WAIT_MS), `${live.size} server connections still open`);
  assert.equal(records.size, 2 * PER_GROUP, 'the server accepted every client');
  const outcomes = {};
  for (const c of clients) {
    // The server sees IPv4 peers mapped; the ports of the two families may coincide.
    const r = records.get(`${c.host === '::1' ? '::1' : '::ffff:127.0.0.1'} ${c.localPort}`);
    const what = `the server's connection from client ${c.i} (${c.how}, ${c.host})`;
    assert.ok(r, `${what}: accepted`);
    assert.equal(r.closed, true, what);
    assert.ok(r.bytes >= TOTAL_BYTES / 2 && r.bytes < TOTAL_BYTES, `${what}: received ${r.bytes} bytes`);
    if (c.how === 'reset') {
      // An RST: an error, never an 'end'.
      assert.ok(['ECONNRESET', 'EPIPE'].includes(r.error), `${what}: error ${r.error}`);
      assert.equal(r.end, false, `${what}: 'end' after an RST`);
    } else if (r.error === null) {
      // A FIN: 'end', then a clean close.
      assert.equal(r.end, true, `${what}: closed without 'end' or 'error'`);
    } else {
      // close() with echoed bytes still unread sends an RST instead.
      assert.ok(['ECONNRESET', 'EPIPE'].includes(r.error), `${what}: error ${r.error}`);
    }
    assert.equal(r.hadError, r.error !== null, `${what}: hadError`);
    const key = `${c.how}: ${r.error ?? 'end'}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  t.diagnostic(`server-side outcomes: ${JSON.stringify(outcomes)}`);
  assert.deepEqual(
    [...records.values()].reduce((n, r) => ({ ...n, [r.remoteAddress]: (n[r.remoteAddress] ?? 0) + 1 }), {}),
    { '::ffff:127.0.0.1': PER_GROUP, '::1': PER_GROUP },
  );
  assert.equal(serverError, null, 'the server emitted no error');

  // Nothing but the listener is left, and it still serves both families.
  assert.ok(await settle(() => JSON.stringify(openSockets()) === JSON.stringify(withServer), 1000));
  assert.deepEqual(openSockets(), withServer, 'only the listener remains');
  assert.equal(server.listening, true);
  for (const [host, seed] of [
    ['127.0.0.1', 1],
    ['::1', 2],
  ]) {
    const { echoed } = await bounded(echoOnce(host, port, seed), 10_000, `a new client of ${host}`);
    assert.ok(echoed.equals(payload(seed, 64 * 1024)), `a new client of ${host} got its 64 KiB back`);
  }

  const closing = new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  await bounded(closing, 5000, 'closing the server');
  assert.ok(await settle(() => JSON.stringify(openSockets()) === JSON.stringify(before), 1000));
  assert.deepEqual(openSockets(), before, 'no descriptor left behind');
});
