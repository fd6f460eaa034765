'use strict';
// The interleaved harness of `npm run bench`. Each variant is a function
// run(n) that performs n operations (synchronously, or returning a promise).
// After a calibration that sizes every variant's batch to about `batchMs`
// (with a warm-up between two sizings), each round runs every variant twice, in a palindrome
// whose start rotates from round to round (A B C C B A, then B C A A C B,
// ...), so slow drift of a noisy machine falls evenly on all of them. A
// round yields one ns/op per variant, from the faster of its two batches (a
// burst of another process's work usually hits one of them); ratios are
// taken within a round.

const now = process.hrtime.bigint;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

async function time(run, n) {
  const t0 = now();
  const pending = run(n);
  if (pending !== undefined && typeof pending.then === 'function') await pending;
  return Number(now() - t0);
}

function collect() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

async function calibrate(run, batchMs, minN) {
  const target = batchMs * 1e6;
  let n = minN;
  for (let i = 0; i < 30; i++) {
    const t = await time(run, n);
    if (t >= target * 0.5) return Math.max(minN, Math.round((n * target) / t));
    n = Math.ceil(n * Math.min(10, Math.max(2, target / Math.max(t, 1))));
  }
  return n;
}

/**
 * @param {{ name: string, run: (n: number) => unknown, minN?: number }[]} variants
 * @param {{ rounds: number, batchMs: number, warmupMs?: number }} options
 * @returns {Promise<Record<string, { nsPerOp: number[], n: number }>>}
 */
async function interleave(variants, { rounds, batchMs, warmupMs = batchMs * 3 }) {
  const sizes = new Map();
  for (const variant of variants) {
    // First calls pay one-time costs (lazy requires, inline caches): keep
    // them out of the calibration, then size, warm up and size again.
    for (let i = 0; i < 3; i++) await time(variant.run, variant.minN ?? 1);
    const n = await calibrate(variant.run, batchMs, variant.minN ?? 1);
    let spent = 0;
    while (spent < warmupMs * 1e6) spent += await time(variant.run, n);
    sizes.set(variant, await calibrate(variant.run, batchMs, Math.max(variant.minN ?? 1, n >> 2)));
  }
  const result = Object.fromEntries(variants.map((v) => [v.name, { nsPerOp: [], n: sizes.get(v) }]));
  for (let round = 0; round < rounds; round++) {
    collect();
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    const sequence = [...order, ...[...order].reverse()];
    const best = new Map(variants.map((v) => [v, Infinity]));
    for (const variant of sequence)
      best.set(variant, Math.min(best.get(variant), await time(variant.run, sizes.get(variant))));
    for (const variant of variants) result[variant.name].nsPerOp.push(best.get(variant) / sizes.get(variant));
  }
  return result;
}

/** Per-round ratios candidate / baseline of two series measured in the same rounds. */
function ratios(candidate, baseline) {
  return candidate.map((value, i) => value / baseline[i]);
}

module.exports = { interleave, ratios, median, summary, collect, now };
