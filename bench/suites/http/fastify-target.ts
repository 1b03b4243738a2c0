import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import Database from 'better-sqlite3'
import Fastify, { LogController } from 'fastify'
import { destination, pino } from 'pino'

/**
 * The peer of the real server in `pnpm bench -- http`: a Fastify route doing the same HTTP work — a bearer
 * token hashed and compared in constant time, the body validated against a JSON schema of the same shape as
 * the server's (strict object, non-empty `type`), an id answered with 202, and one request log line through pino
 * with the same buffered destination the server uses. It has no bus: nothing is enqueued.
 */
export async function fastifyIngest(token: string): Promise<number> {
  return listen(fastifyApp(token))
}

/**
 * The durable peer: the same Fastify route, which also keeps the event before it answers, as a Fastify app on
 * SQLite would: one `INSERT` of the body in its own transaction per request into a WAL file with `synchronous =
 * FULL` (better-sqlite3, so each commit's sync holds the event loop). No handler runs, nothing else is written.
 */
export async function fastifyDurableIngest(token: string, file: string): Promise<number> {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, body TEXT NOT NULL)')
  const insert = db.prepare<[string, string]>('INSERT INTO events (id, body) VALUES (?, ?)')
  return listen(
    fastifyApp(token, (body) => {
      const id = randomUUID()
      insert.run(id, JSON.stringify(body))
      return id
    }),
  )
}

async function listen(app: ReturnType<typeof fastifyApp>): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('fastify did not bind a TCP port')
  return address.port
}

/** The Fastify app of `fastifyIngest`, not yet listening; `accept` keeps the body and answers its id. */
export function fastifyApp(token: string, accept: (body: unknown) => string = () => randomUUID()) {
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
    async (request, reply) => reply.code(202).send({ id: accept(request.body) }),
  )
  return app
}
