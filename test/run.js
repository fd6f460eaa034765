'use strict';
// Runs every test/*.test.{js,mjs} file with node's built-in runner, each test
// bounded in time. (Given the folder itself, node 20 would also run the
// helpers and fixtures as tests.)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') || name.endsWith('.test.mjs'))
  .sort()
  .map((name) => path.join(dir, name));

const result = spawnSync(process.execPath, ['--test', '--test-timeout=60000', ...files], {
  stdio: 'inherit',
  timeout: 15 * 60 * 1000,
});
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
