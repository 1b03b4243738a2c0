import { describe, expect, it } from 'vitest'
import type { Handler } from '../delivery/delivery.js'
import { ClosedError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { waitFor } from '../testing/wait-for.js'
import { EventBus } from './event-bus.js'

/** A handler that settles only when its signal aborts (rejecting with the reason), remembering the signal. */
function abortable(signals: AbortSignal[]): Handler {
  return (_event, { signal }) => {
    signals.push(signal)
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
  }
}

const never: Handler = () => new Promise(() => {})

describe('EventBus.close with in-flight work', () => {
  it('aborts the signals of handlers still running after the grace period; publish reports them failed', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: { timeoutMs: 60_000 } })
    const signals: AbortSignal[] = []
    bus.subscribe('order.*', abortable(signals), { name: 'honours_abort' })
    bus.subscribe('order.*', never, { name: 'ignores_abort' })
    const publishing = bus.publish(createEvent('order.created', {}))
    await waitFor(() => signals.length === 1, 'the handler to start', 1000)

    await bus.close({ timeoutMs: 20 })

    expect(signals[0]?.aborted).toBe(true)
    expect(signals[0]?.reason).toBeInstanceOf(ClosedError)
    const { outcomes } = await publishing
    expect(outcomes.map((o) => [o.handler, o.status, o.attempts])).toEqual([
      ['honours_abort', 'failed', 1],
      ['ignores_abort', 'failed', 1],
    ])
    expect(outcomes.map((o) => o.error)).toEqual([
      {
        code: 'E_CLOSED',
        message: 'the event bus is closed',
        handler: 'honours_abort',
        eventId: expect.any(String),
        attempt: 1,
      },
      {
        code: 'E_CLOSED',
        message: 'the event bus is closed',
        handler: 'ignores_abort',
        eventId: expect.any(String),
        attempt: 1,
      },
    ])
    expect(await store.listDeadLetters()).toEqual([])
  })

  it('starts no retry once interrupted', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({
      store,
      defaults: { retry: { attempts: 3, initialMs: 60_000, maxMs: 60_000 } },
    })
    let calls = 0
    bus.subscribe(
      'order.*',
      () => {
        calls++
        throw new Error('down')
      },
      { name: 'failing', idempotent: true },
    )
    const e = createEvent('order.created', {})
    const publishing = bus.publish(e)
    await waitFor(() => calls === 1, 'the first attempt', 1000)

    await bus.close({ timeoutMs: 10 })

    expect((await publishing).outcomes).toMatchObject([{ status: 'failed', attempts: 1 }])
    expect(calls).toBe(1)
    expect(await store.listDeadLetters()).toEqual([])
    expect(await store.isProcessed(e.metadata.idempotencyKey, 'failing')).toBe(false)
  })

  it('hands enqueued deliveries back: their ledger rows stay unfinished for resume', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: { timeoutMs: 60_000 } })
    const signals: AbortSignal[] = []
    bus.subscribe('order.*', abortable(signals), { name: 'slow' })
    const e = createEvent('order.created', {})
    await bus.enqueue(e)
    await waitFor(() => signals.length === 1, 'the handler to start', 1000)

    await bus.close({ timeoutMs: 20 })

    expect(signals).toHaveLength(1)
    expect(signals[0]?.aborted).toBe(true)
    expect(await store.deliveries(e.id)).toMatchObject([{ handler: 'slow', status: 'retrying', attempts: 1 }])
    expect((await store.unfinishedEvents()).map((u) => [u.event.id, u.handlers])).toEqual([[e.id, ['slow']]])
    expect(await store.listDeadLetters()).toEqual([])
  })

  it('rejects a timeout that is not a number >= 0', async () => {
    await expect(new EventBus().close({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'E_CONFIG' })
  })
})
