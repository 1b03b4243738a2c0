import * as v from 'valibot'

const moment = (description: string) => v.pipe(v.nullable(v.string()), v.description(description))

/** One cron schedule of the config's `schedules:` (`ScheduleInfo` of @switchyard/host). */
export const ScheduleInfo = v.object({
  name: v.string(),
  cron: v.pipe(v.string(), v.description('5 fields, or 6 with seconds first')),
  timezone: v.pipe(v.nullable(v.string()), v.description('IANA zone; null: the server’s')),
  catchUp: v.picklist(['none', 'last', 'all']),
  eventType: v.string(),
  nextRunAt: moment('RFC 3339: the next tick; null when the expression has none left'),
  lastRunAt: moment('RFC 3339: the tick of the last event published (by any node); null before the first'),
  lastEventId: v.nullable(v.string()),
})

/** `200` of `GET /api/v1/schedules`. */
export const ScheduleList = v.object({ schedules: v.array(ScheduleInfo) })
