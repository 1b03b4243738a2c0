/**
 * A handler name and what is bound to it: the current subscription and any holds.
 * A slot outlives its subscription while held, so deliveries waiting on the hold reach whichever handler is
 * subscribed under the name when it is released (plugin reload). `E` is the subscription type (`HandlerEntry`),
 * a parameter so that the slot does not import the entry that points back to it.
 *
 * @example
 * ```ts
 * const slot = new HandlerSlot<HandlerEntry>('audit_log')
 * slot.hold()
 * slot.release()
 * ```
 */
export class HandlerSlot<E> {
  readonly name: string
  entry: E | undefined = undefined
  /**
   * The subscription unsubscribed while the name is held: it stays in the dispatch plan (its pattern and filter
   * still match) so events published or enqueued in the gap wait for the name, until a new subscription takes
   * its place or the hold ends.
   */
  retired: E | undefined = undefined
  #holds = 0
  #gate: Promise<void> | undefined
  #open: (() => void) | undefined

  constructor(name: string) {
    this.name = name
  }

  get held(): boolean {
    return this.#holds > 0
  }

  hold(): void {
    if (this.#holds++ === 0) this.#gate = new Promise((resolve) => (this.#open = resolve))
  }

  /** Ends one hold; the deliveries waiting go on when the last hold ends. */
  release(): void {
    if (this.#holds === 0) return
    if (--this.#holds === 0) {
      this.#open?.()
      this.#gate = undefined
    }
  }

  /** Resolves when the slot is no longer held. */
  released(): Promise<void> {
    return this.#gate ?? Promise.resolve()
  }
}
