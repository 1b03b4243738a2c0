import type { Store, Transport } from '@switchyard/core'
import type { PluginHost } from '@switchyard/host'
import type { EventLoopMonitor } from './event-loop-monitor.js'

/** Whether the server takes events now, and if not, why. */
export interface ReadinessReport {
  ready: boolean
  /** `ready`, `not_ready` or `stopping`. */
  status: 'ready' | 'not_ready' | 'stopping'
  /** Why it is not ready: each failed non-optional plugin, the store, the transport, an event-loop stall. */
  reasons: string[]
}

/** What `Readiness` looks at. */
export interface ReadinessOptions {
  host: Pick<PluginHost, 'status' | 'config'>
  store: Pick<Store, 'getPluginState'>
  transport: Pick<Transport, 'isReady'>
  loop: Pick<EventLoopMonitor, 'sample'>
  /** Aborted when shutdown begins. */
  closing: AbortSignal
  /** How long the store may take to answer its probe; 1 s by default. */
  storeTimeoutMs?: number
}

// A plugin name no plugin can have (not kebab-case), so the probe reads a row that never exists.
const PROBE = '#readiness-probe'

/**
 * Decides readiness: not ready while stopping, while a plugin that is enabled and not `optional` is `failed`,
 * while the transport is not connected, while the store does not answer a read within its timeout, and while
 * the event loop stalls longer than `server.max_event_loop_delay_ms`.
 *
 * @example
 * ```ts
 * const readiness = new Readiness({ host, store, transport, loop, closing: signal })
 * const { ready, reasons } = await readiness.check()
 * ```
 */
export class Readiness {
  readonly #options: ReadinessOptions

  constructor(options: ReadinessOptions) {
    this.#options = options
  }

  async check(): Promise<ReadinessReport> {
    const { host, transport, loop, closing } = this.#options
    if (closing.aborted) return { ready: false, status: 'stopping', reasons: ['the server is stopping'] }
    const reasons: string[] = []
    const plugins = host.config.plugins
    for (const plugin of host.status()) {
      if (plugin.state === 'failed' && plugins[plugin.name]?.optional !== true)
        reasons.push(`plugin "${plugin.name}" failed: ${plugin.reason ?? 'no reason given'}`)
    }
    if (!transport.isReady()) reasons.push('the transport is not connected')
    const storeProblem = await this.#probeStore()
    if (storeProblem !== undefined) reasons.push(`the store does not answer: ${storeProblem}`)
    const { stallMs } = loop.sample()
    if (stallMs !== undefined)
      reasons.push(
        `the event loop stalled for ${stallMs} ms, longer than server.max_event_loop_delay_ms (${host.config.server.max_event_loop_delay_ms})`,
      )
    return { ready: reasons.length === 0, status: reasons.length === 0 ? 'ready' : 'not_ready', reasons }
  }

  async #probeStore(): Promise<string | undefined> {
    const timeoutMs = this.#options.storeTimeoutMs ?? 1000
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)
    })
    try {
      const probe = Promise.resolve()
        .then(() => this.#options.store.getPluginState(PROBE))
        .then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        )
      return await Promise.race([probe, late])
    } finally {
      clearTimeout(timer)
    }
  }
}
