'use strict';
// toServer() inside worker_threads. A worker hands a dual-mode Socket to Node
// and serves clients of the main thread over IPv4 and IPv6; the server's
// descriptor then belongs to Node, so it is closed when the server closes and
// also when the worker is terminated while it serves. Threads share one fd
// table, so the main thread's table shows any descriptor left behind. Every
// wait is bounded, so a hung worker or client fails the test instead of the run.
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { checkSocketLeaks, openSockets, connectError, noHandOffs, noFdTable, testsNeeding } = require('./helpers');

checkSocketLeaks();
const test = testsNeeding(noHandOffs || noFdTable);

const fixture = path.join(__dirname, 'fixtures', 'worker-handoff-server.js');
const WAIT_MS = 10_000;

/** `promise`, or a rejection naming `what` when it takes longer than WAIT_MS. */
function bounded(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the fixture in a worker (without DUALMODE_DISABLE_IPV6), terminated
 * when `t` ends. Its messages are queued from the start, so none is lost
 * while the test is busy elsewhere: `next(what)` takes the next one, and
 * rejects if it reports an error or the worker fails or exits first.
 */
function startWorker(t, workerData) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const worker = new Worker(fixture, { workerData, env, stdout: false, stderr: false });
  t.after(() => worker.terminate());
  const queue = [];
  const waiters = [];
  let ended = null;
  const settle = (waiter, message) => {
    if (message && typeof message.error === 'string')
      waiter.reject(new Error(`${waiter.what} failed in the worker:\n${message.error}`));
    else waiter.resolve(message);
  };
  worker.on('message', (message) => {
    if (waiters.length > 0) settle(waiters.shift(), message);
    else queue.push(message);
  });
  const end = (err) => {
    ended ??= err;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${waiter.what}: ${ended.message}`));
  };
  worker.on('error', (err) => end(new Error(`the worker failed:\n${err.stack}`)));
  worker.on('exit', (code) => end(new Error(`the worker exited with ${code} before reporting`)));
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return {
    worker,
    threadId: worker.threadId, // -1 once the worker has exited
    /** The exit code, once the worker has exited on its own. */
    exitCode: (what) => bounded(exited, what),
    next(what) {
      return bounded(
        new Promise((resolve, reject) => {
          const waiter = { what, resolve, reject };
          if (queue.length > 0) settle(waiter, queue.shift());
          else if (ended) reject(new Error(`${what}: ${ended.message}`));
          else waiters.push(waiter);
        }),
        what,
      );
    },
  };
}

/** Connects to host:port, reads the whole reply and resolves once the client is closed. */
function ask(host, port) {
  return bounded(
    new Promise((resolve, reject) => {
      let text = '';
      let localAddress;
      const client = net.connect({ host, port });
      client.setEncoding('utf8');
      client.on('connect', () => (localAddress = client.localAddress)); // gone once closed
      client.on('data', (chunk) => (text += chunk));
      client.on('error', reject);
      client.on('close', () => {
        try {
          resolve({ ...JSON.parse(text), localAddress });
        } catch (err) {
          reject(new Error(`unreadable reply ${JSON.stringify(text)} from ${host}:${port}: ${err.message}`));
        }
      });
    }),
    `a client of ${host}:${port}`,
  );
}

/** Connects to host:port and resolves with the open client and the first line it read. */
function openClient(t, host, port) {
  const client = net.connect({ host, port });
  t.after(() => client.destroy());
  client.setEncoding('utf8');
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.on('error', () => {}); // a reset when the worker goes is expected; 'close' follows
  const firstLine = new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end === -1) return;
      client.off('data', onData);
      resolve(JSON.parse(text.slice(0, end)));
    };
    client.on('data', onData);
    client.once('error', reject);
  });
  return { client, closed, firstLine: bounded(firstLine, `a reply to the client of ${host}:${port}`) };
}

/** Checks the worker's first report: a server listening on [::]:port in dual mode. */
function assertListening(report, threadId, what) {
  assert.equal(report.kind, 'listening', what);
  assert.equal(report.threadId, threadId, what);
  assert.notEqual(report.threadId, 0, `${what}: it ran off the main thread`);
  assert.equal(report.dualModeBeforeHandOff, true, what);
  assert.equal(report.listening, true, `${what}: server.listening right after toServer()`);
  assert.equal(report.address.address, '::', what);
  assert.equal(report.address.family, 'IPv6', what);
  const { port } = report.address;
  assert.ok(Number.isInteger(port) && port > 0 && port <= 65535, `${what}: port ${port}`);
  assert.equal(report.dualMode, true, `${what}: getDualMode(server)`);
  assert.equal(report.socketAfterHandOff, 'ERR_SOCKET_DETACHED', `${what}: the Socket gave its descriptor away`);
  return port;
}

test('a worker thread serves an IPv4 and an IPv6 client of the main thread with toServer(), then closes and exits 0', async (t) => {
  const before = openSockets();
  const { threadId, next, exitCode } = startWorker(t, { mode: 'serve', clients: 2 });
  const port = assertListening(await next('the worker listening'), threadId, 'serve worker');

  const v4 = await ask('127.0.0.1', port);
  assert.equal(v4.threadId, threadId, 'the worker thread answered');
  assert.equal(v4.localAddress, '127.0.0.1');
  assert.equal(v4.remoteAddress, '::ffff:127.0.0.1', 'an IPv4 peer as the worker saw it');
  assert.equal(v4.remoteFamily, 'IPv6');

  const v6 = await ask('::1', port);
  assert.equal(v6.threadId, threadId);
  assert.equal(v6.localAddress, '::1');
  assert.equal(v6.remoteAddress, '::1');
  assert.equal(v6.remoteFamily, 'IPv6');

  assert.deepEqual(await next('the worker closing its server'), {
    kind: 'closed',
    threadId,
    served: 2,
    listening: false,
  });
  assert.equal(await exitCode('the worker ending'), 0);
  assert.equal(await connectError('127.0.0.1', port), 'ECONNREFUSED', 'the port is closed');
  assert.equal(await connectError('::1', port), 'ECONNREFUSED', 'the port is closed');
  assert.deepEqual(openSockets(), before, 'no descriptor left behind');
});

test('a worker terminated while serving, five rounds over, leaves neither its listener nor its connection open', async (t) => {
  const before = openSockets();
  for (let round = 1; round <= 5; round++) {
    const what = `round ${round}`;
    const { worker, threadId, next } = startWorker(t, { mode: 'hold' });
    const port = assertListening(await next(`the worker listening, ${what}`), threadId, what);

    // Alternate the client's family; the connection stays open in the worker.
    const host = round % 2 === 1 ? '127.0.0.1' : '::1';
    const { closed, firstLine } = openClient(t, host, port);
    const reply = await firstLine;
    assert.equal(reply.threadId, threadId, what);
    assert.equal(reply.remoteAddress, host === '::1' ? '::1' : '::ffff:127.0.0.1', what);
    assert.notDeepEqual(openSockets(), before, `${what}: the worker holds descriptors now`);

    assert.equal(await bounded(worker.terminate(), `terminating the worker, ${what}`), 1, what);
    await bounded(closed, `the client seeing its connection closed, ${what}`);
    assert.equal(await connectError(host, port), 'ECONNREFUSED', `${what}: the listener went with the worker`);
    assert.deepEqual(openSockets(), before, `${what}: no descriptor left behind`);
  }

  // A new worker serves again after the terminated ones.
  const { threadId, next, exitCode } = startWorker(t, { mode: 'serve', clients: 1 });
  const port = assertListening(await next('a worker after the terminated ones'), threadId, 'last worker');
  const reply = await ask('127.0.0.1', port);
  assert.equal(reply.threadId, threadId);
  assert.equal(reply.remoteAddress, '::ffff:127.0.0.1');
  assert.equal((await next('the last worker closing')).served, 1);
  assert.equal(await exitCode('the last worker ending'), 0);
  assert.deepEqual(openSockets(), before, 'the main thread fd table is as it was');
});

test('four worker threads at once each hand a Socket to Node with toServer() and serve a client', async (t) => {
  const before = openSockets();
  const workers = Array.from({ length: 4 }, () => startWorker(t, { mode: 'serve', clients: 1 }));
  const ports = [];
  for (const [i, { threadId, next }] of workers.entries()) {
    ports.push(assertListening(await next(`worker ${i} listening`), threadId, `worker ${i}`));
  }
  assert.equal(new Set(workers.map((w) => w.threadId)).size, 4, 'four distinct threads');
  assert.equal(new Set(ports).size, 4, 'four distinct ports');

  const hosts = ['127.0.0.1', '::1', '127.0.0.1', '::1'];
  const replies = await Promise.all(ports.map((port, i) => ask(hosts[i], port)));
  for (const [i, reply] of replies.entries()) {
    assert.equal(reply.threadId, workers[i].threadId, `worker ${i} answered its own port`);
    assert.equal(reply.remoteAddress, hosts[i] === '::1' ? '::1' : '::ffff:127.0.0.1', `worker ${i}`);
  }

  const closings = await Promise.all(workers.map((w, i) => w.next(`worker ${i} closing`)));
  assert.deepEqual(
    closings,
    workers.map(({ threadId }) => ({ kind: 'closed', threadId, served: 1, listening: false })),
  );
  assert.deepEqual(await Promise.all(workers.map((w, i) => w.exitCode(`worker ${i} ending`))), [0, 0, 0, 0]);
  assert.deepEqual(openSockets(), before, 'no descriptor left behind by any worker');
});
