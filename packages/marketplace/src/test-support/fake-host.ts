import { pathToFileURL } from 'node:url'
import type { MarketplaceHooks, PluginPackage, ReplaceSteps } from '../install/marketplace-hooks.js'

let generation = 0

/** What a fixture plugin's setup receives. */
interface FixtureContext {
  started: string[]
}

/** A stand-in for the host: hooks that really import and set up fixture plugins, and a record of calls. */
export interface FakeHost {
  hooks: MarketplaceHooks
  /** Running plugins by name -> version. */
  running: Map<string, string>
  calls: string[]
  dependents: Map<string, string[]>
}

/**
 * Hooks that import each plugin for real: `verify` imports it and runs setup when `setupInVerify` is set,
 * `start` runs setup and records it as running, `stop` and `forget` record the call. With `replace`, upgrades
 * go through a `replace` hook that moves the files in (`prepare`), runs setup, and reverts when it throws.
 *
 * @example
 * ```ts
 * const host = fakeHost({ setupInVerify: true })
 * await marketplace.install({ name: 'demo' }, host.hooks)
 * ```
 */
export function fakeHost(options: { setupInVerify?: boolean; replace?: boolean } = {}): FakeHost {
  const running = new Map<string, string>()
  const calls: string[] = []
  const dependents = new Map<string, string[]>()
  const setUp = async (plugin: PluginPackage) => {
    const url = `${pathToFileURL(plugin.entry).href}?generation=${++generation}`
    const module = (await import(url)) as { default: { setup(ctx: FixtureContext): unknown } }
    await module.default.setup({ started: [] })
  }
  const hooks: MarketplaceHooks = {
    async verify(staged) {
      calls.push(`verify ${staged.name}@${staged.version}`)
      if (options.setupInVerify) await setUp(staged)
    },
    async start(plugin) {
      calls.push(`start ${plugin.name}@${plugin.version}`)
      await setUp(plugin)
      running.set(plugin.name, plugin.version)
    },
    stop(name) {
      calls.push(`stop ${name}`)
      running.delete(name)
    },
    dependents: (name) => dependents.get(name) ?? [],
    ...(options.replace
      ? {
          async replace(plugin: PluginPackage, steps: ReplaceSteps) {
            calls.push(`replace ${plugin.name}@${plugin.version}`)
            await steps.prepare()
            try {
              await setUp(plugin)
            } catch (error) {
              calls.push(`revert ${plugin.name}`)
              await steps.revert()
              throw error
            }
            running.set(plugin.name, plugin.version)
          },
        }
      : {}),
    forget(name, { purge }) {
      calls.push(`forget ${name}${purge ? ' (purge)' : ''}`)
    },
  }
  return { hooks, running, calls, dependents }
}
