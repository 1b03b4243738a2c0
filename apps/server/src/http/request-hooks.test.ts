import { Context, type MiddlewareHandler } from 'hono'
import { describe, expect, it } from 'vitest'
import { runPluginMiddleware } from './request-hooks.js'
import type { ServerEnv } from './server-env.js'

/** The registry's view the runner reads: `http.middleware` contributions in priority order. */
const extensionsWith = (...middleware: MiddlewareHandler[]) => ({
  contributions: () => middleware.map((fn) => ({ fn })) as never,
})
const context = () =>
  new Context<ServerEnv>(new Request('http://localhost/api/v1/events', { method: 'POST' }))

describe('runPluginMiddleware', () => {
  it('runs the middleware outermost first around the route, each resuming after it', async () => {
    const seen: string[] = []
    const around =
      (name: string): MiddlewareHandler =>
      async (_c, next) => {
        seen.push(`${name} in`)
        await next()
        seen.push(`${name} out`)
      }
    await runPluginMiddleware(context(), extensionsWith(around('a'), around('b')), async () => {
      seen.push('route')
    })
    expect(seen).toEqual(['a in', 'b in', 'route', 'b out', 'a out'])
  })

  it('rejects, without throwing, when a middleware or the route throws before returning a promise', async () => {
    const throwing = (() => {
      throw new Error('middleware broke')
    }) as unknown as MiddlewareHandler
    const run = runPluginMiddleware(context(), extensionsWith(throwing), async () => {})
    await expect(run).rejects.toThrow('middleware broke')
    const route = () => {
      throw new Error('route broke')
    }
    await expect(runPluginMiddleware(context(), extensionsWith(), route)).rejects.toThrow('route broke')
  })

  it('resolves to nothing when a middleware resolves to a Response: the answer is c.res', async () => {
    const answering: MiddlewareHandler = async () => new Response('early')
    await expect(runPluginMiddleware(context(), extensionsWith(answering), async () => {})).resolves.toBe(
      undefined,
    )
  })
})
