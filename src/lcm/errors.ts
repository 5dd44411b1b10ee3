import { Conflict, NotFound, Unprocessable, BadRequest } from '../errors.js';
import type { VnfLcmOpOccDoc } from './model.js';

// The lifecycle engine's client errors, worded as Tacker words them where clients match on text.

export const instanceNotFound = (id: string) => new NotFound(`VnfInstance ${id} not found.`, 'VNF_INSTANCE_NOT_FOUND');
export const opOccNotFound = (id: string) => new NotFound(`VnfLcmOpOcc ${id} not found.`, 'VNF_LCM_OP_OCC_NOT_FOUND');

export const wrongInstantiationState = (id: string, state: string, wanted: string) =>
  new Conflict(
    state === 'INSTANTIATED' ? `VnfInstance ${id} is instantiated (instantiationState INSTANTIATED; ${wanted} required).` : `VnfInstance ${id} isn't instantiated (instantiationState ${state}; ${wanted} required).`,
    'VNF_INSTANCE_WRONG_STATE',
  );

export const operationInProgress = (id: string, active: VnfLcmOpOccDoc) =>
  new Conflict(
    `Other LCM operation of vnfInstance ${id} is in progress: ${active.operation} ${active.id} is ${active.operationState}` +
      (active.operationState === 'FAILED_TEMP' ? ' (retry, roll back or fail it first).' : '.'),
    'LCM_OPERATION_IN_PROGRESS',
    { vnfLcmOpOccId: active.id },
  );

export const unprocessable = (detail: string, code = 'LCM_UNPROCESSABLE') => new Unprocessable(detail, code);
export const badLcmRequest = (detail: string, code = 'LCM_BAD_REQUEST') => new BadRequest(detail, code);
