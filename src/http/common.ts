import { Type } from '@sinclair/typebox';
import { ProblemDetailsSchema } from '../packages/vnf-pkg-info.js';

// Schema parts every family shares.

export const ProblemResponses = {
  400: ProblemDetailsSchema,
  404: ProblemDetailsSchema,
  406: ProblemDetailsSchema,
  409: ProblemDetailsSchema,
  415: ProblemDetailsSchema,
  422: ProblemDetailsSchema,
};

export const Uuid = Type.String({ format: 'uuid' });

/** The base URL for Location headers and _links: configured, else where we listen. */
export type BaseUrl = () => string;
