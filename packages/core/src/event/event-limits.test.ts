import { describe, expect, it } from 'vitest'
import { ConfigError, JsonDepthLimitError, LimitError } from '../errors.js'
import { createEvent } from './create-event.js'
import { defaultEventLimits, resolveEventLimits } from './event-limits.js'
import { freezeJson } from './freeze-json.js'

/** `[[[...]]]` nested `depth` arrays deep (depth 1 is `[]`). */
function nested(depth: number): unknown {
  let value: unknown = []
  for (let i = 1; i < depth; i++) value = [value]
  return value
}

const codeOf = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error instanceof LimitError ? { code: error.code, max: error.max, actual: error.actual } : error
  }
  return 'no error'
}

describe('event limits', () => {
  it('accepts data exactly at the depth limit and refuses one level more, naming limit and depth', () => {
    expect(() => createEvent('a.b', nested(64))).not.toThrow()
    expect(codeOf(() => createEvent('a.b', nested(65)))).toEqual({
      code: 'E_LIMIT_JSON_DEPTH',
      max: 64,
      actual: 65,
    })
    expect(() => createEvent('a.b', { x: nested(64) })).toThrow(
      /event\.data\.x(\[0\])+: nested 65 levels deep or more, more than the limit of 64 \(limits\.json_depth\)/,
    )
  })

  it('refuses JSON nested 100,000 deep with the limit error, not a stack overflow', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)
    expect(() => freezeJson(deep, 'event.data', 64)).toThrow(JsonDepthLimitError)
    expect(() => createEvent('a.b', { deep })).toThrow(JsonDepthLimitError)
  })

  it('checks metadata depth too', () => {
    expect(codeOf(() => createEvent('a.b', {}, { metadata: { trace: nested(64) } }))).toMatchObject({
      code: 'E_LIMIT_JSON_DEPTH',
    })
  })

  it('refuses an event type longer than the limit before matching its pattern', () => {
    expect(() => createEvent(`a.${'b'.repeat(253)}`, {})).not.toThrow()
    expect(codeOf(() => createEvent(`a.${'b'.repeat(254)}`, {}))).toEqual({
      code: 'E_LIMIT_EVENT_TYPE',
      max: 255,
      actual: 256,
    })
    expect(() => createEvent('x'.repeat(500_000), {})).toThrow(
      'event.type: 500000 characters, more than the limit of 255 (limits.event_type_length)',
    )
  })

  it('refuses metadata strings, ids and sources longer than the limit or with control characters', () => {
    expect(() => createEvent('a.b', {}, { metadata: { idempotencyKey: 'k'.repeat(1024) } })).not.toThrow()
    expect(
      codeOf(() => createEvent('a.b', {}, { metadata: { idempotencyKey: 'k'.repeat(10_000) } })),
    ).toEqual({ code: 'E_LIMIT_METADATA', max: 1024, actual: 10_000 })
    expect(() => createEvent('a.b', {}, { metadata: { idempotencyKey: 'a\r\nSet-Cookie: x' } })).toThrow(
      /event\.metadata\.idempotencyKey: contains control characters/,
    )
    expect(() => createEvent('a.b', {}, { metadata: { tenant: 'x\u0000' } })).toThrow(/metadata\.tenant/)
    expect(() => createEvent('a.b', {}, { id: 'i'.repeat(1025) })).toThrow(/event\.id: 1025 characters/)
    expect(() => createEvent('a.b', {}, { source: 's\n' })).toThrow(/event\.source: contains control/)
  })

  it('takes other limits from init.limits', () => {
    // The generated id (36 characters) is checked against metadataStringLength too.
    const limits = { jsonDepth: 2, eventTypeLength: 5, metadataStringLength: 40 }
    expect(() => createEvent('a.b', { x: {} }, { limits })).not.toThrow()
    expect(() => createEvent('a.b', { x: { y: {} } }, { limits })).toThrow(/limit of 2/)
    expect(() => createEvent('a.bcde', {}, { limits })).toThrow(/limit of 5/)
    expect(() => createEvent('a.b', {}, { limits, metadata: { orderingKey: 'o'.repeat(41) } })).toThrow(
      /limit of 40/,
    )
    expect(() => createEvent('a.b', nested(100), { limits: { jsonDepth: 100 } })).not.toThrow()
  })

  it('resolves limits with the defaults and refuses bad ones', () => {
    expect(resolveEventLimits(undefined)).toBe(defaultEventLimits)
    expect(resolveEventLimits({ jsonDepth: 8 })).toEqual({ ...defaultEventLimits, jsonDepth: 8 })
    expect(() => resolveEventLimits({ jsonDepth: 0 })).toThrow(ConfigError)
    expect(() => resolveEventLimits({ jsonDepth: 100_000 })).toThrow(
      'limits.jsonDepth: expected an integer from 1 to 1000, got 100000',
    )
    expect(() => resolveEventLimits({ eventTypeLength: 1.5 }, 'bus limits')).toThrow(
      /bus limits\.eventTypeLength/,
    )
  })

  it('hands limits it resolved back as they are (no second check per event)', () => {
    const limits = resolveEventLimits({ jsonDepth: 8 })
    expect(resolveEventLimits(limits)).toBe(limits)
    expect(resolveEventLimits(defaultEventLimits)).toBe(defaultEventLimits)
    const plain = { ...limits }
    expect(resolveEventLimits(plain)).not.toBe(plain)
  })
})
