import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { databaseHealthPlugin } from './database-health-plugin.js'

const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start(config: Record<string, unknown> = {}) {
  const host = await createTestHost({
    plugins: [databaseHealthPlugin],
    config: { 'database-health': config },
  })
  hosts.push(host)
  return host
}

describe('database-health', () => {
  it('checks the database in the background and answers its last result with its age', async () => {
    const host = await start({ interval_ms: 100 })
    const deadline = Date.now() + 15_000
    let health = await host.host.pluginHealth('database-health')
    while ((health.checks?.[0]?.history.length ?? 0) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      health = await host.host.pluginHealth('database-health')
    }
    expect(health).toMatchObject({ status: 'ok', details: { database: 'plugin database' } })
    const [check] = health.checks ?? []
    expect(check).toMatchObject({ intervalMs: 100, timeoutMs: 2000 })
    expect(check?.history.length).toBeGreaterThanOrEqual(3)
    expect(check?.ageMs).toBeLessThan(10_000)
    expect((await host.health()).plugins['database-health']?.status).toBe('ok')
  })

  it('refuses an interval below 100 ms, naming the key', async () => {
    await expect(start({ interval_ms: 5 })).rejects.toThrow(/interval_ms/)
  })
})
