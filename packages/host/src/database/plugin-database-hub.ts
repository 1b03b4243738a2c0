import type { Logger, PluginDatabases, SqlDatabase } from '@switchyard/core'
import { PluginDatabaseError, type PluginMigration } from '@switchyard/plugin-sdk'
import { applyMigrations } from './apply-migrations.js'

/**
 * The host's side of plugin SQL: opens each plugin's database once through the configured driver and keeps it
 * open across reloads, applies migrations, purges a removed plugin's data, and closes everything at host stop.
 * Without a driver, using a database fails with `E_DATABASE` naming the fix.
 *
 * @example
 * ```ts
 * const hub = new PluginDatabaseHub(new SqlitePluginDatabases({ memory: true }), logger)
 * await hub.migrate('inventory', plugin.migrations)
 * const db = await hub.database('inventory')
 * ```
 */
export class PluginDatabaseHub {
  readonly #driver: PluginDatabases | undefined
  readonly #logger: Logger
  readonly #open = new Map<string, Promise<SqlDatabase>>()

  constructor(driver: PluginDatabases | undefined, logger: Logger) {
    this.#driver = driver
    this.#logger = logger
  }

  /** The driver's name, or undefined when the host has none. */
  get driver(): string | undefined {
    return this.#driver?.driver
  }

  /** The plugin's database, opened on first use. */
  database(plugin: string): Promise<SqlDatabase> {
    const driver = this.#driver
    if (driver === undefined)
      return Promise.reject(
        new PluginDatabaseError(
          plugin,
          'no plugin database is configured; give the host a PluginDatabases driver (the server makes one from plugin_database)',
        ),
      )
    let open = this.#open.get(plugin)
    if (open === undefined) {
      open = driver.open(plugin).catch((error: unknown) => {
        this.#open.delete(plugin)
        throw new PluginDatabaseError(plugin, `cannot open: ${(error as Error).message}`, { cause: error })
      })
      this.#open.set(plugin, open)
    }
    return open
  }

  /** Applies the plugin's pending migrations; throws `PluginMigrationError` when one fails. */
  async migrate(plugin: string, migrations: readonly PluginMigration[]): Promise<void> {
    const applied = await applyMigrations(plugin, await this.database(plugin), migrations)
    if (applied.length > 0) this.#logger.info({ plugin, migrations: applied }, 'plugin migrations applied')
  }

  /** Closes the plugin's database, keeping its data (the plugin was removed); the next use opens it again. */
  release(plugin: string): Promise<void> {
    return this.#close(plugin)
  }

  /** Closes the plugin's database and deletes its data (uninstall with purge). */
  async purge(plugin: string): Promise<void> {
    if (this.#driver === undefined) return
    await this.#close(plugin)
    await this.#driver.purge(plugin)
  }

  /** Closes every open database, then the driver. */
  async close(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((plugin) => this.#close(plugin)))
    await this.#driver?.close()
  }

  async #close(plugin: string): Promise<void> {
    const open = this.#open.get(plugin)
    this.#open.delete(plugin)
    await open?.then((db) => db.close()).catch(() => undefined)
  }
}
