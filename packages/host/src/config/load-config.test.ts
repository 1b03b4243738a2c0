import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { busSettings } from './bus-settings.js'
import { loadConfig, parseConfig, validateConfig } from './load-config.js'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url))

const written = mkdtempSync(join(tmpdir(), 'switchyard-config-'))
afterAll(() => rmSync(written, { recursive: true, force: true }))
/** Writes a configuration file made by the test (too large or too regular to keep as a fixture). */
function writeConfig(name: string, text: string): string {
  const file = join(written, name)
  writeFileSync(file, text)
  return file
}

/** The issue of a ConfigError thrown by loading `file`. */
async function issueOf(file: string) {
  const error = await loadConfig(file, { env: {} }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).code).toBe('E_CONFIG')
  return (error as ConfigError).issues[0]!
}

describe('loadConfig', () => {
  it('fills every default of the documented file', async () => {
    const { config } = await loadConfig(
      fileURLToPath(new URL('../../../../config/switchyard.yaml', import.meta.url)),
      {
        env: { SWITCHYARD_ADMIN_TOKEN: 's3cret' },
      },
    )
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      body_limit_bytes: 1_048_576,
      start_timeout_ms: 30_000,
      max_event_loop_delay_ms: 1000,
    })
    expect(config.plugin_defaults.limits).toEqual({ max_faults: 5, fault_window_ms: 60_000 })
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
    expect(config.delivery.max_crashes).toBe(3)
    expect(config.limits).toEqual({
      json_depth: 64,
      event_type_length: 255,
      metadata_string_length: 1024,
      sse_clients: 1000,
      sse_client_buffer_bytes: 1_048_576,
    })
  })

  it('reads plugin_database and refuses a bad one with its file and line', () => {
    expect(
      parseConfig('plugin_database: { driver: postgres, url: "postgres://app@db/app" }').config,
    ).toMatchObject({
      plugin_database: {
        driver: 'postgres',
        url: 'postgres://app@db/app',
        schema_prefix: 'plugin_',
        pool_size: 5,
      },
    })
    expect(parseConfig('storage: { driver: memory }').config.plugin_database).toBeUndefined()
    expect(() =>
      parseConfig('plugin_database:\n  driver: postgres\n  url: mysql://db/app\n  schema_prefix: Bad-\n', {
        file: 'p.yaml',
      }),
    ).toThrow(
      [
        'p.yaml:3:8: plugin_database.url: expected a postgres:// connection URL, got "mysql://db/app"',
        'p.yaml:4:18: plugin_database.schema_prefix: expected a lower-case SQL name prefix of at most 30 characters, got "Bad-"',
      ].join('\n'),
    )
    expect(() => parseConfig('plugin_database: { driver: oracle }', { file: 'p.yaml' })).toThrow(
      /p\.yaml:1:28: plugin_database\.driver: expected \("sqlite" \| "memory" \| "postgres"\), got "oracle"/,
    )
  })

  it('maps limits and max_crashes to the bus options', () => {
    const { config } = parseConfig(
      'delivery: { max_crashes: 5 }\nlimits: { json_depth: 16, event_type_length: 100, metadata_string_length: 200 }\n',
    )
    const settings = busSettings(config)
    expect(settings.maxCrashes).toBe(5)
    expect(settings.limits).toEqual({ jsonDepth: 16, eventTypeLength: 100, metadataStringLength: 200 })
    expect(() => parseConfig('limits: { json_depth: 5000 }', { file: 'l.yaml' })).toThrow(
      /l\.yaml:1:23: limits\.json_depth: expected <=1000, got 5000/,
    )
    expect(() => parseConfig('delivery: { max_crashes: 0 }')).toThrow(/delivery\.max_crashes/)
  })

  it('refuses a YAML alias bomb from a file with its line, without expanding it', async () => {
    const rows = [
      'server: { host: 127.0.0.1 }',
      'plugins:',
      '  bomb:',
      '    config:',
      '      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    ]
    for (let i = 1; i <= 9; i++)
      rows.push(`      a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`)
    const file = writeConfig('bomb.yaml', `${rows.join('\n')}\n`)
    const started = performance.now()
    const issue = await issueOf(file)
    expect(performance.now() - started).toBeLessThan(2000)
    // a2 is the first alias of an anchor that holds aliases itself: where the expansion multiplies.
    expect(issue).toMatchObject({ file, line: 7 })
    expect(issue.message).toMatch(/YAML aliases expand more than 100 times per anchor \(an alias bomb\?\)/)
  })

  it('refuses YAML nested deeper than 64 levels with the line where it goes too deep', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
    // routes (1) > x (2) > cases (3) > y (4): the list at depth 4 + 61 nested lists inside it is 65 deep.
    const text = (depth: number) =>
      `server: { port: 8080 }\nroutes:\n  x.y:\n    key: k\n    cases:\n      y: ${nested(depth)}\n`
    await expect(loadConfig(writeConfig('ok.yaml', text(60)), { env: {} })).rejects.toThrow(
      /routes\.x\.y\.cases\.y/,
    )
    const deep = writeConfig('deep.yaml', text(61))
    const issue = await issueOf(deep)
    expect(issue).toMatchObject({ file: deep, line: 6 })
    expect(issue.message).toBe('nested more than 64 levels deep, more than a configuration may be')
    const block = writeConfig(
      'deep-block.yaml',
      `${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`,
    )
    expect(await issueOf(block)).toMatchObject({ file: block, line: 65 })
  })

  it('refuses YAML too deep for the parser itself (100,000 levels) as a config error with its line', async () => {
    const file = writeConfig(
      'abyss.yaml',
      `server: {}\nplugins: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    )
    const issue = await issueOf(file)
    expect(issue).toMatchObject({ file, line: 2 })
    expect(issue.message).toMatch(/nested too deep|more than 64 levels/)
    // Scanning 200,000 brackets takes a few seconds on a loaded machine.
  }, 30_000)

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
