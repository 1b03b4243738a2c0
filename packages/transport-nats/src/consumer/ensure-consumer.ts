import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { TransportSetupError } from '../errors.js'

/** The parts of a durable pull consumer the transport decides. */
export interface DurableSpec {
  durable: string
  filterSubject: string
  ackWaitMs: number
  maxDeliver: number
  /** Messages delivered and not yet acked, cluster-wide; 1 serialises the consumer. Omitted: server default. */
  maxAckPending?: number
  /** The server deletes the consumer (and forgets its backlog) when no node pulled from it for this long. */
  inactiveMs: number
}

/**
 * Creates the durable consumer, or brings an existing one in line with `spec`: the updatable settings are
 * updated in place (the last node to start wins), and a consumer whose filter subject changed (the handler
 * now has another pattern) is recreated, because a 2.9 server cannot change a filter in place.
 *
 * New consumers start with the messages published after their creation (`DeliverPolicy.New`): a handler
 * receives the events published once it exists somewhere in the cluster, as in process.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  spec: DurableSpec,
): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    inactive_threshold: nanos(spec.inactiveMs),
    ...(spec.maxAckPending === undefined ? {} : { max_ack_pending: spec.maxAckPending }),
  }
  try {
    const existing = await findConsumer(jsm, stream, spec.durable)
    if (existing === undefined) {
      await addOrUpdate(jsm, stream, config)
    } else if (existing.filter_subject !== spec.filterSubject) {
      await jsm.consumers.delete(stream, spec.durable)
      await addOrUpdate(jsm, stream, config)
    } else if (differs(existing, config)) {
      await jsm.consumers.update(stream, spec.durable, updatable(config))
    }
  } catch (cause) {
    throw new TransportSetupError(`consumer "${spec.durable}" on stream "${stream}"`, cause)
  }
}

async function findConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerConfig | undefined> {
  try {
    return (await jsm.consumers.info(stream, durable)).config
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)
      return undefined
    throw error
  }
}

/** Another node may create the same consumer at the same moment: then update what it made. */
async function addOrUpdate(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig>,
): Promise<void> {
  try {
    await jsm.consumers.add(stream, config)
  } catch (error) {
    const durable = config.durable_name as string
    if ((await findConsumer(jsm, stream, durable)) === undefined) throw error
    await jsm.consumers.update(stream, durable, updatable(config))
  }
}

/** The settings a running consumer may change. */
function updatable(config: Partial<ConsumerConfig>): Partial<ConsumerConfig> {
  const { ack_wait, max_deliver, inactive_threshold, max_ack_pending } = config
  return {
    ack_wait,
    max_deliver,
    inactive_threshold,
    ...(max_ack_pending === undefined ? {} : { max_ack_pending }),
  }
}

function differs(existing: ConsumerConfig, wanted: Partial<ConsumerConfig>): boolean {
  const changes = updatable(wanted) as Record<string, unknown>
  return Object.keys(changes).some(
    (key) => (existing as unknown as Record<string, unknown>)[key] !== changes[key],
  )
}
