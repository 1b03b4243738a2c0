import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { parseConfig } from './load-config.js'

/** The message of the ConfigError that parsing `text` as `telemetry.yaml` throws. */
function problemOf(text: string): string {
  try {
    parseConfig(text, { file: 'telemetry.yaml', env: {} })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error('expected a ConfigError')
}

describe('telemetry config', () => {
  it('leaves unset keys unset, for the OTEL_* variables and the server defaults', () => {
    expect(parseConfig('server: {}', { env: {} }).config.telemetry).toEqual({ traces: {} })
    const { config } = parseConfig(
      'telemetry:\n  service_name: shop\n  traces: { exporter: otlp, endpoint: "http://127.0.0.1:4318", sample_ratio: 0.25 }\n',
      { env: {} },
    )
    expect(config.telemetry).toEqual({
      service_name: 'shop',
      traces: { exporter: 'otlp', endpoint: 'http://127.0.0.1:4318', sample_ratio: 0.25 },
    })
  })

  it('refuses an unknown exporter with its file and line', () => {
    expect(problemOf('telemetry:\n  traces:\n    exporter: zipkin\n')).toContain(
      'telemetry.yaml:3:15: telemetry.traces.exporter: expected one of none, otlp, console, got "zipkin"',
    )
  })

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(problemOf('telemetry:\n  traces: { endpoint: "localhost 4318" }\n')).toMatch(
      /telemetry\.yaml:2:23: telemetry\.traces\.endpoint: expected an http\(s\) URL/,
    )
    expect(problemOf('telemetry:\n  traces: { endpoint: "ftp://collector" }\n')).toContain(
      'telemetry.traces.endpoint: expected an http(s) URL',
    )
  })

  it('refuses a sample ratio outside [0, 1]', () => {
    expect(problemOf('telemetry:\n  traces:\n    sample_ratio: 1.5\n')).toContain(
      'telemetry.yaml:3:19: telemetry.traces.sample_ratio: expected a ratio from 0 to 1, got 1.5',
    )
    expect(problemOf('telemetry:\n  traces:\n    sample_ratio: -0.1\n')).toContain(
      'telemetry.traces.sample_ratio: expected a ratio from 0 to 1',
    )
  })
})
