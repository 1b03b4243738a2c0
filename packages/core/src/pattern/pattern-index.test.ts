import { describe, expect, it } from 'vitest'
import { matchesPattern } from './pattern.js'
import { PatternIndex } from './pattern-index.js'

describe('PatternIndex', () => {
  it('matches exact, * and ** patterns in insertion order', () => {
    const index = new PatternIndex<string>()
    index.add('**', 'all')
    index.add('order.created', 'exact')
    index.add('order.*', 'star')
    index.add('order.**', 'rest')
    index.add('*.created', 'star-first')
    index.add('user.*', 'other')
    expect(index.match('order.created')).toEqual(['all', 'exact', 'star', 'rest', 'star-first'])
    expect(index.match('order.item.added')).toEqual(['all', 'rest'])
    expect(index.match('order')).toEqual(['all'])
  })

  it('agrees with matchesPattern on every pattern and type combination', () => {
    const patterns = ['a', 'a.b', 'a.*', '*.b', 'a.**', '*.**', '**', 'a.*.c', '*', 'b.**', 'a.b.c']
    const types = ['a', 'b', 'a.b', 'a.c', 'b.b', 'a.b.c', 'a.x.c', 'b.c.d', 'a.b.c.d']
    const index = new PatternIndex<string>()
    for (const pattern of patterns) index.add(pattern, pattern)
    for (const type of types) {
      expect(index.match(type)).toEqual(patterns.filter((pattern) => matchesPattern(pattern, type)))
    }
  })

  it('removes values and reports what it removed', () => {
    const index = new PatternIndex<number>()
    index.add('a.*', 1)
    index.add('a.*', 2)
    index.add('a.**', 3)
    expect(index.remove('a.*', 1)).toBe(true)
    expect(index.remove('a.*', 1)).toBe(false)
    expect(index.remove('b.*', 1)).toBe(false)
    expect(index.match('a.b')).toEqual([2, 3])
    expect(index.remove('a.**', 3)).toBe(true)
    expect(index.remove('a.*', 2)).toBe(true)
    expect(index.size).toBe(0)
    expect(index.match('a.b')).toEqual([])
  })

  it('removes values of patterns without wildcards, leaving the wildcard ones of the same type', () => {
    const index = new PatternIndex<string>()
    index.add('order.created', 'exact')
    index.add('order.created', 'exact-2')
    index.add('order.*', 'star')
    expect(index.remove('order.created', 'exact')).toBe(true)
    expect(index.remove('order.created', 'exact')).toBe(false)
    expect(index.match('order.created')).toEqual(['exact-2', 'star'])
    expect(index.remove('order.created', 'exact-2')).toBe(true)
    expect(index.remove('order.created', 'exact-2')).toBe(false)
    expect(index.match('order.created')).toEqual(['star'])
    expect(index.size).toBe(1)
  })

  it('ignores adding the same pair twice', () => {
    const index = new PatternIndex<string>()
    index.add('a', 'x')
    index.add('a', 'x')
    expect(index.size).toBe(1)
    expect(index.match('a')).toEqual(['x'])
  })
})
