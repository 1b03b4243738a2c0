import { describe, expect, it } from 'vitest'
import { parseConfig } from './load-config.js'

describe('services config', () => {
  it('defaults to registering the server as "switchyard" with a 30 s lease', () => {
    expect(parseConfig('{}').config.services).toEqual({
      name: 'switchyard',
      advertise_url: null,
      lease_ms: 30_000,
    })
  })

  it('refuses a bad name, URL or lease with the file, line and column', () => {
    const text = 'services:\n  name: "has space"\n  advertise_url: nope\n  lease_ms: 10\n'
    const error = (() => {
      try {
        parseConfig(text, { file: 's.yaml' })
      } catch (caught) {
        return caught as Error
      }
    })()
    expect(error?.message).toContain('s.yaml:2:9: services.name: expected a service name')
    expect(error?.message).toContain('s.yaml:3:18: services.advertise_url: expected an absolute URL')
    expect(error?.message).toContain('s.yaml:4:13: services.lease_ms: expected at least 1000, got 10')
  })
})
