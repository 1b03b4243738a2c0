import * as v from 'valibot'
import { cronProblem } from '../schedules/cron-expression.js'

const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/
const SCHEDULE_NAME = /^[a-z][a-z0-9_-]*$/

/** Whether `zone` is an IANA time zone this Node knows, such as `Europe/Berlin`. */
const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const scheduleSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(SCHEDULE_NAME, 'a lower-case name such as nightly-cleanup')),
  cron: v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? cronProblem(dataset.value) : undefined
      if (problem !== undefined)
        addIssue({
          message: `a cron expression of 5 fields, or 6 with seconds first, such as "0 2 * * *" (${problem})`,
        })
    }),
  ),
  event: v.strictObject({
    type: v.pipe(v.string(), v.regex(EVENT_TYPE, 'an event type such as cleanup.nightly')),
    data: v.optional(v.unknown(), null),
  }),
  timezone: v.optional(v.pipe(v.string(), v.check(isTimeZone, 'an IANA time zone such as Europe/Berlin'))),
  catch_up: v.optional(v.picklist(['none', 'last', 'all'], 'one of none, last, all'), 'last'),
})

/**
 * The `schedules:` section: cron schedules that publish an event on each tick, once cluster-wide. `cron` takes 5
 * fields, or 6 with seconds first (`croner`); `timezone` defaults to the server's; `catch_up` says which ticks
 * missed while no server ran are published at the next start: `none`, the `last` one (default) or `all`.
 *
 * @example
 * ```ts
 * v.parse(schedulesSchema, [{ name: 'nightly-cleanup', cron: '0 2 * * *', event: { type: 'cleanup.nightly' } }])
 * ```
 */
export const schedulesSchema = v.pipe(
  v.array(scheduleSchema),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return
    const all = dataset.value
    all.forEach((item, index) => {
      const first = all.findIndex((other) => other.name === item.name)
      if (first === index) return
      addIssue({
        message: `a name no other schedule has (schedules.${first} is "${item.name}" too)`,
        input: item.name,
        path: [
          { type: 'array', origin: 'value', input: all, key: index, value: item },
          { type: 'object', origin: 'value', input: item, key: 'name', value: item.name },
        ],
      })
    })
  }),
)

/** One parsed entry of `schedules:`. */
export type ScheduleConfig = v.InferOutput<typeof scheduleSchema>
