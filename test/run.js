'use strict';
// Runs every test/*.test.{js,mjs} file with node's built-in runner, each test
// bounded in time. (Given the folder itself, node 20 would also run the
// helpers and fixtures as tests.) Extra arguments (such as --test-reporter=tap) go
// to node --test. DUALMODE_SKIP_RELEASE_CHECKS=1 leaves out the release
// checks (RELEASE_CHECKS: the packed tarball, the benchmark, the property
// runs), which do not depend on the Node line (scripts/node-lines.js
// --skip-release-checks).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const RELEASE_CHECKS = ['package.test.js', 'bench.test.js', 'property.test.js'];
const skipRelease = process.env.DUALMODE_SKIP_RELEASE_CHECKS === '1';

const dir = __dirname;
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') || name.endsWith('.test.mjs'))
  .filter((name) => !(skipRelease && RELEASE_CHECKS.includes(name)))
  .sort()
  .map((name) => path.join(dir, name));

// From Node 22 on, the limit also bounds each file as a whole: package.test.js
// (npm pack with two prebuilds, an install, tsc) needs more than a minute on
// a loaded 2-core machine.
const result = spawnSync(process.execPath, ['--test', '--test-timeout=120000', ...process.argv.slice(2), ...files], {
  stdio: 'inherit',
  timeout: 15 * 60 * 1000,
});
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
