'use strict';
// npm run prebuild: N-API prebuilds made with prebuildify, for this host's
// architecture and, on an x64 Linux host, for linux-arm64 by cross-compiling
// with Debian's g++-aarch64-linux-gnu (installed here when missing).
// `--host` builds only this host's. Each binary's ELF machine is checked.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const hostOnly = process.argv.includes('--host');
const ELF_MACHINE = { x64: 0x3e, arm64: 0xb7 };

function run(command, args, env = {}) {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, ...env } });
}

function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensureCrossCompiler() {
  if (has('aarch64-linux-gnu-g++')) return;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    throw new Error('cross-compiling for arm64 needs g++-aarch64-linux-gnu (apt-get install g++-aarch64-linux-gnu)');
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'g++-aarch64-linux-gnu'], {
    DEBIAN_FRONTEND: 'noninteractive',
  });
}

function prebuildify(arch, env = {}) {
  run(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--strip', '--tag-libc', '--arch', arch], env);
  const dir = path.join(root, 'prebuilds', `${process.platform}-${arch}`);
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.node'))) {
    if (process.platform !== 'linux') continue;
    const machine = fs.readFileSync(path.join(dir, file)).readUInt16LE(18);
    if (machine !== ELF_MACHINE[arch]) {
      throw new Error(`${dir}/${file}: ELF machine 0x${machine.toString(16)}, expected ${arch}`);
    }
    console.error(`prebuild: ${path.relative(root, path.join(dir, file))} is an ${arch} ELF object`);
  }
}

prebuildify(process.arch);
if (!hostOnly && process.platform === 'linux' && process.arch === 'x64') {
  ensureCrossCompiler();
  try {
    prebuildify('arm64', {
      CC: 'aarch64-linux-gnu-gcc',
      CXX: 'aarch64-linux-gnu-g++',
      LINK: 'aarch64-linux-gnu-g++',
      AR: 'aarch64-linux-gnu-ar',
      PREBUILD_STRIP_BIN: 'aarch64-linux-gnu-strip',
    });
  } finally {
    // node-gyp-build loads build/ before prebuilds/: leave a host build there,
    // not the arm64 one the cross-compile wrote.
    // npm names its bundled node-gyp in npm_config_node_gyp for scripts.
    const gyp = process.env.npm_config_node_gyp;
    if (gyp) run(process.execPath, [gyp, 'rebuild']);
    else run('node-gyp', ['rebuild']);
  }
}
