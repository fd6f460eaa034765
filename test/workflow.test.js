'use strict';
// The CI workflow for the platforms this machine cannot build is checked
// here against GitHub's workflow schema (@action-validator/cli), and for the
// targets it must cover.
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
