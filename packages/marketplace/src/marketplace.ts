import { mkdtemp, rename, rm, rmdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import semver from 'semver'
import type { PackageIdentity } from './archive/package-identity.js'
import { AlreadyInstalledError, HasDependentsError, NotInstalledError, UpgradeSourceError } from './errors.js'
import { type ProgressListener, ProgressReporter } from './install/install-progress.js'
import { parseInstallRequest } from './install/install-request.js'
import { LOCKFILE_NAME, type LockEntry, Lockfile } from './install/lockfile.js'
import type { MarketplaceHooks, PluginPackage } from './install/marketplace-hooks.js'
import { readPluginManifest } from './install/plugin-manifest.js'
import { Rollback } from './install/rollback.js'
import { type StagedPlugin, stagePlugin } from './install/stage-plugin.js'
import { swapIntoPlace } from './install/swap-into-place.js'
import { createContext, type MarketplaceContext, type MarketplaceOptions } from './marketplace-context.js'
import { buildCatalog, type Catalog } from './registry/build-catalog.js'
import { type Artifact, resolveArtifact } from './registry/resolve-artifact.js'
import { refuseSignerChange } from './trust/refuse-signer-change.js'

/** An installed plugin: its lockfile entry and its folder. */
export interface InstalledPlugin extends LockEntry {
  dir: string
}

/** What `upgrade` did: `changed` is false when the installed version already is the one resolved. */
export interface UpgradeResult {
  plugin: InstalledPlugin
  previousVersion: string
  changed: boolean
}

/**
 * Finds, installs, upgrades and removes plugins at runtime. Operations run one at a time; each one either
 * completes or leaves the install directory and the lockfile as they were. The host plugs in through
 * `MarketplaceHooks` (verify in staging, start, stop, replace, dependents, forget).
 *
 * @example
 * ```ts
 * const marketplace = new Marketplace({ config: config.marketplace, hostVersion: '0.1.0', hooks })
 * await marketplace.install({ name: '@switchyard/plugin-audit-log', version: '^0.1.0' })
 * await marketplace.upgrade('@switchyard/plugin-audit-log')
 * await marketplace.uninstall('@switchyard/plugin-audit-log')
 * ```
 */
export class Marketplace {
  /** The configuration's `enabled` flag; the marketplace itself works either way. */
  readonly enabled: boolean
  readonly installDir: string
  #context: MarketplaceContext
  #lockfile: Lockfile
  #hooks: MarketplaceHooks
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: MarketplaceOptions) {
    this.#context = createContext(options)
    this.#hooks = options.hooks ?? {}
    this.enabled = this.#context.config.enabled
    this.installDir = this.#context.installDir
    this.#lockfile = new Lockfile(join(this.installDir, LOCKFILE_NAME))
  }

  /** The plugins of the registry and the indexes, with compatibility and installed versions and signers. */
  async catalog(): Promise<Catalog> {
    return buildCatalog(this.#context, await this.#lockfile.read())
  }

  /** The installed plugins, from the lockfile. */
  async installed(): Promise<InstalledPlugin[]> {
    return [...(await this.#lockfile.read()).values()].map((entry) => this.#withDir(entry))
  }

  /**
   * Installs `{ name, version? }` (registry, then indexes) or `{ download_url, checksum_sha256? }`, validated
   * with `InstallRequestSchema`. Refuses a name already installed (`E_ALREADY_INSTALLED`): use `upgrade`.
   * `onProgress` hears each step (resolve, download with bytes, verify, extract, dependencies, load, swap).
   */
  async install(
    request: unknown,
    hooks: MarketplaceHooks = this.#hooks,
    options: { onProgress?: ProgressListener } = {},
  ): Promise<InstalledPlugin> {
    const parsed = parseInstallRequest(request)
    const progress = new ProgressReporter(options.onProgress)
    return this.#exclusive(async () => {
      const lock = await this.#lockfile.read()
      const artifact = await progress.run(
        'resolve',
        () => {
          if ('name' in parsed) this.#refuseInstalled(lock, parsed.name)
          return resolveArtifact(parsed, this.#context)
        },
        describeArtifact,
      )
      const check = (staged: StagedPlugin) => this.#refuseInstalled(lock, staged.plugin.name)
      return this.#withDir(await this.#stageAndSwap(artifact, lock, hooks, { check, progress }))
    })
  }

  /**
   * Replaces an installed plugin with the newest version matching `range` (the `latest` tag by default) from
   * the registry or the indexes. With a `replace` hook the host swaps the running plugin in one drained step
   * (no event lost); otherwise the old one is stopped and the new one started. If that fails the old files,
   * lock entry and running plugin come back (`E_PLUGIN_START` with `rolledBack`). A version signed by another
   * key than the installed one's (or unsigned, when it was signed) is refused (`E_SIGNATURE`) unless `force`.
   * `onProgress` hears each step, as for `install` (an upgrade with nothing newer ends after `resolve`).
   */
  upgrade(
    name: string,
    range?: string,
    hooks: MarketplaceHooks = this.#hooks,
    options: { force?: boolean; onProgress?: ProgressListener } = {},
  ): Promise<UpgradeResult> {
    const progress = new ProgressReporter(options.onProgress)
    return this.#exclusive(async () => {
      const lock = await this.#lockfile.read()
      const current = lock.get(name)
      const artifact = await progress.run(
        'resolve',
        () => {
          if (current === undefined) throw new NotInstalledError(name)
          if (current.source.kind === 'url') throw new UpgradeSourceError(name)
          return resolveArtifact({ name, ...(range ? { version: range } : {}) }, this.#context)
        },
        describeArtifact,
      )
      if (current === undefined) throw new NotInstalledError(name)
      const unchanged = { plugin: this.#withDir(current), previousVersion: current.version, changed: false }
      const target = artifact.version ?? current.version
      if (target === current.version || (range === undefined && semver.lt(target, current.version)))
        return unchanged
      const previous = await this.#packageAt(name)
      const acceptSigner = options.force
        ? undefined
        : (identity: PackageIdentity, signer: string) => refuseSignerChange(current, identity, signer)
      const entry = await this.#stageAndSwap(artifact, lock, hooks, {
        previous,
        progress,
        ...(acceptSigner ? { acceptSigner } : {}),
      })
      return { plugin: this.#withDir(entry), previousVersion: current.version, changed: true }
    })
  }

  /**
   * Stops and removes an installed plugin, drops it from the lockfile and calls `forget` (with `purge`: the host
   * deletes the plugin's SQL data too; it is kept otherwise). Refuses while the `dependents` hook names any plugin
   * (`E_HAS_DEPENDENTS`) unless `force` is set.
   */
  uninstall(
    name: string,
    hooks: MarketplaceHooks = this.#hooks,
    options: { force?: boolean; purge?: boolean } = {},
  ): Promise<InstalledPlugin> {
    return this.#exclusive(async () => {
      const lock = await this.#lockfile.read()
      const entry = lock.get(name)
      if (entry === undefined) throw new NotInstalledError(name)
      const dependents = ((await hooks.dependents?.(name)) ?? []).filter((other) => other !== name)
      if (dependents.length > 0 && !options.force) throw new HasDependentsError(name, dependents)
      const running = await this.#packageAt(name).catch(() => undefined)
      await hooks.stop?.(name)
      const target = join(this.installDir, name)
      const trash = await mkdtemp(join(dirname(this.installDir), '.switchyard-removed-'))
      const rollback = new Rollback()
      try {
        if (running !== undefined) rollback.push(() => hooks.start?.(running))
        await rename(target, join(trash, 'package'))
        rollback.push(() => rename(join(trash, 'package'), target))
        const next = new Map(lock)
        next.delete(name)
        await this.#lockfile.write(next)
      } catch (error) {
        await rollback.run()
        throw error
      } finally {
        await rm(trash, { recursive: true, force: true })
      }
      // an emptied `@scope` folder goes too; one still holding other plugins stays
      if (name.includes('/')) await rmdir(dirname(target)).catch(() => undefined)
      await hooks.forget?.(name, { purge: options.purge === true })
      return this.#withDir(entry)
    })
  }

  #refuseInstalled(lock: ReadonlyMap<string, LockEntry>, name: string): void {
    const existing = lock.get(name)
    if (existing !== undefined) throw new AlreadyInstalledError(name, { version: existing.version })
  }

  /**
   * Stages `artifact` and swaps it into place over `previous` (when upgrading); `check` may refuse the staged
   * plugin first. The staging folder is removed either way.
   */
  async #stageAndSwap(
    artifact: Artifact,
    lock: ReadonlyMap<string, LockEntry>,
    hooks: MarketplaceHooks,
    options: {
      previous?: PluginPackage
      check?: (staged: StagedPlugin) => void
      acceptSigner?: (identity: PackageIdentity, signer: string) => void
      progress: ProgressReporter
    },
  ): Promise<LockEntry> {
    const { progress, acceptSigner } = options
    const staged = await stagePlugin(artifact, this.#context, hooks, {
      progress,
      ...(acceptSigner ? { acceptSigner } : {}),
    })
    try {
      const { previous } = options
      const plan = {
        staged,
        source: artifact.source,
        installDir: this.installDir,
        lockfile: this.#lockfile,
        lock,
      }
      return await progress.run(
        'swap',
        () => {
          options.check?.(staged)
          return swapIntoPlace(previous === undefined ? plan : { ...plan, previous }, hooks)
        },
        (entry) => `${entry.name}@${entry.version} in place`,
      )
    } finally {
      await rm(staged.root, { recursive: true, force: true })
    }
  }

  async #packageAt(name: string): Promise<PluginPackage> {
    const dir = join(this.installDir, name)
    const { version, entry, json } = await readPluginManifest(dir, name)
    return { name, version, dir, entry, manifest: json }
  }

  #withDir(entry: LockEntry): InstalledPlugin {
    return { ...entry, dir: join(this.installDir, entry.name) }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work)
    this.#queue = run.catch(() => undefined)
    return run
  }
}

// `switchyard-demo@1.1.0 from https://registry…`, or the URL of a direct download.
const describeArtifact = (artifact: Artifact): string =>
  artifact.name === undefined
    ? artifact.url
    : `${artifact.name}${artifact.version ? `@${artifact.version}` : ''} from ${artifact.source.location}`
