'use strict';
// UDP echo throughput: a server written with receiveMessageFrom() + sendTo()
// with `from` (the packet-information path of API.md §8) against Node's
// dgram echoing to rinfo, under the same client load from a C program
// (bench/udp-load.c: 32 connected clients, one 64-byte datagram in flight
// each, on ::1), so that the server process is the bottleneck. Each round
// runs the servers in a palindrome of fixed time slices; a variant's rate in
// a round is that of its better slice. Latency percentiles come from the
// clients' round trips of all rounds.
const { execFile } = require('node:child_process');
const dgram = require('node:dgram');
const { collect } = require('./harness');
const { buildUdpLoad } = require('./setup');

/** A dualmode echo server with `concurrency` receives pending at all times. */
function dualmodeServer({ Socket, SocketType, ProtocolType }, concurrency) {
  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  socket.bind({ address: '::', port: 0 });
  const loop = async () => {
    const buffer = Buffer.alloc(2048);
    for (;;) {
      const { receivedBytes, remoteEndPoint, packetInformation } = await socket.receiveMessageFrom(buffer);
      await socket.sendTo(buffer.subarray(0, receivedBytes), remoteEndPoint, { from: packetInformation });
    }
  };
  for (let i = 0; i < concurrency; i++) loop().catch(() => {}); // ECANCELED at close
  return { port: socket.localEndPoint.port, close: () => socket.close() };
}

async function dgramServer() {
  const socket = dgram.createSocket('udp6');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  await new Promise((resolve) => socket.bind(0, '::', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

module.exports = async function udpEcho({ dualmode, rounds, sliceMs, clients = 32, size = 64, log = () => {} }) {
  const load = buildUdpLoad(log);
  const ask = ({ address, port, ms }) =>
    new Promise((resolve, reject) => {
      const args = [address, String(port), String(clients), String(size), String(ms)];
      execFile(load, args, { maxBuffer: 64 << 20 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))));
    });
  const variants = [
    { name: 'dualmode receiveMessageFrom + sendTo({ from }), 1 pending', server: dualmodeServer(dualmode, 1) },
    { name: "dgram udp6 'message' + send(rinfo)", server: await dgramServer() },
    { name: 'dualmode receiveMessageFrom + sendTo({ from }), 8 pending', server: dualmodeServer(dualmode, 8) },
    { name: 'dualmode receiveMessageFrom + sendTo({ from }), 64 pending', server: dualmodeServer(dualmode, 64) },
  ];
  const result = Object.fromEntries(variants.map((v) => [v.name, { perSecond: [], latencies: [] }]));
  try {
    for (const variant of variants) await ask({ address: '::1', port: variant.server.port, ms: sliceMs * 2 }); // warm up
    for (let round = 0; round < rounds; round++) {
      collect();
      const order = variants.map((_, i) => variants[(i + round) % variants.length]);
      const best = new Map(variants.map((v) => [v, 0]));
      for (const variant of [...order, ...[...order].reverse()]) {
        const { count, elapsed, latencies } = await ask({ address: '::1', port: variant.server.port, ms: sliceMs });
        best.set(variant, Math.max(best.get(variant), (count * 1e9) / elapsed));
        const kept = result[variant.name].latencies;
        for (let i = 0; i < latencies.length; i += 8) kept.push(latencies[i]); // a sample is enough
      }
      for (const variant of variants) result[variant.name].perSecond.push(best.get(variant));
    }
  } finally {
    for (const variant of variants) variant.server.close();
  }
  for (const entry of Object.values(result)) {
    const sorted = entry.latencies.sort((a, b) => a - b);
    entry.p50 = percentile(sorted, 50);
    entry.p99 = percentile(sorted, 99);
    delete entry.latencies;
  }
  return result;
};
