/**
 * The base of every Switchyard error: a stable `code` for programs, a message for people, an optional `cause`.
 *
 * @example
 * ```ts
 * try { createEvent('Bad Type', {}) } catch (error) {
 *   if (error instanceof SwitchyardError) console.log(error.code) // 'E_EVENT_VALIDATION'
 * }
 * ```
 */
export class SwitchyardError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** An event, its type, a CloudEvent or its metadata is malformed; the message names the field and the rule. */
export class EventValidationError extends SwitchyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_EVENT_VALIDATION', message, options)
  }
}

/** A subscription pattern is malformed. */
export class InvalidPatternError extends SwitchyardError {
  constructor(pattern: string, rule: string) {
    super('E_INVALID_PATTERN', `pattern "${pattern}": ${rule}`)
  }
}

/** Fields shared by the errors of one delivery attempt. */
export interface AttemptFields {
  handler: string
  eventId: string
  attempt: number
}

/** A handler threw or rejected; `cause` is what it threw. */
export class HandlerExecutionError extends SwitchyardError {
  readonly handler: string
  readonly eventId: string
  readonly attempt: number

  constructor(fields: AttemptFields, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      'E_HANDLER',
      `handler ${fields.handler} failed on event ${fields.eventId} (attempt ${fields.attempt}): ${reason}`,
      {
        cause,
      },
    )
    this.handler = fields.handler
    this.eventId = fields.eventId
    this.attempt = fields.attempt
  }
}

/**
 * A handler did not settle within its `timeoutMs` (its AbortSignal was aborted with this error), or settled after
 * it while blocking the event loop so that no timer could fire.
 */
export class HandlerTimeoutError extends SwitchyardError {
  readonly handler: string
  readonly eventId: string
  readonly attempt: number
  readonly timeoutMs: number

  /** `elapsedMs`: when the handler did return, but too late (it blocked the event loop past its deadline). */
  constructor(fields: AttemptFields, timeoutMs: number, elapsedMs?: number) {
    const when =
      elapsedMs === undefined
        ? `timed out after ${timeoutMs}ms`
        : `returned after ${Math.round(elapsedMs)}ms, past its ${timeoutMs}ms timeout,`
    super(
      'E_TIMEOUT',
      `handler ${fields.handler} ${when} on event ${fields.eventId} (attempt ${fields.attempt})`,
    )
    this.handler = fields.handler
    this.eventId = fields.eventId
    this.attempt = fields.attempt
    this.timeoutMs = timeoutMs
  }
}

/**
 * A delivery ended without its handler running, for the reason in the message: `E_UNROUTED` (filtered out,
 * deselected, no longer subscribed), `E_DUPLICATE` (the transport dropped the event as a duplicate), `E_FILTER`
 * (the handler's filter threw: `cause`) or `E_STORE` (the Store failed: `cause`).
 *
 * @example
 * ```ts
 * new DeliveryNotRunError('E_UNROUTED', 'handler no longer subscribed')
 * ```
 */
export class DeliveryNotRunError extends SwitchyardError {
  constructor(
    code: 'E_UNROUTED' | 'E_DUPLICATE' | 'E_FILTER' | 'E_STORE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}

/** A handler name is already subscribed (names are unique across all plugins). */
export class DuplicateHandlerError extends SwitchyardError {
  constructor(name: string) {
    super('E_DUPLICATE_HANDLER', `handler name "${name}" is already subscribed; handler names must be unique`)
  }
}

/** A handler name is not snake_case. */
export class InvalidHandlerNameError extends SwitchyardError {
  constructor(name: string) {
    super(
      'E_INVALID_HANDLER_NAME',
      `handler name "${name}" is invalid: expected snake_case matching /^[a-z][a-z0-9_]*$/`,
    )
  }
}

/** An `event.before_publish` contribution refused the event. */
export class EventRejectedError extends SwitchyardError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('E_EVENT_REJECTED', reason, options)
  }
}

/** A dead letter, handler or other named thing does not exist. */
export class NotFoundError extends SwitchyardError {
  constructor(what: string) {
    super('E_NOT_FOUND', `${what} not found`)
  }
}

/** An option or configuration value is invalid; the message names it and says what would be right. */
export class ConfigError extends SwitchyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, options)
  }
}

/** An extension point is unknown, defined twice with different kinds, or used as the wrong kind. */
export class ExtensionPointError extends SwitchyardError {
  constructor(message: string) {
    super('E_EXTENSION_POINT', message)
  }
}

/** The bus, store or transport was closed; it takes no more work. */
export class ClosedError extends SwitchyardError {
  constructor(what: string) {
    super('E_CLOSED', `${what} is closed`)
  }
}

/**
 * The base of every input-limit error: a value is larger than a configured bound (`limits:` in the config).
 * `limit` names the config key, `max` its value and `actual` the size of the refused value.
 *
 * @example
 * ```ts
 * try { createEvent('a'.repeat(300), {}) } catch (error) {
 *   if (error instanceof LimitError) console.log(error.code, error.limit, error.actual) // E_LIMIT_EVENT_TYPE event_type_length 300
 * }
 * ```
 */
export class LimitError extends SwitchyardError {
  readonly limit: string
  readonly max: number
  readonly actual: number

  constructor(code: string, fields: { limit: string; max: number; actual: number }, message: string) {
    super(code, message)
    this.limit = fields.limit
    this.max = fields.max
    this.actual = fields.actual
  }
}

/** An event type is longer than `limits.event_type_length`. */
export class EventTypeLimitError extends LimitError {
  constructor(field: string, max: number, actual: number) {
    super(
      'E_LIMIT_EVENT_TYPE',
      { limit: 'event_type_length', max, actual },
      `${field}: ${actual} characters, more than the limit of ${max} (limits.event_type_length)`,
    )
  }
}

/** A metadata string (or the id or source) is longer than `limits.metadata_string_length` or has control characters. */
export class MetadataLimitError extends LimitError {
  constructor(field: string, max: number, actual: number, problem?: 'control characters') {
    const what =
      problem === undefined
        ? `${actual} characters, more than the limit of ${max} (limits.metadata_string_length)`
        : `contains control characters (CR, LF, NUL...), which metadata strings may not (${actual} characters)`
    super('E_LIMIT_METADATA', { limit: 'metadata_string_length', max, actual }, `${field}: ${what}`)
  }
}

/** A JSON value is nested deeper than `limits.json_depth`; `actual` is the depth reached when it was refused. */
export class JsonDepthLimitError extends LimitError {
  constructor(field: string, max: number, actual: number) {
    super(
      'E_LIMIT_JSON_DEPTH',
      { limit: 'json_depth', max, actual },
      `${field}: nested ${actual} levels deep or more, more than the limit of ${max} (limits.json_depth)`,
    )
  }
}

/**
 * A delivery was running when the process died `crashes` times (its attempt started and never finished), as
 * many as `delivery.max_crashes` allows: it is not run again and ends `dead_lettered` with this error.
 */
export class CrashedProcessError extends SwitchyardError {
  readonly handler: string
  readonly eventId: string
  readonly crashes: number

  constructor(fields: { handler: string; eventId: string; crashes: number; maxCrashes: number }) {
    super(
      'E_CRASHED_PROCESS',
      `E_CRASHED_PROCESS: handler ${fields.handler} was running event ${fields.eventId} when the process died, ` +
        `${fields.crashes} times (delivery.max_crashes ${fields.maxCrashes}); it is not run again`,
    )
    this.handler = fields.handler
    this.eventId = fields.eventId
    this.crashes = fields.crashes
  }
}
