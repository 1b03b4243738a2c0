import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import Fastify, { LogController } from 'fastify'
import { destination, pino } from 'pino'

/**
 * The peer of the real server in `pnpm bench -- http`: a Fastify route doing the same HTTP work — a bearer
 * token hashed and compared in constant time, the body validated against a JSON schema of the same shape as
 * the server's (strict object, non-empty `type`), an id answered with 202, and one request log line through pino
 * with the same buffered destination the server uses. It has no bus: nothing is enqueued.
 */
export async function fastifyIngest(token: string): Promise<number> {
  const app = fastifyApp(token)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('fastify did not bind a TCP port')
  return address.port
}

/** The Fastify app of `fastifyIngest`, not yet listening. */
export function fastifyApp(token: string) {
  const expected = createHash('sha256').update(token).digest()
  const app = Fastify({
    loggerInstance: pino(destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 200 })),
    // Its own two lines per request off: the hook below writes one, as the server does.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    const presented = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest()
    if (!match || !timingSafeEqual(presented, expected)) {
      await reply.code(401).send({ error: { code: 'E_UNAUTHORIZED', message: 'unknown bearer token' } })
    }
  })
  app.addHook('onResponse', async (request, reply) => {
    // request.log already carries reqId.
    request.log.info(
      {
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    )
  })
  app.post(
    '/api/v1/events',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { type: 'string', minLength: 1 },
            data: {},
            source: { type: 'string', minLength: 1 },
            metadata: { type: 'object' },
          },
        },
      },
    },
    async (_request, reply) => reply.code(202).send({ id: randomUUID() }),
  )
  return app
}
