import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

// Validates our responses against ETSI's published schemas in ../shared/etsi-schemas
// (draft-07, non-standard formats tolerated, Windows-1252 files decoded leniently: see its README).

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ETSI_DIR = [process.env.MECANO_ETSI_SCHEMAS, path.resolve(REPO, '../shared/etsi-schemas'), '/work/shared/etsi-schemas'].find(
  (p): p is string => !!p && existsSync(p),
);

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const cache = new Map<string, ValidateFunction>();

function load(rel: string): Record<string, unknown> {
  if (!ETSI_DIR) throw new Error('ETSI schemas not found (expected ../shared/etsi-schemas)');
  const file = path.join(ETSI_DIR, rel);
  const schema = JSON.parse(new TextDecoder('windows-1252').decode(readFileSync(file))) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = `file://${file}`;
  // The hand-written list wrappers refer to their item schema by a relative file name.
  for (const m of JSON.stringify(schema).matchAll(/"\$ref":"\.\/([^"#]+)"/g)) {
    const dep = path.join(path.dirname(rel), m[1]);
    if (!ajv.getSchema(`file://${path.join(ETSI_DIR, dep)}`)) ajv.addSchema(load(dep));
  }
  return schema;
}

/** Throws with the validator's errors when `data` does not validate against the schema file. */
export function assertEtsi(rel: string, data: unknown, ignoreKeywords: string[] = []): void {
  let v = cache.get(rel);
  if (!v) {
    v = ajv.compile(load(rel));
    cache.set(rel, v);
  }
  if (v(data)) return;
  // Advisory keywords are ignored with everything their branches reported.
  const errors = (v.errors ?? []).filter((e) => !ignoreKeywords.some((k) => e.keyword === k || e.schemaPath.includes(`/${k}/`)));
  if (errors.length === 0) return;
  throw new Error(`does not validate against ${rel}: ${ajv.errorsText(errors)}\n${JSON.stringify(data, null, 2).slice(0, 2000)}`);
}

export const SOL005 = 'sol005/VNFPackageManagement-API/schemas';
export const SOL003_V1 = 'sol003-v2.6.1/VNFLifecycleManagement-API/schemas';
export const SOL003_V3 = 'sol003-v3.x';
