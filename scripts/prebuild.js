'use strict';
// npm run prebuild: N-API prebuilds made with prebuildify, for this host's
// architecture and, on an x64 Linux host, for linux-arm64 by cross-compiling
// with Debian's g++-aarch64-linux-gnu. This script installs nothing:
// scripts/setup-arm64.sh does (run by .ci/run). `--host` or
// DUALMODE_PREBUILD_HOST_ONLY=1 builds only this host's. Each binary's ELF
// machine is checked. build/ is left as it was: node-gyp-build loads build/
// before prebuilds/, so an arm64 object there would break this host.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const hostOnly = process.argv.includes('--host') || process.env.DUALMODE_PREBUILD_HOST_ONLY === '1';
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

function checkCrossCompiler() {
  if (has('aarch64-linux-gnu-g++')) return;
  throw new Error(
    'cross-compiling for linux-arm64 needs aarch64-linux-gnu-g++: run scripts/setup-arm64.sh ' +
      '(apt-get install g++-aarch64-linux-gnu), or set DUALMODE_PREBUILD_HOST_ONLY=1 for this host only',
  );
}

function prebuildify(arch, env = {}) {
  run(
    process.execPath,
    [require.resolve('prebuildify/bin.js'), '--napi', '--strip', '--tag-libc', '--arch', arch],
    env,
  );
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

// prebuildify builds in build/ and moves the binary out; a cross-compile
// would leave an arm64 object there. Keep the host's build/ aside and put it
// back afterwards, exactly as it was (or absent).
const build = path.join(root, 'build');
const aside = path.join(root, 'build.host');
fs.rmSync(aside, { recursive: true, force: true });
const hadBuild = fs.existsSync(build);
if (hadBuild) fs.renameSync(build, aside);
try {
  prebuildify(process.arch);
  // Debian's cross-compiler targets glibc: musl hosts build their own only.
  const glibc = process.platform === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);
  if (!hostOnly && glibc && process.arch === 'x64') {
    checkCrossCompiler();
    prebuildify('arm64', {
      CC: 'aarch64-linux-gnu-gcc',
      CXX: 'aarch64-linux-gnu-g++',
      LINK: 'aarch64-linux-gnu-g++',
      AR: 'aarch64-linux-gnu-ar',
      PREBUILD_STRIP_BIN: 'aarch64-linux-gnu-strip',
    });
  }
} finally {
  fs.rmSync(build, { recursive: true, force: true });
  if (hadBuild) fs.renameSync(aside, build);
}
