import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostgresPluginDatabases } from '@switchyard/database-postgres'
import { POSTGRES_URL, postgresReachable } from '@switchyard/database-postgres/testing'
import { definePlugin } from '@switchyard/plugin-sdk'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { DataEntry } from './data-table.js'
import { myFirstPlugin } from './my-first-plugin.js'

const postgresUp = await postgresReachable()
const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start(options: Partial<Parameters<typeof createTestHost>[0]> = {}) {
  const host = await createTestHost({ plugins: [myFirstPlugin], ...options })
  hosts.push(host)
  return host
}

const post = (host: TestHost, body: unknown) =>
  host.request('/plugins/my-first-plugin/data', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
// Entries list newest first by created_at (milliseconds): tests that check the order let one pass between writes.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))
const list = async (host: TestHost) =>
  ((await (await host.request('/plugins/my-first-plugin/data')).json()) as { data: DataEntry[] }).data

describe('my-first-plugin', () => {
  it('answers its status', async () => {
    const host = await start()
    const res = await host.request('/plugins/my-first-plugin/status')
    expect(await res.json()).toEqual({ plugin: 'my-first-plugin', version: '1.0.0', status: 'running' })
  })

  it('creates and lists data entries, newest first, in its migrated table', async () => {
    const host = await start()
    const created = await post(host, { name: 'integration_test', value: 'test_value' })
    expect(created.status).toBe(201)
    const entry = (await created.json()) as DataEntry
    expect(entry).toMatchObject({ name: 'integration_test', value: 'test_value', id: expect.any(String) })
    await tick()
    await post(host, { name: 'second' })
    expect((await list(host)).map((row) => [row.name, row.value])).toEqual([
      ['second', ''],
      ['integration_test', 'test_value'],
    ])
    expect(await (await host.request(`/plugins/my-first-plugin/data/${entry.id}`)).json()).toEqual(entry)
    expect((await host.request('/plugins/my-first-plugin/data/nope')).status).toBe(404)
  })

  it('refuses an entry without a name (400) and past max_entries (409)', async () => {
    const host = await start({ config: { 'my-first-plugin': { max_entries: 1 } } })
    const missing = await post(host, { value: 'x' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ error: 'Name is required (1 to 100 characters)' })
    expect((await post(host, { name: 'only' })).status).toBe(201)
    const full = await post(host, { name: 'one too many' })
    expect(full.status).toBe(409)
    expect(await full.json()).toEqual({ error: 'max_entries (1) reached' })
  })

  it('writes a welcome entry for a new user and announces it, caused by the user.created event', async () => {
    const host = await start()
    const report = await host.publish('user.created', { user_id: 'u-1', username: 'ada' })
    expect(report.outcomes).toMatchObject([{ handler: 'my_first_plugin_user_created', status: 'succeeded' }])
    const [welcome] = await list(host)
    expect(welcome).toMatchObject({ name: 'welcome_ada', value: 'Welcome to Switchyard, ada!' })
    const announced = host.events.find((event) => event.type === 'user.welcomed')
    expect(announced?.data).toEqual({ user_id: 'u-1', entry_id: welcome?.id })
    expect(announced?.metadata.causationId).toBe(report.eventId)
  })

  it('sends no welcome event with enable_notifications off', async () => {
    const host = await start({ config: { 'my-first-plugin': { enable_notifications: false } } })
    await host.publish('user.created', { user_id: 'u-2', username: 'bob' })
    expect((await list(host)).map((row) => row.name)).toEqual(['welcome_bob'])
    expect(host.events.map((event) => event.type)).toEqual(['user.created'])
  })

  it('gives its entries to a dependent plugin through ctx.use', async () => {
    const reader = definePlugin({
      name: 'data-reader',
      version: '1.0.0',
      dependencies: { 'my-first-plugin': '^1.0.0' },
      permissions: ['http:routes'],
      setup(ctx) {
        const data = ctx.use<typeof myFirstPlugin>('my-first-plugin')
        ctx.routes.get('/entries/:id', async (c) => c.json({ entry: await data.getData(c.req.param('id')) }))
      },
    })
    const host = await start({ plugins: [myFirstPlugin, reader] })
    const entry = (await (await post(host, { name: 'shared', value: 'v' })).json()) as DataEntry
    expect(await (await host.request(`/plugins/data-reader/entries/${entry.id}`)).json()).toEqual({ entry })
    expect(await (await host.request('/plugins/data-reader/entries/missing')).json()).toEqual({ entry: null })
  })

  it('keeps its data in a SQLite file across restarts, migrating once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'my-first-plugin-'))
    try {
      const first = await start({ databases: new SqlitePluginDatabases({ directory: dir }) })
      await post(first, { name: 'kept' })
      await first.stop()
      hosts.splice(0)
      const second = await start({ databases: new SqlitePluginDatabases({ directory: dir }) })
      expect((await list(second)).map((row) => row.name)).toEqual(['kept'])
      await second.stop()
      hosts.splice(0)
      const file = await new SqlitePluginDatabases({ directory: dir }).open('my-first-plugin')
      expect(await file.query('SELECT id FROM switchyard_migrations ORDER BY rowid')).toEqual([
        { id: '001-my-plugin-data' },
        { id: '002-by-created-at' },
      ])
      await file.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.runIf(postgresUp)(
    'runs the same migrations and queries on PostgreSQL, and purges its schema',
    async () => {
      const databases = new PostgresPluginDatabases({
        url: POSTGRES_URL,
        schemaPrefix: `ex${Date.now().toString(36)}_`,
      })
      const host = await start({ databases })
      await host.publish('user.created', { user_id: 'u-3', username: 'cy' })
      await tick()
      await post(host, { name: 'on postgres' })
      expect((await list(host)).map((row) => row.name)).toEqual(['on postgres', 'welcome_cy'])
      await host.host.removePlugin('my-first-plugin')
      await host.host.purgePluginData('my-first-plugin')
    },
  )
})
