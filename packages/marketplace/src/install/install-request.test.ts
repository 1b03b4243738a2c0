import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseMarketplaceConfig } from '../marketplace-config.js'
import { InstallRequestSchema, parseInstallRequest } from './install-request.js'

describe('parseInstallRequest', () => {
  it('accepts a name with an optional range, or a URL with an optional sha256', () => {
    expect(parseInstallRequest({ name: '@switchyard/plugin-audit-log', version: '^0.1.0' })).toEqual({
      name: '@switchyard/plugin-audit-log',
      version: '^0.1.0',
    })
    const byUrl = { download_url: 'https://example.com/p.zip', checksum_sha256: 'a'.repeat(64) }
    expect(parseInstallRequest(byUrl)).toEqual(byUrl)
    expect(v.is(InstallRequestSchema, { name: 'audit-log' })).toBe(true)
  })

  it('names the wrong field and what was expected', () => {
    expect(() => parseInstallRequest({ name: '../etc' })).toThrow(
      'install request: body.name: expected a package name such as "audit-log" or "@scope/plugin-x", got "../etc"',
    )
    expect(() =>
      parseInstallRequest({ download_url: 'https://x.test/p.tgz', checksum_sha256: 'abc' }),
    ).toThrow('body.checksum_sha256: expected 64 hex digits, got "abc"')
    expect(() => parseInstallRequest({ name: 'a', extra: 1 })).toThrow(/body\.extra/)
    expect(() => parseInstallRequest('x')).toThrow(/body: expected Object/)
  })
})

describe('parseMarketplaceConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseMarketplaceConfig(undefined)).toMatchObject({
      enabled: false,
      registry: null,
      indexes: [],
      install_dir: '.switchyard/plugins',
      allowed_sources: ['registry', 'index', 'url'],
      limits: { max_files: 10_000 },
    })
  })

  it('rejects wrong values with the config path', () => {
    expect(() => parseMarketplaceConfig({ limits: { max_files: 0 } })).toThrow(
      'marketplace: marketplace.limits.max_files: expected at least 1, got 0',
    )
    expect(() => parseMarketplaceConfig({ registry: 'not a url' })).toThrow(
      /marketplace\.registry: expected an absolute URL/,
    )
  })
})
