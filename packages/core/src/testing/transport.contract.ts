import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../bus/event-bus.js'
import type { DeliveryReport } from '../delivery/delivery.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import type {
  ConsumerOptions,
  Transport,
  TransportConsumer,
  TransportMessage,
} from '../transport/transport.js'
import { delay, uniqueName, waitFor } from './wait-for.js'

/** Tuning of `runTransportContract` for slower backends. */
export interface TransportContractOptions {
  /** How long to wait for an expected delivery. Default 2000. */
  deliveryTimeoutMs?: number
  /** How long to watch for a delivery that must not happen. Default 100. */
  quietMs?: number
  /** The nak delay used by redelivery tests. Default 30. */
  redeliveryDelayMs?: number
  /** The ack wait used by the ack-wait test (every transport must redeliver after it). Default 200. */
  ackWaitMs?: number
}

/**
 * The conformance suite every `Transport` passes: matching by pattern, one copy per handler, ack, nak with
 * delayed redelivery, ack-wait redelivery, concurrency, stop, targeted publish, durable names, and a second event
 * with a used idempotencyKey either delivered or answered `{ duplicate: true }` (never dropped unannounced), so
 * that an `EventBus` on it ends such an event `skipped_duplicate`. Handler names and event types are unique per
 * test, so a backend that keeps state between tests (JetStream) works too.
 *
 * @example
 * ```ts
 * runTransportContract('InProcessTransport', () => new InProcessTransport())
 * ```
 */
export function runTransportContract(
  label: string,
  create: () => Promise<Transport> | Transport,
  options: TransportContractOptions = {},
): void {
  const timeout = options.deliveryTimeoutMs ?? 2000
  const quietMs = options.quietMs ?? 100
  const redeliveryMs = options.redeliveryDelayMs ?? 30
  const ackWaitMs = options.ackWaitMs ?? 200

  describe(`Transport contract: ${label}`, () => {
    let transport: Transport
    let consumers: TransportConsumer[]
    /** A type prefix unique to the test, e.g. `t_xxx`, under which its events are published. */
    let prefix: string

    beforeEach(async () => {
      transport = await create()
      consumers = []
      prefix = uniqueName('t')
    })
    afterEach(async () => {
      await Promise.all(consumers.map((c) => c.stop()))
      await transport.close()
    })

    const consume = async (
      pattern: string,
      onMessage: (message: TransportMessage) => Promise<void>,
      overrides: Partial<ConsumerOptions> = {},
    ): Promise<{ handler: string; consumer: TransportConsumer }> => {
      const handler = overrides.handler ?? uniqueName('h')
      const consumer = await transport.consume(
        { handler, pattern, concurrency: 4, ackWaitMs: 30_000, maxDeliveries: 5, ...overrides },
        onMessage,
      )
      consumers.push(consumer)
      return { handler, consumer }
    }
    /** Consumes and acks, recording each message. */
    const collect = async (pattern: string, overrides: Partial<ConsumerOptions> = {}) => {
      const received: TransportMessage[] = []
      const { handler, consumer } = await consume(
        pattern,
        async (message) => {
          received.push(message)
          await message.ack()
        },
        overrides,
      )
      return { handler, consumer, received }
    }
    const event = (type: string, data: unknown = { n: 1 }): Event =>
      createEvent(`${prefix}.${type}`, data, { metadata: { correlationId: 'c-1' } })
    /** Two distinct events (two ids) of one type sharing one idempotencyKey. */
    const sameKey = (type: string): [Event, Event] => {
      const metadata = { idempotencyKey: uniqueName('key') }
      return [
        createEvent(`${prefix}.${type}`, { n: 1 }, { metadata }),
        createEvent(`${prefix}.${type}`, { n: 2 }, { metadata }),
      ]
    }

    it('is ready once created', () => {
      expect(transport.isReady()).toBe(true)
    })

    it('delivers a published event to a matching consumer, attempt 1', async () => {
      const { received } = await collect(`${prefix}.created`)
      const e = event('created', { id: 'o-1', items: [1, 2] })
      await transport.publish(e)
      await waitFor(() => received.length === 1, 'the event', timeout)
      expect(received[0]?.attempt).toBe(1)
      expect(received[0]?.event).toEqual(e)
    })

    it('matches * as one segment and ** as one or more', async () => {
      const star = await collect(`${prefix}.*`)
      const rest = await collect(`${prefix}.**`)
      await transport.publish(event('a'))
      await transport.publish(event('a.b'))
      await waitFor(
        () => rest.received.length === 2 && star.received.length === 1,
        'pattern matches',
        timeout,
      )
      await delay(quietMs)
      expect(star.received.map((m) => m.event.type)).toEqual([`${prefix}.a`])
    })

    it('gives each handler its own copy and none to non-matching handlers', async () => {
      const first = await collect(`${prefix}.created`)
      const second = await collect(`${prefix}.created`)
      const other = await collect(`${prefix}.deleted`)
      await transport.publish(event('created'))
      await waitFor(() => first.received.length === 1 && second.received.length === 1, 'both copies', timeout)
      await delay(quietMs)
      expect(other.received).toHaveLength(0)
      expect(first.received).toHaveLength(1)
    })

    it('publishes only to the named handlers when given', async () => {
      const chosen = await collect(`${prefix}.created`)
      const skipped = await collect(`${prefix}.created`)
      await transport.publish(event('created'), { handlers: [chosen.handler] })
      await waitFor(() => chosen.received.length === 1, 'the targeted copy', timeout)
      await delay(quietMs)
      expect(skipped.received).toHaveLength(0)
    })

    it('redelivers a naked message after its delay with the next attempt number', async () => {
      const attempts: number[] = []
      const naked: number[] = []
      await consume(`${prefix}.created`, async (message) => {
        attempts.push(message.attempt)
        if (message.attempt === 1) {
          naked.push(Date.now())
          await message.nak(redeliveryMs)
        } else await message.ack()
      })
      await transport.publish(event('created'))
      await waitFor(() => attempts.length === 2, 'the redelivery', timeout)
      await delay(quietMs)
      expect(attempts).toEqual([1, 2])
    })

    it('does not redeliver an acked message', async () => {
      const { received } = await collect(`${prefix}.created`)
      await transport.publish(event('created'))
      await waitFor(() => received.length === 1, 'the event', timeout)
      await delay(Math.max(quietMs, redeliveryMs * 3))
      expect(received).toHaveLength(1)
    })

    it('delivers every one of many events exactly once, in order with concurrency 1', async () => {
      const { received } = await collect(`${prefix}.created`, { concurrency: 1 })
      const events = Array.from({ length: 30 }, (_, n) => event('created', { n }))
      for (const e of events) await transport.publish(e)
      await waitFor(() => received.length === events.length, 'every event', timeout)
      await delay(quietMs)
      expect(received.map((m) => m.event.id)).toEqual(events.map((e) => e.id))
    })

    it('keeps at most `concurrency` messages in flight', async () => {
      let inFlight = 0
      let peak = 0
      let done = 0
      await consume(
        `${prefix}.created`,
        async (message) => {
          inFlight++
          peak = Math.max(peak, inFlight)
          await delay(20)
          inFlight--
          done++
          await message.ack()
        },
        { concurrency: 2 },
      )
      for (let n = 0; n < 8; n++) await transport.publish(event('created', { n }))
      await waitFor(() => done === 8, 'all messages', timeout)
      expect(peak).toBeLessThanOrEqual(2)
      expect(peak).toBeGreaterThan(0)
    })

    it('stop waits for messages in flight and takes no new ones', async () => {
      let finished = 0
      const started: number[] = []
      const { consumer } = await consume(`${prefix}.created`, async (message) => {
        started.push(message.attempt)
        await delay(50)
        finished++
        await message.ack()
      })
      await transport.publish(event('created'))
      await waitFor(() => started.length === 1, 'the first message', timeout)
      await consumer.stop()
      expect(finished).toBe(1)
      await transport.publish(event('created'))
      await delay(quietMs)
      expect(started).toHaveLength(1)
    })

    it('hands a message naked by a stopped consumer to the next consumer of the same name', async () => {
      const handler = uniqueName('h')
      const { consumer } = await consume(`${prefix}.created`, async (message) => message.nak(redeliveryMs), {
        handler,
        concurrency: 1,
      })
      await transport.publish(event('created'))
      await delay(redeliveryMs / 2)
      await consumer.stop()
      const next = await collect(`${prefix}.created`, { handler })
      await waitFor(() => next.received.length >= 1, 'the redelivery to the new consumer', timeout)
      expect(next.received[0]?.attempt).toBeGreaterThan(1)
    })

    it('delivers a second event with a used idempotencyKey or answers that it dropped it as a duplicate', async () => {
      const received: TransportMessage[] = []
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      // messages stay unacked until the end, so a backend still holds the first one when it is published again
      await consume(`${prefix}.placed`, async (message) => {
        received.push(message)
        await released
        await message.ack()
      })
      const [first, second] = sameKey('placed')
      expect((await transport.publish(first))?.duplicate).not.toBe(true)
      const answer = await transport.publish(second)
      // the very same event again is not a duplicate of another event, whether delivered again or not
      expect((await transport.publish(first))?.duplicate).not.toBe(true)
      await waitFor(() => received.length >= 1, 'the first event', timeout)
      release()
      if (answer?.duplicate === true) {
        await delay(quietMs)
        expect(received.map((m) => m.event.id)).not.toContain(second.id)
      } else {
        await waitFor(() => received.some((m) => m.event.id === second.id), 'the second event', timeout)
      }
    })

    it('lets an EventBus end a second event with a used idempotencyKey skipped_duplicate, handled once', async () => {
      const bus = new EventBus({ transport })
      const reports: DeliveryReport[] = []
      bus.extensions.contribute('event.after_dispatch', ({ report }: { report: DeliveryReport }) => {
        reports.push(report)
      })
      const handled: string[] = []
      bus.subscribe(`${prefix}.placed`, (e) => void handled.push(e.id), {
        name: uniqueName('h'),
        idempotent: true,
      })
      const [first, second] = sameKey('placed')
      await bus.enqueue(first)
      await bus.enqueue(second)
      await bus.drain()
      expect(handled).toEqual([first.id])
      const statuses = async (e: Event) => (await bus.store.deliveries(e.id)).map((r) => r.status)
      expect(await statuses(first)).toEqual(['succeeded'])
      expect(await statuses(second)).toEqual(['skipped_duplicate'])
      expect(await bus.store.unfinishedEvents()).toEqual([])
      expect(reports.map((r) => [r.eventId, r.outcomes.map((o) => o.status)]).sort()).toEqual(
        [
          [first.id, ['succeeded']],
          [second.id, ['skipped_duplicate']],
        ].sort(),
      )
      await bus.close()
    })

    it('redelivers a message not acked within ackWaitMs', async () => {
      const attempts: number[] = []
      await consume(
        `${prefix}.created`,
        async (message) => {
          attempts.push(message.attempt)
          if (message.attempt > 1) await message.ack()
        },
        { ackWaitMs },
      )
      await transport.publish(event('created'))
      await waitFor(() => attempts.length === 2, 'the redelivery after the ack wait', timeout + ackWaitMs * 3)
      expect(attempts).toEqual([1, 2])
    })
  })
}
