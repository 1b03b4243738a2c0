import { NotFoundError } from '@switchyard/core'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { DeadLetter, DeadLetterPage, DeliveryOutcome } from './responses/event-responses.js'
import { DeadLetterQuery } from './schemas.js'

const DEFAULT_LIMIT = 100

/** The 404 of the routes that take a dead letter's id. */
const noSuchDeadLetter = (id: string) => new NotFoundError(`dead letter "${id}"`)

/**
 * `GET /api/v1/dead-letters` (paged, oldest first), `GET /api/v1/dead-letters/{id}`,
 * `POST /api/v1/dead-letters/{id}/replay` and `DELETE /api/v1/dead-letters/{id}`.
 *
 * @example
 * ```ts
 * deadLetterRoutes(api, runtime)
 * ```
 */
export function deadLetterRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  const tag = 'dead letters'
  api.schemas({ DeadLetter })
  api.route(
    {
      method: 'get',
      path: '/api/v1/dead-letters',
      scope: 'read',
      tag,
      summary: 'Dead letters, oldest first; page with ?after=<last id>',
      query: DeadLetterQuery,
      responses: { 200: { description: 'One page of dead letters', schema: DeadLetterPage } },
    },
    async (c, { query }) => {
      const limit = query.limit ?? DEFAULT_LIMIT
      const deadLetters = await runtime.store.listDeadLetters({ ...query, limit })
      const next = deadLetters.length === limit ? (deadLetters.at(-1)?.id ?? null) : null
      return c.json({ deadLetters, next })
    },
  )

  api.route(
    {
      method: 'get',
      path: '/api/v1/dead-letters/:id',
      scope: 'read',
      tag,
      summary: 'One dead letter',
      responses: { 200: { description: 'The dead letter', schema: DeadLetter }, 404: 'No such dead letter' },
    },
    async (c) => {
      const id = c.req.param('id')!
      const deadLetter = await runtime.store.getDeadLetter(id)
      if (!deadLetter) throw noSuchDeadLetter(id)
      return c.json(deadLetter)
    },
  )

  api.route(
    {
      method: 'post',
      path: '/api/v1/dead-letters/:id/replay',
      scope: 'admin',
      tag,
      summary: 'Run the handler again on the dead event; the dead letter is deleted when it succeeds',
      responses: {
        200: { description: 'The outcome of the replayed delivery', schema: DeliveryOutcome },
        404: 'No such dead letter',
      },
    },
    async (c) => c.json(await runtime.bus.replayDeadLetter(c.req.param('id')!)),
  )

  api.route(
    {
      method: 'delete',
      path: '/api/v1/dead-letters/:id',
      scope: 'admin',
      tag,
      summary: 'Delete a dead letter',
      responses: { 204: 'Deleted', 404: 'No such dead letter' },
    },
    async (c) => {
      const id = c.req.param('id')!
      if (!(await runtime.store.deleteDeadLetter(id))) throw noSuchDeadLetter(id)
      return c.body(null, 204)
    },
  )
}
