import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { EventBus } from './event-bus.js'

const fast = { retry: { attempts: 3, initialMs: 1, maxMs: 5, factor: 2, jitter: false } }
const event = (data: unknown = {}, metadata = {}) => createEvent('order.created', data, { metadata })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('EventBus delivery policy', () => {
  it('ends timed_out, never succeeded, a handler that spins past its timeout, with its true duration', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: { retry: { attempts: 1 } } })
    bus.subscribe(
      'order.created',
      () => {
        const until = Date.now() + 150
        while (Date.now() < until) {
          // a handler stuck in synchronous work: no timer fires meanwhile
        }
      },
      { name: 'spinner', timeoutMs: 50, deadLetter: false },
    )
    const published = await bus.publish(event())
    expect(published.outcomes[0]).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect(published.outcomes[0]!.durationMs).toBeGreaterThanOrEqual(145)
    const { id } = await bus.enqueue(event())
    await bus.drain()
    const [row] = await store.deliveries(id)
    expect(row).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect(row!.durationMs).toBeGreaterThanOrEqual(145)
    await bus.close()
  })

  it('retries a failing handler and succeeds on a later attempt', async () => {
    const bus = new EventBus({ defaults: fast })
    const attempts: number[] = []
    bus.subscribe(
      'order.created',
      (_e, ctx) => {
        attempts.push(ctx.attempt)
        if (ctx.attempt < 3) throw new Error('flaky')
      },
      { name: 'flaky' },
    )
    const report = await bus.publish(event())
    expect(attempts).toEqual([1, 2, 3])
    expect(report.outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 3 })
    expect(await bus.store.listDeadLetters()).toEqual([])
  })

  it('dead-letters after the last attempt, and replay runs the handler again and deletes it', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store, defaults: fast })
    let healthy = false
    bus.subscribe(
      'order.created',
      () => {
        if (!healthy) throw new Error('down')
      },
      { name: 'mailer' },
    )
    const e = event({ id: 1 })
    const report = await bus.publish(e)
    expect(report.outcomes[0]).toMatchObject({
      status: 'dead_lettered',
      attempts: 3,
      error: expect.objectContaining({ code: 'E_HANDLER', message: expect.stringMatching(/down/) }),
    })
    const [deadLetter] = await store.listDeadLetters()
    expect(deadLetter).toMatchObject({ handler: 'mailer', attempts: 3, event: e })

    const failedAgain = await bus.replayDeadLetter(deadLetter!.id)
    expect(failedAgain).toMatchObject({ status: 'failed', attempts: 3 })
    expect(await store.listDeadLetters()).toHaveLength(1)

    healthy = true
    expect((await bus.replayDeadLetter(deadLetter!.id)).status).toBe('succeeded')
    expect(await store.listDeadLetters()).toEqual([])
    await expect(bus.replayDeadLetter(deadLetter!.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('waits with exponential backoff between attempts', async () => {
    const bus = new EventBus({
      defaults: { retry: { attempts: 3, initialMs: 20, maxMs: 1000, factor: 3, jitter: false } },
    })
    const at: number[] = []
    bus.subscribe(
      'order.created',
      () => {
        at.push(performance.now())
        throw new Error('x')
      },
      { name: 'h' },
    )
    await bus.publish(event())
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(19)
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(59)
  })

  it('times out a hanging attempt, aborting its signal, and reports timed_out without a dead letter when disabled', async () => {
    const bus = new EventBus({ defaults: { ...fast, timeoutMs: 20 } })
    const reasons: unknown[] = []
    bus.subscribe(
      'order.created',
      (_e, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reasons.push(ctx.signal.reason)
            reject(ctx.signal.reason)
          })
        }),
      { name: 'hangs', retry: { attempts: 2 }, deadLetter: false },
    )
    const report = await bus.publish(event())
    expect(report.outcomes[0]).toMatchObject({ status: 'timed_out', attempts: 2 })
    expect(reasons).toHaveLength(2)
    expect(reasons[0]).toMatchObject({ code: 'E_TIMEOUT', handler: 'hangs', attempt: 1, timeoutMs: 20 })
    expect(await bus.store.listDeadLetters()).toEqual([])
  })

  it('hands an already aborted signal to a handler that reads it after its deadline', async () => {
    const bus = new EventBus({ defaults: { timeoutMs: 10, retry: { attempts: 1 } } })
    // The handler reads its signal only once the publish has settled, i.e. after its deadline: no fixed sleep
    // (on a loaded machine a sleep and a deadline timer can fire in the same turn, in either order).
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let readLate: (signal: AbortSignal) => void = () => {}
    const late = new Promise<AbortSignal>((resolve) => {
      readLate = resolve
    })
    bus.subscribe(
      'order.created',
      async (_e, ctx) => {
        await released
        readLate(ctx.signal)
      },
      { name: 'late' },
    )
    expect((await bus.publish(event())).outcomes[0]?.status).toBe('dead_lettered')
    release()
    expect((await late).aborted).toBe(true)
  })

  it('reports failed (not timed_out) for a handler error when dead letters are off', async () => {
    const bus = new EventBus({ defaults: { ...fast, deadLetter: false } })
    bus.subscribe('order.created', () => Promise.reject(new Error('nope')), { name: 'h' })
    expect((await bus.publish(event())).outcomes[0]).toMatchObject({ status: 'failed', attempts: 3 })
  })

  it('skips an idempotencyKey the handler already handled (by default), per handler; idempotent: false runs it again', async () => {
    const bus = new EventBus()
    const calls: string[] = []
    bus.subscribe('order.created', () => void calls.push('once'), { name: 'once' })
    bus.subscribe('order.created', () => void calls.push('always'), { name: 'always', idempotent: false })
    const first = event({}, { idempotencyKey: 'order-1' })
    const duplicate = event({}, { idempotencyKey: 'order-1' })
    await bus.publish(first)
    const report = await bus.publish(duplicate)
    expect(report.outcomes.map((o) => [o.handler, o.status])).toEqual([
      ['once', 'skipped_duplicate'],
      ['always', 'succeeded'],
    ])
    expect(calls.sort()).toEqual(['always', 'always', 'once'])
  })

  it('runs concurrent duplicates of an idempotent delivery once', async () => {
    const bus = new EventBus()
    let calls = 0
    bus.subscribe(
      'order.created',
      async () => {
        calls++
        await sleep(10)
      },
      { name: 'once', idempotent: true },
    )
    const reports = await Promise.all([1, 2, 3].map(() => bus.publish(event({}, { idempotencyKey: 'same' }))))
    expect(calls).toBe(1)
    expect(reports.map((r) => r.outcomes[0]?.status).sort()).toEqual([
      'skipped_duplicate',
      'skipped_duplicate',
      'succeeded',
    ])
  })

  it('lets concurrent duplicates run one at a time until one succeeds', async () => {
    const bus = new EventBus({ defaults: { retry: { attempts: 1 } } })
    let calls = 0
    let running = 0
    bus.subscribe(
      'order.created',
      async () => {
        expect(++running).toBe(1)
        await sleep(5)
        running--
        if (++calls === 1) throw new Error('first fails')
      },
      { name: 'once', idempotent: true },
    )
    const reports = await Promise.all([1, 2, 3].map(() => bus.publish(event({}, { idempotencyKey: 'same' }))))
    expect(calls).toBe(2)
    expect(reports.map((r) => r.outcomes[0]?.status)).toEqual([
      'dead_lettered',
      'succeeded',
      'skipped_duplicate',
    ])
  })

  it('uses the async idempotency methods of a store that has no sync ones', async () => {
    const asked: string[] = []
    // A real MemoryStore seen without its sync methods, recording the async idempotency calls.
    const store = new Proxy(new MemoryStore(), {
      get(target, property) {
        if (property === 'isProcessedSync' || property === 'markProcessedSync') return undefined
        const value = Reflect.get(target, property)
        if (typeof value !== 'function') return value
        return (...args: string[]) => {
          if (property === 'isProcessed' || property === 'markProcessed') asked.push(`${property} ${args[0]}`)
          return value.apply(target, args)
        }
      },
    })
    const bus = new EventBus({ store })
    bus.subscribe('order.created', async () => {}, { name: 'once', idempotent: true })
    bus.subscribe('order.created', () => {}, { name: 'also_once', idempotent: true })
    const statuses = async () =>
      (await bus.publish(event({}, { idempotencyKey: 'k' }))).outcomes.map((o) => o.status)
    expect(await statuses()).toEqual(['succeeded', 'succeeded'])
    expect(await statuses()).toEqual(['skipped_duplicate', 'skipped_duplicate'])
    expect(asked).toEqual([
      'isProcessed k',
      'isProcessed k',
      'markProcessed k',
      'markProcessed k',
      'isProcessed k',
      'isProcessed k',
    ])
  })

  it('does not mark a failed delivery as processed', async () => {
    const bus = new EventBus({ defaults: { retry: { attempts: 1 } } })
    let fail = true
    bus.subscribe(
      'order.created',
      () => {
        if (fail) throw new Error('x')
      },
      { name: 'h', idempotent: true },
    )
    await bus.publish(event({}, { idempotencyKey: 'k' }))
    fail = false
    expect((await bus.publish(event({}, { idempotencyKey: 'k' }))).outcomes[0]?.status).toBe('succeeded')
  })

  it('keeps at most `concurrency` deliveries of a handler in flight', async () => {
    const bus = new EventBus()
    let inFlight = 0
    let peak = 0
    bus.subscribe(
      'order.created',
      async () => {
        peak = Math.max(peak, ++inFlight)
        await sleep(5)
        inFlight--
      },
      { name: 'limited', concurrency: 2 },
    )
    const reports = await Promise.all(Array.from({ length: 10 }, () => bus.publish(event())))
    expect(peak).toBe(2)
    expect(reports.every((r) => r.outcomes[0]?.status === 'succeeded')).toBe(true)
  })

  it('delivers events with the same orderingKey one at a time in publish order, others concurrently', async () => {
    const bus = new EventBus({ defaults: fast })
    const log: string[] = []
    let inFlightA = 0
    let peakA = 0
    bus.subscribe(
      'order.created',
      async (e, ctx) => {
        const { key, n } = e.data as { key: string; n: number }
        if (key === 'a') peakA = Math.max(peakA, ++inFlightA)
        await sleep(n % 2 === 0 ? 8 : 1)
        // The second event of key a fails once: the retry must still come before the third.
        if (key === 'a' && n === 1 && ctx.attempt === 1) {
          inFlightA--
          throw new Error('retry me')
        }
        if (key === 'a') inFlightA--
        log.push(`${key}${n}`)
      },
      { name: 'ordered', concurrency: 8 },
    )
    const publishes = []
    for (let n = 0; n < 5; n++) {
      publishes.push(bus.publish(event({ key: 'a', n }, { orderingKey: 'a' })))
      publishes.push(bus.publish(event({ key: 'b', n }, { orderingKey: 'b' })))
    }
    await Promise.all(publishes)
    expect(log.filter((s) => s.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4'])
    expect(log.filter((s) => s.startsWith('b'))).toEqual(['b0', 'b1', 'b2', 'b3', 'b4'])
    expect(peakA).toBe(1)
    // Keys do not wait for each other: b finishes its short events before a's chain is through.
    expect(log.indexOf('b4')).toBeLessThan(log.indexOf('a4'))
  })
})
