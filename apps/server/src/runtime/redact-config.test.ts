import { describe, expect, it } from 'vitest'
import { REDACTED, redactConfig } from './redact-config.js'

describe('redactConfig', () => {
  it('hides tokens, secret-named values, URL passwords, and uses the plugins’ own redaction', () => {
    const config = {
      auth: { tokens: [{ name: 'admin', token: 's3cret', scopes: ['admin'] }], public_paths: ['/healthz'] },
      plugin_database: { driver: 'postgres', url: 'postgres://app:hunter2@127.0.0.1:5432/app' },
      plugins: {
        webhooks: { enabled: true, config: { signing_secret: 'x', timeout_ms: 5000 } },
        mailer: { enabled: true, config: { pass: 'y', host: 'smtp' } },
      },
    }
    const shown = redactConfig(config, (name) =>
      name === 'mailer' ? { pass: REDACTED, host: 'smtp' } : undefined,
    )
    expect(shown).toEqual({
      auth: { tokens: [{ name: 'admin', token: REDACTED, scopes: ['admin'] }], public_paths: ['/healthz'] },
      plugin_database: { driver: 'postgres', url: `postgres://app:${REDACTED}@127.0.0.1:5432/app` },
      plugins: {
        webhooks: { enabled: true, config: { signing_secret: REDACTED, timeout_ms: 5000 } },
        mailer: { enabled: true, config: { pass: REDACTED, host: 'smtp' } },
      },
    })
    expect(config.auth.tokens[0]!.token).toBe('s3cret')
  })
})
