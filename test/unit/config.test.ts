import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('defaults to loopback:8080 with data in ./data', () => {
    const c = loadConfig({}, {});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.match(c.dataDir, /\/data$/);
    assert.equal(c.databaseUrl, undefined);
  });
  it('reads the environment; flags win', () => {
    const c = loadConfig({ port: 9000 }, { MECANO_PORT: '8081', MECANO_PAGE_SIZE: '50', DATABASE_URL: 'postgres://x@h/db' });
    assert.equal(c.port, 9000);
    assert.equal(c.pageSize, 50);
    assert.equal(c.databaseUrl, 'postgres://x@h/db');
  });
  for (const [env, re] of [
    [{ MECANO_PORT: '70000' }, /MECANO_PORT/],
    [{ MECANO_PORT: 'abc' }, /MECANO_PORT/],
    [{ MECANO_LOG_LEVEL: 'loud' }, /MECANO_LOG_LEVEL/],
    [{ MECANO_PAGE_SIZE: '0' }, /MECANO_PAGE_SIZE/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ MECANO_HOST: 'not a host' }, /MECANO_HOST/],
    [{ MECANO_AUTH_USERS: 'nopassword' }, /user:password/],
  ] as const) {
    it(`rejects ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig({}, env), (e: unknown) => e instanceof ConfigError && re.test((e as Error).message));
    });
  }
  it('refuses a non-loopback address without authentication, and accepts it with', () => {
    assert.throws(() => loadConfig({}, { MECANO_HOST: '0.0.0.0' }), /not a loopback address and no authentication/);
    assert.equal(loadConfig({}, { MECANO_HOST: '0.0.0.0', MECANO_AUTH_USERS: 'ops:s3cret' }).host, '0.0.0.0');
  });
});
