import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { POSTGRES_URL, postgresReachable } from '@switchyard/database-postgres/testing'
import { type FileServer, serveFiles, writeTar } from '@switchyard/marketplace/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

const NOTEBOOK = fileURLToPath(new URL('fixtures/notebook', import.meta.url))
const PACKAGE = 'switchyard-plugin-notebook'
const up = await postgresReachable()
const schemaPrefix = `sy${Date.now().toString(36)}_`

let files: FileServer
beforeAll(async () => {
  const entries = await Promise.all(
    (await readdir(NOTEBOOK)).map(async (file) => ({
      path: `package/${file}`,
      data: await readFile(join(NOTEBOOK, file)),
    })),
  )
  files = await serveFiles({ '/notebook.tgz': writeTar(entries) })
})
afterAll(() => files.close())

/** Where a driver keeps the notebook plugin's data, and how to tell it is there. */
interface Driver {
  config(dir: string): Record<string, unknown>
  hasData(dir: string): Promise<boolean>
}

const sqlite: Driver = {
  config: () => ({}),
  hasData: async (dir) => existsSync(join(dir, 'data/plugins/notebook.db')),
}

const postgres: Driver = {
  config: () => ({ plugin_database: { driver: 'postgres', url: POSTGRES_URL, schema_prefix: schemaPrefix } }),
  async hasData() {
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      `${schemaPrefix}notebook`,
    ])
    await client.end()
    return rowCount === 1
  },
}

describe.each([
  { label: 'SQLite files beside the store', driver: sqlite, run: true },
  { label: 'PostgreSQL schemas', driver: postgres, run: up },
])('plugin SQL data on $label', ({ driver, run }) => {
  let dir: string
  let server: TestServer | undefined
  const start = async () => {
    server = await startTestServer(
      testConfig({
        storage: { driver: 'sqlite', path: join(dir, 'data/switchyard.db') },
        marketplace: { enabled: true, install_dir: join(dir, 'installed') },
        ...driver.config(dir),
      }),
    )
    return server
  }
  const notes = async (t: TestServer) => (await t.request('/plugins/notebook/notes', { as: 'read' })).json()
  const install = async (t: TestServer) => {
    const res = await t.request('/api/v1/plugins/install', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ download_url: files.url('/notebook.tgz') }),
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }
  const uninstall = async (t: TestServer, query = '') => {
    const res = await t.request(`/api/v1/plugins/uninstall/${PACKAGE}${query}`, { method: 'DELETE' })
    expect(res.status, await res.clone().text()).toBe(200)
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-plugin-data-'))
  })
  afterAll(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it.runIf(run)(
    'migrates once across a restart, keeps the data on uninstall, and deletes it with purge',
    async () => {
      let t = await start()
      await install(t)
      expect(await notes(t)).toEqual([{ text: 'first' }])
      const added = await t.request('/plugins/notebook/notes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'second' }),
      })
      expect(await added.json()).toEqual({ id: 2 })
      await t.close()

      t = await start()
      expect(await t.request('/plugins/status', { as: 'read' }).then((r) => r.json())).toMatchObject({
        plugins: expect.arrayContaining([expect.objectContaining({ name: 'notebook', state: 'started' })]),
      })
      expect(await notes(t)).toEqual([{ text: 'first' }, { text: 'second' }])

      await uninstall(t)
      expect(await driver.hasData(dir)).toBe(true)
      await install(t)
      expect(await notes(t)).toEqual([{ text: 'first' }, { text: 'second' }])

      await uninstall(t, '?purge=true')
      expect(await driver.hasData(dir)).toBe(false)
      await install(t)
      expect(await notes(t)).toEqual([{ text: 'first' }])
      await uninstall(t, '?purge=true')
    },
  )
})
