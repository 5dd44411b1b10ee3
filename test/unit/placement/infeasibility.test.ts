import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solvePlacement } from '../../../src/placement/index.js';
import { cand, demand, DALLAS } from './fixtures.js';

const OKC = { lat: 35.47, lon: -97.52 };

test('diversity that cannot be met names the demands and the only zones they reach', async () => {
  const r = await solvePlacement({
    candidates: [cand('a', { zone: 'az-1' }), cand('b', { zone: 'az-2' }), cand('c', { zone: 'az-2' }), cand('d', { zone: 'az-3' })],
    demands: [demand('x', { excludedCandidates: ['d'] }), demand('y', { excludedCandidates: ['d'] }), demand('z', { requiredCandidates: ['a', 'b'] }), demand('free')],
    zoneDiversity: [{ demands: ['x', 'y', 'z', 'free'], level: 'zone' }],
  });
  assert.equal(r.status, 'infeasible');
  assert.deepEqual(r.infeasibility, [
    { demandIds: ['x', 'y', 'z'], constraint: 'zone diversity (zone)', detail: 'x, y, z need 3 distinct zones but can only reach 2: az-1, az-2' },
  ]);
});

test('anti-affinity over too few candidates is caught before any solve', async () => {
  const r = await solvePlacement({
    candidates: [cand('a'), cand('b')],
    demands: [demand('x'), demand('y'), demand('z')],
    antiAffinity: [{ demands: ['x', 'y', 'z'] }],
  });
  assert.equal(r.status, 'infeasible');
  assert.equal(r.stats.method, 'none');
  assert.deepEqual(r.infeasibility?.map((i) => [i.constraint, i.detail]), [['anti-affinity', 'x, y, z need 3 distinct candidates but can only reach 2: a, b']]);
});

test('affinity without a common zone is shrunk to the demands that disagree', async () => {
  const r = await solvePlacement({
    candidates: [cand('a', { zone: 'north' }), cand('b', { zone: 'south' }), cand('c', { zone: 'east' })],
    demands: [demand('x', { requiredCandidates: ['a', 'c'] }), demand('y', { requiredCandidates: ['b'] }), demand('z')],
    affinity: [{ demands: ['x', 'y', 'z'], level: 'zone' }],
  });
  assert.equal(r.status, 'infeasible');
  assert.deepEqual(r.infeasibility, [
    { demandIds: ['x', 'y'], constraint: 'affinity (zone)', detail: 'no zone is reachable by all of x, y: x reaches north, east; y reaches south' },
  ]);
});

test('coupled infeasibility is reduced to the conflicting constraints and demands', async () => {
  // z must use a; x and y must sit in different zones, so one of them joins z on a (10 vCPU) and
  // 6 + 6 > 10. Without the diversity both fit on b, without capacity anything fits; w is
  // irrelevant. Neither Hall's condition nor the aggregate capacity (30 ≥ 20) sees it.
  const r = await solvePlacement({
    candidates: [cand('a', { ...DALLAS, zone: 'az-1', vcpu: 10 }), cand('b', { ...OKC, zone: 'az-2', vcpu: 20 })],
    demands: [demand('w', { vcpu: 2 }), demand('x', { vcpu: 6 }), demand('y', { vcpu: 6 }), demand('z', { vcpu: 6, requiredCandidates: ['a'] })],
    zoneDiversity: [{ demands: ['x', 'y'], level: 'zone' }],
  });
  assert.equal(r.status, 'infeasible');
  assert.equal(r.stats.method, 'milp');
  assert.deepEqual(r.infeasibility?.map((i) => [i.constraint, i.demandIds]), [
    ['capacity-vcpu', ['x', 'y', 'z']],
    ['zone diversity (zone) of x, y', ['x', 'y']],
  ]);
  assert.match(r.infeasibility![0].detail, /^x, y, z need 18 vCPU in total; the 2 candidates they can use have 30 free \(b 20, a 10\), but not in a combination the other listed constraints allow$/);
  // the explanation still covers every demand's filtering
  assert.deepEqual(r.explanation.perDemand.map((e) => e.feasible), [2, 2, 2, 1]);
});

test('aggregate capacity shortfall is reported without solving', async () => {
  const r = await solvePlacement({
    candidates: [cand('a', { vcpu: 8 }), cand('b', { vcpu: 8, usedVcpu: 4 })],
    demands: [demand('x', { vcpu: 6 }), demand('y', { vcpu: 4 }), demand('z', { vcpu: 4 })],
  });
  assert.equal(r.status, 'infeasible');
  assert.equal(r.stats.method, 'none');
  assert.deepEqual(r.infeasibility?.map((i) => [i.constraint, i.detail]), [['capacity-vcpu', 'x, y, z need 14 vCPU in total; the 2 candidates they can use have 12 free (a 8, b 4)']]);
});
