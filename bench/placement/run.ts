import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../../src/placement/compile.js';
import { greedy } from '../../src/placement/greedy.js';
import { solvePlacement } from '../../src/placement/index.js';
import { objectiveOf } from '../../src/placement/separable.js';
import { coupled, hasShaped, SEED } from './generate.js';

// Placement benchmarks (issue 7): HAS-shaped instances against the HAS timings measured in the
// reference study (§A3.6), and coupled instances where optimality matters, against a plain
// first-fit greedy. Run: node --import tsx bench/placement/run.ts
// Env: PLACEMENT_BENCH_COUPLED_MS (time budget per coupled instance, default 30000),
//      PLACEMENT_BENCH_REPS (repetitions per HAS-shaped size, default 5; median reported).

const COUPLED_MS = Number(process.env.PLACEMENT_BENCH_COUPLED_MS ?? 30_000);
const REPS = Number(process.env.PLACEMENT_BENCH_REPS ?? 5);

/** HAS 8717ee5 FitFirst on this class of machine, seconds (reference §A3.6; 1000×10000 extrapolated). */
const HAS_S: Record<string, { triage: number; noTriage: number | null; note?: string }> = {
  '10x1000': { triage: 3.3, noTriage: 0.23 },
  '20x2000': { triage: 46.6, noTriage: 1.7 },
  '80x2000': { triage: Number.NaN, noTriage: 18.2 },
  '1000x10000': { triage: 38 * 86400, noTriage: 15 * 3600, note: 'extrapolated' },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function hasRows() {
  // Warm-up: the first solve pays for JIT compilation, not for the algorithm.
  await solvePlacement(hasShaped(20, 2000, SEED + 1));
  const rows = [];
  for (const [D, C] of [[10, 1000], [20, 2000], [80, 2000], [1000, 10_000]]) {
    const problem = hasShaped(D, C);
    const times: number[] = [];
    let last;
    for (let r = 0; r < (D * C > 1e6 ? Math.min(REPS, 3) : REPS); r++) {
      const t = performance.now();
      last = await solvePlacement(problem);
      times.push(performance.now() - t);
    }
    const has = HAS_S[`${D}x${C}`];
    const ms = median(times);
    rows.push({
      size: `${D}x${C}`, pairs: D * C, feasiblePairs: last!.stats.binaries, status: last!.status, method: last!.stats.method,
      medianMs: round(ms), minMs: round(Math.min(...times)), filterMs: round(last!.stats.filterMs), objective: round(last!.solutions[0]?.objective ?? NaN),
      hasTriageS: has.triage, hasNoTriageS: has.noTriage, hasNote: has.note ?? null,
      speedupVsHasTriage: Number.isNaN(has.triage) ? null : Math.round((has.triage * 1000) / ms),
      speedupVsHasNoTriage: has.noTriage ? Math.round((has.noTriage * 1000) / ms) : null,
    });
  }
  return rows;
}

async function coupledRows() {
  const rows = [];
  for (const [D, C] of [[50, 1000], [200, 5000]]) {
    const problem = coupled(D, C, COUPLED_MS);
    const c = compile(problem);
    const t0 = performance.now();
    const plain = greedy(c, { order: 'plain', deadline: Infinity });
    const plainMs = performance.now() - t0;
    const t = performance.now();
    const r = await solvePlacement(problem);
    const ms = performance.now() - t;
    const obj = r.solutions[0]?.objective ?? NaN;
    const plainObj = plain ? objectiveOf(c, plain) : NaN;
    rows.push({
      size: `${D}x${C}`, feasiblePairs: r.stats.binaries, budgetMs: COUPLED_MS, status: r.status, method: r.stats.method, ms: round(ms),
      objective: round(obj), lowerBound: round(r.stats.lowerBound ?? NaN), boundSource: r.stats.boundSource ?? null, gapPct: r.gap === undefined ? null : round(r.gap * 100, 3),
      plainGreedyObjective: plain ? round(plainObj) : 'no feasible completion', plainGreedyMs: round(plainMs),
      improvementVsGreedyPct: plain ? round(((plainObj - obj) / plainObj) * 100, 2) : null,
    });
  }
  return rows;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const has = await hasRows();
console.log('\nHAS-shaped (distance_to_location < 1500 km, Σ weight·(distance + site cost)); median of repetitions');
console.table(has.map((r) => ({ size: r.size, 'feasible pairs': r.feasiblePairs, method: r.method, status: r.status, 'median ms': r.medianMs, 'filter ms': r.filterMs, 'HAS s (triage)': r.hasTriageS, 'HAS s (no triage)': r.hasNoTriageS, '× vs HAS': r.speedupVsHasTriage, '× vs HAS no triage': r.speedupVsHasNoTriage })));
const cp = await coupledRows();
console.log(`\nCoupled (shared capacity, zone diversity, anti-affinity, load term); budget ${COUPLED_MS} ms`);
console.table(cp.map((r) => ({ size: r.size, 'feasible pairs': r.feasiblePairs, status: r.status, method: r.method, ms: r.ms, objective: r.objective, 'lower bound': r.lowerBound, 'gap %': r.gapPct, 'plain greedy': r.plainGreedyObjective, 'better than greedy %': r.improvementVsGreedyPct })));

const out = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: round(os.totalmem() / 2 ** 30), node: process.version },
  seed: SEED,
  hasShaped: has,
  coupled: cp,
};
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `placement-${out.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
