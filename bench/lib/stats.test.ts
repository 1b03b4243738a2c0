import { describe, expect, it } from 'vitest'
import { median, percentile } from './stats.js'

describe('percentile', () => {
  it('picks the nearest-rank value', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(sorted, 0.5)).toBe(50)
    expect(percentile(sorted, 0.99)).toBe(99)
    expect(percentile(sorted, 1)).toBe(100)
    expect(percentile(sorted, 0)).toBe(1)
  })

  it('is NaN for no samples', () => {
    expect(percentile([], 0.5)).toBeNaN()
  })
})

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle pair of an even one', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})
