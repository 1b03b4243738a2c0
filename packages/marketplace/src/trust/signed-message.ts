/**
 * The message a plugin signature covers, npm's: `<name>@<version>:<integrity>`, where `integrity` is the SRI
 * (`sha512-…`) of the archive and name and version are those of its package.json.
 *
 * @example
 * ```ts
 * signedMessage('audit-log', '1.0.0', 'sha512-…') // 'audit-log@1.0.0:sha512-…'
 * ```
 */
export function signedMessage(name: string, version: string, integrity: string): Buffer {
  return Buffer.from(`${name}@${version}:${integrity}`, 'utf8')
}
