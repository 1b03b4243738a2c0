import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { toJsonSchema } from '@valibot/to-json-schema'

/**
 * A plugin's configuration schema as JSON Schema (draft-07, as `@valibot/to-json-schema` writes it): types,
 * defaults (`v.optional(schema, default)`) and descriptions (`v.description`), for forms and editors. Parts JSON
 * Schema cannot express (a custom check, a transform) are left out; a plugin without a schema takes any object.
 *
 * @example
 * ```ts
 * configJsonSchema(plugin) // { $schema: '…', type: 'object', properties: { channel: { enum: ['log', 'webhook'], default: 'log' } } }
 * ```
 */
export function configJsonSchema(descriptor: PluginDescriptor): Record<string, unknown> {
  if (descriptor.config === undefined) return { type: 'object' }
  return toJsonSchema(descriptor.config, { errorMode: 'ignore' }) as Record<string, unknown>
}
