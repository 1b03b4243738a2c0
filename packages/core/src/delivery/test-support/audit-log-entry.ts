import type { DeliveryPolicy, Handler } from '../delivery.js'
import { HandlerEntry } from '../handler-entry.js'
import { HandlerSlot } from '../handler-slot.js'

/**
 * The handler `audit_log` on `order.*` in a slot of its own, with a 1 s timeout, no concurrency to speak of and
 * `policy` over that: what the delivery unit tests run.
 */
export function auditLogEntry(handler: Handler, policy: Partial<DeliveryPolicy> = {}): HandlerEntry {
  const slot = new HandlerSlot<HandlerEntry>('audit_log')
  slot.entry = new HandlerEntry({
    slot,
    name: 'audit_log',
    pattern: 'order.*',
    owner: undefined,
    handler,
    overrides: {},
    policy: {
      timeoutMs: 1000,
      retry: { attempts: 3, initialMs: 100, maxMs: 1000, factor: 2, jitter: false },
      concurrency: 1,
      idempotent: false,
      ...policy,
    },
    filter: undefined,
    flowOptions: {},
  })
  return slot.entry
}
