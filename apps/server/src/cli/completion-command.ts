import { Argument } from 'commander'
import type { CliCommand } from './cli-command.js'
import { completionScript, SHELLS, type Shell } from './completion-scripts.js'
import { completionTable } from './completion-table.js'

/**
 * `switchyard completion bash|zsh|fish`: prints the shell's completion script for every command and option.
 *
 * @example
 * ```sh
 * source <(switchyard completion bash)
 * ```
 */
export const completionCommand: CliCommand = (program, io) =>
  program
    .command('completion')
    .description('Print the shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
  bash:  source <(switchyard completion bash)        (in ~/.bashrc)
  zsh:   source <(switchyard completion zsh)         (in ~/.zshrc, after compinit)
  fish:  switchyard completion fish > ~/.config/fish/completions/switchyard.fish`,
    )
    .action((shell: Shell) => io.out(completionScript(shell, completionTable(program))))
