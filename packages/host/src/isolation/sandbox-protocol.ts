import type { Event, HealthResult } from '@switchyard/core'
import { type BodyMessage, MAX_BODY_CHUNK } from './body-streams.js'
import type { RemoteErrorData } from './remote-error.js'

/** One step of a forwarded ctx call: a property read, or a call with serialisable arguments. */
export type CallStep = string | { args: unknown[] }

/** A plugin route as the sandbox's Hono app lists it (path relative to `/plugins/<name>`). */
export interface SandboxRoute {
  method: string
  path: string
}

/**
 * An HTTP request or answer as it crosses the boundary: its body is `stream`, a body stream the other side reads
 * chunk by chunk (see `BodyStreams`), `body`, the whole of a small answer's body sent inline (`BodyStreams.offer`),
 * or none.
 */
export interface WireHttp {
  status?: number
  method?: string
  url?: string
  headers: [string, string][]
  stream?: number
  body?: Uint8Array
}

/** The answer to a request of either side. */
export interface ResultMessage {
  t: 'result'
  id: number
  ok: boolean
  value?: unknown
  error?: RemoteErrorData
  /** From a sandbox only: log lines and metric updates of its batch, carried in it (`carryNotes`). */
  notes?: NoteMessage[]
}

/**
 * The answers of a batch that succeeded without a value (a delivery that ran, a write), by request id: one message
 * for all of them instead of a `result` each (see `BatchChannel.done`).
 */
export interface DoneMessage {
  t: 'done'
  ids: number[]
  /** From a sandbox only: log lines and metric updates of its batch, carried in it (`carryNotes`). */
  notes?: NoteMessage[]
}

/** A sandbox's forwarded ctx call (`ctx.publish`, `ctx.store.*`, …), run step by step on the host. */
export interface CallMessage {
  t: 'call'
  id: number
  steps: CallStep[]
  /** Log lines and metric updates of its batch, carried in it (`carryNotes`). */
  notes?: NoteMessage[]
}

/** A sandbox's log line. */
export interface LogMessage {
  t: 'log'
  level: LogLevel
  bindings: object
  obj: object
  msg?: string
}

/** A sandbox's update of a metric the host declared for it. */
export interface MetricMessage {
  t: 'metric'
  name: string
  method: string
  args: unknown[]
}

/** What a sandbox sends that needs no answer and may ride in an answer: a log line or a metric update. */
export type NoteMessage = LogMessage | MetricMessage

/** What the host sends into a sandbox. */
export type HostMessage =
  | { t: 'load'; id: number; entry: string }
  | { t: 'configure'; id: number; raw: unknown }
  | { t: 'setup'; id: number; entry: string; name: string; config: unknown }
  /** `events`: a batching handler's batch (`event` is its first), which the sandbox hands the handler as one array. */
  | { t: 'deliver'; id: number; key: string; event: Event; events?: Event[]; attempt: number }
  | { t: 'abort'; id: number }
  | { t: 'invoke'; id: number; key: string; value: unknown }
  | { t: 'fetch'; id: number; request: WireHttp }
  | { t: 'provide'; id: number; method: string; args: unknown[] }
  | { t: 'stop'; id: number }
  | { t: 'ping' }
  | BodyMessage
  | ResultMessage
  | DoneMessage

/** The kinds of callback a plugin registers through its ctx; each becomes a host-side stub. */
export type RegistrationKind = 'on' | 'extend' | 'health' | 'onStop'

/** What a sandbox sends to the host. Every one is checked by `checkSandboxMessage` before it is acted on. */
export type SandboxMessage =
  | ResultMessage
  | DoneMessage
  | CallMessage
  | { t: 'register'; id: number; kind: RegistrationKind; key: string; pattern?: string; options?: object }
  | { t: 'unregister'; kind: RegistrationKind; key: string }
  | MetricMessage
  | LogMessage
  | { t: 'pong'; heapUsed: number; rss: number }
  | BodyMessage

/** Log levels a sandbox may write at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** What `setup` answers: the routes of the plugin's Hono app and the names of the functions it `provides`. */
export interface SetupAnswer {
  routes: SandboxRoute[]
  provides: string[]
}

/** A delivery's answer when the handler's filter kept it from running: rejected (`E_UNROUTED`) or threw (`E_FILTER`). */
export interface NotRun {
  notRun: 'E_UNROUTED' | 'E_FILTER'
  reason: string
}

/** A health check's answer, as `HealthResult`. */
export type HealthAnswer = HealthResult

const LEVELS = new Set(['debug', 'info', 'warn', 'error'])
const KINDS = new Set(['on', 'extend', 'health', 'onStop'])
const STEP = /^[A-Za-z_$][\w$]*$/

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isId = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0
const isText = (value: unknown, max = 1024): boolean => typeof value === 'string' && value.length <= max

/**
 * Checks one message from a sandbox; returns what is wrong with it, or undefined when it is well formed. A
 * sandbox runs code the host does not trust, so nothing it sends is used before this passed.
 *
 * @example
 * ```ts
 * checkSandboxMessage({ t: 'pong', heapUsed: 1, rss: 2 }) // undefined
 * checkSandboxMessage({ t: 'call', id: -1 })               // 'call.id: expected a non-negative integer'
 * ```
 */
export function checkSandboxMessage(message: unknown): string | undefined {
  if (!isObject(message)) return 'expected an object'
  const { t } = message
  switch (t) {
    case 'result':
      if (!isId(message.id)) return 'result.id: expected a non-negative integer'
      if (typeof message.ok !== 'boolean') return 'result.ok: expected a boolean'
      if (!message.ok && !isRemoteError(message.error)) return 'result.error: expected { name, message }'
      return checkNotes(message.notes)
    case 'done':
      if (!Array.isArray(message.ids) || !message.ids.every(isId))
        return 'done.ids: expected an array of non-negative integers'
      return checkNotes(message.notes)
    case 'call':
      if (!isId(message.id)) return 'call.id: expected a non-negative integer'
      return checkSteps(message.steps) ?? checkNotes(message.notes)
    case 'register':
      if (!isId(message.id)) return 'register.id: expected a non-negative integer'
      if (!KINDS.has(message.kind as string)) return 'register.kind: expected on, extend, health or onStop'
      if (!isText(message.key)) return 'register.key: expected a string'
      if (message.pattern !== undefined && !isText(message.pattern))
        return 'register.pattern: expected a string'
      if (message.options !== undefined && !isObject(message.options))
        return 'register.options: expected an object'
      return undefined
    case 'unregister':
      if (!KINDS.has(message.kind as string)) return 'unregister.kind: expected on, extend, health or onStop'
      return isText(message.key) ? undefined : 'unregister.key: expected a string'
    case 'metric':
      if (!isText(message.name, 200) || !isText(message.method, 20)) return 'metric: expected name and method'
      return Array.isArray(message.args) ? undefined : 'metric.args: expected an array'
    case 'log':
      if (!LEVELS.has(message.level as string)) return 'log.level: expected debug, info, warn or error'
      if (!isObject(message.bindings) || !isObject(message.obj))
        return 'log: expected bindings and obj objects'
      return message.msg === undefined || typeof message.msg === 'string'
        ? undefined
        : 'log.msg: expected a string'
    case 'pong':
      return typeof message.heapUsed === 'number' && typeof message.rss === 'number'
        ? undefined
        : 'pong: expected heapUsed and rss numbers'
    case 'pull':
    case 'cancel':
      return isId(message.stream) ? undefined : `${t}.stream: expected a non-negative integer`
    case 'body':
      return checkBody(message)
    default:
      return `type: expected result, done, call, register, unregister, metric, log, pong, pull, cancel or body, got ${JSON.stringify(t)?.slice(0, 40)}`
  }
}

function checkBody(message: Record<string, unknown>): string | undefined {
  if (!isId(message.stream)) return 'body.stream: expected a non-negative integer'
  const { chunk, done, error } = message
  if (chunk !== undefined && !(chunk instanceof Uint8Array && chunk.byteLength <= MAX_BODY_CHUNK))
    return `body.chunk: expected at most ${MAX_BODY_CHUNK} bytes`
  if (done !== undefined && done !== true) return 'body.done: expected true'
  return error === undefined || isText(error) ? undefined : 'body.error: expected a string'
}

// The log lines and metric updates a result or call carries (see carryNotes), when it carries any.
function checkNotes(notes: unknown): string | undefined {
  if (notes === undefined) return undefined
  if (!Array.isArray(notes)) return 'notes: expected an array'
  for (const note of notes) {
    if (!isObject(note) || (note.t !== 'log' && note.t !== 'metric'))
      return 'notes: expected log and metric messages only'
    const problem = checkSandboxMessage(note)
    if (problem !== undefined) return `notes: ${problem}`
  }
  return undefined
}

function isRemoteError(value: unknown): boolean {
  return isObject(value) && typeof value.name === 'string' && typeof value.message === 'string'
}

function checkSteps(steps: unknown): string | undefined {
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 16)
    return 'call.steps: expected 1 to 16 steps'
  for (const step of steps) {
    if (typeof step === 'string') {
      if (!STEP.test(step)) return `call.steps: "${step.slice(0, 40)}" is not a property name`
    } else if (!isObject(step) || !Array.isArray(step.args))
      return 'call.steps: expected names and { args } calls'
  }
  return typeof steps[0] === 'string' ? undefined : 'call.steps: the first step must be a name'
}
