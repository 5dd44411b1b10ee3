import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { http } from '../helpers/app.js';
import { onboardSample, runOp, v2 } from '../helpers/lcm.js';
import { startReceiver, type Receiver } from '../notify/helpers.js';
import { placementPost, seedRequest, startPlacementApp, waitRequest, type PlacementApp } from './helpers.js';

// An instantiation that names no VIM goes through the homing engine: one demand from the VNFD's
// compute (single-vdu: 1 vCPU, 128 MB), the VIM records of type mecano.local.v1 as candidates,
// the VNF's policies; the op occurrence records the choice and every rejection. Used capacity
// follows the instance (instantiate → used, terminate → free). VNFCs run on loopback ports.

const PRODUCT = 'Sample single-VDU VNF';
let app: PlacementApp;
let dir: string;
let rcv: Receiver;
let vnfdId: string;
const vims: Record<string, string> = {};

async function vim(name: string, body: Record<string, unknown>): Promise<void> {
  const r = await http(app.url, 'POST', '/mecano/v1/vims', { body: { name, ...body } });
  assert.equal(r.status, 201, r.text);
  vims[name] = r.body.id;
}

before(async () => {
  app = await startPlacementApp();
  rcv = await startReceiver();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-placement-lcm-'));
  ({ vnfdId } = await onboardSample(app.url, 'single-vdu', dir));
  const cap = (vcpu: number) => ({ total: { vcpu, memoryMb: 4096, storageGb: 100 } });
  // Near the customer but full; farther but free; too far.
  await vim('dallas-small', { location: { latitude: 32.7767, longitude: -96.797 }, capacity: { ...cap(4), external: { vcpu: 4 } } });
  await vim('austin-big', { location: { latitude: 30.2672, longitude: -97.7431 }, capacity: cap(16) });
  await vim('newyork', { location: { latitude: 40.7128, longitude: -74.006 }, capacity: cap(64) });
  const pol = await http(app.url, 'POST', '/mecano/v1/placement/policies', {
    body: { name: 'single-vdu-near-dallas', policyType: 'DistancePolicy', scope: { resources: [PRODUCT] }, properties: { distance: { value: 500 }, location: { latitude: 32.7767, longitude: -96.797 } } },
  });
  assert.equal(pol.status, 201, pol.text);
});
after(async () => {
  await rcv.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

it('places the instance by the solver and records why on the op occurrence', async () => {
  const created = await v2(app.url, 'POST', '/vnf_instances', { vnfdId, vnfInstanceName: 'placed-vnf' });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  const op = await runOp(app.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
  assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
  const p = op.placement;
  assert.equal(p.method, 'placement');
  assert.equal(p.status, 'optimal');
  assert.deepEqual(p.requirements, { vcpu: 1, memoryMb: 128, storageGb: 0 });
  assert.equal(p.chosen.vimId, vims['austin-big']);
  assert.equal(p.chosen.name, 'austin-big');
  const why = Object.fromEntries(p.rejected.map((r: any) => [r.name, r.reason]));
  assert.equal(why['dallas-small'], 'free vCPU 0 < 1');
  assert.match(why.newyork, /^distance \d+ km > 500 km$/);
  assert.match(why.local, /no location recorded/);
  assert.deepEqual(p.policies.map((x: any) => x.name), ['single-vdu-near-dallas']);
  const inst = await v2(app.url, 'GET', `/vnf_instances/${id}`);
  assert.equal(inst.body.vimConnectionInfo.default.vimId, vims['austin-big']);

  // Used capacity follows the instance.
  const used = async () => (await http(app.url, 'GET', `/mecano/v1/vims/${vims['austin-big']}`)).body.capacity.used;
  assert.deepEqual(await used(), { vcpu: 1, memoryMb: 128, storageGb: 0 });

  // An OOF request whose existing candidate is this VNF keeps it there, answered in its terms.
  const body = seedRequest(rcv.url, { demands: [{ resourceModuleName: 'vFW', serviceResourceId: 'fw', resourceModelInfo: { modelInvariantId: 'i', modelVersionId: 'v' }, existingCandidates: [{ identifierType: 'serviceInstanceId', cloudOwner: '', identifiers: [id] }] }] });
  body.serviceInfo.serviceName = 'lcm-existing';
  assert.equal((await placementPost(app.url, body)).status, 202);
  const s = await waitRequest(app.url, body.requestInfo.requestId);
  const [kept] = s.solutions.placementSolutions[0];
  assert.deepEqual(kept.solution, { identifierType: 'serviceInstanceId', cloudOwner: 'mecano', identifiers: [id] });
  assert.ok(kept.assignmentInfo.some((kv: any) => kv.key === 'vnfHostName' && kv.value === 'placed-vnf'));

  const term = await runOp(app.url, `/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
  assert.equal(term.operationState, 'COMPLETED');
  assert.deepEqual(await used(), { vcpu: 0, memoryMb: 0, storageGb: 0 });
  assert.equal((await v2(app.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
});

it('an instantiation no VIM can take ends ROLLED_BACK with the reasons', async () => {
  const fit = await http(app.url, 'POST', '/mecano/v1/placement/policies', { body: { name: 'huge', policyType: 'VimFitPolicy', scope: { services: ['huge-service'] }, properties: { vcpu: 1000 } } });
  assert.equal(fit.status, 201, fit.text);
  const created = await v2(app.url, 'POST', '/vnf_instances', { vnfdId, metadata: { serviceName: 'huge-service' } });
  assert.equal(created.status, 201, created.text);
  const op = await runOp(app.url, `/vnf_instances/${created.body.id}/instantiate`, { flavourId: 'simple' });
  assert.equal(op.operationState, 'ROLLED_BACK');
  assert.match(op.error.detail, /No VIM fits Sample single-VDU VNF \(needs 1000 vCPU, 128 MB memory, 0 GB storage\)/);
  assert.equal(op.error.placement.status, 'infeasible');
  assert.equal((await v2(app.url, 'DELETE', `/vnf_instances/${created.body.id}`)).status, 204);
});
