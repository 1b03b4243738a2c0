import { getHeapStatistics } from 'node:v8'
import type { Event, HandlerContext } from '@switchyard/core'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { parsePluginConfig } from '../config/parse-plugin-config.js'
import { toPluginDescriptor } from '../discovery/to-plugin-descriptor.js'
import { BatchChannel, failUnsendable } from './batch-channel.js'
import { BodyStreams } from './body-streams.js'
import { carryNotes } from './carry-notes.js'
import { PendingRequests } from './pending-requests.js'
import { toManifest } from './plugin-manifest.js'
import { fromRemoteError, toRemoteError } from './remote-error.js'
import { createSandboxContext, type SandboxLink, type SandboxRegistry } from './sandbox-context.js'
import { sandboxDelivery } from './sandbox-delivery.js'
import type {
  CallStep,
  HostMessage,
  NotRun,
  SandboxMessage,
  SetupAnswer,
  WireHttp,
} from './sandbox-protocol.js'
import { SharedReads } from './shared-reads.js'

/**
 * The sandbox's side of the boundary: loads the plugin module on `setup`, runs it against a sandboxed ctx, and
 * answers the host's requests (deliveries, route requests, health checks, extension contributions, stop) by
 * calling what the plugin registered. `post` sends batches to the host (a worker's `parentPort` or an IPC
 * channel); `receive` takes the host's batches.
 *
 * @example
 * ```ts
 * const sandbox = new SandboxPlugin((batch) => parentPort.postMessage(batch))
 * parentPort.on('message', (batch) => sandbox.receive(batch))
 * ```
 */
export class SandboxPlugin {
  #channel: BatchChannel<SandboxMessage>
  #pending = new PendingRequests()
  #reads = new SharedReads()
  #aborts = new Map<number, AbortController>()
  #descriptor: PluginDescriptor | undefined
  /** Whether the plugin may publish (declares events:publish): only then do its deliveries enter `sandboxDelivery`. */
  #publishes = false
  #provides: Record<string, unknown> = {}
  #streams = new BodyStreams((message) => this.#channel.send(message))
  #registry: SandboxRegistry = { handlers: new Map(), callbacks: new Map(), app: undefined, pending: [] }

  constructor(post: (batch: SandboxMessage[]) => void) {
    this.#channel = new BatchChannel(
      (batch) => {
        this.#reads.sent()
        post(carryNotes(batch))
      },
      failUnsendable<SandboxMessage>(
        (id, error) => this.#pending.settle(id, false, error),
        (message) => this.#channel.send(message),
      ),
    )
  }

  receive(batch: unknown): void {
    if (!Array.isArray(batch)) return
    for (const message of batch as HostMessage[]) this.#receiveOne(message)
  }

  #receiveOne(message: HostMessage): void {
    switch (message.t) {
      case 'pull':
      case 'cancel':
      case 'body':
        this.#streams.receive(message)
        return
      case 'ping': {
        this.#channel.send({
          t: 'pong',
          heapUsed: getHeapStatistics().used_heap_size,
          rss: process.memoryUsage.rss(),
        })
        return
      }
      case 'done':
        for (const id of message.ids) this.#pending.settle(id, true, undefined)
        return
      case 'result':
        this.#pending.settle(
          message.id,
          message.ok,
          message.ok ? message.value : fromRemoteError(message.error ?? { name: 'Error', message: 'failed' }),
        )
        return
      case 'abort':
        this.#aborts.get(message.id)?.abort(new Error('the host ended this attempt (timeout or shutdown)'))
        return
      case 'load':
        this.#answer(message.id, this.#load(message.entry).then(toManifest))
        return
      case 'configure':
        this.#answer(message.id, this.#configure(message.raw))
        return
      case 'setup':
        this.#answer(message.id, this.#setup(message.entry, message.name, message.config))
        return
      case 'deliver':
        this.#answer(message.id, this.#deliver(message))
        return
      case 'invoke':
        this.#answer(message.id, this.#invoke(message.key, message.value))
        return
      case 'fetch':
        this.#answer(message.id, this.#fetch(message.request))
        return
      case 'provide':
        this.#answer(message.id, this.#provide(message.method, message.args))
        return
      case 'stop':
        this.#answer(
          message.id,
          Promise.resolve().then(() => this.#descriptor?.stop?.()),
        )
        return
    }
  }

  // The plugin's module is imported here, never in the host: its top-level code runs in this sandbox only.
  async #load(entry: string): Promise<PluginDescriptor> {
    this.#descriptor ??= await toPluginDescriptor(await import(entry), entry)
    return this.#descriptor
  }

  // The plugin's config schema is code: it parses here; the host places the issues in its file.
  async #configure(raw: unknown): Promise<{ ok: true; config: unknown } | { ok: false; issues: unknown[] }> {
    const result = parsePluginConfig(this.#required(), raw)
    return result.ok ? result : { ok: false, issues: result.issues }
  }

  #required(): PluginDescriptor {
    if (this.#descriptor === undefined) throw new Error('the plugin is not loaded in this sandbox')
    return this.#descriptor
  }

  async #setup(entry: string, name: string, config: unknown): Promise<SetupAnswer> {
    const descriptor = await this.#load(entry)
    if (descriptor.name !== name) throw new Error(`${entry} names itself "${descriptor.name}", not "${name}"`)
    this.#publishes = descriptor.permissions?.includes('events:publish') ?? false
    const ctx = createSandboxContext(descriptor, config, this.#link, this.#registry)
    await descriptor.setup(ctx as never)
    // A registration the host refused (a missing permission, an http.middleware) fails setup as it would in-process.
    const pending = this.#registry.pending ?? []
    this.#registry.pending = undefined
    await Promise.all(pending)
    const routes = this.#registry.app?.routes.map(({ method, path }) => ({ method, path })) ?? []
    const { provides } = descriptor
    const functions = typeof provides === 'function' ? await provides(ctx as never) : (provides ?? {})
    this.#provides = functions as Record<string, unknown>
    const names = Object.keys(functions).filter((name) => typeof this.#provides[name] === 'function')
    return { routes, provides: names }
  }

  async #deliver(message: Extract<HostMessage, { t: 'deliver' }>): Promise<NotRun | undefined> {
    const { id, key, event, events, attempt } = message
    const registered = this.#registry.handlers.get(key)
    if (registered === undefined) throw new Error(`handler ${key} is not registered in this sandbox`)
    const { handler, filter } = registered
    // What dispatch decides in-process: a rejected event is unrouted, a throwing filter fails it (E_FILTER).
    // A batch's events are each checked; the handler gets those kept (none kept: the batch is unrouted).
    let batch: Event[] | undefined
    if (filter !== undefined) {
      try {
        if (events !== undefined) {
          batch = events.filter((each) => filter(each))
          if (batch.length === 0) return { notRun: 'E_UNROUTED', reason: 'filtered out' }
        } else if (!filter(event)) return { notRun: 'E_UNROUTED', reason: 'filtered out' }
      } catch (error) {
        return { notRun: 'E_FILTER', reason: `filter threw: ${toRemoteError(error).message}` }
      }
    } else batch = events
    const aborts = this.#aborts
    const ctx: HandlerContext = {
      attempt,
      get signal() {
        let controller = aborts.get(id)
        if (controller === undefined) {
          controller = new AbortController()
          aborts.set(id, controller)
        }
        return controller.signal
      },
      fail: () => false,
    }
    const batched = handler as unknown as (events: Event[], ctx: HandlerContext) => unknown
    const run = () => (batch === undefined ? handler(event, ctx) : batched(batch, ctx))
    try {
      // Only the plugin's publishes read the delivery scope (followUpArgs). A plugin without events:publish, whose
      // every publish the host refuses, runs without it: an AsyncLocalStorage once entered makes every promise of
      // this thread pay async_hooks' promise hook (a quarter of the sandbox's instructions per no-op delivery).
      await (this.#publishes ? sandboxDelivery.run(event, run) : run())
    } finally {
      aborts.delete(id)
    }
    return undefined
  }

  async #invoke(key: string, value: unknown): Promise<unknown> {
    const callback = this.#registry.callbacks.get(key)
    if (callback === undefined) throw new Error(`callback ${key} is not registered in this sandbox`)
    return callback(value)
  }

  async #provide(method: string, args: unknown[]): Promise<unknown> {
    const fn = this.#provides[method]
    if (typeof fn !== 'function')
      throw new Error(`"${method}" is not among the functions this plugin provides`)
    return (fn as (...args: unknown[]) => unknown).apply(this.#provides, args)
  }

  // Both bodies stream: the request's is pulled from the host as the plugin reads it, the answer's is offered to
  // the host, which pulls it as its client reads (or gets it inline when it is small and already whole).
  async #fetch(request: WireHttp): Promise<WireHttp> {
    const app = this.#registry.app
    const upload = request.stream === undefined ? undefined : this.#streams.incoming(request.stream)
    if (app === undefined) {
      await upload?.cancel()
      return { status: 404, headers: [] }
    }
    const response = await app.fetch(
      new Request(
        request.url as string,
        {
          method: request.method as string,
          headers: request.headers,
          ...(upload === undefined ? {} : { body: upload, duplex: 'half' }),
        } as RequestInit,
      ),
    )
    // A small answer already whole crosses with its body inline; any other streams as the host pulls it.
    const body = response.body === null ? {} : await this.#streams.offer(response.body)
    return { status: response.status, headers: [...response.headers], ...body }
  }

  #answer(id: number, work: Promise<unknown>): void {
    work.then(
      (value) =>
        value === undefined
          ? this.#channel.done(id)
          : this.#channel.send({ t: 'result', id, ok: true, value }),
      (error: unknown) => this.#channel.send({ t: 'result', id, ok: false, error: toRemoteError(error) }),
    )
  }

  #request(message: Record<string, unknown>): Promise<unknown> {
    const { id, answer } = this.#pending.open()
    this.#channel.send({ ...message, id } as SandboxMessage)
    return answer
  }

  #link: SandboxLink = {
    request: (message) => this.#request(message),
    forward: (steps: CallStep[]) => this.#reads.ask(steps, () => this.#request({ t: 'call', steps })),
    post: (message) => this.#channel.send(message),
  }
}
