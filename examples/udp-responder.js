'use strict';
// A dual-stack UDP responder: one IPv6 datagram socket in dual mode, bound to
// [::], answers every datagram with `you are <sender address>`. IPv4 senders
// appear as ::ffff:a.b.c.d, and the answer goes back to them over IPv4. Run
// it with `node examples/udp-responder.js [port]`, then e.g.
// `echo hi | nc -u -w1 127.0.0.1 <port>`. Ctrl-C (SIGINT) or SIGTERM stops it.
const { Socket, SocketType, ProtocolType } = require('dualmode');

const port = Number(process.argv[2] ?? 0);

// As .NET's `new Socket(SocketType.Dgram, ProtocolType.Udp)`: IPv6 with
// dualMode = true. toDgram() hands it to an ordinary dgram.Socket, already
// bound (so do not wait for its 'listening' event).
const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
let udp;
try {
  socket.bind({ address: '::', port });
  udp = socket.toDgram();
} catch (err) {
  socket.close(); // does nothing once the dgram socket owns the descriptor
  throw err;
}

udp.on('message', (message, rinfo) => {
  udp.send(`you are ${rinfo.address}`, rinfo.port, rinfo.address);
});
udp.on('error', (err) => console.error(`udp-responder: ${err.message}`));

const { address, port: actual } = udp.address();
console.log(`listening on [${address}]:${actual}`);

function stop() {
  udp.close(); // the process then exits 0
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
