import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statusOf } from '../../../src/mec/model.js';
import { edgeStatus } from '../../../src/mec/edge/status.js';

// Engine occurrence states read as EdgeGallery's app instance statuses.

const op = (operation: string, operationState: string, extra: Record<string, unknown> = {}) => ({ operation, operationState, operationParams: {}, ...extra }) as any;

describe('MEC status of an engine occurrence', () => {
  it('create is a MODIFY_INFO carrying the MEC marker', () => {
    const create = (s: string) => statusOf(op('MODIFY_INFO', s, { operationParams: { mecCreate: true }, error: { detail: 'no host' } }));
    assert.deepEqual(create('PROCESSING'), { status: 'Creating' });
    assert.deepEqual(create('COMPLETED'), { status: 'Created' });
    assert.deepEqual(create('FAILED_TEMP'), { status: 'Create failed', error: 'no host' });
    assert.equal(statusOf(op('MODIFY_INFO', 'COMPLETED')), undefined, 'an ordinary modify changes nothing');
  });

  it('instantiate and terminate, a failed terminate leaving the instance Instantiated', () => {
    assert.deepEqual(statusOf(op('INSTANTIATE', 'STARTING')), { status: 'Instantiating' });
    assert.deepEqual(statusOf(op('INSTANTIATE', 'COMPLETED')), { status: 'Instantiated' });
    assert.deepEqual(statusOf(op('INSTANTIATE', 'ROLLED_BACK', { error: { detail: 'x' } })), { status: 'Instantiation failed', error: 'x' });
    assert.deepEqual(statusOf(op('INSTANTIATE', 'ROLLING_BACK')), { status: 'Terminating' });
    assert.deepEqual(statusOf(op('TERMINATE', 'PROCESSING')), { status: 'Terminating' });
    assert.deepEqual(statusOf(op('TERMINATE', 'FAILED_TEMP', { error: { detail: 'stuck' } })), { status: 'Instantiated', error: 'stuck' });
    assert.equal(statusOf(op('SCALE', 'COMPLETED')), undefined);
  });

  it('the edge reports Terminating once removal is asked, unless the terminate failed', () => {
    const row = (next_action: string | null) => ({ next_action }) as any;
    const inst = { doc: { instantiationState: 'INSTANTIATED' } } as any;
    assert.equal(edgeStatus(row('remove'), inst, op('INSTANTIATE', 'COMPLETED')).status, 'Terminating');
    assert.deepEqual(edgeStatus(row('remove'), inst, op('TERMINATE', 'FAILED_TEMP', { error: { detail: 'e' } })), { status: 'Instantiated', operationInfo: 'e' });
    assert.equal(edgeStatus(row(null), undefined, undefined).status, 'Instantiating');
    assert.equal(edgeStatus(row(null), inst, undefined).status, 'Instantiated');
  });
});
