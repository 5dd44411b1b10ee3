import path from 'node:path';
import { PKG } from '../errors.js';
import type { PackageLimits } from '../limits.js';
import { PackageProblem } from '../report.js';
import { parseToscaMeta, TOSCA_META_PATH, type ToscaMeta } from './tosca-meta.js';
import type { CsarArchive } from './zip-reader.js';

// SOL004 4.1 offers two layouts: a TOSCA-Metadata directory naming the entry definitions, or no
// such directory and exactly one YAML file at the root (with the manifest and certificate named
// after it).

export interface CsarLayout {
  kind: 'tosca-meta' | 'root-yaml';
  toscaMeta: ToscaMeta | null;
  entryDefinitions: string;
  manifestPath: string | null;
  certificatePath: string | null;
  changeLogPath: string | null;
  licensesPath: string | null;
  testsPath: string | null;
}

const isYaml = (f: string): boolean => /\.ya?ml$/i.test(f);
const isRoot = (f: string): boolean => !f.includes('/');

/** Normalises a path named by TOSCA.meta (relative to the CSAR root); null when it leaves the root. */
function inCsar(p: string): string | null {
  const n = path.posix.normalize(p.replace(/^\.\//, ''));
  return n.startsWith('../') || n === '..' || path.posix.isAbsolute(n) ? null : n.replace(/\/$/, '');
}

function named(csar: CsarArchive, key: string, value: string | undefined, want: 'file' | 'dir' | 'any'): string | null {
  if (value === undefined) return null;
  const p = inCsar(value);
  const ok = p !== null && (want === 'file' ? csar.isFile(p) : want === 'dir' ? csar.isDirectory(p) : csar.isFile(p) || csar.isDirectory(p));
  if (!ok) {
    const code = key === 'Entry-Definitions' ? PKG.entryDefinitions : PKG.toscaMeta;
    throw new PackageProblem(code, `${key} names ${value}, which is not a ${want === 'dir' ? 'directory' : 'file'} in the package`, { file: TOSCA_META_PATH });
  }
  return p;
}

export async function detectLayout(csar: CsarArchive, limits: PackageLimits): Promise<CsarLayout> {
  if (csar.isFile(TOSCA_META_PATH)) {
    const text = (await csar.read(TOSCA_META_PATH, limits.maxYamlBytes)).toString('utf8');
    const meta = parseToscaMeta(text);
    return {
      kind: 'tosca-meta',
      toscaMeta: meta,
      entryDefinitions: named(csar, 'Entry-Definitions', meta.entryDefinitions, 'file') as string,
      manifestPath: named(csar, 'ETSI-Entry-Manifest', meta.entryManifest, 'file'),
      certificatePath: named(csar, 'ETSI-Entry-Certificate', meta.entryCertificate, 'file'),
      changeLogPath: named(csar, 'ETSI-Entry-Change-Log', meta.entryChangeLog, 'file'),
      licensesPath: named(csar, 'ETSI-Entry-Licenses', meta.entryLicenses, 'any'),
      testsPath: named(csar, 'ETSI-Entry-Tests', meta.entryTests, 'dir'),
    };
  }
  if (csar.isDirectory('TOSCA-Metadata')) {
    throw new PackageProblem(PKG.toscaMeta, `the package has a TOSCA-Metadata directory but no ${TOSCA_META_PATH}`);
  }
  const rootYamls = csar.files().filter((f) => isRoot(f) && isYaml(f));
  if (rootYamls.length === 0 && csar.files().some((f) => isRoot(f) && f.toLowerCase().endsWith('.csar'))) {
    throw new PackageProblem(PKG.layout, 'this is a SOL004 security option 2 package (a CSAR inside a signed ZIP), which mecano does not accept; upload the inner CSAR');
  }
  if (rootYamls.length !== 1) {
    throw new PackageProblem(
      PKG.entryDefinitions,
      rootYamls.length === 0
        ? 'no Entry-Definitions: the package has neither TOSCA-Metadata/TOSCA.meta nor a YAML file at its root'
        : `without TOSCA-Metadata the root must hold exactly one YAML file, found ${rootYamls.join(', ')}`,
    );
  }
  const entry = rootYamls[0];
  const base = entry.replace(/\.ya?ml$/i, '');
  const rootMfs = csar.files().filter((f) => isRoot(f) && f.toLowerCase().endsWith('.mf'));
  const manifest = csar.isFile(`${base}.mf`) ? `${base}.mf` : rootMfs.length === 1 ? rootMfs[0] : null;
  const pick = (f: string): string | null => (csar.isFile(f) ? f : null);
  return {
    kind: 'root-yaml',
    toscaMeta: null,
    entryDefinitions: entry,
    manifestPath: manifest,
    certificatePath: pick(`${base}.cert`),
    changeLogPath: null,
    licensesPath: null,
    testsPath: null,
  };
}
