'use strict';
const { checkSocketLeaks, withTimeout } = require('./helpers');
checkSocketLeaks();

// examples/udp-responder-multihomed.js runs as a user would run it: a child
// process that prints `listening on [::]:<port>`, answers connected clients
// of 127.0.0.2 (the loopback network's second address: without `from` the
// answer would leave from 127.0.0.1 and be dropped), 127.0.0.1 and ::1 from
// the address each asked, and exits 0 on SIGTERM or SIGINT. The multi-homed
// case proper, with two hosts, is test/multihomed.test.js.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const dgram = require('node:dgram');
const net = require('node:net');
const path = require('node:path');
const { test } = require('node:test');

const root = path.join(__dirname, '..');
const example = path.join(root, 'examples', 'udp-responder-multihomed.js');
const WAIT_MS = 10_000;

/** Starts the example (killed when `t` ends, if still running); resolves with its port and `stop(signal)`. */
async function start(t, { args = [], env = {} } = {}) {
  const childEnv = { ...process.env, PORT: undefined, DUALMODE_DISABLE_IPV6: undefined, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  const child = spawn(process.execPath, [example, ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let ended = null;
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const closed = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve((ended = { code, signal })));
    child.on('error', (err) => resolve((ended = { code: null, signal: null, error: err.message })));
  });
  t.after(() => {
    if (ended === null) child.kill('SIGKILL');
    return closed;
  });
  const listening = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^listening on \[::\]:(\d+)\n/);
      if (match) resolve(Number(match[1]));
    });
    closed.then((how) => reject(new Error(`the example ended first (${JSON.stringify(how)}):\n${stderr}`)));
  });
  const port = await withTimeout(listening, WAIT_MS, 'the example printing its port');
  return {
    port,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    stop(signal) {
      child.kill(signal);
      return withTimeout(closed, WAIT_MS, `the example ending on ${signal}\n${stderr}`);
    },
  };
}

/**
 * One request from a dgram socket connected to address:port, which accepts
 * an answer only from that address; resolves with the answer and where it
 * came from.
 */
function ask(address, port) {
  const udp = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
  return withTimeout(
    new Promise((resolve, reject) => {
      udp.on('error', reject);
      udp.on('message', (message, rinfo) => resolve({ text: String(message), from: rinfo.address, port: rinfo.port }));
      udp.connect(port, address, () => udp.send('hello'));
    }),
    WAIT_MS,
    `an answer from ${address}:${port}`,
  ).finally(() => udp.close());
}

test('examples/udp-responder-multihomed.js answers 127.0.0.2, 127.0.0.1 and ::1 each from the address asked, and exits 0 on SIGTERM', async (t) => {
  const responder = await start(t, { args: ['0'] });
  const { port } = responder;

  assert.deepEqual(await ask('127.0.0.2', port), {
    text: 'you are ::ffff:127.0.0.1, you asked ::ffff:127.0.0.2',
    from: '127.0.0.2',
    port,
  });
  assert.deepEqual(await ask('127.0.0.1', port), {
    text: 'you are ::ffff:127.0.0.1, you asked ::ffff:127.0.0.1',
    from: '127.0.0.1',
    port,
  });
  assert.deepEqual(await ask('::1', port), { text: 'you are ::1, you asked ::1', from: '::1', port });

  assert.deepEqual(await responder.stop('SIGTERM'), { code: 0, signal: null });
  assert.equal(responder.stderr, '');
  assert.equal(responder.stdout, `listening on [::]:${port}\n`);
});

test('examples/udp-responder-multihomed.js takes its port from PORT and exits 0 on SIGINT while a receive is pending', async (t) => {
  const responder = await start(t, { env: { PORT: '0' } });
  assert.ok(responder.port > 0 && responder.port <= 65535, `port ${responder.port}`);
  assert.equal((await ask('127.0.0.2', responder.port)).from, '127.0.0.2');

  assert.deepEqual(await responder.stop('SIGINT'), { code: 0, signal: null });
  assert.equal(responder.stderr, '');
});
