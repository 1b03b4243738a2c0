import { createRequire } from 'node:module'
import type { TemplateVersions } from '../plugin-template.js'
import type { PluginLayout } from './detect-layout.js'

const require = createRequire(import.meta.url)

/**
 * The version ranges a new plugin depends on in `layout`: the Switchyard packages as `workspace:^` when they are
 * members of the plugin's workspace (the Switchyard repository itself), else the published range of the
 * versions this CLI comes with; valibot and hono as the SDK requires them; the dev tools the template is tested
 * with.
 *
 * @example
 * ```ts
 * templateVersions({ kind: 'standalone', packageManager: 'npm' }).sdk // '^0.1.0'
 * ```
 */
export function templateVersions(layout: PluginLayout): TemplateVersions {
  const sdk = require('@switchyard/plugin-sdk/package.json') as {
    version: string
    dependencies: Record<string, string>
    peerDependencies: Record<string, string>
  }
  const testing = require('@switchyard/testing/package.json') as { version: string }
  const range = (name: string, version: string) =>
    layout.kind === 'workspace' && layout.members.has(name) ? 'workspace:^' : `^${version}`
  return {
    sdk: range('@switchyard/plugin-sdk', sdk.version),
    testing: range('@switchyard/testing', testing.version),
    hono: sdk.peerDependencies.hono ?? '^4.9.0',
    valibot: sdk.dependencies.valibot ?? '^1.1.0',
    typescript: '~5.9.3',
    vitest: '^4.0.0',
    nodeTypes: '^20.19.0',
  }
}
