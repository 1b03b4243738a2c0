import {
  ProviderCallError,
  ProviderUnavailableError,
  UnknownExportError,
  UnserialisableValueError,
} from '@switchyard/plugin-sdk'
import type { Provider } from './provider.js'

/**
 * The functions running plugins provide, by plugin name: what `ctx.use` calls. Arguments and results are copied
 * as structured clones, so a caller and a provider share no objects in-process, exactly as when either runs
 * isolated. A provider that is not registered (disabled, failed, stopped, reloading) fails calls at once.
 *
 * @example
 * ```ts
 * registry.register('pricing', inProcessProvider(plugin.provides, scope))
 * await registry.call('pricing', 'quote', ['A-1']) // a copy of what quote returned
 * ```
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, Provider>()
  readonly #stateOf: (plugin: string) => string

  /** `stateOf` words a plugin's state for the error of a call to it while it is not running. */
  constructor(stateOf: (plugin: string) => string) {
    this.#stateOf = stateOf
  }

  register(plugin: string, provider: Provider): void {
    this.#providers.set(plugin, provider)
  }

  /** Removes `provider` if it is still the one registered for `plugin` (a newer version may have replaced it). */
  unregister(plugin: string, provider: Provider): void {
    if (this.#providers.get(plugin) === provider) this.#providers.delete(plugin)
  }

  /** Calls `method` of `plugin` with a copy of `args`; resolves to a copy of its result. */
  async call(plugin: string, method: string, args: readonly unknown[]): Promise<unknown> {
    const provider = this.#providers.get(plugin)
    if (provider === undefined) throw new ProviderUnavailableError(plugin, this.#stateOf(plugin))
    const names = provider.names()
    if (!names.includes(method)) throw new UnknownExportError(plugin, method, names)
    const copied = copy(args, `the arguments of ${plugin}.${method}()`) as unknown[]
    let result: unknown
    try {
      result = await provider.call(method, copied)
    } catch (error) {
      throw new ProviderCallError(plugin, method, plainError(error))
    }
    return copy(result, `the result of ${plugin}.${method}()`)
  }
}

function copy(value: unknown, what: string): unknown {
  try {
    return structuredClone(value)
  } catch (error) {
    throw new UnserialisableValueError(what, error)
  }
}

function plainError(error: unknown): { name: string; message: string; code?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const code = (error as { code?: unknown }).code
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) }
}
