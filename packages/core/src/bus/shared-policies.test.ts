import { describe, expect, it } from 'vitest'
import { defaultDeliveryPolicy, resolvePolicy } from '../delivery/delivery-policy.js'
import { ConfigError } from '../errors.js'
import { SharedPolicies } from './shared-policies.js'

describe('SharedPolicies', () => {
  it('resolves overrides as resolvePolicy does, one policy for equal overrides in any member order', () => {
    const policies = new SharedPolicies()
    const a = policies.resolve(defaultDeliveryPolicy, { idempotent: false, retry: { attempts: 5 } }, 'a')
    const b = policies.resolve(defaultDeliveryPolicy, { retry: { attempts: 5 }, idempotent: false }, 'b')
    expect(a.policy).toEqual(
      resolvePolicy(defaultDeliveryPolicy, { idempotent: false, retry: { attempts: 5 } }, 'a'),
    )
    expect(b.policy).toBe(a.policy)
    expect(b.overrides).toBe(a.overrides)
    expect(policies.resolve(defaultDeliveryPolicy, { idempotent: true }, 'c').policy).not.toBe(a.policy)
  })

  it('starts afresh over other defaults', () => {
    const policies = new SharedPolicies()
    const first = policies.resolve(defaultDeliveryPolicy, {}, 'a').policy
    const slower = { ...defaultDeliveryPolicy, timeoutMs: 60_000 }
    expect(policies.resolve(slower, {}, 'a').policy.timeoutMs).toBe(60_000)
    expect(policies.resolve(defaultDeliveryPolicy, {}, 'a').policy).toEqual(first)
  })

  it('throws the ConfigError of a bad member, naming where, and shares nothing for it', () => {
    const policies = new SharedPolicies()
    expect(() => policies.resolve(defaultDeliveryPolicy, { timeoutMs: 0 }, 'subscription audit_log')).toThrow(
      new ConfigError('subscription audit_log: timeoutMs: expected a finite number > 0'),
    )
    expect(() => policies.resolve(defaultDeliveryPolicy, { timeoutMs: 0 }, 'subscription mailer')).toThrow(
      /subscription mailer/,
    )
  })

  it('keeps the shared objects frozen and leaves the caller its own objects', () => {
    const policies = new SharedPolicies()
    const retry = { attempts: 2 }
    const { overrides, policy } = policies.resolve(defaultDeliveryPolicy, { retry }, 'a')
    expect(Object.isFrozen(policy) && Object.isFrozen(policy.retry) && Object.isFrozen(overrides)).toBe(true)
    expect(Object.isFrozen(retry)).toBe(false)
  })

  it('resolves overrides with members it does not know on their own', () => {
    const policies = new SharedPolicies()
    const odd = { idempotent: false, note: 'kept' } as unknown as { idempotent: boolean }
    const first = policies.resolve(defaultDeliveryPolicy, odd, 'a')
    expect(first.overrides).toBe(odd)
    expect(policies.resolve(defaultDeliveryPolicy, odd, 'a').policy).not.toBe(first.policy)
  })
})
