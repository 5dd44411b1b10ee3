import type { Compiled } from './compile.js';
import { AssignmentState } from './state.js';

// With a separable objective, Σ_d min_c cost(d, c) is a lower bound of every assignment (it is
// the optimum with all coupling constraints dropped). When the per-demand argmin also satisfies
// capacity, diversity and (anti-)affinity it attains the bound and is optimal: O(D·C) and no
// solver. This is the HAS-shaped case (distance filter + weighted distance objective).
// k > 1: the k best combinations of independent per-demand choices are enumerated best first
// (each state = ranks per demand; children increase one rank at or after the last one raised,
// so every state is produced once), and combinations violating a coupling constraint are skipped.

/** Positions (into each demand's feasible list) of the per-demand minima, or null if one is empty. */
export function argminPositions(c: Compiled): Int32Array | null {
  const pos = new Int32Array(c.D);
  for (let k = 0; k < c.D; k++) {
    if (c.filters[k].best < 0) return null;
    pos[k] = c.filters[k].best;
  }
  return pos;
}

export function toCandidates(c: Compiled, pos: Int32Array): Int32Array {
  return Int32Array.from(pos, (p, k) => (p < 0 ? -1 : c.filters[k].feas[p]));
}

export function objectiveOf(c: Compiled, pos: Int32Array): number {
  let s = 0;
  for (let k = 0; k < c.D; k++) s += c.filters[k].cost[pos[k]];
  return s;
}

export function isFeasible(c: Compiled, pos: Int32Array): boolean {
  return AssignmentState.of(c, toCandidates(c, pos)).complete();
}

/** The k cheapest positions of one demand, cheapest first (ties: existing, then candidate id). */
export function cheapest(c: Compiled, k: number, want: number): Int32Array {
  const f = c.filters[k];
  const e = c.existing[k];
  const better = (a: number, b: number) => f.cost[a] < f.cost[b] || (f.cost[a] === f.cost[b] && (f.feas[a] === e || (f.feas[b] !== e && a < b)));
  const top: number[] = [];
  for (let p = 0; p < f.feas.length; p++) {
    if (top.length === want && !better(p, top[want - 1])) continue;
    let j = Math.min(top.length, want - 1);
    top[j] = p;
    while (j > 0 && better(top[j], top[j - 1])) {
      [top[j - 1], top[j]] = [top[j], top[j - 1]];
      j--;
    }
  }
  return Int32Array.from(top);
}

/** A combination = its parent with demand j moved one rank down its list (shared prefixes). */
interface Node {
  parent: Node | null;
  j: number;
  cost: number;
  seq: number;
}

function ranksOf(n: Node, D: number): Int32Array {
  const ranks = new Int32Array(D);
  for (let x: Node | null = n; x && x.parent; x = x.parent) ranks[x.j]++;
  return ranks;
}

/**
 * Up to `want` feasible solutions best first. `complete: false` means the enumeration gave up
 * (a demand ran past its truncated list, or too many combinations were generated), so the
 * caller must use a general method.
 */
export function kBestSeparable(c: Compiled, want: number, maxNodes = 500_000): { solutions: Int32Array[]; complete: boolean } {
  const lists = Array.from({ length: c.D }, (_, k) => cheapest(c, k, Math.min(c.filters[k].feas.length, want + 8)));
  const truncated = lists.map((l, k) => l.length < c.filters[k].feas.length);
  const heap = new MinHeap();
  let seq = 0;
  heap.push({ parent: null, j: 0, cost: costOf(c, lists, new Int32Array(c.D)), seq: seq++ });
  const solutions: Int32Array[] = [];
  while (heap.size > 0 && solutions.length < want) {
    const node = heap.pop()!;
    const ranks = ranksOf(node, c.D);
    const pos = Int32Array.from(ranks, (r, k) => lists[k][r]);
    if (isFeasible(c, pos)) solutions.push(pos);
    if (solutions.length === want) break;
    for (let j = node.parent ? node.j : 0; j < c.D; j++) {
      const r = ranks[j] + 1;
      if (r >= lists[j].length) {
        if (truncated[j]) return { solutions, complete: false };
        continue;
      }
      if (seq >= maxNodes) return { solutions, complete: false };
      const cost = node.cost - c.filters[j].cost[lists[j][r - 1]] + c.filters[j].cost[lists[j][r]];
      heap.push({ parent: node, j, cost, seq: seq++ });
    }
  }
  return { solutions, complete: true };
}

function costOf(c: Compiled, lists: Int32Array[], ranks: Int32Array): number {
  let s = 0;
  for (let k = 0; k < c.D; k++) s += c.filters[k].cost[lists[k][ranks[k]]];
  return s;
}

class MinHeap {
  private a: Node[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(x: Node, y: Node): boolean {
    return x.cost < y.cost || (x.cost === y.cost && x.seq < y.seq);
  }
  push(n: Node): void {
    const a = this.a;
    a.push(n);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Node | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
