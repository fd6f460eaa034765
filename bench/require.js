'use strict';
// require('dualmode') in a fresh process against requiring the addon file
// dualmode loads (node-gyp-build's choice: build/Release or prebuilds/),
// alone. Each child times its own require() with process.hrtime, so process
// start-up is left out; the children's wall times are kept as well.
// A round spawns each twice, in a palindrome whose start rotates, and keeps
// the faster of the two.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { now } = require('./harness');

function child(cwd, specifier) {
  const code =
    'const t0 = process.hrtime.bigint();' +
    `require(${JSON.stringify(specifier)});` +
    'process.stdout.write(String(process.hrtime.bigint() - t0));';
  const t0 = now();
  const result = spawnSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8' });
  const wall = Number(now() - t0);
  if (result.status !== 0) throw new Error(`node -e require(${specifier}) failed:\n${result.stderr}`);
  return { inside: Number(result.stdout), wall };
}

module.exports = function requireFigure({ root, addonFile, rounds }) {
  const variants = [
    { name: "require('dualmode')", specifier: 'dualmode' },
    { name: 'require(addon .node file)', specifier: addonFile },
    // The loader's floor: a first require() of an empty file.
    { name: 'require(empty .js file)', specifier: path.join(__dirname, 'empty.js') },
    // bench/shape/index.js loads the addon through node-gyp-build and does
    // nothing else. By its path: what the package's loader costs.
    { name: 'node-gyp-build(root) alone', specifier: path.join(__dirname, 'shape', 'index.js') },
    // By its package name, a bare specifier resolved through an exports map
    // (as require('dualmode') is): the package's shape with none of its code.
    { name: 'exports map + node-gyp-build', specifier: 'dualmode-shape', cwd: path.join(__dirname, 'shape') },
  ];
  for (const variant of variants) child(variant.cwd ?? root, variant.specifier); // warm the page cache
  const result = Object.fromEntries(variants.map((v) => [v.name, { nsPerOp: [], wall: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    const best = new Map(variants.map((v) => [v, { inside: Infinity, wall: Infinity }]));
    for (const variant of [...order, ...[...order].reverse()]) {
      const { inside, wall } = child(variant.cwd ?? root, variant.specifier);
      const b = best.get(variant);
      b.inside = Math.min(b.inside, inside);
      b.wall = Math.min(b.wall, wall);
    }
    for (const variant of variants) {
      result[variant.name].nsPerOp.push(best.get(variant).inside);
      result[variant.name].wall.push(best.get(variant).wall);
    }
  }
  return result;
};
