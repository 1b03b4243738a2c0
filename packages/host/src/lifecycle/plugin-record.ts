import { basename, extname } from 'node:path'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import type { PluginCandidate, PluginSourceKind } from '../discovery/plugin-candidate.js'
import type { IsolationStatus } from '../runtime/plugin-engine.js'
import type { PluginRoute, PluginRuntime } from '../runtime/plugin-runtime.js'
import { redactConfig } from '../secrets/redact-config.js'
import { type PluginDependency, pluginDependencies } from './plugin-dependencies.js'

/**
 * Where a plugin is in its life: `discovered` (found on disk), `loaded` (imported, manifest valid), `configured`
 * (config valid), `started`, `stopped` (host stopped), `disabled` (by config, API or a disabled dependency), or
 * `failed` (the error is kept).
 */
export type PluginLifecycleState =
  | 'discovered'
  | 'loaded'
  | 'configured'
  | 'started'
  | 'stopped'
  | 'disabled'
  | 'failed'

/** What the host keeps about one plugin. */
export interface PluginRecord {
  name: string
  candidate: PluginCandidate
  descriptor?: PluginDescriptor
  state: PluginLifecycleState
  /** The wanted state: false after `disable` or `enabled: false`. */
  enabled: boolean
  runtime?: PluginRuntime
  /** The last error: why it failed, or why its last reload was refused. */
  error?: Error
  /** Why it is disabled or failed, in words. */
  reason?: string
  /** The dependency whose disabling disabled this plugin; it restarts when that one is enabled again. */
  blockedBy?: string
  reloads: number
  /** Faults charged to it since the host started (see `PluginFaults`), and the last one's message. */
  faults: number
  lastFault?: string
  /** How its last runtime ran, kept when it stops (a sandbox's restarts and last exit stay visible). */
  isolation?: IsolationStatus
  warnings: string[]
}

/** The public view of a plugin (`GET /plugins/status`). */
export interface PluginStatus {
  name: string
  version?: string
  description?: string
  /** Nexus's manifest fields, from the plugin (author and license default to its package.json). */
  category?: string
  tags: string[]
  author?: string
  license?: string
  state: PluginLifecycleState
  enabled: boolean
  source: PluginSourceKind
  entry: string
  dependencies: PluginDependency[]
  permissions: string[]
  handlers: string[]
  routes: PluginRoute[]
  publishes: string[]
  consumes: string[]
  reloads: number
  /** Faults charged to it since the host started: unhandled rejections, uncaught exceptions, refused exits. */
  faults: number
  /** The last fault's message (it starts with its code, `E_PLUGIN_FAULT` or `E_PLUGIN_EXIT`). */
  lastFault?: string
  /** Where it runs (`none`, `worker`, `process`) and, isolated, its sandbox: state, pid or thread, restarts, last exit, memory. */
  isolation?: IsolationStatus
  reason?: string
  error?: { code: string; message: string }
  warnings: string[]
  /** The config it runs with, while it runs; fields its schema marks `secret()` read `[redacted]`. */
  config?: unknown
}

/**
 * The name a candidate goes by before its module says otherwise: its package name without scope, or its file name.
 *
 * @example
 * ```ts
 * provisionalName({ entry: '/p/audit.mjs', source: 'file', dir: '/p' }) // 'audit'
 * ```
 */
export function provisionalName(candidate: PluginCandidate): string {
  if (candidate.packageName !== undefined) return candidate.packageName.replace(/^@[^/]+\//, '')
  return basename(candidate.entry, extname(candidate.entry))
}

/**
 * Builds the public status of a record.
 *
 * @example
 * ```ts
 * host.status().map(toPluginStatus)
 * ```
 */
export function toPluginStatus(record: PluginRecord): PluginStatus {
  const { descriptor, runtime, error } = record
  return {
    name: record.name,
    ...(descriptor === undefined ? {} : { version: descriptor.version }),
    ...(descriptor?.description === undefined ? {} : { description: descriptor.description }),
    ...manifestFields(record),
    state: record.state,
    enabled: record.enabled,
    source: record.candidate.source,
    entry: record.candidate.entry,
    dependencies: descriptor === undefined ? [] : pluginDependencies(descriptor),
    permissions: [...(descriptor?.permissions ?? [])],
    handlers: runtime?.handlers() ?? [],
    routes: runtime?.routes() ?? [],
    publishes: Object.keys(descriptor?.publishes ?? {}),
    consumes: Object.keys(descriptor?.consumes ?? {}),
    reloads: record.reloads,
    faults: record.faults,
    ...(record.lastFault === undefined ? {} : { lastFault: record.lastFault }),
    ...((runtime?.isolation() ?? record.isolation) === undefined
      ? {}
      : { isolation: runtime?.isolation() ?? record.isolation }),
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    ...(error === undefined
      ? {}
      : { error: { code: (error as { code?: string }).code ?? 'E_INTERNAL', message: error.message } }),
    warnings: [...record.warnings],
    ...(runtime === undefined ? {} : { config: redactConfig(descriptor?.config, runtime.config) }),
  }
}

// category, tags, author and license: the plugin's own, else its package.json's author and license.
function manifestFields(
  record: PluginRecord,
): Pick<PluginStatus, 'category' | 'tags' | 'author' | 'license'> {
  const { descriptor } = record
  const meta = record.candidate.packageMeta ?? {}
  const author = descriptor?.author ?? meta.author
  const license = descriptor?.license ?? meta.license
  return {
    ...(descriptor?.category === undefined ? {} : { category: descriptor.category }),
    tags: [...(descriptor?.tags ?? [])],
    ...(author === undefined ? {} : { author }),
    ...(license === undefined ? {} : { license }),
  }
}
