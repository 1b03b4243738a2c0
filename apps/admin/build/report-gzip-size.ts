import { gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/**
 * A Vite plugin that prints the gzip size of all JavaScript the build wrote, and fails the build past
 * `budgetBytes`: the admin UI's budget is 120 KB of gzipped JS in total.
 *
 * @example
 * ```ts
 * defineConfig({ plugins: [reportGzipSize(120 * 1024)] })
 * ```
 */
export function reportGzipSize(budgetBytes: number): Plugin {
  return {
    name: 'switchyard:report-gzip-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') total += gzipSync(file.code).length
      }
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
      const line = `admin UI JavaScript: ${kb(total)} gzip in total (budget ${kb(budgetBytes)})`
      if (total > budgetBytes) this.error(`${line}: over budget`)
      this.info(line)
    },
  }
}
