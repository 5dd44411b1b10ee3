import { PKG } from '../errors.js';
import type { ExtCp, LcmOperation, VnfdFlavour } from './model.js';
import { artifactPath, cpProtocols, layerProtocols, nodeKind, storage, vdu, vduCp, virtualLink, type NodeCtx } from './nodes.js';
import { applyPolicies } from './policies.js';
import { T, type TypeRegistry } from './sol001-types.js';
import type { LoadedTemplate, VnfdSource } from './templates.js';
import { At, asList, asMap, isToscaFunction, optMap, optStr, requirements, str, strList, type YMap } from './values.js';

// One deployment flavour: the topology_template of the file that carries it (SOL001 6.2: one
// file per flavour in Tacker's samples, or the entry file itself for a single-file VNFD).

/** Replaces { get_input: x } by the default of input x where the template declares one. */
export function resolveInputs(v: unknown, inputs: YMap): unknown {
  if (isToscaFunction(v) && 'get_input' in v && typeof v.get_input === 'string') {
    const def = inputs[v.get_input];
    if (def && typeof def === 'object' && 'default' in (def as YMap)) return (def as YMap).default;
    return v;
  }
  if (Array.isArray(v)) return v.map((e) => resolveInputs(e, inputs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, resolveInputs(e, inputs)]));
  return v;
}

export interface FlavourSource {
  tpl: LoadedTemplate;
  flavourId: string;
  description: string | null;
  /** The VNF node template carrying the Vnflcm interface, and the template that defines it. */
  vnfNode: { node: YMap; at: At; tpl: LoadedTemplate } | null;
}

function emptyFlavour(src: FlavourSource): VnfdFlavour {
  return {
    flavourId: src.flavourId, description: src.description, file: src.tpl.file,
    vdus: {}, vduCps: {}, extCps: {}, virtualLinks: {}, storages: {},
    defaultInstantiationLevelId: null, instantiationLevels: {}, scalingAspects: {},
    vduScalingAspectDeltas: {}, vduInitialDeltas: {}, placementRules: [], lcmOperations: {}, substitutionRequirements: {},
  };
}

const INTERFACE_KEYS = new Set(['type', 'inputs', 'notifications', 'description']);

export function lcmOperations(node: YMap, at: At, ctx: NodeCtx): Record<string, LcmOperation> {
  const ifaces = optMap(node.interfaces, at.child('interfaces'));
  const vnflcm = ifaces ? optMap(ifaces.Vnflcm, at.child('interfaces').child('Vnflcm')) : null;
  if (!vnflcm) return {};
  const iat = at.child('interfaces').child('Vnflcm');
  const artifacts = optMap(node.artifacts, at.child('artifacts')) ?? {};
  // TOSCA 1.3 nests operations under `operations:`; 1.2 lists them directly.
  const opsAt = vnflcm.operations !== undefined ? iat.child('operations') : iat;
  const ops = vnflcm.operations !== undefined ? asMap(vnflcm.operations, opsAt) : vnflcm;
  const out: Record<string, LcmOperation> = {};
  for (const [name, raw] of Object.entries(ops)) {
    if (opsAt === iat && INTERFACE_KEYS.has(name)) continue;
    const oat = opsAt.child(name);
    const def: YMap = raw === null || (Array.isArray(raw) && raw.length === 0) ? {} : typeof raw === 'string' ? { implementation: raw } : asMap(raw, oat);
    const implRaw = def.implementation;
    const impl = implRaw === undefined || implRaw === null ? null
      : typeof implRaw === 'string' ? implRaw : str(asMap(implRaw, oat.child('implementation')).primary, oat.child('implementation').child('primary'));
    let artifactPathValue: string | null = null;
    let artifactType: string | null = null;
    if (impl !== null && artifacts[impl] !== undefined) {
      const aat = at.child('artifacts').child(impl);
      const a = typeof artifacts[impl] === 'string' ? { file: artifacts[impl] } : asMap(artifacts[impl], aat);
      artifactPathValue = artifactPath(ctx, str(a.file, aat.child('file')), aat.child('file'), PKG.vnfd);
      artifactType = optStr(a.type, aat.child('type'));
    } else if (impl !== null && ctx.source.isFile(impl)) {
      artifactPathValue = impl;
    }
    out[name] = { implementation: impl, artifactPath: artifactPathValue, artifactType, inputs: optMap(def.inputs, oat.child('inputs')) ?? {} };
  }
  return out;
}

function placementGroups(tt: YMap, at: At, registry: TypeRegistry, f: VnfdFlavour): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const [id, raw] of Object.entries(optMap(tt.groups, at.child('groups')) ?? {})) {
    const gat = at.child('groups').child(id);
    const g = asMap(raw, gat);
    if (!registry.isA('group', str(g.type, gat.child('type')), T.placementGroup)) continue;
    const members = g.members === undefined ? [] : strList(g.members, gat.child('members'));
    members.forEach((m, i) => {
      if (!f.vdus[m]) gat.child('members').child(i).fail(`${m} is not a Vdu.Compute of this flavour`);
    });
    groups[id] = members;
  }
  return groups;
}

function extCpsFromSubstitution(f: VnfdFlavour, sm: YMap | null, smAt: At): void {
  const reqs = sm ? optMap(sm.requirements, smAt.child('requirements')) : null;
  for (const [req, raw] of Object.entries(reqs ?? {})) {
    const rat = smAt.child('requirements').child(req);
    const pair = asList(raw, rat);
    if (pair.length !== 2) rat.fail('must be [node_template, requirement]');
    const [node, target] = [str(pair[0], rat.child(0)), str(pair[1], rat.child(1))];
    f.substitutionRequirements[req] = [node, target];
    const cp = f.vduCps[node];
    if (cp) {
      f.extCps[node] = {
        id: node, source: 'VduCp', internalVirtualLinkId: cp.virtualLinkId, vduCpId: node, requirement: req,
        layerProtocols: cp.layerProtocols, protocol: cp.protocol,
      };
    } else if (f.extCps[node]) {
      f.extCps[node].requirement = req;
    }
  }
}

export function buildFlavour(src: FlavourSource, registry: TypeRegistry, source: VnfdSource): VnfdFlavour {
  const f = emptyFlavour(src);
  const ttAt = src.tpl.at.child('topology_template');
  const tt = asMap(src.tpl.root.topology_template, ttAt);
  const inputs = optMap(tt.inputs, ttAt.child('inputs')) ?? {};
  const ctx: NodeCtx = { file: src.tpl.file, registry, source };
  const extCpNodes: [string, YMap, YMap, At][] = [];
  for (const [id, raw] of Object.entries(optMap(tt.node_templates, ttAt.child('node_templates')) ?? {})) {
    const at = ttAt.child('node_templates').child(id);
    const node = asMap(raw, at);
    const kind = nodeKind(registry, str(node.type, at.child('type')), at.child('type'));
    const props = asMap(resolveInputs(node.properties ?? {}, inputs), at.child('properties'));
    if (kind === 'vdu') f.vdus[id] = vdu(ctx, id, node, props, at);
    else if (kind === 'vduCp') f.vduCps[id] = vduCp(id, node, props, at);
    else if (kind === 'vl') f.virtualLinks[id] = virtualLink(id, props, at);
    else if (kind === 'extCp') extCpNodes.push([id, node, props, at]);
    else if (kind === 'blockStorage' || kind === 'objectStorage' || kind === 'fileStorage') f.storages[id] = storage(ctx, kind, id, node, props, at);
  }
  crossCheck(f, optMap(tt.node_templates, ttAt) ?? {}, ttAt.child('node_templates'));
  for (const [id, node, props, at] of extCpNodes) f.extCps[id] = vnfExtCp(f, id, node, props, at);
  extCpsFromSubstitution(f, optMap(tt.substitution_mappings, ttAt.child('substitution_mappings')), ttAt.child('substitution_mappings'));
  applyPolicies(f, tt.policies, ttAt.child('policies'), registry, placementGroups(tt, ttAt, registry, f));
  if (src.vnfNode) f.lcmOperations = lcmOperations(src.vnfNode.node, src.vnfNode.at, { ...ctx, file: src.vnfNode.tpl.file });
  return f;
}

function vnfExtCp(f: VnfdFlavour, id: string, node: YMap, props: YMap, at: At): ExtCp {
  const reqs = requirements(node.requirements, at.child('requirements'));
  const internal = reqs.find((r) => r.name === 'internal_virtual_link');
  if (internal && !f.virtualLinks[internal.node]) internal.at.fail(`${internal.node} is not a VnfVirtualLink of this flavour`);
  return {
    id, source: 'VnfExtCp', internalVirtualLinkId: internal?.node ?? null, vduCpId: null, requirement: null,
    layerProtocols: layerProtocols(props.layer_protocols, at.child('properties').child('layer_protocols')),
    protocol: cpProtocols(props.protocol, at.child('properties').child('protocol')),
  };
}

function crossCheck(f: VnfdFlavour, nodes: YMap, at: At): void {
  const reqAt = (id: string, name: string): At => {
    const reqs = requirements((nodes[id] as YMap).requirements, at.child(id).child('requirements'));
    return reqs.find((r) => r.name === name)?.at ?? at.child(id).child('requirements');
  };
  for (const cp of Object.values(f.vduCps)) {
    if (!f.vdus[cp.vduId]) reqAt(cp.id, 'virtual_binding').fail(`${cp.vduId} is not a Vdu.Compute of this flavour`);
    if (cp.virtualLinkId !== null && !f.virtualLinks[cp.virtualLinkId]) reqAt(cp.id, 'virtual_link').fail(`${cp.virtualLinkId} is not a VnfVirtualLink of this flavour`);
  }
  for (const v of Object.values(f.vdus)) {
    for (const s of v.storageIds) if (!f.storages[s]) reqAt(v.id, 'virtual_storage').fail(`${s} is not a virtual storage of this flavour`);
  }
}
