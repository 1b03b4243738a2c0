import type { EventDeclarations, Schema } from './event-declaration.js'
import type { PluginDefinition } from './plugin-definition.js'
import type { Provides } from './plugin-provides.js'
import { validateDescriptor } from './validate-descriptor.js'

/**
 * Declares a plugin. Returns the definition as a frozen plain object after checking its name (kebab-case),
 * version (semver), permissions and dependencies; throws `PluginLoadError` naming the bad field otherwise.
 * `ctx.config` in `setup` is typed from the `config` schema, `ctx.publish` from `publishes`.
 *
 * @example
 * ```ts
 * import * as v from 'valibot'
 * export default definePlugin({
 *   name: 'order-notifications',
 *   version: '1.0.0',
 *   permissions: ['events:subscribe'],
 *   config: v.object({ channel: v.picklist(['log', 'webhook']) }),
 *   setup(ctx) {
 *     ctx.on('order.status_changed', (event) => ctx.logger.info({ channel: ctx.config.channel }, event.type), {
 *       name: 'order_notification_handler',
 *     })
 *   },
 * })
 * ```
 */
export function definePlugin<
  TSchema extends Schema | undefined = undefined,
  const TPublishes extends EventDeclarations = EventDeclarations,
  TProvides extends Provides = Provides,
>(
  definition: PluginDefinition<TSchema, TPublishes, TProvides>,
): PluginDefinition<TSchema, TPublishes, TProvides> {
  validateDescriptor(definition)
  return Object.freeze({ ...definition })
}
