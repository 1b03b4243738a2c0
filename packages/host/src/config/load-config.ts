import { readFile } from 'node:fs/promises'
import { describeIssue } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { type Document, LineCounter, parseDocument, Scalar, visit } from 'yaml'
import { ConfigError, type ConfigIssue } from '../errors.js'
import { configSchema, type SwitchyardConfig } from './config-schema.js'
import { type Env, hasEnvReference, interpolateEnv } from './interpolate-env.js'
import { locatePath, type SourcePosition } from './locate-path.js'
import { maskEnvReferences } from './mask-env-references.js'
import { type Locate, toConfigIssue } from './to-config-issue.js'

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
    throw new ConfigError([{ file, path: '', line, column: col, message: restore(syntaxError.message) }])
  }
  interpolateDocument(doc, restore, options.env ?? process.env)
  const locate: Locate = (path, at) => locatePath(doc, lineCounter, path, at)
  const result = v.safeParse(configSchema, doc.toJS() ?? {})
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
