import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { http } from '../helpers/app.js';
import { startReceiver, type Receiver } from '../notify/helpers.js';
import { DEFAULT_VIM_ID } from '../../src/main.js';
import { addSites, placementPost, seedRequest, SITES, startPlacementApp, waitRequest, type PlacementApp } from './helpers.js';

// /mecano/v1/vims, /mecano/v1/placement/policies and /license-pools: CRUD, SOL013 queries,
// validation on write (every failing field named), and MEC hosts joining the inventory.

let app: PlacementApp;
let rcv: Receiver;

before(async () => {
  app = await startPlacementApp();
  rcv = await startReceiver();
});
after(async () => {
  await rcv.close();
  await app.close();
});

const api = (method: string, url: string, body?: unknown) => http(app.url, method, url, { body });

describe('VIM records (candidates)', () => {
  let ids: Record<string, string>;
  before(async () => {
    ids = await addSites(app.url);
  });

  it('create answers 201 with Location, defaults and the computed used capacity', async () => {
    const r = await api('POST', '/mecano/v1/vims', { name: 'bare' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `${app.url}/mecano/v1/vims/${r.body.id}`);
    assert.equal(r.body.vimType, 'mecano.local.v1');
    assert.equal(r.body.cloudOwner, 'mecano');
    assert.equal(r.body.cloudRegionId, r.body.id);
    assert.equal(r.body.kind, 'vim');
    assert.deepEqual(r.body.capacity.used, { vcpu: 0, memoryMb: 0, storageGb: 0 });
    const got = await api('GET', `/mecano/v1/vims/${ids.dallas}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.capacity.total, SITES.dallas.capacity.total);
    assert.equal(got.body.location.clli, 'DLLSTX01');
  });

  it('every failing field is named at once (400)', async () => {
    const r = await api('POST', '/mecano/v1/vims', {
      name: 'bad', location: { latitude: 95, longitude: -97 }, capacity: { total: { vcpu: -1, memoryMb: 1 } }, colour: 'red',
    });
    assert.equal(r.status, 400);
    for (const f of ['location.latitude', 'capacity.total.vcpu', "'storageGb'", "'colour'"]) assert.ok(r.body.detail.includes(f), `${f} not in ${r.body.detail}`);
    const attrs = await api('POST', '/mecano/v1/vims', { name: 'bad2', attributes: { 'bad key!': 1, ok: { nested: true } } });
    assert.equal(attrs.status, 400);
    assert.match(attrs.body.detail, /attributes\.bad key!: attribute names/);
    assert.match(attrs.body.detail, /attributes\.ok: must be a string/);
  });

  it('a region is unique per cloud owner (409)', async () => {
    const r = await api('POST', '/mecano/v1/vims', { name: 'dup', cloudOwner: 'att', cloudRegionId: 'DFW1' });
    assert.equal(r.status, 409);
    assert.match(r.body.detail, /DFW1 of cloudOwner att is already in the inventory/);
  });

  it('SOL013 filters and selectors', async () => {
    const r = await api('GET', '/mecano/v1/vims?filter=(eq,cloudOwner,att)');
    assert.deepEqual(r.body.map((v: any) => v.name), ['dallas']);
    const big = await api('GET', '/mecano/v1/vims?filter=(gte,capacity/total/vcpu,64)&fields=name');
    assert.deepEqual(big.body.map((v: any) => v.name).sort(), ['dallas', 'newyork']);
    assert.equal(big.body[0].capacity, undefined, 'fields leaves capacity out');
    const feat = await api('GET', '/mecano/v1/vims?filter=(cont,features,gpu)');
    assert.deepEqual(feat.body.map((v: any) => v.name), ['austin']);
    assert.equal((await api('GET', '/mecano/v1/vims?filter=(eq,nosuch,1)')).status, 400);
  });

  it('merge patch is validated like a creation; id and kind are read-only', async () => {
    const r = await api('PATCH', `/mecano/v1/vims/${ids.austin}`, { zone: 'az-9', capacity: { external: { vcpu: 4 } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.zone, 'az-9');
    assert.equal(r.body.capacity.used.vcpu, 4, 'external use counts as used');
    assert.equal(r.body.capacity.total.vcpu, 32);
    const bad = await api('PATCH', `/mecano/v1/vims/${ids.austin}`, { location: { latitude: 'north' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /location\.latitude/);
    assert.equal((await api('PATCH', `/mecano/v1/vims/${ids.austin}`, { kind: 'mec-host' })).status, 400);
    const local = await api('PATCH', `/mecano/v1/vims/${DEFAULT_VIM_ID}`, { location: { latitude: 48.85, longitude: 2.35 } });
    assert.equal(local.status, 200, 'the default VIM can be given a location');
  });

  it('delete: 204, then 404; the default VIM cannot be deleted', async () => {
    const r = await api('POST', '/mecano/v1/vims', { name: 'temp' });
    assert.equal((await api('DELETE', `/mecano/v1/vims/${r.body.id}`)).status, 204);
    assert.equal((await api('GET', `/mecano/v1/vims/${r.body.id}`)).status, 404);
    assert.equal((await api('DELETE', `/mecano/v1/vims/${DEFAULT_VIM_ID}`)).status, 409);
    assert.equal((await api('GET', '/mecano/v1/vims/not-a-uuid')).status, 404);
  });

  it('a MEC host registered through the inventory interface is a candidate like a VIM', async () => {
    const id = randomUUID();
    const inventory = app.mecano.placement.inventory;
    await app.testDb.db.tx((tx) => inventory.upsertCandidate(tx, { id, kind: 'mec-host', name: 'edge-plano', vimType: 'mecano.mec-host.v1', cloudOwner: 'mec', cloudRegionId: 'plano-1', location: { latitude: 33.0198, longitude: -96.6989 }, capacity: { total: { vcpu: 8, memoryMb: 16384, storageGb: 100 } } }));
    const listed = await api('GET', '/mecano/v1/vims?filter=(eq,kind,mec-host)');
    assert.deepEqual(listed.body.map((v: any) => v.id), [id]);
    assert.equal((await api('PATCH', `/mecano/v1/vims/${id}`, { zone: 'x' })).status, 409, 'MEC hosts are changed by the MEC orchestrator');
    const body = seedRequest(rcv.url);
    body.serviceInfo.serviceName = 'edge-service';
    body.placementInfo.placementDemands[0].requiredCandidates = [{ identifierType: 'cloudRegionId', cloudOwner: 'mec', identifiers: ['plano-1'] }];
    assert.equal((await placementPost(app.url, body)).status, 202);
    const s = await waitRequest(app.url, body.requestInfo.requestId);
    const mux = s.solutions.placementSolutions[0].find((p: any) => p.resourceModuleName === 'vGMuxInfra');
    assert.deepEqual(mux.solution, { identifierType: 'cloudRegionId', cloudOwner: 'mec', identifiers: ['plano-1'] });
    assert.ok(mux.assignmentInfo.some((kv: any) => kv.key === 'locationType' && kv.value === 'mec-host'));
    assert.equal(await app.testDb.db.tx((tx) => inventory.removeCandidate(tx, id)), true);
  });
});

describe('placement policies', () => {
  const policy = (name: string, policyType: string, properties: unknown, scope: unknown = { services: ['svc-a'] }) => api('POST', '/mecano/v1/placement/policies', { name, policyType, scope, properties });

  it('every kind is accepted in its valid form', async () => {
    const ok = [
      policy('p-dist', 'DistancePolicy', { distance: { value: 100, unit: 'mi', operator: '<' }, location: { latitude: 1, longitude: 2 } }),
      policy('p-attr', 'AttributePolicy', { match: [{ key: 'tier', op: 'in', value: ['core'] }, { key: 'rack', op: 'gte', value: 2 }] }),
      policy('p-fit', 'onap.policies.optimization.resource.Vim_fit', { vcpu: 4, memoryMb: 8192 }),
      policy('p-hpa', 'HpaPolicy', { features: ['SRIOV'] }),
      policy('p-aff', 'AffinityPolicy', { qualifier: 'different', category: 'zone' }, { services: ['svc-a'], resources: ['vG', 'vGMuxInfra'] }),
      policy('p-cand', 'CandidatePolicy', { excluded: [{ identifierType: 'cloudRegionId', identifiers: ['X1'] }] }),
      policy('p-opt', 'OptimizationPolicy', { weights: { distance: 1, cost: 10, load: 100 }, resourceWeights: { vG: 2 }, numSolutions: 2 }),
    ];
    for (const r of await Promise.all(ok)) assert.equal(r.status, 201, r.text);
    const fit = await api('GET', '/mecano/v1/placement/policies?filter=(eq,policyType,VimFitPolicy)');
    assert.deepEqual(fit.body.map((p: any) => p.name), ['p-fit'], 'TOSCA names and OOF aliases are stored in the short form');
  });

  it('shape errors are 400 naming the fields; meaningless policies 422', async () => {
    const unknown = await policy('q1', 'GeoPolicy', {});
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.detail, /policyType: must be one of DistancePolicy/);
    const dist = await policy('q2', 'DistancePolicy', { distance: { value: -5 }, extra: 1 });
    assert.equal(dist.status, 400);
    assert.match(dist.body.detail, /properties\.distance\.value/);
    assert.match(dist.body.detail, /properties\.extra: is not a known field/);
    const attr = await policy('q3', 'AttributePolicy', { match: [{ key: 'rack', op: 'gt', value: 'high' }] });
    assert.equal(attr.status, 400);
    assert.match(attr.body.detail, /properties\.match\.0\.value: must be a number for gt/);
    const aff = await policy('q4', 'AffinityPolicy', { qualifier: 'same', category: 'zone' }, { resources: ['vG'] });
    assert.equal(aff.status, 422);
    assert.match(aff.body.detail, /scope\.resources/);
    const ref = { identifierType: 'vimId', identifiers: ['A'] };
    const both = await policy('q5', 'CandidatePolicy', { required: [ref], excluded: [ref] });
    assert.equal(both.status, 422);
    assert.equal((await policy('p-dist', 'HpaPolicy', { features: ['gpu'] })).status, 409, 'names are unique');
  });

  it('get, patch (properties replaced whole, re-validated) and delete', async () => {
    const created = await policy('p-edit', 'HpaPolicy', { features: ['gpu'] });
    const id = created.body.id;
    assert.equal((await api('GET', `/mecano/v1/placement/policies/${id}`)).body.name, 'p-edit');
    const patched = await api('PATCH', `/mecano/v1/placement/policies/${id}`, { priority: 5, properties: { features: ['sriov', 'cpu-pinning'] } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.properties, { features: ['sriov', 'cpu-pinning'] });
    assert.equal(patched.body.priority, 5);
    assert.equal((await api('PATCH', `/mecano/v1/placement/policies/${id}`, { properties: { features: [] } })).status, 400);
    assert.equal((await api('DELETE', `/mecano/v1/placement/policies/${id}`)).status, 204);
    assert.equal((await api('GET', `/mecano/v1/placement/policies/${id}`)).status, 404);
  });

  it('HPA and attribute policies steer a request; the applied policies are listed', async () => {
    await policy('hpa-gpu', 'HpaPolicy', { features: ['gpu'] }, { services: ['svc-hpa'], resources: ['vG'] });
    await policy('attr-core', 'AttributePolicy', { match: [{ key: 'tier', op: 'eq', value: 'core' }] }, { services: ['svc-hpa'] });
    const body = seedRequest(rcv.url);
    body.serviceInfo.serviceName = 'svc-hpa';
    assert.equal((await placementPost(app.url, body)).status, 202);
    const s = await waitRequest(app.url, body.requestInfo.requestId);
    assert.equal(s.requestStatus, 'completed', s.statusMessage);
    const at = (m: string) => s.solutions.placementSolutions[0].find((p: any) => p.resourceModuleName === m).solution.identifiers[0];
    assert.equal(at('vG'), 'TXAUS219', 'only austin has a GPU');
    assert.equal(at('vGMuxInfra'), 'DFW1');
    const vg = s.placement.explanation.find((d: any) => d.demandId === 'vG');
    assert.ok(vg.rejected.some((r: any) => r.name === 'dallas' && r.reason === 'missing feature gpu'), JSON.stringify(vg.rejected));
    const mux = s.placement.explanation.find((d: any) => d.demandId === 'vGMuxInfra');
    assert.ok(mux.rejected.some((r: any) => r.name === 'newyork' && r.reason === 'attribute tier=edge ≠ core'), JSON.stringify(mux.rejected));
    assert.deepEqual(s.placement.policies.map((p: any) => p.name).sort(), ['attr-core', 'hpa-gpu']);
  });
});

describe('licence pools', () => {
  it('create, validation, list with allocated and used', async () => {
    const good = { name: 'pool-a', modelInvariantId: 'm-1', entitlementPoolUuids: [randomUUID()], licenseKeyGroupUuids: [randomUUID()], capacity: 10, external: 3, allowedRegions: ['DFW1'] };
    const r = await api('POST', '/mecano/v1/placement/license-pools', good);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.used, 3);
    assert.equal(r.body.allocated, 0);
    const bad = await api('POST', '/mecano/v1/placement/license-pools', { ...good, entitlementPoolUuids: ['nope'], capacity: -1 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /entitlementPoolUuids\.0/);
    assert.match(bad.body.detail, /capacity/);
    const over = await api('POST', '/mecano/v1/placement/license-pools', { ...good, external: 11 });
    assert.equal(over.status, 422);
    const list = await api('GET', '/mecano/v1/placement/license-pools?filter=(eq,modelInvariantId,m-1)');
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].allocated, 0);
  });
});
