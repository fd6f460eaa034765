'use strict';
// The addon is context-aware (N-API), so 'dualmode' loads in worker_threads:
// each worker gets its own instance of the module and the addon beside the
// main thread's, several can work at once, and workers can be terminated and
// started again without breaking the main thread's copy. Every wait on a
// worker is bounded, so a hung worker fails the test instead of the run.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Socket, AddressFamily, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks, openSockets, track, isSocketFd, noFdTable, testsNeeding } = require('./helpers');

checkSocketLeaks();
const test = testsNeeding(noFdTable);

const fixture = path.join(__dirname, 'fixtures', 'worker-socket.js');
const WAIT_MS = 10_000;

/** Starts the fixture in a worker (without DUALMODE_DISABLE_IPV6); terminated when `t` ends. */
function startWorker(t, workerData) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const worker = new Worker(fixture, { workerData, env, stdout: false, stderr: false });
  // An uncaught error in the worker fails the test through nextMessage() or a
  // non-zero exit code; this listener keeps it from crashing the whole file.
  worker.on('error', () => {});
  t.after(() => worker.terminate());
  return worker;
}

/** `promise`, or a rejection naming `what` when it takes longer than WAIT_MS. */
function bounded(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The worker's next message; rejects if it reports an error, fails or exits first. */
function nextMessage(worker, what) {
  let cleanup;
  const message = new Promise((resolve, reject) => {
    const onMessage = (value) => {
      if (value && typeof value.error === 'string') reject(new Error(`${what} failed in the worker:\n${value.error}`));
      else resolve(value);
    };
    const onExit = (code) => reject(new Error(`${what}: the worker exited with ${code} before reporting`));
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', onExit);
    cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
    };
  });
  return bounded(message, what).finally(cleanup);
}

/** The worker's exit code, once it has exited on its own. */
function exitCode(worker, what) {
  return bounded(new Promise((resolve) => worker.once('exit', resolve)), what);
}

test('a worker thread loads dualmode, makes a dual-mode TCP socket, binds it to [::1]:0 and closes it', async (t) => {
  const before = openSockets();
  const worker = startWorker(t, { mode: 'once' });
  const { threadId } = worker; // -1 once the worker has exited
  const exited = exitCode(worker, 'the worker ending');
  const report = await nextMessage(worker, 'the once worker');
  assert.equal(report.threadId, threadId);
  assert.notEqual(report.threadId, 0, 'it ran off the main thread');
  assert.equal(report.family, AddressFamily.InterNetworkV6);
  assert.equal(report.family, 23);
  assert.equal(report.dualMode, true);
  assert.equal(report.address, '::1');
  assert.ok(Number.isInteger(report.port) && report.port > 0 && report.port <= 65535, `port ${report.port}`);
  assert.equal(report.dualModeAfterBind, false, 'Linux sets IPV6_V6ONLY on a bind to ::1, in a worker too');
  assert.equal(report.closed, true);
  assert.equal(await exited, 0);
  assert.deepEqual(openSockets(), before, 'the worker closed its socket');
});

test('four workers at once each create, bind and close 100 sockets without an error', async (t) => {
  const before = openSockets();
  const count = 100;
  const workers = Array.from({ length: 4 }, () => startWorker(t, { mode: 'loop', count }));
  const threadIds = workers.map((worker) => worker.threadId); // -1 once exited
  const exits = workers.map((worker, i) => exitCode(worker, `worker ${i} ending`));
  const reports = await Promise.all(workers.map((worker, i) => nextMessage(worker, `loop worker ${i}`)));
  for (const [i, report] of reports.entries()) {
    assert.deepEqual(
      report,
      { threadId: threadIds[i], created: count, dual: count, bound: count, closed: count },
      `worker ${i}`,
    );
  }
  assert.equal(new Set(reports.map((report) => report.threadId)).size, 4, 'four distinct threads');
  assert.deepEqual(await Promise.all(exits), [0, 0, 0, 0]);
  assert.deepEqual(openSockets(), before, 'no descriptor left behind by any worker');
});

test('a worker terminated while it holds a Socket, five rounds over, leaves no descriptor and the main thread still works', async (t) => {
  const before = openSockets();
  for (let round = 1; round <= 5; round++) {
    const worker = startWorker(t, { mode: 'hold' });
    const held = await nextMessage(worker, `hold worker, round ${round}`);
    assert.equal(held.family, AddressFamily.InterNetworkV6, `round ${round}`);
    assert.ok(Number.isInteger(held.fd) && held.fd >= 0, `round ${round}: fd ${held.fd}`);
    assert.ok(isSocketFd(held.fd), `round ${round}: the worker's socket is open in this process`);

    // The worker still owns this Socket when it is terminated: its
    // environment's teardown closes the descriptor (finalizers do not run
    // then; the addon keeps a worker's owned descriptors for that).
    assert.equal(await bounded(worker.terminate(), `terminating the worker, round ${round}`), 1, `round ${round}`);
    assert.equal(isSocketFd(held.fd), false, `round ${round}: terminate() closed the worker's socket`);
    assert.deepEqual(openSockets(), before, `round ${round}: no descriptor left behind`);
  }

  // The main thread's module, loaded before any worker, still works.
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
  assert.equal(socket.dualMode, true);
  socket.bind({ address: '127.0.0.1', port: 0 });
  assert.equal(socket.localEndPoint.address, '::ffff:127.0.0.1');
  assert.equal(socket.dualMode, true);
  socket.close();

  // And a new worker loads the addon again after the terminated ones.
  const worker = startWorker(t, { mode: 'once' });
  const report = await nextMessage(worker, 'a worker after the terminated ones');
  assert.equal(report.family, AddressFamily.InterNetworkV6);
  assert.equal(report.dualMode, true);
  assert.equal(report.closed, true);
});
