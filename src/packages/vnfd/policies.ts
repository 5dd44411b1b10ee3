import type { InstantiationLevel, VnfdFlavour } from './model.js';
import { T, type TypeRegistry } from './sol001-types.js';
import { At, asList, asMap, int, optMap, optStr, str, strList, type YMap } from './values.js';

// SOL001 6.10 policies of one flavour: instantiation levels, scaling aspects and their per-VDU
// deltas, initial deltas and placement rules, checked against the flavour's VDUs and links.

interface Policy {
  id: string;
  type: string;
  props: YMap;
  targets: string[];
  at: At;
}

/** TOSCA writes policies as a list of single-key maps; a plain map is accepted too. */
function policyList(v: unknown, at: At): Policy[] {
  if (v === undefined || v === null) return [];
  const entries: [string, unknown, At][] = Array.isArray(v)
    ? asList(v, at).flatMap((item, i) => {
        const m = asMap(item, at.child(i));
        if (Object.keys(m).length !== 1) at.child(i).fail('each policy must be a single-key map');
        const [k] = Object.keys(m);
        return [[k, m[k], at.child(i).child(k)] as [string, unknown, At]];
      })
    : Object.entries(asMap(v, at)).map(([k, p]) => [k, p, at.child(k)] as [string, unknown, At]);
  return entries.map(([id, raw, pat]) => {
    const p = asMap(raw, pat);
    return {
      id,
      type: str(p.type, pat.child('type')),
      props: optMap(p.properties, pat.child('properties')) ?? {},
      targets: p.targets === undefined ? [] : strList(p.targets, pat.child('targets')),
      at: pat,
    };
  });
}

function checkTargets(p: Policy, known: Record<string, unknown>, what: string, groups: Record<string, string[]> = {}): string[] {
  const out: string[] = [];
  p.targets.forEach((t, i) => {
    if (groups[t]) out.push(...groups[t]);
    else if (known[t]) out.push(t);
    else p.at.child('targets').child(i).fail(`${t} is not a ${what} of this flavour`);
  });
  return out;
}

function level(f: VnfdFlavour, id: string): InstantiationLevel {
  f.instantiationLevels[id] ??= { id, description: id, scaleInfo: {}, vduLevels: {}, virtualLinkLevels: {} };
  return f.instantiationLevels[id];
}

function instantiationLevels(f: VnfdFlavour, p: Policy): void {
  const lat = p.at.child('properties').child('levels');
  for (const [id, raw] of Object.entries(asMap(p.props.levels, lat))) {
    const l = asMap(raw, lat.child(id));
    const lv = level(f, id);
    lv.description = str(l.description, lat.child(id).child('description'));
    for (const [aspect, si] of Object.entries(optMap(l.scale_info, lat.child(id).child('scale_info')) ?? {})) {
      const sat = lat.child(id).child('scale_info').child(aspect);
      lv.scaleInfo[aspect] = int(asMap(si, sat).scale_level, sat.child('scale_level'), 0);
    }
  }
  const dflt = optStr(p.props.default_level, p.at.child('properties').child('default_level'));
  if (dflt !== null && !f.instantiationLevels[dflt]) p.at.child('properties').child('default_level').fail(`${dflt} is not one of the levels`);
  f.defaultInstantiationLevelId = dflt;
}

function perTargetLevels(f: VnfdFlavour, p: Policy, kind: 'vdu' | 'vl'): void {
  const targets = checkTargets(p, kind === 'vdu' ? f.vdus : f.virtualLinks, kind === 'vdu' ? 'Vdu.Compute' : 'VnfVirtualLink');
  const lat = p.at.child('properties').child('levels');
  for (const [id, raw] of Object.entries(asMap(p.props.levels, lat))) {
    const l = asMap(raw, lat.child(id));
    for (const t of targets) {
      if (kind === 'vdu') level(f, id).vduLevels[t] = int(l.number_of_instances, lat.child(id).child('number_of_instances'), 0);
      else level(f, id).virtualLinkLevels[t] = optMap(l.bitrate_requirements, lat.child(id).child('bitrate_requirements')) ?? {};
    }
  }
}

function scalingAspects(f: VnfdFlavour, p: Policy): void {
  const aat = p.at.child('properties').child('aspects');
  for (const [id, raw] of Object.entries(asMap(p.props.aspects, aat))) {
    const a = asMap(raw, aat.child(id));
    f.scalingAspects[id] = {
      id,
      name: str(a.name, aat.child(id).child('name')),
      description: optStr(a.description, aat.child(id).child('description')),
      maxScaleLevel: int(a.max_scale_level, aat.child(id).child('max_scale_level'), 0),
      stepDeltas: a.step_deltas === undefined ? [] : strList(a.step_deltas, aat.child(id).child('step_deltas')),
    };
  }
}

function vduDeltas(f: VnfdFlavour, p: Policy): void {
  const targets = checkTargets(p, f.vdus, 'Vdu.Compute');
  const aspect = str(p.props.aspect, p.at.child('properties').child('aspect'));
  const dat = p.at.child('properties').child('deltas');
  for (const [delta, raw] of Object.entries(asMap(p.props.deltas, dat))) {
    const n = int(asMap(raw, dat.child(delta)).number_of_instances, dat.child(delta).child('number_of_instances'), 0);
    f.vduScalingAspectDeltas[aspect] ??= {};
    f.vduScalingAspectDeltas[aspect][delta] ??= {};
    for (const t of targets) f.vduScalingAspectDeltas[aspect][delta][t] = n;
  }
}

export function applyPolicies(f: VnfdFlavour, raw: unknown, at: At, registry: TypeRegistry, groups: Record<string, string[]>): void {
  const policies = policyList(raw, at);
  const is = (p: Policy, base: string): boolean => registry.isA('policy', p.type, base);
  for (const p of policies) {
    if (!registry.has('policy', p.type) && !p.type.startsWith('tosca.')) p.at.child('type').fail(`policy type ${p.type} is not defined in the VNFD or its imports`);
  }
  // Levels first, so per-VDU levels can be checked against them; aspects before deltas.
  for (const p of policies) if (is(p, T.instantiationLevels)) instantiationLevels(f, p);
  const declared = new Set(Object.keys(f.instantiationLevels));
  for (const p of policies) if (is(p, T.scalingAspects)) scalingAspects(f, p);
  for (const p of policies) {
    if (is(p, T.vduInstantiationLevels)) perTargetLevels(f, p, 'vdu');
    else if (is(p, T.vlInstantiationLevels)) perTargetLevels(f, p, 'vl');
    else if (is(p, T.vduScalingAspectDeltas)) vduDeltas(f, p);
    else if (is(p, T.vduInitialDelta)) {
      const n = int(asMap(p.props.initial_delta, p.at.child('properties').child('initial_delta')).number_of_instances, p.at.child('properties').child('initial_delta').child('number_of_instances'), 0);
      for (const t of checkTargets(p, f.vdus, 'Vdu.Compute')) f.vduInitialDeltas[t] = n;
    } else if (is(p, T.affinity) || is(p, T.antiAffinity)) {
      f.placementRules.push({
        id: p.id,
        type: is(p, T.affinity) ? 'AFFINITY' : 'ANTI_AFFINITY',
        targets: checkTargets(p, f.vdus, 'Vdu.Compute or placement group', groups),
        scope: optStr(p.props.scope, p.at.child('properties').child('scope')),
      });
    }
  }
  if (declared.size > 0) {
    for (const id of Object.keys(f.instantiationLevels)) {
      if (!declared.has(id)) at.fail(`instantiation level ${id} is used by a per-VDU or per-VL policy but not declared by tosca.policies.nfv.InstantiationLevels`);
    }
  }
  checkConsistency(f, at);
}

function checkConsistency(f: VnfdFlavour, at: At): void {
  for (const lv of Object.values(f.instantiationLevels)) {
    for (const [vduId, n] of Object.entries(lv.vduLevels)) {
      const p = f.vdus[vduId].vduProfile;
      if (n < p.minNumberOfInstances || n > p.maxNumberOfInstances) {
        at.fail(`instantiation level ${lv.id} asks for ${n} instances of ${vduId}, outside its vdu_profile ${p.minNumberOfInstances}..${p.maxNumberOfInstances}`);
      }
    }
    for (const [aspect, scaleLevel] of Object.entries(lv.scaleInfo)) {
      const a = f.scalingAspects[aspect];
      if (!a) at.fail(`instantiation level ${lv.id} names scaling aspect ${aspect}, which is not declared`);
      if (scaleLevel > a.maxScaleLevel) at.fail(`instantiation level ${lv.id} sets ${aspect} to level ${scaleLevel}, above its max_scale_level ${a.maxScaleLevel}`);
    }
  }
  for (const a of Object.values(f.scalingAspects)) {
    for (const d of a.stepDeltas) {
      // NOTE: an aspect whose deltas are all missing is tolerated (Tacker's own samples ship some);
      // naming a delta that another policy defines for no VDU of this aspect is an error.
      const deltas = f.vduScalingAspectDeltas[a.id];
      if (deltas && !deltas[d]) at.fail(`scaling aspect ${a.id} names step delta ${d}, which no VduScalingAspectDeltas policy defines`);
    }
  }
}
