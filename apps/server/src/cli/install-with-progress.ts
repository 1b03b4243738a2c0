import type { InstallProgress } from '@switchyard/marketplace'
import { ApiRequestError } from '../errors.js'
import type { ApiClient } from './api-client.js'
import type { CliIo } from './cli-io.js'
import { InstallProgressPrinter } from './install-progress-printer.js'

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
export async function installWithProgress(
  client: ApiClient,
  io: CliIo,
  path: string,
  body: unknown,
): Promise<unknown> {
  const printer = new InstallProgressPrinter(io)
  for await (const message of client.stream(path, undefined, { method: 'POST', body })) {
    const data = JSON.parse(message.data) as Record<string, unknown>
    if (message.event === 'progress') printer.show(data as unknown as InstallProgress)
    else if (message.event === 'result') return data.body
    else if (message.event === 'error') {
      const { status, error } = data as { status: number; error: { code: string; message: string } }
      throw new ApiRequestError(status, error.code, `POST ${path} answered ${status}: ${error.message}`)
    }
  }
  throw new ApiRequestError(
    0,
    'E_STREAM_ENDED',
    `POST ${path}: the server closed the progress stream before the result; check with switchyard plugins list`,
  )
}
