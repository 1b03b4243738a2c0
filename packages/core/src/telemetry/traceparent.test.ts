import { describe, expect, it } from 'vitest'
import { formatTraceparent, parseTraceparent } from './traceparent.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('parseTraceparent', () => {
  it('reads a version 00 traceparent as a remote span context, with its tracestate', () => {
    const context = parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'vendor=abc,other=1')
    expect(context).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true })
    expect(context?.traceState?.get('vendor')).toBe('abc')
    expect(formatTraceparent(context!)).toBe(`00-${TRACE}-${SPAN}-01`)
  })

  it('accepts a later version with more fields, keeping the four it knows', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-00-future`)?.traceFlags).toBe(0)
  })

  it.each([
    ['not a string', 42],
    ['garbage', 'garbage'],
    ['upper case', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['extra field on version 00', `00-${TRACE}-${SPAN}-01-x`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['short span id', `00-${TRACE}-00f067aa-01`],
  ])('ignores a malformed traceparent (%s)', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined()
  })

  it('drops a malformed or oversized tracestate and keeps the traceparent', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'x'.repeat(600))?.traceState).toBeUndefined()
    const context = parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'Bad Key=1,good=2')
    expect(context?.traceId).toBe(TRACE)
    expect(context?.traceState?.get('good')).toBe('2')
  })
})
