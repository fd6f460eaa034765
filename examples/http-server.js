'use strict';
// A dual-stack HTTP server built on toServer(): the listening socket is
// dualmode's (IPv6, dual mode on, bound to [::]), the HTTP is Node's own.
// Every response names the client's address; IPv4 clients appear as
// ::ffff:127.0.0.1. Run it with `node examples/http-server.js [port]`, then
// `curl http://127.0.0.1:<port>/` or `curl 'http://[::1]:<port>/'`.
// Ctrl-C (SIGINT) or SIGTERM stops it cleanly.
const http = require('node:http');
const { Socket, SocketType, ProtocolType } = require('dualmode');

const port = Number(process.argv[2] ?? 0);

const app = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`hello ${req.socket.remoteAddress}\n`);
});

const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
let server;
try {
  socket.bind({ address: '::', port });
  server = socket.toServer();
} catch (err) {
  socket.close(); // does nothing once the server owns the descriptor
  throw err;
}

// The net.Server accepts; the http.Server (which never listens itself)
// speaks HTTP on each accepted connection.
const connections = new Set();
server.on('connection', (connection) => {
  connections.add(connection);
  connection.on('close', () => connections.delete(connection));
  app.emit('connection', connection);
});

const { address, port: actual } = server.address();
console.log(`listening on [${address}]:${actual}`);

function stop() {
  // Stop accepting, drop keep-alive connections; the process then exits 0.
  server.close();
  for (const connection of connections) connection.destroy();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
