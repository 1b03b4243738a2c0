import type { Command } from 'commander'

/** What may follow a command path: its sub-commands (with descriptions) and its long options. */
export interface CompletionEntry {
  /** Command words from the program on, `''` for the program itself, `'plugins list'`… */
  path: string
  commands: { name: string; description: string }[]
  options: { flag: string; description: string }[]
}

/**
 * Every command path of a commander program with what may follow it: the table the completion scripts of
 * `switchyard completion` are written from, so a newly registered command completes with no extra step.
 *
 * @example
 * ```ts
 * completionTable(program) // [{ path: '', commands: [{ name: 'start', … }], options: [...] }, …]
 * ```
 */
export function completionTable(program: Command): CompletionEntry[] {
  const entries: CompletionEntry[] = []
  const visit = (command: Command, path: string) => {
    entries.push({
      path,
      commands: command.commands.map((c) => ({ name: c.name(), description: c.description() })),
      options: [
        ...command.options.flatMap((o) => (o.long ? [{ flag: o.long, description: o.description }] : [])),
        { flag: '--help', description: 'show help' },
      ],
    })
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name())
  }
  visit(program, '')
  return entries
}
