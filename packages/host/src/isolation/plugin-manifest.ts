import { type PluginDescriptor, PluginLoadError, validateDescriptor } from '@switchyard/plugin-sdk'

/**
 * What a sandbox tells the host of the plugin it imported: the descriptor's data, with each valibot schema (the
 * config's, each declared event's) as its shape — the schema objects without their functions — since code does
 * not cross the boundary. `provides` says only whether the plugin provides functions.
 */
export type PluginManifest = Omit<PluginDescriptor, 'setup' | 'stop' | 'provides'> & { provides: boolean }

// A manifest is data from code the host does not trust: it is copied as JSON within this size, cycles refused.
const MAX_MANIFEST_CHARS = 1_000_000

/**
 * The manifest of a plugin imported in a sandbox (see `PluginManifest`).
 *
 * @example
 * ```ts
 * const manifest = toManifest(await toPluginDescriptor(await import(entry), entry))
 * ```
 */
export function toManifest(descriptor: PluginDescriptor): PluginManifest {
  const { setup: _setup, stop: _stop, provides, ...fields } = descriptor
  const data = JSON.parse(JSON.stringify(fields, withoutFunctions)) as PluginManifest
  return { ...data, provides: provides !== undefined }
}

/**
 * The host's descriptor of a plugin that runs in a sandbox, from the manifest the sandbox sent: checked like any
 * descriptor (`validateDescriptor`), its schemas shapes that accept every value (the plugin's own schema code
 * runs only in its sandbox: see `SandboxedPlugin.parseConfig`) yet still lead `redactConfig` to `secret()` fields
 * and `toJsonSchema` to the fields' types. `setup` is never called: the plugin's engine runs the real one.
 *
 * @example
 * ```ts
 * const descriptor = fromManifest(await engine.load(), candidate.entry)
 * ```
 */
export function fromManifest(manifest: unknown, where: string): PluginDescriptor {
  let copy: Record<string, unknown>
  try {
    const text = JSON.stringify(manifest)
    if (text.length > MAX_MANIFEST_CHARS) throw new Error(`over ${MAX_MANIFEST_CHARS} characters`)
    copy = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new PluginLoadError(`${where}: the sandbox sent an unusable manifest (${(error as Error).message})`)
  }
  if (typeof copy !== 'object' || copy === null)
    throw new PluginLoadError(`${where}: the sandbox sent no manifest`)
  const { provides, config, publishes, consumes, ...fields } = copy
  const descriptor: Record<string, unknown> = {
    ...fields,
    ...(config === undefined ? {} : { config: acceptingShape(config) }),
    ...(publishes === undefined ? {} : { publishes: declarations(publishes) }),
    ...(consumes === undefined ? {} : { consumes: declarations(consumes) }),
    ...(provides === true ? { provides: {} } : {}),
    setup: notHere,
  }
  return validateDescriptor(Object.freeze(descriptor), where)
}

// Functions (validators, transforms, lazy getters, default factories) stay in the sandbox.
function withoutFunctions(_key: string, value: unknown): unknown {
  return typeof value === 'function' ? undefined : value
}

function declarations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([type, declaration]) => {
      const { schema, ...rest } = (declaration ?? {}) as Record<string, unknown>
      return [type, { ...rest, schema: acceptingShape(schema) }]
    }),
  )
}

// A schema's shape that valibot runs as `v.unknown()` would: every value passes, untouched.
function acceptingShape(shape: unknown): unknown {
  if (typeof shape !== 'object' || shape === null) return shape
  return {
    ...shape,
    '~run': (dataset: { typed: boolean }) => {
      dataset.typed = true
      return dataset
    },
  }
}

function notHere(): never {
  throw new Error('an isolated plugin is set up in its sandbox, not in the host')
}
