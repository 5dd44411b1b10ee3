import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solvePlacement } from '../../../src/placement/index.js';
import { cand, demand, DALLAS } from './fixtures.js';

// Unary filtering: every rejected candidate carries its first failing constraint with the
// measured value, and the counts per kind cover all rejections even beyond the capped list.

test('each unary constraint rejects with the measured value', async () => {
  const r = await solvePlacement({
    candidates: [
      cand('ok', { features: ['sriov'], attributes: { site_type: 'core' } }),
      cand('far', { lat: 47.6, lon: -122.3, features: ['sriov'], attributes: { site_type: 'core' } }), // Seattle
      cand('small', { vcpu: 8, usedVcpu: 6, features: ['sriov'], attributes: { site_type: 'core' } }),
      cand('plain', { attributes: { site_type: 'core' } }),
      cand('edge', { features: ['sriov'], attributes: { site_type: 'edge' } }),
      cand('banned', { features: ['sriov'], attributes: { site_type: 'core' } }),
    ],
    demands: [
      demand('vG', {
        vcpu: 8,
        requiredFeatures: ['sriov'],
        excludedCandidates: ['banned'],
        attributeMatch: [{ key: 'site_type', op: 'eq', value: 'core' }],
        maxDistanceKm: { ...DALLAS, km: 1500 },
      }),
    ],
  });
  assert.equal(r.status, 'optimal');
  const e = r.explanation.perDemand[0];
  const reason = (id: string) => e.rejected.find((x) => x.candidateId === id);
  assert.equal(reason('banned')?.reason, 'excluded by request');
  assert.match(reason('far')!.reason, /^distance 2\d{3} km > 1500 km$/);
  assert.equal(reason('small')?.reason, 'free vCPU 2 < 8');
  assert.equal(reason('plain')?.reason, 'missing feature sriov');
  assert.equal(reason('edge')?.reason, 'attribute site_type=edge ≠ core');
  assert.deepEqual(e.rejectedCounts, { excluded: 1, distance: 1, vcpu: 1, feature: 1, attribute: 1 });
  assert.equal(e.feasible, 1);
  assert.equal(e.chosen?.candidateId, 'ok');
});

test('required candidates restrict, and rejections are counted beyond the listed 50', async () => {
  const candidates = Array.from({ length: 120 }, (_, j) => cand(`c${String(j).padStart(3, '0')}`));
  const r = await solvePlacement({ candidates, demands: [demand('d', { requiredCandidates: ['c007', 'c099'] })] });
  const e = r.explanation.perDemand[0];
  assert.equal(e.feasible, 2);
  assert.equal(e.rejected.length, 50);
  assert.equal(e.rejectedCounts['not-required'], 118);
  assert.equal(e.rejected[0].reason, 'not among the required candidates');
});

test('attribute operators compare typed values; 0 and false are values, a missing key is not', async () => {
  const candidates = [
    cand('a', { attributes: { latency_ms: 0, gpu: false, tier: 'gold' } }),
    cand('b', { attributes: { latency_ms: 12, gpu: true, tier: 'silver' } }),
    cand('c', { attributes: {} }),
  ];
  const run = async (m: Parameters<typeof demand>[1]) => (await solvePlacement({ candidates, demands: [demand('d', m)] })).explanation.perDemand[0];
  const lt = await run({ attributeMatch: [{ key: 'latency_ms', op: 'lt', value: 10 }] });
  assert.equal(lt.feasible, 1);
  assert.equal(lt.rejected.find((x) => x.candidateId === 'b')?.reason, 'attribute latency_ms=12 ≥ 10');
  assert.equal(lt.rejected.find((x) => x.candidateId === 'c')?.reason, 'attribute latency_ms missing');
  const inList = await run({ attributeMatch: [{ key: 'tier', op: 'in', value: ['gold', 'platinum'] }] });
  assert.equal(inList.rejected.find((x) => x.candidateId === 'b')?.reason, 'attribute tier=silver ∉ [gold, platinum]');
  const bool = await run({ attributeMatch: [{ key: 'gpu', op: 'eq', value: false }] });
  assert.equal(bool.chosen?.candidateId, 'a');
});

test('a demand with no feasible candidate makes the request infeasible with counts per reason', async () => {
  const r = await solvePlacement({
    candidates: [cand('x', { vcpu: 4 }), cand('y', { vcpu: 4 }), cand('z', { lat: 40.7, lon: -74 })],
    demands: [demand('ok'), demand('big', { vcpu: 8, maxDistanceKm: { ...DALLAS, km: 500 } })],
  });
  assert.equal(r.status, 'infeasible');
  assert.deepEqual(r.solutions, []);
  assert.equal(r.infeasibility?.length, 1);
  const [inf] = r.infeasibility!;
  assert.equal(inf.demandId, 'big');
  assert.equal(inf.constraint, 'candidate-filter');
  assert.match(inf.detail, /no feasible candidate among 3: 1 distance \(e\.g\. z: distance 2\d{3} km > 500 km\); 2 vcpu \(e\.g\. x: free vCPU 4 < 8\)/);
});

test('a malformed problem is refused with every problem listed', async () => {
  const bad = {
    candidates: [cand('a', { lat: 123 }), cand('a', { identifierType: 'bogus' as never })],
    demands: [demand('x', { vcpu: -1 }), demand('y', { attributeMatch: [{ key: 'k', op: 'like' as never, value: 1 }] })],
    zoneDiversity: [{ demands: ['x', 'ghost'], level: 'zone' as const }],
    numSolutions: 0,
  };
  await assert.rejects(solvePlacement(bad), (err: Error & { code?: string; extra?: { errors: string[] } }) => {
    assert.equal(err.code, 'PLACEMENT_INVALID_PROBLEM');
    assert.deepEqual(err.extra?.errors, [
      'candidates[0]: lat/lon out of range',
      'candidates[1].id a is a duplicate',
      'candidates[1].identifierType must be one of cloudRegionId, vimId, serviceInstanceId, vnfName, vmId',
      'demands[0].requirements needs vcpu, memoryMb, storageGb ≥ 0',
      'demands[1].attributeMatch[0].op must be one of eq, neq, in, nin, lt, lte, gt, gte, exists',
      'zoneDiversity names unknown demand ghost',
      'numSolutions must be an integer ≥ 1',
    ]);
    return true;
  });
});
