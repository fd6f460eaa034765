'use strict';
// Load: 5,000 UDP datagrams from IPv4 and IPv6 senders into one dual-mode
// toDgram() socket on [::]. The senders go in bursts, each waiting until the
// receiver has nearly caught up (bounded), so the test measures the
// hand-off, not the size of a socket buffer; at least 99 % must arrive, per
// family, intact, once each, with IPv4 senders seen as ::ffff:127.0.0.1.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const dgram = require('node:dgram');
const fs = require('node:fs');
const { test } = require('node:test');
const { Socket, AddressFamily, SocketType, ProtocolType, getDualMode } = require('dualmode');
const { checkSocketLeaks, openSockets } = require('../helpers');
const { bounded, settle } = require('./fixtures/common');

checkSocketLeaks();

const TOTAL = 5000;
const BURST = 50; // datagrams per sender per burst
const RECV_BUFFER = 1 << 20;
const BOUND_MS = 60_000;

/** Closes a dgram socket unless it is closed already. */
function closeUdp(udp) {
  try {
    udp.close();
  } catch (err) {
    if (err.code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw err;
  }
}

/** A plain Node dgram socket of `type` bound to address:0. */
function nodeUdp(t, type, address) {
  const udp = dgram.createSocket(type);
  t.after(() => closeUdp(udp));
  return bounded(
    new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, address, () => {
        udp.off('error', reject);
        resolve(udp);
      });
    }),
    5000,
    `binding ${type} to ${address}`,
  );
}

/** A datagram: sender id, sequence number, a body derived from both, and its digest. */
function datagram(sender, seq) {
  const body = Buffer.alloc(64 + ((sender * 31 + seq * 7) % 192), `${sender}:${seq};`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(sender, 0);
  head.writeUInt32BE(seq, 4);
  const digest = crypto.createHash('sha1').update(head).update(body).digest().subarray(0, 8);
  return Buffer.concat([head, digest, body]);
}

/** { sender, seq } of an intact datagram, or null. */
function parse(msg) {
  if (msg.length < 16) return null;
  const sender = msg.readUInt32BE(0);
  const seq = msg.readUInt32BE(4);
  return msg.equals(datagram(sender, seq)) ? { sender, seq } : null;
}

/** Sends and resolves once the send callback reports success; rejects with its error. */
function send(udp, msg, port, address) {
  return new Promise((resolve, reject) => udp.send(msg, port, address, (err) => (err ? reject(err) : resolve())));
}

test('a dual-mode toDgram() socket receives at least 99 % of 5,000 datagrams from IPv4 and IPv6 senders, IPv4 ones as ::ffff:127.0.0.1', async (t) => {
  const started = Date.now();
  const before = openSockets();

  const socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
  let receiver;
  try {
    assert.equal(socket.dualMode, true);
    socket.bind({ address: '::', port: 0 });
    receiver = socket.toDgram({ recvBufferSize: RECV_BUFFER });
  } finally {
    socket.close(); // does nothing after a hand-off
  }
  t.after(() => closeUdp(receiver));
  assert.equal(getDualMode(receiver), true);
  const { port, address } = receiver.address();
  assert.equal(address, '::');
  // Linux caps SO_RCVBUF at net.core.rmem_max and reports twice what it kept.
  const rmemMax = Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  assert.ok(
    receiver.getRecvBufferSize() >= Math.min(RECV_BUFFER, rmemMax),
    `recvBufferSize reached the socket: ${receiver.getRecvBufferSize()}`,
  );

  // Senders: family on the wire, and the object that sends.
  const v4Node = await nodeUdp(t, 'udp4', '127.0.0.1');
  const v6Node = await nodeUdp(t, 'udp6', '::1');
  const dualSender = new Socket(SocketType.Dgram, ProtocolType.Udp);
  let v4Dual;
  try {
    dualSender.bind({ address: '127.0.0.1', port: 0 }); // ::ffff:127.0.0.1
    v4Dual = dualSender.toDgram();
  } finally {
    dualSender.close();
  }
  t.after(() => closeUdp(v4Dual));
  const v6OnlySender = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
  let v6Only;
  try {
    v6OnlySender.bind({ address: '::1', port: 0 });
    v6Only = v6OnlySender.toDgram();
  } finally {
    v6OnlySender.close();
  }
  t.after(() => closeUdp(v6Only));
  const senders = [
    { id: 0, udp: v4Node, to: '127.0.0.1', family: 4, seenAs: '::ffff:127.0.0.1' },
    { id: 1, udp: v4Dual, to: '127.0.0.1', family: 4, seenAs: '::ffff:127.0.0.1' },
    { id: 2, udp: v6Node, to: '::1', family: 6, seenAs: '::1' },
    { id: 3, udp: v6Only, to: '::1', family: 6, seenAs: '::1' },
  ];
  for (const sender of senders) sender.port = sender.udp.address().port;
  const perSender = TOTAL / senders.length;

  const received = senders.map(() => new Set());
  const problems = []; // corrupt, duplicate or unknown datagrams, wrong addresses
  let count = 0;
  let receiverError = null;
  receiver.on('error', (err) => (receiverError = err));
  receiver.on('message', (msg, rinfo) => {
    // The datagram names its sender (and its digest vouches for that); the
    // source address and port must then be that sender's.
    const parsed = parse(msg);
    if (parsed === null)
      return problems.push(`corrupt datagram of ${msg.length} bytes from ${rinfo.address}:${rinfo.port}`);
    const sender = senders[parsed.sender];
    if (sender === undefined) return problems.push(`unknown sender ${parsed.sender} at ${rinfo.address}:${rinfo.port}`);
    if (rinfo.address !== sender.seenAs || rinfo.family !== 'IPv6' || rinfo.port !== sender.port) {
      problems.push(
        `sender ${sender.id} seen as ${rinfo.address} port ${rinfo.port} (${rinfo.family}), not ${sender.seenAs} port ${sender.port} (IPv6)`,
      );
    }
    if (received[sender.id].has(parsed.seq)) return problems.push(`duplicate ${sender.id}:${parsed.seq}`);
    received[sender.id].add(parsed.seq);
    count++;
  });

  // Bursts: each sender sends BURST datagrams, all sends complete, then wait
  // (up to 250 ms) until the receiver has 99 % of what was sent so far.
  let sent = 0;
  for (let seq = 0; seq < perSender; seq += BURST) {
    const sends = [];
    for (const s of senders) {
      for (let k = seq; k < Math.min(seq + BURST, perSender); k++)
        sends.push(send(s.udp, datagram(s.id, k), port, s.to));
    }
    await bounded(Promise.all(sends), 5000, `sending datagrams ${seq}..${seq + BURST - 1}`);
    sent += sends.length;
    await settle(() => count >= sent * 0.99, 250);
    assert.ok(Date.now() - started < BOUND_MS, `still sending after ${BOUND_MS} ms`);
  }
  assert.equal(sent, TOTAL);
  // Whatever is still on its way: all of it, or nothing more for 500 ms.
  for (let last = -1; count < TOTAL && count !== last;) {
    last = count;
    await settle(() => count === TOTAL, 500);
  }

  assert.equal(receiverError, null, 'the receiver emitted no error');
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} bad datagrams`);
  const perFamily = { 4: 0, 6: 0 };
  for (const s of senders) perFamily[s.family] += received[s.id].size;
  t.diagnostic(
    `received ${count} of ${TOTAL} (IPv4 ${perFamily[4]}, IPv6 ${perFamily[6]}) in ${Date.now() - started} ms`,
  );
  assert.ok(count >= TOTAL * 0.99, `received ${count} of ${TOTAL}`);
  for (const family of [4, 6]) {
    assert.ok(perFamily[family] >= (TOTAL / 2) * 0.99, `IPv${family}: received ${perFamily[family]} of ${TOTAL / 2}`);
  }
  for (const s of senders) {
    for (const seq of received[s.id]) assert.ok(seq >= 0 && seq < perSender, `sender ${s.id} seq ${seq}`);
  }

  for (const udp of [receiver, v4Node, v6Node, v4Dual, v6Only]) {
    await bounded(new Promise((resolve) => udp.close(resolve)), 5000, 'closing a dgram socket');
  }
  assert.ok(await settle(() => JSON.stringify(openSockets()) === JSON.stringify(before), 1000));
  assert.deepEqual(openSockets(), before, 'no descriptor left behind');
});
