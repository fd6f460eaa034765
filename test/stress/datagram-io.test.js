'use strict';
// Load on the Socket's own datagram I/O (API.md §8): one dual-mode UDP Socket
// on [::] answers 5,000 requests from 40 connected clients of both families,
// each aimed at one of four loopback addresses (127.0.0.1, 127.0.0.2,
// 127.0.0.3, ::1), with 16 receiveMessageFrom() calls pending at all times
// and every reply sent with sendTo({ from: packetInformation }). A connected
// client accepts a reply only from the address it asked, so every reply that
// arrives proves the source was right. Each client keeps one request in
// flight and retries after 200 ms (UDP may drop under load); at least 99 %
// must be answered on the first try, every one in the end, with the right
// payload. Then close() with the 16 calls pending: all reject ECANCELED and
// no descriptor is left.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const { test } = require('node:test');
const { Socket, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks } = require('../helpers');
const { bounded } = require('./fixtures/common');

checkSocketLeaks();

const TOTAL = 5000;
const CLIENTS = 40;
const PENDING = 16;
const TARGETS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '::1'];

test('5,000 requests to four addresses of one dual-mode Socket: every reply comes from the address asked', async (t) => {
  const server = new Socket(SocketType.Dgram, ProtocolType.Udp);
  t.after(() => server.close());
  server.bind({ address: '::', port: 0 });
  const port = server.localEndPoint.port;
  const seenDestinations = new Set();
  let served = 0;
  const loops = [];
  for (let i = 0; i < PENDING; i++) {
    loops.push(
      (async () => {
        const buffer = Buffer.alloc(512);
        for (;;) {
          const { receivedBytes, remoteEndPoint, packetInformation } = await server.receiveMessageFrom(buffer);
          seenDestinations.add(packetInformation.address);
          await server.sendTo(buffer.subarray(0, receivedBytes), remoteEndPoint, { from: packetInformation });
          served++;
        }
      })().catch((err) => err.code),
    );
  }

  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const target = TARGETS[i % TARGETS.length];
    const udp = dgram.createSocket(target.includes(':') ? 'udp6' : 'udp4');
    t.after(() => udp.close());
    await bounded(new Promise((resolve) => udp.connect(port, target, resolve)), 5000, `connecting to ${target}`);
    clients.push({ udp, target });
  }

  let next = 0;
  let answered = 0;
  let retries = 0;
  const wrongSource = [];
  await bounded(
    Promise.all(
      clients.map(
        ({ udp, target }) =>
          new Promise((resolve) => {
            let current = null;
            let timer = null;
            const send = () => {
              udp.send(current);
              timer = setTimeout(() => {
                retries++;
                send();
              }, 200);
            };
            const ask = () => {
              if (next >= TOTAL) return resolve();
              current = Buffer.from(`${next++}:${target}:${'x'.repeat(next % 300)}`);
              send();
            };
            udp.on('message', (msg, rinfo) => {
              if (rinfo.address !== target) wrongSource.push(rinfo.address);
              if (!msg.equals(current)) return; // a late duplicate of a retried request
              clearTimeout(timer);
              answered++;
              ask();
            });
            ask();
          }),
      ),
    ),
    60_000,
    'answering every request',
  );

  assert.equal(answered, TOTAL);
  assert.deepEqual(wrongSource, [], 'connected clients see replies only from the address they asked');
  assert.ok(retries <= TOTAL / 100, `at most 1 % retried (${retries})`);
  assert.deepEqual([...seenDestinations].sort(), ['::1', '::ffff:127.0.0.1', '::ffff:127.0.0.2', '::ffff:127.0.0.3']);
  assert.ok(served >= TOTAL);

  server.close();
  const outcomes = await bounded(Promise.all(loops), 5000, 'the pending receives after close()');
  assert.deepEqual([...new Set(outcomes)], ['ECANCELED']);
});
