import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../helpers/app.js';
import { startReceiver, type Receiver } from '../notify/helpers.js';
import { addSites, placementPost, seedRequest, startPlacementApp, waitFor, waitRequest, type PlacementApp } from './helpers.js';

// POST /api/oof/v1/placement end to end on the real service: refusals (every problem named),
// the asynchronous answer POSTed to a real loopback receiver, GET status and explanation,
// idempotent duplicates, k-best, existing candidates and re-homing, licences, infeasibility.

let app: PlacementApp;
let rcv: Receiver;
let ids: Record<string, string>;

before(async () => {
  app = await startPlacementApp();
  rcv = await startReceiver();
  ids = await addSites(app.url);
  // vG within 1500 km of the customer (seed 002's requestParameters), for service vCPE only.
  const r = await http(app.url, 'POST', '/mecano/v1/placement/policies', {
    body: { name: 'vCPE-vG-distance', policyType: 'onap.policies.optimization.resource.DistancePolicy', scope: { services: ['vCPE'], resources: ['vG'] }, properties: { distance: { value: 1500, unit: 'km' } } },
  });
  assert.equal(r.status, 201, r.text);
});
after(async () => {
  await rcv.close();
  await app.close();
});

const callbacksFor = (requestId: string) => rcv.posts().filter((p) => p.body?.requestId === requestId);

async function refused(body: unknown, ...phrases: (string | RegExp)[]): Promise<string> {
  const r = await placementPost(app.url, body);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.requestStatus, 'failed');
  for (const p of phrases) {
    if (typeof p === 'string') assert.ok(r.body.statusMessage.includes(p), `'${p}' not in: ${r.body.statusMessage}`);
    else assert.match(r.body.statusMessage, p);
  }
  return r.body.statusMessage;
}

describe('bad input: 400 with requestStatus failed, every problem named', () => {
  it('missing required fields, all at once', async () => {
    const msg = await refused({ requestInfo: { requestId: 'r-missing' }, placementInfo: {} },
      'requestInfo.transactionId is required', 'requestInfo.callbackUrl is required', 'requestInfo.sourceId is required',
      'requestInfo.requestType is required', 'requestInfo.optimizers is required', 'placementInfo.placementDemands is required', 'serviceInfo is required');
    assert.ok(msg.split(';').length >= 7);
    const r = await placementPost(app.url, { requestInfo: { requestId: 'r-missing', transactionId: 't-1' } });
    assert.equal(r.body.requestId, 'r-missing', 'the ids are echoed');
    assert.equal(r.body.transactionId, 't-1');
  });

  it('a demand without resourceModuleName or model ids', async () => {
    const body = seedRequest(rcv.url, { demands: [{ serviceResourceId: 'x', resourceModelInfo: {} }] });
    await refused(body, 'placementDemands[0].resourceModuleName is required', 'placementDemands[0].resourceModelInfo.modelInvariantId is required');
  });

  it('optimizers without placement', async () => {
    await refused(seedRequest(rcv.url, { requestInfo: { optimizers: ['license'] } }), "optimizers must include 'placement'");
  });

  it('numSolutions < 1', async () => {
    await refused(seedRequest(rcv.url, { requestInfo: { numSolutions: 0 } }), 'requestInfo.numSolutions must be an integer from 1');
  });

  it('timeout out of range', async () => {
    await refused(seedRequest(rcv.url, { requestInfo: { timeout: 0 } }), 'requestInfo.timeout must be an integer from 1 to 3600, got 0');
    await refused(seedRequest(rcv.url, { requestInfo: { timeout: 86400 } }), 'got 86400');
  });

  it('unknown identifierType', async () => {
    const body = seedRequest(rcv.url);
    body.placementInfo.placementDemands[1].excludedCandidates = [{ identifierType: 'hostName', identifiers: ['x'] }];
    await refused(body, "excludedCandidates[0].identifierType 'hostName' is unknown");
  });

  it('requiredCandidates that do not exist', async () => {
    const body = seedRequest(rcv.url);
    body.placementInfo.placementDemands[1].requiredCandidates = [{ identifierType: 'vimId', cloudOwner: 'amazon', identifiers: ['TXAUS219', 'NOWHERE1'] }];
    await refused(body, 'requiredCandidates NOWHERE1 do not exist');
  });

  it('contradictory required and excluded candidates, as written and as resolved', async () => {
    const body = seedRequest(rcv.url);
    const ref = { identifierType: 'cloudRegionId', cloudOwner: 'amazon', identifiers: ['TXAUS219'] };
    body.placementInfo.placementDemands[1].requiredCandidates = [ref];
    body.placementInfo.placementDemands[1].excludedCandidates = [ref];
    await refused(body, 'requiredCandidates and excludedCandidates both name TXAUS219');
    body.placementInfo.placementDemands[1].excludedCandidates = [{ identifierType: 'vimId', identifiers: [ids.austin] }];
    await refused(body, `required candidate(s) ${ids.austin} are also excluded`);
  });

  it('a callbackUrl that is not http(s)', async () => {
    await refused(seedRequest('ftp://127.0.0.1/cb'), 'callbackUrl must be an http or https URI');
    await refused(seedRequest('not a url'), 'is not an absolute URI');
  });

  it('a body that is not JSON', async () => {
    const r = await http(app.url, 'POST', '/api/oof/v1/placement', { raw: '{"requestInfo":', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.requestStatus, 'failed');
  });

  it('a policy input the request lacks (requestParameters.customerLatitude)', async () => {
    await refused(seedRequest(rcv.url, { requestParameters: { customerName: 'xyz' } }), "placementInfo.requestParameters.customerLatitude is required by DistancePolicy 'vCPE-vG-distance'");
  });
});

describe('accepted requests', () => {
  let body: any;

  it('202 accepted, then the solution POSTed to callbackUrl with callbackHeader merged', async () => {
    body = seedRequest(`${rcv.url}/oof/callback`, { requestInfo: { callbackHeader: { Authorization: 'Bearer so-token', 'X-ONAP-RequestID': 'abc' } } });
    const r = await placementPost(app.url, body);
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.body, { requestId: body.requestInfo.requestId, transactionId: body.requestInfo.transactionId, requestStatus: 'accepted', statusMessage: '' });
    const [cb] = await waitFor('callback', () => (callbacksFor(body.requestInfo.requestId).length ? callbacksFor(body.requestInfo.requestId) : undefined));
    assert.equal(cb.path, '/oof/callback');
    assert.equal(cb.headers.authorization, 'Bearer so-token');
    assert.equal(cb.headers['x-onap-requestid'], 'abc');
    assert.equal(cb.headers['content-type'], 'application/json');
    assert.equal(cb.body.requestStatus, 'completed');
    assert.equal(cb.body.transactionId, body.requestInfo.transactionId);
    const [solution] = cb.body.solutions.placementSolutions;
    assert.equal(solution.length, 2);
    const vg = solution.find((p: any) => p.resourceModuleName === 'vG');
    assert.equal(vg.serviceResourceId, '71d563e8-e714-4393-8f99-cc480144a05e');
    // Dallas is the customer's city: the nearest region wins the distance objective.
    assert.deepEqual(vg.solution, { identifierType: 'cloudRegionId', cloudOwner: 'att', identifiers: ['DFW1'] });
    const info = Object.fromEntries(vg.assignmentInfo.map((kv: any) => [kv.key, kv.value]));
    assert.equal(info.cloudOwner, 'att');
    assert.equal(info.cloudRegionId, 'DFW1');
    assert.equal(info.isRehome, 'False');
    assert.equal(info.vimId, ids.dallas);
    assert.deepEqual(cb.body.solutions.licenseSolutions, []);
  });

  it('GET returns status, solutions and the explanation', async () => {
    const s = await waitRequest(app.url, body.requestInfo.requestId, (b) => b.callback?.state === 'delivered');
    assert.equal(s.requestStatus, 'completed');
    assert.equal(s.solutions.placementSolutions.length, 1);
    assert.equal(s.placement.status, 'optimal');
    assert.equal(s.callback.attempts, 1);
    assert.equal(s.callback.lastStatus, 204);
    const vg = s.placement.explanation.find((d: any) => d.demandId === 'vG');
    assert.equal(vg.chosen.name, 'dallas');
    const ny = vg.rejected.find((x: any) => x.name === 'newyork');
    assert.equal(ny.kind, 'distance');
    assert.match(ny.reason, /^distance \d+ km > 1500 km$/);
    const local = vg.rejected.find((x: any) => x.name === 'local');
    assert.match(local.reason, /no location recorded/);
    assert.ok(s.placement.policies.some((p: any) => p.name === 'vCPE-vG-distance' && p.demands.join() === 'vG'));
    const list = await http(app.url, 'GET', `/mecano/v1/placement/requests?filter=(eq,requestId,${body.requestInfo.requestId})`);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].placement, undefined, 'the explanation is excluded from lists by default');
  });

  it('a duplicate requestId is idempotent: the existing acceptance, one callback', async () => {
    const again = await placementPost(app.url, body);
    assert.equal(again.status, 202);
    assert.equal(again.body.requestId, body.requestInfo.requestId);
    assert.equal(again.body.requestStatus, 'accepted');
    assert.match(again.body.statusMessage, /already accepted at .*; its status is completed\.$/);
    const changed = await placementPost(app.url, { ...body, requestInfo: { ...body.requestInfo, numSolutions: 2 } });
    assert.equal(changed.status, 202);
    assert.match(changed.body.statusMessage, /differs from the accepted one/);
    await sleep(300);
    assert.equal(callbacksFor(body.requestInfo.requestId).length, 1);
  });

  it('numSolutions > 1: distinct solutions, best first', async () => {
    const b = seedRequest(rcv.url, { requestInfo: { numSolutions: 3 } });
    assert.equal((await placementPost(app.url, b)).status, 202);
    const s = await waitRequest(app.url, b.requestInfo.requestId);
    assert.equal(s.requestStatus, 'completed', s.statusMessage);
    const sols = s.solutions.placementSolutions;
    assert.equal(sols.length, 3);
    const key = (sol: any[]) => sol.map((p) => `${p.resourceModuleName}@${p.solution.identifiers[0]}`).sort().join();
    assert.equal(new Set(sols.map(key)).size, 3);
    const obj = s.placement.objectives;
    assert.ok(obj[0] <= obj[1] && obj[1] <= obj[2], JSON.stringify(obj));
  });

  it('existing candidates are kept on create, and re-homed on update past the threshold', async () => {
    const demands = (existing: string) => [{ resourceModuleName: 'vFW', serviceResourceId: 'vFW-1', resourceModelInfo: { modelInvariantId: 'i', modelVersionId: 'v' }, existingCandidates: [{ identifierType: 'vimId', identifiers: [existing] }] }];
    const info = (s: any) => Object.fromEntries(s.solutions.placementSolutions[0][0].assignmentInfo.map((kv: any) => [kv.key, kv.value]));
    const create = seedRequest(rcv.url, { demands: demands(ids.newyork) });
    create.serviceInfo.serviceName = 'vFW-service';
    await placementPost(app.url, create);
    const kept = await waitRequest(app.url, create.requestInfo.requestId);
    assert.equal(info(kept).cloudRegionId, 'NYMDT67', 'create keeps the existing placement (OSDF drops it)');
    assert.equal(info(kept).isRehome, 'False');
    const update = seedRequest(rcv.url, { requestInfo: { requestType: 'update' }, demands: demands(ids.newyork) });
    update.serviceInfo.serviceName = 'vFW-service';
    await placementPost(app.url, update);
    const moved = await waitRequest(app.url, update.requestInfo.requestId);
    assert.equal(info(moved).cloudRegionId, 'DFW1', 'an update moves when ~2000 km are gained (threshold 100)');
    assert.equal(info(moved).isRehome, 'True');
    const pol = await http(app.url, 'POST', '/mecano/v1/placement/policies', { body: { name: 'vFW-sticky', policyType: 'OptimizationPolicy', scope: { services: ['vFW-sticky'] }, properties: { weights: { distance: 1 }, rehomeThreshold: 5000 } } });
    assert.equal(pol.status, 201, pol.text);
    const sticky = seedRequest(rcv.url, { requestInfo: { requestType: 'update' }, demands: demands(ids.newyork) });
    sticky.serviceInfo.serviceName = 'vFW-sticky';
    await placementPost(app.url, sticky);
    const stayed = await waitRequest(app.url, sticky.requestInfo.requestId);
    assert.equal(info(stayed).cloudRegionId, 'NYMDT67', 'a gain below the policy threshold does not move it');
  });

  it('an infeasible request fails, with the reason in the callback and the status', async () => {
    const pol = await http(app.url, 'POST', '/mecano/v1/placement/policies', { body: { name: 'vBig-fit', policyType: 'Vim_fit', scope: { services: ['vBig'] }, properties: { vcpu: 500 } } });
    assert.equal(pol.status, 201, pol.text);
    const b = seedRequest(rcv.url);
    b.serviceInfo.serviceName = 'vBig';
    await placementPost(app.url, b);
    const s = await waitRequest(app.url, b.requestInfo.requestId);
    assert.equal(s.requestStatus, 'failed');
    assert.match(s.statusMessage, /^No solution exists: vGMuxInfra: no feasible candidate among 4: 3 vcpu \(e\.g\. (dallas|austin|newyork): free vCPU \d+ < 500\); 1 attribute \(e\.g\. local: no location recorded/);
    assert.equal(s.placement.status, 'infeasible');
    const [cb] = await waitFor('failed callback', () => (callbacksFor(b.requestInfo.requestId).length ? callbacksFor(b.requestInfo.requestId) : undefined));
    assert.equal(cb.body.requestStatus, 'failed');
    assert.deepEqual(cb.body.solutions, { placementSolutions: [], licenseSolutions: [] });
  });

  it('licence solutions come from the pools; allocations hold until a delete request', async () => {
    const pool = await http(app.url, 'POST', '/mecano/v1/placement/license-pools', {
      body: { name: 'vgmux-pool', modelInvariantId: 'vGMuxInfra-modelInvariantId', entitlementPoolUuids: ['87257b49-9602-4ca1-9817-094e52bc873b'], licenseKeyGroupUuids: ['43257b49-9602-4fe5-9337-094e52bc9435'], capacity: 1 },
    });
    assert.equal(pool.status, 201, pool.text);
    const first = seedRequest(rcv.url, { license: true });
    await placementPost(app.url, first);
    const s1 = await waitRequest(app.url, first.requestInfo.requestId);
    assert.equal(s1.requestStatus, 'completed', s1.statusMessage);
    assert.deepEqual(s1.solutions.licenseSolutions, [{
      resourceModuleName: 'vGMuxInfra', serviceResourceId: 'vGMuxInfra-xx', entitlementPoolUUID: ['87257b49-9602-4ca1-9817-094e52bc873b'],
      licenseKeyGroupUUID: ['43257b49-9602-4fe5-9337-094e52bc9435'], entitlementPoolInvariantUUID: [], licenseKeyGroupInvariantUUID: [],
    }]);
    assert.equal((await http(app.url, 'GET', `/mecano/v1/placement/license-pools/${pool.body.id}`)).body.allocated, 1);
    const second = seedRequest(rcv.url, { license: true });
    await placementPost(app.url, second);
    const s2 = await waitRequest(app.url, second.requestInfo.requestId);
    assert.equal(s2.requestStatus, 'failed');
    assert.match(s2.statusMessage, /exhausted/);
    const release = { ...seedRequest(rcv.url, { requestInfo: { requestType: 'delete' } }), serviceInfo: first.serviceInfo };
    await placementPost(app.url, release);
    const s3 = await waitRequest(app.url, release.requestInfo.requestId);
    assert.equal(s3.statusMessage, `Released 1 licence allocation(s) of service instance ${first.serviceInfo.serviceInstanceId}.`);
    const third = seedRequest(rcv.url, { license: true });
    await placementPost(app.url, third);
    assert.equal((await waitRequest(app.url, third.requestInfo.requestId)).requestStatus, 'completed');
  });
});

describe('an unreachable callback', () => {
  it('is retried, the attempts visible in the status, and delivered once the receiver is back', async () => {
    const late = await startReceiver();
    await late.down();
    const b = seedRequest(`${late.url}/cb`);
    assert.equal((await placementPost(app.url, b)).status, 202);
    const s = await waitRequest(app.url, b.requestInfo.requestId, (x) => (x.callback?.attempts ?? 0) >= 2);
    assert.equal(s.requestStatus, 'completed');
    assert.equal(s.callback.state, 'pending');
    assert.ok(s.callback.lastError, 'the last error is shown');
    assert.ok(s.callback.nextAttemptAt);
    await late.up();
    try {
      const done = await waitRequest(app.url, b.requestInfo.requestId, (x) => x.callback?.state === 'delivered', 60_000);
      assert.ok(done.callback.attempts >= 3);
      assert.equal(late.posts().length, 1);
      assert.equal(late.posts()[0].body.requestId, b.requestInfo.requestId);
    } finally {
      await late.close();
    }
  });
});
