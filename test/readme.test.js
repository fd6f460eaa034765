'use strict';
const { checkSocketLeaks, childEnv, withTimeout, delay } = require('./helpers');
checkSocketLeaks();

// The README's usage block (the first ```js block) runs as a user would run it:
// in a fresh node whose require('dualmode') is this package, talked to by an
// IPv4 client on 127.0.0.1; it must print what its comments say. And every
// link of the README leads somewhere: a heading of the README or a file of the
// repository.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { test } = require('node:test');
const { Socket } = require('dualmode');

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const WAIT_MS = 10_000;

/** The README's lines outside fenced code blocks, with their 1-based numbers. */
function proseLines() {
  let fenced = false;
  const out = [];
  readme.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) out.push({ line, number: i + 1 });
  });
  return out;
}

/** The first ```js block of the README and the line its code starts on. */
function usageBlock() {
  const lines = readme.split('\n');
  const open = lines.indexOf('```js');
  assert.notEqual(open, -1, 'README.md has a ```js block');
  const close = lines.indexOf('```', open + 1);
  return { code: lines.slice(open + 1, close).join('\n'), firstLine: open + 2, length: close - open - 1 };
}

/** Starts `code` in a child node in the package's folder; killed when `t` ends. */
function runCode(t, code) {
  const child = spawn(process.execPath, ['-e', code], {
    cwd: root,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const closed = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
  t.after(() => {
    child.kill('SIGKILL');
    return closed;
  });
  const line = (regex) =>
    withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout
            .split('\n')
            .slice(0, -1)
            .map((text) => text.match(regex))
            .find(Boolean);
          if (match) {
            child.stdout.off('data', check);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        closed.then((ended) => reject(new Error(`the usage block ended (${JSON.stringify(ended)}):\n${stderr}`)));
        check();
      }),
      WAIT_MS,
      `the usage block printing ${regex}`,
    );
  return { line };
}

/** A TCP client connected to 127.0.0.1:port (destroyed when `t` ends), retrying while refused for up to WAIT_MS. */
async function connectIPv4(t, port) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const client = net.connect({ host: '127.0.0.1', port, family: 4 });
    t.after(() => client.destroy());
    const error = await new Promise((resolve) => client.once('connect', () => resolve(null)).once('error', resolve));
    if (error === null) return client;
    if (error.code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
    await delay(20);
  }
}

test('the usage block comes before line 30 and is about six lines of code', () => {
  const { firstLine, length } = usageBlock();
  assert.ok(firstLine + length < 30, `the block ends on line ${firstLine + length}`);
  assert.ok(length <= 7, `${length} lines`);
});

test("the README's usage block runs: dual mode true, and an IPv4 client logged as ::ffff:127.0.0.1", async (t) => {
  if (!Socket.osSupportsIPv6) {
    t.skip('this machine has no IPv6');
    return;
  }
  const { code } = usageBlock();
  assert.match(code, /require\('dualmode'\)/);
  assert.match(code, /\.toServer\(\)/);
  const block = runCode(t, code);

  const [, port] = await block.line(/^true \{ address: '::', family: 'IPv6', port: (\d+) \}$/);
  // The block prints its port one line before toServer() listens: a client
  // refused in between tries again.
  const client = await connectIPv4(t, Number(port));
  assert.equal(client.remoteAddress, '127.0.0.1');
  const logged = await block.line(/::ffff:127\.0\.0\.1/);
  assert.equal(logged.input, '::ffff:127.0.0.1');
});

test('every #anchor of the README names one of its headings, and every relative link an existing file', () => {
  const slugs = new Set();
  for (const { line } of proseLines()) {
    const heading = line.match(/^#{1,6} (.+)$/);
    if (!heading) continue;
    // GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, -1, -2 for repeats.
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    let unique = slug;
    for (let n = 1; slugs.has(unique); n++) unique = `${slug}-${n}`;
    slugs.add(unique);
  }
  const broken = [];
  for (const { line, number } of proseLines()) {
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const ok = target.startsWith('#') ? slugs.has(target.slice(1)) : fs.existsSync(path.join(root, target));
      if (!ok) broken.push(`line ${number}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
