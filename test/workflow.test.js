'use strict';
// The CI workflow for the platforms this machine cannot build is checked
// here against GitHub's workflow schema (@action-validator/cli), and for the
// targets it must cover and what runs on each.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const root = path.join(__dirname, '..');
const workflow = path.join(root, '.github', 'workflows', 'ci.yml');
const cli = path.join(root, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

function validate(file) {
  return spawnSync(process.execPath, [cli, file], { encoding: 'utf8', timeout: 30000 });
}

test('the CI workflow is valid against the GitHub Actions workflow schema', () => {
  const result = validate(workflow);
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});

test('the schema check fails on a broken workflow (the check can fail)', () => {
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-wf-')), 'ci.yml');
  fs.writeFileSync(
    broken,
    fs.readFileSync(workflow, 'utf8').replace('runs-on: ${{ matrix.os }}', 'runs_on: ${{ matrix.os }}'),
  );
  const result = validate(broken);
  assert.notEqual(result.status, 0);
  assert.match(result.stdout + result.stderr, /errors/);
  fs.rmSync(path.dirname(broken), { recursive: true });
});

test('the workflow builds and tests every target: linux x64/arm64 glibc and musl, macOS x64/arm64, Windows x64', () => {
  const text = fs.readFileSync(workflow, 'utf8');
  for (const target of [
    'linux-x64-glibc',
    'linux-arm64-glibc',
    'linux-x64-musl',
    'linux-arm64-musl',
    'darwin-x64',
    'darwin-arm64',
    'win32-x64',
  ]) {
    assert.match(text, new RegExp(`target: ${target},`), target);
  }
  assert.match(text, /^permissions: \{\}$/m, 'no default token permissions');
  assert.match(text, /npx prebuildify --napi --strip --tag-libc/);
  assert.match(text, /pattern: prebuilds-\*/, 'the prebuilds are collected');
});

/** The text of job `name` of the workflow: from its key to the next job's. */
function job(text, name) {
  const match = text.match(new RegExp(`^  ${name}:\\n([\\s\\S]*?)(?=^  [\\w-]+:\\n|(?![\\s\\S]))`, 'm'));
  assert.ok(match, `a job ${name}`);
  return match[1];
}

test('every native row runs the suite, macOS and Windows included; linux-x64-glibc runs the release checks', () => {
  const text = fs.readFileSync(workflow, 'utf8');
  const native = job(text, 'native');
  assert.doesNotMatch(native, /suite: |smoke/, 'no row is left with a smoke test');
  assert.match(native, /- if: runner\.os == 'Linux'\n\s+run: sudo --preserve-env=PATH npm test\n/);
  assert.match(native, /- if: runner\.os != 'Linux'\n\s+run: npm test\n/);
  assert.match(
    native,
    /- if: matrix\.target == 'linux-x64-glibc'\n\s+run: sudo --preserve-env=PATH npm run test:release\n/,
  );
  assert.match(job(text, 'node-lines'), /run: sudo --preserve-env=PATH npm test\n/);
  assert.match(job(text, 'musl'), /npm ci && npm test &&/);
});

test('a lint job checks the formatting with npm run lint', () => {
  const lint = job(fs.readFileSync(workflow, 'utf8'), 'lint');
  assert.match(lint, /- run: npm ci\n\s+- run: npm run lint\n/);
  assert.match(lint, /permissions:\n\s+contents: read\n/);
});
