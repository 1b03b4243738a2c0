import * as v from 'valibot'

/**
 * The plugin's config (`plugins.my-first-plugin.config`), with Nexus's manifest defaults: at most `max_entries`
 * data entries, and whether new users get a welcome notification event.
 *
 * @example
 * ```ts
 * v.parse(configSchema, {}) // { max_entries: 1000, enable_notifications: true }
 * ```
 */
export const configSchema = v.object({
  max_entries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1000),
  enable_notifications: v.optional(v.boolean(), true),
})

/** The parsed config. */
export type MyFirstPluginConfig = v.InferOutput<typeof configSchema>
