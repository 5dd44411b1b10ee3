import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequest } from '../../../src/errors.js';
import { applySelector, parseSelectors } from '../../../src/query/selectors.js';
import type { ListQuery } from '../../../src/query/types.js';
import { specWithColumns as spec } from './fixtures.js';

const doc = {
  id: 'i1',
  name: 'n',
  state: 'ENABLED',
  nested: { label: 'l', level: 1, deep: { x: 'y' } },
  images: [
    { name: 'a', size: 1, tags: ['t'] },
    { name: 'b', tags: [] },
  ],
  labels: ['p'],
  userDefinedData: { k: 1, x: { y: 2 } },
  metadata: { m: 'v' },
  _links: { self: { href: '/x' } },
};

const select = (q: ListQuery) => applySelector(doc, parseSelectors(q, spec));
const keys = (q: ListQuery) => Object.keys(select(q)).sort();

function rejects(q: ListQuery, reason: RegExp): void {
  assert.throws(
    () => parseSelectors(q, spec),
    (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_ATTRIBUTE_SELECTOR' && reason.test(e.detail),
  );
}

describe('attribute selectors (SOL013 5.3)', () => {
  it('excludes the default set when no selector is given, or with exclude_default', () => {
    const expected = ['_links', 'id', 'labels', 'name', 'nested', 'state'];
    assert.deepEqual(keys({}), expected);
    assert.deepEqual(keys({ exclude_default: '' }), expected);
  });

  it('all_fields returns the document unchanged', () => {
    assert.deepEqual(select({ all_fields: '' }), doc);
  });

  it('fields keeps simple and mandatory attributes, drops optional complex ones not listed', () => {
    assert.deepEqual(keys({ fields: 'images' }), ['_links', 'id', 'images', 'name', 'state']);
    assert.deepEqual(select({ fields: 'images' }).images, doc.images);
  });

  it('fields with exclude_default keeps everything but the unlisted default-excluded attributes', () => {
    assert.deepEqual(keys({ fields: 'metadata', exclude_default: '' }), ['_links', 'id', 'labels', 'metadata', 'name', 'nested', 'state']);
  });

  it('a listed sub-path reduces its parent and applies to every array element', () => {
    const r = select({ fields: 'images/tags,nested/deep' });
    assert.deepEqual(r.images, [
      { name: 'a', size: 1, tags: ['t'] },
      { name: 'b', tags: [] },
    ]);
    assert.deepEqual(r.nested, { label: 'l', level: 1, deep: { x: 'y' } });
    assert.deepEqual(select({ fields: 'userDefinedData/x' }).userDefinedData, { x: { y: 2 } });
    assert.deepEqual(select({ fields: 'nested/level' }).nested, { label: 'l', level: 1 });
  });

  it('exclude_fields removes exactly the listed paths', () => {
    const r = select({ exclude_fields: 'images/tags,userDefinedData/x,labels' });
    assert.deepEqual(r.images, [{ name: 'a', size: 1 }, { name: 'b' }]);
    assert.deepEqual(r.userDefinedData, { k: 1 });
    assert.equal('labels' in r, false);
    assert.deepEqual(r.metadata, doc.metadata);
  });

  it('rejects combinations SOL013 does not allow', () => {
    rejects({ all_fields: '', fields: 'images' }, /all_fields cannot be combined/);
    rejects({ all_fields: '', exclude_default: '' }, /all_fields cannot be combined/);
    rejects({ all_fields: '', exclude_fields: 'images' }, /all_fields cannot be combined/);
    rejects({ exclude_fields: 'images', fields: 'labels' }, /exclude_fields cannot be combined/);
    rejects({ exclude_fields: 'images', exclude_default: '' }, /exclude_fields cannot be combined/);
  });

  it('rejects unknown and malformed paths with 400 (Tacker answers 500)', () => {
    rejects({ fields: 'nope' }, /fields: unknown attribute "nope" in TestDoc/);
    rejects({ exclude_fields: 'images/nope' }, /unknown attribute "images\/nope"/);
    rejects({ fields: 'name/x' }, /"name" has no attributes/);
    rejects({ fields: 'images,,labels' }, /empty attribute name/);
    rejects({ fields: '' }, /empty attribute name/);
    rejects({ fields: 'nested//deep' }, /empty attribute name/);
    rejects({ exclude_fields: 'userDefinedData/@key' }, /'@' is not allowed/);
    rejects({ fields: 'images~x' }, /invalid escape/);
  });
});
