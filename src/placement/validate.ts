import { ATTRIBUTE_OPS, IDENTIFIER_TYPES, type PlacementProblem } from './model.js';

// Structural checks of a problem, all problems listed at once (the OOF API answers 400 with every
// failing field, issue 7 "bad input"). The solver refuses a problem with any of them; the API
// layer can call this first to phrase its own response. Semantic conflicts (required ∩ excluded,
// no candidate left) are not errors here: they are infeasibilities with explanations.

const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);

export function validateProblem(p: PlacementProblem): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, msg: string) => {
    if (!ok) errors.push(msg);
  };
  const candidateIds = new Set<string>();
  p.candidates.forEach((c, j) => {
    const at = `candidates[${j}]`;
    need(typeof c.id === 'string' && c.id !== '', `${at}.id must be a non-empty string`);
    need(!candidateIds.has(c.id), `${at}.id ${c.id} is a duplicate`);
    candidateIds.add(c.id);
    need(IDENTIFIER_TYPES.includes(c.identifierType), `${at}.identifierType must be one of ${IDENTIFIER_TYPES.join(', ')}`);
    need(finite(c.lat) && Math.abs(c.lat) <= 90 && finite(c.lon) && Math.abs(c.lon) <= 180, `${at}: lat/lon out of range`);
    for (const part of ['total', 'used'] as const) {
      const r = c.capacity?.[part];
      need(!!r && [r.vcpu, r.memoryMb, r.storageGb].every((x) => finite(x) && x >= 0), `${at}.capacity.${part} needs vcpu, memoryMb, storageGb ≥ 0`);
    }
    need(Object.values(c.cost ?? {}).every(finite), `${at}.cost values must be finite numbers`);
  });
  const demandIds = new Set<string>();
  p.demands.forEach((d, k) => {
    const at = `demands[${k}]`;
    need(typeof d.id === 'string' && d.id !== '', `${at}.id must be a non-empty string`);
    need(!demandIds.has(d.id), `${at}.id ${d.id} is a duplicate`);
    demandIds.add(d.id);
    const r = d.requirements;
    need(!!r && [r.vcpu, r.memoryMb, r.storageGb].every((x) => finite(x) && x >= 0), `${at}.requirements needs vcpu, memoryMb, storageGb ≥ 0`);
    need(d.weight === undefined || (finite(d.weight) && d.weight >= 0), `${at}.weight must be ≥ 0`);
    const m = d.maxDistanceKm;
    need(!m || (finite(m.lat) && finite(m.lon) && finite(m.km) && m.km >= 0), `${at}.maxDistanceKm needs lat, lon and km ≥ 0`);
    for (const [i, a] of (d.attributeMatch ?? []).entries()) {
      need(ATTRIBUTE_OPS.includes(a.op), `${at}.attributeMatch[${i}].op must be one of ${ATTRIBUTE_OPS.join(', ')}`);
      need(a.op === 'exists' || a.value !== undefined, `${at}.attributeMatch[${i}].value is required for ${a.op}`);
    }
  });
  const groups = [...(p.zoneDiversity ?? []).map((g) => ['zoneDiversity', g.demands] as const), ...(p.affinity ?? []).map((g) => ['affinity', g.demands] as const), ...(p.antiAffinity ?? []).map((g) => ['antiAffinity', g.demands] as const)];
  for (const [kind, names] of groups) for (const n of names) need(demandIds.has(n), `${kind} names unknown demand ${n}`);
  const w = p.objective?.weights ?? {};
  need(Object.values(w).every((x) => x === undefined || finite(x)), 'objective.weights must be finite numbers');
  need(p.numSolutions === undefined || (Number.isInteger(p.numSolutions) && p.numSolutions >= 1), 'numSolutions must be an integer ≥ 1');
  need(p.timeoutMs === undefined || (finite(p.timeoutMs) && p.timeoutMs > 0), 'timeoutMs must be > 0');
  need(!p.rehome || (finite(p.rehome.improvementThreshold) && p.rehome.improvementThreshold >= 0), 'rehome.improvementThreshold must be ≥ 0');
  for (const [j, pool] of (p.licensePools ?? []).entries()) need(finite(pool.capacity) && finite(pool.used) && pool.capacity >= 0 && pool.used >= 0, `licensePools[${j}] needs capacity and used ≥ 0`);
  return errors;
}
