'use strict';
const { checkSocketLeaks, withTimeout, linuxOnly } = require('./helpers');
checkSocketLeaks();

// A UDP server on a host with two addresses per family, as in the issue that
// motivated receiveMessageFrom() and sendTo({ from }): with Node's dgram
// (toDgram()) the kernel answers from the route's address and connected
// clients drop the replies; with receiveMessageFrom() + sendTo({ from }) every
// reply leaves from the address that was asked.
//
// Three hosts, each a network namespace made here with `ip netns add` (names
// carry this process's pid; all deleted in `after`, whatever happened). The
// host's own network is never touched: the veth pairs are created inside the
// namespaces. Documentation addresses only.
//
//   client  cli0 192.0.2.2/24 2001:db8::2/64
//      |
//   server  srv0 192.0.2.1/24 192.0.2.10/24 2001:db8::1/64 2001:db8::10/64
//           srv1 198.51.100.1/24 2001:db8:1::1/64
//      |
//   client2 cli1 198.51.100.2/24 2001:db8:1::2/64
//
// The server (test/fixtures/multihomed.js) is one dual-mode Socket bound to
// [::]:5300 in the server namespace; the clients run in theirs.
const assert = require('node:assert/strict');
const { execFile, spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');

const root = path.join(__dirname, '..');
const fixture = path.join(__dirname, 'fixtures', 'multihomed.js');
const PORT = 5300;
const WAIT_MS = 5000;

const prefix = 'dualmode-multihomed-';
const ns = {
  server: `${prefix}${process.pid}-server`,
  client: `${prefix}${process.pid}-client`,
  client2: `${prefix}${process.pid}-client2`,
};
const FIRST = ['192.0.2.1', '192.0.2.10', '2001:db8::1', '2001:db8::10']; // on srv0
const SECOND = ['198.51.100.1', '2001:db8:1::1']; // on srv1

const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8', timeout: WAIT_MS });

// Namespaces left by an earlier run of this file that was killed before its
// `after` (their pid is gone) would pile up: delete them.
function sweepStale() {
  const list = ip('netns', 'list');
  for (const line of (list.stdout ?? '').split('\n')) {
    const match = line.match(new RegExp(`^(${prefix}(\\d+)-\\w+)`));
    if (!match || Number(match[2]) === process.pid) continue;
    try {
      process.kill(Number(match[2]), 0);
    } catch (err) {
      if (err.code === 'ESRCH') ip('netns', 'del', match[1]);
    }
  }
}

// The skip reason, when this machine does not let us make a namespace.
let skip = linuxOnly('network namespaces (ip netns) joined by veth pairs');
if (!skip) {
  const probe = ip('netns', 'add', ns.server);
  if (probe.error) skip = `the ip command (iproute2) cannot run here: ${probe.error.message}`;
  else if (probe.status !== 0) skip = `ip netns add is not permitted here: ${probe.stderr.trim()}`;
}

after(() => {
  if (skip) return;
  for (const name of Object.values(ns)) ip('netns', 'del', name);
});

const setup = [
  `ip netns add ${ns.client}`,
  `ip netns add ${ns.client2}`,
  `ip -n ${ns.server} link add srv0 type veth peer name cli0 netns ${ns.client}`,
  `ip -n ${ns.server} link add srv1 type veth peer name cli1 netns ${ns.client2}`,
  `ip -n ${ns.server} addr add 192.0.2.1/24 dev srv0`,
  `ip -n ${ns.server} addr add 192.0.2.10/24 dev srv0`,
  `ip -n ${ns.server} addr add 2001:db8::1/64 dev srv0 nodad`,
  `ip -n ${ns.server} addr add 2001:db8::10/64 dev srv0 nodad`,
  `ip -n ${ns.server} addr add 198.51.100.1/24 dev srv1`,
  `ip -n ${ns.server} addr add 2001:db8:1::1/64 dev srv1 nodad`,
  `ip -n ${ns.client} addr add 192.0.2.2/24 dev cli0`,
  `ip -n ${ns.client} addr add 2001:db8::2/64 dev cli0 nodad`,
  `ip -n ${ns.client2} addr add 198.51.100.2/24 dev cli1`,
  `ip -n ${ns.client2} addr add 2001:db8:1::2/64 dev cli1 nodad`,
  ...[ns.server, ns.client, ns.client2].map((name) => `ip -n ${name} link set lo up`),
  `ip -n ${ns.server} link set srv0 up`,
  `ip -n ${ns.server} link set srv1 up`,
  `ip -n ${ns.client} link set cli0 up`,
  `ip -n ${ns.client2} link set cli1 up`,
].join('\n');

before(() => {
  if (skip) return;
  sweepStale();
  const run = spawnSync('sh', ['-ec', setup], { encoding: 'utf8', timeout: WAIT_MS * 2 });
  assert.equal(run.status, 0, `setting up the namespaces failed: ${run.stderr}${run.error ?? ''}`);
});

/** Runs the fixture in namespace `name`; the child is node itself (ip netns exec execs it). */
function inNamespace(name, args) {
  return ['netns', 'exec', name, process.execPath, fixture, ...args];
}

/**
 * Starts the server fixture (variant 'dgram' or 'pktinfo') in the server
 * namespace; resolves once it printed its ready line, with `stop()`, which
 * sends SIGTERM and resolves with { code, signal, stderr, lines }: every JSON
 * line it printed after the ready one.
 */
async function startServer(variant) {
  const child = spawn('ip', inNamespace(ns.server, ['server', variant, String(PORT)]), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const closed = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => resolve({ code: null, signal: null, error: err.message }));
  });
  const lines = () =>
    stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(lines()[0]);
    });
    closed.then((how) => reject(new Error(`the server ended first (${JSON.stringify(how)}):\n${stderr}`)));
  });
  let stopped = null;
  const stop = async () => {
    stopped ??= (async () => {
      child.kill('SIGTERM');
      const how = await withTimeout(closed, WAIT_MS, `the ${variant} server ending on SIGTERM`);
      return { ...how, stderr, lines: lines().slice(1) };
    })();
    return stopped;
  };
  try {
    return { ready: await withTimeout(ready, WAIT_MS, `the ${variant} server starting`), stop };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** Runs the clients fixture in namespace `name` against `addresses`; resolves with its JSON report. */
function runClients(name, addresses) {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      inNamespace(name, ['clients', String(PORT), ...addresses]),
      { cwd: root, encoding: 'utf8', timeout: WAIT_MS },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`the clients in ${name} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/** Serves both client hosts with server `variant`; resolves with all each side saw. */
async function exchange(variant) {
  const server = await startServer(variant);
  try {
    const [first, second] = await Promise.all([runClients(ns.client, FIRST), runClients(ns.client2, SECOND)]);
    const ended = await server.stop();
    return { ready: server.ready, first, second, ended };
  } finally {
    await server.stop().catch(() => {});
  }
}

const byAsked = (report) => Object.fromEntries(report.map((entry) => [entry.asked, entry]));
const mapped = (address) => (address.includes(':') ? address : `::ffff:${address}`);
/** What a client that asked `asked` reports when answered from exactly that address. */
const answered = (asked, kind) => ({ answered: true, from: asked, text: `answer to ${kind} ${asked}` });

describe(
  "toDgram(), answering to rinfo as Node's dgram does: replies to the second address of each family are lost",
  { skip },
  () => {
    let seen;
    before(async () => {
      if (!skip) seen = await exchange('dgram');
    });

    test('every request reaches the dual-mode server, and it stops cleanly', () => {
      assert.equal(seen.ready.dualMode, true);
      assert.deepEqual(
        { code: seen.ended.code, signal: seen.ended.signal },
        { code: 0, signal: null },
        seen.ended.stderr,
      );
      assert.equal(seen.ended.stderr, '');
      const requests = seen.ended.lines.map((line) => line.request).sort();
      const expected = [...FIRST, ...SECOND].flatMap((address) => [`connected ${address}`, `unconnected ${address}`]);
      assert.deepEqual(requests, expected.sort());
    });

    test('only 2 of the 4 connected clients on srv0 get an answer: those that asked 192.0.2.1 and 2001:db8::10', () => {
      const answered = seen.first.filter((entry) => entry.connected.answered).map((entry) => entry.asked);
      assert.ok(answered.length < FIRST.length, 'not all are answered');
      assert.deepEqual(answered, ['192.0.2.1', '2001:db8::10']);
    });

    test('the kernel picks the source by route: 192.0.2.1 for IPv4 (the primary), 2001:db8::10 for IPv6 (the last added)', () => {
      // The unconnected twin of each client accepts any source, so it shows
      // where the answer the connected one dropped came from.
      const first = byAsked(seen.first);
      const answer = (from, asked) => ({ answered: true, from, text: `answer to unconnected ${asked}` });
      assert.deepEqual(first['192.0.2.10'].unconnected, answer('192.0.2.1', '192.0.2.10'));
      assert.deepEqual(first['2001:db8::1'].unconnected, answer('2001:db8::10', '2001:db8::1'));
      assert.equal(first['192.0.2.1'].unconnected.from, '192.0.2.1');
      assert.equal(first['2001:db8::10'].unconnected.from, '2001:db8::10');
    });

    test('with one address per family (srv1) nothing is lost', () => {
      for (const entry of seen.second) assert.deepEqual(entry.connected, answered(entry.asked, 'connected'));
    });
  },
);

describe(
  'receiveMessageFrom() + sendTo(reply, remoteEndPoint, { from: packetInformation }): every reply leaves from the address asked',
  { skip },
  () => {
    let seen;
    let requests;
    before(async () => {
      if (skip) return;
      seen = await exchange('pktinfo');
      requests = Object.fromEntries(seen.ended.lines.map((line) => [line.request, line]));
    });

    test('the server stops cleanly on SIGTERM: close() cancels the pending receive with ECANCELED', () => {
      assert.equal(seen.ready.dualMode, true);
      assert.deepEqual(
        { code: seen.ended.code, signal: seen.ended.signal },
        { code: 0, signal: null },
        seen.ended.stderr,
      );
      assert.equal(seen.ended.stderr, '');
    });

    test('4 of 4 connected clients on srv0 are answered, each from exactly the address it asked', () => {
      assert.equal(seen.first.length, 4);
      for (const entry of seen.first) {
        assert.deepEqual(entry.connected, answered(entry.asked, 'connected'), entry.asked);
        assert.deepEqual(entry.unconnected, answered(entry.asked, 'unconnected'), entry.asked);
      }
    });

    test("the server saw each destination in the socket's form (::ffff:192.0.2.10) and srv0's interface index, read in its namespace", () => {
      const { ifindex } = seen.ready;
      assert.ok(Number.isInteger(ifindex.srv0) && ifindex.srv0 > 0, JSON.stringify(ifindex));
      assert.notEqual(ifindex.srv0, ifindex.srv1);
      assert.notEqual(ifindex.srv0, ifindex.lo);
      for (const asked of FIRST) {
        for (const kind of ['connected', 'unconnected']) {
          const line = requests[`${kind} ${asked}`];
          assert.ok(line, `the server saw the ${kind} request to ${asked}`);
          assert.deepEqual(
            line.packetInformation,
            { address: mapped(asked), interface: ifindex.srv0 },
            `${kind} ${asked}`,
          );
          assert.equal(line.remoteEndPoint.address, asked.includes(':') ? '2001:db8::2' : '::ffff:192.0.2.2');
        }
      }
    });

    test("datagrams that come in on the second interface report srv1's index, and are answered from its addresses", () => {
      const { ifindex } = seen.ready;
      assert.ok(Number.isInteger(ifindex.srv1) && ifindex.srv1 > 0, JSON.stringify(ifindex));
      for (const entry of seen.second) {
        assert.deepEqual(entry.connected, answered(entry.asked, 'connected'));
        const line = requests[`connected ${entry.asked}`];
        assert.deepEqual(line.packetInformation, { address: mapped(entry.asked), interface: ifindex.srv1 });
        assert.equal(line.remoteEndPoint.address, entry.asked.includes(':') ? '2001:db8:1::2' : '::ffff:198.51.100.2');
      }
    });
  },
);
