import {
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
  type MetricLabels,
  type MetricOptions,
  PluginLoadError,
  type PluginMetrics,
} from '@switchyard/plugin-sdk'
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
type Kind = 'counter' | 'gauge' | 'histogram'
type Labelled = { labels(labels: Record<string, string | number>): unknown }
/** What prom-client's metric constructors take here. */
type MetricConfig = { name: string; help: string; labelNames: string[]; registers: Registry[] }

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
  /** The metric `name`, made by `make` or, when registered already with the same kind and labels, shared. */
  const register = <M extends Metric>(
    kind: Kind,
    name: string,
    help: string,
    options: MetricOptions,
    make: (config: MetricConfig) => M,
  ): M => {
    if (!METRIC_NAME.test(name) || name.startsWith('switchyard_')) {
      throw new PluginLoadError(
        `plugin "${plugin}": metric name "${name}" is invalid; expected [a-zA-Z_:][a-zA-Z0-9_:]* not starting with switchyard_`,
      )
    }
    const labelNames = ['plugin', ...(options.labelNames ?? [])]
    const existing = registry.getSingleMetric(name)
    if (existing === undefined) return make({ name, help, labelNames, registers: [registry] })
    const known = existing as unknown as { type?: string; labelNames?: string[] }
    const type = (existing as unknown as { get(): unknown }).constructor.name.toLowerCase()
    if (type !== kind || [...(known.labelNames ?? [])].sort().join(',') !== labelNames.sort().join(',')) {
      throw new PluginLoadError(
        `plugin "${plugin}": metric "${name}" already exists as a ${type} with other labels; pick another name (${help})`,
      )
    }
    return existing as M
  }
  /** `method` of the series of `metric` named by the call's labels (first argument, optional) plus `plugin`. */
  const seriesCall =
    (metric: Labelled, method: string, fallback?: number) =>
    (...args: unknown[]): void => {
      const labelled = typeof args[0] === 'object'
      const labels = labelled ? (args[0] as MetricLabels) : {}
      const value = (labelled ? args[1] : args[0]) as number | undefined
      const child = metric.labels({ ...labels, plugin }) as Record<string, (value: number) => void>
      child[method]!(value ?? (fallback as number))
    }
  return {
    counter(name, help, options = {}): CounterMetric {
      const metric = register('counter', name, help, options, (config) => new Counter(config))
      return { inc: seriesCall(metric, 'inc', 1) } as CounterMetric
    },
    gauge(name, help, options = {}): GaugeMetric {
      const metric = register('gauge', name, help, options, (config) => new Gauge(config))
      return {
        set: seriesCall(metric, 'set'),
        inc: seriesCall(metric, 'inc', 1),
        dec: seriesCall(metric, 'dec', 1),
      } as GaugeMetric
    },
    histogram(name, help, options = {}): HistogramMetric {
      const metric = register(
        'histogram',
        name,
        help,
        options,
        (config) =>
          new Histogram({
            ...config,
            ...(options.buckets === undefined ? {} : { buckets: [...options.buckets] }),
          }),
      )
      return {
        observe: seriesCall(metric, 'observe'),
        startTimer: (labels: MetricLabels = {}) => metric.startTimer({ ...labels, plugin }),
      } as HistogramMetric
    },
  }
}
