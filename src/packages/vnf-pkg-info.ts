import { Type, type Static } from '@sinclair/typebox';
import type { QuerySpec } from '../query/types.js';
import { closedSchema } from '../query/closed-schema.js';

// SOL005 v2.6.1 9.5.2.5 VnfPkgInfo (and its parts), the document stored for every package.
// Objects stay open (additionalProperties) because ETSI defines them as extensible.

const open = { additionalProperties: true } as const;
export const KeyValuePairs = Type.Record(Type.String(), Type.Unknown());
export const Checksum = Type.Object({ algorithm: Type.String(), hash: Type.String() }, open);
export const Link = Type.Object({ href: Type.String() }, open);
export const ProblemDetailsSchema = Type.Object(
  { type: Type.Optional(Type.String()), title: Type.Optional(Type.String()), status: Type.Integer(), detail: Type.String(), instance: Type.Optional(Type.String()) },
  { ...open, $id: 'ProblemDetails' },
);

export const VnfPackageSoftwareImageInfo = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    provider: Type.String(),
    version: Type.String(),
    checksum: Checksum,
    isPrimaryInfo: Type.Optional(Type.Boolean()),
    containerFormat: Type.String(),
    diskFormat: Type.String(),
    createdAt: Type.String(),
    minDisk: Type.Integer(),
    minRam: Type.Integer(),
    size: Type.Integer(),
    userMetadata: Type.Optional(KeyValuePairs),
    imagePath: Type.String(),
    imageUri: Type.Optional(Type.String()),
  },
  open,
);

export const VnfPackageArtifactInfo = Type.Object(
  {
    artifactPath: Type.Optional(Type.String()),
    artifactURI: Type.Optional(Type.String()),
    checksum: Checksum,
    isManifest: Type.Optional(Type.Boolean()),
    isChangeLog: Type.Optional(Type.Boolean()),
    nonManoArtifactSetId: Type.Optional(Type.String()),
    artifactClassification: Type.Optional(Type.String()),
    metadata: Type.Optional(KeyValuePairs),
  },
  open,
);

export const OnboardingState = Type.Union(['CREATED', 'UPLOADING', 'PROCESSING', 'ONBOARDED', 'ERROR'].map((s) => Type.Literal(s)));
export const OperationalState = Type.Union([Type.Literal('ENABLED'), Type.Literal('DISABLED')]);
export const UsageState = Type.Union([Type.Literal('IN_USE'), Type.Literal('NOT_IN_USE')]);

/** The stored document: VnfPkgInfo without `_links` (views add them from the public URL). */
export const VnfPkgDocSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    vnfdId: Type.Optional(Type.String()),
    vnfProvider: Type.Optional(Type.String()),
    vnfProductName: Type.Optional(Type.String()),
    vnfSoftwareVersion: Type.Optional(Type.String()),
    vnfdVersion: Type.Optional(Type.String()),
    compatibleSpecificationVersions: Type.Optional(Type.Array(Type.String())),
    checksum: Type.Optional(Checksum),
    packageSecurityOption: Type.Optional(Type.Union([Type.Literal('OPTION_1'), Type.Literal('OPTION_2')])),
    signingCertificate: Type.Optional(Type.String()),
    softwareImages: Type.Optional(Type.Array(VnfPackageSoftwareImageInfo)),
    additionalArtifacts: Type.Optional(Type.Array(VnfPackageArtifactInfo)),
    onboardingState: OnboardingState,
    operationalState: OperationalState,
    usageState: UsageState,
    vnfmInfo: Type.Optional(Type.Array(Type.String())),
    userDefinedData: Type.Optional(KeyValuePairs),
    onboardingFailureDetails: Type.Optional(ProblemDetailsSchema),
  },
  open,
);

export const VnfPkgInfoSchema = Type.Composite([
  VnfPkgDocSchema,
  Type.Object({
    _links: Type.Object({ self: Link, vnfd: Type.Optional(Link), packageContent: Link }, open),
  }),
]);
export type VnfPkgInfo = Static<typeof VnfPkgInfoSchema>;

export const VNF_PKG_QUERY: QuerySpec = {
  resource: 'VnfPkgInfo',
  schema: closedSchema(VnfPkgDocSchema),
  columns: {
    onboardingState: { column: 'onboarding_state', type: 'text' },
    operationalState: { column: 'operational_state', type: 'text' },
    usageState: { column: 'usage_state', type: 'text' },
  },
  // SOL005 9.4.2.3.2: excluded by default from list responses.
  defaultExcluded: ['softwareImages', 'additionalArtifacts', 'userDefinedData', 'checksum', 'onboardingFailureDetails'],
};
