'use strict';
// The addon needs N-API and the C library only (API.md §1), so that it loads
// in every runtime that implements N-API: Bun and Deno export no libuv, and a
// call to a uv_* function they lack kills the process. The one exception is
// the event-loop watcher of a Socket doing its own datagram I/O, reached only
// on runtimes with libuv; the uv_* functions it may use are listed here. No
// V8 or Node C++ symbol at all. Read from the dynamic symbol table of every
// built addon: build/Release and each Linux prebuild.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { checkSocketLeaks } = require('./helpers');

checkSocketLeaks();

const root = path.join(__dirname, '..');

/** The uv_* functions the datagram watcher may call, and no other. */
const uvAllowed = new Set([
  'uv_poll_init',
  'uv_poll_init_socket',
  'uv_poll_start',
  'uv_poll_stop',
  'uv_close',
  'uv_is_closing',
]);

function addons() {
  const found = [];
  const built = path.join(root, 'build', 'Release', 'dualmode.node');
  if (fs.existsSync(built)) found.push(built);
  const prebuilds = path.join(root, 'prebuilds');
  if (fs.existsSync(prebuilds)) {
    for (const target of fs.readdirSync(prebuilds).filter((name) => name.startsWith('linux-'))) {
      for (const name of fs.readdirSync(path.join(prebuilds, target))) {
        if (name.endsWith('.node')) found.push(path.join(prebuilds, target, name));
      }
    }
  }
  return found;
}

function undefinedSymbols(file) {
  const result = spawnSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8', timeout: 30000 });
  assert.equal(result.error, undefined, `nm: ${result.error}`);
  assert.equal(result.status, 0, `nm -D ${file}: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/).pop())
    .filter(Boolean)
    .map((symbol) => symbol.replace(/@.*$/, ''));
}

const linux = process.platform === 'linux';

test(
  'there is an addon to check: build/Release, or the prebuilds of an unpacked tarball',
  { skip: !linux && 'nm -D reads ELF files' },
  () => {
    assert.ok(addons().length > 0, 'build/Release/dualmode.node or prebuilds/linux-*/*.node');
  },
);

for (const file of linux ? addons() : []) {
  const name = path.relative(root, file);

  test(`${name} calls no uv_* function outside the watcher's allow-list`, () => {
    const symbols = undefinedSymbols(file);
    assert.ok(
      symbols.some((symbol) => symbol.startsWith('napi_')),
      'the addon imports N-API',
    );
    const uv = symbols.filter((symbol) => /^uv_/.test(symbol) && !uvAllowed.has(symbol));
    assert.deepEqual(uv, [], `${name} imports libuv outside the allow-list`);
  });

  test(`${name} imports no V8 or Node C++ symbol`, () => {
    const cxx = undefinedSymbols(file).filter((symbol) => /^_ZN(K?)(2v8|4node)/.test(symbol));
    assert.deepEqual(cxx, [], `${name} imports V8 or Node internals`);
  });
}
