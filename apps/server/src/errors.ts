import { SwitchyardError } from '@switchyard/core'

/** No bearer token, or one the server does not know (401). */
export class UnauthorizedError extends SwitchyardError {
  constructor(message: string) {
    super('E_UNAUTHORIZED', message)
  }
}

/** A known token without the scope the endpoint needs (403). */
export class ForbiddenError extends SwitchyardError {
  constructor(message: string) {
    super('E_FORBIDDEN', message)
  }
}

/** A request carrying the admin UI's session cookie whose `Origin` is missing or another site's (403). */
export class CrossOriginError extends SwitchyardError {
  constructor(message: string) {
    super('E_CROSS_ORIGIN', message)
  }
}

/** The request body is larger than `server.body_limit_bytes` (413). */
export class PayloadTooLargeError extends SwitchyardError {
  constructor(message: string) {
    super('E_BODY_TOO_LARGE', message)
  }
}

/** The client closed the connection before the request body ended (400, though nobody is left to read it). */
export class RequestAbortedError extends SwitchyardError {
  constructor(options?: { cause?: unknown }) {
    super('E_REQUEST_ABORTED', 'the client closed the connection before the request body ended', options)
  }
}

/** The request body is not JSON (400). */
export class InvalidJsonError extends SwitchyardError {
  constructor(message: string) {
    super('E_INVALID_JSON', message)
  }
}

/** The body or query does not match its schema; the message names each failing path (400). */
export class RequestValidationError extends SwitchyardError {
  constructor(message: string) {
    super('E_VALIDATION', message)
  }
}

/** The content type of the body is not one the endpoint takes (415). */
export class UnsupportedMediaTypeError extends SwitchyardError {
  constructor(message: string) {
    super('E_UNSUPPORTED_MEDIA_TYPE', message)
  }
}

/** No route for this method and path (404). */
export class RouteNotFoundError extends SwitchyardError {
  constructor(method: string, path: string) {
    super('E_ROUTE_NOT_FOUND', `no route for ${method} ${path}; GET /openapi.json lists the API`)
  }
}

/** The server is shutting down and takes no new work (503). */
export class ShuttingDownError extends SwitchyardError {
  constructor() {
    super('E_SHUTTING_DOWN', 'the server is shutting down; retry against another instance')
  }
}

/** The server is still starting (its plugins are not all up yet) and takes no work yet (503). */
export class StartingError extends SwitchyardError {
  constructor() {
    super('E_STARTING', 'the server is starting: its plugins are not up yet; retry in a moment (GET /readyz)')
  }
}

/** As many SSE clients as `limits.sse_clients` are connected already (503). */
export class SseClientLimitError extends SwitchyardError {
  constructor(max: number) {
    super(
      'E_LIMIT_SSE_CLIENTS',
      `${max} event streams are open already, the limit (limits.sse_clients); retry later or raise the limit`,
    )
  }
}

/**
 * The storage folder of the database `file` cannot be made: `path` is the first folder that could not be created
 * or used.
 */
export class StorageFolderError extends SwitchyardError {
  readonly path: string
  readonly file: string

  constructor(file: string, path: string, problem: string, options?: { cause?: unknown }) {
    super('E_STORAGE_PATH', `cannot use ${path} as a storage folder of ${file}: ${problem}`, options)
    this.path = path
    this.file = file
  }
}

/** The steps of a server start, in the order they run. */
export type StartStep = 'config' | 'listen' | 'store' | 'transport' | 'plugins' | 'services'

/**
 * A start step failed or did not finish within `server.start_timeout_ms`: the message names the step, the
 * cause and the fix.
 */
export class StartError extends SwitchyardError {
  readonly step: StartStep

  constructor(step: StartStep, cause: unknown, fix: string) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_START', `start failed at step "${step}": ${reason}\nfix: ${fix}`, { cause })
    this.step = step
  }
}

/** The marketplace is switched off in the configuration (409). */
export class MarketplaceDisabledError extends SwitchyardError {
  constructor() {
    super(
      'E_MARKETPLACE_DISABLED',
      'the marketplace is disabled: set marketplace.enabled: true in the configuration',
    )
  }
}

/** A command-line usage mistake: the CLI prints the message and exits with status 2. */
export class UsageError extends SwitchyardError {
  constructor(message: string) {
    super('E_USAGE', message)
  }
}

/** The server answered a CLI request with an error, or could not be reached. */
export class ApiRequestError extends SwitchyardError {
  readonly status: number

  constructor(status: number, code: string, message: string) {
    super(code, message)
    this.status = status
  }
}

/** `switchyard config validate` found problems in the file; each was printed with its file:line (exit 1). */
export class InvalidConfigFileError extends SwitchyardError {
  constructor(file: string, problems: number) {
    super('E_CONFIG', `${file} has ${problems} problem${problems === 1 ? '' : 's'} (listed above)`)
  }
}

/** The token file (`auth.token_file`) cannot be used, or a token cannot be made as asked. */
export class TokenFileError extends SwitchyardError {
  constructor(message: string) {
    super('E_TOKEN_FILE', message)
  }
}

/** The configured Store keeps no past events (`Store.listEvents` is missing), so they cannot be listed (501). */
export class EventsNotKeptError extends SwitchyardError {
  constructor(message: string) {
    super('E_EVENTS_NOT_KEPT', message)
  }
}
