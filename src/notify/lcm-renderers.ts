import type { LcmRenderer } from './render-lcm.js';
import { v2Renderer } from './render-lcm.js';
import { v1Renderer } from './render-lcm-v1.js';

// VNF LCM notification renderers by the API version that created the subscription
// (subscriptions.api): both views are fed by the same engine events.
export const LCM_RENDERERS: Partial<Record<string, LcmRenderer>> = { v1: v1Renderer, v2: v2Renderer };
