import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Deadlined, DeadlineGroup, type DeadlineLane, DeadlineList } from './deadline-list.js'

/** An attempt stand-in that records why it expired. */
class Item implements Deadlined {
  deadline = 0
  prev: Deadlined | undefined = undefined
  next: Deadlined | undefined = undefined
  lane: DeadlineLane | undefined = undefined
  expired: (Error | 'deadline')[] = []
  constructor(readonly timeoutMs: number) {}
  expire(reason?: Error): void {
    this.expired.push(reason ?? 'deadline')
  }
}

describe('DeadlineList', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('expires an attempt once its timeout passed, not one untracked before', () => {
    const deadlines = new DeadlineList<Item>()
    const late = new Item(50)
    const early = new Item(50)
    deadlines.track(late)
    deadlines.track(early)
    expect(deadlines.untrack(early)).toBe(true)
    vi.advanceTimersByTime(50)
    expect(late.expired).toEqual([])
    vi.advanceTimersByTime(20)
    expect(late.expired).toEqual(['deadline'])
    expect(early.expired).toEqual([])
    expect(deadlines.untrack(late)).toBe(false)
  })

  it('expires the members of a group still tracked at its deadline, each once', () => {
    const deadlines = new DeadlineList<Item>()
    const group = new DeadlineGroup()
    const members = [new Item(50), new Item(50), new Item(50)]
    for (const member of members) deadlines.trackIn(member, group)
    expect(deadlines.untrack(members[1]!)).toBe(true)
    vi.advanceTimersByTime(70)
    expect(members.map((member) => member.expired.length)).toEqual([1, 0, 1])
    expect(deadlines.untrack(members[0]!)).toBe(false)
    vi.advanceTimersByTime(100)
    expect(members.map((member) => member.expired.length)).toEqual([1, 0, 1])
  })

  it('expires nothing of a group whose members were all untracked, and stops its timer', () => {
    const deadlines = new DeadlineList<Item>()
    const group = new DeadlineGroup()
    const members = [new Item(50), new Item(50)]
    for (const member of members) deadlines.trackIn(member, group)
    for (const member of members) expect(deadlines.untrack(member)).toBe(true)
    vi.advanceTimersByTime(100)
    expect(members.flatMap((member) => member.expired)).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('tracks a group again when a member joins after every earlier one was untracked', () => {
    const deadlines = new DeadlineList<Item>()
    const group = new DeadlineGroup()
    const failed = new Item(50)
    const running = new Item(50)
    deadlines.trackIn(failed, group)
    expect(deadlines.untrack(failed)).toBe(true)
    deadlines.trackIn(running, group)
    vi.advanceTimersByTime(70)
    expect(running.expired).toEqual(['deadline'])
    expect(failed.expired).toEqual([])
  })

  it.each([
    { joins: 'with another timeout', timeoutMs: 500, afterMs: 0, expiresAtMs: 510 },
    { joins: 'in a later tick', timeoutMs: 50, afterMs: 30, expiresAtMs: 100 },
  ])('tracks a member joining $joins on its own, so it never expires early', (example) => {
    const deadlines = new DeadlineList<Item>()
    const group = new DeadlineGroup()
    const first = new Item(50)
    const other = new Item(example.timeoutMs)
    deadlines.trackIn(first, group)
    vi.advanceTimersByTime(example.afterMs)
    deadlines.trackIn(other, group)
    vi.advanceTimersByTime(70 - example.afterMs)
    expect(first.expired).toEqual(['deadline'])
    expect(other.expired).toEqual([])
    vi.advanceTimersByTime(example.expiresAtMs - 70)
    expect(other.expired).toEqual(['deadline'])
  })

  it('expireAll ends grouped and single attempts with the reason', () => {
    const deadlines = new DeadlineList<Item>()
    const group = new DeadlineGroup()
    const single = new Item(50)
    const members = [new Item(50), new Item(50)]
    deadlines.track(single)
    for (const member of members) deadlines.trackIn(member, group)
    const reason = new Error('closing')
    deadlines.expireAll(reason)
    expect([single, ...members].map((item) => item.expired)).toEqual([[reason], [reason], [reason]])
    expect(deadlines.untrack(members[0]!)).toBe(false)
  })
})
