'use strict';
// `npm run bench`: dualmode against the bare N-API calls, koffi, Node's own
// net/dgram and the C floor, measured side by side in interleaved rounds.
// Prints a table of ratios (median and min–max over rounds) with a pass/fail
// per target, and writes bench/results.json. Targets are ratios only: the
// absolute times of a noisy machine are shown, never judged.
//
//   node --expose-gc bench/run.js [--rounds=15] [--batch-ms=20] [--handoff-batch-ms=60] [--slice-ms=100]
//                                 [--only=getter,setter,cycle,tcp,udp,echo,udp-echo,require]
//                                 [--json=bench/results.json] [--strict]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildAddon, buildFloor } = require('./setup');
const { ratios, summary, median } = require('./harness');

const root = path.join(__dirname, '..');
const t0 = Date.now();

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
    return [key, value];
  }),
);
const rounds = Math.max(7, Number(args.rounds ?? 15));
const batchMs = Number(args['batch-ms'] ?? 20);
// A hand-off cycle allocates far more than a getter call, so its batches
// run longer: a scavenge or a burst from another process then weighs less.
const handoffBatchMs = Number(args['handoff-batch-ms'] ?? 60);
const sliceMs = Number(args['slice-ms'] ?? 100);
const only = args.only ? new Set(args.only.split(',')) : null;
const wanted = (group) => only === null || only.has(group);
const jsonPath = path.resolve(args.json ?? path.join(__dirname, 'results.json'));

const log = (line) => process.stderr.write(`${line}\n`);

function warnIfStale() {
  const dist = path.join(root, 'dist', 'index.js');
  let built;
  try {
    built = fs.statSync(dist).mtimeMs;
  } catch {
    throw new Error('dist/ is missing: run `npm run build:ts` (npm run bench does it first)');
  }
  const src = path.join(root, 'src');
  const newer = fs.readdirSync(src).filter((f) => fs.statSync(path.join(src, f)).mtimeMs > built);
  if (newer.length) log(`warning: src/ is newer than dist/ (${newer.join(', ')}): the benchmark runs dist/`);
}

function machine() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'native'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (dirty.trim()) commit += '+dirty';
  } catch {}
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    nproc: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    v8: process.versions.v8,
    napi: process.versions.napi,
    os: `${os.type()} ${os.release()}`,
    kernel: os.release(),
    arch: process.arch,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    commit,
    gcExposed: typeof globalThis.gc === 'function',
  };
}

// ---- formatting ------------------------------------------------------------

function time(ns) {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
const rate = (perSecond) => `${(perSecond / 1e3).toFixed(1)}k rt/s`;
const x = (ratio) => `${ratio.toFixed(2)}×`;

function targetText(target) {
  if (!target) return '(info)';
  if (target.min !== undefined && target.max === Infinity) return `≥ ${target.min.toFixed(2)}×`;
  if (target.min !== undefined) return `${target.min.toFixed(2)}–${target.max.toFixed(2)}`;
  return target.strict ? `< ${target.max.toFixed(2)}×` : `≤ ${target.max.toFixed(2)}×`;
}

function judge(target, ratio) {
  if (!target) return { pass: null, straddles: false };
  const inside = (r) =>
    (target.min === undefined || r >= target.min) && (target.strict ? r < target.max : r <= target.max);
  return {
    pass: inside(ratio.median),
    straddles: inside(ratio.min) !== inside(ratio.max) || inside(ratio.min) !== inside(ratio.median),
  };
}

function table(rows) {
  const header = ['figure', 'compared with', 'ratio', 'min–max', 'candidate', 'baseline', 'target', 'result'];
  const lines = rows.map((row) =>
    row.section
      ? [row.section]
      : [
          row.figure,
          row.baseline,
          x(row.ratio.median),
          `${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)}`,
          row.format(row.candidateValue),
          row.format(row.baselineValue),
          targetText(row.target),
          row.pass === null ? 'info' : `${row.pass ? 'PASS' : 'FAIL'}${row.straddles ? '*' : ''}`,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length > 1).map((l) => l[i].length)));
  const right = new Set([2, 3, 4, 5]);
  const fmt = (cells) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const line of lines) out.push(line.length === 1 ? `${line[0]}` : fmt(line));
  return out.join('\n');
}

// ---- rows ------------------------------------------------------------------

const rows = [];
let udpLatency = null; // client round-trip latency lines of the UDP echo
function row(section, results, spec) {
  const c = results[spec.candidate];
  const b = results[spec.baseline];
  const key = spec.key ?? 'nsPerOp';
  const ratio = summary(ratios(c[key], b[key]));
  const { pass, straddles } = judge(spec.target, ratio);
  rows.push({
    group: section,
    figure: spec.figure,
    baseline: spec.vs,
    candidateName: spec.candidate,
    baselineName: spec.baseline,
    ratio,
    candidateValue: median(c[key]),
    baselineValue: median(b[key]),
    unit: key === 'perSecond' ? 'round trips/s' : 'ns/op',
    format: key === 'perSecond' ? rate : time,
    target: spec.target ?? null,
    pass,
    straddles,
  });
}
const section = (title) => rows.push({ section: title });

async function main() {
  warnIfStale();
  const info = machine();
  log(`dualmode bench: ${info.cpu}, ${info.nproc} CPUs, node ${info.node}, ${info.os}, load ${info.loadavg.join(' ')}`);
  const addonPath = buildAddon(log);
  let floorPath = null;
  try {
    floorPath = buildFloor(log);
  } catch (err) {
    log(`warning: no C floor (${err.message.split('\n')[0]})`);
  }

  const dualmode = require('dualmode');
  const addonFile = require('node-gyp-build').path(root); // the file dualmode loads
  const binding = require(addonFile);
  const bare = require(addonPath);
  let koffi = null;
  try {
    koffi = require('koffi');
  } catch {
    log('warning: koffi is not installed: no koffi comparison (npm install)');
  }
  const context = { root, dualmode, binding, bare, koffi, rounds, batchMs, sliceMs, addonFile };
  const raw = {};

  let floor = null;
  if (floorPath) {
    log('C floor ...');
    floor = JSON.parse(execFileSync(floorPath, [String(rounds), '20'], { encoding: 'utf8' }));
    raw.floor = floor;
  }

  if (wanted('getter') || wanted('setter') || wanted('cycle')) {
    log('getter, setter, create/set/bind/close ...');
    const { results } = await require('./micro')(context);
    Object.assign(raw, results);
    section('dualMode getter (IPV6_V6ONLY getsockopt, same fd)');
    row('getter', results.getter, {
      figure: 'socket.dualMode',
      vs: 'bare N-API getsockopt',
      candidate: 'socket.dualMode',
      baseline: 'bare getsockoptInt',
      target: { max: 1.05 },
    });
    if (koffi)
      row('getter', results.getter, {
        figure: 'socket.dualMode',
        vs: 'koffi → libc getsockopt',
        candidate: 'socket.dualMode',
        baseline: 'koffi getsockopt',
        target: { max: 1, strict: true },
      });
    row('getter', results.getter, {
      figure: '  binding.getsockoptInt (no TS)',
      vs: 'bare N-API getsockopt',
      candidate: 'dualmode binding.getsockoptInt',
      baseline: 'bare getsockoptInt',
    });
    row('getter', results.getter, {
      figure: '  socket.dualMode (TS layer)',
      vs: 'binding.getsockoptInt',
      candidate: 'socket.dualMode',
      baseline: 'dualmode binding.getsockoptInt',
    });
    section('dualMode setter (IPV6_V6ONLY setsockopt, same fd)');
    row('setter', results.setter, {
      figure: 'socket.dualMode = true',
      vs: 'bare N-API setsockopt',
      candidate: 'socket.dualMode = true',
      baseline: 'bare setsockoptInt',
      target: { max: 1.05 },
    });
    row('setter', results.setter, {
      figure: '  binding.setsockoptInt (no TS)',
      vs: 'bare N-API setsockopt',
      candidate: 'dualmode binding.setsockoptInt',
      baseline: 'bare setsockoptInt',
    });
    if (koffi)
      row('setter', results.setter, {
        figure: '  socket.dualMode = true',
        vs: 'koffi → libc setsockopt',
        candidate: 'socket.dualMode = true',
        baseline: 'koffi setsockopt',
      });
    section('create + set + bind [::]:0 + close (TCP)');
    row('cycle', results.cycle, {
      figure: 'new Socket(v6); dualMode=true; bind; close',
      vs: 'bare N-API, same 5 syscalls',
      candidate: 'dualmode new Socket(v6) + dualMode=true + bind + close',
      baseline: 'bare socket + setsockopt(1) + setsockopt(0) + bind6 + close',
      target: { max: 1.15 },
    });
    row('cycle', results.cycle, {
      figure: '  new Socket(Stream, Tcp); bind; close',
      vs: 'bare N-API, same 4 syscalls',
      candidate: 'dualmode new Socket(Stream, Tcp) + bind + close',
      baseline: 'bare socket + setsockopt(0) + bind6 + close',
    });
  }

  if (wanted('tcp') || wanted('udp')) {
    log('TCP and UDP hand-off cycles ...');
    const results = await require('./handoff')({ ...context, batchMs: handoffBatchMs });
    Object.assign(raw, results);
    const T = 'dualmode new Socket + bind + toServer() + close';
    const Tcore = 'net.createServer().listen({ host: "::", port: 0 }) + close';
    const Tfd = 'bare socket/setsockopt/bind6/listen + server.listen({ fd }) + close';
    section('TCP: new Socket → bind [::]:0 → toServer() → close');
    row('tcp', results.tcp, {
      figure: 'toServer() cycle',
      vs: "net.createServer().listen('::')",
      candidate: T,
      baseline: Tcore,
      target: { max: 1.25 },
    });
    row('tcp', results.tcp, {
      figure: 'toServer() cycle',
      vs: 'bare fd → server.listen({fd})',
      candidate: T,
      baseline: Tfd,
      target: { max: 1.1 },
    });
    row('tcp', results.tcp, {
      figure: '  bare fd → server.listen({fd})',
      vs: "net.createServer().listen('::')",
      candidate: Tfd,
      baseline: Tcore,
    });
    const U = 'dualmode new Socket(Dgram) + toDgram() + close';
    const Ucore = "dgram.createSocket('udp6').bind(0, '::') + close";
    const Ufd = "bare socket/setsockopt/bind6 + createSocket('udp6').bind({ fd }) + close";
    section('UDP: new Socket(Dgram) → toDgram() → close');
    row('udp', results.udp, {
      figure: 'toDgram() cycle',
      vs: 'bare fd → udp6.bind({fd})',
      candidate: U,
      baseline: Ufd,
      target: { max: 1.15 },
    });
    row('udp', results.udp, {
      figure: 'toDgram() cycle',
      vs: "dgram udp6.bind(0, '::')",
      candidate: U,
      baseline: Ucore,
    });
    row('udp', results.udp, {
      figure: '  bare fd → udp6.bind({fd}) (floor)',
      vs: "dgram udp6.bind(0, '::')",
      candidate: Ufd,
      baseline: Ucore,
    });
    const Ureuse = 'bare fd path + the SO_REUSEADDR restore';
    row('udp', results.udp, {
      figure: '  bare fd + SO_REUSEADDR restore',
      vs: 'bare fd → udp6.bind({fd})',
      candidate: Ureuse,
      baseline: Ufd,
    });
    row('udp', results.udp, {
      figure: '  toDgram() cycle',
      vs: 'bare fd + SO_REUSEADDR restore',
      candidate: U,
      baseline: Ureuse,
    });
  }

  if (wanted('echo')) {
    log('echo round trips ...');
    const results = await require('./echo')({ ...context, rounds: Math.max(7, rounds - 4) });
    raw.echo = results;
    section('echo: 32 connections × 64 B ping-pong on 127.0.0.1, clients in-process');
    row('echo', results, {
      figure: 'toServer() server',
      vs: 'net.createServer().listen()',
      candidate: 'dualmode toServer() echo',
      baseline: 'net.createServer().listen() echo',
      key: 'perSecond',
      target: { min: 0.9, max: 1.1 },
    });
  }

  if (wanted('udp-echo')) {
    log('UDP echo datagrams ...');
    const results = await require('./udp-echo')({ ...context, log, rounds: Math.max(7, rounds - 4) });
    raw.udpEcho = results;
    const D = (k) => `dualmode receiveMessageFrom + sendTo({ from }), ${k} pending`;
    const N = "dgram udp6 'message' + send(rinfo)";
    section('UDP echo: 32 connected clients × 64 B on ::1, load from a C process (bench/udp-load.c)');
    row('udp-echo', results, {
      figure: 'receiveMessageFrom + sendTo({from})',
      vs: "dgram 'message' + send(rinfo)",
      candidate: D(1),
      baseline: N,
      key: 'perSecond',
      target: { min: 1.0, max: Infinity },
    });
    row('udp-echo', results, {
      figure: '  same, 8 receives pending',
      vs: "dgram 'message' + send(rinfo)",
      candidate: D(8),
      baseline: N,
      key: 'perSecond',
    });
    row('udp-echo', results, {
      figure: '  same, 64 receives pending',
      vs: "dgram 'message' + send(rinfo)",
      candidate: D(64),
      baseline: N,
      key: 'perSecond',
    });
    udpLatency = Object.entries(results).map(([name, r]) => `  ${name}: p50 ${time(r.p50)}, p99 ${time(r.p99)}`);
  }

  if (wanted('require')) {
    log('require() in fresh processes ...');
    const results = require('./require')({ ...context, rounds: Math.max(15, rounds) });
    raw.require = results;
    section('require in a fresh process (timed inside the child, start-up excluded)');
    row('require', results, {
      figure: "require('dualmode')",
      vs: `require(${path.relative(root, addonFile)})`,
      candidate: "require('dualmode')",
      baseline: 'require(addon .node file)',
      target: { max: 1.5 },
    });
    row('require', results, {
      figure: '  require(addon .node) alone',
      vs: 'require(empty .js) (loader floor)',
      candidate: 'require(addon .node file)',
      baseline: 'require(empty .js file)',
    });
    row('require', results, {
      figure: '  node-gyp-build(root) alone',
      vs: `require(${path.relative(root, addonFile)})`,
      candidate: 'node-gyp-build(root) alone',
      baseline: 'require(addon .node file)',
    });
    row('require', results, {
      figure: '  exports map + node-gyp-build',
      vs: `require(${path.relative(root, addonFile)})`,
      candidate: 'exports map + node-gyp-build',
      baseline: 'require(addon .node file)',
    });
    row('require', results, {
      figure: "  require('dualmode')",
      vs: 'exports map + node-gyp-build',
      candidate: "require('dualmode')",
      baseline: 'exports map + node-gyp-build',
    });
    row('require', results, {
      figure: "  child wall time, 'dualmode'",
      vs: 'child wall time, addon',
      candidate: "require('dualmode')",
      baseline: 'require(addon .node file)',
      key: 'wall',
    });
  }

  // ---- output ----------------------------------------------------------------
  const out = [];
  out.push(`dualmode bench — ${info.cpu}, ${info.nproc} CPUs, node ${info.node}, ${info.os} (${info.arch})`);
  out.push(
    `${rounds} interleaved rounds (echo and UDP echo ${Math.max(7, rounds - 4)}, require ${Math.max(15, rounds)}), ~${batchMs} ms batches (hand-offs ~${handoffBatchMs} ms), each variant twice per round (faster kept);`,
  );
  out.push(
    'ratio = candidate / baseline within a round (time per op; round trips/s for echo): median and min–max over rounds',
  );
  out.push('');
  if (floor) {
    const chain = (label, c, group, bareName, bindingName, candidateName, candidateLabel, koffiName) => {
      const r = raw[group];
      if (!r) return;
      const m = (name) => median(r[name].nsPerOp);
      let line = `  ${label.padEnd(11)} C ${time(c.median)} → bare N-API ${time(m(bareName))} (${x(m(bareName) / c.median)} C)`;
      if (bindingName) line += ` → dualmode binding ${time(m(bindingName))}`;
      line += ` → ${candidateLabel} ${time(m(candidateName))} (${x(m(candidateName) / c.median)} C)`;
      if (koffiName && r[koffiName]) line += `   [koffi ${time(m(koffiName))}]`;
      out.push(line);
    };
    out.push(
      `C floor → N-API → dualmode (medians; C floor min–max: getsockopt ${time(floor.getsockopt.min)}–${time(floor.getsockopt.max)})`,
    );
    chain(
      'getsockopt',
      floor.getsockopt,
      'getter',
      'bare getsockoptInt',
      'dualmode binding.getsockoptInt',
      'socket.dualMode',
      'socket.dualMode',
      'koffi getsockopt',
    );
    chain(
      'setsockopt',
      floor.setsockopt,
      'setter',
      'bare setsockoptInt',
      'dualmode binding.setsockoptInt',
      'socket.dualMode = true',
      'socket.dualMode = b',
      'koffi setsockopt',
    );
    chain(
      'cycle',
      floor.cycle,
      'cycle',
      'bare socket + setsockopt(1) + setsockopt(0) + bind6 + close',
      null,
      'dualmode new Socket(v6) + dualMode=true + bind + close',
      'dualmode',
    );
    out.push('');
  }
  out.push(table(rows));
  if (udpLatency) out.push('', 'UDP echo round-trip latency at the clients (all rounds):', ...udpLatency);
  const judged = rows.filter((r) => !r.section && r.pass !== null);
  const failed = judged.filter((r) => !r.pass);
  out.push('');
  out.push("* the min–max range over rounds crosses the target: the verdict is within this machine's noise");
  out.push(
    `${judged.length - failed.length}/${judged.length} targets met${failed.length ? `; FAIL: ${failed.map((r) => `${r.figure.trim()} vs ${r.baseline}`).join('; ')}` : ''}`,
  );
  const elapsed = (Date.now() - t0) / 1000;
  info.loadavgEnd = os.loadavg().map((v) => Number(v.toFixed(2)));
  out.push(
    `${elapsed.toFixed(1)} s; load average ${info.loadavg.join(' ')} → ${info.loadavgEnd.join(' ')}; results in ${path.relative(process.cwd(), jsonPath) || jsonPath}`,
  );
  console.log(out.join('\n'));

  const json = {
    date: new Date().toISOString(),
    machine: info,
    settings: {
      rounds,
      batchMs,
      handoffBatchMs,
      sliceMs,
      echoRounds: Math.max(7, rounds - 4),
      requireRounds: Math.max(15, rounds),
      method:
        'interleaved palindromic rounds (each variant twice, the faster batch kept); per-round ratio candidate/baseline; require timed inside the child',
    },
    addon: {
      dualmode: path.relative(root, addonFile),
      bare: path.relative(root, addonPath),
      koffi: koffi?.version ?? null,
    },
    floor,
    figures: rows
      .filter((r) => !r.section)
      .map(
        ({
          group,
          figure,
          baseline,
          candidateName,
          baselineName,
          ratio,
          candidateValue,
          baselineValue,
          unit,
          target,
          pass,
          straddles,
        }) => ({
          group,
          figure: figure.trim(),
          comparedWith: baseline,
          candidate: candidateName,
          baseline: baselineName,
          ratio,
          candidateMedian: candidateValue,
          baselineMedian: baselineValue,
          unit,
          target,
          pass,
          withinNoise: straddles,
        }),
      ),
    raw,
    elapsedSeconds: elapsed,
  };
  fs.writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  if (args.strict === 'true' && failed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
