import type { Suite } from './suite.js'

/** What the command line asked for. */
export interface Selection {
  suites: Suite[]
  quick: boolean
}

/**
 * Reads `pnpm bench [-- ] [--quick] [suite...]`: the named suites in registry order, or every suite when
 * none is named. An unknown name is an error that lists the known ones.
 *
 * @example
 * ```ts
 * selectSuites(['--', 'core'], suites) // { suites: [coreSuite], quick: false }
 * ```
 */
export function selectSuites(args: readonly string[], registry: readonly Suite[]): Selection {
  const words = args.filter((arg) => arg !== '--')
  const flags = words.filter((arg) => arg.startsWith('--'))
  const unknownFlag = flags.find((flag) => flag !== '--quick')
  if (unknownFlag) throw new Error(`unknown option ${unknownFlag}; usage: pnpm bench -- [--quick] [suite...]`)
  const names = words.filter((arg) => !arg.startsWith('--'))
  const unknown = names.filter((name) => !registry.some((suite) => suite.name === name))
  if (unknown.length > 0) {
    const known = registry.map((suite) => suite.name).join(', ')
    throw new Error(`unknown suite ${unknown.join(', ')}; known suites: ${known}`)
  }
  const suites = names.length === 0 ? [...registry] : registry.filter((suite) => names.includes(suite.name))
  return { suites, quick: flags.includes('--quick') }
}
