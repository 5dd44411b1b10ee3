import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { policyEffects } from '../../src/placement/policy-effects.js';
import type { PolicyDoc } from '../../src/placement/policy-schema.js';

// Policy selection and translation, without a database: scope matching, precedence of the
// single-valued kinds, the OOF affinity qualifiers, locations from requestParameters.

let n = 0;
function pol(policyType: PolicyDoc['policyType'], properties: Record<string, unknown>, scope: Partial<PolicyDoc['scope']> = {}, priority = 0, name?: string): PolicyDoc {
  n += 1;
  return { id: `p${n}`, name: name ?? `p${n}`, policyType, scope: { services: scope.services ?? [], resources: scope.resources ?? [] }, priority, properties };
}

const ctx = { serviceName: 'vCPE', demands: ['vG', 'vGMuxInfra', 'vFW'], requestParameters: { customerLatitude: 32.9, customerLongitude: '-97.04' } };

describe('policyEffects', () => {
  it('scope: services and resources match case-insensitively; other services are ignored', () => {
    const e = policyEffects([pol('HpaPolicy', { features: ['GPU'] }, { services: ['vcpe'], resources: ['VG'] }), pol('HpaPolicy', { features: ['sriov'] }, { services: ['vDNS'] })], ctx);
    assert.deepEqual(e.perDemand.get('vG')!.features, ['gpu']);
    assert.deepEqual(e.perDemand.get('vFW')!.features, []);
    assert.equal(e.applied.length, 1);
  });

  it('single-valued kinds: resource scope beats service scope beats unscoped, then priority', () => {
    const e = policyEffects([
      pol('VimFitPolicy', { vcpu: 1 }),
      pol('VimFitPolicy', { vcpu: 2 }, { services: ['vCPE'] }),
      pol('VimFitPolicy', { vcpu: 3 }, { resources: ['vG'] }),
      pol('VimFitPolicy', { vcpu: 4 }, { resources: ['vG'] }, 10),
    ], ctx);
    assert.equal(e.perDemand.get('vG')!.requirements!.vcpu, 4);
    assert.equal(e.perDemand.get('vGMuxInfra')!.requirements!.vcpu, 2);
  });

  it('distance: miles converted, location from requestParameters (numeric strings too), hasLocation required', () => {
    const e = policyEffects([pol('DistancePolicy', { distance: { value: 100, unit: 'mi' } }, { resources: ['vG'] })], ctx);
    const vg = e.perDemand.get('vG')!;
    assert.deepEqual(vg.maxDistanceKm, { lat: 32.9, lon: -97.04, km: 160.9344 });
    assert.deepEqual(vg.attributeMatch, [{ key: 'hasLocation', op: 'eq', value: true }]);
    const missing = policyEffects([pol('DistancePolicy', { distance: { value: 1 }, latitudeParameter: 'siteLat', longitudeParameter: 'siteLon' }, {}, 0, 'near')], ctx);
    assert.deepEqual(missing.errors, [
      "placementInfo.requestParameters.siteLat is required by DistancePolicy 'near' (a number from -90 to 90)",
      "placementInfo.requestParameters.siteLon is required by DistancePolicy 'near' (a number from -180 to 180)",
    ]);
  });

  it('affinity qualifiers: different → diversity or anti-affinity, same → affinity; one resource present → not applied', () => {
    const e = policyEffects([
      pol('AffinityPolicy', { qualifier: 'different', category: 'disaster' }, { resources: ['vG', 'vGMuxInfra'] }),
      pol('AffinityPolicy', { qualifier: 'different', category: 'candidate' }, { resources: ['vG', 'vFW'] }),
      pol('AffinityPolicy', { qualifier: 'same', category: 'complex' }, { resources: ['vGMuxInfra', 'vFW'] }),
      pol('AffinityPolicy', { qualifier: 'same', category: 'zone' }, { resources: ['vG', 'vDNS'] }),
    ], ctx);
    assert.deepEqual(e.coupling.zoneDiversity, [{ demands: ['vG', 'vGMuxInfra'], level: 'zone' }]);
    assert.deepEqual(e.coupling.antiAffinity, [{ demands: ['vG', 'vFW'] }]);
    assert.deepEqual(e.coupling.affinity, [{ demands: ['vGMuxInfra', 'vFW'], level: 'complex' }]);
    assert.match(e.applied.at(-1)!.note!, /not applied: only vG/);
  });

  it('objective: default distance from the customer; an OptimizationPolicy sets weights, demand weights and defaults', () => {
    assert.deepEqual(policyEffects([], ctx).objective, { weights: { distance: 1 }, location: { lat: 32.9, lon: -97.04 } });
    assert.deepEqual(policyEffects([], { ...ctx, requestParameters: {} }).objective, { weights: { load: 1 } });
    const e = policyEffects([pol('OptimizationPolicy', { weights: { cost: 1, load: 50 }, resourceWeights: { vfw: 3 }, numSolutions: 2, rehomeThreshold: 7 })], ctx);
    assert.deepEqual(e.objective, { weights: { cost: 1, load: 50 }, location: { lat: 32.9, lon: -97.04 } });
    assert.equal(e.perDemand.get('vFW')!.weight, 3);
    assert.equal(e.numSolutions, 2);
    assert.equal(e.rehomeThreshold, 7);
  });
});
