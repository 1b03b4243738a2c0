import * as v from 'valibot'

const perSecond = (description: string) => v.pipe(v.array(v.number()), v.description(description))
const millis = (description: string) => v.pipe(v.array(v.nullable(v.number())), v.description(description))

/** One failed, timed-out or dead-lettered delivery of `GET /api/v1/stats`. */
export const RecentFailure = v.object({
  time: v.pipe(v.string(), v.description('RFC 3339')),
  eventId: v.string(),
  type: v.string(),
  handler: v.string(),
  status: v.string(),
  code: v.nullable(v.string()),
  message: v.nullable(v.string()),
})

/** `GET /api/v1/stats`: per-second series of this server process, oldest second first. */
export const Stats = v.object({
  from: v.pipe(v.number(), v.description('Epoch second of the first value of every series')),
  seconds: v.pipe(v.number(), v.description('How many values each series has')),
  published: perSecond('Events accepted per second'),
  deliveries: v.pipe(
    v.record(v.string(), v.array(v.number())),
    v.description(
      'Final delivery outcomes per second, by status: succeeded, failed, timed_out, dead_lettered, skipped_duplicate, unrouted',
    ),
  ),
  latency: v.object({
    p50: millis('Median handler running time per second, ms (null: nothing ran)'),
    p95: millis('95th percentile of handler running time per second, ms (null: nothing ran)'),
  }),
  recentFailures: v.pipe(
    v.array(RecentFailure),
    v.description('The latest failed, timed-out and dead-lettered deliveries, newest first'),
  ),
  backends: v.object({
    storage: v.pipe(v.string(), v.description('storage.driver: sqlite, memory, nats')),
    transport: v.pipe(v.string(), v.description('transport.driver: memory, nats')),
  }),
})
