import { Type } from '@sinclair/typebox';
import { LCM_NOTIFICATION_TYPES, LCM_OPERATION_STATES, SubscriptionAuthentication, VnfProductsFromProviders } from '../../notify/schemas.js';

// SOL003 v2.6.1 request bodies as Tacker's /vnflcm/v1 takes them (seed 003; clause numbers in
// comments). Where v2.6.1 differs from v3.3.1: vimConnectionInfo is an array of entries with an
// `id`, cpConfig is an array, heal carries vnfcInstanceId (Tacker) and modify names vnfPkgId.
// Objects stay open where ETSI defines them as extensible.

const open = { additionalProperties: true } as const;
const KV = Type.Record(Type.String(), Type.Unknown());
const Str = Type.String({ minLength: 1 });
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

// 4.4.1.6 VimConnectionInfo
export const VimConnectionInfoV1 = Type.Object(
  { id: Str, vimId: Type.Optional(Str), vimType: Str, interfaceInfo: Type.Optional(KV), accessInfo: Type.Optional(KV), extra: Type.Optional(KV) },
  open,
);
const VimConnectionInfoList = Type.Array(VimConnectionInfoV1);

// 4.4.1.10 VnfExtCpData: cpConfig is an array of VnfExtCpConfig (a map from v3.3.1 on)
const VnfExtCpConfig = Type.Object({ cpInstanceId: Type.Optional(Str), linkPortId: Type.Optional(Str), cpProtocolData: Type.Optional(Type.Array(Type.Object({}, open))) }, open);
const VnfExtCpData = Type.Object({ cpdId: Str, cpConfig: Type.Optional(Type.Array(VnfExtCpConfig)) }, open);

// 4.4.1.11 ExtVirtualLinkData
const ExtVirtualLinkData = Type.Object(
  {
    id: Str,
    vimConnectionId: Type.Optional(Str),
    resourceProviderId: Type.Optional(Str),
    resourceId: Str,
    extCps: Type.Array(VnfExtCpData),
    extLinkPorts: Type.Optional(Type.Array(Type.Object({}, open))),
  },
  open,
);
const ExtManagedVirtualLinkData = Type.Object({ id: Str, vnfVirtualLinkDescId: Str, resourceId: Str }, open);

// 5.5.2.3 CreateVnfRequest (metadata: Tacker v1, seed 003)
export const CreateVnfRequest = Type.Object(
  { vnfdId: Str, vnfInstanceName: Type.Optional(Type.String()), vnfInstanceDescription: Type.Optional(Type.String()), metadata: Type.Optional(KV) },
  open,
);

// 5.5.2.4 InstantiateVnfRequest
export const InstantiateVnfRequest = Type.Object(
  {
    flavourId: Str,
    instantiationLevelId: Type.Optional(Str),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLinkData)),
    extManagedVirtualLinks: Type.Optional(Type.Array(ExtManagedVirtualLinkData)),
    vimConnectionInfo: Type.Optional(VimConnectionInfoList),
    localizationLanguage: Type.Optional(Type.String()),
    additionalParams: Type.Optional(KV),
    extensions: Type.Optional(KV),
    vnfConfigurableProperties: Type.Optional(KV),
  },
  open,
);

// 5.5.2.5 ScaleVnfRequest
export const ScaleVnfRequest = Type.Object(
  { type: literals(['SCALE_OUT', 'SCALE_IN']), aspectId: Str, numberOfSteps: Type.Optional(Type.Integer({ minimum: 1 })), additionalParams: Type.Optional(KV) },
  open,
);

// 5.5.2.8 TerminateVnfRequest
export const TerminateVnfRequest = Type.Object(
  { terminationType: literals(['FORCEFUL', 'GRACEFUL']), gracefulTerminationTimeout: Type.Optional(Type.Integer({ minimum: 0 })), additionalParams: Type.Optional(KV) },
  open,
);

// 5.5.2.9 HealVnfRequest (v2.6.1: cause, additionalParams; Tacker v1 adds vnfcInstanceId)
export const HealVnfRequest = Type.Object({ vnfcInstanceId: Type.Optional(Type.Array(Str)), cause: Type.Optional(Type.String()), additionalParams: Type.Optional(KV) }, open);

// 5.5.2.11 ChangeExtVnfConnectivityRequest
export const ChangeExtVnfConnectivityRequest = Type.Object(
  { extVirtualLinks: Type.Array(ExtVirtualLinkData, { minItems: 1 }), vimConnectionInfo: Type.Optional(VimConnectionInfoList), additionalParams: Type.Optional(KV) },
  open,
);

// 5.5.2.12 VnfInfoModificationRequest (vnfdId: Tacker v1, seed 003)
export const VnfInfoModificationRequest = Type.Object(
  {
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfdId: Type.Optional(Str),
    vnfPkgId: Type.Optional(Type.String({ format: 'uuid' })),
    vnfConfigurableProperties: Type.Optional(KV),
    metadata: Type.Optional(KV),
    extensions: Type.Optional(KV),
    vimConnectionInfo: Type.Optional(VimConnectionInfoList),
  },
  open,
);

// 5.5.2.15 CancelMode
export const CancelMode = Type.Object({ cancelMode: literals(['GRACEFUL', 'FORCEFUL']) }, open);

// 5.5.4.5 LcmOperationType as v2.6.1 lists it (no CHANGE_VNFPKG or snapshots).
export const LCM_OPERATION_TYPES_V1 = ['INSTANTIATE', 'SCALE', 'SCALE_TO_LEVEL', 'CHANGE_FLAVOUR', 'TERMINATE', 'HEAL', 'OPERATE', 'CHANGE_EXT_CONN', 'MODIFY_INFO'] as const;

// 5.5.3.12 LifecycleChangeNotificationsFilter. Unknown attributes are refused, as in v2: a
// misspelt attribute would otherwise widen the filter to everything.
const closed = { additionalProperties: false } as const;
const strings = Type.Array(Type.String({ minLength: 1 }));
export const LifecycleChangeNotificationsFilterV1 = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(
      Type.Object(
        { vnfdIds: Type.Optional(strings), vnfProductsFromProviders: Type.Optional(VnfProductsFromProviders), vnfInstanceIds: Type.Optional(strings), vnfInstanceNames: Type.Optional(strings) },
        closed,
      ),
    ),
    notificationTypes: Type.Optional(Type.Array(literals(LCM_NOTIFICATION_TYPES))),
    operationTypes: Type.Optional(Type.Array(literals(LCM_OPERATION_TYPES_V1))),
    operationStates: Type.Optional(Type.Array(literals(LCM_OPERATION_STATES))),
  },
  closed,
);

// 5.5.2.15 LccnSubscriptionRequest (v2.6.1 has no verbosity: v1 subscriptions get every detail).
export const LccnSubscriptionRequestV1 = Type.Object(
  { filter: Type.Optional(LifecycleChangeNotificationsFilterV1), callbackUri: Type.String({ minLength: 1, maxLength: 2048 }), authentication: Type.Optional(SubscriptionAuthentication) },
  open,
);
