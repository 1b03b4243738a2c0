import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { definePlugin, type PluginDatabase, type PluginDescriptor } from '@switchyard/plugin-sdk'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PluginHost } from './plugin-host.js'

let dir: string
const hosts: PluginHost[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-plugin-db-'))
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function start(plugins: PluginDescriptor[], options: { transactionTimeoutMs?: number } = {}) {
  const host = new PluginHost({
    config: { plugin_directories: [] },
    appPackageJson: false,
    plugins,
    databases: new SqlitePluginDatabases({ directory: dir }),
    ...options,
  })
  hosts.push(host)
  await host.start()
  return host
}

/** A plugin keeping `ctx.db` for the test, with the given migrations and permissions. */
function inventory(
  migrations: { id: string; up: string }[],
  options: { name?: string; permissions?: ('database:read' | 'database:write')[] } = {},
) {
  const handle: { db?: PluginDatabase } = {}
  const plugin = definePlugin({
    name: options.name ?? 'inventory',
    version: '1.0.0',
    permissions: options.permissions ?? ['database:read', 'database:write'],
    migrations,
    setup(ctx) {
      handle.db = ctx.db
    },
  })
  return { plugin, db: () => handle.db as PluginDatabase }
}

const ITEMS = { id: '001-items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' }
const SEED = { id: '002-seed', up: "INSERT INTO items (name) VALUES ('seed')" }

describe('PluginHost plugin databases', () => {
  it('applies migrations once, in order, across a restart, in a SQLite file of the plugin', async () => {
    const first = inventory([ITEMS, SEED])
    const host = await start([first.plugin])
    const inserted = await first.db().execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
    expect(inserted).toEqual({ changes: 1, lastInsertRowid: 2 })
    await host.stop()
    hosts.splice(0)
    expect(existsSync(join(dir, 'inventory.db'))).toBe(true)

    const second = inventory([ITEMS, SEED, { id: '003-qty', up: 'ALTER TABLE items ADD COLUMN qty INTEGER' }])
    await start([second.plugin])
    expect(await second.db().query('SELECT name, qty FROM items ORDER BY id')).toEqual([
      { name: 'seed', qty: null },
      { name: 'bolt', qty: null },
    ])
    const recorded = await second.db().query('SELECT id FROM switchyard_migrations ORDER BY rowid')
    expect(recorded.map((row) => row.id)).toEqual(['001-items', '002-seed', '003-qty'])
  })

  it('rolls back a failing migration and fails that plugin alone with the SQL error', async () => {
    const broken = inventory([
      ITEMS,
      { id: '002-broken', up: 'CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1)' },
    ])
    const healthy = inventory([ITEMS], { name: 'catalog' })
    const host = await start([broken.plugin, healthy.plugin])
    expect(host.plugin('inventory')).toMatchObject({
      state: 'failed',
      error: {
        code: 'E_MIGRATION',
        message:
          'plugin "inventory" migration "002-broken" failed and was rolled back: no such table: nowhere',
      },
    })
    expect(host.plugin('catalog').state).toBe('started')
    const check = new SqlitePluginDatabases({ directory: dir })
    const db = await check.open('inventory')
    expect(await db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).toEqual([
      { name: 'items' },
      { name: 'switchyard_migrations' },
    ])
    expect(await db.query('SELECT id FROM switchyard_migrations')).toEqual([{ id: '001-items' }])
    await db.close()
  })

  it("keeps each plugin's tables in its own file, invisible to the others", async () => {
    const a = inventory([ITEMS], { name: 'plugin-a' })
    const b = inventory([], { name: 'plugin-b' })
    await start([a.plugin, b.plugin])
    await a.db().execute('INSERT INTO items (name) VALUES (?)', ['secret'])
    await expect(b.db().query('SELECT * FROM items')).rejects.toMatchObject({
      code: 'E_DATABASE',
      message: 'plugin "plugin-b" database: no such table: items (in: SELECT * FROM items)',
    })
    expect(existsSync(join(dir, 'plugin-a.db'))).toBe(true)
  })

  it('needs database:read to query and database:write to change data', async () => {
    const reader = inventory([], { permissions: ['database:read'] })
    await start([reader.plugin])
    expect(await reader.db().query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    await expect(reader.db().execute('CREATE TABLE t (x INTEGER)')).rejects.toThrow(
      'plugin "inventory" called ctx.db.execute without permission "database:write"',
    )
    await expect(reader.db().transaction([])).rejects.toMatchObject({ code: 'E_PERMISSION' })
  })

  it('commits a transaction that resolves and rolls back one that rejects, rethrowing its error', async () => {
    const { plugin, db } = inventory([ITEMS])
    await start([plugin])
    const id = await db().transaction(async (tx) => {
      const { lastInsertRowid } = await tx.execute('INSERT INTO items (name) VALUES (?)', ['kept'])
      await tx.execute('INSERT INTO items (name) VALUES (?)', ['also kept'])
      return lastInsertRowid
    })
    expect(id).toBe(1)
    const refused = new Error('out of stock')
    await expect(
      db().transaction(async (tx) => {
        await tx.execute('INSERT INTO items (name) VALUES (?)', ['dropped'])
        throw refused
      }),
    ).rejects.toBe(refused)
    const results = await db().transaction([
      { sql: 'INSERT INTO items (name) VALUES (?)', params: ['listed'] },
      { sql: 'DELETE FROM items WHERE name = ?', params: ['also kept'] },
    ])
    expect(results).toEqual([
      { changes: 1, lastInsertRowid: 3 },
      { changes: 1, lastInsertRowid: 3 },
    ])
    await expect(
      db().transaction([
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['never'] },
        { sql: 'INSERT INTO items (name) VALUES (?)', params: [null] },
      ]),
    ).rejects.toMatchObject({ code: 'E_DATABASE', message: expect.stringContaining('NOT NULL') })
    expect(await db().query('SELECT name FROM items ORDER BY id')).toEqual([
      { name: 'kept' },
      { name: 'listed' },
    ])
  })

  it('makes other statements wait for an open transaction and rolls back one past its deadline', async () => {
    const { plugin, db } = inventory([ITEMS])
    await start([plugin], { transactionTimeoutMs: 300 })
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const open = db().transaction(async (tx) => {
      await tx.execute('INSERT INTO items (name) VALUES (?)', ['inside'])
      await held
    })
    const outside = db().query('SELECT name FROM items')
    release()
    await open
    expect(await outside).toEqual([{ name: 'inside' }])

    const stuck = db().transaction(async (tx) => {
      await tx.execute('INSERT INTO items (name) VALUES (?)', ['late'])
      await new Promise((resolve) => setTimeout(resolve, 2000))
    })
    await expect(stuck).rejects.toMatchObject({
      code: 'E_DATABASE',
      message: 'plugin "inventory" database: transaction did not finish within 300ms and was rolled back',
    })
    expect(await db().query('SELECT name FROM items')).toEqual([{ name: 'inside' }])
  })

  it('refuses parameters no driver can bind, naming the position', async () => {
    const { plugin, db } = inventory([ITEMS])
    await start([plugin])
    await expect(db().query('SELECT ?', [{ a: 1 }] as never)).rejects.toMatchObject({
      code: 'E_DATABASE',
      message:
        'plugin "inventory" database: params[0]: expected a string, number, bigint, boolean, null or Uint8Array, got object',
    })
    expect(
      await db().query('SELECT ? AS yes, ? AS no, ? AS bytes', [true, false, new Uint8Array([1, 2])]),
    ).toEqual([{ yes: 1, no: 0, bytes: Buffer.from([1, 2]) }])
  })

  it("purges a removed plugin's database, and refuses while it runs", async () => {
    const { plugin, db } = inventory([ITEMS])
    const host = await start([plugin])
    await db().execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
    await expect(host.purgePluginData('inventory')).rejects.toMatchObject({ code: 'E_PLUGIN_RUNNING' })
    await host.removePlugin('inventory')
    expect(existsSync(join(dir, 'inventory.db'))).toBe(true)
    await host.purgePluginData('inventory')
    expect(existsSync(join(dir, 'inventory.db'))).toBe(false)
  })

  it('fails ctx.db with E_DATABASE naming the fix when the host has no driver', async () => {
    const { plugin, db } = inventory([])
    const host = new PluginHost({
      config: { plugin_directories: [] },
      appPackageJson: false,
      plugins: [plugin],
    })
    hosts.push(host)
    await host.start()
    await expect(db().query('SELECT 1')).rejects.toMatchObject({
      code: 'E_DATABASE',
      message: expect.stringContaining('no plugin database is configured'),
    })
  })
})
