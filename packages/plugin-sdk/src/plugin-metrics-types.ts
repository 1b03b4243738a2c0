/** Label values of one series; the `plugin` label is added by the host. */
export type MetricLabels = Readonly<Record<string, string | number>>

/** Options of a metric: extra label names, and buckets for a histogram. */
export interface MetricOptions {
  labelNames?: readonly string[]
  /** Histogram buckets in the metric's unit; prom-client's defaults (seconds) otherwise. */
  buckets?: readonly number[]
}

/** A monotonically increasing count. */
export interface CounterMetric {
  inc(value?: number): void
  inc(labels: MetricLabels, value?: number): void
}

/** A value that goes up and down. */
export interface GaugeMetric {
  set(value: number): void
  set(labels: MetricLabels, value: number): void
  inc(value?: number): void
  inc(labels: MetricLabels, value?: number): void
  dec(value?: number): void
  dec(labels: MetricLabels, value?: number): void
}

/** A distribution of observed values. */
export interface HistogramMetric {
  observe(value: number): void
  observe(labels: MetricLabels, value: number): void
  /** Starts a timer; calling the result observes the elapsed seconds and returns them. */
  startTimer(labels?: MetricLabels): () => number
}

/**
 * The metrics of one plugin, exported in Prometheus text by the host. Every series carries `plugin="<name>"`;
 * two plugins may share a metric name when they declare it with the same kind and labels.
 *
 * @example
 * ```ts
 * const sent = ctx.metrics.counter('notifications_sent_total', 'Notifications sent', { labelNames: ['channel'] })
 * sent.inc({ channel: 'log' })
 * ```
 */
export interface PluginMetrics {
  counter(name: string, help: string, options?: MetricOptions): CounterMetric
  gauge(name: string, help: string, options?: MetricOptions): GaugeMetric
  histogram(name: string, help: string, options?: MetricOptions): HistogramMetric
}
