import { v7 as uuidv7 } from 'uuid'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import type { AuditRecord, DeliveryRecord, Store } from '../store/store.js'
import { delay, uniqueName } from './wait-for.js'

/** Tuning of `runStoreContract` for slower or coarser backends. */
export interface StoreContractOptions {
  /** TTL used by the KV expiry test; the test waits three times as long. Default 50. */
  ttlMs?: number
}

/**
 * The conformance suite every `Store` passes: the delivery ledger and unfinished events, idempotency records,
 * dead letters (list, cursor, delete, purge), plugin state and plugin KV. `create` is called before each test
 * and the store closed after it; names are unique per test, so a store shared between tests works too.
 *
 * @example
 * ```ts
 * runStoreContract('MemoryStore', () => new MemoryStore())
 * ```
 */
export function runStoreContract(
  label: string,
  create: () => Promise<Store> | Store,
  options: StoreContractOptions = {},
): void {
  const ttlMs = options.ttlMs ?? 50
  const event = (data: unknown = { n: 1 }) =>
    createEvent('contract.store_tested', data, { metadata: { correlationId: 'c-1', orderingKey: 'k-1' } })
  const record = (
    eventId: string,
    handler: string,
    status: DeliveryRecord['status'],
    attempts = 1,
  ): DeliveryRecord => ({
    eventId,
    handler,
    status,
    attempts,
    durationMs: 3,
    updatedAt: new Date().toISOString(),
  })

  describe(`Store contract: ${label}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await create()
    })
    afterEach(async () => {
      await store.close()
    })

    describe('delivery ledger', () => {
      it('keeps an accepted event pending for each of its handlers', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a', 'h_b'])
        const ledger = await store.deliveries(e.id)
        expect(ledger.map((r) => [r.handler, r.status, r.attempts]).sort()).toEqual([
          ['h_a', 'pending', 0],
          ['h_b', 'pending', 0],
        ])
        const unfinished = (await store.unfinishedEvents()).find((u) => u.event.id === e.id)
        expect(unfinished?.handlers.sort()).toEqual(['h_a', 'h_b'])
        expect(unfinished?.event).toEqual(e)
      })

      it('accepting the same event twice keeps one record per handler', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a'])
        await store.acceptEvent(e, ['h_a'])
        expect(await store.deliveries(e.id)).toHaveLength(1)
      })

      it('lists only the handlers not yet final, and drops the event once all are final', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a', 'h_b', 'h_c'])
        await store.recordDeliveries([record(e.id, 'h_a', 'succeeded'), record(e.id, 'h_b', 'retrying', 2)])
        const open = (await store.unfinishedEvents()).find((u) => u.event.id === e.id)
        expect(open?.handlers.sort()).toEqual(['h_b', 'h_c'])
        await store.recordDeliveries([
          record(e.id, 'h_b', 'dead_lettered', 3),
          record(e.id, 'h_c', 'unrouted', 0),
        ])
        expect((await store.unfinishedEvents()).some((u) => u.event.id === e.id)).toBe(false)
      })

      it('records a batch spanning several events with errors and attempts', async () => {
        const [e1, e2] = [event({ n: 1 }), event({ n: 2 })]
        await store.acceptEvent(e1, ['h_a'])
        await store.acceptEvent(e2, ['h_a'])
        const error = {
          code: 'E_HANDLER',
          message: 'handler h_a failed on event 1 (attempt 3): boom',
          handler: 'h_a',
          eventId: e1.id,
          attempt: 3,
          cause: { name: 'Error', message: 'boom' },
        }
        const failed = { ...record(e1.id, 'h_a', 'dead_lettered', 3), error }
        await store.recordDeliveries([failed, record(e2.id, 'h_a', 'succeeded')])
        expect(await store.deliveries(e1.id)).toEqual([failed])
        expect((await store.deliveries(e2.id))[0]?.status).toBe('succeeded')
      })

      it('keeps the trace of every attempt: each record adds its own, one per attempt number', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a'])
        const trace = (attempt: number, spanId: string) => ({ attempt, traceId: 'ab'.repeat(16), spanId })
        await store.recordDeliveries([
          { ...record(e.id, 'h_a', 'retrying', 1), traces: [trace(1, 'a'.repeat(16))] },
        ])
        await store.recordDeliveries([
          { ...record(e.id, 'h_a', 'retrying', 2), traces: [trace(2, 'b'.repeat(16))] },
        ])
        // A redelivery after a crash repeats its attempt number: the later span stands.
        await store.recordDeliveries([
          { ...record(e.id, 'h_a', 'succeeded', 2), traces: [trace(2, 'c'.repeat(16))] },
        ])
        const [row] = await store.deliveries(e.id)
        expect(row?.status).toBe('succeeded')
        expect(row?.traces).toEqual([trace(1, 'a'.repeat(16)), trace(2, 'c'.repeat(16))])
      })

      it('treats an event accepted with no handlers as finished', async () => {
        const e = event()
        await store.acceptEvent(e, [])
        expect((await store.unfinishedEvents()).some((u) => u.event.id === e.id)).toBe(false)
      })

      it('lists unfinished events oldest first', async () => {
        const events = [event({ n: 1 }), event({ n: 2 }), event({ n: 3 })]
        for (const e of events) await store.acceptEvent(e, ['h_a'])
        const ids = (await store.unfinishedEvents())
          .map((u) => u.event.id)
          .filter((id) => events.some((e) => e.id === id))
        expect(ids).toEqual(events.map((e) => e.id))
      })

      it('keeps a scheduled delivery open with its due time until a later record', async () => {
        const e = event()
        const dueAt = '2030-01-01T00:00:00.000Z'
        await store.acceptEvent(e, ['h_a'])
        await store.recordDeliveries([{ ...record(e.id, 'h_a', 'scheduled', 0), dueAt }])
        expect(await store.deliveries(e.id)).toEqual([
          expect.objectContaining({ handler: 'h_a', status: 'scheduled', attempts: 0, dueAt }),
        ])
        expect((await store.unfinishedEvents()).some((u) => u.event.id === e.id)).toBe(true)
        await store.recordDeliveries([record(e.id, 'h_a', 'succeeded')])
        expect((await store.unfinishedEvents()).some((u) => u.event.id === e.id)).toBe(false)
      })

      it('answers an empty ledger for an unknown event', async () => {
        expect(await store.deliveries(uuidv7())).toEqual([])
      })
    })

    describe('stored events', () => {
      it('lists accepted events of a time window in acceptance order, paged after an id', async (context) => {
        if (store.listEvents === undefined) return context.skip()
        const type = `contract.${uniqueName('listed')}`
        const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000)
        const [old, a, b, c] = [120, 50, 40, 30].map((minutes) =>
          createEvent(type, { minutes }, { time: ago(minutes) }),
        ) as [
          ReturnType<typeof event>,
          ReturnType<typeof event>,
          ReturnType<typeof event>,
          ReturnType<typeof event>,
        ]
        for (const e of [old, a, b, c]) await store.acceptEvent(e, ['h_a'])
        const listed = async (query: Parameters<NonNullable<Store['listEvents']>>[0]) =>
          (await store.listEvents!(query)).filter((e) => e.type === type).map((e) => e.id)
        const since = ago(60).toISOString()
        expect(await listed({ since })).toEqual([a.id, b.id, c.id])
        expect(await listed({ since, until: ago(35).toISOString() })).toEqual([a.id, b.id])
        expect(await listed({ since, after: a.id })).toEqual([b.id, c.id])
        const first = await store.listEvents({ since, limit: 1 })
        expect(first).toHaveLength(1)
      })
    })

    describe('leases', () => {
      it('gives a lease to one holder at a time, renews it for that holder and frees it when it runs out', async (context) => {
        if (store.acquireLease === undefined) return context.skip()
        const name = uniqueName('lease')
        expect(await store.acquireLease(name, 'node-a', ttlMs * 4)).toBe(true)
        expect(await store.acquireLease(name, 'node-b', ttlMs * 4)).toBe(false)
        expect(await store.acquireLease(name, 'node-a', ttlMs * 4)).toBe(true)
        await delay(ttlMs * 5)
        expect(await store.acquireLease(name, 'node-b', ttlMs * 4)).toBe(true)
        expect(await store.acquireLease(name, 'node-a', ttlMs * 4)).toBe(false)
      })
    })

    describe('attempt starts', () => {
      const interruptedOf = async (eventId: string) =>
        (await store.unfinishedEvents()).find((u) => u.event.id === eventId)?.interrupted ?? {}

      it('counts attempts started with no record since, per handler', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a', 'h_b'])
        expect(await interruptedOf(e.id)).toEqual({})
        await store.recordAttemptStarts([{ eventId: e.id, handler: 'h_a' }])
        await store.recordAttemptStarts([
          { eventId: e.id, handler: 'h_a' },
          { eventId: e.id, handler: 'h_b' },
        ])
        expect(await interruptedOf(e.id)).toEqual({ h_a: 2, h_b: 1 })
      })

      it('sets the count back to 0 with the next record of the delivery', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a', 'h_b'])
        await store.recordAttemptStarts([
          { eventId: e.id, handler: 'h_a' },
          { eventId: e.id, handler: 'h_b' },
        ])
        await store.recordDeliveries([record(e.id, 'h_a', 'retrying', 1)])
        expect(await interruptedOf(e.id)).toEqual({ h_b: 1 })
        await store.recordAttemptStarts([{ eventId: e.id, handler: 'h_a' }])
        expect(await interruptedOf(e.id)).toEqual({ h_a: 1, h_b: 1 })
      })

      it('ignores starts of final or unknown deliveries', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a', 'h_b'])
        await store.recordDeliveries([record(e.id, 'h_a', 'succeeded')])
        await store.recordAttemptStarts([
          { eventId: e.id, handler: 'h_a' },
          { eventId: e.id, handler: 'h_c' },
          { eventId: uuidv7(), handler: 'h_a' },
        ])
        expect(await interruptedOf(e.id)).toEqual({})
        expect(await store.deliveries(e.id)).toHaveLength(2)
      })
    })

    describe('idempotency records', () => {
      it('remembers a key per handler', async () => {
        const key = uniqueName('key')
        expect(await store.isProcessed(key, 'h_a')).toBe(false)
        await store.markProcessed(key, 'h_a')
        expect(await store.isProcessed(key, 'h_a')).toBe(true)
        expect(await store.isProcessed(key, 'h_b')).toBe(false)
        expect(await store.isProcessed(uniqueName('key'), 'h_a')).toBe(false)
      })

      it('marking twice is harmless', async () => {
        const key = uniqueName('key')
        await store.markProcessed(key, 'h_a')
        await store.markProcessed(key, 'h_a')
        expect(await store.isProcessed(key, 'h_a')).toBe(true)
      })

      it('takes the succeeded ledger record of an accepted event as its idempotency record', async () => {
        const key = uniqueName('key')
        const e = createEvent('contract.store_tested', {}, { metadata: { idempotencyKey: key } })
        await store.acceptEvent(e, ['h_a', 'h_b', 'h_c'])
        await store.recordDeliveries([record(e.id, 'h_a', 'succeeded'), record(e.id, 'h_b', 'retrying')])
        expect(await store.isProcessed(key, 'h_a')).toBe(true)
        expect(await store.isProcessed(key, 'h_b')).toBe(false)
        await store.recordDeliveries([
          record(e.id, 'h_b', 'failed'),
          record(e.id, 'h_c', 'skipped_duplicate'),
        ])
        expect(await store.isProcessed(key, 'h_b')).toBe(false)
        expect(await store.isProcessed(key, 'h_c')).toBe(false)
        expect(await store.isProcessed(e.id, 'h_a')).toBe(false) // the key, not the event id
      })

      it('keeps a succeeded record when the same event is recorded skipped_duplicate later', async () => {
        const e = event()
        await store.acceptEvent(e, ['h_a'])
        await store.recordDeliveries([record(e.id, 'h_a', 'succeeded')])
        await store.recordDeliveries([record(e.id, 'h_a', 'skipped_duplicate', 0)])
        expect((await store.deliveries(e.id)).map((r) => r.status)).toEqual(['succeeded'])
      })
    })

    describe('dead letters', () => {
      const deadLetter = (handler: string, failedAt = new Date()) => ({
        id: uuidv7(),
        event: event(),
        handler,
        attempts: 3,
        error: 'boom',
        failedAt: failedAt.toISOString(),
      })

      it('adds, gets and deletes a dead letter', async () => {
        const dl = deadLetter(uniqueName('h'))
        await store.addDeadLetter(dl)
        expect(await store.getDeadLetter(dl.id)).toEqual(dl)
        expect(await store.deleteDeadLetter(dl.id)).toBe(true)
        expect(await store.getDeadLetter(dl.id)).toBeUndefined()
        expect(await store.deleteDeadLetter(dl.id)).toBe(false)
      })

      it('lists oldest first, by handler, after a cursor and up to a limit', async () => {
        const handler = uniqueName('h')
        const mine = [deadLetter(handler), deadLetter(handler), deadLetter(handler)]
        for (const dl of [mine[0]!, deadLetter(uniqueName('other')), mine[1]!, mine[2]!])
          await store.addDeadLetter(dl)
        expect((await store.listDeadLetters({ handler })).map((d) => d.id)).toEqual(mine.map((d) => d.id))
        expect((await store.listDeadLetters({ handler, limit: 2 })).map((d) => d.id)).toEqual([
          mine[0]!.id,
          mine[1]!.id,
        ])
        expect((await store.listDeadLetters({ handler, after: mine[1]!.id })).map((d) => d.id)).toEqual([
          mine[2]!.id,
        ])
        const all = await store.listDeadLetters()
        expect(all.map((d) => d.id)).toEqual([...all.map((d) => d.id)].sort())
      })

      it('purges dead letters that failed before a date', async () => {
        const handler = uniqueName('h')
        const old = deadLetter(handler, new Date(Date.now() - 60_000))
        const recent = deadLetter(handler)
        await store.addDeadLetter(old)
        await store.addDeadLetter(recent)
        expect(await store.purgeDeadLetters(new Date(Date.now() - 30_000))).toBeGreaterThanOrEqual(1)
        expect((await store.listDeadLetters({ handler })).map((d) => d.id)).toEqual([recent.id])
      })
    })

    describe('plugin state and KV', () => {
      it('keeps plugin state and forgets it with the plugin KV namespace', async () => {
        const [plugin, other] = [uniqueName('plugin'), uniqueName('plugin')]
        expect(await store.getPluginState(plugin)).toBeUndefined()
        const state = { enabled: false, updatedAt: new Date().toISOString() }
        await store.setPluginState(plugin, state)
        await store.setPluginState(plugin, { ...state, enabled: true })
        expect(await store.getPluginState(plugin)).toEqual({ ...state, enabled: true })
        await store.kvSet(plugin, 'k', 1)
        await store.kvSet(other, 'k', 2)
        await store.forgetPlugin(plugin)
        expect(await store.getPluginState(plugin)).toBeUndefined()
        expect(await store.kvGet(plugin, 'k')).toBeUndefined()
        expect(await store.kvGet(other, 'k')).toBe(2)
      })

      it('stores JSON values per namespace, overwrites and deletes them', async () => {
        const [ns, other] = [uniqueName('ns'), uniqueName('ns')]
        const value = { list: [1, 'two', { three: true }], nothing: null }
        await store.kvSet(ns, 'doc', value)
        value.list.push(4)
        expect(await store.kvGet(ns, 'doc')).toEqual({ list: [1, 'two', { three: true }], nothing: null })
        expect(await store.kvGet(other, 'doc')).toBeUndefined()
        await store.kvSet(ns, 'doc', 'replaced')
        expect(await store.kvGet(ns, 'doc')).toBe('replaced')
        await store.kvSet(ns, 'zero', 0)
        expect(await store.kvGet(ns, 'zero')).toBe(0)
        expect(await store.kvDelete(ns, 'doc')).toBe(true)
        expect(await store.kvDelete(ns, 'doc')).toBe(false)
        expect(await store.kvGet(ns, 'doc')).toBeUndefined()
      })

      it('lists keys in order, under a prefix, up to a limit', async () => {
        const ns = uniqueName('ns')
        for (const key of ['b/2', 'a/1', 'b/1', 'c']) await store.kvSet(ns, key, key)
        expect(await store.kvList(ns)).toEqual(['a/1', 'b/1', 'b/2', 'c'].map((key) => ({ key, value: key })))
        expect((await store.kvList(ns, { prefix: 'b/' })).map((e) => e.key)).toEqual(['b/1', 'b/2'])
        expect((await store.kvList(ns, { limit: 2 })).map((e) => e.key)).toEqual(['a/1', 'b/1'])
        expect(await store.kvList(uniqueName('empty'))).toEqual([])
      })

      it('pages keys after a cursor, with a prefix and a limit', async () => {
        const ns = uniqueName('ns')
        for (const key of ['b/2', 'a/1', 'b/10', 'b/1', 'c', 'B']) await store.kvSet(ns, key, key)
        const keys = async (options: { prefix?: string; after?: string; limit?: number }) =>
          (await store.kvList(ns, options)).map((e) => e.key)
        expect(await keys({ after: 'a/1' })).toEqual(['b/1', 'b/10', 'b/2', 'c'])
        expect(await keys({ after: 'b', limit: 2 })).toEqual(['b/1', 'b/10'])
        expect(await keys({ prefix: 'b/', after: 'b/10' })).toEqual(['b/2'])
        expect(await keys({ prefix: 'b/', after: 'a' })).toEqual(['b/1', 'b/10', 'b/2'])
        expect(await keys({ after: 'c' })).toEqual([])
        expect((await store.kvList(ns, { after: 'b/10', limit: 1 }))[0]).toEqual({ key: 'b/2', value: 'b/2' })
        const pages: string[][] = []
        for (let after: string | undefined; ; ) {
          const page = await keys({ limit: 4, ...(after === undefined ? {} : { after }) })
          if (page.length === 0) break
          pages.push(page)
          after = page.at(-1)
        }
        expect(pages).toEqual([
          ['B', 'a/1', 'b/1', 'b/10'],
          ['b/2', 'c'],
        ])
      })

      it('expires a key after its ttl', async () => {
        const ns = uniqueName('ns')
        await store.kvSet(ns, 'short', 1, { ttlMs })
        await store.kvSet(ns, 'long', 2)
        expect(await store.kvGet(ns, 'short')).toBe(1)
        await delay(ttlMs * 3)
        expect(await store.kvGet(ns, 'short')).toBeUndefined()
        expect((await store.kvList(ns)).map((e) => e.key)).toEqual(['long'])
      })
    })

    describe('audit trail', () => {
      const audit = (
        token: string | null,
        action: string,
        at: Date,
        target: string | null = null,
      ): AuditRecord => ({
        id: uuidv7({ msecs: at.getTime() }),
        time: at.toISOString(),
        token,
        scopes: token === null ? [] : ['admin'],
        method: action.split(' ')[0]!,
        path: '/api/v1/x',
        action,
        target,
        status: 200,
        requestId: uniqueName('req'),
        source: '127.0.0.1',
      })
      // Far in the past and apart, so records of other tests on a shared store fall outside the range.
      const base = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e9) * 1000
      const at = (seconds: number) => new Date(base + seconds * 1000)
      const range = { from: at(0).toISOString(), to: at(100).toISOString() }

      it('keeps records and lists them oldest first within a time range', async () => {
        const records = [
          audit('ops', 'POST /api/v1/plugins/install', at(1), 'audit-log'),
          audit(null, 'GET /api/v1/audit', at(2)),
          audit('ci', 'POST /api/v1/dead-letters/:id/replay', at(3), 'dl-1'),
        ]
        for (const record of [records[2]!, records[0]!, records[1]!]) await store.addAuditRecord(record)
        expect(await store.listAuditRecords(range)).toEqual(records)
        expect(await store.listAuditRecords({ ...range, from: at(2).toISOString() })).toEqual(
          records.slice(1),
        )
        expect(await store.listAuditRecords({ ...range, to: at(2).toISOString() })).toEqual(
          records.slice(0, 1),
        )
      })

      it('filters by token and action text, and pages after a cursor', async () => {
        const token = uniqueName('ops')
        const ops = [1, 2, 3, 4].map((n) =>
          audit(token, `POST /api/v1/events/plugins/:name/${n % 2 ? 'disable' : 'enable'}`, at(n)),
        )
        for (const record of [...ops, audit('ci', 'POST /api/v1/events/plugins/:name/disable', at(5))])
          await store.addAuditRecord(record)
        const ids = (records: AuditRecord[]) => records.map((record) => record.id)
        expect(ids(await store.listAuditRecords({ ...range, token }))).toEqual(ids(ops))
        expect(ids(await store.listAuditRecords({ ...range, token, action: 'DISABLE' }))).toEqual(
          ids([ops[0]!, ops[2]!]),
        )
        expect(ids(await store.listAuditRecords({ ...range, token, limit: 2 }))).toEqual(ids(ops.slice(0, 2)))
        expect(ids(await store.listAuditRecords({ ...range, token, after: ops[1]!.id }))).toEqual(
          ids(ops.slice(2)),
        )
      })

      it('purges records older than a date', async () => {
        const [old, recent] = [audit('ops', 'GET /x', at(1)), audit('ops', 'GET /x', at(50))]
        await store.addAuditRecord(old)
        await store.addAuditRecord(recent)
        expect(await store.purgeAuditRecords(at(10))).toBeGreaterThanOrEqual(1)
        expect(await store.listAuditRecords(range)).toEqual([recent])
      })
    })
  })
}
