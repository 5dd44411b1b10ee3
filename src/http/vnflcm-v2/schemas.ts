import { Type } from '@sinclair/typebox';

// SOL003 v3.3.1 request bodies (clause numbers in comments). Objects stay open where ETSI
// defines them as extensible; required members and types are enforced.

const open = { additionalProperties: true } as const;
const KV = Type.Record(Type.String(), Type.Unknown());
const Str = Type.String({ minLength: 1 });

// 4.4.1.6 VimConnectionInfo
export const VimConnectionInfo = Type.Object(
  { vimId: Type.Optional(Str), vimType: Str, interfaceInfo: Type.Optional(KV), accessInfo: Type.Optional(KV), extra: Type.Optional(KV) },
  open,
);
export const VimConnectionInfoMap = Type.Record(Type.String(), VimConnectionInfo);

// 4.4.1.10 VnfExtCpData, 4.4.1.11 ExtVirtualLinkData
const VnfExtCpData = Type.Object({ cpdId: Str, cpConfig: Type.Optional(Type.Record(Type.String(), Type.Object({}, open))) }, open);
export const ExtVirtualLinkData = Type.Object(
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

// 5.5.2.3 CreateVnfRequest
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
    vimConnectionInfo: Type.Optional(VimConnectionInfoMap),
    localizationLanguage: Type.Optional(Type.String()),
    additionalParams: Type.Optional(KV),
    extensions: Type.Optional(KV),
    vnfConfigurableProperties: Type.Optional(KV),
  },
  open,
);

// 5.5.2.5 ScaleVnfRequest
export const ScaleVnfRequest = Type.Object(
  {
    type: Type.Union([Type.Literal('SCALE_OUT'), Type.Literal('SCALE_IN')]),
    aspectId: Str,
    numberOfSteps: Type.Optional(Type.Integer({ minimum: 1 })),
    additionalParams: Type.Optional(KV),
  },
  open,
);

// 5.5.2.8 TerminateVnfRequest
export const TerminateVnfRequest = Type.Object(
  {
    terminationType: Type.Union([Type.Literal('FORCEFUL'), Type.Literal('GRACEFUL')]),
    gracefulTerminationTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
    additionalParams: Type.Optional(KV),
  },
  open,
);

// 5.5.2.9 HealVnfRequest (SOL003: vnfcInstanceId, cause, additionalParams, healScript)
export const HealVnfRequest = Type.Object(
  { vnfcInstanceId: Type.Optional(Type.Array(Str)), cause: Type.Optional(Type.String()), additionalParams: Type.Optional(KV), healScript: Type.Optional(Type.String()) },
  open,
);

// 5.5.2.11 ChangeExtVnfConnectivityRequest
export const ChangeExtVnfConnectivityRequest = Type.Object(
  { extVirtualLinks: Type.Array(ExtVirtualLinkData, { minItems: 1 }), vimConnectionInfo: Type.Optional(VimConnectionInfoMap), additionalParams: Type.Optional(KV) },
  open,
);

// 5.5.2.11a ChangeCurrentVnfPkgRequest
export const ChangeCurrentVnfPkgRequest = Type.Object(
  {
    vnfdId: Str,
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLinkData)),
    extManagedVirtualLinks: Type.Optional(Type.Array(ExtManagedVirtualLinkData)),
    vimConnectionInfo: Type.Optional(VimConnectionInfoMap),
    additionalParams: Type.Optional(KV),
    extensions: Type.Optional(KV),
    vnfConfigurableProperties: Type.Optional(KV),
  },
  open,
);

// 5.5.2.12 VnfInfoModificationRequest
export const VnfInfoModificationRequest = Type.Object(
  {
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfdId: Type.Optional(Str),
    vnfConfigurableProperties: Type.Optional(KV),
    metadata: Type.Optional(KV),
    extensions: Type.Optional(KV),
    vimConnectionInfo: Type.Optional(VimConnectionInfoMap),
    vnfcInfoModifications: Type.Optional(Type.Array(Type.Object({ id: Str, vnfcConfigurableProperties: KV }, open))),
  },
  open,
);

// 5.5.2.15 CancelMode
export const CancelMode = Type.Object({ cancelMode: Type.Union([Type.Literal('GRACEFUL'), Type.Literal('FORCEFUL')]) }, open);

export const AnyObject = Type.Object({}, open);
