import path from 'node:path';
import { PKG } from '../errors.js';
import { PackageProblem } from '../report.js';

// The SOL004 (v2.6.1 4.3.2 / 5.3) manifest: a `metadata:` block, an optional `non_mano_artifact_sets:`
// block, one digest block per artifact (Source / Algorithm / Hash, optionally Signature /
// Certificate) and, last, an optional CMS signature of everything before it.

export interface ManifestArtifact {
  source: string;
  algorithm?: string;
  hash?: string;
  signature?: string;
  certificate?: string;
  line: number;
}

export interface Manifest {
  path: string;
  metadata: Record<string, string>;
  artifacts: ManifestArtifact[];
  nonManoArtifactSets: Record<string, string[]>;
  /** PEM text of the manifest's CMS signature, when present. */
  cms: string | null;
  /** The bytes the CMS signature covers (the manifest up to the CMS block). */
  signedText: string | null;
}

const VNF_KEYS = ['vnf_provider_id', 'vnf_product_name', 'vnf_release_date_time', 'vnf_package_version'];
const PNF_KEYS = ['pnfd_provider', 'pnfd_name', 'pnfd_release_date_time', 'pnfd_archive_version'];
// RFC 3339 date-time; SOL004 requires it for the release date.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const CMS_BEGIN = '-----BEGIN CMS-----';
const CMS_END = '-----END CMS-----';

/** Canonical SOL004 algorithm name and Node's digest name, or null when unsupported. */
export function digestAlgorithm(name: string): { canonical: string; node: string } | null {
  const m = /^sha-?(224|256|384|512)$/i.exec(name.trim());
  return m ? { canonical: `SHA-${m[1]}`, node: `sha${m[1]}` } : null;
}

/** CSAR path of a manifest Source; null for a URI, '' for a path that leaves the package. */
export function manifestSourcePath(source: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(source)) return null;
  const p = path.posix.normalize(source.replace(/^\.\//, '').replace(/^\//, ''));
  return p === '..' || p.startsWith('../') ? '' : p;
}

function splitCms(text: string, file: string): { body: string; cms: string | null; signedText: string | null } {
  const begin = text.indexOf(CMS_BEGIN);
  if (begin < 0) return { body: text, cms: null, signedText: null };
  const end = text.indexOf(CMS_END, begin);
  const line = text.slice(0, begin).split('\n').length;
  if (end < 0) throw new PackageProblem(PKG.manifest, 'the CMS signature block is not terminated', { file, line });
  if (text.slice(end + CMS_END.length).trim() !== '') {
    throw new PackageProblem(PKG.manifest, 'text follows the CMS signature block; it must end the manifest', { file, line });
  }
  return { body: text.slice(0, begin), cms: text.slice(begin, end + CMS_END.length) + '\n', signedText: text.slice(0, begin) };
}

interface Line {
  n: number;
  indent: number;
  key: string;
  value: string;
}

function tokenize(body: string, file: string): (Line | null)[] {
  return body.split(/\r?\n/).map((raw, i) => {
    if (raw.trim() === '') return null;
    const m = /^([ \t]*)([^:]+?):(?:[ \t]+(.*))?$/.exec(raw);
    if (!m) throw new PackageProblem(PKG.manifest, `line ${i + 1} is not a "key: value" line`, { file, line: i + 1 });
    return { n: i + 1, indent: m[1].length, key: m[2].trim(), value: (m[3] ?? '').trim() };
  });
}

export function parseManifest(text: string, file: string): Manifest {
  const { body, cms, signedText } = splitCms(text, file);
  const lines = tokenize(body, file);
  const m: Manifest = { path: file, metadata: {}, artifacts: [], nonManoArtifactSets: {}, cms, signedText };
  let block: 'none' | 'metadata' | 'sets' | 'artifact' = 'none';
  let set: string | null = null;
  let artifact: ManifestArtifact | null = null;
  for (const l of lines) {
    if (l === null) {
      if (block !== 'sets') block = 'none';
      continue;
    }
    if (l.indent === 0 && l.value === '' && (l.key === 'metadata' || l.key === 'non_mano_artifact_sets')) {
      block = l.key === 'metadata' ? 'metadata' : 'sets';
      continue;
    }
    if (block === 'sets' && l.indent > 0) {
      if (l.key === 'Source' && set) m.nonManoArtifactSets[set].push(l.value);
      else if (l.value === '' && /^[0-9a-z_-]+(\.[0-9a-z_-]+)*$/.test(l.key)) set = l.key;
      else throw new PackageProblem(PKG.manifest, `unexpected line in non_mano_artifact_sets: ${l.key}`, { file, line: l.n });
      if (set && !m.nonManoArtifactSets[set]) m.nonManoArtifactSets[set] = [];
      continue;
    }
    if (block === 'metadata') {
      if (m.metadata[l.key] !== undefined) throw new PackageProblem(PKG.manifest, `metadata key ${l.key} appears twice`, { file, line: l.n });
      m.metadata[l.key] = l.value;
      continue;
    }
    if (l.key === 'Source') {
      artifact = { source: l.value, line: l.n };
      m.artifacts.push(artifact);
      block = 'artifact';
      continue;
    }
    if (block === 'artifact' && artifact && ['Algorithm', 'Hash', 'Signature', 'Certificate'].includes(l.key)) {
      const k = l.key.toLowerCase() as 'algorithm' | 'hash' | 'signature' | 'certificate';
      if (artifact[k] !== undefined) throw new PackageProblem(PKG.manifest, `${l.key} appears twice for ${artifact.source}`, { file, line: l.n });
      artifact[k] = l.value;
      continue;
    }
    throw new PackageProblem(PKG.manifest, `unexpected line "${l.key}: ${l.value}"`, { file, line: l.n });
  }
  validate(m, file);
  return m;
}

function validate(m: Manifest, file: string): void {
  const keys = Object.keys(m.metadata);
  if (keys.length === 0) throw new PackageProblem(PKG.manifest, 'the manifest has no metadata block', { file, line: 1 });
  // The ONAP VNF SDK wrote `vnf_release_data_time` (SOL004 v2.4.1 typo); accept it as the date.
  if (m.metadata.vnf_release_data_time && !m.metadata.vnf_release_date_time) m.metadata.vnf_release_date_time = m.metadata.vnf_release_data_time;
  const required = keys.some((k) => k.startsWith('pnfd_')) ? PNF_KEYS : VNF_KEYS;
  for (const k of required) {
    if (!m.metadata[k]) throw new PackageProblem(PKG.manifest, `metadata ${k} is missing`, { file });
  }
  const date = m.metadata.vnf_release_date_time ?? m.metadata.pnfd_release_date_time;
  if (!RFC3339.test(date)) throw new PackageProblem(PKG.manifest, `release date-time '${date}' is not an RFC 3339 date-time`, { file });
  const seen = new Set<string>();
  for (const a of m.artifacts) {
    if (seen.has(a.source)) throw new PackageProblem(PKG.manifest, `Source ${a.source} is listed twice`, { file, line: a.line });
    seen.add(a.source);
    if ((a.algorithm === undefined) !== (a.hash === undefined)) {
      throw new PackageProblem(PKG.manifest, `Source ${a.source} needs both Algorithm and Hash`, { file, line: a.line });
    }
    if (a.algorithm !== undefined && !digestAlgorithm(a.algorithm)) {
      throw new PackageProblem(PKG.manifest, `unsupported digest algorithm ${a.algorithm} for ${a.source} (SHA-224/256/384/512)`, { file, line: a.line });
    }
    if (a.hash !== undefined && !/^[0-9a-fA-F]+$/.test(a.hash)) {
      throw new PackageProblem(PKG.manifest, `Hash of ${a.source} is not hexadecimal`, { file, line: a.line });
    }
  }
}
