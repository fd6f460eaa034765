'use strict';
// Synchronous figures: the dualMode getter and setter, and a create + set +
// bind + close cycle, each against the bare N-API addon doing the same system
// calls on the same descriptor (and koffi calling libc for the getter).
const { interleave } = require('./harness');

let sink = 0; // every result lands here, so nothing is optimised away

module.exports = async function micro({ bare, binding, koffi, dualmode, rounds, batchMs }) {
  const { Socket, AddressFamily, SocketType, ProtocolType, platform } = dualmode;
  const { AF_INET6, SOCK_STREAM, IPPROTO_TCP, IPPROTO_IPV6, IPV6_V6ONLY } = platform;
  const ANY6 = { address: '::', port: 0 };

  // One IPv6 TCP socket for the getter and setter figures; every variant
  // works on its descriptor.
  const socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
  const fd = socket.fd;

  let kGet = null;
  let kSet = null;
  const kValue = new Int32Array(1);
  const kLength = new Uint32Array([4]);
  const kOne = new Int32Array([0]);
  if (koffi) {
    const libc = koffi.load(
      process.platform === 'linux' ? 'libc.so.6' : process.platform === 'darwin' ? 'libc.dylib' : 'libc.so',
    );
    kGet = libc.func('int getsockopt(int, int, int, void *, void *)');
    kSet = libc.func('int setsockopt(int, int, int, void *, uint32_t)');
  }

  const getter = [
    {
      name: 'socket.dualMode',
      run(n) {
        let x = 0;
        for (let i = 0; i < n; i++) if (socket.dualMode) x++;
        sink += x;
      },
    },
    {
      name: 'bare getsockoptInt',
      run(n) {
        let x = 0;
        for (let i = 0; i < n; i++) x += bare.getsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY);
        sink += x;
      },
    },
    {
      name: 'dualmode binding.getsockoptInt',
      run(n) {
        let x = 0;
        for (let i = 0; i < n; i++) x += binding.getsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY);
        sink += x;
      },
    },
  ];
  if (kGet) {
    getter.push({
      name: 'koffi getsockopt',
      run(n) {
        let x = 0;
        for (let i = 0; i < n; i++) {
          kLength[0] = 4;
          if (kGet(fd, IPPROTO_IPV6, IPV6_V6ONLY, kValue, kLength) !== 0) throw new Error('getsockopt failed');
          x += kValue[0];
        }
        sink += x;
      },
    });
  }

  const setter = [
    {
      name: 'socket.dualMode = true',
      run(n) {
        for (let i = 0; i < n; i++) socket.dualMode = true;
      },
    },
    {
      name: 'bare setsockoptInt',
      run(n) {
        for (let i = 0; i < n; i++) bare.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
      },
    },
    {
      name: 'dualmode binding.setsockoptInt',
      run(n) {
        for (let i = 0; i < n; i++) binding.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
      },
    },
  ];
  if (kSet) {
    setter.push({
      name: 'koffi setsockopt',
      run(n) {
        for (let i = 0; i < n; i++) {
          if (kSet(fd, IPPROTO_IPV6, IPV6_V6ONLY, kOne, 4) !== 0) throw new Error('setsockopt failed');
        }
      },
    });
  }

  // new Socket(InterNetworkV6, ...) sets IPV6_V6ONLY = 1 at creation (.NET
  // semantics), the setter clears it: socket, setsockopt x2, bind, close.
  const cycle = [
    {
      name: 'dualmode new Socket(v6) + dualMode=true + bind + close',
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
          s.dualMode = true;
          s.bind(ANY6);
          s.close();
        }
      },
    },
    {
      name: 'bare socket + setsockopt(1) + setsockopt(0) + bind6 + close',
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = bare.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
          bare.setsockoptInt(s, IPPROTO_IPV6, IPV6_V6ONLY, 1);
          bare.setsockoptInt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0);
          bare.bind6(s, '::', 0);
          bare.close(s);
        }
      },
    },
    {
      name: 'dualmode new Socket(Stream, Tcp) + bind + close',
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: one setsockopt
          s.bind(ANY6);
          s.close();
        }
      },
    },
    {
      name: 'bare socket + setsockopt(0) + bind6 + close',
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = bare.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
          bare.setsockoptInt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0);
          bare.bind6(s, '::', 0);
          bare.close(s);
        }
      },
    },
  ];

  const options = { rounds, batchMs };
  const results = {
    getter: await interleave(getter, options),
    setter: await interleave(setter, options),
    cycle: await interleave(cycle, options),
  };
  socket.close();
  return { results, sink };
};
