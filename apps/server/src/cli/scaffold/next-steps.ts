import { relative } from 'node:path'
import type { PluginLayout } from './detect-layout.js'

const COMMANDS = {
  npm: { install: 'npm install', test: 'npm test', build: 'npm run build' },
  pnpm: { install: 'pnpm install', test: 'pnpm test', build: 'pnpm build' },
  yarn: { install: 'yarn install', test: 'yarn test', build: 'yarn build' },
} as const

/**
 * The commands `create-plugin` prints after writing a plugin: install, test and build with the layout's package
 * manager (in a workspace, from its root with `pnpm --filter`), then how a running server picks it up.
 *
 * @example
 * ```ts
 * nextSteps('order-metrics', '/repo/plugins/order-metrics', layout)
 * // ['cd /repo', 'pnpm install', 'pnpm --filter order-metrics test', ...]
 * ```
 */
export function nextSteps(name: string, folder: string, layout: PluginLayout): string[] {
  if (layout.kind === 'workspace') {
    return [
      `cd ${layout.root}`,
      'pnpm install',
      `pnpm --filter ${name} test`,
      `pnpm --filter ${name} build`,
      `switchyard plugins load ${relative(layout.root, folder) || '.'}   # into a running server`,
    ]
  }
  const commands = COMMANDS[layout.packageManager]
  return [
    `cd ${folder}`,
    commands.install,
    commands.test,
    commands.build,
    `switchyard plugins load ${folder}   # into a running server`,
  ]
}
