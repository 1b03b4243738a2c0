import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { IsolationMode, SwitchyardConfig } from '../config/config-schema.js'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import { IsolationError } from '../errors.js'
import { type PluginRecord, provisionalName } from '../lifecycle/plugin-record.js'
import type { PluginEngine } from '../runtime/plugin-engine.js'
import { IsolatedEngine } from './isolated-engine.js'
import { isolationMetrics } from './isolation-metrics.js'
import { type IsolationSettings, isolationOf } from './isolation-settings.js'
import { type LaunchOptions, sameLaunch } from './launch-sandbox.js'
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

/** How a host runs plugins in sandboxes, by configuration (see `isolationOf`). */
export interface Isolator {
  /**
   * A sandbox to read a candidate's manifest in, before anything of it ran, when it may run isolated (its name,
   * which `plugins.<name>.isolation` is keyed by, is in the module): in the strictest mode configured anywhere
   * for it, and undefined when nothing is configured to be isolated. With a name declared in package.json it is
   * launched as the plugin's own sandbox (see `ownSandbox`), but a process gets the plugin's data folder only with
   * `ownFolder` (no other plugin may hold that name), else a shared disposable one. `installed` counts it as a
   * marketplace install wherever it sits (a staged package).
   */
  probe(
    candidate: PluginCandidate,
    options?: { installed?: boolean; ownFolder?: boolean },
  ): IsolatedEngine | undefined
  /**
   * Whether `probe` was launched exactly as the sandbox of the plugin `name` would be (same name, mode, limits,
   * env and folders), so it can go on as that plugin's sandbox instead of launching another.
   */
  ownSandbox(probe: IsolatedEngine, name: string, candidate: PluginCandidate): boolean
  /** The mode the plugin named `name` runs in. */
  modeOf(name: string, candidate: PluginCandidate, options?: { installed?: boolean }): IsolationMode
  /** A new sandbox engine for the plugin `name`, in its mode (not `none`). */
  make(name: string, candidate: PluginCandidate): IsolatedEngine
  /**
   * The engine of a plugin imported in the host that its configuration now isolates (a plugin given as an object
   * in code cannot be: `IsolationError`); undefined for `none`.
   */
  engine(record: PluginRecord): PluginEngine | undefined
}

const STRICTNESS: readonly IsolationMode[] = ['none', 'worker', 'process']
/** The data folder of a process that reads a manifest without being sure whose folder it may write: shared, disposable. */
const MANIFEST_FOLDER = '.manifest'

/**
 * Makes the `Isolator` of a host.
 *
 * @example
 * ```ts
 * const isolator = createIsolator({ config: () => host.config, cwd, registry, logger, env: process.env, failed })
 * ```
 */
export function createIsolator(options: IsolatorOptions): Isolator {
  const metrics = isolationMetrics(options.registry)
  const launchOf = (
    name: string,
    candidate: PluginCandidate,
    settings: IsolationSettings,
    folder = name,
  ): LaunchOptions => ({
    settings,
    env: sandboxEnv(name, options.env),
    readable: settings.mode === 'process' ? readAllowList([candidate.dir, HOST_PACKAGE]) : [],
    dataDir: resolve(options.cwd, dataRoot(options.config()), 'sandbox', folder),
  })
  const engineFor = (name: string, candidate: PluginCandidate, launch: LaunchOptions) =>
    new IsolatedEngine({
      plugin: name,
      entry: candidate.entry,
      launch,
      metrics,
      logger: options.logger,
      failed: (error) => options.failed(name, error),
    })
  const settingsOf = (name: string, candidate: PluginCandidate, installed?: boolean) =>
    isolationOf(options.config(), name, candidate, options.cwd, installed)
  const make = (name: string, candidate: PluginCandidate) =>
    engineFor(name, candidate, launchOf(name, candidate, settingsOf(name, candidate)))
  return {
    probe(candidate, { installed, ownFolder = false } = {}) {
      if (candidate.module !== undefined || candidate.problem !== undefined) return undefined
      // A name declared in package.json tells the mode at once: no guess, no sandbox for an in-process plugin.
      // The module will name itself so or be refused: its probe is launched as its own sandbox.
      const declared = candidate.declaredName
      if (declared !== undefined) {
        const settings = settingsOf(declared, candidate, installed)
        const folder = ownFolder ? declared : MANIFEST_FOLDER
        return settings.mode === 'none'
          ? undefined
          : engineFor(declared, candidate, launchOf(declared, candidate, settings, folder))
      }
      const config = options.config()
      const unnamed = settingsOf(provisionalName(candidate), candidate, installed)
      // Without the name, any plugin entry could be this one: the strictest mode configured for any name.
      const named = Object.values(config.plugins).map((entry) => entry?.isolation ?? 'none')
      const mode = [unnamed.mode, ...named].reduce((a, b) =>
        STRICTNESS.indexOf(b) > STRICTNESS.indexOf(a) ? b : a,
      )
      if (mode === 'none') return undefined
      // The module may name itself otherwise, and then must not have written in the folder of the plugin its file
      // name suggests. A worker has no folder: it may still turn out to be the plugin's own sandbox.
      const name = provisionalName(candidate)
      return engineFor(name, candidate, launchOf(name, candidate, { ...unnamed, mode }, MANIFEST_FOLDER))
    },
    ownSandbox: (probe, name, candidate) =>
      probe.plugin === name &&
      sameLaunch(probe.launch, launchOf(name, candidate, settingsOf(name, candidate))),
    modeOf: (name, candidate, { installed } = {}) => settingsOf(name, candidate, installed).mode,
    make,
    engine(record) {
      const settings = settingsOf(record.name, record.candidate)
      if (settings.mode === 'none') return undefined
      if (record.candidate.module !== undefined)
        throw new IsolationError(
          record.name,
          settings.mode,
          `it was given as an object in code (${record.candidate.entry}); a sandbox imports a plugin from its file: load it from a file or package (createTestHost: plugins: [{ module: '/abs/path.js' }])`,
        )
      return engineFor(record.name, record.candidate, launchOf(record.name, record.candidate, settings))
    },
  }
}

// Sandboxes' data folders sit beside the embedded store; with the memory store (tests) in the temporary folder.
function dataRoot(config: SwitchyardConfig): string {
  return config.storage.driver === 'sqlite' ? dirname(config.storage.path) : join(tmpdir(), 'switchyard')
}
