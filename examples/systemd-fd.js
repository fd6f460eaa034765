'use strict';
// systemd-style socket activation: the service manager opens and binds the
// listening socket, and passes it as fd 3 with LISTEN_FDS=1 (and
// LISTEN_PID=<our pid>). Socket.fromFd(3) adopts that very descriptor, shows
// what it is, and toServer() serves it with an ordinary net.Server.
// Try it with: systemd-socket-activate -l 8080 node examples/systemd-fd.js
// (a systemd .socket unit with `BindIPv6Only=both` gives a dual-mode socket).
// SIGTERM (as systemd stops services) or SIGINT stops it cleanly.
const { Socket, AddressFamily } = require('dualmode');

const SD_LISTEN_FDS_START = 3;
const { LISTEN_FDS, LISTEN_PID } = process.env;
if (!/^[1-9]\d*$/.test(LISTEN_FDS ?? '') || (LISTEN_PID !== undefined && Number(LISTEN_PID) !== process.pid)) {
  console.error('No socket was passed to this process: run it under systemd socket activation');
  console.error('(LISTEN_FDS=1 with the listening socket as fd 3, LISTEN_PID unset or this pid).');
  process.exit(1);
}
// As sd_listen_fds(1): do not pass the variables on to child processes.
delete process.env.LISTEN_FDS;
delete process.env.LISTEN_PID;
delete process.env.LISTEN_FDNAMES;

let socket;
try {
  socket = Socket.fromFd(SD_LISTEN_FDS_START); // that very fd, not a copy
} catch (err) {
  console.error(`fd ${SD_LISTEN_FDS_START} is not a usable socket: ${err.message}`);
  process.exit(1);
}
const family = Object.keys(AddressFamily).find((name) => AddressFamily[name] === socket.addressFamily);
console.log(`addressFamily: ${family}`);
console.log(`dualMode: ${socket.dualMode}`); // what the manager chose; it cannot change once bound

let server;
try {
  server = socket.toServer(); // already bound and listening: Node only adopts it
} catch (err) {
  socket.close();
  throw err;
}
const connections = new Set();
server.on('connection', (connection) => {
  connections.add(connection);
  connection.on('close', () => connections.delete(connection));
  connection.on('error', () => {});
  connection.end(`hello ${connection.remoteAddress}\n`);
});

const { address, port } = server.address();
console.log(`listening on [${address}]:${port}`);

function stop() {
  // Stop accepting, drop lingering connections; the process then exits 0.
  server.close();
  for (const connection of connections) connection.destroy();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
