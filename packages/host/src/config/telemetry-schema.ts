import * as v from 'valibot'

const isHttpUrl = (text: string): boolean => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol)
const httpUrl = v.pipe(v.string(), v.check(isHttpUrl, 'an http(s) URL such as http://127.0.0.1:4318'))

/**
 * The `telemetry:` section: OpenTelemetry traces. No key has a default here: a key the file leaves out is taken
 * from the standard `OTEL_*` environment variables when set (`OTEL_SERVICE_NAME`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_SAMPLER`…), else from the server's defaults (`switchyard`,
 * exporter `none`, ratio 1.0). `endpoint` is the collector's base URL, as in `OTEL_EXPORTER_OTLP_ENDPOINT`.
 *
 * @example
 * ```ts
 * v.parse(telemetrySchema, { traces: { exporter: 'otlp', endpoint: 'http://127.0.0.1:4318', sample_ratio: 0.1 } })
 * ```
 */
export const telemetrySchema = v.strictObject({
  service_name: v.optional(v.pipe(v.string(), v.minLength(1, 'a non-empty service name'))),
  traces: v.optional(
    v.strictObject({
      exporter: v.optional(v.picklist(['none', 'otlp', 'console'], 'one of none, otlp, console')),
      endpoint: v.optional(v.nullable(httpUrl)),
      sample_ratio: v.optional(
        v.pipe(v.number(), v.minValue(0, 'a ratio from 0 to 1'), v.maxValue(1, 'a ratio from 0 to 1')),
      ),
    }),
    {},
  ),
})

/** The parsed `telemetry:` section; unset keys are left for the environment and the server's defaults. */
export type TelemetryConfig = v.InferOutput<typeof telemetrySchema>
