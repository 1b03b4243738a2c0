import type { DestinationStream } from 'pino'
import { destination } from 'pino'
import { LineBuffer } from './line-buffer.js'

/** How the server writes its log: JSON lines, or pino-pretty's readable lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty'

/**
 * The default log format: `pretty` when stdout is a terminal, else `json` (a file, a pipe, a log collector).
 *
 * @example
 * ```ts
 * defaultLogFormat(process.stdout.isTTY) // 'pretty' in a terminal
 * ```
 */
export function defaultLogFormat(isTty: boolean | undefined): LogFormat {
  return isTty === true ? 'pretty' : 'json'
}

/**
 * The stream the server's pino logger writes to, on stdout. `json`: buffered synchronous writes, one syscall per
 * 4 KiB of lines rather than one per request line (`LineBuffer`), whatever is buffered out within 200 ms (synchronous: handing
 * writes to libuv's thread pool cost more than the write itself, `pnpm bench -- http`). `pretty`: pino-pretty
 * (loaded only then), colored unless `NO_COLOR` is set, times as clock time, without pid and hostname.
 *
 * @example
 * ```ts
 * const logger = pino({ level: 'info' }, await logStream('pretty'))
 * ```
 */
export async function logStream(format: LogFormat): Promise<DestinationStream> {
  if (format === 'json')
    return new LineBuffer(destination({ dest: 1, sync: true }), { minLength: 4096, periodicFlushMs: 200 })
  const { PinoPretty } = await import('pino-pretty')
  return PinoPretty({
    destination: 1,
    sync: true,
    colorize: !process.env.NO_COLOR && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  })
}
