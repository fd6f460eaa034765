'use strict';
// dualmode probe [--json]: the table, the JSON, --help, exit codes, and the
// same probe on a bindv6only=1 host (a private network namespace).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const {
  checkSocketLeaks,
  probeKeys,
  linuxOnly,
  noNamespace,
  inNamespace,
  noHandOffs,
  hostBindv6only,
} = require('./helpers');

checkSocketLeaks();

const cli = path.join(__dirname, '..', 'dist', 'cli.js');

// Off Linux the probe reads the system default through getDualMode() of a
// udp6 dgram socket, a hand-off: on Windows it fails.
const noProbe = noHandOffs && `the probe reads Node's sockets with getDualMode(): ${noHandOffs}`;

function probe(args, env = {}) {
  const childEnv = { ...process.env, ...env };
  if (!('DUALMODE_DISABLE_IPV6' in env)) delete childEnv.DUALMODE_DISABLE_IPV6;
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30000, env: childEnv });
}

test('probe --json prints one JSON object with every key, in a stable order, and exits 0', { skip: noProbe }, () => {
  const result = probe(['probe', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(report), probeKeys);
  assert.equal(report.ipv4, true);
  assert.equal(report.ipv6, true);
  assert.equal(report.newSocketDual, true);
  assert.equal(report.ipv4ReachesDual, true);
  assert.equal(typeof report.nodeListenIpv6Only, 'boolean');
});

test(
  "probe --json reports this Linux host's findings: bindv6only from /proc, the wildcard conflict, Node's listeners, UDP answers from 127.0.0.2",
  { skip: linuxOnly('net.ipv6.bindv6only, 127.0.0.0/8 on loopback and the wildcard rules are Linux findings') },
  () => {
    const result = probe(['probe', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.bindv6only, hostBindv6only());
    assert.equal(report.wildcardConflict, true, 'on Linux :: and 0.0.0.0 cannot share a port');
    assert.equal(report.nodeListen, true);
    assert.equal(report.nodeListenHostIpv6Only, false);
    assert.equal(report.nodeUdp6, report.bindv6only === 0);
    assert.equal(report.udpAnswersFromDestination, true, 'Linux reports and answers from 127.0.0.2 on loopback');
  },
);

test('probe prints a readable table with one line per finding', { skip: noProbe }, () => {
  const result = probe(['probe']);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], new RegExp(`^dualmode probe \\(${process.platform}, Node v\\d+`));
  assert.equal(lines.length, 1 + probeKeys.length);
  assert.match(result.stdout, /^IPv6 supported\s+true$/m);
  assert.match(result.stdout, /^new Socket\(Stream, Tcp\) is dual\s+true$/m);
  assert.match(result.stdout, /^system default IPV6_V6ONLY\s+[01]$/m);
});

test('--help explains every line and names its JSON key', () => {
  const result = probe(['--help']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^Usage: dualmode probe \[--json\]/);
  for (const key of probeKeys) assert.match(result.stdout, new RegExp(`\\[${key}\\]\\n {6}\\S`), key);
});

test('an unknown command or option exits 2 with the usage on stderr; no arguments exits 1', () => {
  for (const args of [['prob'], ['probe', '--yaml']]) {
    const result = probe(args);
    assert.equal(result.status, 2, args.join(' '));
    assert.match(result.stderr, /^dualmode: unknown (command 'prob'|option '--yaml')/);
    assert.equal(result.stdout, '');
  }
  assert.equal(probe([]).status, 1);
});

test('with DUALMODE_DISABLE_IPV6=1 the IPv6 findings are null, and the default socket is IPv4', () => {
  const result = probe(['probe', '--json'], { DUALMODE_DISABLE_IPV6: '1' });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.ipv6, false);
  assert.equal(report.newSocketDual, false);
  for (const key of ['bindv6only', 'ipv4ReachesDual', 'wildcardConflict', 'nodeListen', 'nodeUdp6']) {
    assert.equal(report[key], null, key);
  }
  assert.match(probe(['probe'], { DUALMODE_DISABLE_IPV6: '1' }).stdout, /^IPv6 supported\s+false$/m);
});

const skip = noNamespace();

test(
  "on a bindv6only=1 host the probe shows Node's udp6 socket IPv6-only while dualmode's socket stays dual",
  { skip },
  () => {
    const result = inNamespace('ip link set lo up && sysctl -qw net.ipv6.bindv6only=1', cli, 'probe', '--json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.bindv6only, 1);
    assert.equal(report.nodeUdp6, false);
    assert.equal(report.newSocketDual, true);
    assert.equal(report.ipv4ReachesDual, true);
    assert.equal(report.nodeListen, true, 'libuv sets IPV6_V6ONLY itself for TCP');
  },
);

test('dist/cli.js is executable with a node shebang, so npx dualmode runs it in the repository too', () => {
  const stat = fs.statSync(cli);
  assert.ok((stat.mode & 0o111) !== 0, `mode ${stat.mode.toString(8)}`);
  assert.match(fs.readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});
