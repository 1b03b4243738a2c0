import { DeliveryNotRunError, type Event, type HandlerContext, onAttemptExpired } from '@switchyard/core'
import type {
  HandlerRegistration,
  HealthCheck,
  HealthCheckOptions,
  PluginContext,
} from '@switchyard/plugin-sdk'
import { IsolationError } from '../errors.js'
import { toRemoteError } from './remote-error.js'
import type { CallStep, HealthAnswer, NotRun, RegistrationKind, SandboxMessage } from './sandbox-protocol.js'
import type { Request, SandboxSupervisor } from './sandbox-supervisor.js'

// Names a forwarded call may not take: the prototype machinery of every object and function (`constructor` would
// reach `Function`), and the ctx members that have their own messages.
const FORBIDDEN_FIRST = new Set(['on', 'routes', 'health', 'extend', 'onStop', 'logger', 'config', 'plugin'])
const forbidden = (name: string) => name in Object.prototype || name in Function.prototype
const METRIC_METHODS = new Set(['inc', 'dec', 'set', 'observe'])
const HEALTH = new Set(['ok', 'degraded', 'error'])

type Metric = Record<string, (...args: unknown[]) => void>

/**
 * The host's side of a sandboxed plugin: owns the plugin's real ctx (built by `createPluginContext`, so every
 * permission and catalog check applies) and does against it what the sandbox asks. Forwarded calls
 * (`ctx.publish`, `ctx.store.*`, any async ctx method) run step by step on the real ctx; registrations become
 * host-side stubs — an ordinary bus handler, extension contribution, health check or stop callback — that send a
 * request into the sandbox and await its answer, so deliveries keep the bus's timeout, retry, idempotency and
 * ledger. Registrations survive a restart: the new sandbox's setup finds them by key and reuses them.
 *
 * @example
 * ```ts
 * const bridge = new HostBridge(ctx, 'worker', supervisor)
 * bridge.receive(message, supervisor.generation)
 * ```
 */
export class HostBridge {
  #ctx: PluginContext
  #mode: string
  #supervisor: SandboxSupervisor
  #handlers = new Map<string, HandlerRegistration>()
  #callbacks = new Map<string, () => void>()
  #metrics = new Map<string, Metric>()
  #points: Record<string, unknown> = Object.create(null)

  constructor(ctx: PluginContext, mode: string, supervisor: SandboxSupervisor) {
    this.#ctx = ctx
    this.#mode = mode
    this.#supervisor = supervisor
  }

  /** Acts on one checked message of the sandbox of `generation`. */
  receive(message: SandboxMessage, generation: number): void {
    switch (message.t) {
      case 'call':
        this.#answer(generation, message.id, () => this.#call(message.steps))
        return
      case 'register':
        this.#answer(generation, message.id, () => this.#register(message))
        return
      case 'unregister':
        this.#unregister(message.kind, message.key)
        return
      case 'metric':
        this.#metric(message.name, message.method, message.args)
        return
      case 'log': {
        const log = this.#ctx.logger[message.level] as (obj: object, msg?: string) => void
        log.call(this.#ctx.logger, { ...message.bindings, ...message.obj }, message.msg)
        return
      }
    }
  }

  #answer(generation: number, id: number, work: () => unknown): void {
    Promise.resolve()
      .then(work)
      .then(
        (value) => this.#supervisor.answer(generation, id, sendable(value)),
        (error: unknown) =>
          this.#supervisor.reply(generation, { t: 'result', id, ok: false, error: toRemoteError(error) }),
      )
  }

  async #call(steps: CallStep[]): Promise<unknown> {
    const [first, kind, call] = steps as [string, string, { args: unknown[] } | undefined]
    if (FORBIDDEN_FIRST.has(first)) throw new Error(`ctx.${first} cannot be called this way`)
    if (first === 'metrics') {
      const make = this.#ctx.metrics[kind as 'counter'] as unknown as (...args: unknown[]) => Metric
      if (typeof make !== 'function' || call === undefined)
        throw new Error(`ctx.metrics.${kind} is not a metric kind`)
      this.#metrics.set(String(call.args[0]), make(...call.args))
      return undefined
    }
    if (first === 'defineExtensionPoint') {
      const definition = (steps[1] as { args?: unknown[] }).args?.[0] as { name?: unknown } | undefined
      // A restarted sandbox defines its points again: the host keeps the ones it has.
      if (typeof definition?.name === 'string' && definition.name in this.#points) return undefined
      const point = this.#ctx.defineExtensionPoint(definition as never)
      this.#points[point.name] = point
      return undefined
    }
    let target: unknown = first === 'extensionPoints' ? { extensionPoints: this.#points } : this.#ctx
    let owner: unknown
    for (const step of steps) {
      if (typeof step === 'string') {
        if (forbidden(step) || target === null || target === undefined)
          throw new Error(`ctx has no usable "${step}"`)
        owner = target
        target = (target as Record<string, unknown>)[step]
      } else {
        if (typeof target !== 'function') throw new Error(`${describe(steps)} is not a function`)
        target = (target as (...args: unknown[]) => unknown).apply(owner, step.args)
        if (target instanceof Promise) target = await target
        owner = undefined
      }
    }
    return target
  }

  #register(message: Extract<SandboxMessage, { t: 'register' }>): unknown {
    const { kind, key } = message
    if (this.#handlers.has(key) || this.#callbacks.has(key)) return { name: key }
    const invoke = (value: unknown) => this.#supervisor.request({ t: 'invoke', key, value })
    switch (kind) {
      case 'on': {
        const registration = this.#ctx.on(message.pattern ?? '', this.#stub(key), {
          ...(message.options as object),
          name: key,
        })
        this.#handlers.set(key, registration)
        return { name: registration.name }
      }
      case 'extend': {
        const { point, priority } = (message.options ?? {}) as { point?: unknown; priority?: unknown }
        if (typeof point !== 'string') throw new Error('extend: expected the point name')
        if (point === 'http.middleware')
          throw new IsolationError(
            this.#ctx.plugin.name,
            this.#mode,
            'an http.middleware contribution would run in another thread or process on every request and stall them all; run this plugin with isolation: none',
          )
        const options = typeof priority === 'number' ? { priority } : {}
        this.#callbacks.set(key, this.#ctx.extend(point, invoke, options))
        return undefined
      }
      case 'health': {
        const check: HealthCheck = async () => healthAnswer(await invoke(undefined))
        // The interval and timeout run on the host side: a sandbox that stops answering reads as a timed-out check.
        this.#ctx.health(check, message.options as HealthCheckOptions | undefined)
        this.#callbacks.set(key, () => undefined)
        return undefined
      }
      case 'onStop': {
        this.#ctx.onStop(async () => void (await invoke(undefined)))
        this.#callbacks.set(key, () => undefined)
        return undefined
      }
    }
  }

  // The bus handler standing for the plugin's: one request into the sandbox per attempt, abandoned when the attempt
  // expires (through core's expiry hook: reading `ctx.signal` would make an AbortController and a listener per
  // delivery). The plugin's filter runs there first; when it kept the handler from running, the delivery ends as
  // in-process. A batching subscription hands this stub its batch as an array (see batchHandler): it crosses as
  // `events`.
  #stub(key: string) {
    const supervisor = this.#supervisor
    return (given: Event | readonly Event[], ctx: HandlerContext): Promise<void> => {
      const events = Array.isArray(given) ? given.map((event) => withAttemptTrace(event, ctx)) : undefined
      const event = events?.[0] ?? withAttemptTrace(given as Event, ctx)
      const request: Request = { t: 'deliver', key, event, ...(events && { events }), attempt: ctx.attempt }
      return supervisor
        .request(request, { abandonOn: (abandon) => onAttemptExpired(ctx, abandon) })
        .then(endAsRun)
    }
  }

  #unregister(kind: RegistrationKind, key: string): void {
    if (kind === 'on') {
      const registration = this.#handlers.get(key)
      this.#handlers.delete(key)
      void registration?.unsubscribe().catch(() => undefined)
    } else if (kind === 'extend') {
      this.#callbacks.get(key)?.()
      this.#callbacks.delete(key)
    }
  }

  #metric(name: string, method: string, args: unknown[]): void {
    const metric = this.#metrics.get(name)
    if (metric === undefined || !METRIC_METHODS.has(method) || typeof metric[method] !== 'function') return
    try {
      metric[method](...args)
    } catch (error) {
      this.#ctx.logger.warn({ err: error, metric: name }, 'a metric update from the sandbox was refused')
    }
  }
}

// The event as the sandbox sees it: its trace context is this attempt's span when the bus traces, so what the
// handler publishes there joins the trace under it (the sandbox's publishes inherit it, see followUpArgs).
function withAttemptTrace(event: Event, ctx: HandlerContext): Event {
  const { traceparent } = ctx
  return traceparent === undefined ? event : { ...event, metadata: { ...event.metadata, traceparent } }
}

// Functions do not cross (ctx.use(name) alone answers an object of them): such a result reads as undefined.
function sendable(value: unknown): unknown {
  if (typeof value === 'function') return undefined
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((v) => typeof v === 'function')
  )
    return undefined
  return value
}

// A delivery's answer: a throw as in-process when the sandbox says the filter kept the handler from running.
function endAsRun(answer: unknown): void {
  const notRun = notRunOf(answer)
  if (notRun !== undefined) throw new DeliveryNotRunError(notRun.notRun, notRun.reason)
}

// A sandbox's word that the filter kept its handler from running, when it is one (anything else: it ran).
function notRunOf(answer: unknown): NotRun | undefined {
  const { notRun, reason } = (answer ?? {}) as Partial<NotRun>
  if ((notRun !== 'E_UNROUTED' && notRun !== 'E_FILTER') || typeof reason !== 'string') return undefined
  return { notRun, reason: reason.slice(0, 1024) }
}

function healthAnswer(value: unknown): HealthAnswer {
  const answer = value as HealthAnswer | undefined
  if (typeof answer === 'object' && answer !== null && HEALTH.has(answer.status)) return answer
  return { status: 'error', message: 'the health check answered something other than { status }' }
}

function describe(steps: CallStep[]): string {
  return `ctx.${steps.filter((step) => typeof step === 'string').join('.')}`
}
