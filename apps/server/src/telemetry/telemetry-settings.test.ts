import { describe, expect, it } from 'vitest'
import { telemetrySettings } from './telemetry-settings.js'

describe('telemetrySettings', () => {
  it('defaults to no exporter, service switchyard, the local collector and every trace sampled', () => {
    expect(telemetrySettings({ traces: {} }, {})).toEqual({
      serviceName: 'switchyard',
      exporter: 'none',
      tracesUrl: 'http://localhost:4318/v1/traces',
      sampler: { ratio: 1, parentBased: true },
      scheduleDelayMs: 5000,
      exportBatchSize: 512,
      maxQueueSize: 2048,
    })
  })

  it('takes the OTEL_* variables for what the file leaves unset', () => {
    const env = {
      OTEL_SERVICE_NAME: 'orders',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100',
      OTEL_BSP_MAX_QUEUE_SIZE: '4096',
    }
    expect(telemetrySettings({ traces: {} }, env)).toEqual({
      serviceName: 'orders',
      exporter: 'otlp',
      tracesUrl: 'http://collector:4318/v1/traces',
      sampler: { ratio: 0.25, parentBased: false },
      scheduleDelayMs: 200,
      exportBatchSize: 100,
      maxQueueSize: 4096,
    })
    // The signal's own endpoint is used as it is.
    expect(
      telemetrySettings(
        { traces: {} },
        { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://x.test/traces' },
      ).tracesUrl,
    ).toBe('https://x.test/traces')
  })

  it('lets the file win over the variables', () => {
    const settings = telemetrySettings(
      {
        service_name: 'shop',
        traces: { exporter: 'console', endpoint: 'http://127.0.0.1:9999', sample_ratio: 0.5 },
      },
      { OTEL_SERVICE_NAME: 'orders', OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'always_off' },
    )
    expect(settings).toMatchObject({
      serviceName: 'shop',
      exporter: 'console',
      tracesUrl: 'http://127.0.0.1:9999/v1/traces',
      sampler: { ratio: 0.5, parentBased: true },
    })
  })

  it.each([
    [
      'OTEL_TRACES_EXPORTER',
      { OTEL_TRACES_EXPORTER: 'jaeger' },
      'expected one of none, otlp, console, got "jaeger"',
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      'expected an http(s) URL',
    ],
    ['OTEL_TRACES_SAMPLER', { OTEL_TRACES_SAMPLER: 'sometimes' }, 'expected one of always_on'],
    [
      'OTEL_TRACES_SAMPLER_ARG',
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      'expected a ratio from 0 to 1, got "1.5"',
    ],
    [
      'OTEL_BSP_SCHEDULE_DELAY',
      { OTEL_BSP_SCHEDULE_DELAY: 'soon' },
      'expected a whole number of milliseconds',
    ],
    [
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0' },
      'expected a whole number from 1, got "0"',
    ],
  ])('refuses a bad %s, naming it', (name, env, message) => {
    expect(() => telemetrySettings({ traces: {} }, env)).toThrow(`${name} (environment): ${message}`)
  })
})
