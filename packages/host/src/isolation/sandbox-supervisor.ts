import type { Logger } from '@switchyard/core'
import {
  PluginCrashedError,
  PluginRestartLimitError,
  PluginUnresponsiveError,
  SandboxProtocolError,
} from '../errors.js'
import { BatchChannel, failUnsendable } from './batch-channel.js'
import type { IsolationMetrics } from './isolation-metrics.js'
import type { IsolationSettings } from './isolation-settings.js'
import type { SandboxExit, SandboxHandle } from './launch-sandbox.js'
import { PendingRequests } from './pending-requests.js'
import { fromRemoteError } from './remote-error.js'
import { checkSandboxMessage, type HostMessage, type SandboxMessage } from './sandbox-protocol.js'

/** A request of the host to its sandbox, before it gets an id. */
export type Request = HostMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never

/** How `SandboxSupervisor.request` sends a request. */
export interface RequestOptions {
  /** False: fail at once while the sandbox restarts instead of waiting for it. */
  wait?: boolean
  /** Given the function that abandons the request once it is sent; calls it when the requester gives up. */
  abandonOn?: (abandon: (reason: Error) => void) => void
}

/** What `SandboxSupervisor` needs from the engine. */
export interface SupervisorOptions {
  plugin: string
  settings: IsolationSettings
  launch(): SandboxHandle
  /** Runs the plugin's setup in a sandbox just launched (first start and every restart) through `send`. */
  setup(send: (message: Request) => Promise<unknown>): Promise<void>
  /** A checked message from the current sandbox, other than answers and heartbeats. */
  receive(message: SandboxMessage, generation: number): void
  /** The plugin passed `max_restarts` within its window: stop it as failed. */
  failed(error: Error): void
  /** A sandbox ended (or was ended): what was still in flight with it fails with `error`. */
  ended?(error: Error): void
  metrics: IsolationMetrics
  logger: Logger
}

/** What the status shows of a sandbox. */
export interface SandboxInfo {
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed'
  pid?: number
  threadId?: number
  restarts: number
  lastExit?: { reason: string; detail: string; at: string }
  memory?: { heapUsedBytes: number; rssBytes: number }
}

const MAX_BACKOFF_MS = 5000
/**
 * How long a sandbox just launched may take to answer at all: a new thread or process loads Node and the host's
 * sandbox code first, which on a loaded machine takes seconds that are not the plugin's fault. Once it has answered
 * anything, `unresponsive_ms` applies (a plugin spinning at import included).
 */
const FIRST_ANSWER_MS = 15_000

/**
 * Keeps one plugin's sandbox alive: launches it, checks every message it sends, answers heartbeats, and
 * correlates the host's requests with its answers. A sandbox that misses its heartbeat for `unresponsive_ms`
 * or sends a malformed message is terminated; one that ends (exit, uncaught exception, out of memory) is
 * launched again after an exponential backoff and set up again. Requests in flight when it ends fail with
 * `E_PLUGIN_CRASHED` / `E_PLUGIN_UNRESPONSIVE`; requests made while it restarts wait for it. After
 * `max_restarts` ends within the window, the plugin is reported `failed`.
 *
 * @example
 * ```ts
 * const supervisor = new SandboxSupervisor(options)
 * await supervisor.start()
 * await supervisor.request({ t: 'deliver', key: 'audit_handler', event, attempt: 1 })
 * ```
 */
export class SandboxSupervisor {
  #options: SupervisorOptions
  #handle: SandboxHandle | undefined
  #channel: BatchChannel<HostMessage> | undefined
  #generation = 0
  #pending = new PendingRequests()
  #ready!: Promise<void>
  #markReady!: () => void
  #markDown!: (error: Error) => void
  #info: SandboxInfo = { state: 'starting', restarts: 0 }
  #exits: number[] = []
  /** When the ping not answered yet was sent. */
  #pingedAt: number | undefined
  /** Whether the sandbox now running has sent anything yet. */
  #answered = false
  #killedFor: Error | undefined
  #failure: Error | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #restartTimer: NodeJS.Timeout | undefined

  constructor(options: SupervisorOptions) {
    this.#options = options
    this.#resetReady()
  }

  /** The generation of the sandbox now running: answers to an older one's calls are dropped. */
  get generation(): number {
    return this.#generation
  }

  info(): SandboxInfo {
    return { ...this.#info }
  }

  /** Launches the sandbox and sets the plugin up; rejects (no restart) when that fails. */
  async start(): Promise<void> {
    const exited = this.#launch()
    try {
      await Promise.race([this.#options.setup(this.#send), exited.then((error) => Promise.reject(error))])
    } catch (error) {
      this.#info.state = 'failed'
      this.#markDown(error as Error)
      this.#end()
      throw error
    }
    this.#running()
  }

  /**
   * Sends a request to the sandbox and resolves with its answer. While it restarts, the request waits for it
   * unless `wait` is false (a route request answers at once). Once sent, the request is handed to `abandonOn`
   * as a function that abandons it: its answer rejects with the reason given and the sandbox is told to abort it.
   */
  request(message: Request, options: RequestOptions = {}): Promise<unknown> {
    // The common case costs no promise of its own: a delivery already awaits one per crossing.
    if (this.#info.state === 'running') return this.#send(message, options.abandonOn)
    return this.#requestWhenUp(message, options)
  }

  async #requestWhenUp(message: Request, options: RequestOptions): Promise<unknown> {
    if (this.#info.state === 'restarting' && options.wait !== false) await this.#ready
    if (this.#info.state !== 'running') throw this.#downError()
    return this.#send(message, options.abandonOn)
  }

  #send = (message: Request, abandonOn?: RequestOptions['abandonOn']): Promise<unknown> => {
    const { id, answer } = this.#pending.open()
    this.#channel?.send({ ...message, id } as HostMessage)
    abandonOn?.((reason) => {
      if (this.#pending.settle(id, false, reason)) this.#channel?.send({ t: 'abort', id })
    })
    return answer
  }

  /** Sends a message that needs no answer to the sandbox now running (dropped while none runs). */
  post(message: HostMessage): void {
    this.#channel?.send(message)
  }

  /** Answers a call of the sandbox of `generation`; dropped when that sandbox is gone. */
  reply(generation: number, message: HostMessage): void {
    if (generation === this.#generation) this.#channel?.send(message)
  }

  /** Answers call `id` of the sandbox of `generation` as succeeded with `value` (none: in the batch's `done`). */
  answer(generation: number, id: number, value: unknown): void {
    if (generation !== this.#generation) return
    if (value === undefined) this.#channel?.done(id)
    else this.#channel?.send({ t: 'result', id, ok: true, value })
  }

  /** Terminates a sandbox that broke the protocol (it is restarted like a crashed one). */
  violation(problem: string): void {
    this.#kill(new SandboxProtocolError(this.#options.plugin, problem))
  }

  /** Ends the sandbox for good (the plugin stops); pending requests fail. */
  async stop(): Promise<void> {
    this.#info.state = 'stopped'
    clearTimeout(this.#restartTimer)
    this.#markDown(new PluginCrashedError(this.#options.plugin, this.#options.settings.mode, 'stopped'))
    this.#end()
  }

  #launch(): Promise<Error> {
    const { plugin, settings } = this.#options
    const handle = this.#options.launch()
    const generation = ++this.#generation
    this.#handle = handle
    this.#channel = new BatchChannel(
      (batch) => handle.post(batch),
      failUnsendable<HostMessage>(
        (id, error) => this.#pending.settle(id, false, error),
        (message) => this.#channel?.send(message),
      ),
    )
    this.#killedFor = undefined
    this.#pingedAt = undefined
    this.#answered = false
    Object.assign(this.#info, { pid: handle.pid, threadId: handle.threadId, memory: undefined })
    handle.onMessage((batch) => this.#receive(batch, generation))
    const interval = Math.max(20, Math.min(1000, settings.unresponsiveMs / 4))
    clearInterval(this.#heartbeat)
    this.#heartbeat = setInterval(() => this.#beat(), interval)
    this.#heartbeat.unref()
    return new Promise((resolve) =>
      handle.onExit((exit) => {
        if (generation !== this.#generation) return
        const error =
          this.#killedFor ??
          new PluginCrashedError(
            plugin,
            settings.mode,
            `${exit.reason === 'exit' ? '' : `${exit.reason}: `}${exit.detail}`,
          )
        this.#exited(exit, error)
        resolve(error)
      }),
    )
  }

  // Checked in setImmediate, after the poll phase: a pong that arrived while the host itself was busy is read
  // before it is judged, and only a ping left unanswered for `unresponsive_ms` counts.
  #beat(): void {
    setImmediate(() => {
      const { unresponsiveMs, mode } = this.#options.settings
      const now = Date.now()
      if (this.#pingedAt === undefined) {
        this.#pingedAt = now
        this.#channel?.send({ t: 'ping' })
      } else if (
        now - this.#pingedAt >
        (this.#answered ? unresponsiveMs : Math.max(unresponsiveMs, FIRST_ANSWER_MS))
      )
        this.#kill(new PluginUnresponsiveError(this.#options.plugin, mode, unresponsiveMs))
    })
  }

  #receive(batch: unknown, generation: number): void {
    if (generation !== this.#generation) return
    this.#answered = true
    if (!Array.isArray(batch)) {
      this.violation('expected a batch (an array of messages)')
      return
    }
    for (const message of batch) {
      const problem = checkSandboxMessage(message)
      if (problem !== undefined) {
        this.violation(problem)
        return
      }
      const checked = message as SandboxMessage
      if (
        (checked.t === 'result' || checked.t === 'done' || checked.t === 'call') &&
        checked.notes !== undefined
      )
        for (const note of checked.notes) this.#options.receive(note, generation)
      if (checked.t === 'pong') {
        this.#pingedAt = undefined
        this.#info.memory = { heapUsedBytes: checked.heapUsed, rssBytes: checked.rss }
      } else if (checked.t === 'done') {
        for (const id of checked.ids) this.#pending.settle(id, true, undefined)
      } else if (checked.t === 'result') {
        this.#pending.settle(
          checked.id,
          checked.ok,
          checked.ok ? checked.value : fromRemoteError(checked.error!),
        )
      } else this.#options.receive(checked, generation)
    }
  }

  #kill(reason: Error): void {
    if (this.#killedFor !== undefined) return
    this.#killedFor = reason
    this.#options.logger.error({ plugin: this.#options.plugin, err: reason }, 'terminating plugin sandbox')
    this.#handle?.terminate()
  }

  #exited(exit: SandboxExit, error: Error): void {
    const { plugin, settings, metrics, logger } = this.#options
    const reason = exitReason(exit, this.#killedFor)
    this.#handle = undefined
    clearInterval(this.#heartbeat)
    this.#info.lastExit = { reason, detail: error.message, at: new Date().toISOString() }
    metrics.exits.inc({ plugin, reason })
    this.#pending.rejectAll(error)
    this.#options.ended?.(error)
    const state = this.#info.state
    if (state === 'stopped' || state === 'starting' || state === 'failed') return
    logger.error({ plugin, reason, err: error }, 'plugin sandbox ended; restarting')
    const now = Date.now()
    this.#exits = [...this.#exits.filter((at) => now - at < settings.windowMs), now]
    if (this.#exits.length > settings.maxRestarts) {
      const failure = new PluginRestartLimitError(plugin, this.#exits.length, settings.windowMs, error)
      this.#info.state = 'failed'
      this.#failure = failure
      this.#markDown(failure)
      this.#options.failed(failure)
      return
    }
    if (state === 'running') this.#resetReady()
    this.#info.state = 'restarting'
    const backoff = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (this.#exits.length - 1))
    // Not unref'd: deliveries waiting for the plugin must not see the process end under them.
    this.#restartTimer = setTimeout(() => void this.#restart(reason), backoff)
  }

  async #restart(reason: string): Promise<void> {
    if (this.#info.state !== 'restarting') return
    const { plugin, metrics } = this.#options
    this.#info.restarts += 1
    metrics.restarts.inc({ plugin, reason })
    const exited = this.#launch()
    try {
      await Promise.race([this.#options.setup(this.#send), exited.then((error) => Promise.reject(error))])
    } catch (error) {
      // A setup that fails after a restart counts as another end; #exited already ran if the sandbox died.
      if (this.#handle !== undefined) this.#kill(error as Error)
      return
    }
    if (this.#info.state === 'restarting') this.#running()
  }

  #running(): void {
    this.#info.state = 'running'
    this.#markReady()
  }

  #downError(): Error {
    const { plugin, settings } = this.#options
    return (
      this.#failure ?? new PluginCrashedError(plugin, settings.mode, `its sandbox is ${this.#info.state}`)
    )
  }

  #resetReady(): void {
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve
      this.#markDown = reject
    })
    // Nobody may be waiting when it goes down for good.
    this.#ready.catch(() => undefined)
  }

  #end(): void {
    clearInterval(this.#heartbeat)
    const handle = this.#handle
    this.#handle = undefined
    this.#generation += 1
    handle?.terminate()
    const error = this.#downError()
    this.#pending.rejectAll(error)
    this.#options.ended?.(error)
  }
}

// The label of an exit in status and metrics: how it ended, or why the supervisor ended it.
function exitReason(exit: SandboxExit, killedFor: Error | undefined): string {
  if (killedFor === undefined) return exit.reason
  if (killedFor instanceof PluginUnresponsiveError) return 'unresponsive'
  if (killedFor instanceof SandboxProtocolError) return 'protocol'
  return 'setup failed'
}
