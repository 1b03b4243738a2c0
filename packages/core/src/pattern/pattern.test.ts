import { describe, expect, it } from 'vitest'
import { InvalidPatternError } from '../errors.js'
import { compilePattern, matchesPattern, patternToSubject } from './pattern.js'

describe('compilePattern / matchesPattern', () => {
  it.each([
    ['order.created', 'order.created', true],
    ['order.created', 'order.updated', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order.item.added', false],
    ['order.*', 'order', false],
    ['*.created', 'user.created', true],
    ['order.**', 'order.created', true],
    ['order.**', 'order.item.added', true],
    ['order.**', 'order', false],
    ['order.**', 'orders.created', false],
    ['**', 'anything', true],
    ['**', 'a.b.c', true],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
  ])('%s against %s is %s', (pattern, type, expected) => {
    expect(matchesPattern(pattern, type)).toBe(expected)
    expect(compilePattern(pattern).test(type)).toBe(expected)
  })

  it.each([
    ['', /must not be empty/],
    ['order.**.created', /"\*\*" is allowed only as the last segment/],
    ['Order.created', /segment "Order"/],
    ['order..created', /segment ""/],
    ['order.cre*', /segment "cre\*"/],
  ])('rejects %j', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidPatternError)
    expect(() => compilePattern(pattern)).toThrow(message)
  })
})

describe('patternToSubject', () => {
  it('maps ** to > under a prefix', () => {
    expect(patternToSubject('order.**', 'switchyard.events')).toBe('switchyard.events.order.>')
    expect(patternToSubject('*.created', 'ev')).toBe('ev.*.created')
    expect(patternToSubject('**', '')).toBe('>')
  })
})
