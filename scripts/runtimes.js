'use strict';
// Fetches a runtime from the npm registry once and returns its executable:
// Node lines as `node-linux-<arch>@<major>`, Bun as `@oven/bun-linux-<arch>`,
// Deno as `@deno/linux-<arch>-glibc` (the platform packages the `bun` and
// `deno` packages install through their optional dependencies). Each one is
// unpacked under node_modules/.cache/dualmode-runtimes/<name>-<version>/, so
// a later run does not touch the network at all once the latest version is
// known (DUALMODE_RUNTIMES_OFFLINE=1 skips even the version look-up).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cache = path.join(root, 'node_modules', '.cache', 'dualmode-runtimes');

const npmArch = { x64: 'x64', arm64: 'arm64' };
const bunArch = { x64: 'x64', arm64: 'aarch64' };

/** The npm package, version range and the executable inside it for a runtime. */
function packageOf(runtime, arch = process.arch) {
  const [name, range = 'latest'] = runtime.split('@');
  if (name === 'node') return { pkg: `node-linux-${npmArch[arch]}`, range, bin: 'bin/node' };
  if (name === 'bun') return { pkg: `@oven/bun-linux-${bunArch[arch]}`, range, bin: 'bin/bun' };
  if (name === 'deno') return { pkg: `@deno/linux-${npmArch[arch]}-glibc`, range, bin: 'deno' };
  throw new Error(`unknown runtime ${runtime}`);
}

function npm(args, options = {}) {
  return execFileSync('npm', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300000,
    ...options,
  });
}

function cachedVersions(pkg) {
  const prefix = `${pkg.replace('/', '+')}-`;
  if (!fs.existsSync(cache)) return [];
  return fs
    .readdirSync(cache)
    .filter((name) => name.startsWith(prefix) && fs.existsSync(path.join(cache, name, '.complete')))
    .map((name) => name.slice(prefix.length));
}

function latest(pkg, range) {
  const major = /^\d+$/.test(range) ? range : undefined;
  if (process.env.DUALMODE_RUNTIMES_OFFLINE === '1') {
    const found = cachedVersions(pkg)
      .filter((version) => major === undefined || version.split('.')[0] === major)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (found.length === 0) throw new Error(`${pkg}@${range} is not in ${cache} (offline)`);
    return found.at(-1);
  }
  const out = JSON.parse(npm(['view', `${pkg}@${range}`, 'version', '--json']));
  const versions = Array.isArray(out) ? out : [out];
  return versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
}

/**
 * The path of the runtime's executable ("node@22", "bun", "deno"), fetched
 * from the npm registry on first use. Returns { name, version, bin }.
 */
function fetchRuntime(runtime, arch = process.arch) {
  const { pkg, range, bin } = packageOf(runtime, arch);
  const version = latest(pkg, range);
  const dir = path.join(cache, `${pkg.replace('/', '+')}-${version}`);
  const executable = path.join(dir, 'package', bin);
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    process.stderr.write(`fetching ${pkg}@${version} from the npm registry\n`);
    const tarball = npm(['pack', `${pkg}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir })
      .trim()
      .split('\n')
      .at(-1);
    execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir], { stdio: 'inherit' });
    fs.rmSync(path.join(dir, tarball));
    fs.chmodSync(executable, 0o755);
    fs.writeFileSync(path.join(dir, '.complete'), `${pkg}@${version}\n`);
  }
  return { name: runtime.split('@')[0], version, bin: executable };
}

module.exports = { fetchRuntime, cache };

if (require.main === module) {
  for (const runtime of process.argv.slice(2)) {
    const { version, bin } = fetchRuntime(runtime);
    process.stdout.write(`${runtime} ${version} ${bin}\n`);
  }
}
