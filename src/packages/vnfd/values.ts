import { PKG } from '../errors.js';
import { PackageProblem } from '../report.js';
import { lineOf, type LoadedYaml } from './yaml-load.js';

// Typed reads from parsed YAML with located errors: every failure names the file and the YAML
// path, e.g. "Definitions/df.yaml: topology_template.node_templates.VDU1.properties.vdu_profile
// .max_number_of_instances: must be an integer", plus the line for the validation report.

export class At {
  constructor(
    readonly y: LoadedYaml | null,
    readonly file: string,
    readonly path: (string | number)[] = [],
  ) {}

  static of(y: LoadedYaml): At {
    return new At(y, y.file);
  }

  child(key: string | number): At {
    return new At(this.y, this.file, [...this.path, key]);
  }

  toString(): string {
    return this.path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
  }

  fail(message: string, code: string = PKG.vnfd): never {
    const where = this.toString();
    throw new PackageProblem(code, `${this.file}: ${where ? `${where}: ` : ''}${message}`, {
      file: this.file,
      yamlPath: this.path,
      line: this.y ? lineOf(this.y, this.path) : undefined,
    });
  }
}

export type YMap = Record<string, unknown>;

const FUNCTIONS = new Set(['get_input', 'get_property', 'get_attribute', 'get_operation_output', 'get_artifact', 'concat', 'join', 'token']);

/** A TOSCA intrinsic function value such as { get_input: selected_flavour }. */
export function isToscaFunction(v: unknown): v is YMap {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && FUNCTIONS.has(keys[0]);
}

function describe(v: unknown): string {
  if (isToscaFunction(v)) return `a TOSCA function (${Object.keys(v)[0]}) that cannot be resolved when the package is onboarded`;
  if (v === null) return 'null';
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `${typeof v} ${JSON.stringify(v)}`;
}

export function asMap(v: unknown, at: At): YMap {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as YMap;
  return at.fail(`must be a map, got ${describe(v)}`);
}

export function optMap(v: unknown, at: At): YMap | null {
  return v === undefined || v === null ? null : asMap(v, at);
}

export function asList(v: unknown, at: At): unknown[] {
  return Array.isArray(v) ? v : at.fail(`must be a list, got ${describe(v)}`);
}

export function optList(v: unknown, at: At): unknown[] | null {
  return v === undefined || v === null ? null : asList(v, at);
}

export function str(v: unknown, at: At): string {
  if (typeof v === 'string' && v.length > 0) return v;
  // YAML 1.2 reads `version: 1.0` as a number; TOSCA strings/versions written unquoted are accepted.
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return at.fail(v === undefined ? 'is required' : `must be a non-empty string, got ${describe(v)}`);
}

export function optStr(v: unknown, at: At): string | null {
  return v === undefined || v === null ? null : str(v, at);
}

export function strList(v: unknown, at: At): string[] {
  return asList(v, at).map((e, i) => str(e, at.child(i)));
}

export function int(v: unknown, at: At, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return at.fail(v === undefined ? 'is required' : `must be an integer, got ${describe(v)}`);
  if (v < min) return at.fail(`must be at least ${min}, got ${v}`);
  return v;
}

export function optInt(v: unknown, at: At, min?: number): number | null {
  return v === undefined || v === null ? null : int(v, at, min);
}

export function optBool(v: unknown, at: At): boolean | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'boolean' ? v : at.fail(`must be true or false, got ${describe(v)}`);
}

// TOSCA Simple Profile 3.3.6: unit names are case-insensitive; kB/MB are decimal, KiB/MiB binary.
const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4,
};
const FREQ_UNITS: Record<string, number> = { hz: 1, khz: 1e3, mhz: 1e6, ghz: 1e9 };

function scalar(v: unknown, at: At, units: Record<string, number>, example: string, kind: string): number {
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(v) : null;
  const factor = m ? units[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) return at.fail(`must be a ${kind} such as '${example}', got ${describe(v)}`);
  return Math.round(Number(m[1]) * factor);
}

/** scalar-unit.size → bytes. */
export function sizeBytes(v: unknown, at: At): number {
  return scalar(v, at, SIZE_UNITS, '512 MB', 'scalar-unit.size');
}

export function optSizeBytes(v: unknown, at: At): number | null {
  return v === undefined || v === null ? null : sizeBytes(v, at);
}

/** scalar-unit.frequency → Hz. */
export function frequencyHz(v: unknown, at: At): number {
  return scalar(v, at, FREQ_UNITS, '2 GHz', 'scalar-unit.frequency');
}

/** Requirements as TOSCA writes them: a list of single-key maps, value a node name or {node: ...}. */
export function requirements(v: unknown, at: At): { name: string; node: string; at: At }[] {
  const out: { name: string; node: string; at: At }[] = [];
  (optList(v, at) ?? []).forEach((item, i) => {
    const m = asMap(item, at.child(i));
    const keys = Object.keys(m);
    if (keys.length !== 1) at.child(i).fail('each requirement must be a single-key map');
    const val = m[keys[0]];
    const rat = at.child(i).child(keys[0]);
    const node = typeof val === 'string' ? val : str(asMap(val, rat).node, rat.child('node'));
    out.push({ name: keys[0], node, at: rat });
  });
  return out;
}
