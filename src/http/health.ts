import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Db } from '../store/db.js';
import { pendingMigrations } from '../store/migrate.js';

// GET /mecano/v1/health: 200 when the database answers and the schema is current, else 503.
// Other subsystems (infrastructure driver mode, workers) add their facts through `extras`.

const HealthSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
    version: Type.String(),
    database: Type.Object({ kind: Type.String(), reachable: Type.Boolean(), error: Type.Optional(Type.String()) }),
    migrations: Type.Object({ current: Type.Boolean(), pending: Type.Array(Type.String()) }),
  },
  { additionalProperties: true },
);

export function healthRoutes(app: FastifyInstance, deps: { db: Db; version: string; extras?: () => Promise<Record<string, unknown>> }): void {
  app.get('/mecano/v1/health', { schema: { tags: ['mecano'], response: { 200: HealthSchema, 503: HealthSchema } } }, async (_request, reply) => {
    let reachable = true;
    let error: string | undefined;
    let pending: string[] = [];
    try {
      await deps.db.query('SELECT 1');
      pending = await pendingMigrations(deps.db);
    } catch (e) {
      reachable = false;
      error = (e as Error).message;
    }
    const up = reachable && pending.length === 0;
    const body = {
      status: up ? ('UP' as const) : ('DOWN' as const),
      version: deps.version,
      database: { kind: deps.db.kind, reachable, ...(error ? { error } : {}) },
      migrations: { current: pending.length === 0 && reachable, pending },
      ...(deps.extras ? await deps.extras() : {}),
    };
    return reply.code(up ? 200 : 503).send(body);
  });
}
