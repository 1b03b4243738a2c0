import { connect, type NatsConnection } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NatsRequestError } from '../errors.js'
import { NATS_URL, natsReachable, uniqueName } from '../testing/index.js'
import { RequestMux } from './request-mux.js'

const up = await natsReachable()

describe.skipIf(!up)('RequestMux', () => {
  let nc: NatsConnection
  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL })
  })
  afterAll(() => nc.close())

  it('resolves each request to its own reply, many in flight at once', async () => {
    const subject = uniqueName('echo')
    nc.subscribe(subject, {
      callback: (_error, message) => {
        message.respond(`re:${message.string()}`)
      },
    })
    await nc.flush()
    const mux = new RequestMux(nc, 5000)
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => mux.request(subject, `${i}`)))
    expect(replies.map((reply) => reply.string())).toEqual(Array.from({ length: 50 }, (_, i) => `re:${i}`))
    mux.close()
  })

  it('rejects with E_NATS_REQUEST when nothing listens, when no answer comes in time, and on close', async () => {
    const mux = new RequestMux(nc, 200)
    const noResponder = await mux.request(uniqueName('nobody')).catch((error: unknown) => error)
    expect(noResponder).toBeInstanceOf(NatsRequestError)
    expect((noResponder as NatsRequestError).code).toBe('E_NATS_REQUEST')
    expect((noResponder as NatsRequestError).message).toMatch(/no responder/)

    const silent = uniqueName('silent')
    nc.subscribe(silent, { callback: () => {} })
    await nc.flush()
    const timedOut = await mux.request(silent).catch((error: unknown) => error)
    expect((timedOut as NatsRequestError).message).toMatch(/none within 200 ms/)
    expect((timedOut as NatsRequestError).timedOut).toBe(true)
    const shorter = await mux.request(silent, undefined, undefined, 50).catch((error: unknown) => error)
    expect((shorter as NatsRequestError).message).toMatch(/none within 50 ms/)

    const pending = mux.request(silent).catch((error: unknown) => error)
    mux.close()
    expect(((await pending) as NatsRequestError).message).toMatch(/closed before the answer came/)
  })
})
