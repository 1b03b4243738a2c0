import { describe, expect, it } from 'vitest'
import { defaultDeliveryPolicy, resolvePolicy, retryDelay } from './delivery-policy.js'

describe('retryDelay', () => {
  const retry = { attempts: 10, initialMs: 100, maxMs: 1000, factor: 2, jitter: false }

  it('grows exponentially up to maxMs', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(retry, n))).toEqual([100, 200, 400, 800, 1000])
  })

  it('with jitter stays between half and all of the delay', () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay({ ...retry, jitter: true }, 3)
      expect(delay).toBeGreaterThanOrEqual(200)
      expect(delay).toBeLessThanOrEqual(400)
    }
  })
})

describe('resolvePolicy', () => {
  it('merges overrides member by member, ignoring undefined', () => {
    const policy = resolvePolicy(defaultDeliveryPolicy, { timeoutMs: undefined, retry: { attempts: 9 } }, 'x')
    expect(policy.timeoutMs).toBe(5000)
    expect(policy.retry).toEqual({ ...defaultDeliveryPolicy.retry, attempts: 9 })
  })

  it.each([
    [{ timeoutMs: 0 }, /h: timeoutMs: expected a finite number > 0/],
    [{ concurrency: 1.5 }, /h: concurrency: expected an integer >= 1/],
    [{ retry: { attempts: 0 } }, /h: retry\.attempts/],
    [{ retry: { initialMs: 50, maxMs: 10 } }, /h: retry\.maxMs: expected a number >= retry\.initialMs/],
    [{ retry: { factor: 0.5 } }, /h: retry\.factor/],
  ])('rejects %j naming the member', (overrides, message) => {
    expect(() => resolvePolicy(defaultDeliveryPolicy, overrides, 'h')).toThrow(message)
  })
})
