import { definePlugin } from '@switchyard/plugin-sdk'

/**
 * An in-process plugin that handles `calm.ping` and does nothing else: the bystander of isolation tests, which
 * must keep working whatever an isolated plugin does.
 *
 * @example
 * ```ts
 * const host = await startHost(mode, { plugins: [SANDBOXED, calmPlugin], config: { plugins: { calm: { isolation: 'none' } } } })
 * ```
 */
export const calmPlugin = definePlugin({
  name: 'calm',
  version: '1.0.0',
  permissions: ['events:subscribe'],
  setup(ctx) {
    ctx.on('calm.ping', () => undefined, { name: 'calm_handler' })
  },
})
