'use strict';
// npm pack / npm publish: build dist/ (scripts/build.js), make the prebuilds
// (scripts/prebuild.js: this host's and, on Linux x64, linux-arm64),
// and put node-addon-api's headers in native/node-addon-api/ so that the
// fallback compile (node-gyp-build, where no prebuild matches) needs no
// dependency beyond node-gyp-build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });

run([path.join(__dirname, 'build.js')]);
run([path.join(__dirname, 'prebuild.js')]);

const source = path.dirname(require.resolve('node-addon-api/package.json'));
const target = path.join(root, 'native', 'node-addon-api');
fs.mkdirSync(target, { recursive: true });
for (const file of fs.readdirSync(source)) {
  if (file.endsWith('.h') || file === 'LICENSE.md') fs.copyFileSync(path.join(source, file), path.join(target, file));
}
