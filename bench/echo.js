'use strict';
// Echo throughput: the same echo handler on a server made by toServer() and
// on one made by net.createServer().listen(); 32 client connections per
// server, each ping-ponging a 64-byte message (one in flight per
// connection). Clients and servers share this process. Each round runs the
// two servers in a palindrome of fixed time slices (A B B A, then B A A B);
// a variant's rate in a round is that of its better slice.
const net = require('node:net');
const { collect, now } = require('./harness');

function listening(server) {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve).once('error', reject);
  });
}

function onConnection(conn) {
  conn.setNoDelay(true);
  conn.on('data', (data) => conn.write(data));
}

async function group(name, server, connections, size) {
  await listening(server);
  const port = server.address().port;
  const message = Buffer.alloc(size, 0x61);
  const state = { name, server, running: false, count: 0, inFlight: 0, idle: null, clients: [] };
  const connects = [];
  for (let i = 0; i < connections; i++) {
    const client = net.connect({ host: '127.0.0.1', port, noDelay: true });
    let received = 0;
    client.on('data', (data) => {
      received += data.length;
      while (received >= size) {
        received -= size;
        state.count++;
        if (state.running) {
          client.write(message);
        } else if (--state.inFlight === 0 && state.idle) {
          state.idle();
        }
      }
    });
    state.clients.push(client);
    connects.push(new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject)));
  }
  await Promise.all(connects);
  // Runs the ping-pong for `ms`; resolves with round trips and nanoseconds
  // once every reply in flight has come back.
  state.slice = (ms) =>
    new Promise((resolve) => {
      state.count = 0;
      state.running = true;
      state.inFlight = state.clients.length;
      const t0 = now();
      for (const client of state.clients) client.write(message);
      setTimeout(() => {
        const elapsed = Number(now() - t0);
        const count = state.count;
        state.running = false;
        state.idle = () => {
          state.idle = null;
          resolve({ count, elapsed });
        };
      }, ms);
    });
  return state;
}

module.exports = async function echo({ dualmode, rounds, sliceMs, connections = 32, size = 64 }) {
  const { Socket, SocketType, ProtocolType } = dualmode;
  const viaDualmode = new Socket(SocketType.Stream, ProtocolType.Tcp).toServer();
  viaDualmode.on('connection', onConnection);
  const viaNet = net.createServer(onConnection).listen({ host: '::', port: 0 });
  const variants = [
    await group('dualmode toServer() echo', viaDualmode, connections, size),
    await group('net.createServer().listen() echo', viaNet, connections, size),
  ];
  for (const variant of variants) await variant.slice(sliceMs * 2); // warm up
  const result = Object.fromEntries(variants.map((v) => [v.name, { perSecond: [] }]));
  for (let round = 0; round < rounds; round++) {
    collect();
    const order = round % 2 ? [...variants].reverse() : variants;
    const best = new Map(variants.map((v) => [v, 0]));
    for (const variant of [...order, ...[...order].reverse()]) {
      const { count, elapsed } = await variant.slice(sliceMs);
      best.set(variant, Math.max(best.get(variant), (count * 1e9) / elapsed));
    }
    for (const variant of variants) result[variant.name].perSecond.push(best.get(variant));
  }
  for (const variant of variants) {
    for (const client of variant.clients) client.destroy();
    await new Promise((resolve) => variant.server.close(resolve));
  }
  return result;
};
