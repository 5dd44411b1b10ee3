import type { Compiled } from './compile.js';
import { AssignmentState } from './state.js';

// Constructive heuristics. `plain` is what a first-fit homing engine does (HAS' FitFirst without
// backtracking): demands in request order, each on its cheapest candidate still admissible.
// `guided` is the start for local search and the MIP start: affinity groups first settle on the
// level value that is cheapest for all members together, demands are placed most constrained
// first (fewest feasible candidates, then largest), and a demand that finds no admissible
// candidate is moved to the front and the construction restarted (bounded).

export interface GreedyOptions {
  order: 'plain' | 'guided';
  deadline: number;
  maxRestarts?: number;
}

/** Positions per demand, or null when no admissible completion was found. */
export function greedy(c: Compiled, opts: GreedyOptions): Int32Array | null {
  const allowed = opts.order === 'guided' ? affinityLevels(c) : new Map<number, (i: number) => boolean>();
  let order = Array.from({ length: c.D }, (_, k) => k);
  if (opts.order === 'guided') {
    const size = (k: number) => c.filters[k].feas.length;
    order.sort((a, b) => size(a) - size(b) || c.reqVcpu[b] - c.reqVcpu[a] || c.reqMem[b] - c.reqMem[a] || a - b);
  }
  const restarts = opts.order === 'guided' ? (opts.maxRestarts ?? 25) : 0;
  for (let attempt = 0; attempt <= restarts; attempt++) {
    const { pos, failed } = construct(c, order, allowed);
    if (failed < 0) return pos;
    if (performance.now() > opts.deadline) return null;
    order = [failed, ...order.filter((k) => k !== failed)];
  }
  return null;
}

function construct(c: Compiled, order: number[], allowed: Map<number, (i: number) => boolean>): { pos: Int32Array; failed: number } {
  const state = new AssignmentState(c);
  const pos = new Int32Array(c.D).fill(-1);
  for (const k of order) {
    const f = c.filters[k];
    const ok = allowed.get(k);
    let best = -1;
    for (let p = 0; p < f.feas.length; p++) {
      if (best >= 0 && !(f.cost[p] < f.cost[best])) continue;
      const i = f.feas[p];
      if ((ok === undefined || ok(i)) && state.admissible(k, i)) best = p;
    }
    if (best < 0) return { pos, failed: k };
    pos[k] = best;
    state.place(k, f.feas[best]);
  }
  return { pos, failed: -1 };
}

/**
 * Per affinity group, the level value every member can reach that minimises the members' summed
 * cheapest cost there (for candidate-level affinity, only candidates that can hold them all).
 */
function affinityLevels(c: Compiled): Map<number, (i: number) => boolean> {
  const out = new Map<number, (i: number) => boolean>();
  for (const g of c.groups) {
    if (g.kind !== 'affinity') continue;
    const members = Array.from(g.demands);
    const mins = members.map((k) => {
      const m = new Map<number, number>();
      const f = c.filters[k];
      for (let p = 0; p < f.feas.length; p++) {
        const z = g.levelIds[f.feas[p]];
        if (!(m.get(z)! <= f.cost[p])) m.set(z, f.cost[p]);
      }
      return m;
    });
    let bestZ = -1;
    let bestScore = Infinity;
    for (const z of [...mins[0].keys()].sort((a, b) => a - b)) {
      if (!mins.every((m) => m.has(z))) continue;
      if (g.level === 'candidate' && !fitsAll(c, members, z)) continue;
      const score = mins.reduce((s, m) => s + m.get(z)!, 0);
      if (score < bestScore) {
        bestScore = score;
        bestZ = z;
      }
    }
    if (bestZ < 0) continue;
    for (const k of members) {
      const prev = out.get(k);
      out.set(k, (i) => g.levelIds[i] === bestZ && (prev === undefined || prev(i)));
    }
  }
  return out;
}

function fitsAll(c: Compiled, members: number[], i: number): boolean {
  let v = 0, m = 0, s = 0;
  for (const k of members) {
    v += c.reqVcpu[k];
    m += c.reqMem[k];
    s += c.reqSto[k];
  }
  return v <= c.freeVcpu[i] && m <= c.freeMem[i] && s <= c.freeSto[i];
}
