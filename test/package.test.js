'use strict';
// The package as users get it: npm pack (in a copy of the repository, so the
// working tree is left alone), the tarball's file list, then an install into a
// fresh project whose PATH holds only node and npm (no compiler, make or
// python), and there: require, import, the types, and `npx dualmode probe`.
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');
const { checkSocketLeaks, probeKeys } = require('./helpers');

checkSocketLeaks();

const root = path.join(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-package-'));
const copy = path.join(work, 'dualmode');
const consumer = path.join(work, 'consumer');
const bin = path.join(work, 'bin');
let tarball;
let files;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 180000, ...options });
  assert.equal(result.error, undefined, `${command} ${args.join(' ')}: ${result.error}`);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// node and npm only on PATH, as on a machine without build tools; npm runs
// install scripts with sh, so it is named by its absolute path.
// How this machine reaches the registry stays: certificates (a Node from the
// npm registry trusts only its bundled CAs, not the system's) and proxies.
const reach = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];
const bareEnv = () => ({
  ...Object.fromEntries(
    reach.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]),
  ),
  HOME: process.env.HOME,
  PATH: bin,
  npm_config_script_shell: '/bin/sh',
  npm_config_update_notifier: 'false',
});

before(() => {
  fs.mkdirSync(copy);
  for (const entry of [
    'src',
    'native',
    'scripts',
    'binding.gyp',
    'package.json',
    'tsconfig.json',
    'README.md',
    'LICENSE',
  ]) {
    fs.cpSync(path.join(root, entry), path.join(copy, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}node-addon-api`),
    });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: copy }));
  tarball = path.join(work, packed.filename);
  files = packed.files.map((file) => file.path).sort();

  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const npmCli = fs.realpathSync(execFileSync('/bin/sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  fs.symlinkSync(npmCli, path.join(bin, 'npm'));
  fs.symlinkSync(path.join(path.dirname(npmCli), 'npx-cli.js'), path.join(bin, 'npx'));

  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: consumer, env: bareEnv() });
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the bare PATH really has no compiler, make or python', () => {
  for (const tool of ['g++', 'c++', 'cc', 'make', 'python3']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { env: bareEnv() });
    assert.notEqual(found.status, 0, `${tool} is on the bare PATH`);
  }
});

const glibcX64 =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  Boolean(process.report.getReport().header.glibcVersionRuntime);

test('the tarball holds the built JS, the types, the native sources for a fallback build, the prebuild, README and LICENSE', () => {
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'binding.gyp',
    'dist/index.js',
    'dist/index.mjs',
    'dist/index.d.ts',
    'dist/index.d.mts',
    'dist/cli.js',
    'native/dualmode.cc',
    'native/watcher.cc',
    'native/watcher.h',
    'native/platform.h',
    'native/platform_unix.cc',
    'native/platform_win.cc',
    'native/node-addon-api/napi.h',
    'native/node-addon-api/napi-inl.h',
    `prebuilds/${process.platform}-${process.arch}/dualmode.glibc.node`,
    // Linux x64 with glibc packs the arm64 prebuild too (cross-compiled; run
    // under emulation by npm run test:arm64).
    ...(glibcX64 ? ['prebuilds/linux-arm64/dualmode.glibc.node'] : []),
  ]) {
    assert.ok(files.includes(file), `${file} is in the tarball`);
  }
});

test('the tarball holds nothing users do not need, and stays small', () => {
  const allowed =
    /^(package\.json|README\.md|LICENSE|binding\.gyp|dist\/[\w.-]+\.(js|mjs|d\.ts|d\.mts|js\.map|mjs\.map)|native\/[\w.]+\.(cc|h)|native\/node-addon-api\/[\w.-]+\.(h|md)|prebuilds\/[\w-]+\/dualmode\.(glibc|musl)\.node)$/;
  const extra = files.filter((file) => !allowed.test(file));
  assert.deepEqual(extra, []);
  // About 260 KB on linux-x64: the bundle's source map (50 KB packed), two
  // prebuilds (35 KB each: node-addon-api's inline wrappers double the
  // addon's code against the C API), the vendored headers (50 KB), the rest.
  assert.ok(fs.statSync(tarball).size < 300 * 1024, `tarball is ${fs.statSync(tarball).size} bytes`);
});

test('the install used the prebuild: nothing was compiled', () => {
  const installed = path.join(consumer, 'node_modules', 'dualmode');
  assert.equal(fs.existsSync(path.join(installed, 'build')), false);
  const resolved = run(
    process.execPath,
    ['-p', "require('node-gyp-build').resolve(require.resolve('dualmode/package.json').slice(0, -13))"],
    {
      cwd: consumer,
      env: bareEnv(),
    },
  );
  assert.ok(resolved.includes(`prebuilds/${process.platform}-${process.arch}/dualmode.glibc.node`), resolved);
  const dependencies = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies;
  assert.deepEqual(Object.keys(dependencies), ['node-gyp-build']);
});

test('require and import of the installed package work and share one implementation', () => {
  const cjs = run(
    process.execPath,
    [
      '-e',
      "const {Socket,SocketType,ProtocolType}=require('dualmode'); const s=new Socket(SocketType.Stream, ProtocolType.Tcp); console.log(s.addressFamily, s.dualMode); s.close()",
    ],
    { cwd: consumer, env: bareEnv() },
  );
  assert.equal(cjs.trim(), '23 true');
  const esm = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import {Socket,SocketType,ProtocolType} from 'dualmode'; import {createRequire} from 'node:module'; const s=new Socket(SocketType.Stream, ProtocolType.Tcp); console.log(s.addressFamily, s.dualMode, Socket === createRequire(import.meta.url)('dualmode').Socket); s.close()",
    ],
    { cwd: consumer, env: bareEnv() },
  );
  assert.equal(esm.trim(), '23 true true');
});

test('require() reads one JavaScript file of the package (the bundle), whose classes keep their names', () => {
  const script =
    "const d = require('dualmode');" +
    "const own = Object.keys(require.cache).filter((f) => f.includes('node_modules/dualmode/') && f.endsWith('.js'));" +
    'console.log(JSON.stringify({ own: own.map((f) => f.split("node_modules/dualmode/")[1]), names: [d.Socket.name, d.SocketError.name, d.NotSupportedError.name] }))';
  const { own, names } = JSON.parse(run(process.execPath, ['-e', script], { cwd: consumer, env: bareEnv() }));
  assert.deepEqual(own, ['dist/index.js']);
  assert.deepEqual(names, ['Socket', 'SocketError', 'NotSupportedError']);
});

test('the types compile under tsc --strict --module nodenext, for CommonJS and ES module users', () => {
  fs.writeFileSync(
    path.join(consumer, 'use.cts'),
    [
      "import { Socket, SocketType, ProtocolType, getDualMode, type EndPoint } from 'dualmode';",
      'const socket: Socket = new Socket(SocketType.Stream, ProtocolType.Tcp);',
      'socket.dualMode = false;',
      'const local: EndPoint | null = socket.localEndPoint;',
      'const server = socket.toServer();',
      'const dual: boolean = getDualMode(server);',
      '// @ts-expect-error dualMode is a boolean',
      "socket.dualMode = 'yes';",
      '// @ts-expect-error bind needs an endpoint object',
      "socket.bind('::1');",
      'export { local, dual };',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(consumer, 'use.mts'),
    [
      "import { Socket, SocketType, ProtocolType, AddressFamily, SocketError } from 'dualmode';",
      'const socket: Socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);',
      'const udp = socket.toDgram({ recvBufferSize: 65536 });',
      'const err: SocketError | undefined = undefined;',
      '// @ts-expect-error no such family',
      'new Socket(AddressFamily.AppleTalk, SocketType.Dgram, ProtocolType.Udp);',
      'export { udp, err };',
      '',
    ].join('\n'),
  );
  const typeRoots = path.join(root, 'node_modules', '@types');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--noEmit',
    '--typeRoots',
    typeRoots,
    '--types',
    'node',
  ];
  run(process.execPath, [tsc, ...args, 'use.cts', 'use.mts'], { cwd: consumer });

  fs.writeFileSync(
    path.join(consumer, 'misuse.cts'),
    "import { Socket, SocketType, ProtocolType } from 'dualmode';\nnew Socket(SocketType.Stream, ProtocolType.Tcp).dualMode = 'yes';\n",
  );
  const misuse = spawnSync(process.execPath, [tsc, ...args, 'misuse.cts'], {
    cwd: consumer,
    encoding: 'utf8',
    timeout: 120000,
  });
  assert.notEqual(misuse.status, 0, 'assigning a string to dualMode must not compile');
  assert.match(misuse.stdout, /misuse\.cts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'boolean'/);
});

test('npx dualmode probe --json prints stable JSON and exits 0', () => {
  const out = run(path.join(bin, 'npx'), ['--no-install', 'dualmode', 'probe', '--json'], {
    cwd: consumer,
    env: bareEnv(),
  });
  const report = JSON.parse(out);
  assert.deepEqual(Object.keys(report), probeKeys);
  assert.equal(report.ipv4, true);
  assert.equal(report.newSocketDual, report.ipv6);
});

test('where no prebuild matches, the install compiles the addon from the shipped sources and headers alone', () => {
  const fallback = path.join(work, 'fallback');
  fs.mkdirSync(fallback);
  fs.writeFileSync(path.join(fallback, 'package.json'), JSON.stringify({ name: 'fallback', private: true }));
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(unpacked);
  run('tar', ['-xzf', tarball, '-C', unpacked]);
  fs.rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true });
  const bare = path.join(work, 'no-prebuilds.tgz');
  run('tar', ['-czf', bare, '-C', unpacked, 'package']);
  // With build tools on PATH this time, but no node-addon-api anywhere.
  run('npm', ['install', '--no-audit', '--no-fund', bare], { cwd: fallback });
  const installed = path.join(fallback, 'node_modules', 'dualmode');
  assert.equal(fs.existsSync(path.join(installed, 'build', 'Release', 'dualmode.node')), true);
  const out = run(
    process.execPath,
    [
      '-e',
      "const {Socket,SocketType,ProtocolType}=require('dualmode'); const s=new Socket(SocketType.Dgram, ProtocolType.Udp); console.log(s.dualMode); s.close()",
    ],
    { cwd: fallback },
  );
  assert.equal(out.trim(), 'true');
});
