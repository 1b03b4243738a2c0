import type { Event } from '@switchyard/core'
import {
  describeIssue,
  type EventDeclaration,
  type PluginDescriptor,
  type Schema,
} from '@switchyard/plugin-sdk'
import * as v from 'valibot'

/** One declaration of an event type by one plugin. */
export interface CatalogEntry {
  type: string
  plugin: string
  role: 'publishes' | 'consumes'
  version: string
  description?: string
  schema: Schema
}

/**
 * The event types declared by running plugins (`publishes` / `consumes`). Validates payloads of declared types
 * against every schema declared for them and tells whether a plugin may publish a type.
 *
 * @example
 * ```ts
 * const catalog = new EventCatalog()
 * catalog.register(plugin)
 * catalog.validate(event) // undefined, or 'order.shipped (declared by shipping 1.0.0): data.id: expected string, got undefined'
 * ```
 */
export class EventCatalog {
  #byType = new Map<string, CatalogEntry[]>()
  #publishes = new Map<string, ReadonlySet<string>>()

  /** Adds a plugin's declarations (replacing earlier ones of the same plugin, for a reload). */
  register(plugin: Pick<PluginDescriptor, 'name' | 'publishes' | 'consumes'>): void {
    this.unregister(plugin.name)
    const add = (
      role: CatalogEntry['role'],
      declarations: Readonly<Record<string, EventDeclaration>> = {},
    ) => {
      for (const [type, declaration] of Object.entries(declarations)) {
        const entry: CatalogEntry = {
          type,
          plugin: plugin.name,
          role,
          version: declaration.version ?? '1.0.0',
          schema: declaration.schema,
          ...(declaration.description === undefined ? {} : { description: declaration.description }),
        }
        this.#byType.set(type, [...(this.#byType.get(type) ?? []), entry])
      }
    }
    add('publishes', plugin.publishes)
    add('consumes', plugin.consumes)
    if (plugin.publishes !== undefined)
      this.#publishes.set(plugin.name, new Set(Object.keys(plugin.publishes)))
  }

  /** Forgets a plugin's declarations. */
  unregister(plugin: string): void {
    this.#publishes.delete(plugin)
    for (const [type, entries] of this.#byType) {
      const kept = entries.filter((entry) => entry.plugin !== plugin)
      if (kept.length === 0) this.#byType.delete(type)
      else this.#byType.set(type, kept)
    }
  }

  /** False when the plugin declared `publishes` and `type` is not in it. */
  mayPublish(plugin: string, type: string): boolean {
    return this.#publishes.get(plugin)?.has(type) ?? true
  }

  /** The first schema violation of a declared type's payload, in words; undefined when valid or undeclared. */
  validate(event: Pick<Event, 'type' | 'data'>): string | undefined {
    for (const entry of this.#byType.get(event.type) ?? []) {
      const result = v.safeParse(entry.schema, event.data)
      if (!result.success) {
        const problems = result.issues.map((issue) => {
          const { path, message } = describeIssue(issue)
          return `${['data', path].filter(Boolean).join('.')}: ${message}`
        })
        return `${event.type} (as declared by ${entry.plugin} ${entry.version}): ${problems.join('; ')}`
      }
    }
    return undefined
  }

  /** Every declaration, by type then plugin. */
  entries(): CatalogEntry[] {
    return [...this.#byType.values()]
      .flat()
      .sort((a, b) => a.type.localeCompare(b.type) || a.plugin.localeCompare(b.plugin))
  }
}
