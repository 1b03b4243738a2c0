import { createEvent } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { partitionOf, SubjectScheme } from './subject-scheme.js'

describe('SubjectScheme', () => {
  const scheme = new SubjectScheme('switchyard', 4)

  it('puts events without an orderingKey under <prefix>.<type>', () => {
    expect(scheme.subjectOf(createEvent('order.created', {}))).toBe('switchyard.order.created')
  })

  it('puts keyed events in the partition of their key, the same one every time', () => {
    const event = createEvent('order.created', {}, { metadata: { orderingKey: 'order-42' } })
    const partition = partitionOf('order-42', 4)
    expect(scheme.subjectOf(event)).toBe(`switchyard_keyed.${partition}.order.created`)
    expect(partitionOf('order-42', 4)).toBe(partition)
  })

  it('maps * and ** onto NATS wildcards, for both subject roots', () => {
    expect(scheme.filter('order.*')).toBe('switchyard.order.*')
    expect(scheme.filter('order.**')).toBe('switchyard.order.>')
    expect(scheme.filter('**')).toBe('switchyard.>')
    expect(scheme.keyedFilter('order.*', 3)).toBe('switchyard_keyed.3.order.*')
  })

  it('keeps keyed subjects out of a ** handler on the plain root', () => {
    expect(scheme.streamSubjects()).toEqual(['switchyard.>', 'switchyard_keyed.>'])
    expect(scheme.subjectOf(createEvent('a', {}, { metadata: { orderingKey: 'k' } }))).not.toMatch(
      /^switchyard\./,
    )
  })

  it('spreads keys over every partition', () => {
    const used = new Set(Array.from({ length: 200 }, (_, n) => partitionOf(`key-${n}`, 8)))
    expect(used.size).toBe(8)
  })
})
