import type { PluginDatabases, SqlDatabase } from '@switchyard/core'
import pg from 'pg'
import { PostgresDatabaseError } from './errors.js'
import { dropSql, type PluginRole, pluginRole, provisionSql } from './plugin-role.js'
import { PostgresDatabase } from './postgres-database.js'

/** What `PostgresPluginDatabases` takes. */
export interface PostgresPluginDatabasesOptions {
  /** A connection URL of a user that may create roles and schemas (`CREATEROLE`, and `CREATE` on the database). */
  url: string
  /** The start of every plugin's schema and role name; default `plugin_` (`plugin_order_notes`). */
  schemaPrefix?: string
  /** Connections per plugin; default 5. */
  poolSize?: number
}

const INT8 = 20

// COUNT(*) and BIGINT columns arrive as numbers while they fit, as BigInts past 2^53 (never as text).
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid !== INT8 || format === 'binary') return pg.types.getTypeParser(oid, format as 'text')
    return (text: string) => {
      const value = Number(text)
      return Number.isSafeInteger(value) ? value : BigInt(text)
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
}

/**
 * Plugin databases on PostgreSQL: each plugin gets its own schema and a login role owning it, whose search_path is
 * that schema, and its pool logs in as that role. A plugin's unqualified names resolve in its schema, and it has no
 * privilege on any other plugin's schema, so it cannot read another plugin's tables even by naming them. The role's
 * password is derived from the admin URL (see `pluginRole`), so several nodes sharing the URL share the roles.
 * Placeholders are `?` (numbered for PostgreSQL; see `numberedPlaceholders`); `lastInsertRowid` is null (use
 * `RETURNING`).
 *
 * @example
 * ```ts
 * const databases = new PostgresPluginDatabases({ url: 'postgres://postgres@127.0.0.1:5432/app' })
 * const db = await databases.open('inventory') // schema and role plugin_inventory
 * ```
 */
export class PostgresPluginDatabases implements PluginDatabases {
  readonly driver = 'postgres'
  readonly #url: string
  readonly #prefix: string
  readonly #poolSize: number
  readonly #admin: pg.Pool

  constructor(options: PostgresPluginDatabasesOptions) {
    this.#url = options.url
    this.#prefix = options.schemaPrefix ?? 'plugin_'
    this.#poolSize = options.poolSize ?? 5
    this.#admin = new pg.Pool({ connectionString: options.url, max: 2 })
    // An idle client's error (the server restarted) is reported on the next query; without a listener it would crash.
    this.#admin.on('error', () => undefined)
  }

  async open(plugin: string): Promise<SqlDatabase> {
    const role = this.#role(plugin)
    await this.#admin.query(provisionSql(role)).catch((error: Error) => {
      throw new PostgresDatabaseError(
        `cannot create the schema and role ${role.name}: ${error.message}`,
        error,
      )
    })
    const pool = new pg.Pool({ connectionString: this.#roleUrl(role), max: this.#poolSize, types })
    pool.on('error', () => undefined)
    return new PostgresDatabase(pool)
  }

  async purge(plugin: string): Promise<void> {
    await this.#admin.query(dropSql(this.#role(plugin)))
  }

  close(): Promise<void> {
    return this.#admin.end()
  }

  #role(plugin: string): PluginRole {
    return pluginRole(plugin, this.#prefix, this.#url)
  }

  #roleUrl(role: PluginRole): string {
    const url = new URL(this.#url)
    url.username = role.name
    url.password = role.password
    return url.toString()
  }
}
