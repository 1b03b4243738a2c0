import { access, readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { describeIssue, PLUGIN_NAME } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { hostRangeProblem } from './host-range.js'
import type { PluginCandidate, PluginSourceKind } from './plugin-candidate.js'

const manifestSchema = v.object({
  version: v.optional(v.string()),
  author: v.optional(v.union([v.string(), v.object({ name: v.string() })])),
  license: v.optional(v.string()),
  eventPlugin: v.optional(
    v.union(
      [
        v.pipe(v.string(), v.minLength(1)),
        v.object({
          entry: v.pipe(v.string(), v.minLength(1)),
          host: v.optional(v.string()),
          name: v.optional(v.pipe(v.string(), v.regex(PLUGIN_NAME, 'a kebab-case plugin name'))),
        }),
      ],
      'a string or { entry: string }',
    ),
  ),
})

/**
 * Reads `dir/package.json` and returns the plugin it declares with `eventPlugin` (a string is the entry,
 * an object has `entry` and may have `host`, the Switchyard versions it runs on, and `name`, the plugin's name
 * known without importing it), or undefined when the folder
 * is not a plugin package. A declared plugin with a malformed manifest, a `host` range excluding this version or
 * a missing entry file comes back with `problem` set.
 *
 * @example
 * ```ts
 * const candidate = await readPluginPackage('/app/plugins/audit-log', 'directory')
 * ```
 */
export async function readPluginPackage(
  dir: string,
  source: PluginSourceKind,
): Promise<PluginCandidate | undefined> {
  const file = join(dir, 'package.json')
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return {
      dir,
      entry: file,
      source,
      problem: `${file}: cannot be read as JSON (${(error as Error).message})`,
    }
  }
  if (typeof json !== 'object' || json === null || !('eventPlugin' in json)) return undefined
  const result = v.safeParse(manifestSchema, json)
  const named = (json as { name?: unknown }).name
  const packageName = typeof named === 'string' ? named : basename(dir)
  if (!result.success) {
    const { path, message } = describeIssue(result.issues[0] as v.BaseIssue<unknown>)
    return { dir, entry: file, source, packageName, problem: `${file}: ${path}: ${message}` }
  }
  const { version, eventPlugin, author, license } = result.output
  const entry = resolve(dir, typeof eventPlugin === 'string' ? eventPlugin : (eventPlugin?.entry ?? ''))
  const authorName = typeof author === 'string' ? author : author?.name
  const candidate: PluginCandidate = {
    dir,
    entry,
    source,
    packageName,
    ...(version === undefined ? {} : { packageVersion: version }),
    ...(typeof eventPlugin === 'object' && eventPlugin.name !== undefined
      ? { declaredName: eventPlugin.name }
      : {}),
    ...(authorName === undefined && license === undefined
      ? {}
      : { packageMeta: { ...(authorName ? { author: authorName } : {}), ...(license ? { license } : {}) } }),
  }
  const refused = hostRangeProblem(typeof eventPlugin === 'object' ? eventPlugin.host : undefined)
  if (refused !== undefined) return { ...candidate, problem: `${file}: ${refused}` }
  const missing = await access(entry).then(
    () => false,
    () => true,
  )
  return missing
    ? { ...candidate, problem: `${file}: eventPlugin entry ${entry} does not exist (build the package?)` }
    : candidate
}
