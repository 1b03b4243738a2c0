import type { InstallProgress } from '@switchyard/marketplace'
import type { ApiClient } from './api-client.js'
import type { CliIo } from './cli-io.js'
import { InstallProgressPrinter } from './install-progress-printer.js'
import { postWithProgress } from './post-with-progress.js'

/**
 * POSTs an install or upgrade asking for its progress as Server-Sent Events, prints each step on stderr as it
 * happens and resolves to the answer's body; a failed install rejects with its code and message after the failed
 * step was printed.
 *
 * @example
 * ```ts
 * const installed = await installWithProgress(client, io, '/api/v1/plugins/install', { name: 'audit-log' })
 * ```
 */
export function installWithProgress(
  client: ApiClient,
  io: CliIo,
  path: string,
  body: unknown,
): Promise<unknown> {
  const printer = new InstallProgressPrinter(io)
  return postWithProgress<InstallProgress>(
    client,
    path,
    body,
    (progress) => printer.show(progress),
    'check with switchyard plugins list',
  )
}
