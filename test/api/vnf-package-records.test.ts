import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';

// /vnfpkgm/v1/vnf_packages records: create, read, list (filters, selectors, paging), modify, delete.

let t: TestApp;
before(async () => {
  t = await startTestApp({ pageSize: 3 });
});
after(async () => {
  await t.close();
});

const create = (body: unknown = {}) => http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { body });

describe('VNF package records', () => {
  it('creates a package record: 201, Location, SOL005 shape', async () => {
    const r = await create({ userDefinedData: { site: 'lab', n: 3 } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `${t.url}/vnfpkgm/v1/vnf_packages/${r.body.id}`);
    assert.equal(r.body.onboardingState, 'CREATED');
    assert.equal(r.body.operationalState, 'DISABLED');
    assert.equal(r.body.usageState, 'NOT_IN_USE');
    assert.deepEqual(r.body.userDefinedData, { site: 'lab', n: 3 });
    assert.equal(r.body._links.packageContent.href, `${t.url}/vnfpkgm/v1/vnf_packages/${r.body.id}/package_content`);
    assertEtsi(`${SOL005}/vnfPkgInfo.schema.json`, r.body);
    const g = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${r.body.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, r.body);
  });

  it('404 for an unknown package', async () => {
    const r = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages/3f1f4a5c-7c55-4f0e-9f8e-2a0d7c2c1b11');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
  });

  it('lists with filters, default exclusion, selectors and keyset paging', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ userDefinedData: { batch: 'paging', i } })).body.id);
    const seen: string[] = [];
    let next: string | undefined = `/vnfpkgm/v1/vnf_packages?filter=${encodeURIComponent('(eq,userDefinedData/batch,paging)')}`;
    let pages = 0;
    while (next) {
      const r = await http(t.url, 'GET', next);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.length <= 3);
      for (const p of r.body) {
        assert.equal(p.userDefinedData, undefined, 'userDefinedData is excluded by default');
        seen.push(p.id);
      }
      assertEtsi(`${SOL005}/vnfPkgsInfo.schema.json`, r.body);
      const link = r.headers.get('link');
      next = link ? new URL(/<([^>]+)>;\s*rel="next"/.exec(link)![1]).pathname + new URL(/<([^>]+)>/.exec(link)![1]).search : undefined;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ids);
    const all = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages?all_fields&filter=${encodeURIComponent('(gte,userDefinedData/i,5)')}`);
    assert.deepEqual(all.body.map((p: any) => p.userDefinedData.i), [5, 6]);
    const fields = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages?fields=userDefinedData/i&filter=${encodeURIComponent('(eq,userDefinedData/i,2)')}`);
    assert.deepEqual(fields.body[0].userDefinedData, { i: 2 });
  });

  it('rejects broken filters and selectors with 400', async () => {
    for (const f of ['(eq,onboardingState,CREATED', '(foo,onboardingState,CREATED)', "(eq,onboardingState,'abc)", '(eq,noSuchAttr,1)', '(gt,usageState)']) {
      const r = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages?filter=${encodeURIComponent(f)}`);
      assert.equal(r.status, 400, f);
      assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
    }
    const r = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages?all_fields&fields=id');
    assert.equal(r.status, 400);
    const u = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages?fields=nope');
    assert.equal(u.status, 400);
  });

  it('rejects a tampered paging marker with 400', async () => {
    for (let i = 0; i < 4; i++) await create();
    const r = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages');
    const link = r.headers.get('link')!;
    const marker = new URL(/<([^>]+)>/.exec(link)![1]).searchParams.get('nextpage_opaque_marker')!;
    const tampered = marker.slice(0, -2) + (marker.endsWith('AA') ? 'BB' : 'AA');
    const bad = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages?nextpage_opaque_marker=${encodeURIComponent(tampered)}`);
    assert.equal(bad.status, 400);
    const other = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages?filter=(eq,usageState,IN_USE)&nextpage_opaque_marker=${encodeURIComponent(marker)}`);
    assert.equal(other.status, 400, 'a marker cannot be reused with another filter');
  });

  it('modifies userDefinedData with merge patch (both media types) and refuses state changes before onboarding', async () => {
    const id = (await create({ userDefinedData: { a: 1, b: 2 } })).body.id;
    const p1 = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: { userDefinedData: { b: null, c: 3 } }, headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(p1.status, 200);
    assertEtsi(`${SOL005}/VnfPkgInfoModification.schema.json`, p1.body);
    const p2 = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: { userDefinedData: { d: 'x' } } });
    assert.equal(p2.status, 200);
    const g = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`);
    assert.deepEqual(g.body.userDefinedData, { a: 1, c: 3, d: 'x' });
    const st = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: { operationalState: 'ENABLED' } });
    assert.equal(st.status, 409);
    const empty = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: {} });
    assert.equal(empty.status, 400);
    const xml = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { raw: '<x/>', headers: { 'content-type': 'application/xml' } });
    assert.equal(xml.status, 415);
    const after = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`);
    assert.deepEqual(after.body, g.body, 'failed requests change nothing');
  });

  it('deletes a DISABLED, unused package (204) and then 404s', async () => {
    const id = (await create()).body.id;
    assert.equal((await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${id}`)).status, 204);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).status, 404);
    assert.equal((await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${id}`)).status, 404);
  });
});
