// Public surface of the homing engine (no HTTP, no database): the OOF API layer and the VNF LCM
// engine import from here only.
export { solvePlacement, DEFAULT_TIMEOUT_MS } from './solve.js';
export { haversineKm } from './geo.js';
export { validateProblem } from './validate.js';
export { IDENTIFIER_TYPES, ATTRIBUTE_OPS } from './model.js';
export type * from './model.js';
