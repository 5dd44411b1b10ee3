import { Type } from '@sinclair/typebox';
import type { MarketplacePackage } from '../../packages/marketplace.js';

// PackageMetaData (seed 004, and the fields ONAP's PackageMeta adds: format, deletionPending,
// remarks, report) plus what the reference asks for beyond ONAP: the size in bytes, the checksum,
// the onboarding state and, when one package is read, the whole validation report (lists carry
// its one-line summary in `report`, which keeps a 100-item page small).

const open = { additionalProperties: true } as const;

export const PackageMetaDataSchema = Type.Object(
  {
    csarId: Type.String(),
    name: Type.String(),
    provider: Type.String(),
    version: Type.String(),
    type: Type.String(),
    format: Type.String(),
    deletionPending: Type.Boolean(),
    createTime: Type.String(),
    modifyTime: Type.String(),
    downloadUri: Type.String(),
    size: Type.String(),
    sizeBytes: Type.Integer(),
    downloadCount: Type.Integer(),
    shortDesc: Type.String(),
    details: Type.String(),
    remarks: Type.String(),
    report: Type.String(),
    validationReport: Type.Optional(Type.Object({}, open)),
    onboardingState: Type.String(),
    vnfdId: Type.Optional(Type.String()),
    checksum: Type.Optional(Type.Object({}, open)),
  },
  open,
);

const UNITS: [number, string][] = [
  [1024 ** 3, 'G'],
  [1024 ** 2, 'M'],
  [1024, 'K'],
];

/**
 * The seed's display size ("0.93M"): 1024-based, two decimals, megabytes from 0.01M (10 KiB) up
 * to a gigabyte, kilobytes and bytes below. sizeBytes carries the exact number.
 */
export function displaySize(bytes: number): string {
  if (bytes >= UNITS[0][0]) return `${(bytes / UNITS[0][0]).toFixed(2)}G`;
  if (bytes >= 0.01 * UNITS[1][0]) return `${(bytes / UNITS[1][0]).toFixed(2)}M`;
  if (bytes >= UNITS[2][0]) return `${(bytes / UNITS[2][0]).toFixed(2)}K`;
  return `${bytes}B`;
}

/** The seed's "2016-06-29 03:33:15", in UTC (ONAP used the server's local time, zone unstated). */
export function displayTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function packageMetaData(p: MarketplacePackage, downloadUri: string) {
  const view: Record<string, unknown> = {
    csarId: p.csarId,
    name: p.name,
    provider: p.provider,
    version: p.version,
    type: p.type,
    format: 'yaml',
    deletionPending: false,
    createTime: displayTime(p.createdAt),
    modifyTime: displayTime(p.modifiedAt),
    downloadUri,
    size: displaySize(p.sizeBytes),
    sizeBytes: p.sizeBytes,
    downloadCount: p.downloadCount,
    shortDesc: p.shortDesc,
    details: p.details,
    remarks: p.remarks,
    report: p.reportLine,
    onboardingState: p.onboardingState,
  };
  if (p.report) view.validationReport = p.report;
  if (p.vnfdId) view.vnfdId = p.vnfdId;
  if (p.checksum) view.checksum = p.checksum;
  return view;
}
