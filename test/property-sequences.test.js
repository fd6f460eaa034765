'use strict';
// Property-based tests (fast-check), part 2 of 2: random operation sequences
// over a pool of Sockets (create, dualMode, bind, listen, toServer, toDgram,
// connect, detach + adopt/close, close, receiveFrom/receiveMessageFrom left
// pending or aborted, sendTo, use after close/detach), checked against a model
// after every step; each sequence ends with /proc/self/fd's sockets back at
// their baseline. Part 1: test/property-arguments.test.js. The fixtures, the
// checks every run ends with and the environment variables (seed, scale):
// test/property-support.js.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');
const fc = require('fast-check');
const { Socket, SocketOptionLevel: Level, SocketOptionName: Name, platform, getDualMode } = require('dualmode');
const { checkSocketLeaks, openSockets } = require('./helpers');
const {
  BAD_TYPE,
  classify,
  closeConn,
  closeDgram,
  closeServer,
  code,
  connectOutcome,
  count,
  Dgram,
  fdTarget,
  fx,
  isSocketFd,
  NOT_SUPPORTED,
  nothingLater,
  params,
  run,
  runsNeedFdTable,
  SCALE,
  setUpFixtures,
  show,
  socketsBackTo,
  stateError,
  stats,
  Stream,
  Tcp,
  tearDownFixtures,
  turn,
  Udp,
  V4,
  V6,
} = require('./property-support');

checkSocketLeaks();

const POOL = 6;
// The model's names for src/enums.ts AddressFamily and SocketType members.
const FAMILY = { v4: V4, v6: V6 };
const TYPE = { stream: Stream, dgram: Dgram };
// Who holds a detached descriptor, as ERR_SOCKET_DETACHED names it.
// mirrors the owners src/socket.ts passes to #handOff() and detachTo()
const OWNER = {
  'detach()': /detach\(\)/,
  'toServer()': /toServer\(\)/,
  'connect()': /connect\(\)/,
  'toDgram()': /toDgram\(\)/,
};

/** Members used after close / detach, with valid arguments. */
// mirrors the public members of src/socket.ts class Socket, less the typed option
// properties (ttl, noDelay, ...: PROPERTIES in test/property-arguments.test.js)
const USES = {
  fd: (s) => s.fd,
  dualMode: (s) => s.dualMode,
  'dualMode = true': (s) => {
    s.dualMode = true;
  },
  'dualMode = false': (s) => {
    s.dualMode = false;
  },
  isBound: (s) => s.isBound,
  localEndPoint: (s) => s.localEndPoint,
  remoteEndPoint: (s) => s.remoteEndPoint,
  getSocketOption: (s) => s.getSocketOption(Level.Socket, Name.Type),
  setSocketOption: (s) => s.setSocketOption(Level.Socket, Name.ReuseAddress, true),
  getRawSocketOption: (s) => s.getRawSocketOption(platform.SOL_SOCKET, platform.SO_TYPE, new Uint8Array(4)),
  setRawSocketOption: (s) => s.setRawSocketOption(platform.SOL_SOCKET, platform.SO_REUSEADDR, new Uint8Array(4)),
  bind: (s) => s.bind({ address: '::1', port: 0 }),
  listen: (s) => s.listen(),
  toServer: (s) => s.toServer(),
  connect: (s) => s.connect({ address: '::1', port: fx.closedPort }),
  toDgram: (s) => s.toDgram(),
  receiveFrom: (s) => s.receiveFrom(new Uint8Array(4)),
  receiveMessageFrom: (s) => s.receiveMessageFrom(new Uint8Array(4)),
  sendTo: (s) => s.sendTo(new Uint8Array(1), { address: '::1', port: fx.closedPort }),
  detach: (s) => s.detach(),
  closed: (s) => s.closed,
  addressFamily: (s) => s.addressFamily,
  socketType: (s) => s.socketType,
  protocolType: (s) => s.protocolType,
  close: (s) => s.close(),
  '[Symbol.dispose]': (s) => s[Symbol.dispose](),
};

const slot = fc.nat(POOL - 1);
const createOp = fc.record({
  op: fc.constant('create'),
  slot,
  form: fc.constantFrom(2, 3),
  family: fc.constantFrom('v4', 'v6'),
  type: fc.constantFrom('stream', 'stream', 'dgram'),
  zeroProtocol: fc.boolean(),
});
// create, bind (or not: listen binds the wildcard) and listen, as one step.
const listenerOp = fc.record({
  op: fc.constant('createListener'),
  slot,
  form: fc.constantFrom(2, 3),
  family: fc.constantFrom('v4', 'v6'),
  type: fc.constant('stream'),
  zeroProtocol: fc.boolean(),
  dual: fc.constantFrom(undefined, true, false),
  address: fc.constantFrom(undefined, '::1', '127.0.0.1', '::', '0.0.0.0'),
  backlog: fc.constantFrom(undefined, 0, 1, 8, 128),
});
// create a datagram socket and bind it, as one step (a receiver).
const receiverOp = fc.record({
  op: fc.constant('createBound'),
  slot,
  form: fc.constantFrom(2, 3),
  family: fc.constantFrom('v4', 'v6'),
  type: fc.constant('dgram'),
  zeroProtocol: fc.boolean(),
  dual: fc.constantFrom(undefined, true, false),
  address: fc.constantFrom('::1', '127.0.0.1', '::', '0.0.0.0'),
});
const opGen = fc.oneof(
  { weight: 4, arbitrary: createOp },
  { weight: 2, arbitrary: receiverOp },
  { weight: 2, arbitrary: listenerOp },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dualMode'), slot, value: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('bind'),
      slot,
      address: fc.constantFrom('::1', '127.0.0.1', '::', '0.0.0.0'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('listen'), slot, backlog: fc.constantFrom(undefined, 0, 1, 8, 128) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toServer'), slot }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toDgram'), slot }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('connect'),
      slot,
      target: slot,
      closedPort: fc.constantFrom(false, false, false, true),
      via: fc.constantFrom('127.0.0.1', '::1'),
      fresh: fc.option(createOp.map((c) => ({ ...c, type: 'stream' }))), // connect from a new socket rather than the slot's
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('detach'), slot, then: fc.constantFrom('adopt', 'close', 'keep') }),
  },
  // Mostly on a datagram socket of the pool (`datagram`), else on any slot.
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('receive'),
      slot,
      datagram: fc.boolean(),
      message: fc.boolean(),
      aborted: fc.constantFrom(false, false, true),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('send'),
      slot,
      datagram: fc.boolean(),
      via: fc.constantFrom('127.0.0.1', '::1'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close'), slot, dispose: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('use'), slot, member: fc.constantFrom(...Object.keys(USES)) }) },
);
const sequenceGen = fc
  .tuple(
    fc.array(fc.oneof(createOp, listenerOp), { minLength: 2, maxLength: 4 }),
    fc.array(opGen, { minLength: 1, maxLength: 36 }),
  )
  .map(([creates, ops]) => [...creates, ...ops]);

/** Asserts that `call` throws what `spec` ({ code, syscall?, owner? }) says; `markers` is empty: no user code here. */
function throwsAs(call, spec, what) {
  const out = run(call);
  assert.ok(out.threw, `${what}: expected ${show(spec)}, but it returned ${show(out.value)}`);
  const c = classify(out.err, new Set());
  assert.equal(c.code, spec.code, `${what}: ${out.err.message}`);
  threwIn = c.code;
  if (spec.syscall) assert.equal(c.syscall, spec.syscall, what);
  if (spec.owner) assert.match(out.err.message, OWNER[spec.owner], what);
  return out.err;
}

/** Whether a listener of model `m` accepts a connection to `via`:its port. */
function accepts(m, via) {
  const a = m.bound.address;
  if (m.family === 'v4') return via === '127.0.0.1' && (a === '0.0.0.0' || a === '127.0.0.1');
  if (via === '::1') return a === '::' || a === '::1';
  return (a === '::' && m.dual) || a === '::ffff:127.0.0.1' || a === '::ffff:0.0.0.0';
}

/**
 * Inodes of LISTEN sockets on `port` other than `pool`'s: this file's fixtures
 * or another process, which may share a port number with a pool listener
 * whose address does not overlap theirs ([::] IPv6-only and 127.0.0.1).
 */
function otherListeners(port, pool) {
  const inodeOf = (fd) => (fdTarget(fd) ?? '').replace(/^socket:\[(\d+)\]$/, '$1');
  const ours = new Set(pool.filter((e) => e.m.state === 'open').map((e) => inodeOf(e.m.fd)));
  const found = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      if (parseInt(fields[1].split(':')[1], 16) === port && !ours.has(fields[9])) found.push(fields[9]);
    }
  }
  return found;
}

let threwIn = null; // the error code the current step expected and got

class Sequence {
  constructor() {
    this.pool = []; // { s, m }
    this.ghosts = []; // entries replaced in the pool, still checked
    this.orphans = []; // detached fds the test owns
    this.nodeObjects = []; // Node objects to close should a step fail midway
  }

  entry(slotIndex, datagram = false) {
    const datagrams = datagram ? this.pool.filter((x) => x.m.type === 'dgram' && x.m.state === 'open') : [];
    if (datagrams.length > 0) return datagrams[slotIndex % datagrams.length];
    return this.pool.length === 0 ? null : this.pool[slotIndex % this.pool.length];
  }

  async step(op) {
    threwIn = null;
    const e =
      op.op === 'create' || op.op === 'createListener' || op.op === 'createBound'
        ? undefined
        : op.fresh
          ? this.create(op.fresh)
          : this.entry(op.slot, op.datagram);
    if (e === null) return void count(`${op.op}: no socket yet`);
    const state = e ? `${e.m.state} ` : '';
    const result = e === undefined ? this[op.op](op) : await this[op.op](e, op);
    count(`${op.op} on ${state}socket: ${threwIn ?? result ?? 'done'}`.replace(' on socket', ''));
    await this.cancelledCalls();
  }

  /** Datagram calls pending on Sockets that gave their descriptor up rejected with ECANCELED. */
  async cancelledCalls() {
    for (const { m } of [...this.pool, ...this.ghosts]) {
      if (m.state === 'open' || m.pending.length === 0) continue;
      const outcomes = await Promise.all(m.pending.splice(0));
      for (const outcome of outcomes)
        assert.equal(outcome, 'ECANCELED', `a call pending when ${show(m)} gave up its fd`);
    }
  }

  // receiveFrom()/receiveMessageFrom() on a socket nobody sends to: it stays
  // pending (or, aborted, rejects with an AbortError) until the Socket gives
  // its descriptor up.
  async receive(e, op) {
    const { s, m } = e;
    const signal = op.aborted ? AbortSignal.abort() : undefined;
    const call = () =>
      op.message ? s.receiveMessageFrom(new Uint8Array(4), { signal }) : s.receiveFrom(new Uint8Array(4), { signal });
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'receive after close/detach');
    if (m.type !== 'dgram') return void throwsAs(call, { code: BAD_TYPE }, 'receive on a stream socket');
    if (!m.bound) return void throwsAs(call, { code: 'ERR_SOCKET_NOT_BOUND' }, 'receive on an unbound socket');
    const outcome = call().then(
      () => 'received',
      (err) => (err.name === 'AbortError' ? 'aborted' : err.code),
    );
    if (op.aborted) return void assert.equal(await outcome, 'aborted', 'an aborted signal rejects at once');
    m.pending.push(outcome);
    const first = await Promise.race([outcome, turn().then(() => 'pending')]);
    assert.equal(first, 'pending', 'nothing was sent to it');
    return 'pending';
  }

  // sendTo() a closed port: UDP reports nothing, the datagram is sent (and an
  // unbound socket bound by the kernel), unless the family is wrong.
  async send(e, op) {
    const { s, m } = e;
    const viaV4 = op.via === '127.0.0.1';
    const call = () => s.sendTo(new Uint8Array(1), { address: op.via, port: fx.closedPort });
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'sendTo after close/detach');
    if (m.type !== 'dgram') return void throwsAs(call, { code: BAD_TYPE }, 'sendTo on a stream socket');
    if ((m.family === 'v6' && viaV4 && !m.dual) || (m.family === 'v4' && !viaV4)) {
      return void throwsAs(call, { code: 'EAFNOSUPPORT', syscall: 'sendmsg' }, `sendTo(${op.via}) on the wrong family`);
    }
    const outcome = await call().then(
      (n) => n,
      (err) => err.code,
    );
    // A socket bound to an IPv4(-mapped) address cannot reach ::1, nor one bound to ::1 an IPv4 address.
    const boundV4 = m.bound?.address.startsWith('::ffff:');
    if (boundV4 && !viaV4) return void assert.equal(typeof outcome, 'string', `sendTo(::1) from ${show(m)}`);
    assert.equal(outcome, 1, `sendTo(${op.via}) from ${show(m)}`);
    if (!m.bound) m.bound = { address: m.family === 'v6' ? '::' : '0.0.0.0', port: s.localEndPoint.port };
    return 'sent';
  }

  create(op) {
    const family = op.form === 2 ? (Socket.osSupportsIPv6 ? 'v6' : 'v4') : op.family;
    const protocol = op.zeroProtocol ? 0 : op.type === 'stream' ? Tcp : Udp;
    const args = op.form === 2 ? [TYPE[op.type], protocol] : [FAMILY[op.family], TYPE[op.type], protocol];
    const s = new Socket(...args);
    const m = {
      state: 'open',
      family,
      type: op.type,
      protocol,
      dual: op.form === 2 && family === 'v6',
      bound: null,
      listening: false,
      backlog: 511,
      queued: 0,
      fd: s.fd,
      pending: [],
    };
    const e = { s, m };
    assert.ok(isSocketFd(m.fd));
    if (this.pool.length < POOL) {
      this.pool.push(e);
      return e;
    }
    const i = op.slot % POOL;
    const old = this.pool[i];
    if (old.m.state === 'open') this.closeEntry(old, false);
    this.ghosts.push(old);
    this.pool[i] = e;
    return e;
  }

  createBound(op) {
    const e = this.create(op);
    threwIn = null;
    if (op.dual !== undefined) this.dualMode(e, { value: op.dual });
    const dualStep = threwIn ?? 'ok';
    threwIn = null;
    this.bind(e, { address: op.address });
    const bindStep = threwIn ?? 'ok';
    threwIn = null;
    return `dualMode ${dualStep}, bind ${bindStep}`;
  }

  createListener(op) {
    const e = this.create(op);
    const steps = [];
    const sub = (name, call) => {
      threwIn = null;
      call();
      steps.push(`${name} ${threwIn ?? 'ok'}`);
    };
    if (op.dual !== undefined) sub('dualMode', () => this.dualMode(e, { value: op.dual }));
    if (op.address !== undefined) sub('bind', () => this.bind(e, { address: op.address }));
    sub('listen', () => this.listen(e, { backlog: op.backlog }));
    threwIn = null;
    return steps.join(', ');
  }

  dualMode(e, op) {
    const { s, m } = e;
    const set = () => {
      s.dualMode = op.value;
    };
    if (m.family === 'v4') return void throwsAs(set, { code: NOT_SUPPORTED }, 'dualMode on IPv4');
    const state = stateError(m);
    if (state) return void throwsAs(set, { ...state, owner: m.owner }, 'dualMode after close/detach');
    if (m.bound) return void throwsAs(set, { code: 'EINVAL', syscall: 'setsockopt' }, 'dualMode after bind');
    set();
    m.dual = op.value;
  }

  bind(e, op) {
    const { s, m } = e;
    const call = () => s.bind({ address: op.address, port: 0 });
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'bind after close/detach');
    const v4Address = !op.address.includes(':');
    if ((m.family === 'v6' && v4Address && !m.dual) || (m.family === 'v4' && !v4Address)) {
      return void throwsAs(call, { code: 'EAFNOSUPPORT', syscall: 'bind' }, `bind(${op.address}) on the wrong family`);
    }
    if (m.bound) return void throwsAs(call, { code: 'EINVAL', syscall: 'bind' }, 'bind twice');
    call();
    const address = m.family === 'v6' && v4Address ? `::ffff:${op.address}` : op.address;
    if (m.family === 'v6' && op.address === '::1') m.dual = false; // Linux sets IPV6_V6ONLY on a bind to a specific IPv6 address
    m.bound = { address, port: s.localEndPoint.port };
  }

  listen(e, op) {
    const { s, m } = e;
    const call = () => s.listen(op.backlog);
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'listen after close/detach');
    if (m.type === 'dgram')
      return void throwsAs(call, { code: 'ENOTSUP', syscall: 'listen' }, 'listen on a datagram socket');
    call();
    if (!m.bound) m.bound = { address: m.family === 'v6' ? '::' : '0.0.0.0', port: s.localEndPoint.port };
    m.listening = true;
    m.backlog = op.backlog ?? 511;
  }

  async toServer(e) {
    const { s, m } = e;
    const call = () => s.toServer();
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'toServer after close/detach');
    if (m.type !== 'stream') return void throwsAs(call, { code: BAD_TYPE }, 'toServer on a datagram socket');
    const server = call();
    this.nodeObjects.push(server);
    server.on('connection', (c) => c.destroy());
    assert.equal(server.listening, true);
    this.handedOff(m, server, 'toServer()');
    await closeServer(server);
  }

  async toDgram(e) {
    const { s, m } = e;
    const call = () => s.toDgram();
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'toDgram after close/detach');
    if (m.type !== 'dgram') return void throwsAs(call, { code: BAD_TYPE }, 'toDgram on a stream socket');
    const socket = call();
    this.nodeObjects.push(socket);
    this.handedOff(m, socket, 'toDgram()');
    await closeDgram(socket);
  }

  async connect(e, op) {
    const { s, m } = e;
    const viaV4 = op.via === '127.0.0.1';
    // The target: one of the listening open Sockets of the pool, else (or when op.closedPort) the reserved port.
    const listeners = this.pool.filter((x) => x !== e && x.m.state === 'open' && x.m.listening);
    const t = op.closedPort || listeners.length === 0 ? null : listeners[op.target % listeners.length];
    const port = t ? t.m.bound.port : fx.closedPort;
    const call = () => s.connect({ address: op.via, port });
    const state = stateError(m);
    if (state) return void throwsAs(call, { ...state, owner: m.owner }, 'connect after close/detach');
    if (m.type !== 'stream') return void throwsAs(call, { code: BAD_TYPE }, 'connect on a datagram socket');
    if ((m.family === 'v6' && viaV4 && !m.dual) || (m.family === 'v4' && !viaV4)) {
      return void throwsAs(
        call,
        { code: 'EAFNOSUPPORT', syscall: 'connect' },
        `connect(${op.via}) on the wrong family`,
      );
    }
    if (m.listening)
      return void throwsAs(call, { code: 'EISCONN', syscall: 'connect' }, 'connect on a listening socket');
    const acceptor = this.pool.find(
      (x) => x.m.state === 'open' && x.m.listening && x.m.bound.port === port && accepts(x.m, op.via),
    );
    if (acceptor && acceptor.m.queued >= Math.max(1, acceptor.m.backlog)) return 'skipped, accept queue full'; // it would drop the SYN
    const conn = call();
    this.nodeObjects.push(conn);
    this.release(m, 'connect()');
    const result = await connectOutcome(conn);
    // A client bound to an IPv4(-mapped) address cannot reach ::1 (the kernel says EAFNOSUPPORT).
    const wanted =
      m.bound?.address.startsWith('::ffff:') && !viaV4 ? 'EAFNOSUPPORT' : acceptor ? 'connect' : 'ECONNREFUSED';
    if (result === 'connect' && wanted === 'ECONNREFUSED' && otherListeners(port, this.pool).length > 0) {
      await closeConn(conn);
      return 'skipped, a listener outside the pool shares the port'; // not the model's to judge
    }
    assert.equal(result, wanted, `connect(${op.via}:${port}) from ${show(m)}`);
    if (result === 'connect') {
      acceptor.m.queued++;
      assert.equal(conn.remoteAddress, m.family === 'v6' && viaV4 ? '::ffff:127.0.0.1' : op.via);
      assert.equal(conn.remotePort, port);
    }
    await closeConn(conn);
    return result;
  }

  detach(e, op, i = this.pool.indexOf(e)) {
    const { s, m } = e;
    const state = stateError(m);
    if (state) return void throwsAs(() => s.detach(), { ...state, owner: m.owner }, 'detach after close/detach');
    const fd = s.detach();
    assert.equal(fd, m.fd, 'detach() returns the very fd');
    assert.ok(isSocketFd(fd), 'a detached fd stays open');
    this.release(m, 'detach()');
    if (op.then === 'adopt') {
      const adopted = Socket.fromFd(fd);
      assert.equal(adopted.fd, fd);
      const protocol = m.type === 'stream' ? Tcp : Udp; // the kernel's, even for a socket created with protocol 0
      assert.equal(adopted.protocolType, protocol);
      this.ghosts.push(e);
      this.pool[i] = { s: adopted, m: { ...m, state: 'open', owner: undefined, protocol, pending: [] } };
    } else if (op.then === 'close') {
      Socket.fromFd(fd).close();
      assert.equal(fdTarget(fd), null, 'closed through Socket.fromFd(fd).close()');
    } else {
      this.orphans.push(fd);
    }
  }

  close(e, op) {
    this.closeEntry(e, op.dispose);
  }

  closeEntry(e, dispose) {
    const { s, m } = e;
    if (dispose) s[Symbol.dispose]();
    else s.close();
    if (m.state === 'open') {
      assert.equal(fdTarget(m.fd), null, 'close() closed the fd');
      m.state = 'closed';
    }
  }

  use(e, op) {
    const { s, m } = e;
    if (m.state === 'open') return; // the other ops cover open sockets
    const use = USES[op.member];
    const what = `${op.member} on a ${m.state} socket`;
    if (op.member === 'close' || op.member === '[Symbol.dispose]') return void assert.equal(use(s), undefined, what);
    const readable = {
      closed: m.state === 'closed',
      addressFamily: FAMILY[m.family],
      socketType: TYPE[m.type],
      protocolType: m.protocol,
    };
    if (op.member in readable) return void assert.equal(use(s), readable[op.member], what);
    if (m.family === 'v4' && op.member === 'dualMode') return void assert.equal(use(s), false, what);
    if (m.family === 'v4' && op.member.startsWith('dualMode ='))
      return void throwsAs(() => use(s), { code: NOT_SUPPORTED }, what);
    const err = run(() => use(s));
    if (!err.threw && err.value && typeof err.value.close === 'function') this.nodeObjects.push(err.value);
    throwsAs(
      () => {
        if (err.threw) throw err.err;
        return err.value;
      },
      { ...stateError(m), owner: m.owner },
      what,
    );
  }

  release(m, owner) {
    m.state = 'detached';
    m.owner = owner;
  }

  /** A hand-off's Node object is bound where the model says (the wildcard, if it was unbound) with the model's dual mode; the Socket is detached. */
  handedOff(m, node, owner) {
    const address = node.address();
    if (!m.bound) m.bound = { address: m.family === 'v6' ? '::' : '0.0.0.0', port: address.port };
    assert.deepEqual(address, {
      address: m.bound.address,
      family: m.family === 'v6' ? 'IPv6' : 'IPv4',
      port: m.bound.port,
    });
    assert.equal(getDualMode(node), m.dual);
    this.release(m, owner);
  }

  /** Every pool and ghost Socket matches its model. */
  observe(step) {
    const sockets = new Set(openSockets().map((line) => Number(line.split(' ')[0])));
    for (const { s, m } of [...this.pool, ...this.ghosts]) {
      const what = `after step ${step}, ${show(m)}`;
      assert.equal(s.closed, m.state === 'closed', what);
      assert.equal(s.addressFamily, FAMILY[m.family], what);
      assert.equal(s.socketType, TYPE[m.type], what);
      assert.equal(s.protocolType, m.protocol, what);
      if (m.state !== 'open') {
        throwsAs(() => s.fd, { ...stateError(m), owner: m.owner }, what);
        if (m.family === 'v4') assert.equal(s.dualMode, false, what);
        continue;
      }
      assert.equal(s.fd, m.fd, what);
      assert.ok(sockets.has(m.fd), `${what}: its fd is an open socket`);
      assert.equal(s.dualMode, m.family === 'v6' && m.dual, `${what}: dualMode`);
      assert.equal(s.isBound, m.bound !== null, `${what}: isBound`);
      const local = m.bound && {
        address: m.bound.address,
        family: m.family === 'v6' ? 'IPv6' : 'IPv4',
        port: m.bound.port,
      };
      assert.deepEqual(s.localEndPoint, local, `${what}: localEndPoint`);
      assert.equal(s.remoteEndPoint, null, `${what}: remoteEndPoint`);
      assert.equal(s.getSocketOption(Level.Socket, Name.AcceptConnection), m.listening ? 1 : 0, `${what}: listening`);
      if (m.family === 'v6')
        assert.equal(s.getSocketOption(Level.IPv6, Name.IPv6Only), m.dual ? 0 : 1, `${what}: IPV6_V6ONLY`);
    }
  }

  async cleanUp() {
    for (const object of this.nodeObjects) {
      if (object instanceof net.Server) {
        if (object.listening) await closeServer(object);
      } else if (object instanceof net.Socket) await closeConn(object);
      else if (object instanceof dgram.Socket) await closeDgram(object).catch(() => {});
    }
    for (const { s } of [...this.pool, ...this.ghosts]) s.close();
    for (const fd of this.orphans.splice(0)) Socket.fromFd(fd).close();
    for (const { m } of [...this.pool, ...this.ghosts]) m.state = m.state === 'open' ? 'closed' : m.state;
    await this.cancelledCalls();
  }
}

describe('random operation sequences over a pool of Sockets', { skip: runsNeedFdTable }, () => {
  before(setUpFixtures);
  after(tearDownFixtures);

  test('every step matches the model and the socket fds return to their baseline', async (t) => {
    let steps = 0;
    stats.seen = new Map();
    await fc.assert(
      fc.asyncProperty(sequenceGen, async (ops) => {
        stats.runs++;
        const baseline = openSockets();
        const sequence = new Sequence();
        try {
          for (const [i, op] of ops.entries()) {
            await sequence.step(op);
            sequence.observe(i);
            steps++;
          }
        } finally {
          await sequence.cleanUp();
        }
        await socketsBackTo(baseline, 'after the sequence');
        await nothingLater('after the sequence');
      }),
      params(200),
    );
    t.diagnostic(`${steps} steps checked`);
    for (const [key, n] of [...stats.seen].sort()) t.diagnostic(`${key}: ${n}`);
  });
});

test('run count', { skip: runsNeedFdTable }, (t) => {
  t.diagnostic(`${stats.runs} property runs in this file`);
  assert.ok(stats.runs >= 200 * Math.min(1, SCALE), `at least 200 runs: ${stats.runs}`);
});
