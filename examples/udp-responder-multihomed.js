'use strict';
// A dual-stack UDP responder that answers from the address each request was
// sent to, so it works on a host with many addresses. One IPv6 datagram
// socket in dual mode, bound to [::], serves every address of both families;
// receiveMessageFrom() tells which local address (and interface) a datagram
// came to, and sendTo(..., { from }) sends the answer from there. (Answering
// to rinfo with Node's dgram lets the kernel pick the source by route: a
// client that asked the host's second address gets the answer from the
// first, and a connected client drops it.)
//
// Run it with `node examples/udp-responder-multihomed.js [port]` (or PORT=...;
// default 5300), then e.g. `echo hi | nc -u -w1 127.0.0.2 5300`. Ctrl-C
// (SIGINT) or SIGTERM stops it.
const { Socket, SocketType, ProtocolType } = require('dualmode');

const port = Number(process.argv[2] ?? process.env.PORT ?? 5300);

// As .NET's `new Socket(SocketType.Dgram, ProtocolType.Udp)`: IPv6 with
// dualMode = true.
const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
try {
  socket.bind({ address: '::', port });
} catch (err) {
  socket.close();
  throw err;
}
console.log(`listening on [::]:${socket.localEndPoint.port}`);

async function serve() {
  const buffer = Buffer.alloc(65535);
  for (;;) {
    // packetInformation: { address, interface }, the address in the socket's
    // form (::ffff:a.b.c.d for IPv4), like remoteEndPoint.
    const { remoteEndPoint, packetInformation } = await socket.receiveMessageFrom(buffer);
    const answer = Buffer.from(`you are ${remoteEndPoint.address}, you asked ${packetInformation.address}`);
    try {
      await socket.sendTo(answer, remoteEndPoint, { from: packetInformation });
    } catch (err) {
      if (socket.closed) return;
      console.error(`udp-responder-multihomed: ${err.message}`); // one lost answer; keep serving
    }
  }
}

// Closing the Socket rejects the pending receive with ECANCELED: that is the
// end of serve(), and with nothing else pending the process exits 0.
function stop() {
  socket.close();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

serve().catch((err) => {
  if (err.code === 'ECANCELED' && socket.closed) return;
  console.error(`udp-responder-multihomed: ${err.stack}`);
  process.exitCode = 1;
  socket.close();
});
