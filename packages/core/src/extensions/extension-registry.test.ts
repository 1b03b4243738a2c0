import { describe, expect, it } from 'vitest'
import type { Logger } from '../logger.js'
import { noopLogger } from '../noop-logger.js'
import { defineExtensionPoint } from './extension-point.js'
import { ExtensionRegistry } from './extension-registry.js'

/** A logger that keeps what the registry logs as errors (a failing action's fields). */
function errorRecordingLogger(): { errors: unknown[]; logger: Logger } {
  const errors: unknown[] = []
  const logger: Logger = {
    ...noopLogger,
    error: (obj: object | string) => void errors.push(obj),
    child: () => logger,
  }
  return { errors, logger }
}

describe('ExtensionRegistry', () => {
  it('starts with the built-in points', () => {
    expect(new ExtensionRegistry().list().map((p) => [p.name, p.kind])).toEqual([
      ['event.before_publish', 'filter'],
      ['event.after_dispatch', 'action'],
      ['http.middleware', 'collect'],
      ['health.check', 'collect'],
      ['metrics.collect', 'collect'],
      ['config.load', 'filter'],
      ['service.pre_register', 'filter'],
      ['service.post_register', 'action'],
      ['service.post_unregister', 'action'],
      ['service.discover', 'collect'],
      ['middleware.pre_request', 'filter'],
      ['middleware.post_response', 'filter'],
      ['auth.authenticate', 'filter'],
    ])
  })

  it('runs a filter as a waterfall, lowest priority first, undefined keeping the value', async () => {
    const registry = new ExtensionRegistry()
    const point = registry.define(defineExtensionPoint<string>({ name: 'text.transform', kind: 'filter' }))
    registry.contribute(point, (s) => `${s}-late`, { priority: 200 })
    registry.contribute(point, (s) => `${s}-early`, { priority: 1 })
    registry.contribute(point, () => undefined as unknown as string)
    registry.contribute(point, async (s) => `${s}-default`)
    expect(await registry.runFilter(point, 'x')).toBe('x-early-default-late')
  })

  it('awaits a thenable a filter returns, and rejects for a filter that throws at once', async () => {
    const registry = new ExtensionRegistry()
    const point = registry.define(defineExtensionPoint<string>({ name: 'text.later', kind: 'filter' }))
    const remove = registry.contribute(
      point,
      // biome-ignore lint/suspicious/noThenProperty: the test is about a filter that returns a thenable
      (s) => ({ then: (resolve: (v: string) => void) => resolve(`${s}-thenable`) }) as unknown as string,
    )
    expect(await registry.runFilter(point, 'x')).toBe('x-thenable')
    remove()
    registry.contribute(point, () => {
      throw new Error('refused')
    })
    const run = registry.runFilter(point, 'x')
    await expect(run).rejects.toThrow('refused')
  })

  it('filters synchronously while every contribution answers at once, and from a pending result on asynchronously', async () => {
    const registry = new ExtensionRegistry()
    const point = registry.define(defineExtensionPoint<string>({ name: 'text.now', kind: 'filter' }))
    registry.contribute(point, (s) => `${s}-a`, { priority: 1 })
    registry.contribute(point, () => undefined as unknown as string, { priority: 2 })
    expect(registry.filterNow(point, 'x')).toBe('x-a')
    const ran: string[] = []
    registry.contribute(point, async (s) => `${s}-later`, { priority: 3 })
    registry.contribute(
      point,
      (s) => {
        ran.push(s)
        return `${s}-b`
      },
      { priority: 4 },
    )
    const pending = registry.filterNow(point, 'x')
    expect(pending).toBeInstanceOf(Promise)
    expect(ran).toEqual([])
    expect(await pending).toBe('x-a-later-b')
    const throwing = new ExtensionRegistry()
    throwing.contribute('event.before_publish', () => {
      throw new Error('refused at once')
    })
    expect(() => throwing.filterNow('event.before_publish', {})).toThrow('refused at once')
  })

  it('keeps contribution order for equal priorities', async () => {
    const registry = new ExtensionRegistry()
    registry.define({ name: 'a.collect', kind: 'collect' })
    for (const n of [1, 2, 3]) registry.contribute('a.collect', () => n, { priority: 5 })
    const results = await registry.runCollect('a.collect', undefined)
    expect(results.map((r) => r.ok && r.value)).toEqual([1, 2, 3])
  })

  it('runs every action, logging failures without stopping the rest', async () => {
    const { errors, logger } = errorRecordingLogger()
    const registry = new ExtensionRegistry({ logger })
    const ran: string[] = []
    registry.define({ name: 'a.act', kind: 'action' })
    registry.contribute(
      'a.act',
      () => {
        throw new Error('boom')
      },
      { owner: 'broken' },
    )
    registry.contribute('a.act', (v: string) => void ran.push(v))
    await registry.runAction('a.act', 'go')
    expect(ran).toEqual(['go'])
    expect(errors).toMatchObject([{ point: 'a.act', owner: 'broken' }])
  })

  it('logs the failure of a lone action, thrown or rejected, and still resolves', async () => {
    const { errors, logger } = errorRecordingLogger()
    const registry = new ExtensionRegistry({ logger })
    registry.define({ name: 'a.throws', kind: 'action' })
    registry.define({ name: 'a.rejects', kind: 'action' })
    registry.contribute(
      'a.throws',
      () => {
        throw new Error('at once')
      },
      { owner: 'sync' },
    )
    registry.contribute('a.rejects', () => Promise.reject(new Error('later')), { owner: 'async' })
    await expect(registry.runAction('a.throws', 1)).resolves.toBeUndefined()
    await expect(registry.runAction('a.rejects', 1)).resolves.toBeUndefined()
    expect(errors).toMatchObject([
      { point: 'a.throws', owner: 'sync', err: new Error('at once') },
      { point: 'a.rejects', owner: 'async', err: new Error('later') },
    ])
    await expect(registry.runAction('health.check', 1)).rejects.toThrow(/is a collect point/)
  })

  it('collects the result or the error of a lone contribution with its owner', async () => {
    const registry = new ExtensionRegistry()
    const remove = registry.contribute('health.check', async () => ({ status: 'ok' as const }), {
      owner: 'db',
    })
    expect(await registry.runCollect('health.check', undefined)).toEqual([
      { owner: 'db', ok: true, value: { status: 'ok' } },
    ])
    remove()
    registry.contribute('health.check', () => Promise.reject('down'), { owner: 'cache' })
    expect(await registry.runCollect('health.check', undefined)).toEqual([
      { owner: 'cache', ok: false, error: new Error('down') },
    ])
  })

  it('collects results and errors per contribution with their owners', async () => {
    const registry = new ExtensionRegistry()
    registry.contribute('health.check', async () => ({ status: 'ok' as const }), { owner: 'db' })
    registry.contribute('health.check', () => Promise.reject(new Error('down')), { owner: 'cache' })
    const results = await registry.runCollect('health.check', undefined)
    expect(results).toEqual([
      { owner: 'db', ok: true, value: { status: 'ok' } },
      { owner: 'cache', ok: false, error: new Error('down') },
    ])
  })

  it('removes a contribution, or all of an owner', async () => {
    const registry = new ExtensionRegistry()
    const remove = registry.contribute('metrics.collect', () => 1, { owner: 'a' })
    registry.contribute('health.check', () => ({ status: 'ok' as const }), { owner: 'a' })
    registry.contribute('metrics.collect', () => 2, { owner: 'b', priority: 7 })
    remove()
    expect(registry.list().find((p) => p.name === 'metrics.collect')?.contributions).toEqual([
      { owner: 'b', priority: 7 },
    ])
    expect(registry.removeOwner('a')).toBe(1)
    expect(registry.has('health.check')).toBe(false)
    expect(registry.contributions('metrics.collect').map((c) => c.owner)).toEqual(['b'])
  })

  it('refuses unknown points, kind mismatches and redefinition with another kind', async () => {
    const registry = new ExtensionRegistry()
    expect(() => registry.contribute('nope.point', () => 1)).toThrow(
      /extension point "nope\.point" is not defined/,
    )
    await expect(registry.runFilter('health.check', 1)).rejects.toThrow(
      /is a collect point, not a filter point/,
    )
    expect(() => registry.define({ name: 'health.check', kind: 'filter' })).toThrow(
      /already defined as a collect/,
    )
    const same = registry.define({ name: 'health.check', kind: 'collect' })
    expect(same.name).toBe('health.check')
  })
})
