import { describe, expect, it } from 'vitest'
import { LineBuffer, type LineDestination } from './line-buffer.js'

function recording(): LineDestination & { writes: string[]; ended: boolean } {
  const destination = {
    writes: [] as string[],
    ended: false,
    write: (text: string) => destination.writes.push(text),
    flush: (callback?: (error?: Error) => void) => callback?.(),
    flushSync: () => {},
    end: () => {
      destination.ended = true
    },
  }
  return destination
}

describe('LineBuffer', () => {
  it('hands the lines over in one write once minLength characters are held', () => {
    const destination = recording()
    const buffer = new LineBuffer(destination, { minLength: 10, periodicFlushMs: 60_000 })
    buffer.write('abcd\n')
    buffer.write('efgh\n')
    expect(destination.writes).toEqual(['abcd\nefgh\n'])
    buffer.write('ij\n')
    expect(destination.writes).toEqual(['abcd\nefgh\n'])
    buffer.end()
  })

  it('writes what it holds on flush, on end and every periodicFlushMs', async () => {
    const destination = recording()
    const buffer = new LineBuffer(destination, { minLength: 4096, periodicFlushMs: 20 })
    buffer.write('a\n')
    await new Promise<void>((resolve) => buffer.flush(() => resolve()))
    expect(destination.writes).toEqual(['a\n'])
    buffer.write('b\n')
    buffer.write('c\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(destination.writes).toEqual(['a\n', 'b\nc\n'])
    buffer.write('d\n')
    buffer.end()
    expect(destination.writes).toEqual(['a\n', 'b\nc\n', 'd\n'])
    expect(destination.ended).toBe(true)
    buffer.write('e\n')
    expect(destination.writes.at(-1)).toBe('e\n')
  })
})
