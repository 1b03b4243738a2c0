import { describe, expect, it } from 'vitest'
import type { CallStep } from './sandbox-protocol.js'
import { SharedReads } from './shared-reads.js'

const get = (key: string): CallStep[] => ['store', 'get', { args: [key] }]
const set = (key: string, value: unknown): CallStep[] => ['store', 'set', { args: [key, value] }]

/** A host that answers each request with what its store holds when the request is sent, and counts them. */
function host() {
  const store = new Map<string, unknown>([['revision', { n: 1 }]])
  const requests: CallStep[][] = []
  const send = async (steps: CallStep[]) => {
    requests.push(steps)
    const [, method, { args }] = steps as [string, string, { args: [string, unknown] }]
    if (method === 'set') store.set(args[0], args[1])
    return store.get(args[0])
  }
  return { requests, send }
}

describe('SharedReads', () => {
  it('sends the same read asked twice in one batch once, each caller getting its own copy', async () => {
    const reads = new SharedReads()
    const { requests, send } = host()
    const [a, b] = await Promise.all([reads.ask(get('revision'), send), reads.ask(get('revision'), send)])
    expect(requests).toHaveLength(1)
    expect(a).toEqual({ n: 1 })
    expect(b).toEqual(a)
    expect(b).not.toBe(a)
  })

  it('sends a read again once the batch left, and after a write asked in between', async () => {
    const reads = new SharedReads()
    const { requests, send } = host()
    await reads.ask(get('revision'), send)
    reads.sent()
    await reads.ask(get('revision'), send)
    const before = reads.ask(get('revision'), send)
    await reads.ask(set('revision', { n: 2 }), send)
    const after = await reads.ask(get('revision'), send)
    expect(requests).toHaveLength(4)
    expect(await before).toEqual({ n: 1 })
    expect(after).toEqual({ n: 2 })
  })

  it('gives the later callers the answer as it came, whatever the first caller does with its own', async () => {
    const reads = new SharedReads()
    const { send } = host()
    const first = (async () => {
      const value = (await reads.ask(get('revision'), send)) as { n: number }
      value.n = 99
      return value
    })()
    const second = reads.ask(get('revision'), send)
    expect(await first).toEqual({ n: 99 })
    expect(await second).toEqual({ n: 1 })
  })

  it('shares only reads of the same key', async () => {
    const reads = new SharedReads()
    const { requests, send } = host()
    await Promise.all([reads.ask(get('revision'), send), reads.ask(get('other'), send)])
    expect(requests).toHaveLength(2)
  })
})
