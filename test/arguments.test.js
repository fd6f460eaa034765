'use strict';
// Bad arguments to every public entry point of Socket: each gives a
// synchronous, Node-style coded error (API.md §3, §4), touches no descriptor,
// and leaves an open Socket exactly as it was and still usable.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const util = require('node:util');
const vm = require('node:vm');
const {
  Socket,
  AddressFamily,
  SocketType,
  ProtocolType,
  SocketOptionLevel: Level,
  SocketOptionName: Name,
  platform,
} = require('dualmode');
const { checkSocketLeaks, track, coded, socketError, socketsUnchangedBy, noFileDescriptors } = require('./helpers');

checkSocketLeaks();

const V6 = AddressFamily.InterNetworkV6;
const Stream = SocketType.Stream;
const Tcp = ProtocolType.Tcp;
const { IPPROTO_IPV6, IPV6_V6ONLY } = platform;
const MAX_OPTION_BYTES = 65536;

// ---------------------------------------------------------------------------
// Matchers, each with the label used in test names.

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** TypeError ERR_INVALID_ARG_TYPE whose message names `name` and what it received. */
function argType(name) {
  return {
    label: 'TypeError ERR_INVALID_ARG_TYPE',
    matcher: coded(TypeError, 'ERR_INVALID_ARG_TYPE', new RegExp(`"${escape(name)}"[^]* must be [^]*Received`)),
  };
}

/** RangeError ERR_OUT_OF_RANGE whose message names `name` and what it received. */
function outOfRange(name) {
  return {
    label: 'RangeError ERR_OUT_OF_RANGE',
    matcher: coded(RangeError, 'ERR_OUT_OF_RANGE', new RegExp(`"${escape(name)}" is out of range[^]*Received`)),
  };
}

const badPort = {
  label: 'RangeError ERR_SOCKET_BAD_PORT',
  matcher: coded(RangeError, 'ERR_SOCKET_BAD_PORT', /endPoint\.port[^]*Received/),
};

function invalidIP(address) {
  return {
    label: 'TypeError ERR_INVALID_IP_ADDRESS',
    matcher: coded(TypeError, 'ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${address}`),
  };
}

function refusedBy(code, syscall) {
  return { label: `SocketError ${code} (${syscall})`, matcher: socketError(code, syscall) };
}

/** A matcher for "this very object was thrown". */
function sameError(expected) {
  return {
    label: "the getter's own exception",
    matcher: (err) => {
      assert.equal(err, expected);
      return true;
    },
  };
}

// ---------------------------------------------------------------------------
// Value tables: [what, value].

const notNumbers = [
  ['a numeric string', '1'],
  ['undefined', undefined],
  ['null', null],
  ['an object', {}],
  ['a symbol', Symbol('x')],
  ['a BigInt', 1n],
  ['a function', function one() {}],
  ['a boolean', true],
  ['a Number object', Object(1)],
];

const notIntegers = [
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

const outsideInt32 = [
  ['2 ** 31', 2 ** 31],
  ['-(2 ** 31) - 1', -(2 ** 31) - 1],
];

const notUint8Arrays = () => [
  ['an Array', [0, 0, 0, 0]],
  ['an ArrayBuffer', new ArrayBuffer(4)],
  ['a SharedArrayBuffer', new SharedArrayBuffer(4)],
  ['a DataView', new DataView(new ArrayBuffer(4))],
  ['a Uint16Array', new Uint16Array(2)],
  ['an Int8Array', new Int8Array(4)],
  ['a Uint8ClampedArray', new Uint8ClampedArray(4)],
  ['a Float64Array', new Float64Array(1)],
  ['a string', 'abcd'],
  ['undefined', undefined],
  ['null', null],
  ['an array-like object', { length: 4, 0: 0, 1: 0, 2: 0, 3: 0 }],
  ['an object that only inherits Uint8Array.prototype', Object.create(Uint8Array.prototype)],
  ['a Proxy of a Uint8Array', new Proxy(new Uint8Array(4), {})],
  [
    'a Uint16Array whose prototype was set to Uint8Array.prototype',
    Object.setPrototypeOf(new Uint16Array(2), Uint8Array.prototype),
  ],
];

/** A Uint8Array of `size` bytes whose own `byteLength` property lies that it has 4. */
function lyingAboutLength(size) {
  const bytes = new Uint8Array(size);
  Object.defineProperty(bytes, 'byteLength', { value: 4 });
  return bytes;
}

const show = (value) => (typeof value === 'string' ? `'${value}'` : util.inspect(value, { breakLength: Infinity }));

// ---------------------------------------------------------------------------
// Calls that create no Socket: nothing may be opened (or left open).

function creationCases(title, cases) {
  describe(title, () => {
    for (const [description, create, { label, matcher }] of cases) {
      test(`${description} throws ${label} and opens no socket`, (t) => {
        socketsUnchangedBy(t, () => assert.throws(() => track(t, create()), matcher));
      });
    }
  });
}

const socketTypeRange = [['0', 0], ['4', 4], ['5 (.NET Seqpacket, unsupported)', 5], ['-1', -1], ...notIntegers];
const protocolTypeRange = [['-1', -1], ['256', 256], ['6.5', 6.5], ['2 ** 31', 2 ** 31], ...notIntegers];
const addressFamilyRange = [
  ['1', 1],
  ['5', 5],
  ['10 (Linux AF_INET6, not the .NET value)', 10],
  ['30 (macOS AF_INET6)', 30],
  ['24', 24],
  ['23.5', 23.5],
  ['-23', -23],
  ...notIntegers,
];

creationCases('new Socket(socketType, protocolType) with bad arguments', [
  ...notNumbers.map(([what, v]) => [
    `new Socket(socketType, protocolType) with socketType = ${what}`,
    () => new Socket(v, Tcp),
    argType('socketType'),
  ]),
  ...socketTypeRange.map(([what, v]) => [
    `new Socket(socketType, protocolType) with socketType = ${what}`,
    () => new Socket(v, Tcp),
    outOfRange('socketType'),
  ]),
  ...notNumbers.map(([what, v]) => [
    `new Socket(socketType, protocolType) with protocolType = ${what}`,
    () => new Socket(Stream, v),
    argType('protocolType'),
  ]),
  ...protocolTypeRange.map(([what, v]) => [
    `new Socket(socketType, protocolType) with protocolType = ${what}`,
    () => new Socket(Stream, v),
    outOfRange('protocolType'),
  ]),
  [
    'new Socket(Stream, Udp), a pair the OS refuses,',
    () => new Socket(Stream, ProtocolType.Udp),
    refusedBy('EPROTONOSUPPORT', 'socket'),
  ],
]);

creationCases('new Socket(addressFamily, socketType, protocolType) with bad arguments', [
  ...notNumbers.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with addressFamily = ${what}`,
    () => new Socket(v, Stream, Tcp),
    argType('addressFamily'),
  ]),
  ...addressFamilyRange.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with addressFamily = ${what}`,
    () => new Socket(v, Stream, Tcp),
    outOfRange('addressFamily'),
  ]),
  ...notNumbers.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with socketType = ${what}`,
    () => new Socket(V6, v, Tcp),
    argType('socketType'),
  ]),
  ...socketTypeRange.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with socketType = ${what}`,
    () => new Socket(V6, v, Tcp),
    outOfRange('socketType'),
  ]),
  ...notNumbers.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with protocolType = ${what}`,
    () => new Socket(V6, Stream, v),
    argType('protocolType'),
  ]),
  ...protocolTypeRange.map(([what, v]) => [
    `new Socket(addressFamily, socketType, protocolType) with protocolType = ${what}`,
    () => new Socket(V6, Stream, v),
    outOfRange('protocolType'),
  ]),
  [
    'new Socket(InterNetworkV6, Stream, Udp), a combination the OS refuses,',
    () => new Socket(V6, Stream, ProtocolType.Udp),
    refusedBy('EPROTONOSUPPORT', 'socket'),
  ],
  [
    'new Socket(InterNetwork, Dgram, Tcp), a combination the OS refuses,',
    () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, Tcp),
    refusedBy('EPROTONOSUPPORT', 'socket'),
  ],
  [
    'new Socket(Unspecified, Stream, Tcp), a family the OS refuses,',
    () => new Socket(AddressFamily.Unspecified, Stream, Tcp),
    refusedBy('EAFNOSUPPORT', 'socket'),
  ],
]);

creationCases('Socket.fromFd(fd) with bad arguments', [
  ...[['a numeric string', '3'], ...notNumbers.filter(([what]) => what !== 'a numeric string')].map(([what, v]) => [
    `Socket.fromFd(fd) with fd = ${what}`,
    () => Socket.fromFd(v),
    argType('fd'),
  ]),
  ...[['-1', -1], ['-0.5', -0.5], ['2 ** 31', 2 ** 31], ...notIntegers].map(([what, v]) => [
    `Socket.fromFd(fd) with fd = ${what}`,
    () => Socket.fromFd(v),
    outOfRange('fd'),
  ]),
  [
    'Socket.fromFd(2 ** 31 - 1), a descriptor that is not open,',
    () => Socket.fromFd(2 ** 31 - 1),
    refusedBy('EBADF', 'getsockopt'),
  ],
]);

test(
  'Socket.fromFd(fd) of an open regular file throws SocketError ENOTSOCK and leaves that file open',
  { skip: noFileDescriptors },
  (t) => {
    const fd = fs.openSync(__filename, 'r');
    t.after(() => fs.closeSync(fd));
    socketsUnchangedBy(t, () =>
      assert.throws(() => track(t, Socket.fromFd(fd)), socketError('ENOTSOCK', 'getsockopt')),
    );
    assert.equal(fs.fstatSync(fd).size, fs.statSync(__filename).size, 'the file descriptor is still open');
  },
);

// ---------------------------------------------------------------------------
// Calls on an open Socket: the call throws, and the Socket is left open, with
// the same descriptor, dual mode and options, unbound, and still usable.

/** An IPv6 stream socket with dualMode false, or true when `dual`. */
function v6Socket(t, dual) {
  const socket = track(t, new Socket(V6, Stream, Tcp));
  if (dual) socket.dualMode = true;
  assert.equal(socket.dualMode, dual);
  return socket;
}

function snapshot(socket) {
  return {
    fd: socket.fd,
    dualMode: socket.dualMode,
    v6only: socket.getSocketOption(Level.IPv6, Name.IPv6Only),
    reuseAddress: socket.getSocketOption(Level.Socket, Name.ReuseAddress),
  };
}

function assertUnchangedAndUsable(socket, before) {
  assert.equal(socket.closed, false);
  assert.deepEqual(snapshot(socket), before, 'descriptor, dual mode and options are unchanged');
  assert.equal(socket.isBound, false);
  assert.equal(socket.localEndPoint, null);
  socket.bind({ address: '::1', port: 0 });
  const local = socket.localEndPoint;
  assert.equal(local.address, '::1');
  assert.equal(local.family, 'IPv6');
  assert.ok(local.port > 0, `bound to a port, got ${local.port}`);
}

function openSocketCases(title, cases) {
  describe(title, () => {
    for (const [description, act, { label, matcher }, { dual = false } = {}] of cases) {
      const on = dual ? 'a dual-mode socket' : 'a socket with dualMode false';
      test(`${description} on ${on} throws ${label}; the socket stays open, unchanged and usable`, (t) => {
        const socket = v6Socket(t, dual);
        const before = snapshot(socket);
        assert.throws(() => act(socket), matcher);
        assertUnchangedAndUsable(socket, before);
      });
    }
  });
}

openSocketCases('the dualMode setter with a value that is not a boolean', [
  // Each value is tried where coercing it to a boolean would change dual mode.
  ...[
    ['1', 1, false],
    ['0', 0, true],
    ["'true'", 'true', false],
    ["'false'", 'false', false],
    ["''", '', true],
    ['null', null, true],
    ['undefined', undefined, true],
    ['NaN', NaN, true],
    ['an object', {}, false],
    ['a symbol', Symbol('on'), false],
    ['a BigInt 1n', 1n, false],
    ['a function', () => true, false],
    ['a Boolean object wrapping false', Object(false), false],
  ].map(([what, v, dual]) => [
    `socket.dualMode = ${what}`,
    (s) => {
      s.dualMode = v;
    },
    argType('dualMode'),
    { dual },
  ]),
]);

const boom = new Error('the address getter failed');
const portBoom = new RangeError('the port getter failed');

openSocketCases('bind(endPoint) with a bad endPoint', [
  ...[
    ['null', null],
    ['undefined', undefined],
    ['5', 5],
    ["'x'", 'x'],
    ["'::1'", '::1'],
    ['a symbol', Symbol('ep')],
    ['a BigInt', 1n],
    ['true', true],
    ['a function with address and port properties', Object.assign(() => {}, { address: '::1', port: 0 })],
  ].map(([what, v]) => [`bind(${what})`, (s) => s.bind(v), argType('endPoint')]),

  ...[
    ['missing', {}],
    ['undefined', { address: undefined }],
    ['null', { address: null }],
    ['a number', { address: 5 }],
    ['0x7f000001', { address: 0x7f000001 }],
    ['NaN', { address: NaN }],
    ['an object', { address: {} }],
    ['an object whose toString gives ::1', { address: { toString: () => '::1' } }],
    ['a String object', { address: Object('::1') }],
    ['an array', { address: ['::1'] }],
    ['a symbol', { address: Symbol('::1') }],
    ['a BigInt', { address: 1n }],
    ['a function', { address: () => '::1' }],
    ['true', { address: true }],
  ].map(([what, fields]) => [
    `bind() with endPoint.address ${what}`,
    (s) => s.bind({ port: 0, ...fields }),
    argType('endPoint.address'),
  ]),

  ...[
    'localhost',
    'ip6-localhost',
    'hello',
    '',
    ' ::1',
    '::1 ',
    '[::1]',
    '[::1]:0',
    '::1%',
    '127.0.0.1%lo',
    '127.1',
    '0x7f.0.0.1',
    '127.0.0.1:80',
    '256.0.0.1',
    '::g',
    '1::2::3',
  ].map((address) => [
    `bind({ address: ${show(address)}, port: 0 })`,
    (s) => s.bind({ address, port: 0 }),
    invalidIP(address),
  ]),

  ...[
    ['missing', {}],
    ['undefined', { port: undefined }],
    ['null', { port: null }],
    ["'0'", { port: '0' }],
    ["'80'", { port: '80' }],
    ['an object', { port: {} }],
    ['an array', { port: [0] }],
    ['a Number object', { port: Object(0) }],
    ['a symbol', { port: Symbol('0') }],
    ['a BigInt 0n', { port: 0n }],
    ['a function', { port: () => 0 }],
    ['false', { port: false }],
  ].map(([what, fields]) => [
    `bind() with endPoint.port ${what}`,
    (s) => s.bind({ address: '::1', ...fields }),
    argType('endPoint.port'),
  ]),

  ...[
    ['-1', -1],
    ['65536', 65536],
    ['2 ** 32', 2 ** 32],
    ['1.5', 1.5],
    ['-0.5', -0.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ].map(([what, port]) => [
    `bind({ address: '::1', port: ${what} })`,
    (s) => s.bind({ address: '::1', port }),
    badPort,
  ]),

  ...[
    ["'127.0.0.1'", '127.0.0.1'],
    ["'0.0.0.0'", '0.0.0.0'],
  ].map(([what, address]) => [
    `bind({ address: ${what}, port: 65536 }), an IPv4 address with a bad port,`,
    (s) => s.bind({ address, port: 65536 }),
    badPort,
    { dual: true },
  ]),

  [
    'bind() with an endPoint whose address getter throws',
    (s) =>
      s.bind({
        get address() {
          throw boom;
        },
        port: 0,
      }),
    sameError(boom),
  ],
  [
    'bind() with an endPoint whose port getter throws',
    (s) =>
      s.bind({
        address: '::1',
        get port() {
          throw portBoom;
        },
      }),
    sameError(portBoom),
  ],
]);

test('bind() reads endPoint.address once: a getter that changes its answer cannot slip past validation', (t) => {
  const socket = v6Socket(t, false);
  let reads = 0;
  socket.bind({
    get address() {
      reads += 1;
      return reads === 1 ? '::1' : 'not an address';
    },
    port: 0,
  });
  assert.equal(reads, 1);
  assert.equal(socket.localEndPoint.address, '::1');
});

test('bind() with an IPv6 literal whose zone id is longer than any interface name gives the usual "Invalid IP address: <input>" message', (t) => {
  const socket = v6Socket(t, false);
  const before = snapshot(socket);
  const address = `::1%${'a'.repeat(80)}`;
  assert.throws(() => socket.bind({ address, port: 0 }), invalidIP(address).matcher);
  assertUnchangedAndUsable(socket, before);
});

openSocketCases('listen(backlog) with a bad backlog', [
  ...notNumbers
    .filter(([what]) => what !== 'undefined') // undefined means the default backlog
    .map(([what, v]) => [`listen(${what})`, (s) => s.listen(v), argType('backlog')]),
  ...[['-1', -1], ['2 ** 31', 2 ** 31], ...notIntegers].map(([what, v]) => [
    `listen(${what})`,
    (s) => s.listen(v),
    outOfRange('backlog'),
  ]),
]);

/** Cases for a (level, name) pair of integer arguments, given how to call with them. */
function levelNameCases(call, build) {
  const cases = [];
  for (const argument of ['level', 'name']) {
    const args = (v) => (argument === 'level' ? [v, Name.IPv6Only] : [Level.IPv6, v]);
    for (const [what, v] of notNumbers)
      cases.push([`${call} with ${argument} = ${what}`, (s) => build(s, ...args(v)), argType(argument)]);
    for (const [what, v] of [...notIntegers, ...outsideInt32]) {
      cases.push([`${call} with ${argument} = ${what}`, (s) => build(s, ...args(v)), outOfRange(argument)]);
    }
  }
  return cases;
}

openSocketCases('getSocketOption(level, name) with bad arguments', [
  ...levelNameCases('getSocketOption(level, name)', (s, level, name) => s.getSocketOption(level, name)),
  [
    'getSocketOption(Socket, SendTimeout), a pair with no integer mapping,',
    (s) => s.getSocketOption(Level.Socket, Name.SendTimeout),
    refusedBy('ENOPROTOOPT', 'getsockopt'),
  ],
  [
    'getSocketOption(12345, ReuseAddress), an unknown level,',
    (s) => s.getSocketOption(12345, Name.ReuseAddress),
    refusedBy('ENOPROTOOPT', 'getsockopt'),
  ],
]);

// Bad values are tried on an option that is 0 (ReuseAddress) and on one that is
// 1 (IPv6Only with dualMode false), so any coercion to an int would show.
const notOptionValues = notNumbers
  .filter(([what]) => what !== 'a boolean')
  .concat([
    ['a Boolean object', Object(true)],
    ["'true'", 'true'],
  ]);
const optionValueRange = [
  ['1.5', 1.5],
  ['0.5', 0.5],
  ['-0.5', -0.5],
  ['2 ** 31', 2 ** 31],
  ['2 ** 32', 2 ** 32],
  ['-(2 ** 31) - 1', -(2 ** 31) - 1],
  ...notIntegers,
];
const integerOptions = [
  ['(Socket, ReuseAddress)', Level.Socket, Name.ReuseAddress],
  ['(IPv6, IPv6Only)', Level.IPv6, Name.IPv6Only],
];

openSocketCases('setSocketOption(level, name, value) with bad arguments', [
  ...levelNameCases('setSocketOption(level, name, 1)', (s, level, name) => s.setSocketOption(level, name, 1)),
  ...integerOptions.flatMap(([option, level, name]) => [
    ...notOptionValues.map(([what, v]) => [
      `setSocketOption${option} with value = ${what}`,
      (s) => s.setSocketOption(level, name, v),
      argType('value'),
    ]),
    ...optionValueRange.map(([what, v]) => [
      `setSocketOption${option} with value = ${what}`,
      (s) => s.setSocketOption(level, name, v),
      outOfRange('value'),
    ]),
  ]),
  [
    'setSocketOption(Socket, SendTimeout, 1), a pair with no integer mapping,',
    (s) => s.setSocketOption(Level.Socket, Name.SendTimeout, 1),
    refusedBy('ENOPROTOOPT', 'setsockopt'),
  ],
]);

openSocketCases('getRawSocketOption(level, name, buf) with bad arguments', [
  ...levelNameCases('getRawSocketOption(level, name, new Uint8Array(4))', (s, level, name) =>
    // level/name here are platform numbers; the .NET values stand in for any valid int.
    s.getRawSocketOption(level, name, new Uint8Array(4)),
  ),
  ...notUint8Arrays().map(([what, v]) => [
    `getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, buf) with buf = ${what}`,
    (s) => s.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, v),
    argType('buf'),
  ]),
  ...[
    ['an empty Uint8Array', () => new Uint8Array(0)],
    ['an empty Buffer', () => Buffer.alloc(0)],
    [
      'a detached Uint8Array',
      () => {
        const bytes = new Uint8Array(4);
        structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
        return bytes;
      },
    ],
    [`a Uint8Array of ${MAX_OPTION_BYTES + 1} bytes`, () => new Uint8Array(MAX_OPTION_BYTES + 1)],
    [
      `a Uint8Array of ${MAX_OPTION_BYTES + 1} bytes whose own byteLength property says 4`,
      () => lyingAboutLength(MAX_OPTION_BYTES + 1),
    ],
  ].map(([what, make]) => [
    `getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, buf) with buf = ${what}`,
    (s) => s.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, make()),
    outOfRange('buf.byteLength'),
  ]),
]);

openSocketCases('setRawSocketOption(level, name, buf) with bad arguments', [
  ...levelNameCases('setRawSocketOption(level, name, new Uint8Array(4))', (s, level, name) =>
    s.setRawSocketOption(level, name, new Uint8Array(4)),
  ),
  ...notUint8Arrays().map(([what, v]) => [
    `setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, buf) with buf = ${what}`,
    (s) => s.setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, v),
    argType('buf'),
  ]),
  // All zeros: were it written, IPV6_V6ONLY would become 0 and dualMode true.
  ...[
    [`a Uint8Array of ${MAX_OPTION_BYTES + 1} zero bytes`, () => new Uint8Array(MAX_OPTION_BYTES + 1)],
    [
      `a Uint8Array of ${MAX_OPTION_BYTES + 1} zero bytes whose own byteLength property says 4`,
      () => lyingAboutLength(MAX_OPTION_BYTES + 1),
    ],
  ].map(([what, make]) => [
    `setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, buf) with buf = ${what}`,
    (s) => s.setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, make()),
    outOfRange('buf.byteLength'),
  ]),
]);

// ---------------------------------------------------------------------------
// Uint8Arrays of every origin work with the raw option calls.

/** The int in the first 4 bytes of `bytes`, in this machine's byte order. */
function intAt(bytes, offset = 0) {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, 4)[`readInt32${os.endianness()}`](0);
}

describe('raw option buffers of every origin', () => {
  test('getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY) into a Uint8Array backed by a SharedArrayBuffer returns 4 and the kernel value', (t) => {
    const socket = v6Socket(t, false);
    const bytes = new Uint8Array(new SharedArrayBuffer(4));
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, bytes), 4);
    assert.equal(new Int32Array(bytes.buffer)[0], 1, 'IPV6_V6ONLY is 1 while dualMode is false');
  });

  test('setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY) from a Uint8Array backed by a SharedArrayBuffer turns dual mode on', (t) => {
    const socket = v6Socket(t, false);
    socket.setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, new Uint8Array(new SharedArrayBuffer(4)));
    assert.equal(socket.dualMode, true);
  });

  test('getRawSocketOption accepts a Buffer (a Uint8Array subclass)', (t) => {
    const socket = v6Socket(t, true);
    const bytes = Buffer.alloc(4, 0xff);
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, bytes), 4);
    assert.equal(intAt(bytes), 0, 'IPV6_V6ONLY is 0 while dualMode is true');
  });

  test('getRawSocketOption accepts a Uint8Array made in another realm (vm context)', (t) => {
    const socket = v6Socket(t, false);
    const bytes = vm.runInNewContext('new Uint8Array(4)');
    assert.equal(bytes instanceof Uint8Array, false, 'the array really is from another realm');
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, bytes), 4);
    assert.equal(intAt(bytes), 1);
  });

  test('getRawSocketOption writes at the byteOffset of a subarray and nowhere else', (t) => {
    const socket = v6Socket(t, false);
    const whole = new Uint8Array(12).fill(0xaa);
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, whole.subarray(4, 8)), 4);
    assert.deepEqual([...whole.subarray(0, 4)], [0xaa, 0xaa, 0xaa, 0xaa]);
    assert.deepEqual([...whole.subarray(8)], [0xaa, 0xaa, 0xaa, 0xaa]);
    assert.equal(intAt(whole, 4), 1);
  });

  test(`getRawSocketOption accepts a buffer of exactly ${MAX_OPTION_BYTES} bytes and a 1-byte buffer`, (t) => {
    const socket = v6Socket(t, false);
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, new Uint8Array(MAX_OPTION_BYTES)), 4);
    // The kernel truncates an int option to the space given.
    const one = new Uint8Array(1);
    assert.equal(socket.getRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, one), 1);
  });

  test(`setRawSocketOption accepts a buffer of exactly ${MAX_OPTION_BYTES} bytes`, (t) => {
    const socket = v6Socket(t, false);
    socket.setRawSocketOption(IPPROTO_IPV6, IPV6_V6ONLY, new Uint8Array(MAX_OPTION_BYTES));
    assert.equal(socket.dualMode, true);
  });
});
