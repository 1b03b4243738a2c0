import { describe, expect, it } from 'vitest'
import { validateConfig } from '../config/load-config.js'
import { faultLimitOf } from './fault-limit-of.js'

describe('faultLimitOf', () => {
  it('takes each key from the plugin, then plugin_defaults, then the host option, then 5 in 60 s', () => {
    const { config } = validateConfig({
      plugin_defaults: { limits: { max_faults: 10 } },
      plugins: { strict: { limits: { max_faults: 2, fault_window_ms: 1000 } }, plain: {} },
    })
    expect(faultLimitOf(config, 'strict')).toEqual({ maxFaults: 2, windowMs: 1000 })
    expect(faultLimitOf(config, 'plain')).toEqual({ maxFaults: 10, windowMs: 60_000 })
    expect(faultLimitOf(config, 'unlisted', { windowMs: 5000 })).toEqual({ maxFaults: 10, windowMs: 5000 })
    expect(faultLimitOf(validateConfig({}).config, 'x')).toEqual({ maxFaults: 5, windowMs: 60_000 })
  })
})
