import * as v from 'valibot'
import { describeIssue } from './describe-issue.js'
import { PluginLoadError } from './errors.js'
import { PERMISSIONS } from './permissions.js'
import type { PluginDescriptor } from './plugin-definition.js'
import { isSemverRange, isSemverVersion } from './semver-syntax.js'

/** kebab-case plugin names, the one rule used everywhere. */
export const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/

const pluginName = v.pipe(v.string(), v.regex(PLUGIN_NAME, 'a kebab-case plugin name'))
const range = v.pipe(
  v.string(),
  v.check((text) => isSemverRange(text), 'a semver range'),
)
const valibotSchema = v.custom<v.GenericSchema>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'schema' &&
    (value as { async?: unknown }).async === false,
  'a synchronous valibot schema',
)
const eventDeclarations = v.record(
  v.pipe(v.string(), v.regex(EVENT_TYPE, 'an event type such as order.status_changed')),
  v.object({
    schema: valibotSchema,
    version: v.optional(
      v.pipe(
        v.string(),
        v.check((text) => isSemverVersion(text), 'a semver version'),
      ),
    ),
    description: v.optional(v.string()),
  }),
)

const migrations = v.pipe(
  v.array(
    v.object({
      id: v.pipe(v.string(), v.minLength(1, 'a non-empty migration id')),
      up: v.pipe(v.string(), v.minLength(1, 'the SQL of the migration')),
    }),
  ),
  v.check(
    (list) => new Set(list.map((migration) => migration.id)).size === list.length,
    (issue) => `unique migration ids (${duplicateIds(issue.input).join(', ')} repeated)`,
  ),
)
const provides = v.union(
  [v.record(v.string(), v.function()), v.function()],
  'an object of functions, or a function of the context returning one',
)

function duplicateIds(list: readonly { id: string }[]): string[] {
  const ids = list.map((migration) => migration.id)
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))]
}

const fields = v.looseObject({
  name: pluginName,
  version: v.pipe(
    v.string(),
    v.check((text) => isSemverVersion(text), 'a semver version'),
  ),
  description: v.optional(v.string()),
  dependencies: v.optional(
    v.record(pluginName, v.union([range, v.object({ version: range, optional: v.optional(v.boolean()) })])),
  ),
  optionalDependencies: v.optional(v.record(pluginName, range)),
  permissions: v.optional(v.array(v.picklist(PERMISSIONS))),
  config: v.optional(valibotSchema),
  publishes: v.optional(eventDeclarations),
  consumes: v.optional(eventDeclarations),
  migrations: v.optional(migrations),
  provides: v.optional(provides),
  category: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'a kebab-case category'))),
  tags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(50))), v.maxLength(20))),
  author: v.optional(v.pipe(v.string(), v.minLength(1))),
  license: v.optional(v.pipe(v.string(), v.minLength(1))),
  setup: v.function(),
  stop: v.optional(v.function()),
})

const descriptorSchema = v.pipe(
  fields,
  v.forward(
    v.check(
      (plugin) =>
        (plugin.migrations ?? []).length === 0 || (plugin.permissions ?? []).includes('database:write'),
      "the 'database:write' permission, which migrations need",
    ),
    ['migrations'],
  ),
)

/**
 * Checks that a value is a plugin descriptor (the manifest check made before anything runs). Throws
 * `PluginLoadError` listing each bad field as `path: expected …, got …`; `where` names the module for messages.
 *
 * @example
 * ```ts
 * const plugin = validateDescriptor(module.default, '/plugins/audit-log/index.js')
 * ```
 */
export function validateDescriptor(value: unknown, where?: string): PluginDescriptor {
  const result = v.safeParse(descriptorSchema, value)
  if (result.success) return value as PluginDescriptor
  const name =
    typeof (value as { name?: unknown })?.name === 'string'
      ? `plugin "${(value as { name: string }).name}"`
      : 'plugin'
  const lines = result.issues.map((issue) => {
    const { path, message } = describeIssue(issue)
    return `  ${path === '' ? '(plugin)' : path}: ${message}`
  })
  throw new PluginLoadError(
    `${name}${where === undefined ? '' : ` (${where})`} is invalid:\n${lines.join('\n')}`,
  )
}
