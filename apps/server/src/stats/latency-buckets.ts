/** The smallest duration told apart, in milliseconds; faster deliveries land in the first bucket. */
const SMALLEST_MS = 0.05
/** Each bucket is this much wider than the one before: quantiles are within 10% of the true value. */
const GROWTH = 1.2
/** 0.05 ms × 1.2^80 ≈ 100 s: past every delivery timeout. */
export const LATENCY_BUCKETS = 80

const LOG_GROWTH = Math.log(GROWTH)

/**
 * The histogram bucket of a duration: log-spaced, so a per-second row of bucket counts gives p50 and p95 without
 * keeping every duration.
 *
 * @example
 * ```ts
 * latencyBucket(12.5) // 30
 * ```
 */
export function latencyBucket(durationMs: number): number {
  if (!(durationMs > SMALLEST_MS)) return 0
  return Math.min(LATENCY_BUCKETS - 1, Math.floor(Math.log(durationMs / SMALLEST_MS) / LOG_GROWTH))
}

/**
 * The `q` quantile (0..1) of the durations counted in `buckets`, as the geometric middle of the bucket it falls in
 * (milliseconds, two decimals); null when the row counts nothing.
 *
 * @example
 * ```ts
 * bucketQuantile(row, 0.95)
 * ```
 */
export function bucketQuantile(buckets: ArrayLike<number>, q: number): number | null {
  let total = 0
  for (let i = 0; i < buckets.length; i++) total += buckets[i]!
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!
    if (seen >= rank && buckets[i]! > 0) return Math.round(SMALLEST_MS * GROWTH ** (i + 0.5) * 100) / 100
  }
  return null
}
