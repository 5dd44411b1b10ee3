import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solvePlacement } from '../../../src/placement/index.js';
import type { LicenseDemand, LicensePool, PlacementProblem } from '../../../src/placement/model.js';
import { cand, demand, DALLAS } from './fixtures.js';

const OKC = { lat: 35.47, lon: -97.52 };

function pool(id: string, over: Partial<LicensePool> = {}): LicensePool {
  return {
    id,
    entitlementPoolUuids: [`ep-${id}`],
    licenseKeyGroupUuids: [`kg-${id}`],
    entitlementPoolInvariantUuids: [`epi-${id}`],
    licenseKeyGroupInvariantUuids: [`kgi-${id}`],
    modelInvariantId: 'vG-invariant',
    capacity: 10,
    used: 0,
    ...over,
  };
}

function licence(id: string, over: Partial<LicenseDemand> = {}): LicenseDemand {
  return { id, serviceResourceId: `${id}-sr`, modelInvariantId: 'vG-invariant', modelVersionId: 'v1', ...over };
}

const base = (over: Partial<PlacementProblem>): PlacementProblem => ({
  candidates: [cand('dallas', DALLAS), cand('okc', OKC)],
  demands: [demand('vG')],
  objective: { location: DALLAS },
  ...over,
});

test('licence solutions carry the pool UUIDs; existing licences are kept while valid', async () => {
  const r = await solvePlacement(base({
    licensePools: [pool('p1'), pool('p2', { used: 10 })],
    licenseDemands: [licence('vG'), licence('vGMux', { existingLicenses: { entitlementPoolUuids: ['ep-p2'], licenseKeyGroupUuids: [] } })],
  }));
  assert.equal(r.status, 'optimal');
  assert.deepEqual(r.licenseSolutions, [
    { demandId: 'vG', serviceResourceId: 'vG-sr', poolId: 'p1', entitlementPoolUuids: ['ep-p1'], licenseKeyGroupUuids: ['kg-p1'], entitlementPoolInvariantUuids: ['epi-p1'], licenseKeyGroupInvariantUuids: ['kgi-p1'], kept: false },
    { demandId: 'vGMux', serviceResourceId: 'vGMux-sr', poolId: 'p2', entitlementPoolUuids: ['ep-p2'], licenseKeyGroupUuids: ['kg-p2'], entitlementPoolInvariantUuids: ['epi-p2'], licenseKeyGroupInvariantUuids: ['kgi-p2'], kept: true },
  ]);
});

test('a pool restricted to some regions steers the placement there', async () => {
  const r = await solvePlacement(base({ licensePools: [pool('p1', { allowedRegions: ['okc'] })], licenseDemands: [licence('vG')] }));
  assert.equal(r.status, 'optimal');
  assert.equal(r.solutions[0].assignments[0].candidateId, 'okc');
  assert.equal(r.licenseSolutions[0].poolId, 'p1');
  const dallas = r.explanation.perDemand[0].rejected.find((x) => x.candidateId === 'dallas');
  assert.deepEqual(dallas, { candidateId: 'dallas', kind: 'license-region', reason: 'region dallas not allowed by any licence pool for the model' });
});

test('allocation is an exact matching: an earlier licence moves to free the only pool a later one can use', async () => {
  // vA (v1) may use p-a or p-b, vB (v2) only p-a, one unit each; vA takes p-a first (most spare,
  // then id), so vB must push it over to p-b.
  const r = await solvePlacement({
    candidates: [cand('okc', OKC)],
    demands: [demand('vA'), demand('vB')],
    licensePools: [pool('p-a', { capacity: 1 }), pool('p-b', { capacity: 1, modelVersionId: 'v1' })],
    licenseDemands: [licence('vA'), licence('vB', { modelVersionId: 'v2' })],
  });
  assert.equal(r.status, 'optimal');
  assert.deepEqual(r.licenseSolutions.map((l) => [l.demandId, l.poolId]), [['vA', 'p-b'], ['vB', 'p-a']]);
});

test('licences that no placement can serve make the request infeasible, naming the pools', async () => {
  const none = await solvePlacement(base({ licensePools: [pool('p1', { modelInvariantId: 'other' })], licenseDemands: [licence('vG')] }));
  assert.equal(none.status, 'infeasible');
  assert.deepEqual(none.infeasibility, [{ demandId: 'vG', constraint: 'license', detail: 'no licence pool for model vG-invariant version v1' }]);
  const full = await solvePlacement(base({ licensePools: [pool('p1', { capacity: 1 })], licenseDemands: [licence('vG'), licence('vG2')] }));
  assert.equal(full.status, 'infeasible');
  assert.deepEqual(full.infeasibility, [{ demandId: 'vG2', constraint: 'license', detail: 'licence pools for model vG-invariant version v1 exhausted: p1 0/1 used' }]);
});
