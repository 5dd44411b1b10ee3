import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ListQuerySchema, setNextLink } from '../../../src/http/sol013.js';
import type { ListQuery } from '../../../src/query/types.js';

describe('HTTP helpers for SOL013 lists', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    app.get('/things', { schema: { querystring: ListQuerySchema } }, async (request, reply) => {
      const q = request.query as ListQuery & { next?: string };
      setNextLink(reply, request, q.next);
      return { query: q };
    });
    await app.ready();
  });
  after(() => app.close());

  it('accepts the six parameters, flags without value, and family-specific extras', async () => {
    const r = await app.inject({ url: '/things?filter=(eq,a,b)&all_fields&fields=a,b/c&exclude_fields=x&exclude_default&nextpage_opaque_marker=m&extra=1' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json().query, {
      filter: '(eq,a,b)',
      all_fields: '',
      fields: 'a,b/c',
      exclude_fields: 'x',
      exclude_default: '',
      nextpage_opaque_marker: 'm',
      extra: '1',
    });
  });

  it('rejects a repeated parameter', async () => {
    const r = await app.inject({ url: '/things?filter=(eq,a,b)&filter=(eq,c,d)' });
    assert.equal(r.statusCode, 400);
  });

  it('sets no Link without a marker', async () => {
    const r = await app.inject({ url: '/things?filter=(eq,a,b)' });
    assert.equal(r.headers.link, undefined);
  });

  it('links to this request with the marker, keeping the other parameters as written', async () => {
    const r = await app.inject({ url: '/things?filter=(eq,name,%27a%2Cb%27)&next=abc.def&fields=x', headers: { host: 'mecano.example:9890' } });
    assert.equal(r.headers.link, `<http://mecano.example:9890/things?filter=(eq,name,%27a%2Cb%27)&next=abc.def&fields=x&nextpage_opaque_marker=abc.def>; rel="next"`);
  });

  it('replaces the marker of the current page', async () => {
    const r = await app.inject({ url: '/things?nextpage_opaque_marker=old&next=new_-.1', headers: { host: 'h' } });
    assert.equal(r.headers.link, '<http://h/things?next=new_-.1&nextpage_opaque_marker=new_-.1>; rel="next"');
  });
});
