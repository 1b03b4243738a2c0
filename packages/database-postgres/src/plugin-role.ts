import { createHash, createHmac } from 'node:crypto'

/** PostgreSQL's identifier limit, in bytes (names here are ASCII). */
const MAX_IDENTIFIER = 63

/** A plugin's schema and the role that owns it and logs in for it (the same name), with that role's password. */
export interface PluginRole {
  name: string
  password: string
}

/**
 * The role and schema of a plugin: `<prefix><plugin in snake_case>`, shortened with a hash past 63 characters; its
 * password is an HMAC of the name keyed by the admin URL, so every node given the same URL derives the same one and
 * no one without the admin credentials can.
 *
 * @example
 * ```ts
 * pluginRole('order-notes', 'plugin_', 'postgres://admin@db/app') // { name: 'plugin_order_notes', password: '…' }
 * ```
 */
export function pluginRole(plugin: string, prefix: string, adminUrl: string): PluginRole {
  let name = `${prefix}${plugin.replaceAll('-', '_')}`
  if (name.length > MAX_IDENTIFIER) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
    name = `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash}`
  }
  const password = createHmac('sha256', adminUrl).update(name).digest('hex')
  return { name, password }
}

/** `name` as a quoted identifier (names here hold only [a-z0-9_], so this is belt and braces). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * The statements that create or refresh a plugin's role and schema, idempotently: a login role with the derived
 * password whose search_path is its schema, and the schema it owns. Other plugins' roles get no privilege on it, so
 * a plugin can neither name nor read another's tables. Run in one transaction under an advisory lock (two nodes may
 * start the same plugin at once).
 *
 * @example
 * ```ts
 * await admin.query(provisionSql(pluginRole('inventory', 'plugin_', url)))
 * ```
 */
export function provisionSql(role: PluginRole): string {
  const id = quoteIdentifier(role.name)
  const literal = `'${role.name}'`
  return [
    'BEGIN',
    `SELECT pg_advisory_xact_lock(hashtext(${literal}))`,
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal}) THEN CREATE ROLE ${id} LOGIN; END IF; END $$`,
    `ALTER ROLE ${id} WITH LOGIN PASSWORD '${role.password}'`,
    `ALTER ROLE ${id} SET search_path = ${id}`,
    `CREATE SCHEMA IF NOT EXISTS ${id} AUTHORIZATION ${id}`,
    'COMMIT',
  ].join(';\n')
}

/**
 * The statements that delete a plugin's schema with everything in it, and its role, first closing the role's other
 * sessions (another node's pool) so the role can go.
 *
 * @example
 * ```ts
 * await admin.query(dropSql(pluginRole('inventory', 'plugin_', url)))
 * ```
 */
export function dropSql(role: PluginRole): string {
  const id = quoteIdentifier(role.name)
  return [
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role.name}' AND pid <> pg_backend_pid()`,
    `DROP SCHEMA IF EXISTS ${id} CASCADE`,
    `DROP ROLE IF EXISTS ${id}`,
  ].join(';\n')
}
