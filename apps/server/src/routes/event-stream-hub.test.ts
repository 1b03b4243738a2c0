import { compilePattern, createEvent, type Event } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { EventStreamHub } from './event-stream-hub.js'

function fakeBus() {
  const observers = new Set<(event: Event) => void>()
  return {
    observers,
    observe(observer: { published?: (event: Event) => void }) {
      const fn = observer.published!
      observers.add(fn)
      return () => void observers.delete(fn)
    },
    publish(event: Event) {
      for (const fn of observers) fn(event)
    },
  }
}

const text = async (stream: ReadableStream<Uint8Array>, chunks: number) => {
  const reader = stream.getReader()
  let out = ''
  for (let i = 0; i < chunks; i++) out += new TextDecoder().decode((await reader.read()).value)
  reader.releaseLock()
  return out
}

describe('EventStreamHub', () => {
  it('streams matching events to each client and observes the bus only while a client is open', async () => {
    const bus = fakeBus()
    const hub = new EventStreamHub(bus, { maxClients: 10, maxBufferedBytes: 1 << 20 })
    const stream = hub.open(compilePattern('order.**'))
    expect(bus.observers.size).toBe(1)
    const event = createEvent('order.created', { id: 1 })
    bus.publish(createEvent('user.created', {}))
    bus.publish(event)
    expect(await text(stream, 2)).toBe(
      `: subscribed to order.**\n\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`,
    )
    await stream.cancel()
    expect([hub.size, bus.observers.size]).toEqual([0, 0])
  })

  it('refuses a client past maxClients with E_LIMIT_SSE_CLIENTS', () => {
    const hub = new EventStreamHub(fakeBus(), { maxClients: 1, maxBufferedBytes: 1024 })
    hub.open(compilePattern('**'))
    expect(() => hub.open(compilePattern('**'))).toThrow(
      expect.objectContaining({ code: 'E_LIMIT_SSE_CLIENTS' }),
    )
  })

  it('drops a client whose queue would pass maxBufferedBytes, leaving the others', () => {
    const bus = fakeBus()
    const hub = new EventStreamHub(bus, { maxClients: 10, maxBufferedBytes: 2048 })
    const dropped: string[] = []
    hub.open(compilePattern('**'), () => dropped.push('slow'))
    const other = hub.open(compilePattern('**'), () => dropped.push('other'))
    for (let i = 0; i < 3; i++) bus.publish(createEvent('bulk.item', { blob: 'x'.repeat(900) }))
    expect(dropped).toEqual(['slow', 'other']) // neither reads: both are dropped at the third event
    expect(hub.size).toBe(0)
    void other
  })
})
