import type { InferOutput } from 'valibot'
import type { EventDeclarations, Schema } from './event-declaration.js'
import type { Permission } from './permissions.js'
import type { PluginContext } from './plugin-context.js'
import type { PluginMigration } from './plugin-database.js'
import type { Provides } from './plugin-provides.js'

/** A dependency: a semver range, or a range marked optional (its failure does not stop the dependent). */
export type DependencySpec = string | { readonly version: string; readonly optional?: boolean }

/** What `ctx.config` is: the schema's output, or the raw config object when the plugin has no schema. */
export type PluginConfigOf<TSchema> = TSchema extends Schema
  ? InferOutput<TSchema>
  : Readonly<Record<string, unknown>>

/**
 * What a plugin is: metadata, permissions, a config schema, its event catalog and `setup`. `definePlugin` returns
 * it frozen; a module may also default-export such an object without importing the SDK.
 */
export interface PluginDefinition<
  TSchema extends Schema | undefined = Schema | undefined,
  TPublishes extends EventDeclarations = EventDeclarations,
  TProvides extends Provides = Provides,
> {
  /** kebab-case, unique in a host; routes mount at `/plugins/<name>`. */
  readonly name: string
  /** semver of this plugin, checked against dependents' ranges. */
  readonly version: string
  readonly description?: string
  /** Shown in plugin lists and the marketplace (Nexus's manifest fields): a kebab-case category, e.g. `notifications`. */
  readonly category?: string
  /** Free-form labels, at most 20. */
  readonly tags?: readonly string[]
  /** Defaults to the package.json `author`. */
  readonly author?: string
  /** An SPDX expression; defaults to the package.json `license`. */
  readonly license?: string
  /** Other plugins (name -> semver range) that must start before this one. */
  readonly dependencies?: Readonly<Record<string, DependencySpec>>
  /** Plugins that start first when present; their absence or failure does not stop this one. */
  readonly optionalDependencies?: Readonly<Record<string, string>>
  readonly permissions?: readonly Permission[]
  /** valibot schema of the plugin's config (`plugins.<name>.config`); `ctx.config` is its output. */
  readonly config?: TSchema
  /** Events this plugin publishes; when given, it may publish only these, and payloads are validated. */
  readonly publishes?: TPublishes
  /** Events this plugin consumes; their payloads are validated at publish time too. */
  readonly consumes?: EventDeclarations
  /** Schema changes of the plugin's database (`ctx.db`), applied once each, in order, before `setup`. Needs `database:write`. */
  readonly migrations?: readonly PluginMigration[]
  /**
   * Functions dependents call through `ctx.use('<name>')`, always asynchronously, with arguments and results
   * copied as structured clones; or a function of the plugin's context returning them (called after `setup`).
   */
  readonly provides?: TProvides | ((ctx: PluginContext<PluginConfigOf<TSchema>, TPublishes>) => TProvides)
  /** Subscribes handlers, adds routes, health checks and metrics. Runs once per start (and per reload). */
  setup(ctx: PluginContext<PluginConfigOf<TSchema>, TPublishes>): void | Promise<void>
  /** Runs at stop after the `onStop` callbacks: the natural place for a class-shaped plugin's cleanup. */
  stop?(): void | Promise<void>
}

/**
 * Any plugin as a host sees it, whatever its config schema and events: the descriptor fields, and a `setup`
 * that takes the context built for it. Every `definePlugin` result and every valid plain object is one.
 */
export type PluginDescriptor = Omit<PluginDefinition, 'setup' | 'provides'> & {
  setup(ctx: never): void | Promise<void>
  readonly provides?: Provides | ((ctx: never) => Provides)
}
