'use strict';
// Runs test/*.test.{js,mjs} with node's built-in runner, each test bounded in
// time. (Given the folder itself, node 20 would also run the helpers and
// fixtures as tests.) Two sets of files:
//
//   node test/run.js            npm test: the suite, everything that checks
//                               behaviour, on any platform and Node line
//   node test/run.js --release  npm run test:release: the release checks
//                               (RELEASE_CHECKS), which check the artefacts
//                               (the packed tarball, the benchmark, the API
//                               reference, the CI workflow), not behaviour,
//                               and do not depend on the Node line
//
// The suite's files run several at a time (`concurrency` below): each is its
// own process, with its own descriptor table, so the leak check of one file
// never sees another's sockets; they share only loopback and ephemeral
// ports. Other arguments (such as --test-reporter=tap) go to node --test.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RELEASE_CHECKS = ['package.test.js', 'bench.test.js', 'docs.test.js', 'workflow.test.js'];

const args = process.argv.slice(2);
const release = args.includes('--release');
const passed = args.filter((arg) => arg !== '--release');

const dir = __dirname;
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') || name.endsWith('.test.mjs'))
  .filter((name) => RELEASE_CHECKS.includes(name) === release)
  .sort()
  .map((name) => path.join(dir, name));

// Most files wait on children, kernels and timers rather than the CPU, so
// twice the cores keeps a 2-core machine busy. node 20 runs one file at a
// time by default there (availableParallelism() - 1); --test-concurrency
// exists from 20.10. The release checks each load the machine on their own
// (npm pack compiles two prebuilds; the benchmark measures): one at a time.
const [major, minor] = process.versions.node.split('.').map(Number);
const concurrency = release ? 1 : Math.max(2, 2 * os.availableParallelism());
const concurrencyArgs = major > 20 || minor >= 10 ? [`--test-concurrency=${concurrency}`] : [];

// From Node 22 on, the limit also bounds each file as a whole: package.test.js
// (npm pack with two prebuilds, an install, tsc) needs more than a minute on
// a loaded 2-core machine.
const result = spawnSync(
  process.execPath,
  ['--test', '--test-timeout=120000', ...concurrencyArgs, ...passed, ...files],
  {
    stdio: 'inherit',
    timeout: 15 * 60 * 1000,
  },
);
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
