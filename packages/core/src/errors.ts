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

/** A handler did not settle within its `timeoutMs`; its AbortSignal was aborted with this error. */
export class HandlerTimeoutError extends SwitchyardError {
  readonly handler: string
  readonly eventId: string
  readonly attempt: number
  readonly timeoutMs: number

  constructor(fields: AttemptFields, timeoutMs: number) {
    super(
      'E_TIMEOUT',
      `handler ${fields.handler} timed out after ${timeoutMs}ms on event ${fields.eventId} (attempt ${fields.attempt})`,
    )
    this.handler = fields.handler
    this.eventId = fields.eventId
    this.attempt = fields.attempt
    this.timeoutMs = timeoutMs
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
