import { PKG } from '../errors.js';
import { PackageProblem } from '../report.js';

// TOSCA-Metadata/TOSCA.meta (TOSCA CSAR 1.1 block_0 + SOL004 5.2 keys). Keys are matched without
// regard to case because real packages differ: pkgtools writes `Created-By`, Tacker and the ONAP
// validator `Created-by`. SOL004 v2.4.1 wrote the ETSI keys without the `ETSI-` prefix; both are read.

export const TOSCA_META_PATH = 'TOSCA-Metadata/TOSCA.meta';

export interface ToscaMeta {
  toscaMetaFileVersion: string;
  csarVersion: string;
  createdBy: string;
  entryDefinitions: string;
  entryManifest?: string;
  entryChangeLog?: string;
  entryLicenses?: string;
  entryTests?: string;
  entryCertificate?: string;
  /** Every key as written (first block only), for keys mecano does not interpret. */
  raw: Record<string, string>;
}

const SUPPORTED_META_VERSIONS = new Set(['1.0', '1.1']);
const SUPPORTED_CSAR_VERSIONS = new Set(['1.0', '1.1']);

const ETSI_KEYS: Record<string, keyof ToscaMeta> = {
  'entry-manifest': 'entryManifest',
  'entry-change-log': 'entryChangeLog',
  'entry-licenses': 'entryLicenses',
  'entry-tests': 'entryTests',
  'entry-certificate': 'entryCertificate',
};

function problem(message: string, line?: number): PackageProblem {
  return new PackageProblem(PKG.toscaMeta, message, { file: TOSCA_META_PATH, line });
}

/** Parses the first block of TOSCA.meta ("Key: value" lines; a leading space continues a value). */
function parseBlock0(text: string): { values: Map<string, { key: string; value: string; line: number }> } {
  const values = new Map<string, { key: string; value: string; line: number }>();
  let last: { key: string; value: string; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      if (values.size > 0) break; // later blocks describe individual files (TOSCA CSAR 1.1 "Name:" blocks)
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      last.value += line.trim();
      continue;
    }
    const m = /^([^:\s][^:]*):[ \t]*(.*)$/.exec(line);
    if (!m) throw problem(`line ${i + 1} is not a "Key: value" pair`, i + 1);
    const lower = m[1].trim().toLowerCase();
    if (values.has(lower)) throw problem(`key ${m[1].trim()} appears twice`, i + 1);
    last = { key: m[1].trim(), value: m[2].trim(), line: i + 1 };
    values.set(lower, last);
  }
  return { values };
}

export function parseToscaMeta(text: string): ToscaMeta {
  const { values } = parseBlock0(text);
  const get = (k: string): string | undefined => values.get(k.toLowerCase())?.value;
  const required = (k: string): string => {
    const v = get(k);
    if (v !== undefined && v !== '') return v;
    if (k === 'Entry-Definitions') throw new PackageProblem(PKG.entryDefinitions, `required key ${k} is missing`, { file: TOSCA_META_PATH });
    throw problem(`required key ${k} is missing`);
  };
  const meta: ToscaMeta = {
    toscaMetaFileVersion: required('TOSCA-Meta-File-Version'),
    csarVersion: required('CSAR-Version'),
    createdBy: required('Created-By'),
    entryDefinitions: required('Entry-Definitions'),
    raw: Object.fromEntries([...values.values()].map((v) => [v.key, v.value])),
  };
  if (!SUPPORTED_META_VERSIONS.has(meta.toscaMetaFileVersion)) {
    throw problem(`TOSCA-Meta-File-Version ${meta.toscaMetaFileVersion} is not supported (expected 1.0 or 1.1)`, values.get('tosca-meta-file-version')?.line);
  }
  if (!SUPPORTED_CSAR_VERSIONS.has(meta.csarVersion)) {
    throw problem(`CSAR-Version ${meta.csarVersion} is not supported (expected 1.0 or 1.1)`, values.get('csar-version')?.line);
  }
  for (const [suffix, field] of Object.entries(ETSI_KEYS)) {
    const etsi = values.get(`etsi-${suffix}`);
    const legacy = values.get(suffix);
    if (etsi && legacy && etsi.value !== legacy.value) {
      throw problem(`ETSI-${etsi.key.slice(5)} and ${legacy.key} name different files`, legacy.line);
    }
    const v = (etsi ?? legacy)?.value;
    if (v) (meta as unknown as Record<string, string>)[field] = v;
  }
  return meta;
}
