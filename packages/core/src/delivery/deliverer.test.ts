import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { BusObservers } from '../bus/bus-observers.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { noopLogger } from '../noop-logger.js'
import { MemoryStore } from '../store/memory-store.js'
import type { TransportMessage } from '../transport/transport.js'
import type { AttemptContext } from './attempt-context.js'
import { DeadlineList } from './deadline-list.js'
import { Deliverer } from './deliverer.js'
import type { DeliveryOutcome, DeliveryPolicy, Handler } from './delivery.js'
import { DeliveryRecorder } from './delivery-recorder.js'
import { auditLogEntry } from './test-support/audit-log-entry.js'

const quickRetry = { attempts: 3, initialMs: 1, maxMs: 1, factor: 1, jitter: false }

/** A deliverer on a MemoryStore, with one handler `audit_log` subscribed under a slot. */
function setup(handler: Handler, policy: Partial<DeliveryPolicy> = {}) {
  const store = new MemoryStore()
  const shutdown = new AbortController().signal
  const observed: DeliveryOutcome[] = []
  const observers = new BusObservers(() => {})
  observers.add({ outcome: (_event, outcome) => observed.push(outcome) })
  const recorder = new DeliveryRecorder({
    store,
    logger: noopLogger,
    observers,
    shutdown,
    onWritten: async () => {},
    reportsCompletion: () => false,
  })
  const deadlines = new DeadlineList<AttemptContext>()
  const deliverer = new Deliverer({
    store,
    logger: noopLogger,
    deadlines,
    shutdown,
    recorder,
    recordsStarts: true,
  })
  const { slot } = auditLogEntry(handler, { retry: quickRetry, concurrency: 4, ...policy })
  const deliver = async (event: Event, replay = false) =>
    deliverer.direct(slot, event, performance.now(), replay)
  return { store, recorder, deliverer, slot, deliver, observed }
}

/** A transport message that remembers how it ended. */
function messageOf(event: Event, attempt = 1) {
  const ended: string[] = []
  const message: TransportMessage = {
    event,
    attempt,
    ack: async () => void ended.push('ack'),
    nak: async (delayMs) => void ended.push(`nak ${delayMs}`),
    working: () => {},
  }
  return { message, ended }
}

const reachAll = () => ({ reached: true, reason: 'matched' })
const event = (): Event => createEvent('order.created', { id: 'o-1' })

describe('Deliverer', () => {
  it('delivers to the handler and reports succeeded, also to observers', async () => {
    const seen: string[] = []
    const { deliver, observed } = setup(async (e) => void seen.push(e.type))
    const outcome = await deliver(event())
    expect(outcome).toMatchObject({ handler: 'audit_log', status: 'succeeded', attempts: 1 })
    expect(seen).toEqual(['order.created'])
    expect(observed).toEqual([outcome])
  })

  it('retries a throwing handler in place until it succeeds', async () => {
    let calls = 0
    const { deliver, store } = setup(() => {
      if (++calls < 3) throw new Error('flaky')
    })
    expect(await deliver(event())).toMatchObject({ status: 'succeeded', attempts: 3 })
    expect(await store.listDeadLetters()).toEqual([])
  })

  it('dead-letters a delivery whose attempts are exhausted, once', async () => {
    const { deliver, store, observed } = setup(() => {
      throw new Error('down')
    })
    const published = event()
    const outcome = await deliver(published)
    expect(outcome).toMatchObject({
      status: 'dead_lettered',
      attempts: 3,
      error: expect.objectContaining({ message: expect.stringContaining('down') }),
    })
    const deadLetters = await store.listDeadLetters()
    expect(deadLetters).toEqual([
      expect.objectContaining({ handler: 'audit_log', attempts: 3, event: published }),
    ])
    expect(observed).toHaveLength(1)
  })

  it('ends timed_out (not dead-lettered, when the policy says so) a handler that returns after its deadline', async () => {
    const { deliver, store } = setup(() => new Promise((resolve) => setTimeout(resolve, 100)), {
      timeoutMs: 20,
      retry: { ...quickRetry, attempts: 1 },
      deadLetter: false,
    })
    expect(await deliver(event())).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect(await store.listDeadLetters()).toEqual([])
  })

  it('skips a key the handler already handled, and records the key only after a success', async () => {
    let calls = 0
    const { deliver, store } = setup(
      () => {
        if (++calls === 1) throw new Error('first try fails')
      },
      { idempotent: true, retry: { ...quickRetry, attempts: 1 }, deadLetter: false },
    )
    const published = event()
    expect(await deliver(published)).toMatchObject({ status: 'failed' })
    expect(await store.isProcessed(published.metadata.idempotencyKey, 'audit_log')).toBe(false)
    expect(await deliver(published)).toMatchObject({ status: 'succeeded' })
    expect(await store.isProcessed(published.metadata.idempotencyKey, 'audit_log')).toBe(true)
    expect(await deliver(published)).toMatchObject({ status: 'skipped_duplicate', attempts: 0 })
    expect(calls).toBe(2)
  })

  it('lets concurrent duplicates of one key run the handler once', async () => {
    let calls = 0
    const { deliver } = setup(async () => void calls++, { idempotent: true })
    const published = event()
    const outcomes = await Promise.all([deliver(published), deliver(published), deliver(published)])
    expect(outcomes.map((o) => o.status).sort()).toEqual([
      'skipped_duplicate',
      'skipped_duplicate',
      'succeeded',
    ])
    expect(calls).toBe(1)
  })

  it('does not dead-letter again when a dead letter is replayed', async () => {
    const { deliver, store } = setup(() => {
      throw new Error('still down')
    })
    await deliver(event())
    const [deadLetter] = await store.listDeadLetters()
    expect(await deliver(deadLetter!.event, true)).toMatchObject({ status: 'failed', attempts: 3 })
    expect(await store.listDeadLetters()).toHaveLength(1)
  })

  it('hands a failed transport delivery back with the retry delay and a retrying ledger row', async () => {
    const { deliverer, slot, store, recorder } = setup(
      () => {
        throw new Error('later')
      },
      { retry: { ...quickRetry, initialMs: 250, maxMs: 250 } },
    )
    const published = event()
    await store.acceptEvent(published, ['audit_log'])
    const { message, ended } = messageOf(published)
    await deliverer.fromTransport(slot, message, reachAll)
    expect(ended).toEqual(['nak 250'])
    await recorder.flush()
    expect(await store.deliveries(published.id)).toEqual([
      expect.objectContaining({ handler: 'audit_log', status: 'retrying', attempts: 1 }),
    ])
  })

  it('acks a transport delivery and writes its final ledger row', async () => {
    const { deliverer, slot, store, recorder } = setup(async () => {})
    const published = event()
    await store.acceptEvent(published, ['audit_log'])
    const { message, ended } = messageOf(published, 2)
    await deliverer.fromTransport(slot, message, reachAll)
    expect(ended).toEqual(['ack'])
    await recorder.flush()
    expect(await store.deliveries(published.id)).toEqual([
      expect.objectContaining({ handler: 'audit_log', status: 'succeeded', attempts: 2 }),
    ])
  })

  it('ends unrouted a transport delivery its handler no longer wants, when it was accepted for it', async () => {
    let calls = 0
    const { deliverer, slot, store, recorder } = setup(() => void calls++)
    const published = event()
    await store.acceptEvent(published, ['audit_log'])
    const { message, ended } = messageOf(published)
    await deliverer.fromTransport(slot, message, () => ({ reached: false, reason: 'filtered out' }))
    expect(ended).toEqual(['ack'])
    await recorder.flush()
    expect(await store.deliveries(published.id)).toEqual([
      expect.objectContaining({
        status: 'unrouted',
        error: expect.objectContaining({ code: 'E_UNROUTED', message: 'filtered out' }),
      }),
    ])
    expect(calls).toBe(0)
  })

  it('ends unrouted a publish whose handler was unsubscribed while held', async () => {
    const { deliverer, slot } = setup(() => {})
    slot.hold()
    const pending = deliverer.direct(slot, event(), performance.now())
    slot.entry = undefined
    slot.release()
    expect(await pending).toMatchObject({
      status: 'unrouted',
      error: expect.objectContaining({ code: 'E_UNROUTED', message: 'handler no longer subscribed' }),
    })
  })
})
