// The database port: the one way domain repositories talk to PostgreSQL or PGlite.
// Both adapters speak the same dialect; repositories never know which one they have.

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters (PGlite needs its own call for that). */
  execMany?(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn inside one transaction; rolls back if it throws. Never call db.query inside fn: use tx. */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements (no parameters); used by migrations. */
  exec(sql: string, tx?: Queryable): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL SQLSTATE codes matched explicitly. */
export const PG_ERROR = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  invalidTextRepresentation: '22P02',
} as const;

export function pgErrorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}
