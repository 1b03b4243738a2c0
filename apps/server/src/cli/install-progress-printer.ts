import type { InstallProgress } from '@switchyard/marketplace'
import type { CliIo } from './cli-io.js'
import { colorsFor } from './colors.js'

const BAR_WIDTH = 24

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} kB`
      : `${(bytes / 1048576).toFixed(1)} MB`

/**
 * Prints install progress on stderr: a line per finished step (`✓ verify  integrity matches; unsigned`), the
 * failed step (`✗ verify  E_INTEGRITY: …`), and on a terminal a download bar redrawn in place
 * (`download [########........]  34%  120.0 kB / 350.0 kB`).
 *
 * @example
 * ```ts
 * const printer = new InstallProgressPrinter(io)
 * printer.show({ step: 'resolve', status: 'done', detail: 'demo@1.1.0 from http://…' })
 * ```
 */
export class InstallProgressPrinter {
  readonly #io: CliIo
  readonly #colors: ReturnType<typeof colorsFor>
  #barShown = false

  constructor(io: CliIo) {
    this.#io = io
    this.#colors = colorsFor(io)
  }

  show(message: InstallProgress): void {
    const c = this.#colors
    if (message.status === 'progress') {
      if (this.#io.isTty && message.bytes !== undefined) this.#bar(message.bytes, message.totalBytes)
      return
    }
    if (message.status === 'started') return
    this.#clearBar()
    const step = message.step.padEnd(12)
    if (message.status === 'done') this.#io.err(`${c.green('✓')} ${step} ${c.dim(message.detail ?? '')}\n`)
    else this.#io.err(`${c.red('✗')} ${step} ${c.red(`${message.error?.code}: ${message.error?.message}`)}\n`)
  }

  #bar(bytes: number, total: number | undefined): void {
    const shown = total
      ? `[${'#'.repeat(Math.round((bytes / total) * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] ${String(Math.floor((bytes / total) * 100)).padStart(3)}%  ${size(bytes)} / ${size(total)}`
      : size(bytes)
    this.#io.err(`\r  download     ${shown}`)
    this.#barShown = true
  }

  #clearBar(): void {
    if (!this.#barShown) return
    this.#io.err('\r\x1b[2K')
    this.#barShown = false
  }
}
