import { readFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import semver from 'semver'
import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { NotAPluginError } from '../errors.js'
import { PACKAGE_NAME } from '../registry/package-name.js'

const ManifestSchema = v.looseObject({
  name: v.pipe(v.string(), v.regex(PACKAGE_NAME, 'a package name')),
  version: v.pipe(
    v.string(),
    v.check((version) => semver.valid(version) !== null, 'a semver version'),
  ),
  eventPlugin: v.union([
    v.pipe(v.string(), v.minLength(1, 'a non-empty string')),
    v.looseObject({
      entry: v.pipe(v.string(), v.minLength(1, 'a non-empty string')),
      host: v.optional(v.string()),
    }),
  ]),
  dependencies: v.optional(v.record(v.string(), v.string()), {}),
})

/** A staged plugin package as its package.json describes it. */
export interface PluginManifest {
  name: string
  version: string
  /** Absolute path of the module `eventPlugin` names. */
  entry: string
  /** Runtime dependencies to install besides the packages the host provides. */
  dependencies: Record<string, string>
  /** The whole package.json. */
  json: Record<string, unknown>
}

/**
 * Reads and checks `dir/package.json`: a name and a semver version, and an `eventPlugin` field (a string is
 * the entry). Anything else is `NotAPluginError` (`E_NOT_A_PLUGIN`), as is another name than `expectedName`.
 *
 * @example
 * ```ts
 * const manifest = await readPluginManifest(stagedDir, '@switchyard/plugin-audit-log')
 * ```
 */
export async function readPluginManifest(dir: string, expectedName?: string): Promise<PluginManifest> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'has no package.json'
        : 'has an unreadable package.json'
    throw new NotAPluginError(`the archive ${reason} at its root`)
  }
  if (typeof json !== 'object' || json === null || !('eventPlugin' in json)) {
    throw new NotAPluginError('package.json has no "eventPlugin" field: it is not a Switchyard plugin')
  }
  const result = v.safeParse(ManifestSchema, json)
  if (!result.success) throw new NotAPluginError(describeIssues(result.issues, 'package.json'))
  const { name, version, eventPlugin, dependencies } = result.output
  if (expectedName !== undefined && name !== expectedName) {
    throw new NotAPluginError(`asked for ${expectedName} but the package is named ${name}`)
  }
  const entry = resolve(dir, typeof eventPlugin === 'string' ? eventPlugin : eventPlugin.entry)
  const inside = relative(dir, entry)
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new NotAPluginError(`package.json eventPlugin entry ${inside} lies outside the package`)
  }
  return { name, version, entry, dependencies, json: result.output }
}
