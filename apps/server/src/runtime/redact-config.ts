/** What a redacted value reads. */
export const REDACTED = '[redacted]'

/** Keys whose string values are secrets wherever they appear (`auth.tokens[].token`, a webhook `secret`…). */
const SECRET_KEY =
  /(^|_)(token|secret|password|passwd|pass|api_?key|private_?key|authorization|credentials?)$/i

/**
 * The configuration as it may be shown (the admin UI's Config page): secret-named string values and passwords in
 * URLs replaced by `[redacted]`, and each plugin's `config` replaced by what `pluginConfig` gives (the running
 * plugin's config with its schema's `secret()` fields redacted) when it gives one.
 *
 * @example
 * ```ts
 * redactConfig(host.config, (name) => host.effectiveConfig(name))
 * ```
 */
export function redactConfig(config: object, pluginConfig: (name: string) => unknown): unknown {
  const redacted = redact(config) as { plugins?: Record<string, { config?: unknown }> }
  for (const [name, entry] of Object.entries(redacted.plugins ?? {})) {
    const running = pluginConfig(name)
    if (running !== undefined && running !== null && entry !== null && typeof entry === 'object') {
      entry.config = running
    }
  }
  return redacted
}

function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value !== '') return REDACTED
    return redactUrlPassword(value)
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, key))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]))
  }
  return value
}

// postgres://user:secret@host/db -> postgres://user:[redacted]@host/db
function redactUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:)[^@/\s]+@/i, `$1${REDACTED}@`)
}
