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
    const requests = Array.from({ length: 50 }, (_, i) => mux.request(subject, `${i}`))
    // closing waits for the answers of the requests in flight
    await mux.close()
    const replies = await Promise.all(requests)
    expect(replies.map((reply) => reply.string())).toEqual(Array.from({ length: 50 }, (_, i) => `re:${i}`))
  })

  it('rejects with E_NATS_REQUEST when nothing listens, when no answer comes in time, and after close', async () => {
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

    // close lets a request in flight end (here: time out), then takes no more
    const pending = mux.request(silent).catch((error: unknown) => error)
    const closed = mux.close()
    expect(((await pending) as NatsRequestError).timedOut).toBe(true)
    await closed
    const afterClose = await mux.request(silent).catch((error: unknown) => error)
    expect((afterClose as NatsRequestError).message).toMatch(/the requester is closed/)
  })
})
