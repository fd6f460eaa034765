'use strict';
// Runs every test/stress/*.test.{js,mjs} file with node's built-in runner:
// one file at a time (each one loads the machine on its own), every test
// bounded in time, the whole run bounded too. npm test (test/run.js) does not
// read this folder; run it with `npm run test:stress`. (Given the folder
// itself, node 20 would also run the fixtures as tests.)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') || name.endsWith('.test.mjs'))
  .sort()
  .map((name) => path.join(dir, name));

const started = Date.now();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=120000', ...files], {
  stdio: 'inherit',
  timeout: 10 * 60 * 1000,
  killSignal: 'SIGKILL',
});
process.stderr.write(`stress suite: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
