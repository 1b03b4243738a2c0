import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import { sleep } from '../test-support/sleep.js'
import { useTempDir } from '../test-support/temp-dir.js'

describe('idempotency records', () => {
  const temp = useTempDir()

  it('are per handler, and expire after idempotencyMaxAgeMs', async () => {
    const store = new SqliteStore({
      path: temp.file('store.db'),
      retention: { idempotencyMaxAgeMs: 300, intervalMs: 0 },
    })
    await store.markProcessed('order-1', 'audit_log')
    expect(await store.isProcessed('order-1', 'audit_log')).toBe(true)
    expect(await store.isProcessed('order-1', 'mailer')).toBe(false)
    await sleep(350)
    expect(await store.isProcessed('order-1', 'audit_log')).toBe(false)
    expect(await store.prune()).toMatchObject({ idempotencyRecords: 1 })
    await store.close()
  })
})
