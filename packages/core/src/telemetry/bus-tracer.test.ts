import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../bus/event-bus.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { waitFor } from '../testing/wait-for.js'

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const tracer = provider.getTracer('test')
const manager = new AsyncLocalStorageContextManager()
const buses: EventBus[] = []
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

beforeAll(() => {
  context.setGlobalContextManager(manager.enable())
})
afterAll(() => {
  context.disable()
})
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
  exporter.reset()
})

function tracedBus(): EventBus {
  const bus = new EventBus({
    tracer,
    defaults: { retry: { attempts: 3, initialMs: 1, maxMs: 1, jitter: false } },
  })
  buses.push(bus)
  return bus
}

const spans = (name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.name === name)
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

describe('BusTracer', () => {
  it('makes a publish span and a process span per handler under it, by the messaging conventions', async () => {
    const bus = tracedBus()
    const seen: unknown[] = []
    bus.subscribe('order.*', (event) => void seen.push(event.metadata.traceparent), { name: 'audit_log' })
    bus.subscribe('order.created', () => undefined, { name: 'mailer', owner: 'mail' })
    const event = createEvent('order.created', { id: 1 })
    await bus.publish(event)
    const [publish] = spans('publish order.created')
    const process = spans('process order.created')
    expect(publish?.kind).toBe(SpanKind.PRODUCER)
    expect(publish?.attributes).toMatchObject({
      'messaging.system': 'switchyard',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'order.created',
      'messaging.message.id': event.id,
    })
    expect(process).toHaveLength(2)
    for (const span of process) {
      expect(span.kind).toBe(SpanKind.CONSUMER)
      expect(span.spanContext().traceId).toBe(publish?.spanContext().traceId)
      expect(parentOf(span)).toBe(publish?.spanContext().spanId)
      expect(span.attributes).toMatchObject({
        'messaging.operation.type': 'process',
        'switchyard.attempt': 1,
      })
    }
    expect(
      process.find((span) => span.attributes['switchyard.handler'] === 'mailer')?.attributes,
    ).toMatchObject({
      'switchyard.plugin': 'mail',
      'messaging.consumer.group.name': 'mailer',
    })
    expect(seen[0]).toBe(`00-${publish?.spanContext().traceId}-${publish?.spanContext().spanId}-01`)
  })

  it('makes each retry its own span of the trace, with the exception and status ERROR on failures', async () => {
    const bus = tracedBus()
    let calls = 0
    bus.subscribe(
      'order.created',
      () => {
        calls += 1
        if (calls < 3) throw new Error(`boom ${calls}`)
      },
      { name: 'flaky' },
    )
    const report = await bus.publish(createEvent('order.created', {}))
    expect(report.outcomes[0]?.status).toBe('succeeded')
    const process = spans('process order.created').sort(
      (a, b) => Number(a.attributes['switchyard.attempt']) - Number(b.attributes['switchyard.attempt']),
    )
    expect(process.map((span) => span.attributes['switchyard.outcome'])).toEqual([
      'retrying',
      'retrying',
      'succeeded',
    ])
    expect(process.map((span) => span.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.UNSET,
    ])
    expect(process[0]?.events[0]?.name).toBe('exception')
    expect(process[0]?.events[0]?.attributes?.['exception.message']).toContain('boom 1')
    expect(new Set(process.map(parentOf)).size).toBe(1)
    expect(report.outcomes[0]?.trace).toEqual({
      attempt: 3,
      traceId: process[2]?.spanContext().traceId,
      spanId: process[2]?.spanContext().spanId,
    })
  })

  it('ends a failed delivery with the outcome and ERROR', async () => {
    const bus = tracedBus()
    bus.subscribe('order.created', async () => Promise.reject(new Error('down')), {
      name: 'broken',
      retry: { attempts: 1 },
    })
    await bus.publish(createEvent('order.created', {}))
    const [span] = spans('process order.created')
    expect(span?.attributes['switchyard.outcome']).toBe('failed')
    expect(span?.status).toMatchObject({ code: SpanStatusCode.ERROR })
  })

  it('makes an event a handler publishes a child of that handler’s process span', async () => {
    const bus = tracedBus()
    bus.subscribe(
      'order.created',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        await bus.publish(createEvent('order.shipped', {}))
      },
      { name: 'shipper' },
    )
    bus.subscribe('order.shipped', () => undefined, { name: 'notifier' })
    await bus.publish(createEvent('order.created', {}))
    const [handled] = spans('process order.created')
    const [followUp] = spans('publish order.shipped')
    const [notified] = spans('process order.shipped')
    expect(parentOf(followUp!)).toBe(handled?.spanContext().spanId)
    expect(parentOf(notified!)).toBe(followUp?.spanContext().spanId)
    expect(notified?.spanContext().traceId).toBe(handled?.spanContext().traceId)
  })

  it('joins the trace an event carries in its metadata (a CloudEvents traceparent), a sandbox’s ctx.traceparent', async () => {
    const bus = tracedBus()
    let traceparent: string | undefined
    bus.subscribe(
      'order.created',
      (_event, ctx) => {
        traceparent = ctx.traceparent
      },
      { name: 'audit_log' },
    )
    await bus.publish(
      createEvent(
        'order.created',
        {},
        { metadata: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, tracestate: 'a=1' } },
      ),
    )
    const [publish] = spans('publish order.created')
    const [process] = spans('process order.created')
    expect(publish?.spanContext().traceId).toBe(TRACE)
    expect(parentOf(publish!)).toBe('00f067aa0ba902b7')
    expect(traceparent).toBe(`00-${TRACE}-${process?.spanContext().spanId}-01`)
    expect(process?.spanContext().traceState?.get('a')).toBe('1')
  })

  it('delivers a frozen copy carrying the publish span: every other member as published, an own __proto__ key kept', async () => {
    const bus = tracedBus()
    let delivered: Event | undefined
    bus.subscribe(
      'order.created',
      (event) => {
        delivered = event
      },
      { name: 'audit_log' },
    )
    // A tracestate without a traceparent belongs to no context: the copy drops it.
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "tenant": "acme", "tracestate": "a=1"}')
    const event = createEvent('order.created', { items: [1] }, { source: 'shop', metadata })
    await bus.publish(event)
    const [publish] = spans('publish order.created')
    const { traceId, spanId } = publish!.spanContext()
    const { tracestate: _dropped, ...kept } = event.metadata
    expect(delivered).toEqual({ ...event, metadata: { ...kept, traceparent: `00-${traceId}-${spanId}-01` } })
    expect(Object.keys(delivered!.metadata)).toEqual(['__proto__', 'tenant', 'idempotencyKey', 'traceparent'])
    expect(Object.getPrototypeOf(delivered!.metadata)).toBe(Object.prototype)
    expect(Object.isFrozen(delivered)).toBe(true)
    expect(Object.isFrozen(delivered!.metadata)).toBe(true)
    expect(delivered!.data).toBe(event.data)
  })

  it('starts a new trace under the active span when the metadata traceparent is malformed', async () => {
    const bus = tracedBus()
    bus.subscribe('order.created', () => undefined, { name: 'audit_log' })
    const outer = tracer.startSpan('request')
    await context.with(trace.setSpan(context.active(), outer), () =>
      bus.publish(createEvent('order.created', {}, { metadata: { traceparent: 'zz-not-valid' } })),
    )
    outer.end()
    const [publish] = spans('publish order.created')
    expect(parentOf(publish!)).toBe(outer.spanContext().spanId)
  })

  it('traces enqueued events through the transport: the publish span covers the accept', async () => {
    const bus = tracedBus()
    bus.subscribe('order.created', () => undefined, { name: 'audit_log' })
    const { id } = await bus.enqueue(createEvent('order.created', {}))
    await waitFor(() => spans('process order.created').length === 1, 'the process span', 5000)
    const [publish] = spans('publish order.created')
    const [process] = spans('process order.created')
    expect(publish?.attributes['messaging.message.id']).toBe(id)
    expect(parentOf(process!)).toBe(publish?.spanContext().spanId)
    await bus.drain()
    const [row] = await bus.store.deliveries(id)
    expect(row?.traces).toEqual([
      { attempt: 1, traceId: process?.spanContext().traceId, spanId: process?.spanContext().spanId },
    ])
  })

  it('makes no span and leaves the event alone without a tracer', async () => {
    const bus = new EventBus()
    buses.push(bus)
    let metadata: unknown
    bus.subscribe(
      'order.created',
      (event, ctx) => {
        metadata = { ...event.metadata, traceparent: ctx.traceparent }
      },
      { name: 'audit_log' },
    )
    const event = createEvent('order.created', {})
    await bus.publish(event)
    expect(metadata).toEqual({ idempotencyKey: event.id, traceparent: undefined })
    expect(exporter.getFinishedSpans()).toEqual([])
  })
})
