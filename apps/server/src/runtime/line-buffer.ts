/** Where `LineBuffer` hands its lines: pino's `destination()` (SonicBoom) has these. */
export interface LineDestination {
  write(text: string): unknown
  flush(callback?: (error?: Error) => void): void
  flushSync(): void
  end(): void
}

/** When `LineBuffer` writes: once `minLength` characters are held, and whatever is held every `periodicFlushMs`. */
export interface LineBufferOptions {
  minLength: number
  periodicFlushMs: number
}

/**
 * A pino destination that gathers log lines in a list and hands them to `destination` as one text once
 * `minLength` characters are held (or every `periodicFlushMs`, or on `flush`), so a busy server makes one write
 * call per few KiB of lines. SonicBoom's own `minLength` buffering appends each line to one string and measures
 * that string's UTF-8 length at every write, which copies and scans all the text buffered so far (about 2 KB a
 * line at 4 KiB) for each request line; here a line is only pushed and counted (in characters: the threshold
 * need not be exact).
 *
 * @example
 * ```ts
 * const logger = pino({}, new LineBuffer(destination({ dest: 1, sync: true }), { minLength: 4096, periodicFlushMs: 200 }))
 * ```
 */
export class LineBuffer {
  readonly #destination: LineDestination
  readonly #minLength: number
  readonly #timer: NodeJS.Timeout
  #lines: string[] = []
  #length = 0
  #ended = false

  constructor(destination: LineDestination, options: LineBufferOptions) {
    this.#destination = destination
    this.#minLength = options.minLength
    this.#timer = setInterval(() => this.#drain(), options.periodicFlushMs)
    // Lines waiting for the timer do not keep the process alive, as with SonicBoom's periodicFlush.
    this.#timer.unref()
  }

  write(line: string): boolean {
    if (this.#ended) {
      this.#destination.write(line)
      return true
    }
    this.#lines.push(line)
    this.#length += line.length
    if (this.#length >= this.#minLength) this.#drain()
    return true
  }

  /** Writes what is held; `callback` once the destination has written it (pino's `logger.flush`). */
  flush(callback?: (error?: Error) => void): void {
    this.#drain()
    this.#destination.flush(callback)
  }

  flushSync(): void {
    this.#drain()
    this.#destination.flushSync()
  }

  /** Writes what is held and ends the destination; later lines go to it as they come. */
  end(): void {
    this.#ended = true
    clearInterval(this.#timer)
    this.#drain()
    this.#destination.end()
  }

  #drain(): void {
    const lines = this.#lines
    if (lines.length === 0) return
    this.#lines = []
    this.#length = 0
    this.#destination.write(lines.length === 1 ? lines[0]! : lines.join(''))
  }
}
