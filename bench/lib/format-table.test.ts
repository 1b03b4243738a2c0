import { describe, expect, it } from 'vitest'
import { groupCells, renderMarkdown, targetCells } from './format-table.js'
import type { GroupResult } from './suite.js'

const group: GroupResult = {
  title: 'g',
  unit: 'events/s',
  baseline: 'base',
  rows: [
    { name: 'base', opsPerSec: 500, cpuOpsPerSec: 1000, roundRange: [900, 1100], p50Ms: 0.0005, p99Ms: 2 },
    {
      name: 'other',
      opsPerSec: 2000,
      cpuOpsPerSec: 500,
      roundRange: [450, 1_500_000],
      p50Ms: 0.05,
      p99Ms: 1500,
    },
  ],
}

describe('groupCells', () => {
  it('compares rows by CPU throughput and formats counts, ranges and durations', () => {
    expect(groupCells(group)).toEqual([
      ['case', 'events/s (CPU)', 'events/s (wall)', 'vs base', 'rounds min-max', 'p50', 'p99'],
      ['base', '1,000', '500', '1.00x', '900-1.1k', '0.50 µs', '2.00 ms'],
      ['other', '500', '2,000', '0.50x', '450-1.50M', '50.0 µs', '1.50 s'],
    ])
  })

  it('shows a zero latency from a whole-millisecond clock as under 1 ms', () => {
    const coarse: GroupResult = { ...group, rows: [{ name: 'base', opsPerSec: 10, p50Ms: 0, p99Ms: 3 }] }
    expect(groupCells(coarse)[1]).toEqual(['base', '10', '1.00x', '< 1 ms', '3.00 ms'])
  })

  it('has only wall-clock throughput when no row measured CPU time', () => {
    const wall: GroupResult = { ...group, rows: [{ name: 'base', opsPerSec: 10, p50Ms: 1, p99Ms: 2 }] }
    expect(groupCells(wall)[0]).toEqual(['case', 'events/s', 'vs base', 'p50', 'p99'])
  })
})

describe('renderMarkdown', () => {
  it('right-aligns numeric columns', () => {
    const table = renderMarkdown(
      targetCells([{ label: 'a / b', bar: '>= 2.00x', actual: '1.50x', pass: false }]),
    )
    expect(table.split('\n')).toEqual([
      '| target | bar | measured | result |',
      '| --- | --- | --: | --- |',
      '| a / b | >= 2.00x | 1.50x | MISS |',
    ])
  })
})
