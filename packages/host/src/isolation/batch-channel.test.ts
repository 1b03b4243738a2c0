import { setImmediate as turn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { BatchChannel } from './batch-channel.js'
import { checkSandboxMessage, type SandboxMessage } from './sandbox-protocol.js'

describe('BatchChannel', () => {
  it("sends a turn's messages as one batch, its answers without a value as one done message where the first stood", async () => {
    const batches: SandboxMessage[][] = []
    const channel = new BatchChannel<SandboxMessage>(
      (batch) => batches.push(batch),
      () => undefined,
    )
    channel.send({ t: 'call', id: 1, steps: ['publish', { args: ['a.b', {}] }] })
    channel.done(7)
    channel.send({ t: 'result', id: 8, ok: true, value: 42 })
    channel.done(9)
    await turn()
    channel.done(10)
    await turn()
    expect(batches).toEqual([
      [
        { t: 'call', id: 1, steps: ['publish', { args: ['a.b', {}] }] },
        { t: 'done', ids: [7, 9] },
        { t: 'result', id: 8, ok: true, value: 42 },
      ],
      [{ t: 'done', ids: [10] }],
    ])
  })

  it('is checked by the host: a done message names its requests by non-negative integer ids', () => {
    expect(checkSandboxMessage({ t: 'done', ids: [0, 3] })).toBeUndefined()
    expect(checkSandboxMessage({ t: 'done', ids: [1, -1] })).toBe(
      'done.ids: expected an array of non-negative integers',
    )
    expect(checkSandboxMessage({ t: 'done', ids: '1' })).toBe(
      'done.ids: expected an array of non-negative integers',
    )
    expect(checkSandboxMessage({ t: 'done', ids: [], notes: [{ t: 'pong' }] })).toBe(
      'notes: expected log and metric messages only',
    )
  })
})
