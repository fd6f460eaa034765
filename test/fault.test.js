'use strict';
// Fault injection: system calls that rarely fail are made to fail, with a
// chosen errno, by an LD_PRELOAD shim (test/native/fault.c, compiled here
// with the system's C compiler) in a child process running
// test/native/fault-fixture.js. Every failure path must report a clear
// SocketError (code, errno, syscall, message in Node's form) and close what
// it opened: each child compares its socket descriptors in /proc/self/fd
// before and after, and the shim logs every socket(), dup and close() so the
// parent can check that each descriptor opened was closed.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { test, after } = require('node:test');
const { checkSocketLeaks } = require('./helpers');

checkSocketLeaks();

const fixture = path.join(__dirname, 'native', 'fault-fixture.js');
const source = path.join(__dirname, 'native', 'fault.c');

// Build the shim once for this file; skip everything if there is no compiler.
const compiler = ['cc', 'gcc', 'clang'].find(
  (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0,
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-fault-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const shim = path.join(dir, 'fault.so');
let buildError = null;
if (compiler !== undefined && process.platform === 'linux') {
  // Built without the sanitizers' LD_PRELOAD: the compiler need not run under them.
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  const build = spawnSync(compiler, ['-shared', '-fPIC', '-Wall', '-Wextra', '-o', shim, source, '-ldl'], {
    encoding: 'utf8',
    env,
    timeout: 60000,
  });
  if (build.status !== 0) buildError = `${compiler} failed: ${build.stderr}${build.error ?? ''}`;
}
const skip =
  process.platform !== 'linux'
    ? 'the shim and /proc/self/fd are Linux-only'
    : compiler === undefined
      ? 'no C compiler (cc, gcc or clang) to build the fault-injection shim'
      : false;

let runs = 0;

/**
 * Runs `scenario` of the fixture with the shim preloaded (after whatever is
 * preloaded already, such as libasan under `npm run test:asan`); returns the
 * child's facts and the shim's log as [kind, ...numbers] rows.
 */
function run(scenario) {
  assert.equal(buildError, null, buildError ?? '');
  const log = path.join(dir, `${++runs}-${scenario}.log`);
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^FAULT2?_/.test(key) || key === 'DUALMODE_DISABLE_IPV6') delete env[key];
  env.LD_PRELOAD = [process.env.LD_PRELOAD, shim].filter(Boolean).join(':');
  env.FAULT_LOG = log;
  const child = spawnSync(process.execPath, [fixture, scenario], { env, encoding: 'utf8', timeout: 20000 });
  let facts = null;
  try {
    facts = JSON.parse(child.stdout.trim().split('\n').pop());
  } catch {
    // reported below with the child's output
  }
  const rows = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ').map((word) => (/^-?\d+$/.test(word) ? Number(word) : word)))
    : [];
  const where = `scenario ${scenario}: status ${child.status} ${child.signal ?? ''} ${child.error ?? ''}\nstdout: ${child.stdout}\nstderr: ${child.stderr}\nlog: ${JSON.stringify(rows)}`;
  return { status: child.status, stderr: child.stderr, facts, rows, where };
}

/** Asserts a clean run: exit 0, facts reported, the fault fired, no socket left. */
function ran(scenario, syscall, code) {
  const result = run(scenario);
  const { facts, rows, where } = result;
  assert.equal(result.status, 0, where);
  assert.ok(facts, where);
  const fired = rows.filter((row) => row[0] === 'fault');
  assert.ok(
    fired.some((row) => row[1] === syscall && row[3] === os.constants.errno[code]),
    `the shim injected ${syscall} ${code}\n${where}`,
  );
  noLeaks(result);
  return result;
}

/** Every socket descriptor the child opened was closed, by /proc and by the shim's log. */
function noLeaks({ facts, rows, where }) {
  assert.deepEqual(facts.after, facts.before, `socket descriptors in /proc/self/fd before and after\n${where}`);
  const open = new Set();
  for (const [kind, a, b] of rows) {
    if (kind === 'socket' && a >= 0) open.add(a);
    else if (kind === 'dup' && open.has(a)) open.add(b);
    else if (kind === 'close') open.delete(a);
  }
  assert.deepEqual([...open], [], `descriptors socket() or dup made and nobody closed\n${where}`);
}

const dotnetNames = {
  EMFILE: 'TooManyOpenSockets',
  ENOBUFS: 'NoBufferSpaceAvailable',
  EACCES: 'AccessDenied',
  EINVAL: 'InvalidArgument',
  EADDRINUSE: 'AddressAlreadyInUse',
};

/** The child's description of a thrown error is a SocketError for `syscall` failing with `code`. */
function isSocketError(error, code, syscall, extra = {}) {
  assert.ok(error, `expected a SocketError ${code} from ${syscall}, nothing was thrown`);
  assert.equal(error.class, 'SocketError', JSON.stringify(error));
  assert.equal(error.isSocketError, true);
  assert.equal(error.name, 'SocketError');
  assert.equal(error.code, code);
  assert.equal(error.syscall, syscall);
  assert.equal(error.errno, -os.constants.errno[code]);
  assert.equal(util.getSystemErrorName(error.errno), code);
  assert.ok(error.message.startsWith(`${syscall} ${code}: `), error.message);
  assert.equal(error.socketErrorCode, dotnetNames[code]);
  for (const [key, value] of Object.entries(extra)) assert.equal(error[key], value, key);
}

/** The Socket kept its open descriptor (same fd, same inode) through the failure. */
function keptItsFd(facts) {
  assert.equal(facts.afterError.state, 'open', JSON.stringify(facts.afterError));
  assert.equal(facts.sameFd, true, 'the same fd');
  assert.equal(facts.sameInode, true, 'the same socket behind the fd');
}

/** The log's socket() lines. */
const socketsMade = (rows) => rows.filter((row) => row[0] === 'socket' && row[1] >= 0).map((row) => row[1]);

test(
  'the shim injects only what it is armed for: an unknown scenario fails and no fault fires unarmed',
  { skip },
  () => {
    const bad = run('no-such-scenario');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown scenario/);
    assert.deepEqual(
      bad.rows.filter((row) => row[0] === 'fault'),
      [],
    );
  },
);

for (const [code, what] of [
  ['EMFILE', 'an IPv6 stream socket'],
  ['ENOBUFS', 'an IPv4 datagram socket'],
  ['EACCES', 'a dual-mode socket (two-argument constructor)'],
]) {
  test(`socket() failing with ${code} (${what}): SocketError, syscall socket, no descriptor left`, { skip }, () => {
    const { facts, rows } = ran(`socket-${code}`, 'socket', code);
    isSocketError(facts.error, code, 'socket');
    const [, description] = util.getSystemErrorMap().get(-os.constants.errno[code]);
    assert.equal(facts.error.message, `socket ${code}: ${description}`);
    // The constructor made no socket after the failed one (the two-argument
    // form probed IPv6 support before arming, and closed that probe).
    const failedAt = rows.findIndex((row) => row[0] === 'fault');
    assert.deepEqual(socketsMade(rows.slice(failedAt)), []);
  });
}

test(
  'setsockopt(IPV6_V6ONLY, 1) at creation failing with ENOBUFS: SocketError, and the fd socket() made is closed',
  { skip },
  () => {
    const { facts, rows } = ran('v6only-ENOBUFS', 'setsockopt', 'ENOBUFS');
    isSocketError(facts.error, 'ENOBUFS', 'setsockopt');
    const [fd] = socketsMade(rows);
    assert.equal(typeof fd, 'number', 'socket() succeeded first');
    const fault = rows.findIndex((row) => row[0] === 'fault');
    assert.equal(rows[fault][2], fd, 'the failed setsockopt was on that fd');
    assert.ok(
      rows.slice(fault).some((row) => row[0] === 'close' && row[1] === fd),
      `fd ${fd} closed after the failure: ${JSON.stringify(rows)}`,
    );
  },
);

test(
  'setsockopt(IPV6_V6ONLY, 0) of the dual-mode constructor failing with EINVAL: SocketError, fd closed',
  { skip },
  () => {
    const { facts, rows } = ran('v6only-EINVAL-dual', 'setsockopt', 'EINVAL');
    isSocketError(facts.error, 'EINVAL', 'setsockopt');
    const fd = rows.find((row) => row[0] === 'fault')[2];
    const fault = rows.findIndex((row) => row[0] === 'fault');
    assert.ok(
      rows.slice(fault).some((row) => row[0] === 'close' && row[1] === fd),
      JSON.stringify(rows),
    );
  },
);

test(
  'setsockopt(IPV6_V6ONLY) failing and then the cleanup close() failing with EIO: the setsockopt error is reported',
  { skip },
  () => {
    const { facts } = ran('v6only-then-close-EIO', 'setsockopt', 'ENOBUFS');
    isSocketError(facts.error, 'ENOBUFS', 'setsockopt');
  },
);

test(
  'bind() failing with EADDRINUSE: SocketError with address and port; the Socket is open, unbound and binds afterwards',
  { skip },
  () => {
    const { facts } = ran('bind-EADDRINUSE', 'bind', 'EADDRINUSE');
    isSocketError(facts.error, 'EADDRINUSE', 'bind', { address: '::1', port: 4321 });
    assert.equal(facts.error.message, 'bind EADDRINUSE: address already in use [::1]:4321');
    keptItsFd(facts);
    assert.equal(facts.boundAfterError, false);
    assert.equal(facts.boundAfterwards, true);
  },
);

test(
  'bind() failing with EACCES on a dual-mode socket: the error names the mapped address that reached the kernel',
  { skip },
  () => {
    const { facts } = ran('bind-EACCES', 'bind', 'EACCES');
    isSocketError(facts.error, 'EACCES', 'bind', { address: '::ffff:127.0.0.1', port: 80 });
    assert.equal(facts.error.message, 'bind EACCES: permission denied [::ffff:127.0.0.1]:80');
    keptItsFd(facts);
    assert.equal(facts.boundAfterError, false);
    assert.equal(facts.boundAfterwards, true);
  },
);

test('listen() failing with EADDRINUSE: SocketError; the Socket stays open and listens afterwards', { skip }, () => {
  const { facts } = ran('listen-EADDRINUSE', 'listen', 'EADDRINUSE');
  isSocketError(facts.error, 'EADDRINUSE', 'listen');
  keptItsFd(facts);
  assert.equal(facts.listeningAfterwards, true);
});

test('getsockopt(IPV6_V6ONLY) failing in the dualMode getter: SocketError; the next read works', { skip }, () => {
  const { facts } = ran('dualMode-getsockopt-EINVAL', 'getsockopt', 'EINVAL');
  isSocketError(facts.error, 'EINVAL', 'getsockopt');
  keptItsFd(facts);
  assert.equal(facts.dualModeAfterwards, false);
});

test(
  'getsockname() failing in isBound and in localEndPoint: SocketError from each; the next reads work',
  { skip },
  () => {
    const { facts, rows } = ran('getsockname-ENOBUFS', 'getsockname', 'ENOBUFS');
    assert.equal(rows.filter((row) => row[0] === 'fault').length, 2, 'both getters reached getsockname');
    isSocketError(facts.error, 'ENOBUFS', 'getsockname');
    isSocketError(facts.endPointError, 'ENOBUFS', 'getsockname');
    keptItsFd(facts);
    assert.equal(facts.boundAfterwards, true);
    assert.equal(facts.localEndPointAfterwards.address, '::1');
  },
);

for (const reuseOn of [false, true]) {
  test(
    `toServer()'s wildcard bind failing (SO_REUSEADDR was ${reuseOn ? 1 : 0}): SocketError, SO_REUSEADDR back to ${reuseOn ? 1 : 0}, Socket open`,
    { skip },
    () => {
      const { facts } = ran(`toServer-bind-EADDRINUSE${reuseOn ? '-reuse-on' : ''}`, 'bind', 'EADDRINUSE');
      isSocketError(facts.error, 'EADDRINUSE', 'bind');
      assert.equal(facts.reuseBefore, reuseOn ? 1 : 0);
      assert.equal(facts.reuseAfter, facts.reuseBefore, 'SO_REUSEADDR restored');
      keptItsFd(facts);
      assert.equal(facts.boundAfterError, false);
      // and a second toServer() works, on the wildcard
      assert.equal(facts.serverListening, true);
      assert.equal(facts.serverAddress.address, '::');
      assert.equal(facts.afterwards.state, 'detached');
    },
  );
}

test(
  "toServer()'s wildcard bind failing and then putting SO_REUSEADDR back failing: the bind error is reported, the Socket stays open",
  { skip },
  () => {
    const { facts } = ran('toServer-bind-then-restore-ENOBUFS', 'bind', 'EADDRINUSE');
    keptItsFd(facts);
    isSocketError(facts.error, 'EADDRINUSE', 'bind');
  },
);

test(
  "toServer()'s native listen failing: SocketError; the Socket stays open (not detached) and a retry hands off",
  { skip },
  () => {
    const { facts } = ran('toServer-listen-EADDRINUSE', 'listen', 'EADDRINUSE');
    isSocketError(facts.error, 'EADDRINUSE', 'listen');
    keptItsFd(facts);
    assert.equal(facts.serverListening, true);
    assert.equal(facts.afterwards.state, 'detached');
  },
);

test(
  "Node's own listen() on the adopted fd failing: the server emits 'error' as Node's do and closes the fd",
  { skip },
  () => {
    const { facts } = ran('toServer-node-listen-EADDRINUSE', 'listen', 'EADDRINUSE');
    assert.equal(facts.error, null, 'toServer() returned (the failure is asynchronous, as in Node)');
    assert.equal(facts.afterwards.state, 'detached');
    assert.ok(facts.serverError, "'error' was emitted");
    assert.equal(facts.serverError.code, 'EADDRINUSE');
    assert.equal(facts.serverError.syscall, 'listen');
    assert.equal(facts.serverListening, false);
  },
);

test(
  'toDgram(): putting SO_REUSEADDR back fails after Node took the fd: the Socket ends closed, not detached, no fd leaks',
  { skip },
  () => {
    const { facts } = ran('toDgram-reuse-restore-ENOBUFS', 'setsockopt', 'ENOBUFS');
    assert.ok(facts.error, 'toDgram() threw');
    assert.equal(facts.error.code, 'ENOBUFS');
    assert.equal(facts.error.syscall, 'setsockopt');
    assert.equal(facts.afterwards.state, 'closed');
    assert.equal(facts.closedFlag, true);
  },
);

test('toDgram(): the error of the failed SO_REUSEADDR restore is a SocketError', { skip }, () => {
  const { facts } = ran('toDgram-reuse-restore-ENOBUFS', 'setsockopt', 'ENOBUFS');
  isSocketError(facts.error, 'ENOBUFS', 'setsockopt');
});

test(
  'toDgram(): reading SO_REUSEADDR before the hand-off fails: SocketError; the Socket keeps its fd and hands off afterwards',
  { skip },
  () => {
    const { facts } = ran('toDgram-reuse-read-EINVAL', 'getsockopt', 'EINVAL');
    isSocketError(facts.error, 'EINVAL', 'getsockopt');
    keptItsFd(facts);
    assert.ok(facts.udpPort > 0);
  },
);

test(
  'toDgram() of fd 0: fcntl(F_DUPFD_CLOEXEC) failing: SocketError fcntl; the Socket keeps fd 0 and a retry hands off',
  { skip },
  () => {
    const { facts, rows } = ran('toDgram-fd0-dup-EMFILE', 'fcntl', 'EMFILE');
    assert.equal(facts.socketFd, 0, 'the Socket got descriptor 0');
    isSocketError(facts.error, 'EMFILE', 'fcntl');
    keptItsFd(facts);
    assert.ok(facts.udpPort > 0);
    assert.equal(facts.afterwards.state, 'detached');
    assert.equal(facts.fd0AfterUdpClose, null, 'fd 0 closed once dgram owned the copy');
    assert.ok(
      rows.some((row) => row[0] === 'dup' && row[1] === 0 && row[2] >= 3),
      'the retry copied fd 0 to 3 or above',
    );
  },
);

test(
  'toDgram() of fd 0: fcntl(F_DUPFD_CLOEXEC) failing: the dgram.Socket already made is closed, not left unbound and open',
  { skip },
  () => {
    const { facts } = ran('toDgram-fd0-dup-EMFILE-dgram-closed', 'fcntl', 'EMFILE');
    assert.equal(facts.socketFd, 0, 'the Socket got descriptor 0');
    isSocketError(facts.error, 'EMFILE', 'fcntl');
    assert.equal(facts.made, 1, 'toDgram() made one dgram.Socket');
    assert.deepEqual(facts.closed, [true], "the dgram.Socket emitted 'close'");
    assert.equal(facts.afterwards.state, 'open', 'the Socket keeps fd 0');
  },
);

test(
  'toDgram() of fd 0: closing fd 0 after Node owns the copy fails with EIO: no orphaned dgram socket, the Socket does not keep fd 0',
  { skip },
  () => {
    const result = run('toDgram-fd0-close-EIO');
    assert.equal(result.status, 0, result.where);
    assert.equal(result.facts.socketFd, 0);
    assert.notEqual(result.facts.afterwards.state, 'open', 'the Socket no longer claims fd 0');
    noLeaks(result);
  },
);

for (const code of ['EINTR', 'EIO']) {
  test(`close() failing with ${code}: close() does not throw, the Socket is closed, the fd is gone`, { skip }, () => {
    const { facts } = ran(`close-${code}`, 'close', code);
    assert.equal(facts.error, null, 'close() did not throw');
    assert.equal(facts.closedFlag, true);
    assert.equal(facts.afterwards.state, 'closed');
    assert.equal(facts.fdTarget, null, `fd ${facts.fd} is closed`);
    assert.equal(facts.secondClose, null, 'a second close() is a no-op');
  });
}

test('Socket.fromFd(): describing the fd fails: SocketError, and the fd is left open', { skip }, () => {
  const { facts } = ran('fromFd-getsockopt-ENOBUFS', 'getsockopt', 'ENOBUFS');
  isSocketError(facts.error, 'ENOBUFS', 'getsockopt');
  assert.equal(facts.fdStillOpen, true);
});

test('Socket.fromFd(): getsockname fails: SocketError, and the fd is left open', { skip }, () => {
  const { facts } = ran('fromFd-getsockname-ENOBUFS', 'getsockname', 'ENOBUFS');
  isSocketError(facts.error, 'ENOBUFS', 'getsockname');
  assert.equal(facts.fdStillOpen, true);
});

test(
  'osSupportsIPv6 probe: EMFILE counts as supported, EAFNOSUPPORT as not (and the constructor follows)',
  { skip },
  () => {
    const yes = ran('probe-EMFILE', 'socket', 'EMFILE');
    assert.equal(yes.facts.error, null);
    assert.equal(yes.facts.supported, true);
    assert.equal(yes.facts.family, 23, 'InterNetworkV6');
    assert.equal(yes.facts.dualMode, true);
    const no = ran('probe-EAFNOSUPPORT', 'socket', 'EAFNOSUPPORT');
    assert.equal(no.facts.supported, false);
    assert.equal(no.facts.family, 2, 'InterNetwork');
  },
);

// Datagram I/O (API.md §8) under injected failures of recvmsg, sendmsg and fcntl.
test(
  'sendmsg() answering EAGAIN once: the send waits for the watcher and goes out; the next queues behind it, in order',
  { skip },
  () => {
    const { facts } = ran('sendmsg-EAGAIN', 'sendmsg', 'EAGAIN');
    assert.deepEqual(facts.first, { value: 5 });
    assert.deepEqual(facts.second, { value: 6 });
    assert.deepEqual(facts.texts, ['first', 'second']);
  },
);

test(
  'sendmsg() failing with ENOBUFS: the promise rejects with a SocketError naming the destination; the next send works',
  { skip },
  () => {
    const { facts } = ran('sendmsg-ENOBUFS', 'sendmsg', 'ENOBUFS');
    isSocketError(facts.error, 'ENOBUFS', 'sendmsg', { address: '::1' });
    assert.deepEqual(facts.retry, { value: 4 });
    assert.deepEqual(facts.texts, ['kept']);
  },
);

test(
  'recvmsg() failing with ENOMEM when readable: the first pending receive rejects, the next gets the datagram',
  { skip },
  () => {
    const { facts } = ran('recvmsg-ENOMEM', 'recvmsg', 'ENOMEM');
    assert.equal(facts.first.error.code, 'ENOMEM');
    assert.equal(facts.first.error.syscall, 'recvmsg');
    assert.equal(facts.first.error.class, 'SocketError');
    assert.equal(facts.second.value.receivedBytes, 4);
    assert.equal(facts.second.value.packetInformation.address, '::1');
  },
);

test(
  'making the descriptor non-blocking failing: the first I/O call rejects with SocketError fcntl; the Socket stays open',
  { skip },
  () => {
    const { facts } = ran('fcntl-nonblocking-EBADF', 'fcntl', 'EBADF');
    assert.equal(facts.error.code, 'EBADF');
    assert.equal(facts.error.syscall, 'fcntl');
    assert.equal(facts.error.class, 'SocketError');
    assert.equal(facts.afterError.state, 'open');
    assert.deepEqual(facts.retry, { value: 1 });
    assert.deepEqual(facts.texts, ['y']);
  },
);

test(
  'close() with 100 receives pending: all reject ECANCELED, the descriptor is closed exactly once, the loop is free',
  { skip },
  () => {
    const result = run('close-pending');
    assert.equal(result.status, 0, result.where);
    assert.deepEqual(result.facts.codes, ['ECANCELED']);
    // From the socket() that made the Socket's descriptor (the number may have served the IPv6 probe before).
    const made = result.rows.findLastIndex((row) => row[0] === 'socket' && row[1] === result.facts.fd);
    const closes = result.rows.slice(made).filter((row) => row[0] === 'close' && row[1] === result.facts.fd);
    assert.deepEqual(
      closes.map((row) => row[2]),
      [0],
      `one successful close of fd ${result.facts.fd}\n${result.where}`,
    );
    noLeaks(result);
  },
);
