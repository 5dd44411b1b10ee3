import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../../../src/placement/compile.js';
import { greedy } from '../../../src/placement/greedy.js';
import { highsRuntime } from '../../../src/placement/highs-runtime.js';
import { buildMilp, createModel, fullScope, solveMilp } from '../../../src/placement/milp.js';
import type { PlacementProblem } from '../../../src/placement/model.js';
import { priceColumns } from '../../../src/placement/pricing.js';
import { cheapest } from '../../../src/placement/separable.js';
import { cand, demand } from './fixtures.js';

// Column generation must reach the LP relaxation value of the full model from a tiny starting
// subset (so the duals, their signs and the rows created for later columns are right), and its
// bound must never exceed the MILP optimum.

function instance(seed: number): PlacementProblem {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const candidates = Array.from({ length: 60 }, (_, j) =>
    cand(`c${String(j).padStart(2, '0')}`, { lat: 28 + rand() * 16, lon: -110 + rand() * 30, zone: `z${j % 7}`, vcpu: 8 + Math.floor(rand() * 16), usedVcpu: Math.floor(rand() * 8), cost: { fixed: Math.round(rand() * 40) } }),
  );
  const demands = Array.from({ length: 24 }, (_, k) => demand(`d${k}`, { vcpu: 2 + Math.floor(rand() * 8), weight: 1 + (k % 3) }));
  return {
    candidates,
    demands,
    zoneDiversity: [{ demands: ['d0', 'd1', 'd2', 'd3'], level: 'zone' }, { demands: ['d8', 'd9', 'd10'], level: 'zone' }],
    antiAffinity: [{ demands: ['d4', 'd5'] }, { demands: ['d12', 'd13', 'd14'] }],
    objective: { weights: { distance: 1, cost: 1, load: 50 }, location: { lat: 32.9, lon: -97 } },
  };
}

for (const seed of [1, 2, 3]) {
  test(`pricing converges to the full LP relaxation (seed ${seed})`, async () => {
    const c = compile(instance(seed));
    const start = greedy(c, { order: 'guided', deadline: Infinity });
    assert.ok(start, 'greedy finds a start');
    const initial = c.filters.map((_, k) => {
      const cols = new Set(cheapest(c, k, 2));
      cols.add(start[k]);
      return Int32Array.from(cols).sort();
    });
    const pr = await priceColumns(c, initial, performance.now() + 60_000, 1e9);
    assert.ok(pr && pr.converged, 'pricing converged');
    assert.ok(pr.rounds > 1, 'columns had to be added');

    const highs = await highsRuntime();
    const full = createModel(highs, buildMilp(c, fullScope(c)), false);
    let lp: number;
    try {
      full.options.set({ output_flag: false });
      full.run();
      lp = full.getObjectiveValue();
    } finally {
      full.dispose();
    }
    assert.ok(Math.abs(pr.bound - lp) <= 1e-6 * Math.abs(lp), `pricing bound ${pr.bound} vs full LP ${lp}`);
    const milp = await solveMilp(c, fullScope(c), { deadline: performance.now() + 60_000, want: 1 });
    assert.equal(milp.status, 'optimal');
    let opt = 0;
    milp.solutions[0].forEach((p, k) => (opt += c.filters[k].cost[p]));
    assert.ok(pr.bound <= opt + 1e-6, `bound ${pr.bound} above optimum ${opt}`);
    for (const sl of pr.slack) for (const v of sl) assert.ok(v >= -1e-6);
  });
}
