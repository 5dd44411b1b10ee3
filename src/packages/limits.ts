// Limits applied while reading an uploaded package. Every one bounds memory, disk or CPU that an
// attacker-controlled archive could otherwise claim (DESIGN.md "Errors and input").

export interface PackageLimits {
  /** Central-directory records; 10 000 by the issue. */
  maxEntries: number;
  /** Sum of declared uncompressed sizes (yauzl enforces that the data matches the declaration). */
  maxTotalUncompressedBytes: number;
  /** uncompressed / compressed of one entry, checked for entries above `compressionRatioMinBytes`. */
  maxCompressionRatio: number;
  /** Small files (tens of KB of YAML) legitimately deflate 10–50x; only large entries can be bombs. */
  compressionRatioMinBytes: number;
  /** Each YAML document (VNFD files) and TOSCA.meta. */
  maxYamlBytes: number;
  /** yaml's alias-expansion budget (billion laughs). */
  maxYamlAliasCount: number;
  /** Files a VNFD may import transitively. */
  maxVnfdFiles: number;
  maxManifestBytes: number;
  /** Refuse packages without a manifest (SOL004 requires one; Tacker does not). */
  requireManifest: boolean;
  /** Refuse packages with files the manifest does not list (SOL004 security option 1, ONAP R-77707). */
  requireAllFilesInManifest: boolean;
  /** PEM bundle of CAs trusted for package signatures; without it only signature integrity is verified. */
  trustedCaFile?: string;
}

export const DEFAULT_PACKAGE_LIMITS: Readonly<PackageLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalUncompressedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 200,
  compressionRatioMinBytes: 1024 * 1024,
  maxYamlBytes: 2 * 1024 * 1024,
  maxYamlAliasCount: 100,
  maxVnfdFiles: 64,
  maxManifestBytes: 8 * 1024 * 1024,
  requireManifest: false,
  requireAllFilesInManifest: false,
});

export function resolveLimits(partial: Partial<PackageLimits> = {}): PackageLimits {
  const out: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
