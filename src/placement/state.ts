import type { Compiled } from './compile.js';

// A partial or complete assignment with the bookkeeping that makes the coupling constraints
// O(1) to test: residual capacity per candidate and, per group, how many members sit at each
// level value. Used to verify the per-demand argmin, by greedy and local search, and to say why
// a cheaper candidate was passed over. Order-independent: a complete assignment is feasible iff
// every member placement was admissible when it was made.

const EPS = 1e-9;

export class AssignmentState {
  /** Candidate index per demand, −1 while unplaced. */
  readonly at: Int32Array;
  readonly resV: Float64Array;
  readonly resM: Float64Array;
  readonly resS: Float64Array;
  /** Per group: members placed at each level value. */
  private readonly levelCount: Int32Array[];
  private readonly placed: Int32Array;

  constructor(private readonly c: Compiled) {
    this.at = new Int32Array(c.D).fill(-1);
    this.resV = c.freeVcpu.slice();
    this.resM = c.freeMem.slice();
    this.resS = c.freeSto.slice();
    this.levelCount = c.groups.map((g) => new Int32Array(g.levelNames.length));
    this.placed = new Int32Array(c.groups.length);
  }

  static of(c: Compiled, candidates: Int32Array): AssignmentState {
    const s = new AssignmentState(c);
    for (let k = 0; k < c.D; k++) if (candidates[k] >= 0) s.place(k, candidates[k]);
    return s;
  }

  place(k: number, i: number): void {
    this.at[k] = i;
    this.resV[i] -= this.c.reqVcpu[k];
    this.resM[i] -= this.c.reqMem[k];
    this.resS[i] -= this.c.reqSto[k];
    for (const gi of this.c.groupsOf[k]) {
      this.levelCount[gi][this.c.groups[gi].levelIds[i]]++;
      this.placed[gi]++;
    }
  }

  remove(k: number): void {
    const i = this.at[k];
    if (i < 0) return;
    this.at[k] = -1;
    this.resV[i] += this.c.reqVcpu[k];
    this.resM[i] += this.c.reqMem[k];
    this.resS[i] += this.c.reqSto[k];
    for (const gi of this.c.groupsOf[k]) {
      this.levelCount[gi][this.c.groups[gi].levelIds[i]]--;
      this.placed[gi]--;
    }
  }

  /** Whether unplaced demand k may go to candidate i given everything else placed. */
  admissible(k: number, i: number): boolean {
    const c = this.c;
    if (this.resV[i] + EPS < c.reqVcpu[k] || this.resM[i] + EPS < c.reqMem[k] || this.resS[i] + EPS < c.reqSto[k]) return false;
    for (const gi of c.groupsOf[k]) {
      const g = c.groups[gi];
      const here = this.levelCount[gi][g.levelIds[i]];
      if (g.kind === 'affinity' ? here !== this.placed[gi] : here > 0) return false;
    }
    return true;
  }

  /** Every demand placed and nothing over-committed (capacity is checked on the residuals). */
  complete(): boolean {
    for (let k = 0; k < this.c.D; k++) if (this.at[k] < 0) return false;
    for (let i = 0; i < this.resV.length; i++) if (this.resV[i] < -EPS || this.resM[i] < -EPS || this.resS[i] < -EPS) return false;
    return this.c.groups.every((g, gi) => {
      const counts = this.levelCount[gi];
      if (g.kind === 'affinity') return counts.some((n) => n === g.demands.length);
      return counts.every((n) => n <= 1);
    });
  }

  /** Why unplaced demand k cannot go to candidate i, naming the demands in the way; null if it can. */
  blocker(k: number, i: number): string | null {
    const c = this.c;
    const names = (pred: (k2: number) => boolean) =>
      Array.from(this.at.keys()).filter((k2) => k2 !== k && this.at[k2] >= 0 && pred(k2)).map((k2) => c.problem.demands[k2].id);
    const onI = () => names((k2) => this.at[k2] === i).join(', ');
    const dims: [Float64Array, Float64Array, string, string][] = [
      [this.resV, c.reqVcpu, 'vCPU', ''],
      [this.resM, c.reqMem, 'memory', ' MB'],
      [this.resS, c.reqSto, 'storage', ' GB'],
    ];
    for (const [res, req, label, unit] of dims) {
      if (res[i] + EPS < req[k]) return `free ${label} ${fmt(res[i])}${unit} < ${fmt(req[k])}${unit} after ${onI()}`;
    }
    for (const gi of c.groupsOf[k]) {
      const g = c.groups[gi];
      const lv = g.levelIds[i];
      const members = Array.from(g.demands);
      if (g.kind === 'affinity') {
        if (this.levelCount[gi][lv] === this.placed[gi]) continue;
        const other = members.find((k2) => k2 !== k && this.at[k2] >= 0)!;
        return `affinity with ${c.problem.demands[other].id} requires ${g.level} ${g.levelNames[g.levelIds[this.at[other]]]}`;
      }
      if (this.levelCount[gi][lv] === 0) continue;
      const who = names((k2) => members.includes(k2) && g.levelIds[this.at[k2]] === lv).join(', ');
      if (g.kind === 'anti-affinity') return `candidate already hosts ${who} (anti-affinity)`;
      return `${g.level} ${g.levelNames[lv]} already used by ${who}`;
    }
    return null;
  }
}

function fmt(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}
