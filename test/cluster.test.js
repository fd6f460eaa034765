'use strict';
// toServer() in cluster workers. Node's own server.listen({ fd }) fails in a
// cluster worker (the fd number is sent to the primary, which looks it up in
// its own table), so the hand-off has to take another path there. A primary,
// run as a child process (test/fixtures/cluster-primary.js), forks two
// workers that each make a dual-mode Socket with SO_REUSEPORT, bind [::]:P and
// call toServer(); IPv4 clients of 127.0.0.1:P must reach both workers, and
// the workers must see them as ::ffff:127.0.0.1.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { before } = require('node:test');
const { checkSocketLeaks, linuxOnly, noHandOffs, testsNeeding } = require('./helpers');

checkSocketLeaks();
const test = testsNeeding(noHandOffs);

const root = path.join(__dirname, '..');
const fixture = path.join(__dirname, 'fixtures', 'cluster-primary.js');

let run;
let report;

before(() => {
  if (noHandOffs) return;
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  run = spawnSync(process.execPath, [fixture], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  if (run.status === 0) report = JSON.parse(run.stdout);
});

/** The run's outcome, for assertion messages. */
function outcome() {
  return `status ${run.status}, signal ${run.signal}, error ${run.error}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

test('the cluster primary runs to completion and exits 0 within 30 s', () => {
  assert.equal(run.error, undefined, outcome());
  assert.equal(run.signal, null, outcome());
  assert.equal(run.status, 0, outcome());
  assert.equal(run.stderr, '', 'nothing on stderr (no error, no warning)');
});

test('toServer() in each cluster worker returns a server that is already listening, dual-mode on [::]', () => {
  assert.ok(report, outcome());
  assert.equal(report.workers.length, 2);
  for (const worker of report.workers) {
    assert.equal(worker.dualModeBeforeHandOff, true, `worker ${worker.id}`);
    assert.equal(worker.listening, true, `worker ${worker.id}: server.listening right after toServer()`);
    assert.deepEqual(worker.address, { address: '::', family: 'IPv6', port: report.port }, `worker ${worker.id}`);
    assert.equal(worker.dualMode, true, `worker ${worker.id}: getDualMode(server) after the hand-off`);
  }
  assert.ok(Number.isInteger(report.port) && report.port > 0 && report.port <= 65535, `port ${report.port}`);
  assert.deepEqual(
    report.workers.map((worker) => worker.id),
    [1, 2],
  );
  assert.notEqual(report.workers[0].pid, report.workers[1].pid, 'two worker processes');
});

test(
  'both workers listen on the same port, each on its own descriptor, not through a listener of the primary',
  { skip: linuxOnly('counts the listeners in /proc/net/tcp6') },
  () => {
    assert.ok(report, outcome());
    // With SO_REUSEPORT the kernel holds one listening socket per worker; had
    // the hand-off gone through Node's cluster sharing, there would be one (the
    // primary's) and getDualMode(server) in the worker would have no fd to read.
    assert.equal(report.listeners, 2, 'listening sockets on [::]:P in /proc/net/tcp6');
  },
);

test('IPv4 clients of 127.0.0.1 reach both workers, which see them as ::ffff:127.0.0.1', () => {
  assert.ok(report, outcome());
  assert.deepEqual(report.ids, [1, 2], 'both workers answered');
  assert.ok(report.attempts >= 2 && report.attempts <= 200, `attempts ${report.attempts}`);
  assert.equal(report.answers.length, report.attempts);
  const pids = new Map(report.workers.map((worker) => [worker.id, worker.pid]));
  for (const [i, answer] of report.answers.entries()) {
    assert.equal(answer.pid, pids.get(answer.id), `answer ${i} came from the process of worker ${answer.id}`);
    assert.equal(answer.localAddress, '127.0.0.1', `answer ${i}: the client was IPv4`);
    assert.equal(answer.remoteAddress, '::ffff:127.0.0.1', `answer ${i}: the peer as the worker saw it`);
    assert.equal(answer.remoteFamily, 'IPv6', `answer ${i}`);
  }
});

test('an IPv6 client of ::1 is served by a worker too', () => {
  assert.ok(report, outcome());
  assert.ok([1, 2].includes(report.ipv6.id), `worker ${report.ipv6.id}`);
  assert.equal(report.ipv6.localAddress, '::1');
  assert.equal(report.ipv6.remoteAddress, '::1');
  assert.equal(report.ipv6.remoteFamily, 'IPv6');
});

test('each worker closes its server on request and exits 0 on its own, after disconnecting', () => {
  assert.ok(report, outcome());
  assert.deepEqual(report.exits, [
    { id: 1, code: 0, signal: null, exitedAfterDisconnect: true },
    { id: 2, code: 0, signal: null, exitedAfterDisconnect: true },
  ]);
});

test("the primary's worker.disconnect() closes a worker's toServer() server, as it closes servers the worker made with listen(), so the worker exits 0", () => {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const disconnectRun = spawnSync(process.execPath, [fixture, 'disconnect'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(disconnectRun.status, 0, `status ${disconnectRun.status}\n${disconnectRun.stderr}`);
  const result = JSON.parse(disconnectRun.stdout);
  assert.equal(result.stopMode, 'disconnect');
  assert.deepEqual(result.ids, [1, 2], 'both workers served before the disconnect');
  assert.deepEqual(result.exits, [
    { id: 1, code: 0, signal: null, exitedAfterDisconnect: true },
    { id: 2, code: 0, signal: null, exitedAfterDisconnect: true },
  ]);
});
