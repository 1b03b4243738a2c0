import { createEvent, noopLogger } from '@switchyard/core'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { PluginExitError, type PluginFaultLimitError } from '../errors.js'
import { PluginFaults } from './plugin-faults.js'
import type { DeliveryScope, PluginScope } from './plugin-scope.js'

function ledger() {
  let now = 0
  const counted: string[] = []
  const exceeded: PluginFaultLimitError[] = []
  const registry = new Registry()
  const faults = new PluginFaults({
    registry,
    logger: noopLogger,
    limit: () => ({ maxFaults: 3, windowMs: 1000 }),
    counted: (plugin, fault) => void counted.push(`${plugin}: ${fault.message}`),
    exceeded: (_plugin, error) => void exceeded.push(error),
    now: () => now,
  })
  const advance = (ms: number) => {
    now += ms
  }
  return { faults, counted, exceeded, registry, advance }
}

describe('PluginFaults', () => {
  it('fails the attempt in flight with E_PLUGIN_FAULT, counts the fault once and in the metric', async () => {
    const { faults, counted, registry } = ledger()
    const failed: Error[] = []
    const delivery: DeliveryScope = {
      event: createEvent('audit.tested', {}, { id: 'e1' }),
      eventId: 'e1',
      handler: 'audit_handler',
      attempt: 1,
      fail: (e) => failed.push(e) > 0,
    }
    const scope: PluginScope = { plugin: 'audit', faults, delivery }
    const cause = new Error('boom')
    faults.charge(scope, cause, 'unhandled rejection')
    faults.charge(scope, cause, 'uncaught exception')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ code: 'E_PLUGIN_FAULT', plugin: 'audit', cause, delivery })
    expect(counted).toEqual([
      'audit: E_PLUGIN_FAULT: plugin "audit" faulted (unhandled rejection) in handler audit_handler (event e1, attempt 1): boom',
    ])
    expect(await registry.metrics()).toContain('switchyard_plugin_faults_total{plugin="audit"} 1')
  })

  it('charges a refused process.exit as itself', () => {
    const { faults, counted } = ledger()
    faults.charge({ plugin: 'audit', faults }, new PluginExitError('audit', 1), 'process.exit')
    expect(counted[0]).toMatch(/^audit: E_PLUGIN_EXIT: plugin "audit" called process.exit\(1\)/)
  })

  it('reports a plugin whose faults reach the limit within the window, then counts afresh', () => {
    const { faults, exceeded, advance } = ledger()
    const scope: PluginScope = { plugin: 'audit', faults }
    faults.charge(scope, 'one', 'unhandled rejection')
    advance(1000) // the first one leaves the window
    faults.charge(scope, 'two', 'unhandled rejection')
    faults.charge(scope, 'three', 'unhandled rejection')
    expect(exceeded).toEqual([])
    faults.charge(scope, 'four', 'unhandled rejection')
    expect(exceeded.map((e) => [e.code, e.message])).toEqual([
      [
        'E_PLUGIN_FAULT',
        'plugin "audit" faulted 3 times within 1000ms and was stopped; last: E_PLUGIN_FAULT: plugin "audit" faulted (unhandled rejection): four',
      ],
    ])
    faults.charge(scope, 'five', 'unhandled rejection')
    expect(exceeded).toHaveLength(1)
  })
})
