'use strict';
// dualmode probe [--json]: the table, the JSON, --help, exit codes, and the
// same probe on a bindv6only=1 host (a private network namespace).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { checkSocketLeaks, probeKeys } = require('./helpers');

checkSocketLeaks();

const cli = path.join(__dirname, '..', 'dist', 'cli.js');

function probe(args, env = {}) {
  const childEnv = { ...process.env, ...env };
  if (!('DUALMODE_DISABLE_IPV6' in env)) delete childEnv.DUALMODE_DISABLE_IPV6;
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30000, env: childEnv });
}

test('probe --json prints one JSON object with every key, in a stable order, and exits 0', () => {
  const result = probe(['probe', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(report), probeKeys);
  assert.equal(report.ipv4, true);
  assert.equal(report.ipv6, true);
  assert.equal(report.bindv6only, Number(fs.readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8')));
  assert.equal(report.newSocketDual, true);
  assert.equal(report.ipv4ReachesDual, true);
  assert.equal(report.wildcardConflict, true, 'on Linux :: and 0.0.0.0 cannot share a port');
  assert.equal(report.nodeListen, true);
  assert.equal(report.nodeListenHostIpv6Only, false);
  assert.equal(report.nodeUdp6, report.bindv6only === 0);
  assert.equal(report.udpAnswersFromDestination, true, 'Linux reports and answers from 127.0.0.2 on loopback');
  assert.equal(typeof report.nodeListenIpv6Only, 'boolean');
});

test('probe prints a readable table with one line per finding', () => {
  const result = probe(['probe']);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], /^dualmode probe \(linux, Node v\d+/);
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

const unshare = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8', timeout: 10000 });
const skip = unshare.status === 0 ? false : `unshare -n is not permitted here: ${(unshare.stderr || '').trim()}`;

test(
  "on a bindv6only=1 host the probe shows Node's udp6 socket IPv6-only while dualmode's socket stays dual",
  { skip },
  () => {
    const script = 'ip link set lo up && sysctl -qw net.ipv6.bindv6only=1 && exec "$0" "$1" probe --json';
    const result = spawnSync('unshare', ['-n', 'sh', '-c', script, process.execPath, cli], {
      encoding: 'utf8',
      timeout: 30000,
    });
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
