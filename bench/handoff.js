'use strict';
// Hand-off figures: a listening TCP server and a bound UDP socket made by
// dualmode, by Node alone, and from a descriptor the bare addon prepared.
// One operation is a whole cycle: create, listening, close, 'close' emitted.
// A batch chains its cycles through callbacks (no promise per cycle) and ends
// with one turn of the event loop, so the handles' close callbacks are paid
// inside the batch.
const dgram = require('node:dgram');
const net = require('node:net');
const { interleave } = require('./harness');

const BACKLOG = 511;

function chain(n, cycle) {
  return new Promise((resolve, reject) => {
    let i = 0;
    const next = () => {
      if (i++ === n) return setImmediate(resolve);
      try {
        cycle(next);
      } catch (err) {
        reject(err);
      }
    };
    next();
  });
}

module.exports = async function handoff({ bare, dualmode, rounds, batchMs }) {
  const { Socket, SocketType, ProtocolType, platform } = dualmode;
  const { AF_INET6, SOCK_STREAM, SOCK_DGRAM, IPPROTO_IPV6, IPV6_V6ONLY, SOL_SOCKET, UV_UDP_REUSE } = platform;
  const ANY6 = { address: '::', port: 0 };
  const LISTEN6 = { host: '::', port: 0 };

  const closeServer = (server, done) => server.close(done);
  const tcp = [
    {
      name: 'dualmode new Socket + bind + toServer() + close',
      run: (n) =>
        chain(n, (done) => {
          const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
          socket.bind(ANY6);
          const server = socket.toServer();
          server.once('listening', () => closeServer(server, done));
        }),
    },
    {
      name: 'net.createServer().listen({ host: "::", port: 0 }) + close',
      run: (n) =>
        chain(n, (done) => {
          const server = net.createServer();
          server.listen(LISTEN6, () => closeServer(server, done));
        }),
    },
    {
      name: 'bare socket/setsockopt/bind6/listen + server.listen({ fd }) + close',
      run: (n) =>
        chain(n, (done) => {
          const fd = bare.socket(AF_INET6, SOCK_STREAM, 0);
          bare.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
          bare.bind6(fd, '::', 0);
          bare.listen(fd, BACKLOG);
          const server = net.createServer();
          server.listen({ fd }, BACKLOG, () => closeServer(server, done)); // as toServer() passes it
        }),
    },
  ];

  // The bare descriptor path of a UDP socket, optionally with toDgram()'s
  // restore of SO_REUSEADDR.
  const bareUdp = (restore) => {
    const fd = bare.socket(AF_INET6, SOCK_DGRAM, 0);
    bare.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    bare.bind6(fd, '::', 0);
    const udp = dgram.createSocket('udp6');
    udp.bind({ fd }); // bound synchronously: 'listening' is emitted inside
    if (restore) bare.setsockoptInt(fd, SOL_SOCKET, UV_UDP_REUSE, 0);
    return udp;
  };
  const udp = [
    {
      name: 'dualmode new Socket(Dgram) + toDgram() + close',
      run: (n) =>
        chain(n, (done) => {
          new Socket(SocketType.Dgram, ProtocolType.Udp).toDgram().close(done);
        }),
    },
    {
      name: "dgram.createSocket('udp6').bind(0, '::') + close",
      run: (n) =>
        chain(n, (done) => {
          const udp = dgram.createSocket('udp6');
          udp.bind(0, '::', () => udp.close(done));
        }),
    },
    {
      name: "bare socket/setsockopt/bind6 + createSocket('udp6').bind({ fd }) + close",
      run: (n) => chain(n, (done) => bareUdp(false).close(done)),
    },
    {
      // toDgram()'s contract adds one system call to the bare path: libuv
      // turns SO_REUSEADDR on when it adopts the descriptor, and toDgram()
      // puts it back (a bound UDP port must not be shared silently).
      name: 'bare fd path + the SO_REUSEADDR restore',
      run: (n) => chain(n, (done) => bareUdp(true).close(done)),
    },
  ];

  const options = { rounds, batchMs };
  return { tcp: await interleave(tcp, options), udp: await interleave(udp, options) };
};
