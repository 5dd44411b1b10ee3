import type { Compiled } from './compile.js';
import { positionOf } from './filter.js';
import { AssignmentState } from './state.js';

// First-improvement local search over three neighbourhoods, repeated until a full pass finds
// nothing or the deadline passes: relocate one demand; swap the candidates of two demands (what
// diversity and tight capacity need); eject: move a demand to a cheaper candidate held by one
// blocking demand, which itself relocates. Every move keeps the assignment feasible, so the
// incumbent is always a valid answer. Affinity groups move only as a whole through the start.

const EPS = 1e-9;
const EJECT_TRIES = 8;

export function localSearch(c: Compiled, start: Int32Array, deadline: number): Int32Array {
  const pos = start.slice();
  const state = AssignmentState.of(c, Int32Array.from(pos, (p, k) => c.filters[k].feas[p]));
  const moves = [relocate, swap, eject];
  for (let improved = true; improved && performance.now() < deadline; ) {
    improved = false;
    for (const move of moves) if (move(c, state, pos, deadline)) improved = true;
  }
  return pos;
}

function costAt(c: Compiled, k: number, p: number): number {
  return c.filters[k].cost[p];
}

/** Best admissible position for an unplaced demand k, or −1 (skip: a candidate index to avoid). */
function bestFor(c: Compiled, state: AssignmentState, k: number, skip = -1): number {
  const f = c.filters[k];
  let best = -1;
  for (let p = 0; p < f.feas.length; p++) {
    if (best >= 0 && !(f.cost[p] < f.cost[best])) continue;
    if (f.feas[p] !== skip && state.admissible(k, f.feas[p])) best = p;
  }
  return best;
}

function relocate(c: Compiled, state: AssignmentState, pos: Int32Array, deadline: number): boolean {
  let improved = false;
  for (let k = 0; k < c.D && performance.now() < deadline; k++) {
    const cur = pos[k];
    state.remove(k);
    const p = bestFor(c, state, k);
    const next = p >= 0 && costAt(c, k, p) < costAt(c, k, cur) - EPS ? p : cur;
    state.place(k, c.filters[k].feas[next]);
    if (next !== cur) {
      pos[k] = next;
      improved = true;
    }
  }
  return improved;
}

function swap(c: Compiled, state: AssignmentState, pos: Int32Array, deadline: number): boolean {
  let improved = false;
  for (let a = 0; a < c.D && performance.now() < deadline; a++) {
    for (let b = a + 1; b < c.D; b++) {
      const ia = c.filters[a].feas[pos[a]], ib = c.filters[b].feas[pos[b]];
      if (ia === ib) continue;
      const pa = positionOf(c.filters[a], ib), pb = positionOf(c.filters[b], ia);
      if (pa < 0 || pb < 0) continue;
      const delta = costAt(c, a, pa) + costAt(c, b, pb) - costAt(c, a, pos[a]) - costAt(c, b, pos[b]);
      if (!(delta < -EPS)) continue;
      state.remove(a);
      state.remove(b);
      if (state.admissible(a, ib)) {
        state.place(a, ib);
        if (state.admissible(b, ia)) {
          state.place(b, ia);
          pos[a] = pa;
          pos[b] = pb;
          improved = true;
          continue;
        }
        state.remove(a);
      }
      state.place(a, ia);
      state.place(b, ib);
    }
  }
  return improved;
}

function eject(c: Compiled, state: AssignmentState, pos: Int32Array, deadline: number): boolean {
  let improved = false;
  for (let k = 0; k < c.D && performance.now() < deadline; k++) {
    const f = c.filters[k];
    const cur = pos[k];
    const cheaper: number[] = [];
    for (let p = 0; p < f.feas.length; p++) if (f.cost[p] < f.cost[cur] - EPS) cheaper.push(p);
    cheaper.sort((x, y) => f.cost[x] - f.cost[y] || x - y);
    for (const p of cheaper.slice(0, EJECT_TRIES)) {
      if (tryEject(c, state, pos, k, p)) {
        improved = true;
        break;
      }
    }
  }
  return improved;
}

/** Move k to position p by relocating one demand in the way; kept only if the pair gets cheaper. */
function tryEject(c: Compiled, state: AssignmentState, pos: Int32Array, k: number, p: number): boolean {
  const i = c.filters[k].feas[p];
  for (const b of blockingDemands(c, state, k, i).slice(0, 4)) {
    const ik = c.filters[k].feas[pos[k]], ib = c.filters[b].feas[pos[b]];
    state.remove(k);
    state.remove(b);
    if (state.admissible(k, i)) {
      state.place(k, i);
      const q = bestFor(c, state, b);
      if (q >= 0 && costAt(c, k, p) + costAt(c, b, q) < costAt(c, k, pos[k]) + costAt(c, b, pos[b]) - EPS) {
        state.place(b, c.filters[b].feas[q]);
        pos[k] = p;
        pos[b] = q;
        return true;
      }
      state.remove(k);
    }
    state.place(k, ik);
    state.place(b, ib);
  }
  return false;
}

/** Demands sharing candidate i with k, or sharing i's level in one of k's groups. */
function blockingDemands(c: Compiled, state: AssignmentState, k: number, i: number): number[] {
  const out = new Set<number>();
  for (let k2 = 0; k2 < c.D; k2++) if (k2 !== k && state.at[k2] === i) out.add(k2);
  for (const gi of c.groupsOf[k]) {
    const g = c.groups[gi];
    if (g.kind === 'affinity') continue;
    for (const k2 of g.demands) if (k2 !== k && state.at[k2] >= 0 && g.levelIds[state.at[k2]] === g.levelIds[i]) out.add(k2);
  }
  return [...out];
}

/**
 * Distinct runner-up solutions for numSolutions > 1 when the search is heuristic: the `n`
 * cheapest feasible single-demand relocations from `base` (not a proven k-best list).
 */
export function neighbours(c: Compiled, base: Int32Array, n: number): Int32Array[] {
  if (n <= 0) return [];
  const state = AssignmentState.of(c, Int32Array.from(base, (p, k) => c.filters[k].feas[p]));
  // Kept sorted and at most n long: scanning every (demand, candidate) must not allocate per pair.
  const moves: { k: number; p: number; delta: number }[] = [];
  for (let k = 0; k < c.D; k++) {
    const f = c.filters[k];
    state.remove(k);
    for (let p = 0; p < f.feas.length; p++) {
      const delta = f.cost[p] - f.cost[base[k]];
      if (p === base[k] || (moves.length === n && !(delta < moves[n - 1].delta))) continue;
      if (!state.admissible(k, f.feas[p])) continue;
      let j = Math.min(moves.length, n - 1);
      moves[j] = { k, p, delta };
      for (; j > 0 && moves[j].delta < moves[j - 1].delta; j--) [moves[j], moves[j - 1]] = [moves[j - 1], moves[j]];
    }
    state.place(k, f.feas[base[k]]);
  }
  return moves.map(({ k, p }) => {
    const pos = base.slice();
    pos[k] = p;
    return pos;
  });
}

/**
 * Stable tie-breaking for solutions that come from HiGHS: each demand moves to the lowest-id
 * candidate of exactly equal cost that a single move allows, so equal-cost alternatives resolve
 * by candidate id as in the argmin and greedy paths. The objective is unchanged.
 */
export function preferLowerIds(c: Compiled, pos: Int32Array): Int32Array {
  const out = pos.slice();
  const state = AssignmentState.of(c, Int32Array.from(out, (p, k) => c.filters[k].feas[p]));
  for (let k = 0; k < c.D; k++) {
    const f = c.filters[k];
    state.remove(k);
    for (let p = 0; p < out[k]; p++) {
      if (f.cost[p] === f.cost[out[k]] && state.admissible(k, f.feas[p])) {
        out[k] = p;
        break;
      }
    }
    state.place(k, f.feas[out[k]]);
  }
  return out;
}
