'use strict';
// `npm run bench` keeps working: a short run (tiny batches, 7 rounds) must
// build its bare addon and C floor, print the table and write its JSON with
// every figure of the performance targets. The ratios themselves are not
// judged here: speed is the benchmark's business, not a timed test's.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

test('a short bench run prints the table and writes every target figure to its JSON', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualmode-bench-'));
  const json = path.join(dir, 'results.json');
  try {
    const result = spawnSync(
      process.execPath,
      ['--expose-gc', 'bench/run.js', '--rounds=7', '--batch-ms=2', '--handoff-batch-ms=4', `--json=${json}`],
      { cwd: root, encoding: 'utf8', timeout: 170_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /C floor → N-API → dualmode/);
    assert.match(result.stdout, /^figure\s+compared with\s+ratio\s+min–max/m);
    assert.match(result.stdout, /\d+\/\d+ targets met/);
    assert.match(result.stdout, /UDP echo round-trip latency at the clients/);
    assert.match(result.stdout, /1 pending: p50 [\d.]+ [µm]?s, p99 [\d.]+ [µm]?s/);

    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.equal(out.settings.rounds, 7);
    assert.equal(typeof out.machine.cpu, 'string');
    const targets = out.figures.filter((f) => f.target !== null);
    const judged = targets.map((f) => `${f.figure} | ${f.comparedWith}`);
    for (const expected of [
      /^socket\.dualMode \| bare N-API getsockopt$/,
      /^socket\.dualMode \| koffi/,
      /^socket\.dualMode = true \| bare N-API setsockopt$/,
      /^new Socket\(v6\); dualMode=true; bind; close \| bare N-API/,
      /^toServer\(\) cycle \| net\.createServer\(\)/,
      /^toServer\(\) cycle \| bare fd/,
      /^toDgram\(\) cycle \| bare fd/,
      /^toServer\(\) server \| net\.createServer\(\)\.listen\(\)$/,
      /^receiveMessageFrom \+ sendTo\(\{from\}\) \| dgram 'message' \+ send\(rinfo\)$/,
      /^require\('dualmode'\) \| require\(/,
    ]) {
      assert.ok(
        judged.some((name) => expected.test(name)),
        `${expected} is among the judged figures:\n${judged.join('\n')}`,
      );
    }
    for (const figure of out.figures) {
      const { median, min, max } = figure.ratio;
      assert.ok(Number.isFinite(median) && median > 0, `${figure.figure}: ratio ${median}`);
      assert.ok(min <= median && median <= max, `${figure.figure}: ${min} ≤ ${median} ≤ ${max}`);
      if (figure.target !== null) assert.equal(typeof figure.pass, 'boolean');
      else assert.equal(figure.pass, null);
    }
    assert.ok(out.floor.getsockopt.median > 0, 'the C floor ran');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
