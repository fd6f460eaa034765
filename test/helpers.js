'use strict';
// Shared test helpers: socket teardown, the fd-leak check and error matchers.
const assert = require('node:assert/strict');
const { openSockets } = require('./fd-table');
const net = require('node:net');
const util = require('node:util');
const { after } = require('node:test');

/**
 * Fails the file when it ends with socket descriptors it did not start with.
 * Node closes its handles on a later turn of the event loop, so the check
 * waits up to a second for them before it fails. Call once at the top of
 * every test file.
 */
function checkSocketLeaks() {
  const baseline = openSockets();
  after(async () => {
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline && JSON.stringify(openSockets()) !== JSON.stringify(baseline)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(openSockets(), baseline, 'socket descriptors leaked by this file');
  });
}

/** Closes `socket` when test `t` ends, whatever happens; returns it. */
function track(t, socket) {
  t.after(() => socket.close());
  return socket;
}

/** An assert.throws matcher for a SocketError with `code` and `syscall`. */
function socketError(code, syscall, extra = {}) {
  return (err) => {
    const { SocketError } = require('dualmode');
    assert.ok(err instanceof SocketError, `expected a SocketError, got ${err && err.stack}`);
    assert.equal(err.name, 'SocketError');
    assert.equal(err.code, code);
    assert.equal(err.syscall, syscall);
    assert.equal(typeof err.errno, 'number');
    assert.ok(err.errno < 0, 'errno is negative, as Node reports it');
    assert.equal(util.getSystemErrorName(err.errno), code);
    assert.ok(err.message.startsWith(`${syscall} ${code}: `), err.message);
    for (const [key, value] of Object.entries(extra)) {
      if (value instanceof RegExp) assert.match(err[key], value);
      else assert.equal(err[key], value, key);
    }
    return true;
  };
}

/** An assert.throws matcher for a Node-style coded error of class `Class`. */
function coded(Class, code, message) {
  return (err) => {
    assert.ok(err instanceof Class, `expected ${Class.name}, got ${err && err.stack}`);
    assert.equal(err.code, code);
    if (message instanceof RegExp) assert.match(err.message, message);
    else if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true when a TCP client reaches host:port, false when refused; bounded by `ms`. */
function reaches(host, port, ms = 5000) {
  return new Promise((resolve, reject) => {
    const client = net.connect({ host, port });
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, ms);
    client.once('connect', () => {
      clearTimeout(timer);
      client.destroy();
      resolve(true);
    });
    client.once('error', (err) => {
      clearTimeout(timer);
      if (err.code === 'ECONNREFUSED') resolve(false);
      else reject(err);
    });
  });
}

/** Resolves with the error code of a TCP connection to host:port, which must fail; bounded by `ms`. */
function connectError(host, port, ms = 5000) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const client = net.connect({ host, port });
      client.on('connect', () => {
        client.destroy();
        reject(new Error(`${host}:${port} accepts connections`));
      });
      client.on('error', (err) => resolve(err.code));
    }),
    ms,
    `connecting to ${host}:${port}`,
  );
}

/** The keys of `dualmode probe --json`, in the order the command prints them. */
const probeKeys = Object.freeze([
  'ipv4',
  'ipv6',
  'bindv6only',
  'newSocketDual',
  'ipv4ReachesDual',
  'wildcardConflict',
  'nodeListen',
  'nodeListenIpv6Only',
  'nodeListenHostIpv6Only',
  'nodeUdp6',
  'udpAnswersFromDestination',
]);

module.exports = { openSockets, checkSocketLeaks, track, socketError, coded, withTimeout, delay, reaches, connectError, probeKeys };
