'use strict';
// Run by test/emfile.test.js under a low descriptor limit
// (`prlimit --nofile=64:64 node emfile-fixture.js <mode>`); prints one JSON
// object of what happened.
//
//   exhaust  creates Sockets until the constructor throws, closes one and
//            creates again, then closes them all.
//   probe    fills the descriptor table with /dev/null before anything asks
//            Socket.osSupportsIPv6, so that its first probe meets EMFILE.
const fs = require('node:fs');
const { openSockets } = require('../fd-table');
const { Socket, AddressFamily, SocketType, ProtocolType, SocketError } = require('dualmode');

const MAX = 1000; // far above the limit the test sets: the loops are bounded

function describe(err) {
  if (err === null || typeof err !== 'object') return { thrown: String(err) };
  return {
    class: err.constructor?.name,
    isSocketError: err instanceof SocketError,
    code: err.code,
    errno: err.errno,
    syscall: err.syscall,
    message: err.message,
    socketErrorCode: err.socketErrorCode,
  };
}

function attempt(fn) {
  try {
    return { value: fn(), error: null };
  } catch (err) {
    return { value: undefined, error: describe(err) };
  }
}

const tcp6 = () => new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

function exhaust() {
  const facts = { limit: fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)[1] };
  const before = openSockets();
  const sockets = [];
  let failure = null;
  while (sockets.length < MAX) {
    const { value, error } = attempt(tcp6);
    if (error) {
      failure = error;
      break;
    }
    sockets.push(value);
  }
  facts.created = sockets.length;
  facts.error = failure;
  // The two-argument constructor at the limit: EMFILE too (not an IPv4 fallback).
  facts.dualError = attempt(() => new Socket(SocketType.Stream, ProtocolType.Tcp)).error;
  // A datagram socket: the same.
  facts.udpError = attempt(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).error;

  // Close one: creating works again, in the freed slot (at the limit it is
  // the only free one: reading /proc/self/fd would need a descriptor too).
  const freed = sockets.pop();
  const freedFd = freed.fd;
  freed.close();
  const again = attempt(tcp6);
  facts.againError = again.error;
  facts.againFd = again.value?.fd;
  facts.freedFd = freedFd;
  if (again.value) {
    again.value.bind({ address: '::1', port: 0 });
    facts.againBound = again.value.isBound;
    sockets.push(again.value);
  }
  // ... and the limit is still the limit.
  facts.afterRefillError = attempt(tcp6).error;

  for (const socket of sockets) socket.close();
  facts.before = before;
  facts.after = openSockets();
  // Once all are closed, a new one works.
  const last = attempt(tcp6);
  facts.lastError = last.error;
  last.value?.close();
  return facts;
}

function probe() {
  const before = openSockets();
  const files = [];
  let fillError = null;
  while (files.length < MAX) {
    try {
      files.push(fs.openSync('/dev/null', 'r'));
    } catch (err) {
      fillError = err.code;
      break;
    }
  }
  const facts = { filled: files.length, fillError };
  // At the limit: a socket cannot be made (so the probe's socket() cannot either).
  facts.atLimitError = attempt(
    () => new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp),
  ).error;
  // The first probes, at the limit: EMFILE counts as "supported".
  facts.osSupportsIPv6 = Socket.osSupportsIPv6;
  facts.osSupportsIPv4 = Socket.osSupportsIPv4;
  // The two-argument constructor now fails with EMFILE, not with a silent IPv4 socket.
  facts.dualError = attempt(() => new Socket(SocketType.Dgram, ProtocolType.Udp)).error;
  for (const fd of files) fs.closeSync(fd);
  // With room again: the cached answer makes a dual-mode IPv6 socket.
  const { value: socket, error } = attempt(() => new Socket(SocketType.Stream, ProtocolType.Tcp));
  facts.afterError = error;
  facts.family = socket?.addressFamily;
  facts.dualMode = socket?.dualMode;
  socket?.close();
  facts.before = before;
  facts.after = openSockets();
  return facts;
}

const modes = { exhaust, probe };
const mode = modes[process.argv[2]];
if (mode === undefined) {
  process.stderr.write(`unknown mode ${process.argv[2]}; known: ${Object.keys(modes).join(', ')}\n`);
  process.exitCode = 2;
} else {
  process.stdout.write(`${JSON.stringify(mode())}\n`);
}
