import { describe, expect, it } from 'vitest'
import { Fifo } from './fifo.js'

describe('Fifo', () => {
  it('keeps first-in first-out order across compactions', () => {
    const queue = new Fifo<number>()
    const out: number[] = []
    for (let n = 0; n < 1000; n++) {
      queue.push(n)
      if (n % 3 === 0) out.push(queue.shift()!)
    }
    expect(queue.length).toBe(1000 - out.length)
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item)
    expect(out).toEqual(Array.from({ length: 1000 }, (_, n) => n))
    expect(queue.shift()).toBeUndefined()
  })
})
