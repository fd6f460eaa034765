'use strict';
// Shared test helpers: platform skips, socket teardown, the fd-leak check,
// descriptors, error matchers and the examples run as child processes.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openSockets } = require('./fd-table');
const net = require('node:net');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const util = require('node:util');
const { after, test } = require('node:test');

// ---------------------------------------------------------------------------
// What a test needs that only some platforms have: each is false where it is
// there (the test runs), else the reason node:test prints for the skip.

const linux = process.platform === 'linux';

/** The skip reason off Linux of a test that needs `what` (/proc, a network namespace, a sysctl...), else false. */
function linuxOnly(what) {
  return linux ? false : `${what}: Linux only`;
}

/**
 * The skip reason on Windows of a test that hands a descriptor to net or
 * dgram (toServer, connect, toDgram, getDualMode of a Node object): Node
 * cannot adopt a socket handle there, and they throw
 * ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (src/runtime.ts unavailableReason).
 */
const noHandOffs =
  process.platform === 'win32' && 'Node cannot adopt a socket handle on Windows: the hand-offs are unavailable';

/**
 * The skip reason on Windows of a test that uses a Socket's own datagram I/O
 * (receiveFrom, receiveMessageFrom, sendTo): the addon has no watcher there
 * and they throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (src/socket.ts).
 */
const noDatagramIO =
  process.platform === 'win32' && "a Socket's datagram I/O is unavailable on Windows (no overlapped-I/O watcher)";

/**
 * The skip reason off Linux of a test that reads IPv4 packet information on
 * a dual-mode socket (receiveMessageFrom): Linux alone reports it there, and
 * elsewhere the call throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, as .NET's
 * does (src/datagram.ts).
 */
const noDualPacketInfo =
  process.platform !== 'linux' &&
  process.platform !== 'android' &&
  'IPv4 packet information on a dual-mode socket (receiveMessageFrom) is reported on Linux only';

/**
 * The skip reason on Windows of a test that gives a descriptor number of
 * Node's own (a file, a pipe, the fd of a Node socket) where a socket is
 * expected: Windows numbers sockets (handles) and files (C runtime
 * descriptors) apart, and Node's sockets have no fd there.
 */
const noFileDescriptors =
  process.platform === 'win32' &&
  "Windows numbers socket handles and file descriptors apart, and Node's sockets have no fd there";

let namespaceReason;
/**
 * The skip reason of a test that makes a private network namespace
 * (`unshare -n`, then sysctls and `ip` inside it), or false where this
 * machine lets it. Asks unshare once per process.
 */
function noNamespace() {
  if (namespaceReason === undefined) {
    namespaceReason = linuxOnly('a private network namespace (unshare -n)');
    if (!namespaceReason) {
      const probe = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8', timeout: 10000 });
      namespaceReason =
        probe.status === 0
          ? false
          : `unshare -n is not permitted here: ${(probe.stderr || String(probe.error)).trim()}`;
    }
  }
  return namespaceReason;
}

/** The skip reason off Linux of a test that reads this process's descriptor table (/proc/self/fd). */
const noFdTable = linuxOnly('reads the descriptor table in /proc/self/fd');

/**
 * node:test's test() for a file whose every test needs what `reason` says
 * is missing: each is skipped with it when it is set; elsewhere a test's own
 * skip option applies. `const test = testsNeeding(noHandOffs);`
 */
function testsNeeding(reason) {
  return (name, options, fn) =>
    typeof options === 'function'
      ? test(name, { skip: reason }, options)
      : test(name, { ...options, skip: reason || options.skip }, fn);
}

// ---------------------------------------------------------------------------
// Namespaces, sysctls and descriptors.

/**
 * Runs `node <file> <args>` in a private network namespace (`unshare -n`),
 * after the shell commands `setup` (a string joined with &&, such as
 * 'ip link set lo up && sysctl -qw net.ipv6.bindv6only=1'); returns
 * spawnSync's result. Tests that call it skip with noNamespace().
 */
function inNamespace(setup, file, ...args) {
  return spawnSync('unshare', ['-n', 'sh', '-c', `${setup} && exec "$0" "$@"`, process.execPath, file, ...args], {
    encoding: 'utf8',
    timeout: 30000,
    cwd: path.join(__dirname, '..'),
  });
}

/**
 * The IPV6_V6ONLY (0 or 1) a new IPv6 socket starts with on this host:
 * net.ipv6.bindv6only on Linux, net.inet6.ip6.v6only on macOS; null
 * elsewhere (Windows starts every IPv6 socket IPv6-only, and lets no one
 * change that).
 */
function hostBindv6only() {
  if (linux) return Number(fs.readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8'));
  if (process.platform === 'darwin') {
    return Number(execFileSync('sysctl', ['-n', 'net.inet6.ip6.v6only'], { encoding: 'utf8' }).trim());
  }
  return null;
}

/** What /proc/self/fd says descriptor `fd` of this process is ("socket:[inode]"), or null when it is not open. Linux only. */
function fdTarget(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether `fd` is an open socket descriptor of this process (threads share the table). Linux only. */
const isSocketFd = (fd) => (fdTarget(fd) ?? '').startsWith('socket:');

/**
 * Fails the file when it ends with socket descriptors it did not start with.
 * Node closes its handles on a later turn of the event loop, so the check
 * waits up to a second for them before it fails. Call once at the top of
 * every test file. Off Linux (no /proc/self/fd) it is a skipped test that
 * says so.
 */
function checkSocketLeaks() {
  if (!linux) {
    test('the file leaves no socket descriptor open', { skip: linuxOnly('the leak check reads /proc/self/fd') });
    return;
  }
  const baseline = openSockets();
  after(() => socketsBackTo(baseline, 'socket descriptors leaked by this file'));
}

/**
 * Waits up to 1 s for Node's closes (a later turn of the event loop), then
 * asserts that this process's socket descriptors equal `baseline`. Linux only.
 */
async function socketsBackTo(baseline, message) {
  const want = JSON.stringify(baseline);
  const deadline = Date.now() + 1000;
  while (JSON.stringify(openSockets()) !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(openSockets(), baseline, message);
}

/**
 * Runs `call` and asserts that it left this process's socket descriptors as
 * they were (it closed what it opened, and nothing else); returns what
 * `call` returned. Off Linux, with no /proc/self/fd to read, `call` runs
 * alone and test `t` says in a diagnostic that the descriptors were not
 * compared.
 */
function socketsUnchangedBy(t, call, message) {
  if (!linux) {
    const result = call();
    t.diagnostic(`socket descriptors not compared: ${linuxOnly('/proc/self/fd')}`);
    return result;
  }
  const before = openSockets();
  const result = call();
  assert.deepEqual(openSockets(), before, message);
  return result;
}

/** Closes a dgram socket when test `t` ends, unless it is closed already; returns it. */
function trackUdp(t, udp) {
  t.after(() => {
    try {
      udp.close();
    } catch (err) {
      if (err.code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw err;
    }
  });
  return udp;
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

// ---------------------------------------------------------------------------
// The examples, run as a user would run them.

const root = path.join(__dirname, '..');
const WAIT_MS = 10_000;

/** The environment of a child: this one's, without DUALMODE_DISABLE_IPV6, with `env` applied (undefined removes). */
function childEnv(env = {}) {
  const result = { ...process.env, DUALMODE_DISABLE_IPV6: undefined, ...env };
  for (const [key, value] of Object.entries(result)) if (value === undefined) delete result[key];
  return result;
}

/**
 * Starts examples/<name> as a child process (killed when `t` ends, if still
 * running). `fd3`, if given, becomes the child's fd 3; `viaShell` runs it as
 * `sh -c 'LISTEN_PID=$$ exec node <example>'`.
 */
function startExample(t, name, { args = [], env, fd3, viaShell = false } = {}) {
  const script = path.join(root, 'examples', name);
  const stdio = ['ignore', 'pipe', 'pipe', ...(fd3 === undefined ? [] : [fd3])];
  const options = { cwd: root, env: childEnv(env), stdio };
  const child = viaShell
    ? spawn('sh', ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, script, ...args], options)
    : spawn(process.execPath, [script, ...args], options);
  let stdout = '';
  let stderr = '';
  let ended = null;
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const closed = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve((ended = { code, signal })));
    child.on('error', (err) => resolve((ended = { code: null, signal: null, error: err.message })));
  });
  t.after(() => {
    if (ended === null) child.kill('SIGKILL');
    return closed;
  });
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** The match of the first complete stdout line matching `regex`, once printed. */
    line(regex) {
      const what = `${name} printing ${regex}`;
      const find = () => {
        for (const line of stdout.split('\n').slice(0, -1)) {
          const match = line.match(regex);
          if (match) return match;
        }
        return null;
      };
      return withTimeout(
        new Promise((resolve, reject) => {
          const check = () => {
            const match = find();
            if (match) {
              child.stdout.off('data', check);
              resolve(match);
            } else if (ended !== null) {
              child.stdout.off('data', check);
              reject(new Error(`${name} ended (${JSON.stringify(ended)}) first:\n${output()}`));
            }
          };
          child.stdout.on('data', check);
          closed.then(check);
          check();
        }),
        WAIT_MS,
        what,
      );
    },
    /** Sends `signal` and resolves with how the child ended ({ code, signal }) if within `ms`. */
    stop(signal = 'SIGTERM', ms = WAIT_MS) {
      child.kill(signal);
      return withTimeout(closed, ms, `${name} ending on ${signal}\n${output()}`);
    },
  };
}

module.exports = {
  linux,
  linuxOnly,
  noHandOffs,
  noDatagramIO,
  noFileDescriptors,
  noDualPacketInfo,
  testsNeeding,
  noFdTable,
  fdTarget,
  isSocketFd,
  hostBindv6only,
  noNamespace,
  inNamespace,
  openSockets,
  checkSocketLeaks,
  socketsBackTo,
  socketsUnchangedBy,
  track,
  trackUdp,
  socketError,
  coded,
  withTimeout,
  delay,
  reaches,
  connectError,
  probeKeys,
  childEnv,
  startExample,
};
