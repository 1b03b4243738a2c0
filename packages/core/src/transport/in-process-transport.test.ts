import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { runTransportContract } from '../testing/index.js'
import { InProcessTransport } from './in-process-transport.js'
import type { TransportMessage } from './transport.js'

runTransportContract('InProcessTransport', () => new InProcessTransport())

describe('InProcessTransport', () => {
  const options = { handler: 'h', pattern: 'order.*', concurrency: 1, ackWaitMs: 10_000, maxDeliveries: 3 }

  it('makes publish wait while maxQueued messages are queued', async () => {
    const transport = new InProcessTransport({ maxQueued: 2 })
    const held: TransportMessage[] = []
    await transport.consume(options, async (message) => {
      held.push(message)
    })
    const e = createEvent('order.created', {})
    await transport.publish(e) // taken in flight at once
    await transport.publish(e)
    await transport.publish(e)
    let fourthAccepted = false
    const fourth = transport.publish(e).then(() => {
      fourthAccepted = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(fourthAccepted).toBe(false)
    await held[0]!.ack()
    await fourth
    expect(fourthAccepted).toBe(true)
    for (const message of held) await message.ack()
    await transport.close()
  })

  it('gives up on a message after maxDeliveries', async () => {
    const transport = new InProcessTransport()
    const attempts: number[] = []
    await transport.consume(options, async (message) => {
      attempts.push(message.attempt)
      await message.nak(0)
    })
    await transport.publish(createEvent('order.created', {}))
    await transport.idle()
    expect(attempts).toEqual([1, 2, 3])
    await transport.close()
  })

  it('refuses a second running consumer of the same handler and publishing after close', async () => {
    const transport = new InProcessTransport()
    await transport.consume(options, async (m) => m.ack())
    await expect(transport.consume(options, async (m) => m.ack())).rejects.toThrow(/already running/)
    await transport.close()
    expect(transport.isReady()).toBe(false)
    await expect(transport.publish(createEvent('order.created', {}))).rejects.toMatchObject({
      code: 'E_CLOSED',
    })
  })

  it('keeps a message past its ack wait while its consumer reports working()', async () => {
    const transport = new InProcessTransport()
    const attempts: number[] = []
    await transport.consume({ ...options, ackWaitMs: 200 }, async (message) => {
      attempts.push(message.attempt)
      for (let i = 0; i < 8; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        message.working()
      }
      await message.ack()
    })
    await transport.publish(createEvent('order.created', {}))
    await transport.idle()
    expect(attempts).toEqual([1])
    await transport.close()
  })

  it('redelivers when the consumer callback rejects without settling', async () => {
    const transport = new InProcessTransport()
    const attempts: number[] = []
    await transport.consume(options, async (message) => {
      attempts.push(message.attempt)
      if (message.attempt === 1) throw new Error('consumer bug')
      await message.ack()
    })
    await transport.publish(createEvent('order.created', {}))
    await transport.idle()
    expect(attempts).toEqual([1, 2])
    await transport.close()
  })
})
