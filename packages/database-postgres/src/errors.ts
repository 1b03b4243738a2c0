import { SwitchyardError } from '@switchyard/core'

/**
 * A plugin's schema or role could not be made on PostgreSQL (E_POSTGRES): the URL's user lacks `CREATEROLE` or
 * `CREATE` on the database, or the server refused the connection.
 *
 * @example
 * ```ts
 * await databases.open('inventory').catch((error) => error instanceof PostgresDatabaseError)
 * ```
 */
export class PostgresDatabaseError extends SwitchyardError {
  constructor(message: string, cause?: unknown) {
    super('E_POSTGRES', message, { cause })
  }
}
