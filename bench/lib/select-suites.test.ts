import { describe, expect, it } from 'vitest'
import { selectSuites } from './select-suites.js'
import type { Suite } from './suite.js'

const suite = (name: string): Suite => ({
  name,
  title: name,
  run: async () => ({ groups: [], targets: [], notes: [] }),
})
const registry = [suite('core'), suite('http'), suite('sqlite')]

describe('selectSuites', () => {
  it('runs every suite when none is named', () => {
    expect(selectSuites([], registry).suites.map((s) => s.name)).toEqual(['core', 'http', 'sqlite'])
  })

  it('runs the named suites in registry order, ignoring the -- that pnpm passes through', () => {
    const selection = selectSuites(['--', 'sqlite', 'core', '--quick'], registry)
    expect(selection.suites.map((s) => s.name)).toEqual(['core', 'sqlite'])
    expect(selection.quick).toBe(true)
  })

  it('rejects an unknown suite and names the known ones', () => {
    expect(() => selectSuites(['nats'], registry)).toThrow(
      'unknown suite nats; known suites: core, http, sqlite',
    )
  })

  it('rejects an unknown option', () => {
    expect(() => selectSuites(['--fast'], registry)).toThrow('unknown option --fast')
  })
})
