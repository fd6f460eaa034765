// The ES module entry (dist/index.mjs, from src/index.mts): `import` and
// `require` of 'dualmode' give one implementation — the same classes, the same
// enums, one loaded addon — so a Socket or error from one passes instanceof
// checks written against the other.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import dualmode, {
  AddressFamily,
  NotSupportedError,
  ProtocolType,
  Socket,
  SocketError,
  SocketOptionLevel,
  SocketOptionName,
  SocketType,
  isIPv4MappedToIPv6,
  mapToIPv4,
  mapToIPv6,
  platform,
} from 'dualmode';
import helpers from './helpers.js';

const require = createRequire(import.meta.url);
const { checkSocketLeaks, track, socketError, coded } = helpers;

checkSocketLeaks();

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `node ...args` from the repository root without DUALMODE_DISABLE_IPV6; returns stdout. */
function runNode(args) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: 20000 });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `node exited with ${result.status} (signal ${result.signal}):\n${result.stderr}`);
  assert.equal(result.stderr, '', 'no warnings');
  return result.stdout;
}

test("import 'dualmode' resolves through the exports map to dist/index.mjs, require('dualmode') to dist/index.js", () => {
  assert.equal(fileURLToPath(import.meta.resolve('dualmode')), path.join(root, 'dist', 'index.mjs'));
  assert.equal(require.resolve('dualmode'), path.join(root, 'dist', 'index.js'));
});

test("import { Socket, SocketType, ProtocolType, ... } from 'dualmode' gives the classes, enums and helpers", () => {
  assert.equal(typeof Socket, 'function');
  assert.equal(typeof Socket.fromFd, 'function');
  assert.equal(typeof SocketError, 'function');
  assert.equal(typeof NotSupportedError, 'function');
  assert.equal(SocketType.Stream, 1);
  assert.equal(ProtocolType.Tcp, 6);
  assert.equal(AddressFamily.InterNetworkV6, 23);
  assert.equal(SocketOptionLevel.IPv6, 41);
  assert.equal(SocketOptionName.IPv6Only, 27);
  assert.equal(typeof platform.IPV6_V6ONLY, 'number');
  assert.equal(mapToIPv6('127.0.0.1'), '::ffff:127.0.0.1');
  assert.equal(mapToIPv4('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(isIPv4MappedToIPv6('::ffff:127.0.0.1'), true);
});

test("the default import of 'dualmode' is the CommonJS module object", () => {
  assert.equal(dualmode, require('dualmode'));
  assert.equal(typeof dualmode.Socket, 'function');
});

test('the ES module exports exactly the CommonJS exports, each the identical object', async () => {
  const namespace = await import('dualmode');
  const cjs = require('dualmode');
  const esmNames = Object.keys(namespace)
    .filter((name) => name !== 'default')
    .sort();
  const cjsNames = Object.keys(cjs).sort();
  assert.deepEqual(esmNames, cjsNames);
  assert.ok(cjsNames.length > 0);
  for (const name of cjsNames) {
    assert.ok(namespace[name] === cjs[name], `${name} is the same object through import and require`);
  }
  assert.equal(namespace.default, cjs);
  // The static named imports of this file are those very bindings.
  assert.equal(Socket, cjs.Socket);
  assert.equal(SocketType, cjs.SocketType);
  assert.equal(platform, cjs.platform);
});

test('a Socket made through the ES module entry is an instance of the CommonJS Socket, and its errors of the CommonJS error classes', (t) => {
  const cjs = require('dualmode');
  const socket = track(t, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
  assert.ok(socket instanceof cjs.Socket);
  assert.throws(
    () => {
      socket.dualMode = true;
    },
    coded(cjs.NotSupportedError, 'ERR_NOT_SUPPORTED', 'This protocol version is not supported.'),
  );
  // socketError() checks instanceof against require('dualmode').SocketError.
  assert.throws(() => socket.bind({ address: '::1', port: 0 }), socketError('EAFNOSUPPORT', 'bind'));

  const original = track(t, new Socket(SocketType.Dgram, ProtocolType.Udp));
  const adopted = track(t, cjs.Socket.fromFd(original.fd));
  original.detach();
  assert.ok(adopted instanceof Socket, 'and the other way round');
  assert.equal(adopted.addressFamily, AddressFamily.InterNetworkV6);
});

test('new Socket(SocketType.Stream, ProtocolType.Tcp) through the ES module entry has addressFamily 23 and dualMode true', (t) => {
  const socket = track(t, new Socket(SocketType.Stream, ProtocolType.Tcp));
  assert.equal(socket.addressFamily, 23);
  assert.equal(socket.dualMode, true);
});

test("the issue's command `node -e \"...require('dualmode')...\"` run from the repository root prints 23 true", () => {
  const code =
    "const {Socket,SocketType,ProtocolType}=require('dualmode'); const s=new Socket(SocketType.Stream, ProtocolType.Tcp); console.log(s.addressFamily, s.dualMode); s.close()";
  assert.equal(runNode(['-e', code]), '23 true\n');
});

test('its ES module twin `node --input-type=module -e "import ... from \'dualmode\'..."` prints 23 true', () => {
  const code =
    "import {Socket,SocketType,ProtocolType} from 'dualmode'; const s=new Socket(SocketType.Stream, ProtocolType.Tcp); console.log(s.addressFamily, s.dualMode); s.close()";
  assert.equal(runNode(['--input-type=module', '-e', code]), '23 true\n');
});
