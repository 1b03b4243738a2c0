import { definePlugin } from '@switchyard/plugin-sdk'
import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from './audit-entry.js'
import { auditLogPlugin } from './audit-log-plugin.js'
import type { AuditPage } from './audit-query.js'

/** A plugin with one handler that succeeds and one that always fails, so entries have outcomes to show. */
const ordersPlugin = definePlugin({
  name: 'orders',
  version: '1.0.0',
  permissions: ['events:subscribe'],
  async setup(ctx) {
    await ctx.on('order.*', () => undefined, { name: 'order_ok' })
    await ctx.on(
      'order.cancelled',
      () => {
        throw new Error('refund service down')
      },
      { name: 'order_refund', retry: { attempts: 1 } },
    )
  },
})

const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start(config: Record<string, unknown> = {}): Promise<TestHost> {
  const host = await createTestHost({
    plugins: [auditLogPlugin, ordersPlugin],
    config: { 'audit-log': config },
  })
  hosts.push(host)
  return host
}

async function page(host: TestHost, query = ''): Promise<AuditPage> {
  const res = await host.request(`/plugins/audit-log/events${query}`)
  expect(res.status).toBe(200)
  return (await res.json()) as AuditPage
}

const types = (entries: AuditEntry[]) => entries.map((e) => e.type)

describe('audit-log plugin', () => {
  it('records every event with the outcome of each handler it reached', async () => {
    const host = await start()
    const created = await host.publish(
      'order.created',
      { orderId: 'o-1' },
      { metadata: { correlationId: 'c-1' } },
    )
    const cancelled = await host.publish('order.cancelled', { orderId: 'o-1' })
    await host.publish('user.login', { user: 'u-1' })

    const { entries, nextCursor } = await page(host)
    expect(types(entries)).toEqual(['user.login', 'order.cancelled', 'order.created'])
    expect(nextCursor).toBeNull()
    const [login, cancel, create] = entries
    expect(login?.outcomes).toEqual([])
    expect(create).toMatchObject({ eventId: created.eventId, correlationId: 'c-1', data: { orderId: 'o-1' } })
    expect(create?.outcomes).toEqual([expect.objectContaining({ handler: 'order_ok', status: 'succeeded' })])
    expect(cancel?.eventId).toBe(cancelled.eventId)
    const refund = cancel?.outcomes.find((o) => o.handler === 'order_refund')
    expect(refund?.status).not.toBe('succeeded')
    expect(refund?.error?.message).toMatch(/refund service down/)
  })

  it('filters by type and pages with a cursor', async () => {
    const host = await start()
    for (let i = 0; i < 5; i++) await host.publish('order.created', { orderId: `o-${i}` })
    await host.publish('user.login', {})

    const first = await page(host, '?type=order.*&limit=2&order=asc')
    expect(first.entries.map((e) => (e.data as { orderId: string }).orderId)).toEqual(['o-0', 'o-1'])
    const second = await page(host, `?type=order.*&limit=2&order=asc&cursor=${first.nextCursor}`)
    expect(second.entries.map((e) => (e.data as { orderId: string }).orderId)).toEqual(['o-2', 'o-3'])
    const third = await page(host, `?type=order.*&limit=2&order=asc&cursor=${second.nextCursor}`)
    expect(third.entries).toHaveLength(1)
    expect(third.nextCursor).toBeNull()

    const future = new Date(Date.now() + 60_000).toISOString()
    expect((await page(host, `?since=${future}`)).entries).toEqual([])
  })

  it('answers 400 naming a bad parameter', async () => {
    const host = await start()
    const res = await host.request('/plugins/audit-log/events?limit=9999')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^limit: /)
  })

  it('records only the configured patterns, without payloads when asked', async () => {
    const host = await start({ patterns: ['order.cancelled'], include_data: false })
    await host.publish('order.created', { orderId: 'o-1' })
    await host.publish('order.cancelled', { orderId: 'o-1' })
    const { entries } = await page(host)
    expect(types(entries)).toEqual(['order.cancelled'])
    expect(entries[0]).not.toHaveProperty('data')
  })

  it('keeps at most max_entries, deleting the oldest', async () => {
    const host = await start({ retention: { max_entries: 3 } })
    for (let i = 0; i < 6; i++) await host.publish('order.created', { orderId: `o-${i}` })
    const { entries } = await page(host)
    expect(entries.map((e) => (e.data as { orderId: string }).orderId)).toEqual(['o-5', 'o-4', 'o-3'])
  })
})
