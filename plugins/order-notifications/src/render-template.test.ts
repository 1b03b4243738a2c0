import { describe, expect, it } from 'vitest'
import { renderTemplate, valueAt } from './render-template.js'

describe('renderTemplate', () => {
  const event = { id: 'e1', data: { orderId: 'o-7', status: 'shipped', total: 12.5, items: [1] } }

  it('fills placeholders from dot paths, spaces inside braces allowed', () => {
    expect(renderTemplate('Order {{data.orderId}} is {{ data.status }} ({{data.total}})', event)).toBe(
      'Order o-7 is shipped (12.5)',
    )
  })

  it('leaves placeholders that lead nowhere or to objects as written', () => {
    expect(renderTemplate('{{data.missing}} {{data.items}} {{data.orderId.x}}', event)).toBe(
      '{{data.missing}} {{data.items}} {{data.orderId.x}}',
    )
  })
})

describe('valueAt', () => {
  it('does not read inherited properties', () => {
    expect(valueAt({ data: {} }, 'data.constructor')).toBeUndefined()
    expect(valueAt({ data: { status: 3 } }, 'data.status')).toBe(3)
  })
})
