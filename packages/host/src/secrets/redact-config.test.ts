import type { Logger } from '@switchyard/core'
import { definePlugin, secret } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { afterEach, describe, expect, it } from 'vitest'
import { parsePluginConfig } from '../config/parse-plugin-config.js'
import { createHost } from '../create-host.js'
import type { PluginHost } from '../plugin-host.js'
import { isSecretPath, redactConfig, secretStrings } from './redact-config.js'

const schema = v.pipe(
  v.object({
    region: v.optional(v.string(), 'eu'),
    token: v.optional(secret()),
    smtp: v.object({
      host: v.string(),
      pass: secret(v.pipe(v.string(), v.regex(/^p_/, 'a password starting with p_'))),
    }),
    keys: v.optional(v.array(secret()), []),
    named: v.optional(v.record(v.string(), v.object({ key: secret() })), {}),
  }),
  v.check(() => true),
)
const config = {
  region: 'us',
  token: 'tok-1',
  smtp: { host: 'mail', pass: 'p_2' },
  keys: ['k-3', 'k-4'],
  named: { a: { key: 'n-5' } },
  extra: 'kept',
}

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

describe('redactConfig', () => {
  it('replaces secret() values through optional, nested, array and record schemas, and keeps the rest', () => {
    expect(redactConfig(schema, config)).toEqual({
      region: 'us',
      token: '[redacted]',
      smtp: { host: 'mail', pass: '[redacted]' },
      keys: ['[redacted]', '[redacted]'],
      named: { a: { key: '[redacted]' } },
      extra: 'kept',
    })
    expect(secretStrings(schema, config).sort()).toEqual(['k-3', 'k-4', 'n-5', 'p_2', 'tok-1'])
    expect(redactConfig(schema, { smtp: { host: 'x', pass: 'p_1' } })).not.toHaveProperty('token')
    expect(isSecretPath(schema, ['smtp', 'pass'])).toBe(true)
    expect(isSecretPath(schema, ['smtp', 'host'])).toBe(false)
  })

  it('never quotes a secret value in a config error', () => {
    const plugin = definePlugin({ name: 'mailer', version: '1.0.0', config: schema, setup() {} })
    const result = parsePluginConfig(plugin, { smtp: { host: 'mail', pass: 'hunter2-wrong' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.message).toContain('smtp.pass: expected a password starting with p_, got [redacted]')
    expect(result.error.message).not.toContain('hunter2-wrong')
  })
})

describe('the host log and status', () => {
  it('scrubs secret config values from every log line, the plugin status and the effective config', async () => {
    const lines: string[] = []
    const record = (first: object | string, msg?: string) =>
      lines.push(JSON.stringify(typeof first === 'string' ? { msg: first } : { ...first, msg }))
    const logger: Logger = { debug: record, info: record, warn: record, error: record, child: () => logger }
    const mailer = definePlugin({
      name: 'mailer',
      version: '1.0.0',
      config: schema,
      setup(ctx) {
        ctx.logger.info(
          { config: ctx.config, err: new Error(`login as p_2 failed`) },
          `connecting with tok-1`,
        )
      },
    })
    const host = await createHost({
      plugins: [mailer],
      appPackageJson: false,
      logger,
      config: { plugins: { mailer: { config } } },
    })
    hosts.push(host)
    const text = lines.join('\n')
    for (const value of ['tok-1', 'p_2', 'k-3', 'n-5']) expect(text).not.toContain(value)
    expect(text).toContain('connecting with [redacted]')
    expect(text).toContain('login as [redacted] failed')
    expect(JSON.stringify(host.status())).not.toContain('tok-1')
    expect(host.plugin('mailer').config).toMatchObject({ token: '[redacted]', region: 'us' })
    expect(host.effectiveConfig('mailer')).toMatchObject({ smtp: { host: 'mail', pass: '[redacted]' } })
    expect(host.pluginConfig('mailer')).toMatchObject({ token: 'tok-1' })
  })
})
