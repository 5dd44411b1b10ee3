import { createHash } from 'node:crypto';
import type { CsarArchive } from './csar/zip-reader.js';
import type { Checksum, SwImage, SwImageKind, Vnfd } from './vnfd/model.js';

// SOL005 (v2.6.1 9.5.3.2/9.5.3.3, v3.x adds artifactClassification and isEncrypted) artifact
// descriptions derived from the package, and the single pass over each file that computes them.

export interface VnfPackageSoftwareImageInfo {
  id: string;
  name: string;
  provider: string;
  version: string;
  checksum: Checksum;
  containerFormat: string;
  diskFormat: string;
  createdAt: string;
  /** Bytes (SOL005: "minimal disk for this software image in bytes"). */
  minDisk: number;
  minRam: number;
  size: number;
  userMetadata: Record<string, unknown>;
  /** Path inside the package; '' when the VNFD names an image the package does not ship. */
  imagePath: string;
  imageUri?: string;
}

export interface VnfPackageArtifactInfo {
  artifactPath: string;
  checksum: Checksum;
  nonManoArtifactSetId?: string;
  artifactClassification?: 'HISTORY' | 'TESTING' | 'LICENSE';
  isEncrypted: boolean;
  metadata: Record<string, unknown>;
}

export interface FileDigest {
  /** node algorithm name (sha256, sha512, ...) → lower-case hex. */
  digests: Record<string, string>;
  size: number;
  /** First bytes of the file, to tell executables from disk images. */
  head: Buffer;
}

const HEAD_BYTES = 4;

/** Streams one entry once, computing every requested digest (sha256 always). */
export async function digestEntry(csar: CsarArchive, name: string, algorithms: Iterable<string>): Promise<FileDigest> {
  const hashes = new Map([...new Set(['sha256', ...algorithms])].map((a) => [a, createHash(a)]));
  let size = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of await csar.stream(name)) {
    const b = chunk as Buffer;
    if (head.length < HEAD_BYTES) head = Buffer.concat([head, b.subarray(0, HEAD_BYTES - head.length)]);
    size += b.length;
    for (const h of hashes.values()) h.update(b);
  }
  return { digests: Object.fromEntries([...hashes].map(([a, h]) => [a, h.digest('hex')])), size, head };
}

const VM_DISKS = new Set(['qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso', 'raw', 'aki', 'ami', 'ari']);

/** docs/packages.md: a shipped artifact starting with "#!" or an ELF header is run as a process. */
export function imageKind(img: SwImage, head: Buffer | null): SwImageKind {
  if (head && (head.subarray(0, 2).toString('latin1') === '#!' || head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])))) return 'executable';
  if (img.containerFormat === 'docker') return 'container';
  if (VM_DISKS.has(img.diskFormat) || ['ova', 'ovf', 'ami', 'aki', 'ari'].includes(img.containerFormat)) return 'vm-image';
  return 'other';
}

/** Every software image of every flavour (VDUs and block storages), once per image id. */
export function softwareImagesOf(vnfd: Vnfd): { id: string; image: SwImage }[] {
  const out = new Map<string, SwImage>();
  for (const f of Object.values(vnfd.flavours)) {
    const owners: [string, SwImage | null][] = [
      ...Object.values(f.vdus).map((v): [string, SwImage | null] => [v.id, v.swImage]),
      ...Object.values(f.storages).map((s): [string, SwImage | null] => [s.id, s.swImage]),
    ];
    for (const [id, img] of owners) {
      if (!img) continue;
      const prev = out.get(id);
      const key = prev && (prev.artifactPath !== img.artifactPath || prev.name !== img.name) ? `${f.flavourId}.${id}` : id;
      out.set(key, img);
    }
  }
  return [...out].map(([id, image]) => ({ id, image }));
}

export function softwareImageInfo(
  id: string,
  img: SwImage,
  provider: string,
  file: FileDigest | null,
  createdAt: string,
): VnfPackageSoftwareImageInfo {
  const info: VnfPackageSoftwareImageInfo = {
    id,
    name: img.name,
    provider,
    version: img.version,
    checksum: img.checksum ?? { algorithm: 'SHA-256', hash: file?.digests.sha256 ?? '' },
    containerFormat: img.containerFormat.toUpperCase(),
    diskFormat: img.diskFormat.toUpperCase(),
    createdAt,
    minDisk: img.minDiskBytes,
    minRam: img.minRamBytes,
    size: img.sizeBytes || file?.size || 0,
    userMetadata: {},
    imagePath: img.artifactPath ?? '',
  };
  if (img.artifactUri) info.imageUri = img.artifactUri;
  return info;
}
