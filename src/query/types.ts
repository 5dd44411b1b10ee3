import type { TSchema } from '@sinclair/typebox';

/** What the SOL013 query layer needs to know about one listable resource. */
export interface QuerySpec {
  /** Name used in error messages, e.g. 'VnfPkgInfo'. */
  resource: string;
  /** JSON Schema (TypeBox) of the stored document; attribute paths are resolved against it. */
  schema: TSchema;
  /**
   * Attribute path (segments joined by '/', e.g. 'onboardingState') → a real SQL column of the table,
   * used instead of the JSONB document when filtering on exactly that path. The column must hold the
   * same value as the document (NULL when the attribute is absent).
   */
  columns?: Record<string, { column: string; type: 'text' | 'number' | 'timestamp' }>;
  /** Attribute paths removed by default and by exclude_default (SOL003/SOL005 list them per resource). */
  defaultExcluded: string[];
}

/** The six SOL013 query parameters (5.2 filter, 5.3 attribute selectors, 5.4 paging). */
export interface ListQuery {
  filter?: string;
  all_fields?: string;
  fields?: string;
  exclude_fields?: string;
  exclude_default?: string;
  nextpage_opaque_marker?: string;
}
