'use strict';
// Resource exhaustion: under a low descriptor limit (prlimit --nofile=64:64)
// creating a Socket fails with EMFILE as a SocketError, works again once one
// is closed, and Socket.osSupportsIPv6 still answers true when its first
// probe meets EMFILE (only EAFNOSUPPORT / EPROTONOSUPPORT mean "not
// supported", as .NET). Each case runs in a child process of its own.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { test } = require('node:test');
const { checkSocketLeaks } = require('./helpers');

checkSocketLeaks();

const LIMIT = 64;
const fixture = path.join(__dirname, 'native', 'emfile-fixture.js');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
const skip =
  process.platform !== 'linux'
    ? 'reads /proc/self (Linux)'
    : !has('prlimit') && !has('sh')
      ? 'neither prlimit nor sh'
      : false;

/** Runs the fixture in `mode` with at most LIMIT descriptors; returns its facts. */
function run(mode) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const [command, args] = has('prlimit')
    ? ['prlimit', [`--nofile=${LIMIT}:${LIMIT}`, process.execPath, fixture, mode]]
    : ['sh', ['-c', `ulimit -n ${LIMIT} && exec "$0" "$@"`, process.execPath, fixture, mode]];
  const child = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30000 });
  const where = `${mode}: status ${child.status} ${child.signal ?? ''} ${child.error ?? ''}\nstdout: ${child.stdout}\nstderr: ${child.stderr}`;
  assert.equal(child.status, 0, where);
  let facts;
  assert.doesNotThrow(() => {
    facts = JSON.parse(child.stdout.trim().split('\n').pop());
  }, where);
  return facts;
}

/** The child's description of an error is the EMFILE SocketError of socket(). */
function isEmfile(error) {
  assert.ok(error, 'expected EMFILE, nothing was thrown');
  assert.equal(error.class, 'SocketError', JSON.stringify(error));
  assert.equal(error.isSocketError, true);
  assert.equal(error.code, 'EMFILE');
  assert.equal(error.syscall, 'socket');
  assert.equal(error.errno, -os.constants.errno.EMFILE);
  assert.equal(util.getSystemErrorName(error.errno), 'EMFILE');
  assert.equal(error.socketErrorCode, 'TooManyOpenSockets');
  assert.match(error.message, /^socket EMFILE: too many open files/);
}

test(
  'at the descriptor limit new Socket() throws SocketError EMFILE, and works again after a close',
  { skip, timeout: 60000 },
  () => {
    const facts = run('exhaust');
    assert.equal(facts.limit, String(LIMIT), 'the child ran under the limit');
    assert.ok(facts.created > 0 && facts.created < LIMIT, `created ${facts.created} Sockets before the limit`);
    isEmfile(facts.error);
    isEmfile(facts.dualError); // new Socket(SocketType.Stream, ProtocolType.Tcp)
    isEmfile(facts.udpError); // an IPv4 datagram socket
    assert.equal(facts.againError, null, 'creating works again after one close()');
    assert.equal(facts.againFd, facts.freedFd, 'in the one slot that close() freed: the failures took none');
    assert.equal(facts.againBound, true, 'and the new Socket works');
    isEmfile(facts.afterRefillError);
    assert.deepEqual(facts.after, facts.before, 'every Socket closed');
    assert.equal(facts.lastError, null);
  },
);

test(
  'Socket.osSupportsIPv6 first probed at the descriptor limit: EMFILE counts as supported',
  { skip, timeout: 60000 },
  () => {
    const facts = run('probe');
    assert.equal(facts.fillError, 'EMFILE', 'the child filled its descriptor table');
    assert.ok(facts.filled > 0 && facts.filled < LIMIT);
    isEmfile(facts.atLimitError); // so the probe's own socket() met EMFILE too
    assert.equal(facts.osSupportsIPv6, true);
    assert.equal(facts.osSupportsIPv4, true);
    isEmfile(facts.dualError); // the two-argument constructor: EMFILE, not an IPv4 fallback
    assert.equal(facts.afterError, null);
    assert.equal(facts.family, 23, 'AddressFamily.InterNetworkV6 once descriptors are free');
    assert.equal(facts.dualMode, true);
    assert.deepEqual(facts.after, facts.before);
  },
);
