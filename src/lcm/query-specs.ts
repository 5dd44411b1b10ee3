import { Type } from '@sinclair/typebox';
import type { QuerySpec } from '../query/types.js';
import { closedSchema } from '../query/closed-schema.js';

// Attribute schemas for SOL013 filters on instances and op occurrences. Objects are open so that
// filters may reach any attribute the documents carry (the SQL compiler checks the path).

const open = { additionalProperties: true } as const;
const Str = Type.String();
const KV = Type.Record(Type.String(), Type.Unknown());
const Handle = Type.Object({ vimConnectionId: Type.Optional(Str), resourceProviderId: Type.Optional(Str), resourceId: Str, vimLevelResourceType: Type.Optional(Str) }, open);

export const VnfInstanceDocSchema = Type.Object(
  {
    id: Str,
    vnfInstanceName: Type.Optional(Str),
    vnfInstanceDescription: Type.Optional(Str),
    vnfdId: Str,
    vnfProvider: Str,
    vnfProductName: Str,
    vnfSoftwareVersion: Str,
    vnfdVersion: Str,
    vnfPkgId: Type.Optional(Str),
    vnfConfigurableProperties: Type.Optional(KV),
    vimConnectionInfo: Type.Optional(KV),
    instantiationState: Type.Union([Type.Literal('NOT_INSTANTIATED'), Type.Literal('INSTANTIATED')]),
    instantiatedVnfInfo: Type.Optional(
      Type.Object(
        {
          flavourId: Str,
          vnfState: Type.Union([Type.Literal('STARTED'), Type.Literal('STOPPED')]),
          scaleStatus: Type.Optional(Type.Array(Type.Object({ aspectId: Str, vnfdId: Type.Optional(Str), scaleLevel: Type.Integer() }, open))),
          maxScaleLevels: Type.Optional(Type.Array(Type.Object({ aspectId: Str, vnfdId: Type.Optional(Str), scaleLevel: Type.Integer() }, open))),
          extCpInfo: Type.Optional(Type.Array(Type.Object({ id: Str, cpdId: Str }, open))),
          extVirtualLinkInfo: Type.Optional(Type.Array(Type.Object({ id: Str, resourceHandle: Handle }, open))),
          vnfcResourceInfo: Type.Optional(Type.Array(Type.Object({ id: Str, vduId: Str, computeResource: Handle }, open))),
          vnfVirtualLinkResourceInfo: Type.Optional(Type.Array(Type.Object({ id: Str, vnfVirtualLinkDescId: Str, networkResource: Handle }, open))),
          vnfcInfo: Type.Optional(Type.Array(Type.Object({ id: Str, vduId: Str, vnfcResourceInfoId: Type.Optional(Str), vnfcState: Str }, open))),
          metadata: Type.Optional(KV),
        },
        open,
      ),
    ),
    metadata: Type.Optional(KV),
    extensions: Type.Optional(KV),
  },
  open,
);

export const VNF_INSTANCE_QUERY: QuerySpec = {
  resource: 'VnfInstance',
  schema: closedSchema(VnfInstanceDocSchema),
  columns: { instantiationState: { column: 'instantiation_state', type: 'text' }, vnfdId: { column: 'vnfd_id', type: 'text' } },
  // SOL003 5.4.2.3.2: excluded from lists by default.
  defaultExcluded: ['vnfConfigurableProperties', 'vimConnectionInfo', 'instantiatedVnfInfo', 'metadata', 'extensions'],
};

export const VnfLcmOpOccDocSchema = Type.Object(
  {
    id: Str,
    operationState: Str,
    stateEnteredTime: Str,
    startTime: Str,
    vnfInstanceId: Str,
    grantId: Type.Optional(Str),
    operation: Str,
    isAutomaticInvocation: Type.Boolean(),
    operationParams: Type.Optional(KV),
    isCancelPending: Type.Boolean(),
    cancelMode: Type.Optional(Str),
    error: Type.Optional(Type.Object({ status: Type.Integer(), detail: Str, title: Type.Optional(Str) }, open)),
    resourceChanges: Type.Optional(
      Type.Object(
        {
          affectedVnfcs: Type.Optional(Type.Array(Type.Object({ id: Str, vduId: Str, changeType: Str, computeResource: Handle }, open))),
          affectedVirtualLinks: Type.Optional(Type.Array(Type.Object({ id: Str, vnfVirtualLinkDescId: Str, changeType: Str, networkResource: Handle }, open))),
          affectedExtLinkPorts: Type.Optional(Type.Array(Type.Object({ id: Str, changeType: Str }, open))),
          affectedVirtualStorages: Type.Optional(Type.Array(Type.Object({ id: Str }, open))),
        },
        open,
      ),
    ),
    changedInfo: Type.Optional(KV),
    changedExtConnectivity: Type.Optional(Type.Array(KV)),
    modificationsTriggeredByVnfPkgChange: Type.Optional(KV),
  },
  open,
);

export const VNF_LCM_OP_OCC_QUERY: QuerySpec = {
  resource: 'VnfLcmOpOcc',
  schema: closedSchema(VnfLcmOpOccDocSchema),
  columns: {
    operationState: { column: 'operation_state', type: 'text' },
    operation: { column: 'operation', type: 'text' },
  },
  // SOL003 5.4.12.3.2: excluded from lists by default.
  defaultExcluded: ['operationParams', 'error', 'resourceChanges', 'changedInfo', 'changedExtConnectivity'],
};
