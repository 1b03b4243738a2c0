import { runPluginDatabasesContract } from '@switchyard/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { PostgresPluginDatabases } from './postgres-plugin-databases.js'
import { POSTGRES_URL, postgresReachable } from './testing/index.js'

const up = await postgresReachable()
// A prefix per run: roles are cluster-wide, and runs must not meet each other's.
const schemaPrefix = `sy${Date.now().toString(36)}_`

describe.skipIf(!up)('PostgresPluginDatabases', () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    const { rows } = await admin.query<{ name: string }>(
      'SELECT rolname AS name FROM pg_roles WHERE starts_with(rolname, $1)',
      [schemaPrefix],
    )
    for (const { name } of rows)
      await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE; DROP ROLE "${name}"`)
    await admin.end()
  })

  runPluginDatabasesContract(
    'PostgreSQL',
    () => new PostgresPluginDatabases({ url: POSTGRES_URL, schemaPrefix }),
  )

  it("refuses a plugin another plugin's schema even when it names it", async () => {
    const databases = new PostgresPluginDatabases({ url: POSTGRES_URL, schemaPrefix })
    const owner = await databases.open('vault')
    const other = await databases.open('snoop')
    await owner.script("CREATE TABLE secrets (v TEXT); INSERT INTO secrets VALUES ('s3cret')")
    await expect(other.query(`SELECT v FROM ${schemaPrefix}vault.secrets`)).rejects.toThrow(
      `permission denied for schema ${schemaPrefix}vault`,
    )
    await expect(other.script(`SET ROLE ${schemaPrefix}vault`)).rejects.toThrow(/permission denied/)
    expect(await owner.query('SELECT current_user AS who, current_schema() AS schema')).toEqual([
      { who: `${schemaPrefix}vault`, schema: `${schemaPrefix}vault` },
    ])
    await owner.close()
    await other.close()
    await databases.close()
  })

  it('returns COUNT(*) as a number and takes bigints and bytes as parameters', async () => {
    const databases = new PostgresPluginDatabases({ url: POSTGRES_URL, schemaPrefix })
    const db = await databases.open('numbers')
    await db.script('CREATE TABLE n (big BIGINT, raw BYTEA)')
    await db.execute('INSERT INTO n VALUES (?, ?), (?, ?)', [2n ** 60n, new Uint8Array([1, 2]), 5, null])
    expect(await db.query('SELECT COUNT(*) AS count FROM n')).toEqual([{ count: 2 }])
    expect(await db.query('SELECT big, raw FROM n ORDER BY big DESC')).toEqual([
      { big: 2n ** 60n, raw: Buffer.from([1, 2]) },
      { big: 5, raw: null },
    ])
    await db.close()
    await databases.close()
  })
})
