import { describe, expect, it } from 'vitest'
import { carryNotes } from './carry-notes.js'
import { checkSandboxMessage, type SandboxMessage } from './sandbox-protocol.js'

const log: SandboxMessage = { t: 'log', level: 'info', bindings: {}, obj: { n: 1 }, msg: 'sent' }
const metric: SandboxMessage = { t: 'metric', name: 'sent_total', method: 'inc', args: [{ channel: 'log' }] }
const call: SandboxMessage = { t: 'call', id: 4, steps: ['publish', { args: ['a.b', {}] }] }
const first: SandboxMessage = { t: 'result', id: 1, ok: true }
const second: SandboxMessage = { t: 'result', id: 2, ok: true }

describe('carryNotes', () => {
  it("carries a batch's log lines and metric updates in its first answer or call, in the order they were made", () => {
    const batch = [log, first, metric, second]
    expect(carryNotes(batch)).toEqual([{ ...first, notes: [log, metric] }, second])
    expect(carryNotes([log, metric, call, first])).toEqual([{ ...call, notes: [log, metric] }, first])
    expect(carryNotes([log, { t: 'done', ids: [3] }])).toEqual([{ t: 'done', ids: [3], notes: [log] }])
    // The messages given stay as they were: a batch that cannot be cloned is retried message by message.
    expect(first).toEqual({ t: 'result', id: 1, ok: true })
    expect(batch).toEqual([log, first, metric, second])
  })

  it('sends a batch with nothing to carry its notes, or without notes, as it is', () => {
    const nothing: SandboxMessage[] = [log, { t: 'unregister', kind: 'on', key: 'a' }, metric]
    expect(carryNotes(nothing)).toBe(nothing)
    const noNotes = [call, first]
    expect(carryNotes(noNotes)).toBe(noNotes)
  })

  it('is checked by the host like the messages it carries: only well-formed logs and metrics may ride', () => {
    expect(checkSandboxMessage(carryNotes([log, first, metric])[0])).toBeUndefined()
    expect(checkSandboxMessage(carryNotes([log, call])[0])).toBeUndefined()
    expect(checkSandboxMessage({ ...first, notes: [call] })).toBe(
      'notes: expected log and metric messages only',
    )
    expect(
      checkSandboxMessage({ ...call, notes: [{ t: 'log', level: 'loud', bindings: {}, obj: {} }] }),
    ).toBe('notes: log.level: expected debug, info, warn or error')
    expect(checkSandboxMessage({ ...first, notes: {} })).toBe('notes: expected an array')
  })
})
