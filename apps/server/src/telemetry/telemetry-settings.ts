import { ConfigError, type TelemetryConfig } from '@switchyard/host'

/** The trace exporters the server offers. */
export type TraceExporterName = 'none' | 'otlp' | 'console'

/** The sampling decision for root spans; a span with a parent follows its parent unless `parentBased` is false. */
export interface SamplerSettings {
  ratio: number
  parentBased: boolean
}

/** Telemetry as the server runs it: the `telemetry:` section with the `OTEL_*` variables and defaults filled in. */
export interface TelemetrySettings {
  serviceName: string
  exporter: TraceExporterName
  /** Where OTLP/HTTP JSON trace requests go (the `/v1/traces` URL). */
  tracesUrl: string
  sampler: SamplerSettings
  /** The batch span processor's delay between exports. */
  scheduleDelayMs: number
  /** The most spans one export sends. */
  exportBatchSize: number
  /** The most finished spans waiting for export; past it a span is dropped (and counted). */
  maxQueueSize: number
}

const DEFAULT_ENDPOINT = 'http://localhost:4318'
const DEFAULT_SCHEDULE_DELAY_MS = 5000
/**
 * The SDK's default. Each export is one HTTP request whose fixed cost (about 1-1.5 ms of CPU on the server: request,
 * stream, socket write, response) dwarfs a span's serialisation: a whole export costs 14-21 µs of CPU a span at 100
 * spans and 6-8 µs at 512, though a batch that large serialises past V8's 128 KiB regular-object size
 * (`/work/notes/otel/export-cost.mjs`, the official exporter to a loopback receiver, 5 alternating pairs).
 */
const DEFAULT_EXPORT_BATCH_SIZE = 512
/** The SDK's default. */
const DEFAULT_MAX_QUEUE_SIZE = 2048
const EXPORTERS: readonly string[] = ['none', 'otlp', 'console']
/** OTEL_TRACES_SAMPLER values, as the sampler they stand for (the ratio from OTEL_TRACES_SAMPLER_ARG when null). */
const SAMPLERS: Record<string, { ratio: number | null; parentBased: boolean }> = {
  always_on: { ratio: 1, parentBased: false },
  always_off: { ratio: 0, parentBased: false },
  traceidratio: { ratio: null, parentBased: false },
  parentbased_always_on: { ratio: 1, parentBased: true },
  parentbased_always_off: { ratio: 0, parentBased: true },
  parentbased_traceidratio: { ratio: null, parentBased: true },
}

/**
 * Fills in what the `telemetry:` section left unset from the standard OpenTelemetry variables, then the
 * defaults: `service_name` <- `OTEL_SERVICE_NAME` <- `switchyard`; `traces.exporter` <- `OTEL_TRACES_EXPORTER`
 * <- `none`; `traces.endpoint` (a base URL, `/v1/traces` appended) <- `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used
 * as is) <- `OTEL_EXPORTER_OTLP_ENDPOINT` <- `http://localhost:4318`; `traces.sample_ratio` (parent-based) <-
 * `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` <- 1.0; the export delay from `OTEL_BSP_SCHEDULE_DELAY` <- 5000 ms,
 * the spans per export from `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` <- 512, the spans waiting for export from
 * `OTEL_BSP_MAX_QUEUE_SIZE` <- 2048. A variable with a value the server cannot use is a `ConfigError` naming it (the file's own values were checked
 * with their line when it was read).
 *
 * @example
 * ```ts
 * const settings = telemetrySettings(config.telemetry, process.env)
 * settings.tracesUrl // 'http://localhost:4318/v1/traces'
 * ```
 */
export function telemetrySettings(
  config: TelemetryConfig,
  env: Readonly<Record<string, string | undefined>>,
): TelemetrySettings {
  const read = (name: string) => {
    const value = env[name]?.trim()
    return value === '' ? undefined : value
  }
  const { traces = {} } = config
  const exporter = traces.exporter ?? read('OTEL_TRACES_EXPORTER') ?? 'none'
  if (!EXPORTERS.includes(exporter))
    throw envError('OTEL_TRACES_EXPORTER', 'one of none, otlp, console', exporter)
  return {
    serviceName: config.service_name ?? read('OTEL_SERVICE_NAME') ?? 'switchyard',
    exporter: exporter as TraceExporterName,
    tracesUrl: tracesUrlOf(traces.endpoint ?? undefined, read),
    sampler:
      traces.sample_ratio === undefined
        ? samplerOf(read('OTEL_TRACES_SAMPLER'), read('OTEL_TRACES_SAMPLER_ARG'))
        : { ratio: traces.sample_ratio, parentBased: true },
    scheduleDelayMs: wholeNumberOf(
      'OTEL_BSP_SCHEDULE_DELAY',
      read('OTEL_BSP_SCHEDULE_DELAY'),
      DEFAULT_SCHEDULE_DELAY_MS,
      0,
    ),
    exportBatchSize: wholeNumberOf(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      DEFAULT_EXPORT_BATCH_SIZE,
      1,
    ),
    maxQueueSize: wholeNumberOf(
      'OTEL_BSP_MAX_QUEUE_SIZE',
      read('OTEL_BSP_MAX_QUEUE_SIZE'),
      DEFAULT_MAX_QUEUE_SIZE,
      1,
    ),
  }
}

function tracesUrlOf(endpoint: string | undefined, read: (name: string) => string | undefined): string {
  if (endpoint !== undefined) return joinTracesPath(endpoint)
  const signal = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
  if (signal !== undefined) return checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', signal)
  const base = read('OTEL_EXPORTER_OTLP_ENDPOINT')
  return joinTracesPath(
    base === undefined ? DEFAULT_ENDPOINT : checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base),
  )
}

/** The OTLP/HTTP rule for a base endpoint: the signal's path goes after it. */
const joinTracesPath = (base: string): string => `${base.replace(/\/+$/, '')}/v1/traces`

function checkedUrl(name: string, value: string): string {
  const ok = URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)
  if (!ok) throw envError(name, 'an http(s) URL such as http://127.0.0.1:4318', value)
  return value
}

function samplerOf(name: string | undefined, arg: string | undefined): SamplerSettings {
  if (name === undefined) return { ratio: 1, parentBased: true }
  const known = SAMPLERS[name.toLowerCase()]
  if (known === undefined)
    throw envError('OTEL_TRACES_SAMPLER', `one of ${Object.keys(SAMPLERS).join(', ')}`, name)
  if (known.ratio !== null) return { ratio: known.ratio, parentBased: known.parentBased }
  const ratio = arg === undefined ? 1 : Number(arg)
  if (!(ratio >= 0 && ratio <= 1)) throw envError('OTEL_TRACES_SAMPLER_ARG', 'a ratio from 0 to 1', arg)
  return { ratio, parentBased: known.parentBased }
}

// The OTEL_BSP_* numbers: a delay in milliseconds (from 0) or a count of spans (from 1).
function wholeNumberOf(name: string, value: string | undefined, fallback: number, least: 0 | 1): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < least)
    throw envError(name, least === 0 ? 'a whole number of milliseconds' : 'a whole number from 1', value)
  return number
}

function envError(name: string, expected: string, value: string | undefined): ConfigError {
  return new ConfigError([
    { path: `${name} (environment)`, message: `expected ${expected}, got ${JSON.stringify(value)}` },
  ])
}
