import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../config/load-config.js'
import { ConfigError } from '../errors.js'
import { PluginHost } from '../plugin-host.js'
import { checkIsolationSupport } from './check-isolation-support.js'
import { isolationOf } from './isolation-settings.js'

const FILE = 'switchyard.yaml'
const issuesOf = (text: string) => {
  try {
    parseConfig(text, { file: FILE, env: {} })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error('expected a ConfigError')
}

describe('isolation settings', () => {
  it('takes the plugin entry, then the marketplace default for installed plugins, then plugin_defaults, key by key', () => {
    const { config } = parseConfig(
      [
        'plugin_defaults: { isolation: worker, limits: { memory_mb: 128, max_restarts: 2 } }',
        'marketplace: { isolation: process, install_dir: .switchyard/plugins }',
        'plugins:',
        '  audit-log: { isolation: none }',
        '  webhooks: { limits: { unresponsive_ms: 900, fault_window_ms: 10000 } }',
      ].join('\n'),
    )
    const at = (dir: string) => ({ dir, entry: join(dir, 'index.js'), source: 'directory' as const })
    expect(isolationOf(config, 'audit-log', at('/srv/plugins/audit-log'), '/srv')).toMatchObject({
      mode: 'none',
    })
    expect(isolationOf(config, 'webhooks', at('/srv/plugins/webhooks'), '/srv')).toEqual({
      mode: 'worker',
      memoryMb: 128,
      unresponsiveMs: 900,
      maxRestarts: 2,
      windowMs: 10_000,
    })
    expect(isolationOf(config, 'acme', at('/srv/.switchyard/plugins/@acme/x'), '/srv')).toMatchObject({
      mode: 'process',
      memoryMb: 128,
      unresponsiveMs: 5000,
    })
  })

  it('refuses an unknown mode and a limit that is not a positive integer, with file, line and column', () => {
    expect(issuesOf('plugins:\n  audit-log: { isolation: vm }\n')).toContain(
      'switchyard.yaml:2:27: plugins.audit-log.isolation: expected ("none" | "worker" | "process"), got "vm"',
    )
    expect(issuesOf('plugin_defaults:\n  limits: { memory_mb: 0 }\n')).toContain(
      'switchyard.yaml:2:24: plugin_defaults.limits.memory_mb: expected >=1, got 0',
    )
    expect(issuesOf('plugin_defaults:\n  limits: { unresponsive_ms: 1.5 }\n')).toContain(
      'switchyard.yaml:2:30: plugin_defaults.limits.unresponsive_ms',
    )
    expect(issuesOf('marketplace: { isolation: sandbox }\n')).toContain('marketplace.isolation')
  })

  it('refuses process isolation on a Node without the permission model, saying where and what to do', () => {
    const loaded = parseConfig('plugins:\n  audit-log:\n    isolation: process\n', { file: FILE })
    expect(() => checkIsolationSupport(loaded, true)).not.toThrow()
    expect(() => checkIsolationSupport(loaded, false)).toThrow(
      /switchyard\.yaml:3:16: plugins\.audit-log\.isolation: process isolation needs Node's permission model .*use isolation: worker/,
    )
  })

  it('fails the host start on a bad isolation value in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-isolation-config-'))
    const configPath = join(dir, FILE)
    await writeFile(configPath, 'plugin_defaults:\n  isolation: container\n')
    expect(() => new PluginHost({ configPath })).toThrow(`${configPath}:2:14: plugin_defaults.isolation`)
    await rm(dir, { recursive: true })
  })
})
