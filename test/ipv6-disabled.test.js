'use strict';
// The DUALMODE_DISABLE_IPV6 switch, dualmode's twin of .NET's
// DOTNET_SYSTEM_NET_DISABLEIPV6 (the System.Net.DisableIPv6 switch added in
// dotnet/runtime PR #55012): "1" or "true" in any case makes
// Socket.osSupportsIPv6 false; every other value, the empty string included,
// leaves it alone. With IPv6 "unsupported", new Socket(SocketType,
// ProtocolType) falls back to an IPv4 socket instead of failing, the
// behaviour .NET adopted for dotnet/corefx#26664 in PR #27558. Only that
// default constructor changes: an explicit InterNetworkV6 socket still works.
//
// The value is read once per process, so each case runs
// test/fixtures/ipv6-disabled.js in a fresh node, as .NET runs these tests
// under RemoteExecutor with the environment variable set.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { test } = require('node:test');
const { AddressFamily } = require('dualmode');
const { checkSocketLeaks, linux } = require('./helpers');

checkSocketLeaks();

const root = path.join(__dirname, '..');
const fixture = path.join(__dirname, 'fixtures', 'ipv6-disabled.js');

/** The facts the fixture prints with DUALMODE_DISABLE_IPV6 = `value` (undefined: unset). */
function factsWith(value) {
  const env = { ...process.env, DUALMODE_DISABLE_IPV6: value };
  if (value === undefined) delete env.DUALMODE_DISABLE_IPV6;
  const result = spawnSync(process.execPath, [fixture], { cwd: root, env, encoding: 'utf8', timeout: 20000 });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `fixture exited with ${result.status} (signal ${result.signal}):\n${result.stderr}`);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, result.stdout);
  const facts = JSON.parse(lines[0]);
  assert.equal(facts.env, value ?? null, 'the child saw the value under test');
  // The fixture's leak check reads /proc/self/fd: Linux only.
  if (linux) assert.deepEqual(facts.leaked, [], 'the fixture closed every socket it opened');
  return facts;
}

/** An endpoint with its (random) port checked and replaced by 'any'. */
function endPoint(outcome) {
  assert.equal(outcome.threw, false, `expected success, got ${outcome.code}: ${outcome.message}`);
  const { port, ...rest } = outcome.value;
  assert.ok(Number.isInteger(port) && port > 0 && port <= 65535, `port ${port}`);
  return { ...rest, port: 'any' };
}

const notSupported = {
  threw: true,
  name: 'NotSupportedError',
  code: 'ERR_NOT_SUPPORTED',
  message: 'This protocol version is not supported.',
};

for (const value of ['1', 'true', 'TRUE', 'True']) {
  test(`DUALMODE_DISABLE_IPV6=${JSON.stringify(value)} makes osSupportsIPv6 false and new Socket(Stream, Tcp) an IPv4 socket with dualMode false`, () => {
    const facts = factsWith(value);
    assert.equal(facts.osSupportsIPv4, true);
    assert.equal(facts.osSupportsIPv6, false);
    assert.deepEqual(facts.stream, { family: AddressFamily.InterNetwork, dualMode: false });
    assert.equal(facts.stream.family, 2);
    assert.deepEqual(
      facts.dgram,
      { family: AddressFamily.InterNetwork, dualMode: false },
      'new Socket(Dgram, Udp) too',
    );
  });

  test(`with DUALMODE_DISABLE_IPV6=${JSON.stringify(value)} the default socket refuses dualMode (ERR_NOT_SUPPORTED), binds 127.0.0.1 and refuses ::1 with EAFNOSUPPORT`, () => {
    const facts = factsWith(value);
    assert.deepEqual(facts.setDualModeTrue, notSupported);
    assert.deepEqual(facts.setDualModeFalse, notSupported);
    assert.deepEqual(endPoint(facts.bindIPv4), { address: '127.0.0.1', family: 'IPv4', port: 'any' });
    assert.equal(facts.bindIPv6.threw, true);
    assert.equal(facts.bindIPv6.name, 'SocketError');
    assert.equal(facts.bindIPv6.code, 'EAFNOSUPPORT');
    assert.match(facts.bindIPv6.message, /^bind EAFNOSUPPORT: /);
  });

  test(`with DUALMODE_DISABLE_IPV6=${JSON.stringify(value)} an explicit InterNetworkV6 socket still works, starts with dualMode false and can turn it on`, () => {
    const { explicitV6 } = factsWith(value);
    assert.equal(explicitV6.family, AddressFamily.InterNetworkV6);
    assert.equal(explicitV6.dualMode, false);
    assert.deepEqual(explicitV6.set, { threw: false, value: true });
    assert.deepEqual(endPoint(explicitV6.bind), { address: '::ffff:127.0.0.1', family: 'IPv6', port: 'any' });
  });
}

for (const value of ['0', 'false', 'yes', '', ' 1', 'true ', undefined]) {
  const label = value === undefined ? ' unset' : `=${JSON.stringify(value)}`;
  test(`DUALMODE_DISABLE_IPV6${label} leaves IPv6 on: new Socket(Stream, Tcp) is InterNetworkV6 in dual mode`, () => {
    const facts = factsWith(value);
    assert.equal(facts.osSupportsIPv4, true);
    assert.equal(facts.osSupportsIPv6, true);
    assert.deepEqual(facts.stream, { family: AddressFamily.InterNetworkV6, dualMode: true });
    assert.equal(facts.stream.family, 23);
    assert.deepEqual(facts.dgram, { family: AddressFamily.InterNetworkV6, dualMode: true });
    assert.deepEqual(facts.setDualModeTrue, { threw: false, value: true });
    assert.deepEqual(facts.setDualModeFalse, { threw: false, value: false });
    assert.deepEqual(endPoint(facts.bindIPv4), { address: '::ffff:127.0.0.1', family: 'IPv6', port: 'any' });
    assert.deepEqual(endPoint(facts.bindIPv6), { address: '::1', family: 'IPv6', port: 'any' });
    assert.equal(facts.explicitV6.family, AddressFamily.InterNetworkV6);
    assert.equal(facts.explicitV6.dualMode, false);
  });
}

test('DUALMODE_DISABLE_IPV6 is read once per process: changing it afterwards changes neither osSupportsIPv6 nor new sockets', () => {
  const disabled = factsWith('1');
  assert.deepEqual(disabled.afterFlip, { osSupportsIPv6: false, family: AddressFamily.InterNetwork });
  const enabled = factsWith('0');
  assert.deepEqual(enabled.afterFlip, { osSupportsIPv6: true, family: AddressFamily.InterNetworkV6 });
});
