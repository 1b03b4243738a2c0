import { type PluginDescriptor, PluginLoadError, validateDescriptor } from '@switchyard/plugin-sdk'

type Constructor = new () => object
const FACTORY_NAMES = ['createPlugin', 'getPlugin'] as const
const DESCRIPTOR_KEYS = [
  'name',
  'version',
  'description',
  'dependencies',
  'optionalDependencies',
  'permissions',
  'config',
  'publishes',
  'consumes',
] as const

/**
 * Finds the plugin in an imported module, accepting every shape the seeds use: a default-exported descriptor
 * (from `definePlugin` or a plain object), a `createPlugin()` / `getPlugin()` factory (sync or async), a class
 * (default export or `PLUGIN_CLASS`) whose instances have `name`, `version` and `setup`, or a default-exported
 * factory function. Validates the result; throws `PluginLoadError` naming `where` otherwise.
 *
 * @example
 * ```ts
 * const plugin = await toPluginDescriptor(await import('./plugins/audit-log/index.js'), 'audit-log')
 * ```
 */
export async function toPluginDescriptor(
  module: Readonly<Record<string, unknown>>,
  where: string,
): Promise<PluginDescriptor> {
  const exported = await findExport(module)
  if (exported === undefined) {
    throw new PluginLoadError(
      `${where} exports no plugin: expected a default export made with definePlugin (or a plain object with ` +
        'name, version and setup), a createPlugin() or getPlugin() factory, or a class',
    )
  }
  return validateDescriptor(fromInstance(exported), where)
}

async function findExport(module: Readonly<Record<string, unknown>>): Promise<unknown> {
  const candidate = module.default ?? module.plugin
  if (typeof candidate === 'function')
    return isClass(candidate) ? new (candidate as Constructor)() : candidate()
  if (candidate !== undefined) return candidate
  for (const name of FACTORY_NAMES) {
    const factory = module[name]
    if (typeof factory === 'function') return factory()
  }
  const cls = module.PLUGIN_CLASS
  return typeof cls === 'function' ? new (cls as Constructor)() : undefined
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && Function.prototype.toString.call(fn).startsWith('class')
}

// A class instance keeps `setup` on its prototype and needs `this`: copy the fields, bind the methods.
function fromInstance(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) === Object.prototype)
    return value
  const instance = value as Record<string, unknown>
  const copy: Record<string, unknown> = {}
  for (const key of DESCRIPTOR_KEYS) if (instance[key] !== undefined) copy[key] = instance[key]
  for (const key of ['setup', 'stop'] as const) {
    const method = instance[key]
    if (typeof method === 'function') copy[key] = method.bind(instance)
  }
  return Object.freeze(copy)
}
