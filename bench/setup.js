'use strict';
// Builds what the benchmark compares against, when missing or stale: the bare
// N-API addon (bench/addon/build/Release/bare.node, by node-gyp) and the C
// floor (bench/build/floor, by the system C compiler).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const addonDir = path.join(here, 'addon');
const addonPath = path.join(addonDir, 'build', 'Release', 'bare.node');
const floorSource = path.join(here, 'floor.c');
const floorPath = path.join(here, 'build', 'floor');
const loadSource = path.join(here, 'udp-load.c');
const loadPath = path.join(here, 'build', 'udp-load');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} failed${result.error ? `: ${result.error.message}` : ''}\n${output}`);
  }
  return result.stdout;
}

// npm's bundled node-gyp under `npm run`, else node-gyp on PATH, else the one
// next to this node's npm.
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) return [process.execPath, [fromNpm]];
  const onPath = spawnSync('node-gyp', ['--version'], { stdio: 'ignore' });
  if (!onPath.error && onPath.status === 0) return ['node-gyp', []];
  const bundled = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (fs.existsSync(bundled)) return [process.execPath, [bundled]];
  throw new Error('node-gyp not found: run the benchmark with `npm run bench`, or install node-gyp');
}

function buildAddon(log) {
  const sources = ['bare.c', 'binding.gyp'].map((f) => mtime(path.join(addonDir, f)));
  if (mtime(addonPath) > Math.max(...sources)) return addonPath;
  log('building bench/addon (bare N-API) with node-gyp ...');
  const [command, prefix] = nodeGyp();
  const args = [...prefix, 'rebuild', `--directory=${addonDir}`];
  // Headers installed next to this node (Debian's nodejs-dev: /usr/include/node)
  // spare node-gyp a download when npm has not said where they are.
  const prefixDir = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefixDir, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefixDir}`);
  }
  run(command, args, { cwd: addonDir });
  return addonPath;
}

function compile(log, source, output) {
  if (mtime(output) > mtime(source)) return output;
  log(`compiling bench/${path.basename(source)} ...`);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  run(process.env.CC || 'cc', ['-O2', '-o', output, source]);
  return output;
}

const buildFloor = (log) => compile(log, floorSource, floorPath);
/** The C client load of the UDP echo benchmark. */
const buildUdpLoad = (log) => compile(log, loadSource, loadPath);

module.exports = { buildAddon, buildFloor, buildUdpLoad };
