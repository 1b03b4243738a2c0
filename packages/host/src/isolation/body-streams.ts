/** The largest chunk of a body that crosses the boundary in one message; bigger ones are sent in slices. */
export const MAX_BODY_CHUNK = 256 * 1024

/** A message of a body crossing the boundary: a chunk, its end or its failure, for the stream numbered `stream`. */
export type BodyMessage =
  | { t: 'pull'; stream: number }
  | { t: 'cancel'; stream: number }
  | { t: 'body'; stream: number; chunk?: Uint8Array; done?: boolean; error?: string }

type Read = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>

interface Outgoing {
  reader: ReadableStreamDefaultReader<Uint8Array>
  /** Bytes read and not sent yet. */
  rest?: Uint8Array
  /** A read started before the other side asked (see `offer`), to be sent once it does. */
  next?: Promise<Read>
}

interface Incoming {
  controller: ReadableStreamDefaultController<Uint8Array>
  /** Resolves the `pull` waiting for the other side's next message. */
  arrived?: () => void
  ended?: () => void
}

/**
 * The HTTP bodies that cross a sandbox boundary as streams, pulled chunk by chunk: a body sent (`outgoing`) is read
 * only when the other side asks for its next chunk, and a body received (`incoming`) asks for the next chunk only
 * when its reader wants one. So neither side holds more than a chunk of a body it has not consumed, however large
 * the body, and a slow client slows the sandbox down rather than filling the host's memory. The same class runs on
 * both sides; each numbers the streams it sends.
 *
 * @example
 * ```ts
 * const streams = new BodyStreams((message) => channel.send(message))
 * const id = streams.outgoing(request.body)      // the other side reads it with incoming(id)
 * streams.receive({ t: 'pull', stream: id })     // sends { t: 'body', stream: id, chunk }
 * ```
 */
export class BodyStreams {
  #post: (message: BodyMessage) => void
  #outgoing = new Map<number, Outgoing>()
  #incoming = new Map<number, Incoming>()
  #next = 0

  constructor(post: (message: BodyMessage) => void) {
    this.#post = post
  }

  /** Offers `body` to the other side; returns the number it reads it by. */
  outgoing(body: ReadableStream<Uint8Array>): number {
    const stream = this.#next++
    this.#outgoing.set(stream, { reader: body.getReader() })
    return stream
  }

  /**
   * Offers `body` as `outgoing` does, unless the whole of it is at hand: a body that reads to its end within this
   * turn of the event loop (an answer built from a string or a buffer) and fits in one chunk resolves to its bytes,
   * which cross inline with the answer, sparing the other side two round trips (its pull of the chunk, then of the
   * end). A body still coming (a stream, an SSE feed) resolves to a stream number at the end of the turn, keeping
   * what it read so far and the read still pending for the other side's first pull.
   *
   * @example
   * ```ts
   * const answer = await streams.offer(response.body) // { body: Uint8Array } or { stream: 3 }
   * ```
   */
  async offer(body: ReadableStream<Uint8Array>): Promise<{ body: Uint8Array } | { stream: number }> {
    const reader = body.getReader()
    let immediate: NodeJS.Immediate | undefined
    const turnEnds = new Promise<undefined>((resolve) => {
      immediate = setImmediate(resolve, undefined)
    })
    const chunks: Uint8Array[] = []
    let size = 0
    let next: Promise<Read> | undefined
    try {
      while (size <= MAX_BODY_CHUNK) {
        const read = reader.read()
        next = read
        const result = await Promise.race([read, turnEnds])
        if (result === undefined) break
        next = undefined
        if (result.done) return { body: concat(chunks, size) }
        chunks.push(result.value)
        size += result.value.byteLength
      }
    } catch {
      // The body failed: the other side hears it as the stream's error at its first pull.
    } finally {
      clearImmediate(immediate)
    }
    next?.catch(() => undefined)
    const stream = this.#next++
    this.#outgoing.set(stream, {
      reader,
      ...(size > 0 && { rest: concat(chunks, size) }),
      ...(next !== undefined && { next }),
    })
    return { stream }
  }

  /** The body the other side offered as `stream`, read from here on demand; `ended` hears when it is over. */
  incoming(stream: number, ended?: () => void): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => void this.#incoming.set(stream, { controller, ended }),
        pull: () =>
          new Promise<void>((resolve) => {
            const entry = this.#incoming.get(stream)
            if (entry === undefined) return resolve()
            entry.arrived = resolve
            this.#post({ t: 'pull', stream })
          }),
        cancel: () => {
          this.#incoming.get(stream)?.ended?.()
          this.#incoming.delete(stream)
          this.#post({ t: 'cancel', stream })
        },
      },
      { highWaterMark: 0 },
    )
  }

  /** Acts on a body message of the other side; one naming an unknown stream is ignored. */
  receive(message: BodyMessage): void {
    if (message.t === 'pull') void this.#send(message.stream)
    else if (message.t === 'cancel') this.cancelOutgoing(message.stream)
    else this.#arrive(message)
  }

  /** Stops sending `stream` (its request failed, or the other side no longer reads it). */
  cancelOutgoing(stream: number): void {
    const entry = this.#outgoing.get(stream)
    this.#outgoing.delete(stream)
    entry?.reader.cancel().catch(() => undefined)
  }

  /** Fails every body received and cancels every body sent: the other side is gone. */
  abortAll(reason: Error): void {
    for (const { controller, arrived, ended } of this.#incoming.values()) {
      controller.error(reason)
      arrived?.()
      ended?.()
    }
    this.#incoming.clear()
    for (const stream of [...this.#outgoing.keys()]) this.cancelOutgoing(stream)
  }

  async #send(stream: number): Promise<void> {
    const entry = this.#outgoing.get(stream)
    if (entry === undefined) return
    try {
      let chunk = entry.rest
      entry.rest = undefined
      if (chunk === undefined) {
        const read = entry.next ?? entry.reader.read()
        entry.next = undefined
        const { done, value } = await read
        if (done) {
          this.#outgoing.delete(stream)
          this.#post({ t: 'body', stream, done: true })
          return
        }
        chunk = value
      }
      if (chunk.byteLength > MAX_BODY_CHUNK) {
        entry.rest = chunk.subarray(MAX_BODY_CHUNK)
        chunk = chunk.subarray(0, MAX_BODY_CHUNK)
      }
      // A copy: the slice of a larger buffer would carry the whole buffer across.
      this.#post({ t: 'body', stream, chunk: chunk.slice() })
    } catch (error) {
      this.#outgoing.delete(stream)
      this.#post({ t: 'body', stream, error: error instanceof Error ? error.message : String(error) })
    }
  }

  #arrive(message: Extract<BodyMessage, { t: 'body' }>): void {
    const entry = this.#incoming.get(message.stream)
    if (entry === undefined) return
    const { controller, arrived, ended } = entry
    // A chunk nobody asked for is dropped: the sender may not fill this side's memory.
    if (arrived === undefined && message.chunk !== undefined) return
    entry.arrived = undefined
    if (message.error !== undefined) {
      this.#incoming.delete(message.stream)
      controller.error(new Error(message.error))
      ended?.()
    } else if (message.done === true) {
      this.#incoming.delete(message.stream)
      controller.close()
      ended?.()
    } else if (message.chunk !== undefined) controller.enqueue(message.chunk)
    arrived?.()
  }
}

// One buffer holding exactly the chunks' bytes: a view into a larger buffer would carry the whole buffer across.
function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const [only] = chunks
  if (chunks.length === 1 && only !== undefined && only.byteLength === only.buffer.byteLength) return only
  const whole = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    whole.set(chunk, at)
    at += chunk.byteLength
  }
  return whole
}
