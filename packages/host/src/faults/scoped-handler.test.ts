import { createEvent, EventBus, type Handler } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type DeliveryScope, type PluginScope, pluginScope } from './plugin-scope.js'
import { scopedHandler } from './scoped-handler.js'

const base: PluginScope = { plugin: 'audit', faults: { charge: () => undefined } }
const delivery = () => pluginScope.getStore()?.delivery as DeliveryScope
const buses: EventBus[] = []
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close({ timeoutMs: 100 })
})

/** A real bus with `handler` subscribed through the scope, one attempt per delivery. */
function busWith(handler: Handler): EventBus {
  const bus = new EventBus({ defaults: { retry: { attempts: 1 }, timeoutMs: 5000 } })
  buses.push(bus)
  bus.subscribe(
    'order.*',
    scopedHandler(base, () => 'audit_handler', handler),
    { name: 'audit_handler' },
  )
  return bus
}

describe('scopedHandler', () => {
  it('names the plugin and the attempt in its scope; a settled attempt is not failed again', async () => {
    let scope: DeliveryScope | undefined
    const bus = busWith(() => {
      scope = delivery()
    })
    const event = createEvent('order.created', {})
    const report = await bus.publish(event)
    expect(report.outcomes[0]?.status).toBe('succeeded')
    expect(scope).toMatchObject({ plugin: 'audit', handler: 'audit_handler', eventId: event.id, attempt: 1 })
    expect(scope?.fail(new Error('late'))).toBe(false)
  })

  it('fails an async attempt at once when its scope is failed, though the handler never settles', async () => {
    let scope: DeliveryScope | undefined
    const bus = busWith(() => {
      scope = delivery()
      return new Promise(() => undefined)
    })
    const publishing = bus.publish(createEvent('order.created', {}))
    await new Promise((resolve) => setImmediate(resolve))
    expect(scope?.fail(new Error('E_PLUGIN_FAULT: boom'))).toBe(true)
    const report = await publishing
    expect(report.outcomes[0]).toMatchObject({
      status: 'dead_lettered',
      error: expect.objectContaining({
        code: 'E_HANDLER',
        cause: { name: 'Error', message: 'E_PLUGIN_FAULT: boom' },
      }),
    })
    expect(scope?.fail(new Error('again'))).toBe(false)
  })

  it('passes an async handler’s own result and error through', async () => {
    let fail = false
    const bus = busWith(async () => {
      if (fail) throw new Error('own')
    })
    expect((await bus.publish(createEvent('order.created', {}))).outcomes[0]?.status).toBe('succeeded')
    fail = true
    const report = await bus.publish(createEvent('order.created', {}))
    expect(report.outcomes[0]).toMatchObject({
      status: 'dead_lettered',
      error: expect.objectContaining({ code: 'E_HANDLER', cause: { name: 'Error', message: 'own' } }),
    })
  })
})
