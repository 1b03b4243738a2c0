import { SwitchyardError } from '@switchyard/core'

/**
 * Could not connect to any of the NATS servers, or JetStream is not enabled on them.
 *
 * @example
 * ```ts
 * try { await connectNatsTransport({ servers: 'nats://127.0.0.1:4222', stream: 'SWITCHYARD' }) }
 * catch (error) { if (error instanceof TransportConnectError) console.error(error.servers) }
 * ```
 */
export class TransportConnectError extends SwitchyardError {
  readonly servers: readonly string[]

  constructor(servers: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      'E_TRANSPORT_CONNECT',
      `cannot connect to NATS JetStream at ${servers.join(', ')}: ${reason} (is nats-server running with -js?)`,
      { cause },
    )
    this.servers = servers
  }
}

/**
 * The stream, a consumer or a KV bucket could not be created or opened, e.g. because an existing one has an
 * incompatible configuration.
 *
 * @example
 * ```ts
 * error instanceof TransportSetupError && error.code === 'E_TRANSPORT_SETUP'
 * ```
 */
export class TransportSetupError extends SwitchyardError {
  constructor(what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_TRANSPORT_SETUP', `cannot set up ${what}: ${reason}`, { cause })
  }
}

/**
 * The transport or store was used after `close()`.
 *
 * @example
 * ```ts
 * await transport.close()
 * await transport.publish(event) // throws TransportClosedError (E_TRANSPORT_CLOSED)
 * ```
 */
export class TransportClosedError extends SwitchyardError {
  constructor(what: string) {
    super('E_TRANSPORT_CLOSED', `the NATS ${what} is closed`)
  }
}

/**
 * An event could not be published: JetStream did not acknowledge it (no stream for the subject, timeout,
 * storage limits).
 *
 * @example
 * ```ts
 * error instanceof TransportPublishError && error.subject // 'switchyard.order.created'
 * ```
 */
export class TransportPublishError extends SwitchyardError {
  readonly subject: string

  constructor(subject: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_TRANSPORT_PUBLISH', `JetStream did not accept the event on ${subject}: ${reason}`, { cause })
    this.subject = subject
  }
}

/**
 * A request to NATS (a store's KV read or write) got no answer: none within the timeout, nothing listening on
 * its subject (the bucket's stream is gone), or the connection closed first.
 *
 * @example
 * ```ts
 * error instanceof NatsRequestError && error.code === 'E_NATS_REQUEST' && error.subject
 * ```
 */
export class NatsRequestError extends SwitchyardError {
  readonly subject: string
  /** No answer within the timeout (the request may have reached the server: a retry must be safe to repeat). */
  readonly timedOut: boolean

  private constructor(subject: string, reason: string, timedOut: boolean) {
    super('E_NATS_REQUEST', `no answer from NATS to ${subject}: ${reason}`)
    this.subject = subject
    this.timedOut = timedOut
  }

  static timedOut(subject: string, timeoutMs: number): NatsRequestError {
    return new NatsRequestError(subject, `none within ${timeoutMs} ms`, true)
  }

  static noResponder(subject: string): NatsRequestError {
    return new NatsRequestError(subject, 'no responder (is its stream or KV bucket there?)', false)
  }

  static unanswered(subject: string, reason: string): NatsRequestError {
    return new NatsRequestError(subject, reason, false)
  }
}
