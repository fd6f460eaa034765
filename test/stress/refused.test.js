'use strict';
// Faults: 200 refused Socket.connect()s in one child process
// (fixtures/refused-many.js), all at once, over IPv4 and IPv6. Every client
// must get ECONNREFUSED and close, and the child, which sets no timer and
// never calls process.exit(), must then exit by itself within the bound,
// with no socket left in /proc/self/fd at its 'exit'.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { test } = require('node:test');
const { checkSocketLeaks } = require('../helpers');

checkSocketLeaks();

const COUNT = 200;
const BOUND_MS = 15_000;
const fixture = path.join(__dirname, 'fixtures', 'refused-many.js');

test('200 refused Socket.connect()s in one process each emit ECONNREFUSED, and the process then exits by itself with no socket left open', (t) => {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const started = Date.now();
  const child = spawnSync(process.execPath, [fixture, String(COUNT)], {
    env,
    encoding: 'utf8',
    timeout: BOUND_MS,
    killSignal: 'SIGKILL',
  });
  const elapsed = Date.now() - started;
  const outcome = `status ${child.status}, signal ${child.signal}, ${elapsed} ms\nstdout: ${child.stdout}\nstderr: ${child.stderr}`;
  assert.equal(child.error, undefined, `the child did not exit by itself within ${BOUND_MS} ms: ${outcome}`);
  assert.equal(child.signal, null, outcome);
  assert.equal(child.status, 0, outcome);
  assert.equal(child.stderr, '', 'nothing on stderr (no error, no warning)');
  const report = JSON.parse(child.stdout);
  t.diagnostic(`${COUNT} refused connects; the child exited after ${elapsed} ms`);

  assert.equal(report.count, COUNT);
  assert.equal(report.exitCode, 0);
  assert.equal(report.connects, 0, 'no client connected');
  assert.equal(report.sockets.whileConnecting, COUNT + 2, 'the clients and the two blockers were open at once');
  assert.deepEqual(report.errors, {
    'ECONNREFUSED connect ::ffff:127.0.0.1': COUNT / 4, // dual-mode Sockets, mapped
    'ECONNREFUSED connect ::1': COUNT / 2, // dual-mode and IPv6-only Sockets
    'ECONNREFUSED connect 127.0.0.1': COUNT / 4, // IPv4 Sockets
  });
  assert.equal(report.closes, COUNT);
  assert.equal(report.closedWithError, COUNT);
  assert.equal(report.sockets.beforeBlockersClose, 2, 'only the two blockers were left once every client closed');
  assert.deepEqual(report.socketsAtExit, [], 'no socket open at exit');
});
