import { describe, expect, it } from 'vitest'
import { PooledIdGenerator } from './pooled-id-generator.js'

describe('PooledIdGenerator', () => {
  it('gives W3C trace and span ids: lower-case hex of 32 and 16 characters, never all zero, never repeated', () => {
    const ids = new PooledIdGenerator()
    // Enough draws to refill the pool several times.
    const traces = Array.from({ length: 1000 }, () => ids.generateTraceId())
    const spans = Array.from({ length: 1000 }, () => ids.generateSpanId())
    for (const id of traces) expect(id).toMatch(/^(?!0{32})[0-9a-f]{32}$/)
    for (const id of spans) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/)
    expect(new Set(traces).size).toBe(traces.length)
    expect(new Set(spans).size).toBe(spans.length)
  })
})
