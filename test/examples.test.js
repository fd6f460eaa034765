'use strict';
const { checkSocketLeaks } = require('./helpers');
checkSocketLeaks();

// The programs in examples/ run as a user would run them, and print what the
// README says they print.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { test } = require('node:test');

const root = path.join(__dirname, '..');

/** Runs examples/<name> in a fresh node; `env` entries set to undefined are removed. */
function runExample(name, env = {}) {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  const result = spawnSync(process.execPath, [path.join(root, 'examples', name)], {
    cwd: root,
    env: childEnv,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `${name} exited with ${result.status} (signal ${result.signal}):\n${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
}

test('examples/dual-mode.js shows a dual-mode socket on [::] and an explicit IPv6 socket bound to ::ffff:127.0.0.1', (t) => {
  const lines = runExample('dual-mode.js', { DUALMODE_DISABLE_IPV6: undefined });
  if (lines[0] === 'osSupportsIPv6: false') {
    t.skip('this machine has no IPv6');
    return;
  }
  assert.equal(lines.length, 7, lines.join('\n'));
  assert.equal(lines[0], 'osSupportsIPv6: true');
  assert.match(lines[1], /^addressFamily: 23$/);
  assert.match(lines[2], /^dualMode: true$/);

  const wildcard = lines[3].match(/^localEndPoint: \[::\]:(\d+)$/);
  assert.ok(wildcard, lines[3]);
  const wildcardPort = Number(wildcard[1]);
  assert.ok(wildcardPort > 0 && wildcardPort <= 65535, `port ${wildcardPort}`);

  assert.equal(lines[4], 'explicit IPv6 dualMode: false');
  assert.equal(lines[5], 'explicit IPv6 dualMode: true');

  const mapped = lines[6].match(/^localEndPoint: \[::ffff:127\.0\.0\.1\]:(\d+)$/);
  assert.ok(mapped, lines[6]);
  const mappedPort = Number(mapped[1]);
  assert.ok(mappedPort > 0 && mappedPort <= 65535, `port ${mappedPort}`);
});

test('examples/dual-mode.js says there is nothing to show when DUALMODE_DISABLE_IPV6=1', () => {
  const lines = runExample('dual-mode.js', { DUALMODE_DISABLE_IPV6: '1' });
  assert.equal(lines[0], 'osSupportsIPv6: false');
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1], /IPv6 is not available/);
});
