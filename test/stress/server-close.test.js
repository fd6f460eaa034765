'use strict';
// Faults: server.close() on a toServer() server while connections are live.
// As for any net.Server, close() must stop accepting at once (its listening
// descriptor goes, new clients of either family are refused), leave the
// live connections working until they end, and emit 'close' only after the
// last of them; nothing may be left open.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const { test } = require('node:test');
const { Socket, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks, openSockets, connectError } = require('../helpers');
const { bounded, settle, payload } = require('./fixtures/common');

checkSocketLeaks();

const CLIENTS = 20;
const SIZE = 16 * 1024;
const WAIT_MS = 10_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What descriptor `fd` points at now: "socket:[inode]", or the error code of readlink. */
function link(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch (err) {
    return err.code;
  }
}

/** A connected client of host:port: net.connect() or a dual-mode Socket.connect(), by `i`. */
async function openClient(t, i, host, port) {
  let client;
  if (i % 2 === 0) {
    client = net.connect({ host, port });
  } else {
    const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
    try {
      client = socket.connect({ address: host, port });
    } catch (err) {
      socket.close();
      throw err;
    }
  }
  t.after(() => client.destroy());
  const closed = new Promise((resolve) => client.once('close', resolve));
  await bounded(
    new Promise((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    }),
    WAIT_MS,
    `client ${i} connecting to ${host}`,
  );
  return { i, host, client, closed };
}

/** Writes `data` and resolves once as many bytes came back; rejects on error or close. */
function roundTrip(client, data, what) {
  return bounded(
    new Promise((resolve, reject) => {
      const chunks = [];
      let length = 0;
      const onData = (chunk) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= data.length) finish(null);
      };
      const onClose = () => finish(new Error('closed before the echo came back'));
      function finish(err) {
        client.off('data', onData).off('error', finish).off('close', onClose);
        if (err) reject(err);
        else resolve(Buffer.concat(chunks));
      }
      client.on('data', onData).on('error', finish).on('close', onClose);
      client.write(data);
    }),
    WAIT_MS,
    what,
  );
}

test('server.close() on a toServer() server with live connections refuses new clients at once, keeps the live ones working, and emits close after the last one ends', async (t) => {
  const before = openSockets();
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  let server;
  try {
    server = socket.toServer();
  } finally {
    socket.close();
  }
  const live = new Set();
  server.on('connection', (conn) => {
    live.add(conn);
    conn.on('error', () => {}); // a reset during teardown of a failed test
    conn.on('data', (chunk) => conn.write(chunk));
    conn.on('close', () => live.delete(conn));
  });
  t.after(async () => {
    for (const conn of live) conn.destroy();
    if (server.listening) server.close();
  });
  const { port } = server.address();
  const listenerFd = server._handle.fd;
  const listener = link(listenerFd);
  assert.match(listener, /^socket:\[\d+\]$/);

  const clients = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await openClient(t, i, i % 4 < 2 ? '127.0.0.1' : '::1', port));
  for (const c of clients) {
    const data = payload(c.i, SIZE);
    assert.ok(
      (await roundTrip(c.client, data, `client ${c.i} before close()`)).equals(data),
      `client ${c.i} before close()`,
    );
  }
  assert.ok(await settle(() => live.size === CLIENTS, WAIT_MS), `the server holds ${live.size} of ${CLIENTS}`);

  let closeEvents = 0;
  let callback = null; // { err } once server.close()'s callback ran
  server.on('close', () => closeEvents++);
  const closing = new Promise((resolve) => server.close((err) => resolve((callback = { err }))));

  // At once: no longer listening, the listening descriptor is gone.
  assert.equal(server.listening, false);
  assert.notEqual(link(listenerFd), listener, 'the listening descriptor is closed by close() itself');
  assert.equal(await connectError('127.0.0.1', port), 'ECONNREFUSED', 'a new IPv4 client is refused');
  assert.equal(await connectError('::1', port), 'ECONNREFUSED', 'a new IPv6 client is refused');
  await sleep(200);
  assert.equal(closeEvents, 0, "no 'close' while connections are live");
  assert.equal(callback, null, 'the close() callback waits for the live connections');
  assert.equal(live.size, CLIENTS, 'close() ended no live connection');

  // The live connections keep working, both families.
  for (const c of clients) {
    const data = payload(100 + c.i, SIZE);
    assert.ok(
      (await roundTrip(c.client, data, `client ${c.i} after close()`)).equals(data),
      `client ${c.i} after close()`,
    );
  }

  // All but one end: still no 'close'.
  const last = clients.at(-1);
  for (const c of clients.slice(0, -1)) c.client.end();
  await bounded(Promise.all(clients.slice(0, -1).map((c) => c.closed)), WAIT_MS, 'the clients closing');
  assert.ok(await settle(() => live.size === 1, WAIT_MS), `the server still holds ${live.size} connections`);
  await sleep(100);
  assert.equal(closeEvents, 0, "no 'close' while one connection is live");
  assert.equal(callback, null);
  const data = payload(999, SIZE);
  assert.ok((await roundTrip(last.client, data, 'the last client')).equals(data), 'the last connection still works');

  // The last one ends: then 'close'.
  last.client.end();
  const { err } = await bounded(closing, WAIT_MS, "'close' after the last connection ended");
  assert.equal(err, undefined);
  assert.equal(closeEvents, 1);
  // (Node emits the server's 'close' before the last connection's own 'close' event.)
  assert.ok(await settle(() => live.size === 0, 1000), `${live.size} connections still open`);
  assert.ok(await settle(() => JSON.stringify(openSockets()) === JSON.stringify(before), 1000));
  assert.deepEqual(openSockets(), before, 'no descriptor left behind');
});
