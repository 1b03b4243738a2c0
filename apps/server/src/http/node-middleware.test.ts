import type { IncomingMessage, ServerResponse } from 'node:http'
import { type ExtensionFn, ExtensionRegistry, serviceExtensionPoints } from '@switchyard/core'
import type { NodeMiddleware } from '@switchyard/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { NodeHooks, runNodeMiddleware } from './node-middleware.js'

const honoOnly = (() => undefined) as unknown as ExtensionFn
function withNode(node: NodeMiddleware): ExtensionFn {
  return Object.assign(() => undefined, { node }) as unknown as ExtensionFn
}

describe('NodeHooks', () => {
  it('gives the Node forms in priority order while every http.middleware has one, and none otherwise', () => {
    const registry = new ExtensionRegistry()
    const hooks = new NodeHooks(registry)
    const outer: NodeMiddleware = (_req, _res, next) => next()
    const inner: NodeMiddleware = (_req, _res, next) => next()
    registry.contribute('http.middleware', withNode(inner), { priority: 20, owner: 'b' })
    registry.contribute('http.middleware', withNode(outer), { priority: 10, owner: 'a' })
    expect(hooks.chain()).toEqual([outer, inner])

    const remove = registry.contribute('http.middleware', honoOnly, { owner: 'c' })
    expect(hooks.chain()).toBeUndefined()
    remove()
    expect(hooks.chain()).toEqual([outer, inner])
    registry.contribute(serviceExtensionPoints.preRequest, (value: unknown) => value, { owner: 'd' })
    expect(hooks.chain()).toBeUndefined()
  })
})

describe('runNodeMiddleware', () => {
  it('runs the chain outermost first around the route, and rejects with what a middleware threw', async () => {
    const req = {} as IncomingMessage
    const res = {} as ServerResponse
    const seen: string[] = []
    const step =
      (name: string): NodeMiddleware =>
      async (_req, _res, next) => {
        seen.push(`${name} in`)
        await next()
        seen.push(`${name} out`)
      }
    await runNodeMiddleware([step('a'), step('b')], req, res, async () => void seen.push('route'))
    expect(seen).toEqual(['a in', 'b in', 'route', 'b out', 'a out'])

    const throwing: NodeMiddleware = () => {
      throw new Error('no')
    }
    await expect(runNodeMiddleware([throwing], req, res, async () => undefined)).rejects.toThrow('no')
  })
})
