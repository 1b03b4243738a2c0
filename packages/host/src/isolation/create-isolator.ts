import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { SwitchyardConfig } from '../config/config-schema.js'
import { IsolationError } from '../errors.js'
import type { PluginRecord } from '../lifecycle/plugin-record.js'
import type { PluginEngine } from '../runtime/plugin-engine.js'
import { IsolatedEngine } from './isolated-engine.js'
import { isolationMetrics } from './isolation-metrics.js'
import { isolationOf } from './isolation-settings.js'
import { readAllowList } from './read-allow-list.js'
import { sandboxEnv } from './sandbox-env.js'

/** What the isolator needs from its host. */
export interface IsolatorOptions {
  /** The running configuration (read at each start, so a reload applies to the next one). */
  config(): SwitchyardConfig
  cwd: string
  registry: Registry
  logger: Logger
  /** Variables the sandbox's env is filtered from. */
  env: NodeJS.ProcessEnv
  /** A plugin's sandbox passed `max_restarts`: stop the plugin as failed. */
  failed(plugin: string, error: Error): void
}

// The host package's folder: a process sandbox reads its own code (and dependencies) from there.
const HOST_PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Makes the `isolate` function of a plugin set: for a plugin whose isolation is `worker` or `process` (see
 * `isolationOf`), an `IsolatedEngine`; undefined for `none`. A plugin given as an object in code has no module
 * a sandbox could import, so isolating it throws `IsolationError`.
 *
 * @example
 * ```ts
 * const isolate = createIsolator({ config: () => host.config, cwd, registry, logger, env: process.env, failed })
 * ```
 */
export function createIsolator(options: IsolatorOptions): (record: PluginRecord) => PluginEngine | undefined {
  const metrics = isolationMetrics(options.registry)
  return (record) => {
    const config = options.config()
    const settings = isolationOf(config, record.name, record.candidate, options.cwd)
    if (settings.mode === 'none') return undefined
    if (record.candidate.module !== undefined)
      throw new IsolationError(
        record.name,
        settings.mode,
        `it was given as an object in code (${record.candidate.entry}); a sandbox imports a plugin from its file: load it from a file or package (createTestHost: plugins: [{ module: '/abs/path.js' }])`,
      )
    const dataDir = resolve(options.cwd, dataRoot(config), 'sandbox', record.name)
    return new IsolatedEngine({
      plugin: record.name,
      entry: record.candidate.entry,
      launch: {
        settings,
        env: sandboxEnv(record.name, options.env),
        readable: settings.mode === 'process' ? readAllowList([record.candidate.dir, HOST_PACKAGE]) : [],
        dataDir,
      },
      metrics,
      logger: options.logger,
      failed: (error) => options.failed(record.name, error),
    })
  }
}

// Sandboxes' data folders sit beside the embedded store; with the memory store (tests) in the temporary folder.
function dataRoot(config: SwitchyardConfig): string {
  return config.storage.driver === 'sqlite' ? dirname(config.storage.path) : join(tmpdir(), 'switchyard')
}
