import type { ExtensionRegistry } from '@switchyard/core'
import type { Registry } from 'prom-client'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/**
 * The Prometheus text of a registry plus the `metrics.collect` contributions. A contribution returns either
 * Prometheus text or `{ name: number }` (rendered as untyped samples labelled with its owner); a failing one
 * is left out.
 *
 * @example
 * ```ts
 * const text = await renderMetrics(registry, bus.extensions)
 * ```
 */
export async function renderMetrics(registry: Registry, extensions: ExtensionRegistry): Promise<string> {
  const [text, collected] = await Promise.all([
    registry.metrics(),
    extensions.runCollect('metrics.collect', undefined),
  ])
  const extra: string[] = []
  for (const result of collected) {
    if (!result.ok) continue
    if (typeof result.value === 'string') extra.push(result.value.trimEnd())
    else if (typeof result.value === 'object' && result.value !== null) {
      const label = result.owner === undefined ? '' : `{plugin="${result.owner}"}`
      for (const [name, value] of Object.entries(result.value)) {
        if (METRIC_NAME.test(name) && typeof value === 'number') extra.push(`${name}${label} ${value}`)
      }
    }
  }
  return extra.length === 0 ? text : `${text.trimEnd()}\n${extra.join('\n')}\n`
}
