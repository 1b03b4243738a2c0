/** An error as it crosses the sandbox boundary: what a log line and a delivery outcome need of it. */
export interface RemoteErrorData {
  name: string
  message: string
  code?: string
}

/**
 * An error thrown on the other side of a sandbox boundary, rebuilt with its name, message and code (`E_*`), so
 * callers can test `error.code` as they would in-process. Stacks stay on their side.
 *
 * @example
 * ```ts
 * const error = fromRemoteError({ name: 'PermissionError', message: 'plugin "a" called ctx.publish…', code: 'E_PERMISSION' })
 * error.code // 'E_PERMISSION'
 * ```
 */
export class RemoteError extends Error {
  readonly code: string | undefined

  constructor(data: RemoteErrorData) {
    super(data.message)
    this.name = data.name
    this.code = data.code
  }
}

/** What of `error` crosses the boundary. */
export function toRemoteError(error: unknown): RemoteErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const code = (error as { code?: unknown }).code
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) }
}

/** Rebuilds an error sent across the boundary. */
export function fromRemoteError(data: RemoteErrorData): RemoteError {
  return new RemoteError(data)
}
