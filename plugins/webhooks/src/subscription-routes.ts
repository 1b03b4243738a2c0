import { InvalidPatternError } from '@switchyard/plugin-sdk'
import type { Context, Hono } from 'hono'
import * as v from 'valibot'
import { subscriptionInput } from './config.js'
import type { DeliveryLog } from './delivery-log.js'
import { BlockedTargetError, UnresolvableHostError } from './errors.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { TargetGuard } from './target-guard.js'

const listQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), '50'),
})

/**
 * Mounts the subscription API on the plugin's Hono app (served under `/plugins/webhooks`):
 * `POST /subscriptions`, `GET /subscriptions`, `GET|DELETE /subscriptions/:id` and
 * `GET /subscriptions/:id/deliveries?limit=`. Secrets are accepted and never returned, except a secret the plugin
 * generated (none was given), once, in the answer that created it. A URL the `guard` refuses
 * (a private address, or a host that does not resolve) is a 400 with the guard's error code.
 *
 * @example
 * ```ts
 * mountSubscriptionRoutes(ctx.routes, registry, log, new TargetGuard({ allowPrivateNetworks: false, allowedHosts: [] }))
 * ```
 */
export function mountSubscriptionRoutes(
  app: Hono,
  registry: SubscriptionRegistry,
  log: DeliveryLog,
  guard: TargetGuard,
): void {
  app.post('/subscriptions', async (c) => {
    const body = await c.req.json().catch(() => undefined)
    const parsed = v.safeParse(subscriptionInput, body)
    if (!parsed.success) return invalid(c, describeIssues(parsed.issues))
    try {
      await guard.check(parsed.output.url)
      const { subscription, secret } = await registry.create(parsed.output)
      return c.json(parsed.output.secret === undefined ? { ...subscription, secret } : subscription, 201)
    } catch (error) {
      if (error instanceof InvalidPatternError) return invalid(c, `pattern: ${error.message}`)
      if (error instanceof BlockedTargetError || error instanceof UnresolvableHostError) {
        const message = `url: ${parsed.output.url} is refused: ${error.message}`
        return c.json({ error: { code: error.code, message } }, 400)
      }
      throw error
    }
  })

  app.get('/subscriptions', async (c) => c.json({ subscriptions: await registry.list() }))

  app.get('/subscriptions/:id', async (c) => {
    const subscription = await registry.get(c.req.param('id'))
    return subscription ? c.json(subscription) : notFound(c, c.req.param('id'))
  })

  app.delete('/subscriptions/:id', async (c) => {
    const id = c.req.param('id')
    if (!(await registry.delete(id))) return notFound(c, id)
    await log.forget(id)
    return c.body(null, 204)
  })

  app.get('/subscriptions/:id/deliveries', async (c) => {
    const id = c.req.param('id')
    const query = v.safeParse(listQuery, c.req.query())
    if (!query.success) return invalid(c, describeIssues(query.issues))
    if (!(await registry.get(id))) return notFound(c, id)
    return c.json({ deliveries: await log.list(id, query.output.limit) })
  })
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.map((issue) => `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`).join('; ')
}

function invalid(c: Context, message: string) {
  return c.json({ error: { code: 'E_VALIDATION', message } }, 400)
}

function notFound(c: Context, id: string) {
  return c.json({ error: { code: 'E_NOT_FOUND', message: `webhook subscription ${id} not found` } }, 404)
}
