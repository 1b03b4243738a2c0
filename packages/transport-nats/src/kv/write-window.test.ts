import { describe, expect, it } from 'vitest'
import { WriteWindow } from './write-window.js'

/** A write that finishes when the test says so. */
function pendingWrite(): { write: () => Promise<void>; finish: () => void } {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  return { write: () => done, finish }
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('WriteWindow', () => {
  it('makes an accept wait while the window is full and lets it in when a write finishes', async () => {
    const window = new WriteWindow(2)
    const first = pendingWrite()
    const second = pendingWrite()
    void window.admit(1, first.write)
    void window.admit(1, second.write)
    let thirdRan = false
    const third = window.admit(1, async () => {
      thirdRan = true
    })
    await settled()
    expect(thirdRan).toBe(false)
    expect(window.inFlight).toBe(2)
    first.finish()
    await third
    expect(thirdRan).toBe(true)
    second.finish()
    await settled()
    expect(window.inFlight).toBe(0)
  })

  it('never makes an outcome write wait, and lets accepts in first come first served', async () => {
    const window = new WriteWindow(1)
    const accept = pendingWrite()
    void window.admit(1, accept.write)
    const order: string[] = []
    const waiting = ['a', 'b', 'c'].map((name) => window.admit(1, async () => void order.push(name)))
    const outcome = pendingWrite()
    let outcomeRan = false
    const tracked = window.track(5, async () => {
      outcomeRan = true
      await outcome.write()
    })
    expect(outcomeRan).toBe(true)
    expect(window.inFlight).toBe(6)
    accept.finish()
    await settled()
    // the outcome write still fills the window: no accept gets in until it is done
    expect(order).toEqual([])
    outcome.finish()
    await Promise.all([tracked, ...waiting])
    expect(order).toEqual(['a', 'b', 'c'])
  })

  it('frees its room when a write fails', async () => {
    const window = new WriteWindow(1)
    await expect(window.admit(1, () => Promise.reject(new Error('server gone')))).rejects.toThrow(
      'server gone',
    )
    expect(window.inFlight).toBe(0)
    await expect(window.admit(1, async () => 'ok')).resolves.toBe('ok')
  })
})
