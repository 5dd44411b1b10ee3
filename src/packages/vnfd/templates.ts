import path from 'node:path';
import { PKG } from '../errors.js';
import { PackageProblem } from '../report.js';
import { KNOWN_TYPE_FILES } from './sol001-types.js';
import { At, asList, asMap, str, type YMap } from './values.js';
import { loadYaml, type YamlLimits } from './yaml-load.js';

// Loads the entry service template and, depth first, every template it imports. Imports are
// resolved inside the CSAR only: relative to the importing file, or from the CSAR root for a
// leading '/'. Nothing is fetched. A SOL001 type file that is imported but not shipped (or
// imported by URL, as the ETSI files import each other) is satisfied by the built-in types.

export interface VnfdSource {
  isFile(p: string): boolean;
  read(p: string, maxBytes: number): Promise<Buffer>;
}

export interface LoadedTemplate {
  file: string;
  root: YMap;
  at: At;
  toscaDefinitionsVersion: string;
}

export interface TemplateLimits extends YamlLimits {
  maxVnfdFiles: number;
}

// TOSCA Simple Profile in YAML 1.0–1.3: SOL001 v2.x uses 1_2, v3/v4 use 1_3.
export const SUPPORTED_TOSCA_VERSIONS = ['tosca_simple_yaml_1_0', 'tosca_simple_yaml_1_1', 'tosca_simple_yaml_1_2', 'tosca_simple_yaml_1_3'];

const URL_RE = /^[a-z][a-z0-9+.-]*:/i;

function importRef(item: unknown, at: At): string {
  if (typeof item === 'string') return item;
  const m = asMap(item, at);
  if ('file' in m) {
    if (m.repository !== undefined) at.fail(`imports from repository ${String(m.repository)} are not supported (nothing is fetched)`, PKG.importUnresolved);
    return str(m.file, at.child('file'));
  }
  const keys = Object.keys(m);
  if (keys.length !== 1) return at.fail('an import must be a file name, {file: ...} or a single-key map', PKG.importUnresolved);
  const v = m[keys[0]];
  return typeof v === 'string' ? v : importRef(v, at.child(keys[0]));
}

type Resolved = { kind: 'file'; path: string } | { kind: 'builtin'; name: string };

function resolveImport(source: VnfdSource, from: string, ref: string, at: At): Resolved {
  const dir = path.posix.dirname(from);
  if (URL_RE.test(ref)) {
    const base = path.posix.basename(ref.split(/[?#]/)[0]);
    if (KNOWN_TYPE_FILES.has(base)) {
      const local = path.posix.join(dir, base);
      return source.isFile(local) ? { kind: 'file', path: local } : { kind: 'builtin', name: base };
    }
    return at.fail(`import ${ref} is remote; mecano does not fetch imports, ship the file in the package`, PKG.importUnresolved);
  }
  const joined = ref.startsWith('/') ? ref.slice(1) : path.posix.join(dir, ref);
  const p = path.posix.normalize(joined);
  if (p === '..' || p.startsWith('../')) return at.fail(`import ${ref} points outside the package`, PKG.importUnresolved);
  if (source.isFile(p)) return { kind: 'file', path: p };
  const base = path.posix.basename(p);
  if (KNOWN_TYPE_FILES.has(base)) return { kind: 'builtin', name: base };
  return at.fail(`import ${ref} is not in the package (looked for ${p})`, PKG.importUnresolved);
}

async function readLimited(source: VnfdSource, file: string, max: number): Promise<Buffer> {
  try {
    return await source.read(file, max);
  } catch (e) {
    if (e instanceof PackageProblem && e.code === PKG.entryTooLarge) {
      throw new PackageProblem(PKG.yamlTooLarge, `${file} is larger than the YAML limit of ${max} bytes`, { file, cause: e });
    }
    throw e;
  }
}

export async function loadTemplates(
  source: VnfdSource,
  entry: string,
  limits: TemplateLimits,
): Promise<{ templates: LoadedTemplate[]; builtinImports: string[] }> {
  const templates: LoadedTemplate[] = [];
  const builtin = new Set<string>();
  const seen = new Set<string>();

  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    if (seen.size > limits.maxVnfdFiles) {
      throw new PackageProblem(PKG.vnfd, `the VNFD imports more than ${limits.maxVnfdFiles} files`, { file });
    }
    const y = loadYaml(file, await readLimited(source, file, limits.maxYamlBytes), limits);
    const at = At.of(y);
    const root = asMap(y.value, at);
    const version = root.tosca_definitions_version;
    if (version === undefined) at.child('tosca_definitions_version').fail('is required', PKG.toscaVersion);
    if (typeof version !== 'string' || !SUPPORTED_TOSCA_VERSIONS.includes(version)) {
      at.child('tosca_definitions_version').fail(`${String(version)} is not supported (expected one of ${SUPPORTED_TOSCA_VERSIONS.join(', ')})`, PKG.toscaVersion);
    }
    templates.push({ file, root, at, toscaDefinitionsVersion: version as string });
    const imports = root.imports === undefined || root.imports === null ? [] : asList(root.imports, at.child('imports'));
    for (let i = 0; i < imports.length; i++) {
      const iat = at.child('imports').child(i);
      const r = resolveImport(source, file, importRef(imports[i], iat), iat);
      if (r.kind === 'builtin') builtin.add(r.name);
      else await visit(r.path);
    }
  };

  await visit(entry);
  return { templates, builtinImports: [...builtin].sort() };
}
