import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PluginDatabases } from '../database/plugin-databases.js'
import { uniqueName } from './wait-for.js'

/**
 * The conformance suite every `PluginDatabases` driver passes: parameterised queries with `?` placeholders,
 * change counts, scripts, transactions that commit or roll back, one plugin unable to read another's tables,
 * data kept across a reopen, and purge. `create` is called before each test and the driver closed after it;
 * plugin names are unique per test, so a server shared between tests works too. SQL here is the portable subset
 * (SQLite and PostgreSQL): every row gives its own id.
 *
 * @example
 * ```ts
 * runPluginDatabasesContract('sqlite files', () => new SqlitePluginDatabases({ directory: dir }))
 * ```
 */
export function runPluginDatabasesContract(label: string, create: () => PluginDatabases): void {
  describe(`PluginDatabases contract: ${label}`, () => {
    let databases: PluginDatabases
    const plugin = () =>
      uniqueName('contract-plugin')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
    const table = 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER)'
    beforeEach(() => {
      databases = create()
    })
    afterEach(async () => {
      await databases.close()
    })

    it('runs parameterised statements and returns rows and change counts', async () => {
      const db = await databases.open(plugin())
      await db.script(table)
      const insert = await db.execute('INSERT INTO items (id, name, qty) VALUES (?, ?, ?), (?, ?, ?)', [
        1,
        'bolt',
        3,
        2,
        "it's a nut",
        null,
      ])
      expect(insert.changes).toBe(2)
      const rows = await db.query('SELECT id, name, qty FROM items WHERE id >= ? ORDER BY id', [1])
      expect(rows).toEqual([
        { id: 1, name: 'bolt', qty: 3 },
        { id: 2, name: "it's a nut", qty: null },
      ])
      expect((await db.execute('UPDATE items SET qty = ? WHERE qty IS NULL', [0])).changes).toBe(1)
      await db.close()
    })

    it('leaves a ? inside a string literal alone', async () => {
      const db = await databases.open(plugin())
      expect(await db.query("SELECT 'why?' AS q, ? AS v", ['x'])).toEqual([{ q: 'why?', v: 'x' }])
      await db.close()
    })

    it('runs a script of several statements', async () => {
      const db = await databases.open(plugin())
      await db.script(`${table}; INSERT INTO items (id, name) VALUES (7, 'seven');`)
      expect(await db.query('SELECT name FROM items')).toEqual([{ name: 'seven' }])
      await db.close()
    })

    it('keeps what a committed transaction wrote and drops what a rolled back one wrote', async () => {
      const db = await databases.open(plugin())
      await db.script(table)
      const kept = await db.begin()
      await kept.execute('INSERT INTO items (id, name) VALUES (?, ?)', [1, 'kept'])
      await kept.commit()
      const dropped = await db.begin()
      await dropped.execute('INSERT INTO items (id, name) VALUES (?, ?)', [2, 'dropped'])
      expect(await dropped.query('SELECT name FROM items ORDER BY id')).toEqual([
        { name: 'kept' },
        { name: 'dropped' },
      ])
      await dropped.rollback()
      expect(await db.query('SELECT name FROM items')).toEqual([{ name: 'kept' }])
      await db.close()
    })

    it('rejects a bad statement with the database error', async () => {
      const db = await databases.open(plugin())
      await expect(db.query('SELECT * FROM missing_table')).rejects.toThrow(/missing_table/)
      await db.close()
    })

    it("keeps one plugin from seeing another plugin's tables", async () => {
      const owner = await databases.open(plugin())
      const other = await databases.open(plugin())
      await owner.script(table)
      await owner.execute('INSERT INTO items (id, name) VALUES (1, ?)', ['secret'])
      await expect(other.query('SELECT * FROM items')).rejects.toThrow(/items/)
      await other.script(table)
      expect(await other.query('SELECT * FROM items')).toEqual([])
      await owner.close()
      await other.close()
    })

    it('keeps the data across a reopen, and forgets it after purge', async () => {
      const name = plugin()
      const first = await databases.open(name)
      await first.script(table)
      await first.execute('INSERT INTO items (id, name) VALUES (1, ?)', ['bolt'])
      await first.close()
      const again = await databases.open(name)
      expect(await again.query('SELECT name FROM items')).toEqual([{ name: 'bolt' }])
      await again.close()
      await databases.purge(name)
      const purged = await databases.open(name)
      await expect(purged.query('SELECT name FROM items')).rejects.toThrow(/items/)
      await purged.close()
    })
  })
}
