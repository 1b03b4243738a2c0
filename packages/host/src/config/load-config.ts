import { readFile } from 'node:fs/promises'
import { describeIssue } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import {
  type Document,
  isCollection,
  isPair,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  visit,
} from 'yaml'
import { ConfigError, type ConfigIssue } from '../errors.js'
import { configSchema, type SwitchyardConfig } from './config-schema.js'
import { type Env, hasEnvReference, interpolateEnv } from './interpolate-env.js'
import { locatePath, type SourcePosition } from './locate-path.js'
import { maskEnvReferences } from './mask-env-references.js'
import { type Locate, toConfigIssue } from './to-config-issue.js'

/** Most aliases one anchor may be expanded by: past it, a file is an alias bomb (exponential expansion). */
const MAX_ALIAS_COUNT = 100
/** Most collections nested in a configuration file; no real one comes near, deeper ones exhaust the stack. */
const MAX_CONFIG_DEPTH = 64

/** A validated configuration and where its keys came from. */
export interface LoadedConfig {
  config: SwitchyardConfig
  /** The file it was read from, when it came from a file. */
  file?: string
  /** Where a key path is in the file, for messages about values checked later (a plugin's own config). */
  locate(path: readonly PropertyKey[]): SourcePosition | undefined
}

/** Options of `loadConfig` and `parseConfig`. */
export interface LoadConfigOptions {
  /** Variables for `${VAR}`; `process.env` by default. */
  env?: Env
}

/**
 * Reads, interpolates and validates a YAML configuration file. Throws `ConfigError` (E_CONFIG) whose issues name
 * the file, the key path, the line and column, and what was expected.
 *
 * @example
 * ```ts
 * const { config } = await loadConfig('config/switchyard.yaml')
 * ```
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new ConfigError([{ file, path: '', message: `cannot read the file (${(cause as Error).message})` }])
  }
  return parseConfig(text, { ...options, file })
}

/**
 * Parses configuration text (see `loadConfig`). `file` only labels messages.
 *
 * @example
 * ```ts
 * const { config } = parseConfig('server: { port: 9000 }')
 * ```
 */
export function parseConfig(text: string, options: LoadConfigOptions & { file?: string } = {}): LoadedConfig {
  const { file } = options
  const lineCounter = new LineCounter()
  const { text: safe, restore } = maskEnvReferences(text)
  const doc = parseDocument(safe, { lineCounter, prettyErrors: false })
  const [syntaxError] = doc.errors
  if (syntaxError !== undefined) {
    // Later YAML errors are usually echoes of the first one, so only the first is reported.
    const { line, col } = lineCounter.linePos(syntaxError.pos[0])
    const message =
      syntaxError.code === 'RESOURCE_EXHAUSTION'
        ? `YAML nested too deep to read (${syntaxError.message}); at most ${MAX_CONFIG_DEPTH} levels are allowed`
        : restore(syntaxError.message)
    throw new ConfigError([{ file, path: '', line, column: col, message }])
  }
  const at = (node: Node): Pick<ConfigIssue, 'line' | 'column'> => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0)
    return { line, column: col }
  }
  const tooDeep = deeperThan(doc, MAX_CONFIG_DEPTH)
  if (tooDeep !== undefined) {
    const message = `nested more than ${MAX_CONFIG_DEPTH} levels deep, more than a configuration may be`
    throw new ConfigError([{ file, path: '', ...at(tooDeep), message }])
  }
  interpolateDocument(doc, restore, options.env ?? process.env)
  const locate: Locate = (path, at) => locatePath(doc, lineCounter, path, at)
  let plain: unknown
  try {
    plain = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    // yaml says neither where nor which alias; the first alias of an anchor that holds aliases itself is where
    // the expansion multiplies.
    const alias = amplifyingAlias(doc)
    const message = `YAML aliases expand more than ${MAX_ALIAS_COUNT} times per anchor (an alias bomb?): ${error.message}`
    throw new ConfigError([{ file, path: '', ...(alias === undefined ? {} : at(alias)), message }])
  }
  const result = v.safeParse(configSchema, plain ?? {})
  if (!result.success) {
    throw new ConfigError(
      result.issues.map((issue): ConfigIssue => toConfigIssue(describeIssue(issue), file, locate)),
    )
  }
  return { config: result.output, file, locate }
}

/**
 * Validates a configuration given as an object (`createHost({ config })`), with the same messages minus positions.
 *
 * @example
 * ```ts
 * const { config } = validateConfig({ plugins: { 'audit-log': { enabled: false } } })
 * ```
 */
export function validateConfig(input: unknown): LoadedConfig {
  const result = v.safeParse(configSchema, input ?? {})
  if (!result.success) {
    throw new ConfigError(
      result.issues.map((issue) => toConfigIssue(describeIssue(issue), undefined, () => undefined)),
    )
  }
  return { config: result.output, locate: () => undefined }
}

// Interpolating parsed scalars (not the raw text) keeps line numbers exact and lets no variable inject YAML.
function interpolateDocument(doc: Document, restore: (text: string) => string, env: Env): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return
      const source = restore(node.value)
      if (!hasEnvReference(source)) return
      const replaced = interpolateEnv(source, env)
      // An unquoted value is typed after substitution, as if written in place: `port: ${PORT:-8080}` is a number.
      node.value = node.type === Scalar.PLAIN ? typedScalar(replaced) : replaced
    },
  })
}

function typedScalar(text: string): unknown {
  const parsed = parseDocument(text).toJS() as unknown
  return parsed === null || typeof parsed !== 'object' ? parsed : text
}

/**
 * The first collection nested deeper than `max` (a top-level map is 1 deep), found without recursion so that
 * no depth can exhaust the stack; undefined when there is none. Aliases are not followed.
 */
function deeperThan(doc: Document, max: number): Node | undefined {
  const stack: [unknown, number][] = [[doc.contents, 1]]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top
    if (!isCollection(node)) continue
    if (depth > max) return node
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1])
        stack.push([item.value, depth + 1])
      } else stack.push([item, depth + 1])
    }
  }
  return undefined
}

/** The first alias whose anchored node holds aliases itself (where an alias bomb multiplies), else the first. */
function amplifyingAlias(doc: Document): Node | undefined {
  let first: Node | undefined
  let amplifying: Node | undefined
  visit(doc, {
    Alias(_, alias) {
      first ??= alias
      const target = alias.resolve(doc)
      let nested = false
      if (target !== undefined)
        visit(target, {
          Alias() {
            nested = true
            return visit.BREAK
          },
        })
      if (!nested) return undefined
      amplifying = alias
      return visit.BREAK
    },
  })
  return amplifying ?? first
}
