/** The steps of an install or upgrade, in the order they run. */
export const INSTALL_STEPS = [
  'resolve',
  'download',
  'verify',
  'extract',
  'dependencies',
  'load',
  'swap',
] as const

/** One step of an install or upgrade. */
export type InstallStep = (typeof INSTALL_STEPS)[number]

/**
 * What an install or upgrade reports while it runs: each step `started`, then `done` (or `failed`, the last
 * event of a failed install, with the error's code and message); the download also reports `progress` with the
 * bytes received so far (and the total when the server said it).
 */
export interface InstallProgress {
  step: InstallStep
  status: 'started' | 'progress' | 'done' | 'failed'
  /** What the step is about or found: `switchyard-demo@1.1.0`, `12 files`, `2 packages`, `sha512 matches`. */
  detail?: string
  /** Download: bytes received so far. */
  bytes?: number
  /** Download: the size the server announced, when it did. */
  totalBytes?: number
  /** `failed`: the error's stable code and message. */
  error?: { code: string; message: string }
}

/** Receives progress events; it must not throw (a throwing listener is ignored). */
export type ProgressListener = (event: InstallProgress) => void

/** The least time between two download `progress` events, so a fast download does not flood the listener. */
const PROGRESS_INTERVAL_MS = 100

/**
 * Reports the steps of one install to a listener: `run` wraps a step (started, then done with a detail from its
 * result, or failed with the error, which it rethrows); `bytes` reports download progress, at most every 100 ms.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter((event) => console.log(event))
 * const artifact = await progress.run('resolve', () => resolveArtifact(request, context), (a) => a.url)
 * ```
 */
export class ProgressReporter {
  readonly #listener: ProgressListener | undefined
  #lastBytesAt = 0

  constructor(listener?: ProgressListener) {
    this.#listener = listener
  }

  /** Runs `work` as `step`; `describe` turns its result into the `done` event's detail. */
  async run<T>(
    step: InstallStep,
    work: () => T | Promise<T>,
    describe?: (result: T) => string | undefined,
  ): Promise<T> {
    this.#emit({ step, status: 'started' })
    let result: T
    try {
      result = await work()
    } catch (error) {
      this.#emit({ step, status: 'failed', error: errorOf(error) })
      throw error
    }
    const detail = describe?.(result)
    this.#emit({ step, status: 'done', ...(detail === undefined ? {} : { detail }) })
    return result
  }

  /** Download progress: `bytes` received of `totalBytes` (when known). */
  bytes(bytes: number, totalBytes: number | undefined): void {
    const now = Date.now()
    if (now - this.#lastBytesAt < PROGRESS_INTERVAL_MS && bytes !== totalBytes) return
    this.#lastBytesAt = now
    this.#emit({ step: 'download', status: 'progress', bytes, ...(totalBytes ? { totalBytes } : {}) })
  }

  #emit(event: InstallProgress): void {
    try {
      this.#listener?.(event)
    } catch {
      // A listener's failure (a client gone away) must not change the install's outcome.
    }
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  const { code, message } = error as { code?: unknown; message?: unknown }
  return {
    code: typeof code === 'string' ? code : 'E_INTERNAL',
    message: typeof message === 'string' ? message : String(error),
  }
}
