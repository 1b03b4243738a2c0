import { createEvent, type HandlerContext } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { type DeliveryScope, type PluginScope, pluginScope } from './plugin-scope.js'
import { scopedHandler } from './scoped-handler.js'

const base: PluginScope = { plugin: 'audit', faults: { charge: () => undefined } }
const ctx = { attempt: 2, signal: new AbortController().signal } as HandlerContext
const event = createEvent('order.created', {})
const delivery = () => pluginScope.getStore()?.delivery as DeliveryScope

describe('scopedHandler', () => {
  it('keeps a synchronous handler synchronous and names the attempt in its scope', () => {
    let scope: DeliveryScope | undefined
    const handler = scopedHandler(
      base,
      () => 'audit_handler',
      () => {
        scope = delivery()
        return 'done'
      },
    )
    expect(handler(event, ctx)).toBe('done')
    expect(scope).toMatchObject({ plugin: 'audit', handler: 'audit_handler', eventId: event.id, attempt: 2 })
    // It already settled: a later fault is charged to the plugin, the attempt is not failed again.
    expect(scope?.fail(new Error('late'))).toBe(false)
  })

  it('fails an async attempt at once when its scope is failed, though the handler never settles', async () => {
    let scope: DeliveryScope | undefined
    const handler = scopedHandler(
      base,
      () => 'audit_handler',
      () => {
        scope = delivery()
        return new Promise(() => undefined)
      },
    )
    const returned = handler(event, ctx) as PromiseLike<unknown>
    const running = new Promise((resolve, reject) => returned.then(resolve, reject))
    const fault = new Error('E_PLUGIN_FAULT: boom')
    expect(scope?.fail(fault)).toBe(true)
    await expect(running).rejects.toBe(fault)
    expect(scope?.fail(new Error('again'))).toBe(false)
  })

  it('passes an async handler’s own result and error through', async () => {
    const ok = scopedHandler(
      base,
      () => 'ok_handler',
      async () => 'value',
    )
    const settled = (value: unknown) =>
      new Promise((resolve, reject) => (value as PromiseLike<unknown>).then(resolve, reject))
    await expect(settled(ok(event, ctx))).resolves.toBe('value')
    const failing = scopedHandler(
      base,
      () => 'bad_handler',
      async () => {
        throw new Error('own')
      },
    )
    await expect(settled(failing(event, ctx))).rejects.toThrow('own')
  })
})
