'use strict';
// The API reference is generated from the TSDoc comments (npm run docs); this
// checks, without writing it, that every public symbol is documented and every
// {@link} resolves (typedoc.json treats warnings as errors).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { test } = require('node:test');

const root = path.join(__dirname, '..');

test('typedoc builds the API reference with no warning: every public symbol has a doc comment', () => {
  const typedoc = path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const result = spawnSync(process.execPath, [typedoc, '--emit', 'none'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120000,
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.doesNotMatch(result.stdout + result.stderr, /warning|error\]/i);
});
