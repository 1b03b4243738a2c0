import * as v from 'valibot'

/** `200` of `POST /api/v1/handlers/{name}/replay` (`HandlerReplaySummary` of @switchyard/core). */
export const HandlerReplaySummary = v.object({
  handler: v.string(),
  since: v.pipe(v.string(), v.description('RFC 3339')),
  until: v.pipe(v.string(), v.description('RFC 3339')),
  replayed: v.pipe(v.number(), v.description('Events run through the handler')),
  statuses: v.pipe(
    v.record(v.string(), v.number()),
    v.description('How many ended in each status: succeeded, failed, skipped_duplicate, …'),
  ),
})
