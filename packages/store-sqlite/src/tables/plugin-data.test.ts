import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import { sleep } from '../test-support/sleep.js'
import { useTempDir } from '../test-support/temp-dir.js'

describe('plugin KV', () => {
  const temp = useTempDir()
  const open = (): SqliteStore =>
    new SqliteStore({ path: temp.file('store.db'), retention: { intervalMs: 0 } })

  it('hides an entry once its TTL passed, and retention deletes it', async () => {
    const store = open()
    await store.kvSet('audit-log', 'session', { user: 'ann' }, { ttlMs: 300 })
    await store.kvSet('audit-log', 'forever', 1)
    expect(await store.kvGet('audit-log', 'session')).toEqual({ user: 'ann' })
    await sleep(350)
    expect(await store.kvGet('audit-log', 'session')).toBeUndefined()
    expect(await store.kvList('audit-log')).toEqual([{ key: 'forever', value: 1 }])
    expect(await store.kvDelete('audit-log', 'session')).toBe(false)
    expect(await store.prune()).toMatchObject({ kvEntries: 1 })
    await store.close()
  })

  it('forgets a plugin: its state and its namespace, not other namespaces', async () => {
    const store = open()
    await store.setPluginState('mailer', { enabled: true, updatedAt: new Date().toISOString() })
    await store.kvSet('mailer', 'a', 1)
    await store.kvSet('mailer-2', 'a', 2)
    await store.forgetPlugin('mailer')
    expect(await store.getPluginState('mailer')).toBeUndefined()
    expect(await store.kvList('mailer')).toEqual([])
    expect(await store.kvGet('mailer-2', 'a')).toBe(2)
    await store.close()
  })
})
