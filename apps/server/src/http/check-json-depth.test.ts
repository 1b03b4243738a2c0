import { describe, expect, it } from 'vitest'
import { checkJsonDepth } from './check-json-depth.js'

describe('checkJsonDepth', () => {
  it('passes JSON at the limit and refuses one level more with the limit in the message', () => {
    expect(() => checkJsonDepth('{"a":[1,{"b":2}]}', 3, 'body')).not.toThrow()
    expect(() => checkJsonDepth('{"a":[1,{"b":[]}]}', 3, 'body')).toThrow(
      'body: nested 4 levels deep or more, more than the limit of 3 (limits.json_depth)',
    )
  })

  it('passes shallow JSON with more brackets than the limit', () => {
    expect(() => checkJsonDepth('[[],[],{},{"a":"{[{["}]', 2, 'body')).not.toThrow()
    expect(() => checkJsonDepth('[[],[],[[]]]', 2, 'body')).toThrow('nested 3 levels deep')
  })

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(() => checkJsonDepth('{"a":"[[[[\\"[[[["}', 1, 'body')).not.toThrow()
  })

  it('refuses 100,000 levels without recursing, and reports the data depth under an envelope', () => {
    const deep = `{"type":"x","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    expect(() => checkJsonDepth(deep, 65, 'body', 1)).toThrow(
      expect.objectContaining({ code: 'E_LIMIT_JSON_DEPTH', max: 64, actual: 65 }),
    )
  })
})
