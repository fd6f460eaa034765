'use strict';
// The error classes of API.md §4: SocketError's shape in every path,
// NotSupportedError, and what stays readable in the closed and detached states.
const assert = require('node:assert/strict');
const util = require('node:util');
const { test } = require('node:test');
const {
  Socket,
  SocketError,
  NotSupportedError,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel,
} = require('dualmode');
const { checkSocketLeaks, track, socketError } = require('./helpers');

checkSocketLeaks();

const errnoOf = (code) => [...util.getSystemErrorMap()].find(([, [name]]) => name === code)[0];

/** The error `use` throws; fails when it throws nothing. */
function thrown(use) {
  try {
    use();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

test('SocketError has Node’s system-error shape plus the .NET SocketError name', () => {
  const errno = errnoOf('EADDRINUSE');
  const err = new SocketError(errno, 'bind', { address: '::', port: 8080 });
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'SocketError');
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.errno, errno);
  assert.equal(util.getSystemErrorName(err.errno), 'EADDRINUSE');
  assert.equal(err.syscall, 'bind');
  assert.equal(err.address, '::');
  assert.equal(err.port, 8080);
  assert.equal(err.socketErrorCode, 'AddressAlreadyInUse');
  assert.equal(err.message, 'bind EADDRINUSE: address already in use [::]:8080');
  assert.match(err.stack, /^SocketError: bind EADDRINUSE/);
});

test('SocketError without an address has neither address nor port, and an IPv4 address is written unbracketed', () => {
  const einval = errnoOf('EINVAL');
  const bare = new SocketError(einval, 'setsockopt');
  assert.equal(bare.message, 'setsockopt EINVAL: invalid argument');
  assert.equal('address' in bare, false);
  assert.equal('port' in bare, false);
  assert.equal(bare.socketErrorCode, 'InvalidArgument');
  const v4 = new SocketError(einval, 'bind', { address: '127.0.0.1', port: 1, hint: 'why' });
  assert.equal(v4.message, 'bind EINVAL: invalid argument 127.0.0.1:1 (why)');
});

test('an errno .NET has no name for gets socketErrorCode "SocketError"', () => {
  assert.equal(new SocketError(errnoOf('EIO'), 'close').socketErrorCode, 'SocketError');
});

test('errors raised before any syscall still carry a negative errno that names their code (EAFNOSUPPORT, ENOPROTOOPT)', (t) => {
  const v6 = track(t, new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
  assert.throws(() => v6.bind({ address: '127.0.0.1', port: 0 }), socketError('EAFNOSUPPORT', 'bind'));
  assert.throws(() => v6.getSocketOption(SocketOptionLevel.Udp, 1), socketError('ENOPROTOOPT', 'getsockopt'));
  const v4 = track(t, new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
  assert.throws(() => v4.bind({ address: '::1', port: 0 }), socketError('EAFNOSUPPORT', 'bind'));
});

test('NotSupportedError is an Error with code ERR_NOT_SUPPORTED and .NET’s message', () => {
  const err = new NotSupportedError();
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'NotSupportedError');
  assert.equal(err.code, 'ERR_NOT_SUPPORTED');
  assert.equal(err.message, 'This protocol version is not supported.');
});

test('closed, addressFamily, socketType and protocolType stay readable after detach, and close() there does nothing', () => {
  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  const fd = socket.detach();
  try {
    assert.equal(socket.closed, false);
    assert.equal(socket.addressFamily, AddressFamily.InterNetworkV6);
    assert.equal(socket.socketType, SocketType.Dgram);
    assert.equal(socket.protocolType, ProtocolType.Udp);
    assert.doesNotThrow(() => socket.close());
    assert.doesNotThrow(() => socket[Symbol.dispose]());
  } finally {
    Socket.fromFd(fd).close();
  }
});

test('ERR_SOCKET_CLOSED and ERR_SOCKET_DETACHED are plain Errors with a string code', () => {
  const closed = new Socket(SocketType.Stream, ProtocolType.Tcp);
  closed.close();
  const detached = new Socket(SocketType.Stream, ProtocolType.Tcp);
  const fd = detached.detach();
  try {
    for (const [socket, code] of [
      [closed, 'ERR_SOCKET_CLOSED'],
      [detached, 'ERR_SOCKET_DETACHED'],
    ]) {
      const err = thrown(() => socket.isBound);
      assert.equal(Object.getPrototypeOf(err), Error.prototype);
      assert.equal(err.code, code);
    }
  } finally {
    Socket.fromFd(fd).close();
  }
});
