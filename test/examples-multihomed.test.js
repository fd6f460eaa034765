'use strict';
const { checkSocketLeaks, startExample, withTimeout, linuxOnly, noDatagramIO, noDualPacketInfo } = require('./helpers');
checkSocketLeaks();

// examples/udp-responder-multihomed.js runs as a user would run it: a child
// process that prints `listening on [::]:<port>`, answers connected clients
// of 127.0.0.2 (the loopback network's second address: without `from` the
// answer would leave from 127.0.0.1 and be dropped), 127.0.0.1 and ::1 from
// the address each asked, and exits 0 on SIGTERM or SIGINT. The multi-homed
// case proper, with two hosts, is test/multihomed.test.js.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const net = require('node:net');
const { test } = require('node:test');

const WAIT_MS = 10_000;

/** Starts the example (killed when `t` ends, if still running); resolves with it, its port set once printed. */
async function start(t, { args = [], env = {} } = {}) {
  const responder = startExample(t, 'udp-responder-multihomed.js', { args, env: { PORT: undefined, ...env } });
  responder.port = Number((await responder.line(/^listening on \[::\]:(\d+)$/))[1]);
  return responder;
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

test(
  'examples/udp-responder-multihomed.js answers 127.0.0.2, 127.0.0.1 and ::1 each from the address asked, and exits 0 on SIGTERM',
  { skip: noDatagramIO || noDualPacketInfo || linuxOnly('127.0.0.2 on loopback') },
  async (t) => {
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
  },
);

test(
  'examples/udp-responder-multihomed.js takes its port from PORT and exits 0 on SIGINT while a receive is pending',
  { skip: noDatagramIO || noDualPacketInfo },
  async (t) => {
    const responder = await start(t, { env: { PORT: '0' } });
    assert.ok(responder.port > 0 && responder.port <= 65535, `port ${responder.port}`);
    assert.equal((await ask('127.0.0.2', responder.port)).from, '127.0.0.2');

    assert.deepEqual(await responder.stop('SIGINT'), { code: 0, signal: null });
    assert.equal(responder.stderr, '');
  },
);
