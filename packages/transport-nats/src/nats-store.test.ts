import { Kvm } from '@nats-io/kv'
import { connect } from '@nats-io/transport-node'
import { createEvent, type DeliveryError } from '@switchyard/core'
import { runStoreContract } from '@switchyard/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FirstDeliveries } from './consumer/first-deliveries.js'
import { connectNatsStore, type NatsStore } from './nats-store.js'
import { deleteStreams, NATS_URL, natsReachable, uniqueName } from './testing/index.js'

const up = await natsReachable()

/** The final ledger record of a handler that succeeded. */
const succeeded = (eventId: string, handler: string) => ({
  eventId,
  handler,
  status: 'succeeded' as const,
  attempts: 1,
  durationMs: 1,
  updatedAt: new Date().toISOString(),
})
/** The record of a handler not run yet. */
const pending = (eventId: string, handler: string) => ({
  ...succeeded(eventId, handler),
  status: 'pending' as const,
  attempts: 0,
})
const bucketPrefix = uniqueName('store')

describe.skipIf(!up)('NatsStore', () => {
  afterAll(() => deleteStreams(`KV_${bucketPrefix}`))

  runStoreContract('NatsStore', () => connectNatsStore({ servers: NATS_URL, bucketPrefix }), { ttlMs: 200 })

  describe('shared between nodes', () => {
    let a: NatsStore
    let b: NatsStore
    beforeAll(async () => {
      a = await connectNatsStore({ servers: NATS_URL, bucketPrefix })
      b = await connectNatsStore({ servers: NATS_URL, bucketPrefix })
      return async () => {
        await a.close()
        await b.close()
      }
    })

    it('shows one node the idempotency records, dead letters and KV another wrote', async () => {
      const key = uniqueName('order')
      await a.markProcessed(key, 'audit_log')
      expect(await b.isProcessed(key, 'audit_log')).toBe(true)
      const handler = uniqueName('h')
      const deadLetter = {
        id: '01900000-0000-7000-8000-000000000001',
        event: createEvent('order.failed', { n: 1 }),
        handler,
        attempts: 3,
        error: 'boom',
        failedAt: new Date().toISOString(),
      }
      await a.addDeadLetter(deadLetter)
      expect(await b.listDeadLetters({ handler })).toEqual([deadLetter])
      expect(await b.deleteDeadLetter(deadLetter.id)).toBe(true)
      await a.kvSet('audit-log', 'weird key.with dots/and spaces', { ok: true })
      expect(await b.kvGet('audit-log', 'weird key.with dots/and spaces')).toEqual({ ok: true })
    })

    it('keeps both records when two nodes finish two handlers of one event at once', async () => {
      const event = createEvent('order.placed', { n: 1 })
      await a.acceptEvent(event, ['h_a', 'h_b'])
      await Promise.all([
        a.recordDeliveries([succeeded(event.id, 'h_a')]),
        b.recordDeliveries([succeeded(event.id, 'h_b')]),
      ])
      expect((await a.deliveries(event.id)).map((r) => [r.handler, r.status])).toEqual([
        ['h_a', 'succeeded'],
        ['h_b', 'succeeded'],
      ])
      expect((await b.unfinishedEvents()).some((u) => u.event.id === event.id)).toBe(false)
    })

    it('keeps the record another node wrote since this node accepted the event', async () => {
      const event = createEvent('order.placed', { n: 2 })
      await a.acceptEvent(event, ['h_a', 'h_b'])
      await b.recordDeliveries([succeeded(event.id, 'h_b')])
      await a.recordDeliveries([succeeded(event.id, 'h_a')])
      expect((await b.deliveries(event.id)).map((r) => [r.handler, r.status])).toEqual([
        ['h_a', 'succeeded'],
        ['h_b', 'succeeded'],
      ])
      expect((await a.unfinishedEvents()).some((u) => u.event.id === event.id)).toBe(false)
    })

    it('shows another node the events this node accepted and did not finish, until they are finished', async () => {
      const event = createEvent('order.placed', { n: 3 })
      await a.acceptEvent(event, ['h_a', 'h_b'])
      await a.recordAttemptStarts([{ eventId: event.id, handler: 'h_a' }])
      await a.recordDeliveries([succeeded(event.id, 'h_b')])
      expect((await b.unfinishedEvents()).find((u) => u.event.id === event.id)).toEqual({
        event,
        handlers: ['h_a'],
        interrupted: { h_a: 1 },
      })
      expect(await b.isProcessed(event.metadata.idempotencyKey, 'h_b')).toBe(true)
      await b.recordDeliveries([succeeded(event.id, 'h_a')])
      expect((await a.unfinishedEvents()).some((u) => u.event.id === event.id)).toBe(false)
      expect(await a.isProcessed(event.metadata.idempotencyKey, 'h_a')).toBe(true)
    })

    it('lists an unfinished event by the marker an older version wrote for it', async () => {
      const event = createEvent('order.placed', { n: 4 })
      const nc = await connect({ servers: NATS_URL })
      const ledger = await new Kvm(nc).open(`${bucketPrefix}_ledger`)
      await ledger.put(`e.${event.id}`, JSON.stringify({ event, records: [pending(event.id, 'h_a')] }))
      await ledger.put(`u.${event.id}`, '1')
      await nc.close()
      expect((await b.unfinishedEvents()).find((u) => u.event.id === event.id)?.handlers).toEqual(['h_a'])
      await a.recordDeliveries([succeeded(event.id, 'h_a')])
      expect((await b.unfinishedEvents()).some((u) => u.event.id === event.id)).toBe(false)
    })

    it('keeps idempotency in the ledger: nothing in the processed bucket, one entry per key', async () => {
      const prefix = uniqueName('idem')
      const c = await connectNatsStore({ servers: NATS_URL, bucketPrefix: prefix })
      try {
        const own = createEvent('order.placed', { n: 5 })
        const given = createEvent('order.placed', { n: 6 }, { metadata: { idempotencyKey: uniqueName('k') } })
        await c.acceptEvent(own, ['h_a'])
        await c.acceptEvent(given, ['h_a'])
        await c.recordDeliveries([succeeded(own.id, 'h_a'), succeeded(given.id, 'h_a')])
        await c.markProcessed('published-1', 'h_b')
        const nc = await connect({ servers: NATS_URL })
        const processed = await new Kvm(nc).open(`${prefix}_processed`)
        expect((await processed.status()).values).toBe(0)
        await nc.close()
        expect(await a.isProcessed(own.id, 'h_a')).toBe(false) // another bucket prefix
        expect(await c.isProcessed(own.id, 'h_a')).toBe(true)
        expect(await c.isProcessed(given.metadata.idempotencyKey, 'h_a')).toBe(true)
        expect(await c.isProcessed(given.id, 'h_a')).toBe(false)
        expect(await c.isProcessed('published-1', 'h_b')).toBe(true)
        expect(await c.isProcessed('published-1', 'h_a')).toBe(false)
      } finally {
        await c.close()
        await deleteStreams(`KV_${prefix}`)
      }
    })

    it('keeps a key marked before an event with that id is accepted', async () => {
      const event = createEvent('order.placed', { n: 7 })
      await Promise.all([a.markProcessed(event.id, 'h_a'), a.markProcessed(event.id, 'h_b')])
      await b.acceptEvent(event, ['h_a', 'h_c'])
      expect(await b.isProcessed(event.id, 'h_a')).toBe(true)
      expect(await b.isProcessed(event.id, 'h_b')).toBe(true)
      expect(await b.isProcessed(event.id, 'h_c')).toBe(false)
      expect((await b.deliveries(event.id)).map((r) => [r.handler, r.status])).toEqual([
        ['h_a', 'pending'],
        ['h_c', 'pending'],
      ])
    })

    it('answers the check of a first delivery running on its connection from its own entry, else reads', async () => {
      const prefix = uniqueName('first')
      const nc = await connect({ servers: NATS_URL })
      const c = await connectNatsStore({ servers: NATS_URL, bucketPrefix: prefix, connection: nc })
      const d = await connectNatsStore({ servers: NATS_URL, bucketPrefix: prefix })
      try {
        const event = createEvent('order.placed', { n: 8 })
        await c.acceptEvent(event, ['h_a'])
        FirstDeliveries.of(nc).add(event.id, 'h_a', Date.now() + 10_000)
        const sent = nc.stats().outMsgs
        expect(await c.isProcessed(event.id, 'h_a')).toBe(false)
        expect(nc.stats().outMsgs).toBe(sent)
        // accepted again (another message of it may exist): read
        await c.acceptEvent(event, ['h_a'])
        const before = nc.stats().outMsgs
        expect(await c.isProcessed(event.id, 'h_a')).toBe(false)
        expect(nc.stats().outMsgs).toBeGreaterThan(before)
        FirstDeliveries.of(nc).delete(event.id, 'h_a')
        // a redelivery, e.g. after another node handled it and its ack was lost: read
        await d.recordDeliveries([succeeded(event.id, 'h_a')])
        expect(await c.isProcessed(event.id, 'h_a')).toBe(true)
      } finally {
        await Promise.all([c.close(), d.close()])
        await nc.close()
        await deleteStreams(`KV_${prefix}`)
      }
    })

    it('reads the idempotency records an older version wrote in the processed bucket', async () => {
      const key = uniqueName('legacy')
      const nc = await connect({ servers: NATS_URL })
      const processed = await new Kvm(nc).open(`${bucketPrefix}_processed`)
      await processed.put(`h_a.${key}`, '1')
      await nc.close()
      const c = await connectNatsStore({ servers: NATS_URL, bucketPrefix })
      try {
        expect(await c.isProcessed(key, 'h_a')).toBe(true)
        expect(await c.isProcessed(key, 'h_b')).toBe(false)
      } finally {
        await c.close()
      }
    })

    it('lets a mark expire after idempotencyTtlMs', async () => {
      const c = await connectNatsStore({ servers: NATS_URL, bucketPrefix, idempotencyTtlMs: 100 })
      try {
        const key = uniqueName('short')
        await c.markProcessed(key, 'h_a')
        expect(await b.isProcessed(key, 'h_a')).toBe(true)
        await new Promise((resolve) => setTimeout(resolve, 150))
        expect(await b.isProcessed(key, 'h_a')).toBe(false)
      } finally {
        await c.close()
      }
    })

    it('reads a ledger error an older version kept as a plain message as a serialised error', async () => {
      const event = createEvent('order.placed', { n: 1 })
      await a.acceptEvent(event, ['h_a'])
      const legacy = 'handler h_a failed: smtp down' as unknown as DeliveryError
      const updatedAt = new Date().toISOString()
      await a.recordDeliveries([
        {
          eventId: event.id,
          handler: 'h_a',
          status: 'failed',
          attempts: 2,
          durationMs: 1,
          updatedAt,
          error: legacy,
        },
      ])
      expect((await b.deliveries(event.id))[0]?.error).toEqual({
        code: 'E_HANDLER',
        message: 'handler h_a failed: smtp down',
        handler: 'h_a',
        eventId: event.id,
        attempt: 2,
      })
    })
  })
})
