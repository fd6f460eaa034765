'use strict';
// A dual-stack TCP echo server: one IPv6 socket in dual mode, listening on
// [::], answers IPv6 clients and IPv4 clients alike (the latter appear as
// ::ffff:a.b.c.d). Run it with `node examples/echo-server.js [port]` (port 0,
// the default, picks a free one), then e.g. `nc 127.0.0.1 <port>` or
// `nc ::1 <port>`. Ctrl-C (SIGINT) or SIGTERM stops it cleanly.
const { Socket, SocketType, ProtocolType } = require('dualmode');

const port = Number(process.argv[2] ?? 0);

// As .NET's `new Socket(SocketType.Stream, ProtocolType.Tcp)`: IPv6 with
// dualMode = true. Bind it ourselves to choose the port; toServer() then
// listens and hands the descriptor to an ordinary net.Server.
const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
let server;
try {
  socket.bind({ address: '::', port });
  server = socket.toServer();
} catch (err) {
  socket.close(); // does nothing once the server owns the descriptor
  throw err;
}

const connections = new Set();
server.on('connection', (connection) => {
  connections.add(connection);
  connection.on('close', () => connections.delete(connection));
  connection.on('error', () => {}); // a client that resets is not our problem
  connection.pipe(connection); // echo
});

const { address, port: actual } = server.address();
console.log(`listening on [${address}]:${actual}`);

function stop() {
  // Stop accepting, drop the open connections; the process then exits 0.
  server.close();
  for (const connection of connections) connection.destroy();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
