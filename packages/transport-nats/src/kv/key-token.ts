const SAFE = /^[A-Za-z0-9_-]+$/

/**
 * Turns any string into one KV key token (no dots, only characters NATS allows): safe strings stay as they are
 * (readable keys for the usual UUIDs and snake_case names), anything else becomes `=` + base64url. Reversible
 * by `fromKeyToken`, because a safe string never starts with `=`.
 *
 * @example
 * ```ts
 * toKeyToken('audit_log') // 'audit_log'
 * toKeyToken('a.b c') // '=YS5iIGM'
 * ```
 */
export function toKeyToken(text: string): string {
  return SAFE.test(text) ? text : `=${Buffer.from(text, 'utf8').toString('base64url')}`
}

/** The string `toKeyToken` was given. */
export function fromKeyToken(token: string): string {
  return token.startsWith('=') ? Buffer.from(token.slice(1), 'base64url').toString('utf8') : token
}
