import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';

// The HTTP core over the real server: versions, ProblemDetails for every kind of bad input,
// operations endpoints.

let t: TestApp;
before(async () => {
  t = await startTestApp({ pageSize: 3 });
});
after(async () => {
  await t.close();
});

function assertProblem(r: { status: number; headers: Headers; body: any }, status: number, detailPart?: RegExp) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.detail, 'string');
  if (detailPart) assert.match(r.body.detail, detailPart);
}

describe('API versions', () => {
  for (const [url, prefix, versions] of [
    ['/vnflcm/api_versions', '/vnflcm', ['1.3.0', '2.0.0']],
    ['/vnfpkgm/api_versions', '/vnfpkgm', ['2.1.0']],
    ['/vnfpkgm/v1/api_versions', '/vnfpkgm/v1', ['2.1.0']],
  ] as const) {
    it(`GET ${url}`, async () => {
      const r = await http(t.url, 'GET', url);
      assert.equal(r.status, 200);
      assert.equal(r.body.uriPrefix, prefix);
      assert.deepEqual(r.body.apiVersions.map((v: { version: string }) => v.version), versions);
      assertEtsi(`${SOL005}/ApiVersionInformation.schema.json`, r.body);
    });
  }
  it('rejects a malformed Version header with 400', async () => {
    assertProblem(await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages', { headers: { Version: 'two' } }), 400, /invalid format/);
  });
  it('accepts a well-formed Version header on v1 families and none at all', async () => {
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages', { headers: { Version: '2.1.0-impl:example.com:x:1' } })).status, 200);
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages')).status, 200);
  });
});

describe('ProblemDetails for bad input', () => {
  it('404 for an unknown path', async () => {
    assertProblem(await http(t.url, 'GET', '/nothing/here'), 404);
  });
  it('405 with Allow for a wrong method on a known path', async () => {
    const r = await http(t.url, 'PUT', '/vnfpkgm/v1/vnf_packages');
    assertProblem(r, 405);
    assert.match(r.headers.get('allow') ?? '', /GET/);
    assert.match(r.headers.get('allow') ?? '', /POST/);
  });
  it('406 when Accept excludes JSON', async () => {
    assertProblem(await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages', { headers: { accept: 'text/html' } }), 406);
  });
  it('accepts Accept: application/json, */* and absent', async () => {
    for (const accept of ['application/json', '*/*', 'application/*;q=0.5, text/html']) {
      assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages', { headers: { accept } })).status, 200, accept);
    }
  });
  it('415 for a wrong Content-Type', async () => {
    assertProblem(await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { raw: '<a/>', headers: { 'content-type': 'application/xml' } }), 415);
  });
  it('400 for malformed JSON', async () => {
    assertProblem(await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { raw: '{"userDefinedData": ', headers: { 'content-type': 'application/json' } }), 400, /Malformed JSON/);
  });
  it('400 naming the field for wrong types and unknown fields', async () => {
    assertProblem(await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { body: { userDefinedData: 'x' } }), 400, /userDefinedData/);
    assertProblem(await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { body: { bogus: 1 } }), 400, /unknown field 'bogus'/);
  });
  it('413 for a body over the limit', async () => {
    const big = JSON.stringify({ userDefinedData: { a: 'x'.repeat(1024 * 1024 + 10) } });
    assertProblem(await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { raw: big, headers: { 'content-type': 'application/json' } }), 413);
  });
  it('400 for ids that are not UUIDs', async () => {
    assertProblem(await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages/not-a-uuid'), 400, /vnfPkgId/);
  });
  it('sends a request id header, echoing a sane given one', async () => {
    const r = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r.headers.get('x-request-id'), 'abc-123');
    const r2 = await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages');
    assert.match(r2.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('operations', () => {
  it('health reports the database and migrations', async () => {
    const r = await http(t.url, 'GET', '/mecano/v1/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'UP');
    assert.equal(r.body.database.reachable, true);
    assert.equal(r.body.migrations.current, true);
  });
  it('metrics count requests by route and status', async () => {
    await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages');
    const r = await http(t.url, 'GET', '/metrics', { headers: { accept: 'text/plain' } });
    assert.equal(r.status, 200);
    assert.match(r.text, /mecano_http_requests_total\{method="GET",route="\/vnfpkgm\/v1\/vnf_packages",status="200"\} \d+/);
    assert.match(r.text, /mecano_http_request_duration_seconds_bucket/);
  });
  it('serves the OpenAPI document generated from the route schemas', async () => {
    const r = await http(t.url, 'GET', '/docs/json');
    assert.equal(r.status, 200);
    assert.ok(r.body.paths['/vnfpkgm/v1/vnf_packages/{vnfPkgId}']);
    assert.equal((await fetch(`${t.url}/docs/`, { headers: { accept: 'text/html' } })).status, 200);
  });
});
