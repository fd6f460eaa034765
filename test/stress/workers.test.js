'use strict';
// Threads: four worker_threads at once, each creating several Sockets,
// setting dual mode, handing them off (toServer(), toDgram(), a connect()
// client to its own server) and serving IPv4 and IPv6 clients of the main
// thread, then all four terminated while they hold live connections; five
// rounds. Threads share one descriptor table, so the main thread's table
// shows anything a worker left behind.
//
// Objects Node owns (servers, net.Sockets, dgram sockets) are closed at a
// worker's teardown, and so is the descriptor of a Socket the worker still
// owns (the addon keeps a worker's owned descriptors, as finalizers do not
// run then; test/worker.test.js checks that). This fixture
// (fixtures/worker-rounds.js) hands off or closes every Socket it creates
// before it serves, and is then terminated mid-service.
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const net = require('node:net');
const path = require('node:path');
const { test } = require('node:test');
const { Worker } = require('node:worker_threads');
const { Socket, SocketType, ProtocolType } = require('dualmode');
const { checkSocketLeaks, openSockets, connectError } = require('../helpers');
const { bounded, settle, payload } = require('./fixtures/common');

checkSocketLeaks();

const fixture = path.join(__dirname, 'fixtures', 'worker-rounds.js');
const WORKERS = 4;
const ROUNDS = 5;
const WAIT_MS = 15_000;
const ECHO = 32 * 1024;
// Descriptors a ready worker holds: its listener, its dgram socket, its
// connect() client and the server's side of that connection.
const PER_WORKER = 4;

/** Starts the fixture in a worker, terminated when `t` ends; `next(what)` takes its next message (bounded). */
function startWorker(t) {
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  const worker = new Worker(fixture, { env, stdout: false, stderr: false });
  t.after(() => worker.terminate());
  const queue = [];
  const waiters = [];
  let ended = null;
  const settleWaiter = (waiter, message) => {
    if (message && typeof message.error === 'string') {
      waiter.reject(new Error(`${waiter.what} failed in the worker:\n${message.error}`));
    } else waiter.resolve(message);
  };
  worker.on('message', (message) =>
    waiters.length > 0 ? settleWaiter(waiters.shift(), message) : queue.push(message),
  );
  const end = (err) => {
    ended ??= err;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${waiter.what}: ${ended.message}`));
  };
  worker.on('error', (err) => end(new Error(`the worker failed:\n${err.stack}`)));
  worker.on('exit', (code) => end(new Error(`the worker exited with ${code}`)));
  return {
    worker,
    threadId: worker.threadId,
    next(what) {
      return bounded(
        new Promise((resolve, reject) => {
          const waiter = { what, resolve, reject };
          if (queue.length > 0) settleWaiter(waiter, queue.shift());
          else if (ended) reject(new Error(`${what}: ${ended.message}`));
          else waiters.push(waiter);
        }),
        WAIT_MS,
        what,
      );
    },
  };
}

/**
 * Connects to host:port, reads the first line (JSON), then sends `data` and
 * resolves once it has come back; the client stays open.
 */
function tcpClient(t, host, port, data) {
  const client = net.connect({ host, port });
  t.after(() => client.destroy());
  const closed = new Promise((resolve) => client.once('close', resolve));
  const talk = new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let first = null;
    client.on('error', reject);
    client.on('close', () => reject(new Error('closed before the echo came back')));
    client.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (first === null) {
        const end = buffered.indexOf(10);
        if (end === -1) return;
        first = JSON.parse(buffered.subarray(0, end).toString());
        buffered = buffered.subarray(end + 1);
        client.write(data);
      }
      if (buffered.length >= data.length) resolve({ first, echo: buffered, localAddress: client.localAddress });
    });
  });
  client.on('error', () => {}); // a reset when the worker goes; 'close' follows
  return { client, closed, talk: bounded(talk, WAIT_MS, `a TCP client of ${host}:${port}`) };
}

/** A Node dgram socket of `type` bound to address:0; answers are matched by their text. */
async function udpClient(t, type, address) {
  const udp = dgram.createSocket(type);
  t.after(() => {
    try {
      udp.close();
    } catch {
      // closed already
    }
  });
  await bounded(new Promise((resolve) => udp.bind(0, address, resolve)), WAIT_MS, `binding ${type}`);
  const answers = new Map();
  const waiters = new Map();
  udp.on('message', (msg) => {
    const answer = JSON.parse(msg.toString());
    answers.set(answer.text, answer);
    waiters.get(answer.text)?.(answer);
  });
  return {
    udp,
    /** Sends `text` to host:port (again every 200 ms: UDP may drop one) and resolves with the answer. */
    ask(host, port, text) {
      let timer;
      const answered = new Promise((resolve, reject) => {
        if (answers.has(text)) return resolve(answers.get(text));
        waiters.set(text, resolve);
        const send = () => udp.send(text, port, host, (err) => err && reject(err));
        send();
        timer = setInterval(send, 200);
      });
      return bounded(answered, WAIT_MS, `an answer to "${text}"`).finally(() => {
        clearInterval(timer);
        waiters.delete(text);
      });
    },
  };
}

const sameSockets = (expected) => JSON.stringify(openSockets()) === JSON.stringify(expected);

test('four worker threads at once hand off their Sockets, serve IPv4 and IPv6 clients and are terminated mid-service, five rounds, leaving the fd table as it was', async (t) => {
  const before = openSockets();
  for (let round = 1; round <= ROUNDS; round++) {
    const r = `round ${round}`;
    const workers = Array.from({ length: WORKERS }, () => startWorker(t));
    const readies = await Promise.all(workers.map((w, i) => w.next(`${r}: worker ${i} ready`)));
    assert.equal(new Set(workers.map((w) => w.threadId)).size, WORKERS, `${r}: distinct threads`);

    for (const [i, ready] of readies.entries()) {
      const what = `${r}, worker ${i}`;
      assert.equal(ready.kind, 'ready', what);
      assert.equal(ready.threadId, workers[i].threadId, what);
      assert.equal(ready.dualModeAtCreation, false, `${what}: an InterNetworkV6 Socket starts IPv6-only`);
      assert.equal(ready.dualModeSet, true, `${what}: dualMode = true took`);
      assert.equal(ready.serverDualMode, true, `${what}: getDualMode(server)`);
      assert.equal(ready.udpDualMode, true, `${what}: getDualMode(dgram socket)`);
      assert.deepEqual(
        ready.self,
        {
          reply: { threadId: ready.threadId, remoteAddress: '::ffff:127.0.0.1', remoteFamily: 'IPv6' },
          echo: `hello from thread ${ready.threadId}`,
          localAddress: '::ffff:127.0.0.1',
          remoteAddress: '::ffff:127.0.0.1',
          dualMode: true,
        },
        `${what}: its connect() client reached its own server over IPv4`,
      );
      assert.ok(ready.scratchPort > 0, what);
      assert.deepEqual(
        ready.sockets,
        ['ERR_SOCKET_DETACHED', 'ERR_SOCKET_DETACHED', 'ERR_SOCKET_DETACHED', 'closed'],
        `${what}: every Socket handed off or closed`,
      );
    }
    assert.equal(new Set(readies.map((x) => x.tcpPort)).size, WORKERS, `${r}: distinct TCP ports`);
    assert.ok(
      await settle(() => openSockets().length === before.length + WORKERS * PER_WORKER, 1000),
      `${r}: ${openSockets().length - before.length} descriptors held by the workers, not ${WORKERS * PER_WORKER}`,
    );

    // The main thread's clients: IPv4 and IPv6, TCP and UDP, for every worker.
    const udp4 = await udpClient(t, 'udp4', '127.0.0.1');
    const udp6 = await udpClient(t, 'udp6', '::1');
    const tcp = [];
    const checks = [];
    for (const [i, ready] of readies.entries()) {
      for (const [host, seenAs, udp] of [
        ['127.0.0.1', '::ffff:127.0.0.1', udp4],
        ['::1', '::1', udp6],
      ]) {
        const what = `${r}, worker ${i}, ${host}`;
        const data = payload(round * 100 + i * 2 + (host === '::1' ? 1 : 0), ECHO);
        const client = tcpClient(t, host, ready.tcpPort, data);
        tcp.push({ ...client, what });
        checks.push(
          client.talk.then(({ first, echo, localAddress }) => {
            assert.deepEqual(first, { threadId: ready.threadId, remoteAddress: seenAs, remoteFamily: 'IPv6' }, what);
            assert.equal(localAddress, host, what);
            assert.ok(echo.equals(data), `${what}: the echo is the payload`);
          }),
        );
        const text = `${r} worker ${i} from ${host}`;
        checks.push(
          udp.ask(host, ready.udpPort, text).then((answer) => {
            assert.deepEqual(
              answer,
              { threadId: ready.threadId, address: seenAs, family: 'IPv6', text },
              `${what} (UDP)`,
            );
          }),
        );
      }
    }
    await Promise.all(checks);
    const serving = before.length + WORKERS * PER_WORKER + WORKERS * 4 + 2;
    assert.equal(openSockets().length, serving, `${r}: the workers hold live connections now`);

    // Terminate all four mid-service, at once.
    const codes = await bounded(Promise.all(workers.map((w) => w.worker.terminate())), WAIT_MS, `${r}: terminating`);
    assert.deepEqual(codes, Array(WORKERS).fill(1), `${r}: terminate() resolves with 1`);
    await bounded(
      Promise.all(tcp.map((c) => c.closed)),
      WAIT_MS,
      `${r}: the main thread's clients seeing their connections closed`,
    );
    for (const ready of readies) {
      assert.equal(
        await connectError('127.0.0.1', ready.tcpPort),
        'ECONNREFUSED',
        `${r}: the listener went with the worker`,
      );
      assert.equal(await connectError('::1', ready.tcpPort), 'ECONNREFUSED', `${r}: the listener went with the worker`);
    }
    for (const { udp } of [udp4, udp6])
      await bounded(new Promise((resolve) => udp.close(resolve)), WAIT_MS, 'closing a dgram socket');
    assert.ok(await settle(() => sameSockets(before), 1000), `${r}: the fd table is back`);
    assert.deepEqual(openSockets(), before, `${r}: no descriptor left behind`);
  }
  assert.deepEqual(openSockets(), before, 'after all rounds, the main thread fd table is as it was');

  // The main thread's own instance still works.
  const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
  try {
    assert.equal(socket.dualMode, true);
    socket.bind({ address: '127.0.0.1', port: 0 });
    assert.equal(socket.localEndPoint.address, '::ffff:127.0.0.1');
  } finally {
    socket.close();
  }
});
