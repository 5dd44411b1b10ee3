import { At, asMap, optList } from './values.js';

// Type knowledge for classifying node templates and policies. The SOL001 (v2.6.1 … v4.x) base
// types mecano understands are built in, so a VNFD that does not ship
// etsi_nfv_sol001_common_types.yaml / etsi_nfv_sol001_vnfd_types.yaml (or imports them by URL,
// which is never fetched) still parses. Types defined by the package's own files (Tacker's
// company.provider.VNF, shipped copies of the ETSI files) are added on top, with their property
// defaults and valid_values constraints.

export type TypeKind = 'node' | 'policy' | 'group' | 'data' | 'capability' | 'artifact' | 'interface' | 'relationship';

export const TYPE_SECTIONS: Record<string, TypeKind> = {
  node_types: 'node',
  policy_types: 'policy',
  group_types: 'group',
  data_types: 'data',
  capability_types: 'capability',
  artifact_types: 'artifact',
  interface_types: 'interface',
  relationship_types: 'relationship',
};

/** SOL001 type file names that may be imported but need not be shipped. */
export const KNOWN_TYPE_FILES = new Set([
  'etsi_nfv_sol001_common_types.yaml',
  'etsi_nfv_sol001_vnfd_types.yaml',
  'etsi_nfv_sol001_nsd_types.yaml',
  'etsi_nfv_sol001_pnfd_types.yaml',
]);

export const T = {
  vnf: 'tosca.nodes.nfv.VNF',
  vdu: 'tosca.nodes.nfv.Vdu.Compute',
  vduCp: 'tosca.nodes.nfv.VduCp',
  extCp: 'tosca.nodes.nfv.VnfExtCp',
  vl: 'tosca.nodes.nfv.VnfVirtualLink',
  blockStorage: 'tosca.nodes.nfv.Vdu.VirtualBlockStorage',
  objectStorage: 'tosca.nodes.nfv.Vdu.VirtualObjectStorage',
  fileStorage: 'tosca.nodes.nfv.Vdu.VirtualFileStorage',
  swImage: 'tosca.artifacts.nfv.SwImage',
  placementGroup: 'tosca.groups.nfv.PlacementGroup',
  instantiationLevels: 'tosca.policies.nfv.InstantiationLevels',
  vduInstantiationLevels: 'tosca.policies.nfv.VduInstantiationLevels',
  vlInstantiationLevels: 'tosca.policies.nfv.VirtualLinkInstantiationLevels',
  scalingAspects: 'tosca.policies.nfv.ScalingAspects',
  vduScalingAspectDeltas: 'tosca.policies.nfv.VduScalingAspectDeltas',
  vduInitialDelta: 'tosca.policies.nfv.VduInitialDelta',
  affinity: 'tosca.policies.nfv.AffinityRule',
  antiAffinity: 'tosca.policies.nfv.AntiAffinityRule',
} as const;

// name → parent (null for a root), per kind.
const BUILTIN: Record<TypeKind, Record<string, string | null>> = {
  node: {
    'tosca.nodes.Root': null,
    [T.vnf]: 'tosca.nodes.Root',
    'tosca.nodes.nfv.Cp': 'tosca.nodes.Root',
    [T.vduCp]: 'tosca.nodes.nfv.Cp',
    [T.extCp]: 'tosca.nodes.nfv.Cp',
    'tosca.nodes.nfv.VipCp': 'tosca.nodes.nfv.Cp',
    'tosca.nodes.nfv.VirtualCp': 'tosca.nodes.nfv.Cp',
    [T.vdu]: 'tosca.nodes.Root',
    [T.blockStorage]: 'tosca.nodes.Root',
    [T.objectStorage]: 'tosca.nodes.Root',
    [T.fileStorage]: 'tosca.nodes.Root',
    [T.vl]: 'tosca.nodes.Root',
  },
  policy: {
    'tosca.policies.Root': null,
    'tosca.policies.Placement': 'tosca.policies.Root',
    'tosca.policies.Scaling': 'tosca.policies.Root',
    'tosca.policies.Update': 'tosca.policies.Root',
    'tosca.policies.Performance': 'tosca.policies.Root',
    [T.instantiationLevels]: 'tosca.policies.Root',
    [T.vduInstantiationLevels]: 'tosca.policies.Root',
    [T.vlInstantiationLevels]: 'tosca.policies.Root',
    [T.scalingAspects]: 'tosca.policies.Root',
    [T.vduScalingAspectDeltas]: 'tosca.policies.Root',
    'tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas': 'tosca.policies.Root',
    [T.vduInitialDelta]: 'tosca.policies.Root',
    'tosca.policies.nfv.VirtualLinkBitrateInitialDelta': 'tosca.policies.Root',
    [T.affinity]: 'tosca.policies.Placement',
    [T.antiAffinity]: 'tosca.policies.Placement',
    'tosca.policies.nfv.SecurityGroupRule': 'tosca.policies.Root',
    'tosca.policies.nfv.SupportedVnfInterface': 'tosca.policies.Root',
    'tosca.policies.nfv.VnfIndicator': 'tosca.policies.Root',
  },
  group: { 'tosca.groups.Root': null, [T.placementGroup]: 'tosca.groups.Root' },
  data: { 'tosca.datatypes.Root': null },
  capability: {
    'tosca.capabilities.Root': null,
    'tosca.capabilities.Node': 'tosca.capabilities.Root',
    'tosca.capabilities.nfv.VirtualBindable': 'tosca.capabilities.Node',
    'tosca.capabilities.nfv.VirtualLinkable': 'tosca.capabilities.Node',
    'tosca.capabilities.nfv.VirtualCompute': 'tosca.capabilities.Node',
    'tosca.capabilities.nfv.VirtualStorage': 'tosca.capabilities.Root',
  },
  artifact: {
    'tosca.artifacts.Root': null,
    'tosca.artifacts.File': 'tosca.artifacts.Root',
    'tosca.artifacts.Deployment': 'tosca.artifacts.Root',
    'tosca.artifacts.Deployment.Image': 'tosca.artifacts.Deployment',
    'tosca.artifacts.Deployment.Image.VM': 'tosca.artifacts.Deployment.Image',
    [T.swImage]: 'tosca.artifacts.Deployment.Image',
    'tosca.artifacts.Implementation': 'tosca.artifacts.Root',
    'tosca.artifacts.Implementation.Bash': 'tosca.artifacts.Implementation',
    'tosca.artifacts.Implementation.Python': 'tosca.artifacts.Implementation',
    'tosca.artifacts.nfv.HelmChart': 'tosca.artifacts.Root',
  },
  interface: {
    'tosca.interfaces.Root': null,
    'tosca.interfaces.nfv.Vnflcm': 'tosca.interfaces.Root',
    'tosca.interfaces.nfv.VnfIndicator': 'tosca.interfaces.Root',
    'tosca.interfaces.node.lifecycle.Standard': 'tosca.interfaces.Root',
  },
  relationship: {
    'tosca.relationships.Root': null,
    'tosca.relationships.DependsOn': 'tosca.relationships.Root',
    'tosca.relationships.nfv.VirtualBindsTo': 'tosca.relationships.DependsOn',
    'tosca.relationships.nfv.VirtualLinksTo': 'tosca.relationships.DependsOn',
    'tosca.relationships.nfv.AttachesTo': 'tosca.relationships.Root',
  },
};

export interface PropertyDef {
  default?: unknown;
  validValues?: unknown[];
}

interface TypeDef {
  derivedFrom: string | null;
  properties: Record<string, PropertyDef>;
  file: string | null;
}

const MAX_DEPTH = 64;

export class TypeRegistry {
  private readonly types = new Map<TypeKind, Map<string, TypeDef>>();

  constructor() {
    for (const [kind, table] of Object.entries(BUILTIN) as [TypeKind, Record<string, string | null>][]) {
      const m = new Map<string, TypeDef>();
      for (const [name, parent] of Object.entries(table)) m.set(name, { derivedFrom: parent, properties: {}, file: null });
      this.types.set(kind, m);
    }
  }

  /** Registers the *_types sections of one service template. */
  addTemplate(root: Record<string, unknown>, at: At): void {
    for (const [section, kind] of Object.entries(TYPE_SECTIONS)) {
      if (root[section] === undefined) continue;
      const defs = asMap(root[section], at.child(section));
      for (const [name, raw] of Object.entries(defs)) this.addType(kind, name, raw, at.child(section).child(name));
    }
  }

  private addType(kind: TypeKind, name: string, raw: unknown, at: At): void {
    const def = asMap(raw ?? {}, at);
    const parent = def.derived_from;
    if (parent !== undefined && typeof parent !== 'string') at.child('derived_from').fail('must be a type name');
    const existing = this.types.get(kind)!.get(name);
    if (existing?.file && existing.file !== at.file) at.fail(`type ${name} is already defined in ${existing.file}`);
    const properties: Record<string, PropertyDef> = {};
    const props = def.properties === undefined ? {} : asMap(def.properties, at.child('properties'));
    for (const [p, pdefRaw] of Object.entries(props)) {
      const pdef = asMap(pdefRaw ?? {}, at.child('properties').child(p));
      const entry: PropertyDef = {};
      if ('default' in pdef) entry.default = pdef.default;
      for (const c of optList(pdef.constraints, at.child('properties').child(p).child('constraints')) ?? []) {
        if (c && typeof c === 'object' && Array.isArray((c as Record<string, unknown>).valid_values)) {
          entry.validValues = (c as { valid_values: unknown[] }).valid_values;
        }
      }
      properties[p] = entry;
    }
    // A shipped copy of an ETSI type file redefines a built-in name: keep the built-in parentage.
    const derivedFrom = existing && existing.file === null ? existing.derivedFrom : ((parent as string | undefined) ?? null);
    this.types.get(kind)!.set(name, { derivedFrom, properties, file: at.file });
  }

  has(kind: TypeKind, name: string): boolean {
    return this.types.get(kind)!.has(name);
  }

  /** True when `name` is `base` or derives from it (a cycle or unknown parent ends the walk). */
  isA(kind: TypeKind, name: string, base: string): boolean {
    let cur: string | null = name;
    for (let i = 0; cur !== null && i < MAX_DEPTH; i++) {
      if (cur === base) return true;
      cur = this.types.get(kind)!.get(cur)?.derivedFrom ?? null;
    }
    return false;
  }

  /** Property definitions along the derivation chain, the most derived winning. */
  properties(kind: TypeKind, name: string): Record<string, PropertyDef> {
    const chain: TypeDef[] = [];
    let cur: string | null = name;
    for (let i = 0; cur !== null && i < MAX_DEPTH; i++) {
      const def = this.types.get(kind)!.get(cur);
      if (!def) break;
      chain.unshift(def);
      cur = def.derivedFrom;
    }
    const out: Record<string, PropertyDef> = {};
    for (const def of chain) for (const [p, d] of Object.entries(def.properties)) out[p] = { ...out[p], ...d };
    return out;
  }
}
