'use strict';
// npm run lint: prettier (JavaScript, TypeScript, JSON, YAML; .prettierrc.json)
// and clang-format (the C and C++ sources; .clang-format) in check mode.
// `npm run format` (--fix) rewrites the files instead.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const fix = process.argv.includes('--fix');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

// The C and C++ sources: every .c, .cc and .h under these folders.
const C_DIRS = ['native', 'bench', 'test/native'];
const C_SKIP = new Set(['node-addon-api', 'build', 'node_modules']);

function cSources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!C_SKIP.has(entry.name)) out.push(...cSources(rel));
    } else if (/\.(c|cc|h)$/.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const sources = C_DIRS.flatMap(cSources).sort();
const prettier = run(bin('prettier'), [fix ? '--write' : '--check', '--log-level', 'warn', '.']);
const clang = run(bin('clang-format'), fix ? ['-i', ...sources] : ['--dry-run', '--Werror', ...sources]);
if (prettier === 0 && clang === 0) {
  if (!fix) console.log(`lint: prettier and clang-format clean (${sources.length} C/C++ files)`);
} else {
  console.error(
    `lint: ${prettier !== 0 ? 'prettier' : ''}${prettier !== 0 && clang !== 0 ? ' and ' : ''}${clang !== 0 ? 'clang-format' : ''} found unformatted files; run npm run format`,
  );
  process.exitCode = 1;
}
