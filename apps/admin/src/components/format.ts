/** A time as the browser's local clock shows it, to the second. */
export function formatTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString()
}

/** A duration in ms, short: `0.4 ms`, `12 ms`, `1.5 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–'
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(1)} s`
}

/** Sum of an array of numbers. */
export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)
