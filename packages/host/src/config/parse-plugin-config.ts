import {
  type DescribedIssue,
  describeIssue,
  PluginConfigError,
  type PluginDescriptor,
} from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { isSecretPath, REDACTED } from '../secrets/redact-config.js'

/** The result of `parsePluginConfig`: the parsed config, or the issues with their paths inside the config. */
export type PluginConfigResult =
  | { ok: true; config: unknown }
  | { ok: false; issues: DescribedIssue[]; error: PluginConfigError }

/**
 * Parses a plugin's raw config with its `config` schema (a plugin without one gets the raw object). Returns a
 * result so the host can place each issue in its file. An issue on a `secret()` field never quotes the value.
 *
 * @example
 * ```ts
 * const result = parsePluginConfig(plugin, { channel: 'sms' })
 * if (!result.ok) console.log(result.error.message)
 * ```
 */
export function parsePluginConfig(descriptor: PluginDescriptor, raw: unknown): PluginConfigResult {
  const input = raw ?? {}
  if (descriptor.config === undefined) return { ok: true, config: Object.freeze({ ...(input as object) }) }
  const result = v.safeParse(descriptor.config, input)
  if (result.success) return { ok: true, config: result.output }
  const issues = result.issues.map((issue) => hideSecret(descriptor.config, describeIssue(issue)))
  return { ok: false, issues, error: new PluginConfigError(descriptor.name, issues) }
}

function hideSecret(schema: unknown, issue: DescribedIssue): DescribedIssue {
  if (issue.received === undefined || !isSecretPath(schema, issue.keys)) return issue
  return {
    ...issue,
    message: issue.message.split(issue.received).join(REDACTED),
    received: REDACTED,
  }
}
