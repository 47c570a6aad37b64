#!/usr/bin/env node
// The certificate page's render from the copy saved on the phone, in miniprogram-simulate, beside its
// target (100 ms): test/miniprogram/bench/render.bench.ts times ITHC_BENCH_RENDER_ROUNDS (30)
// renders, each from creating the page to the saved certificate on screen with its QR drawn while
// the cloud's answer is held; this prints the first (cold) render, the median and the slowest of
// the others, each split into the simulator's part and the app's, and the app's stages timed cold.
// `npm run bench` prints the same lines in its row (g); alone: node scripts/bench-render.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDER_TARGET_MS = 100;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Runs the measurement; resolves to the first opening's split, the median split of the others, the
 * slowest of them and the app's cold stages (all ms), or throws with jest's output.
 */
export function measureRender(env = process.env) {
  const dir = mkdtempSync(join(tmpdir(), 'ithc-bench-render-'));
  const out = join(dir, 'render.json');
  try {
    const r = spawnSync(
      process.execPath,
      ['node_modules/jest/bin/jest.js', '--testMatch', '**/test/miniprogram/bench/render.bench.ts', '--runInBand', '--silent'],
      { cwd: ROOT, encoding: 'utf8', env: { ...env, ITHC_BENCH_OUT: out } },
    );
    if (r.status !== 0) throw new Error(`the render measurement failed:\n${r.stderr}`);
    const { rounds, splits, stages } = JSON.parse(readFileSync(out, 'utf8'));
    const withParts = (s) => ({
      ...s,
      simulator: s.create + s.setData + s.raster + s.poll,
      app: Math.max(0, s.cpu - (s.create + s.setData + s.raster + s.poll)),
      waiting: Math.max(0, s.wall - s.cpu),
    });
    const all = splits.map(withParts);
    const later = all.length > 1 ? all.slice(1) : all;
    const typical = Object.fromEntries(Object.keys(all[0]).map((k) => [k, median(later.map((s) => s[k]))]));
    return { rounds, first: all[0], typical, slowest: Math.max(...later.map((s) => s.wall)), stages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x) => `${x.toFixed(0)} ms`;
const ms1 = (x) => `${x.toFixed(1)} ms`;

/**
 * The lines the bench prints: wall time against the target, then where the time went. The
 * simulator's start-up is what its part of the first opening costs beyond its part of a later one
 * (a phone's renderer is running before the page opens); the app's part is not reduced.
 */
export function renderLines(m) {
  const { first: f, typical: t, stages: st } = m;
  const startup = Math.max(0, f.simulator - t.simulator);
  const firstOwn = f.wall - startup;
  const verdict = (x) => (x <= RENDER_TARGET_MS ? 'met' : 'NOT MET');
  const sim = (s) =>
    `simulator ${ms(s.simulator)} (creating the page ${ms(s.create)}, rendering setData ${ms(s.setData)}, test canvas pixels ${ms(s.raster)}, the bench polling ${ms(s.poll)})`;
  return [
    `certificate page from its saved copy, cloud answer held (miniprogram-simulate, ${m.rounds} openings): first ${ms(f.wall)}, then median ${ms(t.wall)} (slowest ${ms(m.slowest)}); target ≤ ${RENDER_TARGET_MS} ms — first ${verdict(f.wall)}, median ${verdict(t.wall)}`,
    `    first opening: CPU ${ms(f.cpu)} = ${sim(f)} + the app's code and event-loop turns ${ms(f.app)}; waiting ${ms(f.waiting)}`,
    `    later openings (median): CPU ${ms(t.cpu)} = ${sim(t)} + the app's code and event-loop turns ${ms(t.app)}; waiting ${ms(t.waiting)}`,
    `    the simulator's one-time start-up in the first opening: ${ms(startup)}; the first opening without it: ${ms(firstOwn)} — ${verdict(firstOwn)}`,
    `    the app's stages, cold: reading the saved copy ${ms1(st.readCopy)}, building the screen ${ms1(st.buildScreen)}, the QR matrix ${st.savedWithMatrix ? `from the one saved beside the copy ${ms1(st.matrixSaved)} (encoding it anew: ${ms1(st.matrixEncoded)})` : `encoded (none saved) ${ms1(st.matrixEncoded)}`}, QR layout${st.savedWithMatrix ? '' : ' (encoding included)'} and drawing calls ${ms1(st.layoutAndDraw)}`,
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${renderLines(measureRender()).join('\n')}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
