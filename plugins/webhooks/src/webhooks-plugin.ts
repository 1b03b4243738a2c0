import { definePlugin, type RetryPolicy, retryDelay } from '@switchyard/plugin-sdk'
import { webhooksConfig } from './config.js'
import { createDispatcher } from './create-dispatcher.js'
import { DeliveryLog } from './delivery-log.js'
import { SubscriptionRegistry } from './subscription-registry.js'
import { mountSubscriptionRoutes } from './subscription-routes.js'
import { TargetGuard } from './target-guard.js'

/**
 * The webhooks plugin: delivers every event that matches a registered subscription to its URL (as JSON or a
 * CloudEvent; other events do not reach its handler), signed per Standard Webhooks (or the older `Switchyard-Signature`), retried with backoff on 5xx and
 * timeouts, with a delivery log per endpoint. Targets on loopback,
 * private or link-local addresses are refused unless `allow_private_networks` or `allowed_hosts` allows them.
 *
 * @example
 * ```yaml
 * plugins:
 *   webhooks: { enabled: true, config: { timeout_ms: 5000, retry: { attempts: 5 } } }
 * ```
 */
export const webhooksPlugin = definePlugin({
  name: 'webhooks',
  version: '0.1.0',
  description: 'Signed outbound webhooks with retries and a per-endpoint delivery log',
  permissions: ['events:subscribe', 'http:routes', 'store:kv', 'secrets:use'],
  config: webhooksConfig,
  async setup(ctx) {
    const registry = new SubscriptionRegistry(ctx.store, ctx.secrets)
    const moved = await registry.migrate()
    if (moved > 0)
      ctx.logger.info({ moved }, 'moved webhook signing secrets from the plugin store to ctx.secrets')
    await registry.refresh()
    // Subscriptions made on other nodes sharing the store: picked up within one interval.
    const poll = setInterval(() => {
      registry
        .refresh()
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not refresh webhook subscriptions'))
    }, ctx.config.subscriptions_refresh_ms)
    poll.unref()
    ctx.onStop(() => clearInterval(poll))
    const log = new DeliveryLog(ctx.store, ctx.config.delivery_log_limit)
    const retry: RetryPolicy = {
      attempts: ctx.config.retry.attempts,
      initialMs: ctx.config.retry.initial_ms,
      maxMs: ctx.config.retry.max_ms,
      factor: ctx.config.retry.factor,
      jitter: ctx.config.retry.jitter,
    }
    const deliveries = ctx.metrics.counter('webhook_deliveries_total', 'Webhook deliveries by final status', {
      labelNames: ['status'],
    })
    const guard = new TargetGuard({
      allowPrivateNetworks: ctx.config.allow_private_networks,
      allowedHosts: ctx.config.allowed_hosts,
    })
    mountSubscriptionRoutes(ctx.routes, registry, log, guard)
    await ctx.on(
      '**',
      createDispatcher({
        registry,
        log,
        send: { retry, timeoutMs: ctx.config.timeout_ms, guard },
        logger: ctx.logger,
        onDelivery: (status) => deliveries.inc({ status }),
      }),
      {
        name: 'webhook_dispatcher',
        // From memory: an event no subscription matches gets no delivery (no ledger row, no store read).
        filter: (event) => registry.accepts(event.type),
        // The plugin retries each endpoint itself; the bus must wait for that whole schedule, and not repeat it.
        timeoutMs: worstCaseMs(retry, ctx.config.timeout_ms),
        retry: { attempts: 1 },
      },
    )
  },
})

/** How long one delivery can take: every attempt timing out, plus every backoff wait, plus a margin. */
function worstCaseMs(retry: RetryPolicy, timeoutMs: number): number {
  let total = 1_000
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    total += timeoutMs + retryDelay({ ...retry, jitter: false }, attempt)
  }
  return total
}
