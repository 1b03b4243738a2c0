import { describe, expect, it } from 'vitest'
import { fromKeyToken, toKeyToken } from './key-token.js'

describe('toKeyToken', () => {
  it('keeps UUIDs and snake_case names readable', () => {
    expect(toKeyToken('audit_log')).toBe('audit_log')
    expect(toKeyToken('01900000-0000-7000-8000-000000000001')).toBe('01900000-0000-7000-8000-000000000001')
  })

  it('encodes anything else into one valid token that decodes back', () => {
    for (const text of ['', 'a.b', 'with space', 'b/2', '*', '>', '=x', 'ünïcødé', 'a..b']) {
      const token = toKeyToken(text)
      expect(token).toMatch(/^[A-Za-z0-9_=-]+$/)
      expect(fromKeyToken(token)).toBe(text)
    }
  })
})
