import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { loadConfig, parseConfig, validateConfig } from './load-config.js'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url))

describe('loadConfig', () => {
  it('fills every default of the documented file', async () => {
    const { config } = await loadConfig(
      fileURLToPath(new URL('../../../../config/switchyard.yaml', import.meta.url)),
      {
        env: { SWITCHYARD_ADMIN_TOKEN: 's3cret' },
      },
    )
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080, body_limit_bytes: 1_048_576 })
    expect(config.auth.tokens).toEqual([
      { name: 'admin', token: 's3cret', scopes: ['admin', 'publish', 'read'] },
    ])
    expect(config.delivery.retry).toEqual({
      attempts: 3,
      initial_ms: 100,
      max_ms: 10_000,
      factor: 2,
      jitter: true,
    })
    expect(config.plugin_directories).toEqual(['plugins'])
    expect(config.marketplace.install_dir).toBe('.switchyard/plugins')
  })

  it('interpolates env references with and without a default, typing unquoted values after substitution', async () => {
    const withEnv = await loadConfig(fixture('valid.yaml'), {
      env: { FIXTURE_PORT: '9001', FIXTURE_LABEL: 'blue' },
    })
    expect(withEnv.config.server.port).toBe(9001)
    expect(withEnv.config.plugins.worker?.config).toEqual({ label: 'blue' })
    const defaults = await loadConfig(fixture('valid.yaml'), { env: {} })
    expect(defaults.config.server.port).toBe(8181)
    expect(defaults.config.plugins.worker?.config).toEqual({ label: 'none' })
    // A quoted value stays a string; an unset variable without default leaves an empty plain value (null).
    const text = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML text holding env references, not a template
      'server: { host: "${HOST_NUMBER}" }',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML text holding env references, not a template
      'auth: { tokens: [{ name: a, token: ${NOPE}, scopes: [read] }] }',
    ].join('\n')
    const quoted = parseConfig(text, { env: { HOST_NUMBER: '10' } })
    expect(quoted.config.server.host).toBe('10')
    expect(quoted.config.auth.tokens[0]?.token).toBeNull()
  })

  it('names the file, key path, line and column of every problem, unknown keys included', async () => {
    const file = fixture('invalid.yaml')
    const error = await loadConfig(file, { env: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('E_CONFIG')
    expect((error as ConfigError).message).toBe(
      [
        'invalid configuration:',
        `${file}:3:9: server.port: expected number, got "eighty"`,
        `${file}:6:3: delivery.retyr: unknown key "retyr"`,
        `${file}:7:22: transport.driver: expected ("memory" | "nats"), got "kafka"`,
      ].join('\n'),
    )
    expect((error as ConfigError).issues[0]).toMatchObject({
      path: 'server.port',
      line: 3,
      column: 9,
      expected: 'number',
    })
  })

  it('reports a YAML syntax error at its line', () => {
    expect(() => parseConfig('plugins:\n  a: [1\nroutes: {}\n', { file: 'broken.yaml' })).toThrow(
      /^invalid configuration:\nbroken\.yaml:3:1: Flow sequence/,
    )
  })

  it('validates a configuration object with the same messages', () => {
    expect(() => validateConfig({ plugins: { 'Bad Name': {} } })).toThrow(
      'plugins.Bad Name: expected a kebab-case plugin name, got "Bad Name"',
    )
  })
})
