import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  changedInfoToV1,
  extVirtualLinksToV3,
  healRequestToV3,
  instantiatedInfoToV1,
  modifyRequestToV3,
  opOccToV1,
  vimConnectionListToMap,
  vimConnectionMapToList,
} from '../../src/lcm/v1-mapping.js';
import type { VnfInstanceDoc } from '../../src/lcm/model.js';
import { ProblemError } from '../../src/errors.js';

// The v1 (SOL003 v2.6.1) ↔ engine (v3.3.1) mapping, as pure functions.

const status = (e: unknown) => (e instanceof ProblemError ? e.status : undefined);

describe('vimConnectionInfo list ↔ map', () => {
  it('round-trips, the entry id being the map key', () => {
    const list = [{ id: 'a', vimId: 'v1', vimType: 't' }, { id: 'b', vimType: 't', accessInfo: { region: 'r' } }];
    const map = vimConnectionListToMap(list)!;
    assert.deepEqual(map, { a: { vimId: 'v1', vimType: 't' }, b: { vimType: 't', accessInfo: { region: 'r' } } });
    assert.deepEqual(vimConnectionMapToList(map), list);
    assert.equal(vimConnectionListToMap(undefined), undefined);
  });
  it('refuses two entries with one id (400)', () => {
    assert.throws(() => vimConnectionListToMap([{ id: 'a', vimType: 't' }, { id: 'a', vimType: 'u' }]), (e) => status(e) === 400);
  });
});

describe('cpConfig list → map', () => {
  it('keys entries by cpInstanceId, else <cpdId>-<index>; a map stays as it is', () => {
    const out = extVirtualLinksToV3([{ id: 'e', resourceId: 'br', extCps: [{ cpdId: 'CP', cpConfig: [{ cpInstanceId: 'i1' }, { linkPortId: 'p' }] }, { cpdId: 'CP2', cpConfig: { k: {} } }] }])!;
    assert.deepEqual((out[0].extCps as any[])[0].cpConfig, { i1: { cpInstanceId: 'i1' }, 'CP-1': { linkPortId: 'p' } });
    assert.deepEqual((out[0].extCps as any[])[1].cpConfig, { k: {} });
  });
});

const instance = {
  id: 'inst',
  instantiatedVnfInfo: {
    flavourId: 'simple',
    vnfState: 'STARTED',
    vnfcInfo: [{ id: 'VDU1-r1', vduId: 'VDU1', vnfcResourceInfoId: 'r1', vnfcState: 'STARTED' }],
  },
} as unknown as VnfInstanceDoc;

describe('heal vnfcInstanceId', () => {
  it('maps vnfcResourceInfo ids (Tacker v1) to vnfcInfo ids and keeps vnfcInfo ids', () => {
    assert.deepEqual(healRequestToV3(instance, { vnfcInstanceId: ['r1', 'VDU1-r1'], cause: 'c' }), { vnfcInstanceId: ['VDU1-r1', 'VDU1-r1'], cause: 'c' });
    assert.deepEqual(healRequestToV3(instance, { cause: 'all' }), { cause: 'all' });
  });
  it('refuses an unknown id with 422 naming it', () => {
    assert.throws(() => healRequestToV3(instance, { vnfcInstanceId: ['zz'] }), (e) => status(e) === 422 && /zz/.test((e as Error).message));
  });
});

describe('modify vnfPkgId', () => {
  const pkgs: Record<string, { id: string; vnfdId?: string; onboardingState: string }> = {
    p1: { id: 'p1', vnfdId: 'd1', onboardingState: 'ONBOARDED' },
    p2: { id: 'p2', onboardingState: 'CREATED' },
  };
  const lookup = async (id: string) => pkgs[id];
  it('resolves the vnfdId of the package and converts vimConnectionInfo', async () => {
    assert.deepEqual(await modifyRequestToV3({ vnfPkgId: 'p1', vimConnectionInfo: [{ id: 'x', vimType: 't' }] }, lookup), { vnfPkgId: 'p1', vnfdId: 'd1', vimConnectionInfo: { x: { vimType: 't' } } });
    assert.deepEqual(await modifyRequestToV3({ vnfInstanceName: 'n' }, lookup), { vnfInstanceName: 'n' });
  });
  it('422 when inconsistent with vnfdId, unknown, or not onboarded', async () => {
    await assert.rejects(modifyRequestToV3({ vnfPkgId: 'p1', vnfdId: 'd2' }, lookup), (e) => status(e) === 422 && /inconsistent/.test((e as Error).message));
    await assert.rejects(modifyRequestToV3({ vnfPkgId: 'p9' }, lookup), (e) => status(e) === 422);
    await assert.rejects(modifyRequestToV3({ vnfPkgId: 'p2' }, lookup), (e) => status(e) === 422 && /CREATED/.test((e as Error).message));
  });
});

describe('documents → v2.6.1', () => {
  it('changedInfo: list-form vimConnectionInfo, vnfPkgId from the request, both software-version spellings', () => {
    const out = changedInfoToV1({ vnfdId: 'd1', vnfSoftwareVersion: '2.0', vimConnectionInfo: { a: { vimType: 't' } }, vnfcInfoModifications: [] }, { vnfPkgId: 'p1' });
    assert.deepEqual(out, { vnfdId: 'd1', vnfSoftwareVersion: '2.0', vnfSotwareVersion: '2.0', vimConnectionInfo: [{ id: 'a', vimType: 't' }], vnfPkgId: 'p1' });
  });
  it('instantiatedVnfInfo drops the v3.3.1 additions', () => {
    const out = instantiatedInfoToV1({
      flavourId: 'f',
      vnfState: 'STARTED',
      scaleStatus: [{ aspectId: 'a', vnfdId: 'd', scaleLevel: 1 }],
      maxScaleLevels: [{ aspectId: 'a', vnfdId: 'd', scaleLevel: 2 }],
      extCpInfo: [{ id: 'c', cpdId: 'CP', cpConfigId: 'x', cpProtocolInfo: [] }],
    });
    assert.deepEqual(out, { flavourId: 'f', vnfState: 'STARTED', scaleStatus: [{ aspectId: 'a', scaleLevel: 1 }], extCpInfo: [{ id: 'c', cpdId: 'CP', cpProtocolInfo: [] }] });
  });
  it('op occurrence: virtualLinkDescId beside vnfVirtualLinkDescId, no affectedExtLinkPorts', () => {
    const out = opOccToV1({
      id: 'o',
      operation: 'INSTANTIATE',
      operationParams: { flavourId: 'f', vimConnectionInfo: { a: { vimType: 't' } }, extVirtualLinks: [{ id: 'e', resourceId: 'br', extCps: [{ cpdId: 'CP', cpConfig: { k: { cpInstanceId: 'k' } } }] }] },
      resourceChanges: {
        affectedVirtualLinks: [{ id: 'l', vnfVirtualLinkDescId: 'VL', changeType: 'ADDED', networkResource: { resourceId: 'r' } }],
        affectedExtLinkPorts: [{ id: 'p', changeType: 'ADDED', extCpInstanceId: 'x', resourceHandle: { resourceId: 'r' } }],
      },
    });
    assert.deepEqual((out.resourceChanges as any).affectedVirtualLinks[0].virtualLinkDescId, 'VL');
    assert.equal((out.resourceChanges as any).affectedExtLinkPorts, undefined);
    assert.deepEqual((out.operationParams as any).vimConnectionInfo, [{ id: 'a', vimType: 't' }]);
    assert.deepEqual((out.operationParams as any).extVirtualLinks[0].extCps[0].cpConfig, [{ cpInstanceId: 'k' }]);
  });
});
