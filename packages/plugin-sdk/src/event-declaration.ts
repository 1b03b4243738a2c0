import type { GenericSchema } from 'valibot'

/** A valibot schema for a plugin's config or an event's payload. */
export type Schema = GenericSchema<unknown, unknown>

/** One event type a plugin publishes or consumes: its payload schema and the schema's version. */
export interface EventDeclaration<TSchema extends Schema = Schema> {
  readonly schema: TSchema
  /** Version of the payload schema (semver); `1.0.0` when left out. */
  readonly version?: string
  readonly description?: string
}

/** Event types (keys) and their declarations. */
export type EventDeclarations = Readonly<Record<string, EventDeclaration>>
