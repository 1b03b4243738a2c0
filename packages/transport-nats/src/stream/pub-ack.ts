import { type ApiError, JetStreamApiError } from '@nats-io/jetstream'
import type { Msg } from '@nats-io/transport-node'

/** What JetStream answers a publish: where it stored the message, or why not. */
interface PubAckReply {
  seq?: number
  duplicate?: boolean
  error?: ApiError
}

/** A stored publish: its stream sequence, and whether the server dropped it as a duplicate of that message. */
export interface StoredPublish {
  seq: number
  duplicate: boolean
}

/**
 * Reads JetStream's answer to a publish sent with `RequestMux` (what nats.js's `JetStreamClient.publish`
 * reads); throws `JetStreamApiError` when the stream refused the message (e.g. a wrong last sequence).
 */
export function readPubAck(reply: Msg): StoredPublish {
  const ack = reply.json<PubAckReply>()
  if (ack.error !== undefined) throw new JetStreamApiError(ack.error)
  if (typeof ack.seq !== 'number')
    throw new JetStreamApiError({
      code: 500,
      err_code: 0,
      description: `invalid publish ack: ${reply.string()}`,
    })
  return { seq: ack.seq, duplicate: ack.duplicate === true }
}
