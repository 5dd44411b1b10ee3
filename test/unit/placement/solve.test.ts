import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solvePlacement } from '../../../src/placement/index.js';
import type { PlacementProblem, PlacementResult } from '../../../src/placement/model.js';
import { cand, demand, DALLAS } from './fixtures.js';

const AUSTIN = { lat: 30.27, lon: -97.74 };
const HOUSTON = { lat: 29.76, lon: -95.37 };
const OKC = { lat: 35.47, lon: -97.52 };

function picks(r: PlacementResult, s = 0): string[] {
  return r.solutions[s].assignments.map((a) => a.candidateId);
}

function withoutTimings(r: PlacementResult) {
  const { filterMs: _f, solveMs: _s, totalMs: _t, ...stats } = r.stats;
  return { ...r, stats };
}

const coupled = (): PlacementProblem => ({
  candidates: [
    cand('dal-a', { ...DALLAS, zone: 'az-1', vcpu: 8 }),
    cand('dal-b', { ...DALLAS, zone: 'az-1', vcpu: 8 }),
    cand('aus', { ...AUSTIN, zone: 'az-2', vcpu: 8 }),
    cand('hou', { ...HOUSTON, zone: 'az-3', vcpu: 8 }),
    cand('okc', { ...OKC, zone: 'az-4', vcpu: 8 }),
  ],
  demands: [demand('vG', { vcpu: 6 }), demand('vGMux', { vcpu: 6 }), demand('vFW', { vcpu: 4 })],
  zoneDiversity: [{ demands: ['vG', 'vGMux'], level: 'zone' }],
  antiAffinity: [{ demands: ['vGMux', 'vFW'] }],
  objective: { location: DALLAS },
});

test('uncoupled problems are answered by the per-demand argmin, ties broken by candidate id', async () => {
  const r = await solvePlacement({
    candidates: [cand('b-site', DALLAS), cand('a-site', DALLAS), cand('aus', AUSTIN)],
    demands: [demand('x'), demand('y')],
    objective: { location: DALLAS },
  });
  assert.equal(r.status, 'optimal');
  assert.equal(r.stats.method, 'uncoupled-argmin');
  assert.equal(r.gap, 0);
  assert.deepEqual(picks(r), ['a-site', 'a-site']);
});

test('coupled problems go to the MILP; the explanation names what blocked cheaper candidates', async () => {
  const r = await solvePlacement(coupled());
  assert.equal(r.status, 'optimal');
  assert.equal(r.stats.method, 'milp');
  // Dallas (az-1) hosts one of vG/vGMux (diversity) and vFW (not beside vGMux); the other goes
  // to the nearest other zone, Oklahoma City: the objective is exactly that distance.
  const [vG, vGMux, vFW] = picks(r);
  assert.deepEqual([vG, vGMux].map((x) => x.startsWith('dal')).sort(), [false, true]);
  assert.ok(vFW.startsWith('dal') && vFW !== vG && vFW !== vGMux);
  const away = r.solutions[0].assignments.find((a) => a.candidateId === 'okc')!;
  assert.ok(Math.abs(r.solutions[0].objective - away.objectiveTerms.distanceKm!) < 1e-9);
  const passed = r.explanation.perDemand.find((e) => e.demandId === away.demandId)!.passedOver;
  assert.deepEqual(passed.map((p) => p.candidateId), ['dal-a', 'dal-b']);
  for (const p of passed) assert.match(p.reason, /^free vCPU [24] < 6 after (vG|vGMux|vFW)$/);
  for (const e of r.explanation.perDemand) assert.equal(e.chosen!.terms.total, e.chosen!.terms.distanceKm);
});

test('a diversity conflict is explained by the zone and the demand holding it', async () => {
  const r = await solvePlacement({
    candidates: [cand('dal-a', { ...DALLAS, zone: 'az-1' }), cand('dal-b', { ...DALLAS, zone: 'az-1' }), cand('okc', { ...OKC, zone: 'az-2' })],
    demands: [demand('vG'), demand('vGMux')],
    zoneDiversity: [{ demands: ['vG', 'vGMux'], level: 'zone' }],
    objective: { location: DALLAS },
  });
  assert.equal(r.status, 'optimal');
  const moved = r.explanation.perDemand.find((e) => e.chosen?.candidateId === 'okc')!;
  const other = moved.demandId === 'vG' ? 'vGMux' : 'vG';
  assert.deepEqual(moved.passedOver.map((p) => p.reason), [`zone az-1 already used by ${other}`, `zone az-1 already used by ${other}`]);
});

test('same input, same answer: repeated runs and shuffled candidate order', async () => {
  const p = coupled();
  const a = await solvePlacement(p);
  const b = await solvePlacement({ ...p, candidates: [...p.candidates].reverse() });
  const c = await solvePlacement(p);
  assert.deepEqual(withoutTimings(b), withoutTimings(a));
  assert.deepEqual(withoutTimings(c), withoutTimings(a));
});

test('numSolutions returns distinct solutions best first', async () => {
  for (const p of [coupled(), { ...coupled(), zoneDiversity: [], antiAffinity: [] }]) {
    const r = await solvePlacement({ ...p, numSolutions: 4 });
    assert.equal(r.solutions.length, 4);
    const keys = r.solutions.map((s) => picks(r, r.solutions.indexOf(s)).join());
    assert.equal(new Set(keys).size, 4);
    for (let s = 1; s < 4; s++) assert.ok(r.solutions[s].objective >= r.solutions[s - 1].objective - 1e-9);
  }
});

test('existing placement: kept below the rehome threshold, moved above it', async () => {
  const base: PlacementProblem = {
    candidates: [cand('dallas', DALLAS), cand('okc', OKC)],
    demands: [demand('vG', { existingCandidate: 'okc' })],
    objective: { location: DALLAS },
  };
  const distance = (await solvePlacement({ ...base, demands: [demand('vG')] })).explanation.perDemand[0].passedOver;
  assert.deepEqual(distance, []);
  const pinned = await solvePlacement(base);
  assert.deepEqual(picks(pinned), ['okc']);
  assert.equal(pinned.solutions[0].assignments[0].isRehome, false);
  assert.equal(pinned.explanation.perDemand[0].rejectedCounts.pinned, 1);
  const okcKm = pinned.solutions[0].assignments[0].objectiveTerms.distanceKm!;
  const stay = await solvePlacement({ ...base, rehome: { allowed: true, improvementThreshold: okcKm + 1 } });
  assert.deepEqual(picks(stay), ['okc']);
  assert.equal(stay.solutions[0].assignments[0].isRehome, false);
  const move = await solvePlacement({ ...base, rehome: { allowed: true, improvementThreshold: okcKm - 50 } });
  assert.deepEqual(picks(move), ['dallas']);
  const a = move.solutions[0].assignments[0];
  assert.equal(a.isRehome, true);
  assert.equal(a.objectiveTerms.migration, okcKm - 50);
  assert.ok(Math.abs(a.objectiveTerms.total - (a.objectiveTerms.distanceKm! + okcKm - 50)) < 1e-9);
});

test('an existing candidate that no longer qualifies is left, whatever the rehome policy', async () => {
  const r = await solvePlacement({
    candidates: [cand('dallas', DALLAS), cand('okc', { ...OKC, attributes: { state: 'maintenance' } })],
    demands: [demand('vG', { existingCandidate: 'okc', attributeMatch: [{ key: 'state', op: 'neq', value: 'maintenance' }] })],
  });
  assert.deepEqual(picks(r), ['dallas']);
  assert.equal(r.solutions[0].assignments[0].isRehome, true);
  assert.match(r.explanation.perDemand[0].notes[0], /existing candidate okc no longer qualifies \(attribute state=maintenance = maintenance\)/);
});

test('the existing demand’s own usage is credited back to its candidate', async () => {
  // okc is full because vG already runs there; staying must not count vG twice.
  const r = await solvePlacement({
    candidates: [cand('okc', { ...OKC, vcpu: 4, usedVcpu: 4 })],
    demands: [demand('vG', { vcpu: 4, existingCandidate: 'okc' })],
  });
  assert.equal(r.status, 'optimal');
  assert.deepEqual(picks(r), ['okc']);
});

test('affinity keeps a group in one zone; the zone chosen is the cheapest for the group', async () => {
  const r = await solvePlacement({
    candidates: [cand('dal', { ...DALLAS, zone: 'north' }), cand('okc', { ...OKC, zone: 'north' }), cand('aus', { ...AUSTIN, zone: 'south' }), cand('hou', { ...HOUSTON, zone: 'south' })],
    demands: [demand('a', { requiredCandidates: ['okc', 'aus'] }), demand('b', { requiredCandidates: ['hou', 'dal'] })],
    affinity: [{ demands: ['a', 'b'], level: 'zone' }],
    objective: { location: DALLAS },
  });
  assert.equal(r.status, 'optimal');
  assert.deepEqual(picks(r), ['okc', 'dal']);
});

test('greedy + local search answers when the model exceeds the MILP size limit, with a valid bound', async () => {
  const r = await solvePlacement({ ...coupled(), limits: { milpMaxBinaries: 4 }, timeoutMs: 5000 });
  const exact = await solvePlacement(coupled());
  assert.ok(r.status === 'optimal' || r.status === 'feasible');
  assert.ok(r.solutions[0].objective >= exact.solutions[0].objective - 1e-9);
  assert.ok(r.stats.lowerBound! <= exact.solutions[0].objective + 1e-9);
  assert.ok(r.gap! >= 0);
});
