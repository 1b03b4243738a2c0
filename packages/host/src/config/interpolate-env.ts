const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/** The environment variables interpolation reads: `process.env` unless a test passes its own. */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * Replaces `${VAR}` and `${VAR:-default}` in one string. The default applies when the variable is unset or
 * empty (as in a POSIX shell); an unset variable without a default becomes the empty string.
 *
 * @example
 * ```ts
 * interpolateEnv('port ${PORT:-8080}', {}) // 'port 8080'
 * ```
 */
export function interpolateEnv(text: string, env: Env): string {
  return text.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name]
    if (value !== undefined && value !== '') return value
    return fallback ?? ''
  })
}

/**
 * Whether `text` contains a `${...}` reference, checked before the regex so plain scalars cost nothing.
 *
 * @example
 * ```ts
 * hasEnvReference('${HOME}/x') // true
 * ```
 */
export function hasEnvReference(text: string): boolean {
  return text.includes('${')
}
