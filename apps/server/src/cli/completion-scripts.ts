import type { CompletionEntry } from './completion-table.js'

/** The shells `switchyard completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

const words = (entry: CompletionEntry) =>
  [...entry.commands.map((c) => c.name), ...entry.options.map((o) => o.flag)].join(' ')

// Single-quoted for sh-like shells and fish: a quote inside becomes '\''.
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

// bash and zsh look the words up by the command path typed so far, dropping trailing words (arguments such as a
// plugin name) until a known path remains.
const cases = (entries: CompletionEntry[]) =>
  entries.map((e) => `    ${quote(e.path)}) echo ${quote(words(e))} ;;`).join('\n')

const lookup = (entries: CompletionEntry[]) => `_switchyard_words() {
  local key="$1"
  while :; do
    case "$key" in
${cases(entries)}
    *)
      if [[ "$key" == *" "* ]]; then key="\${key% *}"; else key=""; fi
      continue ;;
    esac
    return
  done
}`

const bash = (entries: CompletionEntry[]) => `# switchyard completion for bash: add to ~/.bashrc
#   source <(switchyard completion bash)
${lookup(entries)}
_switchyard() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" key="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ "\${COMP_WORDS[i]}" == -* ]] || key="\${key:+$key }\${COMP_WORDS[i]}"
  done
  COMPREPLY=($(compgen -W "$(_switchyard_words "$key")" -- "$cur"))
}
complete -o default -F _switchyard switchyard
`

const zsh = (entries: CompletionEntry[]) => `#compdef switchyard
# switchyard completion for zsh: add to ~/.zshrc
#   source <(switchyard completion zsh)
${lookup(entries)}
_switchyard() {
  local key="" w
  for w in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$w" == -* ]] || key="\${key:+$key }$w"
  done
  compadd -- \${=$(_switchyard_words "$key")}
}
compdef _switchyard switchyard
`

const fish = (entries: CompletionEntry[]) => {
  const lines = [
    '# switchyard completion for fish: switchyard completion fish > ~/.config/fish/completions/switchyard.fish',
    'complete -c switchyard -f',
  ]
  for (const entry of entries) {
    const path = entry.path.split(' ').filter(Boolean)
    // The path's words were typed and none of its sub-commands yet.
    const typed = path.map((word) => `__fish_seen_subcommand_from ${word}`)
    const notYet =
      entry.commands.length > 0
        ? [`not __fish_seen_subcommand_from ${entry.commands.map((c) => c.name).join(' ')}`]
        : []
    const condition = path.length === 0 ? ['__fish_use_subcommand'] : [...typed, ...notYet]
    const when = quote(condition.join('; and '))
    for (const c of entry.commands)
      lines.push(`complete -c switchyard -n ${when} -a ${quote(c.name)} -d ${quote(c.description)}`)
    const optionWhen = quote([...(path.length === 0 ? ['__fish_use_subcommand'] : typed)].join('; and '))
    for (const o of entry.options)
      lines.push(`complete -c switchyard -n ${optionWhen} -l ${o.flag.slice(2)} -d ${quote(o.description)}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The completion script of `shell` for the commands in `entries` (see `completionTable`).
 *
 * @example
 * ```ts
 * completionScript('bash', completionTable(program)) // 'complete -o default -F _switchyard switchyard' …
 * ```
 */
export function completionScript(shell: Shell, entries: CompletionEntry[]): string {
  return { bash, zsh, fish }[shell](entries)
}
