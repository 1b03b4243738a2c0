import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { AttemptContext } from './attempt-context.js'
import type { HandlerContext } from './delivery.js'
import { onAttemptExpired } from './on-attempt-expired.js'
import { auditLogEntry } from './test-support/audit-log-entry.js'

describe('onAttemptExpired', () => {
  it("tells each listener an attempt's expiry and its reason, as the attempt's signal hears it", () => {
    const ctx = new AttemptContext(
      auditLogEntry(() => undefined),
      createEvent('order.created', {}),
      1,
      performance.now(),
      { from: 'publish', holds: 'nothing' },
    )
    const heard: string[] = []
    onAttemptExpired(ctx, (reason) => heard.push(`first: ${reason.message}`))
    onAttemptExpired(ctx, (reason) => heard.push(`second: ${reason.message}`))
    const { signal } = ctx
    ctx.expire(new Error('shutting down'))
    expect(heard).toEqual(['first: shutting down', 'second: shutting down'])
    expect(signal.reason).toEqual(new Error('shutting down'))
  })

  it('listens on the signal of a context the bus did not make', () => {
    const controller = new AbortController()
    const ctx: HandlerContext = { attempt: 1, signal: controller.signal, fail: () => false }
    const heard: unknown[] = []
    onAttemptExpired(ctx, (reason) => heard.push(reason))
    controller.abort(new Error('gone'))
    controller.abort(new Error('again'))
    expect(heard).toEqual([new Error('gone')])
  })
})
