import { readFile } from 'node:fs/promises'

/**
 * Finds the registry's auth token in npmrc files (`//host[:port]/path/:_authToken=...`, `${VAR}` expanded
 * from `env`), the longest matching prefix winning and earlier files winning ties, as npm does.
 * Missing files are skipped.
 *
 * @example
 * ```ts
 * const token = await readNpmrcToken('https://npm.example.com/', ['.npmrc', `${homedir()}/.npmrc`])
 * ```
 */
export async function readNpmrcToken(
  registry: string,
  files: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  const url = new URL(registry)
  const target = `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`
  let best: { prefix: string; token: string } | undefined
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '')
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*(\/\/[^=\s]+?):_authToken\s*=\s*(.+?)\s*$/.exec(line)
      if (!match) continue
      const prefix = match[1]!.endsWith('/') ? match[1]! : `${match[1]}/`
      if (!target.startsWith(prefix) || (best && best.prefix.length >= prefix.length)) continue
      best = { prefix, token: match[2]!.replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? '') }
    }
  }
  return best?.token
}
