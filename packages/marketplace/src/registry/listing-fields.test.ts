import { describe, expect, it } from 'vitest'
import { listingFieldsOf } from './listing-fields.js'

describe('listingFieldsOf', () => {
  it('reads a package.json: eventPlugin.category, keywords as tags, author name, license', () => {
    expect(
      listingFieldsOf({
        eventPlugin: { entry: './dist/index.js', category: 'notifications' },
        keywords: ['switchyard', 'switchyard-plugin', 'email', 42],
        author: { name: 'Ada', email: 'ada@example.com' },
        license: 'MIT',
      }),
    ).toEqual({ category: 'notifications', tags: ['email'], author: 'Ada', license: 'MIT' })
  })

  it('reads an index entry with its own fields, and leaves what is missing or malformed empty', () => {
    expect(listingFieldsOf({ category: 'security', tags: ['jwt'], author: 'Grace' })).toEqual({
      category: 'security',
      tags: ['jwt'],
      author: 'Grace',
      license: null,
    })
    expect(listingFieldsOf({ author: 7, license: { type: 'MIT' } })).toEqual({
      category: null,
      tags: [],
      author: null,
      license: null,
    })
  })
})
