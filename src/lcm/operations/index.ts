import type { OperationHandler } from '../context.js';
import type { LcmOperation } from '../model.js';
import { instantiate } from './instantiate.js';
import { terminate } from './terminate.js';
import { scale } from './scale.js';
import { heal } from './heal.js';
import { changeExtConn } from './change-ext-conn.js';
import { changeVnfpkg } from './change-vnfpkg.js';
import { modifyInfo } from './modify-info.js';

/** Operation → handler, a typed map rather than dispatch by name. */
export const OPERATIONS: Partial<Record<LcmOperation, OperationHandler>> = {
  INSTANTIATE: instantiate,
  TERMINATE: terminate,
  SCALE: scale,
  HEAL: heal,
  CHANGE_EXT_CONN: changeExtConn,
  CHANGE_VNFPKG: changeVnfpkg,
  MODIFY_INFO: modifyInfo,
};
