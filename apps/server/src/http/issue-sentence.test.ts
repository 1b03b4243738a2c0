import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { issueSentence } from './issue-sentence.js'

const Body = v.object({
  type: v.pipe(v.string(), v.nonEmpty()),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  kind: v.optional(v.picklist(['a', 'b'])),
  name: v.optional(v.pipe(v.string(), v.maxLength(3))),
  flag: v.optional(v.picklist(['true', 'false'], 'expected true or false')),
  meta: v.optional(v.strictObject({ x: v.string() })),
})

const sentences = (input: unknown) => v.safeParse(Body, input).issues?.map(issueSentence)

describe('issueSentence', () => {
  it('says what the value must be, in words', () => {
    expect(sentences({ type: '' })).toEqual(['must not be empty'])
    expect(sentences({})).toEqual(['is required'])
    expect(sentences({ type: 3 })).toEqual(['must be a string, got 3'])
    expect(sentences('text')).toEqual(['must be an object, got "text"'])
    expect(sentences({ type: 'a', limit: 1.5 })).toEqual(['must be an integer, got 1.5'])
    expect(sentences({ type: 'a', limit: 0 })).toEqual(['must be at least 1, got 0'])
    expect(sentences({ type: 'a', kind: 'c' })).toEqual(['must be one of "a", "b", got "c"'])
    expect(sentences({ type: 'a', name: 'abcd' })).toEqual(['must be at most 3 long, got 4'])
    expect(sentences({ type: 'a', meta: { x: '1', y: 2 } })).toEqual(['unknown key "y"'])
  })

  it("keeps a message the schema's author wrote", () => {
    expect(sentences({ type: 'a', flag: 'yes' })).toEqual(['expected true or false'])
  })
})
