import { toJsonSchema } from '@valibot/to-json-schema'
import type { CatalogEntry } from './event-catalog.js'

/** One declared event type in the catalog served to producers in any language. */
export interface CatalogEventJson {
  type: string
  plugin: string
  role: 'publishes' | 'consumes'
  version: string
  description?: string
  /** JSON Schema (draft 2020-12 compatible) of the event's `data`. */
  schema: Record<string, unknown>
}

/**
 * The event catalog as JSON Schema. Schema parts JSON Schema cannot express (a custom check, a transform) are
 * left out rather than failing the whole catalog.
 *
 * @example
 * ```ts
 * const { events } = catalogJsonSchema(catalog.entries())
 * ```
 */
export function catalogJsonSchema(entries: readonly CatalogEntry[]): { events: CatalogEventJson[] } {
  return {
    events: entries.map((entry) => ({
      type: entry.type,
      plugin: entry.plugin,
      role: entry.role,
      version: entry.version,
      ...(entry.description === undefined ? {} : { description: entry.description }),
      schema: toJsonSchema(entry.schema, { errorMode: 'ignore' }) as Record<string, unknown>,
    })),
  }
}
