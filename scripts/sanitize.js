'use strict';
// npm run test:asan — runs the test suite against the addon built with
// AddressSanitizer and UndefinedBehaviorSanitizer (Linux, gcc or clang).
//
//   node scripts/sanitize.js [--keep] [--stress] [test files...]
//
//   --stress  also runs test/stress/*.test.js (one file at a time, as
//             test/stress/run.js does) after the main suite
//   --keep    keeps the temporary copy (build, reports) and prints its path
//   files     only these test files (paths in this repo), instead of test/*.test.*
//
// How:
// 1. The working tree (without .git, node_modules, build/, prebuilds/) is
//    copied to a temporary directory, with node_modules a symlink to this
//    repo's. The repo's own build/ is never touched, so the normal build
//    stays intact even if this script is killed (there is nothing to
//    restore), and other people's test runs in the repo are not affected
//    while it runs. prebuilds/ is left out so that node-gyp-build cannot fall
//    back to an uninstrumented binary.
// 2. The addon is built there by `npm run build:native` (node-gyp rebuild)
//    with CFLAGS/CXXFLAGS/LDFLAGS `-fsanitize=address,undefined
//    -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g`, which
//    node-gyp's Makefiles append to their own flags; the result is checked
//    to link libasan and libubsan (ldd) and to call the sanitizers (nm).
//    dist/ is built from the copied src/ by its scripts/build.js.
// 3. The copy's test files run with `node --test` (as test/run.js does) and
//      LD_PRELOAD=<libasan.so>:<libubsan.so>   node itself is not instrumented:
//                                              the ASan runtime must come first
//      ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:abort_on_error=1:...
//                                              node does not free everything at
//                                              exit, so leak detection would only
//                                              report node's own allocations
//      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
//    ASan writes its reports to files (log_path), so that a report from a
//    child process whose output a test captures is not lost. gcc's UBSan
//    runtime prints to stderr whatever log_path says: its reports are found
//    in the output (node --test echoes a file's stderr), and halt_on_error
//    makes the process exit non-zero, which fails the test that ran it.
//    Every process the tests spawn (node fixtures, sh, unshare, npm, the
//    compiler in package.test.js) inherits the environment, LD_PRELOAD
//    included; all of them run fine with the runtimes preloaded, so no test
//    file is left out. (package.test.js packs and installs a prebuild it
//    compiles itself, without the sanitizer flags: it checks packaging under
//    the preloaded runtimes, not the sanitized addon.) A file that cannot run
//    under the sanitizers would go in EXCLUDED below, with the reason.
// 4. Exit status: non-zero if a test failed, if any ASan report file was
//    written, or if a sanitizer report appears in the output
//    ('ERROR: AddressSanitizer', 'runtime error:', ...). The temporary copy
//    is removed at the end (kept when there are reports), also on
//    SIGINT/SIGTERM, which stop the whole test run.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
// test/*.test.* files not run under the sanitizers: name -> why. None today.
const EXCLUDED = {};
const SANITIZE = '-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g';
const REPORT_PATTERNS = [
  /ERROR: AddressSanitizer/,
  /SUMMARY: AddressSanitizer/,
  /ERROR: LeakSanitizer/,
  /runtime error:/,
  /SUMMARY: UndefinedBehaviorSanitizer/,
];

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const stress = args.includes('--stress');
const requested = args.filter((arg) => !arg.startsWith('--'));

let tmp = null;
let child = null;

function cleanup() {
  if (tmp !== null && !keep) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp !== null) console.error(`sanitize: kept ${tmp}`);
  tmp = null;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`sanitize: ${signal}, stopping`);
    if (child !== null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM'); // the test run's whole process group
      } catch {
        // already gone
      }
    }
    cleanup();
    process.exit(128 + os.constants.signals[signal]);
  });
}

function fail(message) {
  console.error(`sanitize: ${message}`);
  cleanup();
  process.exit(1);
}

/** Runs a command to completion with inherited output; fails the script if it fails. */
function step(what, command, commandArgs, options = {}) {
  console.error(`sanitize: ${what}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', timeout: 10 * 60 * 1000, ...options });
  if (result.error) fail(`${what}: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed with status ${result.status ?? result.signal}`);
}

/** The absolute path of a sanitizer runtime the compiler uses, or null. */
function runtime(compiler, name) {
  const result = spawnSync(compiler, [`-print-file-name=${name}`], { encoding: 'utf8' });
  const file = result.status === 0 ? result.stdout.trim() : '';
  return path.isAbsolute(file) && fs.existsSync(file) ? fs.realpathSync(file) : null;
}

async function main() {
  if (process.platform !== 'linux') fail('the sanitizer run is set up for Linux only');
  const cxx = process.env.CXX || 'g++';
  const cc = cxx.includes('clang') ? 'clang' : 'gcc';
  const asan = runtime(cc, 'libasan.so');
  const ubsan = runtime(cc, 'libubsan.so');
  if (asan === null || ubsan === null) {
    fail(`${cc} has no libasan.so/libubsan.so (Debian: apt-get install libasan8 libubsan1, or gcc)`);
  }

  // 1. A copy of the working tree to build and test in.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-asan-'));
  const copy = path.join(tmp, 'dualmode');
  const skipTop = new Set(['.git', 'node_modules', 'build', 'prebuilds', 'docs']);
  fs.cpSync(root, copy, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(root, source);
      if (relative === '') return true;
      const parts = relative.split(path.sep);
      if (parts.length === 1 && skipTop.has(parts[0])) return false;
      if (parts.includes('node_modules') || parts.at(-1) === 'build') return false;
      return !relative.endsWith('.tgz');
    },
  });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  // 2. The sanitized addon, and dist/.
  const flags = (name) => [process.env[name], SANITIZE].filter(Boolean).join(' ');
  const buildEnv = { ...process.env, CFLAGS: flags('CFLAGS'), CXXFLAGS: flags('CXXFLAGS'), LDFLAGS: flags('LDFLAGS') };
  delete buildEnv.LD_PRELOAD;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  step('building the addon with -fsanitize=address,undefined', npm, ['run', 'build:native'], {
    cwd: copy,
    env: buildEnv,
  });
  const addon = path.join(copy, 'build', 'Release', 'dualmode.node');
  if (!fs.existsSync(addon)) fail(`${addon} was not built`);
  const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
  const nm = spawnSync('nm', ['-D', '--undefined-only', addon], { encoding: 'utf8' });
  const links = {
    libasan: /libasan\.so/.test(ldd.stdout),
    libubsan: /libubsan\.so/.test(ldd.stdout),
    asanCalls: /__asan_/.test(nm.stdout),
    ubsanCalls: /__ubsan_/.test(nm.stdout),
  };
  console.error(
    `sanitize: ${addon}\n${ldd.stdout
      .split('\n')
      .filter((line) => /san\.so/.test(line))
      .join('\n')}`,
  );
  for (const [what, ok] of Object.entries(links)) if (!ok) fail(`the addon is not instrumented: no ${what}`);
  step('building dist/', process.execPath, [path.join(copy, 'scripts', 'build.js')], { cwd: copy, env: buildEnv });

  // 3. The tests.
  const testFiles = (dir) =>
    fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.test.js') || name.endsWith('.test.mjs'))
      .sort();
  const phases = [];
  if (requested.length > 0) {
    const files = requested.map((file) => path.join(copy, path.relative(root, path.resolve(file))));
    phases.push({ name: 'requested files', files, args: [] });
  } else {
    const testDir = path.join(copy, 'test');
    const all = testFiles(testDir);
    for (const name of all.filter((name) => name in EXCLUDED))
      console.error(`sanitize: skipping ${name}: ${EXCLUDED[name]}`);
    const files = all.filter((name) => !(name in EXCLUDED)).map((name) => path.join(testDir, name));
    phases.push({ name: 'test/', files, args: [] });
  }
  const stressDir = path.join(copy, 'test', 'stress');
  if (stress && fs.existsSync(stressDir)) {
    const files = testFiles(stressDir).map((name) => path.join(stressDir, name));
    phases.push({ name: 'test/stress/', files, args: ['--test-concurrency=1'] });
  }

  const reports = path.join(tmp, 'reports');
  fs.mkdirSync(reports);
  const env = { ...process.env };
  delete env.DUALMODE_DISABLE_IPV6;
  env.LD_PRELOAD = [asan, ubsan, process.env.LD_PRELOAD].filter(Boolean).join(':');
  env.ASAN_OPTIONS = [
    'detect_leaks=0', // node's own allocations at exit, not the addon's
    'verify_asan_link_order=0', // node is not instrumented; the runtime comes from LD_PRELOAD
    'abort_on_error=1',
    'halt_on_error=1',
    `log_path=${path.join(reports, 'asan')}`,
    process.env.ASAN_OPTIONS,
  ]
    .filter(Boolean)
    .join(':');
  env.UBSAN_OPTIONS = ['print_stacktrace=1', 'halt_on_error=1', process.env.UBSAN_OPTIONS].filter(Boolean).join(':');
  console.error(
    `sanitize: LD_PRELOAD=${env.LD_PRELOAD}\nsanitize: ASAN_OPTIONS=${env.ASAN_OPTIONS}\nsanitize: UBSAN_OPTIONS=${env.UBSAN_OPTIONS}`,
  );

  const results = [];
  for (const phase of phases) {
    console.error(`sanitize: running ${phase.files.length} test files of ${phase.name}`);
    results.push({ phase: phase.name, ...(await runTests(copy, env, phase)) });
  }

  const written = fs.readdirSync(reports).map((name) => path.join(reports, name));
  for (const file of written)
    console.error(`\nsanitize: report ${path.basename(file)}:\n${fs.readFileSync(file, 'utf8')}`);
  const seen = results.some((result) => result.seen);
  const failed = results.filter((result) => result.status !== 0);
  console.error('');
  for (const result of results) {
    console.error(
      `sanitize: ${result.phase}: tests ${result.status === 0 ? 'passed' : `FAILED (status ${result.status})`}`,
    );
  }
  console.error(
    `sanitize: ${written.length} ASan report file(s)${seen ? '; sanitizer reports seen in the test output' : '; no sanitizer report in the output'}; ` +
      "leak detection off (node's own allocations at exit).",
  );
  if (written.length > 0 || seen) {
    console.error(`sanitize: keeping ${tmp} for a look at the reports`);
    tmp = null;
  }
  cleanup();
  process.exitCode = failed.length > 0 || written.length > 0 || seen ? 1 : 0;
}

/** Runs one `node --test` over `phase.files` in `cwd`, echoing its output; resolves { status, seen }. */
function runTests(cwd, env, phase) {
  return new Promise((resolve) => {
    let tail = '';
    let seen = false;
    child = spawn(process.execPath, ['--test', '--test-timeout=120000', ...phase.args, ...phase.files], {
      cwd,
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
      detached: true, // its own process group, so that a signal can stop all of it
    });
    const timer = setTimeout(
      () => {
        console.error(`sanitize: ${phase.name} took more than 30 minutes, stopping it`);
        process.kill(-child.pid, 'SIGTERM');
      },
      30 * 60 * 1000,
    );
    const onData = (stream) => (chunk) => {
      stream.write(chunk);
      // A report may straddle two chunks: match over the end of the last one too.
      const text = tail + chunk.toString();
      if (REPORT_PATTERNS.some((pattern) => pattern.test(text))) seen = true;
      tail = text.slice(-200);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      child = null;
      resolve({ status: status ?? `signal ${signal}`, seen });
    });
  });
}

main().catch((err) => fail(err.stack));
