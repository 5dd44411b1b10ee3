import type { Vnfd, VnfdFlavour } from './model.js';
import { buildFlavour, resolveInputs, type FlavourSource } from './flavour.js';
import { nodeKind } from './nodes.js';
import { T, TypeRegistry, type PropertyDef } from './sol001-types.js';
import { loadTemplates, type LoadedTemplate, type TemplateLimits, type VnfdSource } from './templates.js';
import { At, asMap, isToscaFunction, optMap, optStr, str, strList, type YMap } from './values.js';

// SOL001 VNFD → Vnfd. The VNF's identity (descriptor_id, provider, ...) is the merge of the VNF
// node type's property defaults (Tacker puts them in company.provider.VNF) and the literal
// properties of every VNF node template (top-level file, flavour files); flavours are the
// templates that carry VDUs or a substitution mapping with a flavour_id.

export type { VnfdSource } from './templates.js';

interface VnfNode {
  tpl: LoadedTemplate;
  id: string;
  node: YMap;
  props: YMap;
  at: At;
}

interface TemplateScan {
  tpl: LoadedTemplate;
  vnf: VnfNode | null;
  sm: YMap | null;
  smAt: At;
  hasVdus: boolean;
}

const IDENTITY = ['descriptor_id', 'provider', 'product_name', 'software_version', 'descriptor_version'];
const PER_FLAVOUR = new Set(['flavour_id', 'flavour_description']);

function scan(tpl: LoadedTemplate, registry: TypeRegistry): TemplateScan | null {
  const ttAt = tpl.at.child('topology_template');
  const tt = optMap(tpl.root.topology_template, ttAt);
  if (!tt) return null;
  const inputs = optMap(tt.inputs, ttAt.child('inputs')) ?? {};
  let vnf: VnfNode | null = null;
  let hasVdus = false;
  for (const [id, raw] of Object.entries(optMap(tt.node_templates, ttAt.child('node_templates')) ?? {})) {
    const at = ttAt.child('node_templates').child(id);
    const node = asMap(raw, at);
    const kind = nodeKind(registry, str(node.type, at.child('type')), at.child('type'));
    if (kind === 'vdu') hasVdus = true;
    if (kind !== 'vnf') continue;
    if (vnf) at.fail(`a template may hold one VNF node; ${vnf.id} is already one`);
    vnf = { tpl, id, node, props: asMap(resolveInputs(node.properties ?? {}, inputs), at.child('properties')), at };
  }
  const smAt = ttAt.child('substitution_mappings');
  return { tpl, vnf, sm: optMap(tt.substitution_mappings, smAt), smAt, hasVdus };
}

function literal(v: unknown): boolean {
  return v !== undefined && v !== null && !isToscaFunction(v);
}

function flavourIdOf(s: TemplateScan): string | null {
  const fromSm = s.sm ? optMap(s.sm.properties, s.smAt.child('properties'))?.flavour_id : undefined;
  if (literal(fromSm)) return str(fromSm, s.smAt.child('properties').child('flavour_id'));
  if (s.vnf && literal(s.vnf.props.flavour_id)) return str(s.vnf.props.flavour_id, s.vnf.at.child('properties').child('flavour_id'));
  return null;
}

function vnfNodeType(scans: TemplateScan[], registry: TypeRegistry, entry: At): string {
  const seen: { type: string; at: At }[] = [];
  for (const s of scans) {
    if (s.sm?.node_type !== undefined) seen.push({ type: str(s.sm.node_type, s.smAt.child('node_type')), at: s.smAt.child('node_type') });
    if (s.vnf) seen.push({ type: str(s.vnf.node.type, s.vnf.at.child('type')), at: s.vnf.at.child('type') });
  }
  if (seen.length === 0) return entry.fail(`the VNFD has no node template derived from ${T.vnf} and no substitution_mappings`);
  for (const s of seen) {
    if (!registry.isA('node', s.type, T.vnf)) s.at.fail(`${s.type} is not derived from ${T.vnf}`);
    if (s.type !== seen[0].type) s.at.fail(`${s.type} differs from the VNF node type ${seen[0].type} used elsewhere in the VNFD`);
  }
  return seen[0].type;
}

/** The VNF's properties: type defaults overlaid by the literal values of every VNF node template. */
function vnfProperties(vnfs: VnfNode[], defs: Record<string, PropertyDef>): { values: YMap; at: Record<string, At> } {
  const values: YMap = {};
  const at: Record<string, At> = {};
  for (const [p, d] of Object.entries(defs)) if (d.default !== undefined) values[p] = d.default;
  for (const v of vnfs) {
    for (const [p, val] of Object.entries(v.props)) {
      if (!literal(val) || PER_FLAVOUR.has(p)) continue;
      const pat = v.at.child('properties').child(p);
      if (IDENTITY.includes(p) && at[p] && String(values[p]) !== String(val)) {
        pat.fail(`${String(val)} contradicts ${String(values[p])} set in ${at[p].file}`);
      }
      values[p] = val;
      at[p] = pat;
    }
  }
  return { values, at };
}

function checkValidValues(name: string, value: unknown, def: PropertyDef | undefined, at: At): void {
  if (!def?.validValues || value === undefined) return;
  const ok = (x: unknown): boolean => def.validValues!.some((v) => String(v) === String(x));
  const bad = Array.isArray(value) ? value.find((x) => !ok(x)) : ok(value) ? undefined : value;
  if (bad !== undefined) at.fail(`${name} ${JSON.stringify(bad)} is not one of the valid_values ${JSON.stringify(def.validValues)} of the VNF node type`);
}

export async function parseVnfd(source: VnfdSource, entry: string, limits: TemplateLimits): Promise<Vnfd> {
  const { templates, builtinImports } = await loadTemplates(source, entry, limits);
  const registry = new TypeRegistry();
  for (const t of templates) registry.addTemplate(t.root, t.at);
  const scans = templates.map((t) => scan(t, registry)).filter((s): s is TemplateScan => s !== null);
  const entryAt = templates[0].at;
  const nodeType = vnfNodeType(scans, registry, entryAt);
  const defs = registry.properties('node', nodeType);
  const vnfs = scans.flatMap((s) => (s.vnf ? [s.vnf] : []));
  const { values, at } = vnfProperties(vnfs, defs);
  const where = (p: string): At => at[p] ?? vnfs[0]?.at.child('properties').child(p) ?? entryAt.child('topology_template').child('node_templates');
  for (const [p, d] of Object.entries(defs)) if (!PER_FLAVOUR.has(p)) checkValidValues(p, values[p], d, where(p));

  const flavours: Record<string, VnfdFlavour> = {};
  for (const s of scans) {
    const named = flavourIdOf(s);
    if (!s.hasVdus && named === null) continue;
    const flavourId = named ?? s.smAt.child('properties').child('flavour_id').fail('is required: this template holds VDUs, so it must name its deployment flavour');
    if (flavours[flavourId]) s.smAt.fail(`flavour ${flavourId} is already defined in ${flavours[flavourId].file}`);
    checkValidValues('flavour_id', flavourId, defs.flavour_id, s.smAt.child('properties').child('flavour_id'));
    const smProps = s.sm ? optMap(s.sm.properties, s.smAt.child('properties')) ?? {} : {};
    const descRaw = smProps.flavour_description ?? s.vnf?.props.flavour_description ?? defs.flavour_description?.default;
    const src: FlavourSource = {
      tpl: s.tpl,
      flavourId,
      description: literal(descRaw) ? optStr(descRaw, s.smAt) : null,
      vnfNode: s.vnf ?? vnfs[0] ?? null,
    };
    flavours[flavourId] = buildFlavour(src, registry, source);
  }
  const ids = Object.keys(flavours);
  if (ids.length === 0) entryAt.fail('the VNFD defines no deployment flavour (no template with VDUs or a substitution mapping naming a flavour_id)');
  const typeDefault = defs.flavour_id?.default;
  const defaultFlavourId = ids.length === 1 ? ids[0] : typeof typeDefault === 'string' && flavours[typeDefault] ? typeDefault : ids[0];

  return {
    toscaDefinitionsVersion: templates[0].toscaDefinitionsVersion,
    descriptorId: str(values.descriptor_id, where('descriptor_id')),
    provider: str(values.provider, where('provider')),
    productName: str(values.product_name, where('product_name')),
    softwareVersion: str(values.software_version, where('software_version')),
    descriptorVersion: str(values.descriptor_version, where('descriptor_version')),
    productInfoName: optStr(values.product_info_name, where('product_info_name')),
    productInfoDescription: optStr(values.product_info_description, where('product_info_description')),
    vnfmInfo: values.vnfm_info === undefined ? [] : strList(values.vnfm_info, where('vnfm_info')),
    localizationLanguages: values.localization_languages === undefined ? [] : strList(values.localization_languages, where('localization_languages')),
    defaultLocalizationLanguage: optStr(values.default_localization_language, where('default_localization_language')),
    vnfNodeType: nodeType,
    flavours,
    defaultFlavourId,
    entryDefinitions: entry,
    files: templates.map((t) => t.file),
    builtinImports,
  };
}
