import { Cron } from 'croner'

/**
 * A parsed cron expression (5 fields, or 6 with seconds first) in a time zone (the server's when unset): the
 * ticks after a moment, computed by `croner`. Never runs anything itself.
 *
 * @example
 * ```ts
 * const nightly = cronExpression('0 2 * * *', 'Europe/Berlin')
 * nightly.after(new Date()) // the next 02:00 in Berlin
 * ```
 */
export interface CronExpression {
  /** The first tick strictly after `moment`, or undefined when there is none (a date in the past). */
  after(moment: Date): Date | undefined
}

/** Parses `pattern`; throws croner's error when it does not parse. */
export function cronExpression(pattern: string, timezone?: string): CronExpression {
  const cron = new Cron(pattern, {
    paused: true,
    mode: '5-or-6-parts',
    ...(timezone === undefined ? {} : { timezone }),
  })
  return { after: (moment) => cron.nextRun(moment) ?? undefined }
}

/** Why `pattern` is not a cron expression (croner's reason), or undefined when it is one. */
export function cronProblem(pattern: string): string | undefined {
  try {
    cronExpression(pattern).after(new Date())
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
