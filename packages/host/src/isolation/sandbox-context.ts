import { type Event, EventRejectedError, type Handler, type Logger } from '@switchyard/core'
import type {
  ExtensionPointDefinition,
  HandlerOptions,
  MetricLabels,
  PluginContext,
  PluginDescriptor,
} from '@switchyard/plugin-sdk'
import { Hono } from 'hono'
import { EventCatalog } from '../catalog/event-catalog.js'
import { type Forward, forwardProxy } from './forward-proxy.js'
import { followUpArgs } from './sandbox-delivery.js'
import type { LogLevel, RegistrationKind, SandboxMessage } from './sandbox-protocol.js'

/** How the sandboxed ctx talks to the host. */
export interface SandboxLink {
  /** Sends a request and resolves with the host's answer. */
  request(message: {
    t: 'register'
    kind: RegistrationKind
    key: string
    pattern?: string
    options?: object
  }): Promise<unknown>
  /** Runs a chain of ctx steps on the host. */
  forward: Forward
  /** Sends a message that needs no answer. */
  post(message: Exclude<SandboxMessage, { id: number }>): void
}

/** What the plugin registered in this sandbox: the host calls them back by key. */
export interface SandboxRegistry {
  /** Each handler with its filter, which runs here before it (a function cannot cross the boundary). */
  handlers: Map<string, { handler: Handler; filter: ((event: Event) => boolean) | undefined }>
  callbacks: Map<string, (value: unknown) => unknown>
  app: Hono | undefined
  /** Registrations made during setup (undefined after it): setup fails when the host refused one. */
  pending: Promise<unknown>[] | undefined
}

type MetricKind = 'counter' | 'gauge' | 'histogram'

/**
 * The ctx a plugin gets inside a sandbox: the same API as in-process. Callbacks (`on`, `extend`, `health`,
 * `onStop`) stay here under a key the host calls back; routes go to a local Hono app the host forwards requests
 * to; metrics and logs are sent as messages; everything else (`publish`, `store`, and whatever async methods
 * the host's ctx has) is forwarded generically by `forwardProxy`. Permissions are checked by the host's real
 * ctx when the forwarded call or the registration arrives, never here.
 *
 * @example
 * ```ts
 * const ctx = createSandboxContext({ name: 'audit', version: '1.0.0' }, config, link, registry)
 * await descriptor.setup(ctx)
 * ```
 */
export function createSandboxContext(
  plugin: Pick<PluginDescriptor, 'name' | 'version' | 'publishes' | 'consumes'>,
  config: unknown,
  link: SandboxLink,
  registry: SandboxRegistry,
): PluginContext {
  // The payload schemas the plugin declared are code: they check its own publishes here, before they cross.
  const catalog = new EventCatalog()
  catalog.register(plugin)
  let sequence = 0
  const logger = sandboxLogger(link, {})
  const dropped = (error: unknown) =>
    logger.warn({ err: String(error) }, 'a ctx call nobody awaited failed on the host')
  // During setup a refusal fails setup (as a throw would in-process); later it is logged.
  const track = (answer: Promise<unknown>) => {
    answer.catch(registry.pending === undefined ? dropped : () => undefined)
    registry.pending?.push(answer)
  }
  const register = (kind: RegistrationKind, key: string, extra: { pattern?: string; options?: object }) =>
    track(link.request({ t: 'register', kind, key, ...extra }))
  const callback = (kind: RegistrationKind, fn: (value: unknown) => unknown, options?: object) => {
    const key = `${kind}:${sequence++}`
    registry.callbacks.set(key, fn)
    register(kind, key, options === undefined ? {} : { options })
    return () => {
      registry.callbacks.delete(key)
      link.post({ t: 'unregister', kind, key })
    }
  }
  const known: Record<string, unknown> = {
    plugin: Object.freeze({ ...plugin }),
    config,
    logger,
    // Forwarded like any call, carrying the cause the host cannot see from here (see followUpArgs).
    publish: (...args: unknown[]) => {
      const [first, data] = args as [string | Event, unknown]
      const problem = catalog.validate(typeof first === 'string' ? { type: first, data } : first)
      if (problem !== undefined) return Promise.reject(new EventRejectedError(problem))
      return (forwardProxy(['publish'], link.forward, dropped) as (...args: unknown[]) => unknown)(
        ...followUpArgs(args),
      )
    },
    on(pattern: string, handler: Handler, options: HandlerOptions) {
      const { filter, ...rest } = options
      const key = rest.name
      registry.handlers.set(key, { handler, filter: filter as ((event: Event) => boolean) | undefined })
      register('on', key, { pattern, options: rest })
      return {
        name: key,
        unsubscribe: async () => {
          registry.handlers.delete(key)
          link.post({ t: 'unregister', kind: 'on', key })
        },
      }
    },
    get routes() {
      registry.app ??= new Hono()
      return registry.app
    },
    health: (check: () => unknown, options?: { intervalMs?: number; timeoutMs?: number }) =>
      void callback('health', check, options),
    onStop: (fn: () => unknown) => void callback('onStop', fn),
    extend(
      point: string | { name: string },
      fn: (value: unknown) => unknown,
      options: { priority?: number } = {},
    ) {
      return callback('extend', fn, { ...options, point: typeof point === 'string' ? point : point.name })
    },
    defineExtensionPoint(definition: ExtensionPointDefinition<never>) {
      track(link.forward(['defineExtensionPoint', { args: [definition] }]))
      const run = (value: unknown) =>
        link.forward(['extensionPoints', definition.name, 'run', { args: [value] }])
      return Object.freeze({ ...definition, run })
    },
    metrics: {
      counter: (name: string, help: string, options?: object) =>
        metric(link, track, 'counter', name, help, options),
      gauge: (name: string, help: string, options?: object) =>
        metric(link, track, 'gauge', name, help, options),
      histogram: (name: string, help: string, options?: object) =>
        metric(link, track, 'histogram', name, help, options),
    },
  }
  return new Proxy(known, {
    get: (target, property) => {
      if (typeof property === 'symbol' || property === 'then') return undefined
      return property in target ? target[property] : forwardProxy([property], link.forward, dropped)
    },
  }) as unknown as PluginContext
}

// A metric is declared on the host (which checks its name); its updates are messages, batched like the rest.
function metric(
  link: SandboxLink,
  track: (answer: Promise<unknown>) => void,
  kind: MetricKind,
  name: string,
  help: string,
  options: object = {},
): Record<string, unknown> {
  track(link.forward(['metrics', kind, { args: [name, help, options] }]))
  const op =
    (method: string) =>
    (...args: unknown[]) =>
      link.post({ t: 'metric', name, method, args })
  if (kind === 'counter') return { inc: op('inc') }
  if (kind === 'gauge') return { set: op('set'), inc: op('inc'), dec: op('dec') }
  const observe = op('observe')
  return {
    observe,
    startTimer: (labels: MetricLabels = {}) => {
      const started = performance.now()
      return (more: MetricLabels = {}) => {
        const seconds = (performance.now() - started) / 1000
        observe({ ...labels, ...more }, seconds)
        return seconds
      }
    },
  }
}

function sandboxLogger(link: SandboxLink, bindings: Record<string, unknown>): Logger {
  const write =
    (level: LogLevel) =>
    (first: object | string, msg?: string): void => {
      const obj = typeof first === 'string' ? {} : plain(first)
      const text = typeof first === 'string' ? first : msg
      link.post({ t: 'log', level, bindings, obj, ...(text === undefined ? {} : { msg: text }) })
    }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => sandboxLogger(link, { ...bindings, ...more }),
  } as Logger
}

// Errors do not survive a structured clone with their message intact everywhere; log objects carry them as text.
function plain(obj: object): object {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(obj))
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value
  return out
}
