import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { isSecretSchema, secret } from './secret.js'

describe('secret', () => {
  it('marks a schema that still parses and checks as before', () => {
    const token = secret(v.pipe(v.string(), v.minLength(8)))
    expect(isSecretSchema(token)).toBe(true)
    expect(v.parse(token, 'long-enough')).toBe('long-enough')
    expect(v.safeParse(token, 'short').success).toBe(false)
    expect(v.parse(secret(), 'any')).toBe('any')
    expect(isSecretSchema(secret())).toBe(true)
  })

  it('is not found on unmarked schemas, other metadata or non-schemas', () => {
    expect(isSecretSchema(v.string())).toBe(false)
    expect(isSecretSchema(v.pipe(v.string(), v.metadata({ other: true })))).toBe(false)
    expect(isSecretSchema(undefined)).toBe(false)
    // An optional wrapper is a schema of its own: the host looks through it.
    expect(isSecretSchema(v.optional(secret()))).toBe(false)
  })
})
