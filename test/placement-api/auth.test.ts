import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http } from '../helpers/app.js';
import { placementPost, seedRequest, startPlacementApp, type PlacementApp } from './helpers.js';

// Basic authentication as OSDF has it: the OOF routes take the OOF users (MECANO_OOF_USERS,
// OSDF's osdfPlacementUsername/Password) or the service-wide users; everything else keeps the
// service-wide guard.

const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

describe('OOF users only (loopback, no service-wide users)', () => {
  let app: PlacementApp;
  before(async () => {
    app = await startPlacementApp({}, { oofUsers: [{ user: 'so', password: 'so-pass' }] });
  });
  after(() => app.close());

  it('401 without or with wrong credentials, 202 with the OOF user', async () => {
    const body = seedRequest('http://127.0.0.1:9/cb', { requestParameters: {} });
    const none = await placementPost(app.url, body);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await placementPost(app.url, body, basic('so', 'nope'))).status, 401);
    assert.equal((await http(app.url, 'GET', `/api/oof/v1/placement/${body.requestInfo.requestId}`)).status, 401);
    const ok = await placementPost(app.url, body, basic('so', 'so-pass'));
    assert.equal(ok.status, 202, ok.text);
    assert.equal((await http(app.url, 'GET', `/api/oof/v1/placement/${body.requestInfo.requestId}`, { headers: basic('so', 'so-pass') })).status, 200);
  });

  it('the rest of the service is unaffected', async () => {
    assert.equal((await http(app.url, 'GET', '/mecano/v1/vims')).status, 200);
  });
});

describe('OOF users and service-wide users', () => {
  let app: PlacementApp;
  before(async () => {
    app = await startPlacementApp({ authUsers: 'admin:admin-pass' }, { oofUsers: [{ user: 'so', password: 'so-pass' }] });
  });
  after(() => app.close());

  it('the OOF routes take either; other routes only the service-wide users', async () => {
    const a = seedRequest('http://127.0.0.1:9/cb', { requestParameters: {} });
    assert.equal((await placementPost(app.url, a, basic('so', 'so-pass'))).status, 202);
    const b = seedRequest('http://127.0.0.1:9/cb', { requestParameters: {} });
    assert.equal((await placementPost(app.url, b, basic('admin', 'admin-pass'))).status, 202);
    assert.equal((await http(app.url, 'GET', '/mecano/v1/vims', { headers: basic('so', 'so-pass') })).status, 401);
    assert.equal((await http(app.url, 'GET', '/mecano/v1/vims', { headers: basic('admin', 'admin-pass') })).status, 200);
  });
});

describe('service-wide users only', () => {
  let app: PlacementApp;
  before(async () => {
    app = await startPlacementApp({ authUsers: 'admin:admin-pass' });
  });
  after(() => app.close());

  it('the OOF routes are behind the service-wide guard', async () => {
    const body = seedRequest('http://127.0.0.1:9/cb', { requestParameters: {} });
    assert.equal((await placementPost(app.url, body)).status, 401);
    assert.equal((await placementPost(app.url, body, basic('admin', 'admin-pass'))).status, 202);
  });
});
