import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client'
import { PluginLoadError } from '../errors.js'
import type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  MetricLabels,
  MetricOptions,
  PluginMetrics,
} from '../plugin-metrics-types.js'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
type Kind = 'counter' | 'gauge' | 'histogram'
type Labelled = { labels(labels: Record<string, string | number>): unknown }

/**
 * The `ctx.metrics` of one plugin over a prom-client Registry. Every series gets `plugin="<name>"`; names
 * starting with `switchyard_` are the host's own and refused. A name already registered (by another plugin,
 * or by this one before a reload) is shared when its kind and labels match.
 *
 * @example
 * ```ts
 * const metrics = createPluginMetrics(new Registry(), 'audit-log')
 * metrics.counter('audited_total', 'Events audited').inc()
 * ```
 */
export function createPluginMetrics(registry: Registry, plugin: string): PluginMetrics {
  const find = <M extends Metric>(
    kind: Kind,
    name: string,
    help: string,
    options: MetricOptions,
    make: () => M,
  ): M => {
    if (!METRIC_NAME.test(name) || name.startsWith('switchyard_')) {
      throw new PluginLoadError(
        `plugin "${plugin}": metric name "${name}" is invalid; expected [a-zA-Z_:][a-zA-Z0-9_:]* not starting with switchyard_`,
      )
    }
    const existing = registry.getSingleMetric(name)
    if (existing === undefined) return make()
    const labelNames = ['plugin', ...(options.labelNames ?? [])].sort().join(',')
    const known = existing as unknown as { type?: string; labelNames?: string[] }
    const type = (existing as unknown as { get(): unknown }).constructor.name.toLowerCase()
    if (type !== kind || [...(known.labelNames ?? [])].sort().join(',') !== labelNames) {
      throw new PluginLoadError(
        `plugin "${plugin}": metric "${name}" already exists as a ${type} with other labels; pick another name (${help})`,
      )
    }
    return existing as M
  }
  const labelNames = (options: MetricOptions) => ['plugin', ...(options.labelNames ?? [])]
  const series = (metric: Labelled, args: unknown[]) => {
    const labels = typeof args[0] === 'object' ? (args[0] as MetricLabels) : {}
    const value = typeof args[0] === 'object' ? args[1] : args[0]
    return { child: metric.labels({ ...labels, plugin }), value: value as number | undefined }
  }
  return {
    counter(name, help, options = {}): CounterMetric {
      const metric = find(
        'counter',
        name,
        help,
        options,
        () => new Counter({ name, help, labelNames: labelNames(options), registers: [registry] }),
      )
      return {
        inc: (...args: unknown[]) => {
          const { child, value } = series(metric, args)
          ;(child as Counter).inc(value ?? 1)
        },
      } as CounterMetric
    },
    gauge(name, help, options = {}): GaugeMetric {
      const metric = find(
        'gauge',
        name,
        help,
        options,
        () => new Gauge({ name, help, labelNames: labelNames(options), registers: [registry] }),
      )
      const call =
        (method: 'set' | 'inc' | 'dec', fallback: number | undefined) =>
        (...args: unknown[]) => {
          const { child, value } = series(metric, args)
          ;(child as Gauge)[method](value ?? (fallback as number))
        }
      return { set: call('set', undefined), inc: call('inc', 1), dec: call('dec', 1) } as GaugeMetric
    },
    histogram(name, help, options = {}): HistogramMetric {
      const metric = find(
        'histogram',
        name,
        help,
        options,
        () =>
          new Histogram({
            name,
            help,
            labelNames: labelNames(options),
            registers: [registry],
            ...(options.buckets === undefined ? {} : { buckets: [...options.buckets] }),
          }),
      )
      return {
        observe: (...args: unknown[]) => {
          const { child, value } = series(metric, args)
          ;(child as Histogram).observe(value as number)
        },
        startTimer: (labels: MetricLabels = {}) => metric.startTimer({ ...labels, plugin }),
      } as HistogramMetric
    },
  }
}
