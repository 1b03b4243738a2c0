import type { ExtensionFn } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { type PluginScope, pluginScope } from './plugin-scope.js'
import { scopedContribution } from './scoped-contribution.js'

const scope: PluginScope = { plugin: 'tracing', faults: { charge: () => undefined } }
const owner = () => pluginScope.getStore()?.plugin ?? 'none'

describe('scopedContribution', () => {
  it("runs a middleware and its Node form in the plugin's scope, and their continuation outside it", async () => {
    const seen: string[] = []
    const middleware = (_c: unknown, next: () => Promise<void>) => {
      seen.push(`hono:${owner()}`)
      return next()
    }
    const node = (_req: unknown, _res: unknown, next: () => Promise<void>) => {
      seen.push(`node:${owner()}`)
      return next()
    }
    const scoped = scopedContribution(scope, Object.assign(middleware, { node }) as unknown as ExtensionFn)
    const next = async () => void seen.push(`next:${owner()}`)
    await (scoped as unknown as typeof middleware)({}, next)
    await (scoped as unknown as { node: typeof node }).node({}, {}, next)
    expect(seen).toEqual(['hono:tracing', 'next:none', 'node:tracing', 'next:none'])
  })

  it('adds no Node form to a contribution without one', () => {
    const scoped = scopedContribution(scope, ((value: unknown) => value) as ExtensionFn)
    expect((scoped as { node?: unknown }).node).toBeUndefined()
  })
})
