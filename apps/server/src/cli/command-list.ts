import { auditCommand } from './audit-command.js'
import type { CliCommand } from './cli-command.js'
import { completionCommand } from './completion-command.js'
import { configCommand } from './config-command.js'
import { createPluginCommand } from './create-plugin-command.js'
import { devCommand } from './dev-command.js'
import { dlqCommand } from './dlq-command.js'
import { emitCommand } from './emit-command.js'
import { eventsCommand } from './events-command.js'
import { explainCommand } from './explain-command.js'
import { handlersCommand } from './handlers-command.js'
import { keysCommand } from './keys-command.js'
import { pluginsCommand } from './plugins-command.js'
import { schedulesCommand } from './schedules-command.js'
import { secretsCommand } from './secrets-command.js'
import { startCommand } from './start-command.js'
import { tokenCommand } from './token-command.js'

/**
 * The commands of `switchyard`, in help order. Adding a command: write `my-command.ts` exporting a `CliCommand`
 * and add it here (one line); help, `--json`, errors and shell completion follow.
 */
export const commands: readonly CliCommand[] = [
  startCommand,
  devCommand,
  emitCommand,
  explainCommand,
  eventsCommand,
  pluginsCommand,
  dlqCommand,
  handlersCommand,
  schedulesCommand,
  configCommand,
  tokenCommand,
  secretsCommand,
  keysCommand,
  auditCommand,
  createPluginCommand,
  completionCommand,
]
