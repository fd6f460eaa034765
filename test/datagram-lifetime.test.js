'use strict';
// The lifetime of a Socket doing its own datagram I/O (API.md §8): pending
// calls keep the process alive and an idle Socket does not; the event-loop
// watcher is closed before the descriptor on every path (GC, worker
// termination), and nothing is left behind.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { Worker } = require('node:worker_threads');
const { AddressFamily, ProtocolType, Socket, SocketType } = require('dualmode');
const {
  checkSocketLeaks,
  delay,
  track,
  withTimeout,
  fdTarget,
  noDatagramIO,
  noFdTable,
  testsNeeding,
} = require('./helpers');

checkSocketLeaks();
const test = testsNeeding(noDatagramIO);

const fixture = path.join(__dirname, 'fixtures', 'datagram-lifetime.js');
const cwd = path.join(__dirname, '..');

test('a pending receive keeps the process alive; once served, the idle Socket lets it exit', async (t) => {
  const child = spawn(process.execPath, [fixture, 'pending'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { port } = JSON.parse((await withTimeout(lines.next(), 5000, "the child's port")).value);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  assert.equal(await Promise.race([exited, delay(400).then(() => 'alive')]), 'alive');
  const sender = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
  await sender.sendTo(Buffer.from('wake'), { address: '::1', port });
  assert.deepEqual(JSON.parse((await withTimeout(lines.next(), 5000, "the child's result")).value), {
    receivedBytes: 4,
  });
  assert.equal(await withTimeout(exited, 5000, 'the child exiting by itself'), 0);
});

test('GC: a dropped idle Socket that did I/O is closed with its watcher; one with a call pending is kept until served', () => {
  const run = spawnSync(process.execPath, ['--expose-gc', fixture, 'gc'], { cwd, encoding: 'utf8', timeout: 20000 });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.idleClosed, true);
  assert.equal(result.late, 4, 'the dropped Socket with a pending call still received');
  assert.deepEqual(result.warnings, ['DUALMODE_SOCKET_GC']);
});

test('terminating a worker with 100 calls pending closes its watcher and descriptor', { skip: noFdTable }, async () => {
  for (let round = 0; round < 3; round++) {
    const worker = new Worker(fixture, { workerData: { mode: 'worker' } });
    const { fd } = await withTimeout(
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
      10000,
      'the worker',
    );
    const inode = fdTarget(fd);
    assert.match(inode, /^socket:/);
    await worker.terminate();
    // The descriptor is gone (or the number reused by another socket).
    assert.notEqual(fdTarget(fd), inode);
  }
});

test('a worker that ends by itself with calls pending exits cleanly too', { skip: noFdTable }, async () => {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { Socket, SocketType, ProtocolType } = require(${JSON.stringify(cwd)});
    const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
    socket.bind({ address: '::1', port: 0 });
    socket.receiveFrom(Buffer.alloc(1)).catch(() => {});
    parentPort.postMessage(socket.fd);
    setTimeout(() => process.exit(0), 50);
  `;
  const worker = new Worker(code, { eval: true });
  const fd = await withTimeout(new Promise((resolve) => worker.once('message', resolve)), 10000, 'the worker');
  const inode = fdTarget(fd);
  const exitCode = await withTimeout(new Promise((resolve) => worker.once('exit', resolve)), 10000, 'the worker exit');
  assert.equal(exitCode, 0);
  assert.notEqual(fdTarget(fd), inode);
});
