import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { ClosedError, DeliveryNotRunError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import type { Logger } from '../logger.js'
import { noopLogger } from '../noop-logger.js'
import type { TransportMessage } from '../transport/transport.js'
import { AttemptContext } from './attempt-context.js'
import type { AttemptResult, Retry } from './attempt-result.js'
import { AttemptRunner } from './attempt-runner.js'
import { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome } from './delivery.js'
import type { DeliveryMode } from './delivery-mode.js'
import type { HandlerEntry } from './handler-entry.js'
import { auditLogEntry } from './test-support/audit-log-entry.js'

const publish: DeliveryMode = { from: 'publish', holds: 'nothing' }

/** A runner, what it settled later, and a way to run one attempt. */
function setup(options: { shutdown?: AbortSignal; logger?: Logger } = {}) {
  const settled: AttemptResult[] = []
  const runner = new AttemptRunner(
    {
      logger: options.logger ?? noopLogger,
      deadlines: new DeadlineList<AttemptContext>(),
      shutdown: options.shutdown ?? new AbortController().signal,
    },
    (_ctx, result) => settled.push(result),
  )
  const event = createEvent('order.created', { id: 'o-1' })
  const attempt = (entry: HandlerEntry, attempt = 1, mode: DeliveryMode = publish) =>
    runner.run(new AttemptContext(entry, event, attempt, performance.now(), mode))
  const later = async (): Promise<AttemptResult> => {
    await expect.poll(() => settled.length, { timeout: 2000 }).toBe(1)
    return settled[0]!
  }
  return { runner, attempt, later, settled }
}

describe('AttemptRunner', () => {
  it('returns succeeded at once when the handler returns synchronously', () => {
    const { attempt } = setup()
    expect(
      attempt(
        auditLogEntry(() => undefined),
        2,
      ),
    ).toMatchObject({
      handler: 'audit_log',
      status: 'succeeded',
      attempts: 2,
    })
  })

  it('ends a delivery whose stand-in says the handler did not run: unrouted or E_FILTER, no retry, attempt not counted', async () => {
    const { attempt, later } = setup()
    const filtered = auditLogEntry(async () => {
      throw new DeliveryNotRunError('E_UNROUTED', 'filtered out')
    })
    expect(attempt(filtered, 2)).toBeUndefined()
    expect(await later()).toMatchObject({
      status: 'unrouted',
      attempts: 1,
      error: { code: 'E_UNROUTED', message: 'filtered out', attempt: 1 },
    })
    const threw = auditLogEntry(() => {
      throw new DeliveryNotRunError('E_FILTER', 'filter threw: boom')
    })
    expect(attempt(threw)).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'E_FILTER' } })
  })

  it('hands the result of an async handler to its callback once it settles', async () => {
    const { attempt, later } = setup()
    expect(attempt(auditLogEntry(async () => {}))).toBeUndefined()
    expect(await later()).toMatchObject({ status: 'succeeded', attempts: 1 })
  })

  it('decides a retry after the backoff of the policy while attempts are left', () => {
    const { attempt } = setup()
    const failing = auditLogEntry(() => {
      throw new Error('boom')
    })
    expect(attempt(failing, 1)).toEqual({
      retryAfterMs: 100,
      attempts: 1,
      error: expect.objectContaining({ message: expect.stringContaining('boom') }),
    })
    expect(attempt(failing, 2)).toEqual({
      retryAfterMs: 200,
      attempts: 2,
      error: expect.objectContaining({ message: expect.stringContaining('boom') }),
    })
  })

  it('ends failed with the error on the last attempt, a rejection as a throw', async () => {
    const { attempt, later } = setup()
    expect(
      attempt(
        auditLogEntry(() => Promise.reject(new Error('down'))),
        3,
      ),
    ).toBeUndefined()
    const result = await later()
    expect(result).toMatchObject({ status: 'failed', attempts: 3 })
    expect((result as DeliveryOutcome).error).toEqual({
      code: 'E_HANDLER',
      message: expect.stringMatching(/handler audit_log failed .*attempt 3.*: down/),
      handler: 'audit_log',
      eventId: expect.any(String),
      attempt: 3,
      cause: { name: 'Error', message: 'down' },
    })
  })

  it('ends timed_out when a synchronous handler spins past its deadline (no timer could fire)', () => {
    const { attempt } = setup()
    const spinner = auditLogEntry(() => spin(60), {
      timeoutMs: 20,
      retry: { attempts: 1, initialMs: 1, maxMs: 1, factor: 1, jitter: false },
    })
    const result = attempt(spinner)
    expect(result).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect((result as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(60)
    expect((result as DeliveryOutcome).error).toMatchObject({
      code: 'E_TIMEOUT',
      message: expect.stringMatching(/returned after \d+ms, past its 20ms timeout/),
      attempt: 1,
    })
  })

  it('ends timed_out when an async handler spins past its deadline before it resolves', async () => {
    const { attempt, later } = setup()
    const spinner = auditLogEntry(
      async () => {
        await null
        spin(60)
      },
      { timeoutMs: 20, retry: { attempts: 1, initialMs: 1, maxMs: 1, factor: 1, jitter: false } },
    )
    expect(attempt(spinner)).toBeUndefined()
    const result = await later()
    expect(result).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect((result as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(60)
  })

  it('retries a late return like a timeout while attempts are left', () => {
    const { attempt } = setup()
    const throwsLate = auditLogEntry(
      () => {
        spin(30)
        throw new Error('late and broken')
      },
      { timeoutMs: 10 },
    )
    const result = attempt(throwsLate)
    expect(result).toMatchObject({ retryAfterMs: 100, attempts: 1 })
    expect((result as Retry).error.message).toMatch(/past its 10ms timeout/)
  })

  it('ends timed_out when the handler returns after its deadline, and ignores the late return', async () => {
    const { attempt, later, settled } = setup()
    let finish!: () => void
    const slow = auditLogEntry(() => new Promise<void>((resolve) => (finish = resolve)), {
      timeoutMs: 20,
      retry: { attempts: 1, initialMs: 1, maxMs: 1, factor: 1, jitter: false },
    })
    expect(attempt(slow)).toBeUndefined()
    const result = await later()
    expect(result).toMatchObject({ status: 'timed_out', attempts: 1 })
    expect((result as DeliveryOutcome).error).toMatchObject({ code: 'E_TIMEOUT', handler: 'audit_log' })
    expect((result as DeliveryOutcome).error?.message).toMatch(/timed out after 20ms/)
    finish()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(settled).toHaveLength(1)
  })

  it('aborts the signal of an attempt that times out, so the handler can stop', async () => {
    const { attempt, later } = setup()
    let aborted: unknown
    const entry = auditLogEntry(
      (_event, ctx) =>
        new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason
            resolve()
          }),
        ),
      { timeoutMs: 10 },
    )
    attempt(entry)
    expect(await later()).toMatchObject({ retryAfterMs: 100, attempts: 1 })
    expect(aborted).toMatchObject({ code: 'E_TIMEOUT' })
  })

  it('runs no handler once the bus shuts down: a publish fails, a transport delivery is handed back', () => {
    const shutdown = new AbortController()
    shutdown.abort(new ClosedError('the event bus'))
    const { attempt } = setup({ shutdown: shutdown.signal })
    let calls = 0
    const entry = auditLogEntry(() => {
      calls++
    })
    expect(attempt(entry)).toMatchObject({
      status: 'failed',
      error: expect.objectContaining({ message: expect.stringContaining('closed') }),
    })
    const message = {} as TransportMessage
    expect(attempt(entry, 2, { from: 'transport', message })).toEqual({
      retryAfterMs: 0,
      attempts: 2,
      error: expect.objectContaining({ message: expect.stringContaining('closed') }),
    })
    expect(calls).toBe(0)
  })

  it('logs the final failure of a delivery as a warning', () => {
    const warnings: unknown[] = []
    const logger: Logger = { ...noopLogger, warn: (fields: unknown) => warnings.push(fields) }
    const { attempt } = setup({ logger })
    const entry = auditLogEntry(
      () => {
        throw new Error('boom')
      },
      { retry: { attempts: 1, initialMs: 1, maxMs: 1, factor: 1, jitter: false } },
    )
    attempt(entry)
    expect(warnings).toEqual([expect.objectContaining({ handler: 'audit_log', attempts: 1 })])
  })
})

/** Blocks the event loop for `ms`, as a handler stuck in synchronous work does. */
function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // busy
  }
}
