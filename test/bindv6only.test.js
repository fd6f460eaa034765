'use strict';
// The same behaviours on a host whose system default is IPv6-only
// (net.ipv6.bindv6only=1). The setting is changed only inside a private
// network namespace made for this test (unshare -n), never on the host.
const assert = require('node:assert/strict');
const path = require('node:path');
const { test, before } = require('node:test');
const { checkSocketLeaks, noNamespace, inNamespace, hostBindv6only } = require('./helpers');

checkSocketLeaks();

const fixture = path.join(__dirname, 'fixtures', 'bindv6only.js');
const script = ['ip link set lo up', 'sysctl -qw net.ipv6.bindv6only=1', 'ip -6 addr add fe80::1/64 dev lo nodad'].join(
  ' && ',
);

const skip = noNamespace();

let facts;
const hostBefore = skip ? null : hostBindv6only();

before(() => {
  if (skip) return;
  const run = inNamespace(script, fixture);
  assert.equal(run.status, 0, `fixture failed: ${run.stderr}${run.error ?? ''}`);
  facts = JSON.parse(run.stdout);
});

test('the namespace really has bindv6only=1 and the host keeps its own setting', { skip }, () => {
  assert.equal(facts.bindv6only, '1');
  assert.equal(hostBindv6only(), hostBefore);
});

test(
  'new Socket(type, protocol) is still dual: dualmode clears IPV6_V6ONLY itself (DualModeConstructor_InterNetworkV6Default)',
  { skip },
  () => {
    assert.equal(facts.tcpDefaultConstructorDual, true);
    assert.equal(facts.udpDefaultConstructorDual, true);
  },
);

test(
  'an explicit IPv6 socket starts IPv6-only, as on any host (NormalConstructor_DualModeConfgiureable)',
  { skip },
  () => {
    assert.equal(facts.tcpExplicitV6Dual, false);
    assert.equal(facts.udpExplicitV6Dual, false);
  },
);

test('a raw IPv6 socket keeps the system default, here IPv6-only', { skip }, () => {
  assert.equal(facts.rawExplicitV6Dual, false);
});

test(
  'a dual-mode listener on :: accepts IPv4 and IPv6 clients even so; an IPv6-only one refuses IPv4',
  { skip },
  () => {
    assert.equal(facts.ipv4ReachesDualListener, true);
    assert.equal(facts.ipv6ReachesDualListener, true);
    assert.equal(facts.ipv4ReachesV6OnlyListener, false);
  },
);

test('an IPv4 address bound on a dual-mode socket shows as ::ffff:127.0.0.1', { skip }, () => {
  assert.equal(facts.mappedBindAddress, '::ffff:127.0.0.1');
});

test(
  'a link-local address binds with its zone, by name or by index, and reports it as Node does (fe80::1%lo)',
  { skip },
  () => {
    assert.equal(facts.scopedBind_lo, 'fe80::1%lo');
    assert.equal(facts.scopedBind_1, 'fe80::1%lo');
  },
);
