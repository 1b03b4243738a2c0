/**
 * Per-second counters over a sliding window: `seconds` slots of `width` columns each, reused in a ring, so the
 * memory is fixed (seconds × width numbers) however long the server runs. A slot is cleared when a new second
 * first writes to it; a second nobody wrote to reads as absent.
 *
 * @example
 * ```ts
 * const ring = new PerSecondRing(900, 1)
 * ring.add(Math.floor(Date.now() / 1000), 0)
 * ring.row(Math.floor(Date.now() / 1000))?.[0] // 1
 * ```
 */
export class PerSecondRing {
  readonly seconds: number
  readonly width: number
  readonly #counts: Float64Array
  /** The epoch second each slot holds; -1 for a slot never written. */
  readonly #stamps: Float64Array

  constructor(seconds: number, width: number) {
    this.seconds = seconds
    this.width = width
    this.#counts = new Float64Array(seconds * width)
    this.#stamps = new Float64Array(seconds).fill(-1)
  }

  /** Adds `amount` to column `column` of epoch second `second`. */
  add(second: number, column: number, amount = 1): void {
    const slot = second % this.seconds
    const start = slot * this.width
    if (this.#stamps[slot] !== second) {
      this.#counts.fill(0, start, start + this.width)
      this.#stamps[slot] = second
    }
    this.#counts[start + column]! += amount
  }

  /** The columns of epoch second `second` (a view, not a copy), or undefined when nothing was written then. */
  row(second: number): Float64Array | undefined {
    const slot = second % this.seconds
    if (this.#stamps[slot] !== second) return undefined
    return this.#counts.subarray(slot * this.width, (slot + 1) * this.width)
  }
}
